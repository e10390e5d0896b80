"""The HTML load's seventh-session rewrites, each checked against the code it replaced on generated
pages: the lean element index read from XPath attribute values (the walk it replaced still reads
pages over XPATH_MAX_CHARS, so it is the reference); the block marks that leave out a start mark
a blank run holds already, against marking every block element (through the whole reader, so a
page whose text lxml would not take back, now read by the marks, reads as the walk read it); the
eighth session's: wanted ids fetched by place, the block marks written by XSLT, string containers
found from the index."""

from __future__ import annotations

from typing import Any

from extract_helpers import patched
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from imatinib_cli.load import html_page
from imatinib_cli.load._dom_index import Index, Keys

_TAGS = ("div", "p", "section", "span", "a", "li", "h1", "article", "main", "b")
_ATTRS = ("class", "id", "role", "itemprop", "href", "CLASS", "Id", "data-id", "xml:id", "lang")
_WORDS = ("abstract", "abstract-1", "body", "cit", "x", "ABSTRACT", "", "cit cit", " cit  x ", "abstractx")
_KEYS = Keys(
    ids=frozenset({"body", "abstract", "x"}),
    id_prefixes=("abstract",),
    classes=frozenset({"cit", "x", "body"}),
    class_parts=("abstr",),
)


def _tables(index: Index) -> list[dict[str, list[int]]]:
    return [
        {key: [id(node) for node in nodes] for key, nodes in table.items()}
        for table in (index.by_name, index.by_class, index.by_id, index.by_attr)
    ]


_element = st.tuples(
    st.sampled_from(_TAGS),
    st.lists(st.tuples(st.sampled_from(_ATTRS), st.sampled_from(_WORDS)), max_size=4),
    st.integers(min_value=0, max_value=3),  # how many of the following elements it holds
)


def _markup(elements: list[tuple[str, list[tuple[str, str]], int]]) -> str:
    """Nested markup: each element opens, holds the next `depth` ones, then closes (a stack)."""
    out: list[str] = []
    closing: list[tuple[str, int]] = []
    for tag, attrs, holds in elements:
        written = "".join(f' {name}="{value}"' for name, value in attrs)
        out.append(f"<{tag}{written}>t")
        closing.append((tag, holds))
        while closing and closing[-1][1] == 0:
            out.append(f"</{closing.pop()[0]}> ")
        if closing:
            closing[-1] = (closing[-1][0], closing[-1][1] - 1)
    out.extend(f"</{tag}>" for tag, _holds in reversed(closing))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(st.lists(_element, max_size=25), st.booleans(), st.booleans())
def test_the_xpath_lean_index_lists_what_the_walk_listed(
    elements: list[tuple[str, list[tuple[str, str]], int]], trailing: bool, soup: bool
) -> None:
    text = (
        "<html><body>"
        + _markup(elements)
        + "</body></html>"
        + ("<p class='cit'>after</p>" if trailing else "")
    )
    if soup:  # BeautifulSoup's tree copied under a synthetic root, skipped by the index
        root, synthetic = html_page._soup_tree(text), True
    else:
        root, synthetic = html_page._parse(text, text.encode())
    skip = root if synthetic else None
    names = frozenset({"h1", "main", "a"})
    by_xpath = Index(root, skip=skip, names=names, keys=_KEYS, small=True)
    by_walk = Index(root, skip=skip, names=names, keys=_KEYS, small=False)
    assert _tables(by_xpath) == _tables(by_walk)


def test_the_xpath_lean_index_skips_the_synthetic_root_and_keeps_token_repeats() -> None:
    root = etree.Element("imx-document", id="abstract")
    etree.SubElement(root, "p", {"class": "cit x cit", "role": "note"})
    index = Index(root, skip=root, names=(), keys=_KEYS)
    assert dict(index.by_id) == {}
    assert {key: [node.tag for node in nodes] for key, nodes in index.by_class.items()} == {
        "cit": ["p", "p"],
        "x": ["p"],
    }
    assert [node.tag for node in index.by_attr["role"]] == ["p"]


def _marked_by_setting(root: Any, mark: str) -> str:
    """The marked text as the sixth session made it: the mark set from Python at the start and end
    (tail) of every block element below root, after every <br> and at root's start, then serialized
    (the reference for _marked_text's XSLT, which writes the marks in C and leaves the tree as it
    is, so a text lxml would not take back is no longer refused: such a page reads as the walk read it)."""
    for element in root.iterdescendants(*html_page._BLOCK_TAGS):
        element.text = mark + (element.text or "")
        element.tail = mark + (element.tail or "")
    for element in root.iterdescendants("br"):
        element.tail = mark + (element.tail or "")
    if root.tag in html_page._BLOCK_TAGS:
        root.text = mark + (root.text or "")
    return etree.tostring(root, method="text", encoding=str, with_tail=False)


def _every_container(index: Index) -> list[Any]:
    """The string containers as a walk of the whole tree finds them after _drop_chrome (the
    reference for _left_containers, which lists them from the index)."""
    return list(index._root.iter(*html_page._STRING_CONTAINERS))


_TAG_PIECES = st.sampled_from(
    (
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<li>",
        "</li>",
        "<ol>",
        "</ol>",
        "<section class='abstract'>",
        "<section>",
        "</section>",
        "<h2>",
        "</h2>",
        "<h2>Results</h2>",
        "<h1 class='article-title'>A title</h1>",
        "<article>",
        "</article>",
        "<a href='x'>",
        "</a>",
        "<b>",
        "</b>",
        "<br>",
        "<hr>",
        "<!-- note -->",
        "<table><tr><td>",
        "</td></tr></table>",
        "<nav>menu</nav>",
        "<nav>menu<script>s()</script></nav>",
        "<script>s()</script>",
        "<ruby>k<rt>r</rt></ruby>",
        "<h3>",
        "</h3>",
        "<main>",
        "<br/>",
    )
)
_TEXT_PIECES = st.sampled_from(
    (" ", "\n  ", "\t", "\xa0", "\u2003", "Of 40 patients, 20 responded.", "word", "x")
)
# text lxml parses but will not take back, whitespace only Python calls so, the ASCII mark
_ODD_PIECES = st.sampled_from(("\x0c", "\x1f", "\x01", "&#1;", "&#127;"))
_PIECE = st.one_of(_TAG_PIECES, _TAG_PIECES, _TEXT_PIECES, _TEXT_PIECES, _ODD_PIECES)


@settings(max_examples=250, deadline=None)
@given(st.lists(_PIECE, max_size=40), st.booleans())
def test_marking_only_the_needed_starts_reads_every_page_the_same(pieces: list[str], abstract: bool) -> None:
    body = "".join(pieces)
    head = "<head><meta name='citation_title' content='A study'></head>" if abstract else ""
    text = f"<html>{head}<body>{body}</body></html>"
    new = html_page.read("page.html", "0" * 64, text)
    with patched(html_page, _marked_text=_marked_by_setting, _left_containers=_every_container):
        old = html_page.read("page.html", "0" * 64, text)
    assert new == old


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(("ref", "cit", "abstract", "abstract-2", "x y", "body", "z")), max_size=80),
    st.sampled_from(("id", "class")),
)
def test_the_wanted_attribute_values_are_fetched_alone_or_all_at_once_alike(
    values: list[str], attr: str
) -> None:
    """Many values, few wanted (fetched one by one by place) or many (all as smart strings): the
    index lists what the walk lists."""
    text = "<html><body>" + "".join(f'<p {attr}="{value}">t</p>' for value in values) + "</body></html>"
    root, _synthetic = html_page._parse(text, text.encode())
    names = frozenset({"h1"})
    by_xpath = Index(root, names=names, keys=_KEYS, small=True)
    by_walk = Index(root, names=names, keys=_KEYS, small=False)
    assert _tables(by_xpath) == _tables(by_walk)


_NAMED = st.sampled_from(("body", "title", "head", "div", "p", "<!--c-->", "<?pi x?>", "html"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_NAMED, st.integers(min_value=0, max_value=2)), max_size=12), st.booleans())
def test_the_first_element_of_a_name_is_the_one_iter_finds_first(
    shape: list[tuple[str, int]], soup: bool
) -> None:
    elements = [(tag, [("id", str(number))], holds) for number, (tag, holds) in enumerate(shape)]
    text = _markup(elements).replace("<<!--c-->", "<!--c--><i").replace("<<?pi x?>", "<?pi x?><i")
    root = html_page._soup_tree(text) if soup else html_page._parse(text, text.encode())[0]
    if root is None:
        return
    for name in ("body", "title", "head", "p", "html", "imx-document", "i"):
        assert html_page._first_element(root, name) is next(root.iter(name), None)
        for child in root:
            assert html_page._first_element(child, name) is next(child.iter(name), None)


def _failing_xslt(mark: str) -> Any:
    def transform(root: Any) -> str:
        raise etree.XSLTApplyError("too deep")

    return transform


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECE, max_size=30))
def test_a_tree_libxslt_refuses_is_marked_from_python_alike(pieces: list[str]) -> None:
    """_marked_text's fallback (libxslt gives up past its template depth) reads pages the same."""
    text = "<html><head><meta name='citation_title' content='A study'></head><body>" + "".join(pieces)
    new = html_page.read("page.html", "0" * 64, text)
    with patched(html_page, _block_marks_xslt=_failing_xslt):
        old = html_page.read("page.html", "0" * 64, text)
    assert new == old


def _serialized_text(mark: str) -> Any:
    """The eighth session's stylesheet (`method="text"`), read with str() as it was: the reference
    for _marked_text, which reads the text node of the result's root instead."""
    code = f"&#{ord(mark)};"
    blocks = "|".join(sorted(html_page._BLOCK_TAGS))
    return etree.XSLT(
        etree.XML(
            '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
            '<xsl:output method="text" encoding="utf-8"/>'
            f'<xsl:template match="{blocks}">{code}<xsl:apply-templates/>{code}</xsl:template>'
            f'<xsl:template match="br">{code}</xsl:template>'
            "</xsl:stylesheet>"
        )
    )


_OPENINGS = st.sampled_from(
    (
        "",
        "&lt;?xml version='1.0' encoding='utf-8'?&gt; x",
        '&lt;?xml version="1.0"  encoding = "latin-1" ?&gt;',
        "&lt;?xml encoding='a'?&gt;",
        "&lt;?xml version='1.0'encoding='x'?&gt;",
        "&lt;?xml version='1.0' encoding='x' standalone='yes'?&gt;",
        "&lt;?xml version='1.0' encoding=\"x'?&gt;",
        " &lt;?xml version='1.0' encoding='x'?&gt;",
    )
)


@settings(max_examples=150, deadline=None)
@given(_OPENINGS, st.lists(_PIECE, max_size=25), st.sampled_from(("span", "div", "imx-document")))
def test_the_marked_text_read_from_the_result_root_is_the_serialized_text(
    opening: str, pieces: list[str], outer: str
) -> None:
    """Read from the result's root, the marked text is what str() of the result gave, an XML
    declaration the text opens with included (str() drops its encoding)."""
    text = f"<html><body><{outer}>{opening}{''.join(pieces)}</{outer}></body></html>"
    root, _synthetic = html_page._parse(text, text.encode())
    if root is None:
        return
    for element in (root, *root.iter(outer)):
        for mark in ("\x7f", "\ue000"):
            try:
                expected = str(_serialized_text(mark)(element))
            except etree.XSLTApplyError:
                continue
            assert html_page._marked_text(element, mark) == expected
