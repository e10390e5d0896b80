"""The eleventh session's runs of plain list items (html_page._cut_runs): a page read with its
reference list cut out of the markup (one placeholder per run, its marked text written in when the
page is rendered) gives the Document the tree gives, on generated pages whose lists hold hostile
markup (character references, "<", nested and unclosed tags, attributes, comments, whitespace and
line ends of every kind, non-ASCII and private-use characters), or the page is read by the tree."""

from __future__ import annotations

import dataclasses
from typing import Any

from extract_helpers import patched
from hypothesis import example, given, settings
from hypothesis import strategies as st

from imatinib_cli.load import html_page

_WORDS = st.sampled_from(
    (
        "Ivanova JW, et al.",
        "Imatinib in GIST.",
        "J Clin Oncol. 2002;20:1-10.",
        " ",
        "\n        ",
        "\t",
        "\r\n",
        "\r",
        "&amp;",
        "&lt;",
        "&gt;",
        "&quot;",
        "&#39;",
        "&nbsp;",
        "&ndash;",
        "&copy;",
        "&#127;",
        "&#xE001;",
        "&am",
        "&",
        "AT&T",
        "&amp;lt;",
        ">",
        '"',
        "'",
        "\x00",
        "\x01",
        "\x7f",
        "é",
        "\xa0",
        "\u2003",
        "\ue001",
        "\ue100",
        "doi",
        "abstract",
    )
)
# What a run may hold (the cut is taken): whitespace and line ends, the allowed references, quotes,
# ">" and non-ASCII text.
_SAFE_WORDS = st.sampled_from(
    (
        "Kim L.",
        "Imatinib.",
        " ",
        "\n  ",
        "\r\n",
        "\r",
        "&amp;",
        "&lt;",
        "&nbsp;",
        "&ndash;",
        ">",
        '"',
        "é",
        "\xa0",
        "\u2003",
    )
)
_LI_STARTS = st.sampled_from(
    (
        "<li>",
        '<li id="ref1">',
        '<li id="abstract-1">',
        '<li id="abstract">',
        '<li id="body">',
        '<li id="a&amp;b">',
        '<li id="abs&#116;ract">',
        '<li class="cit">',
        '<li role="doc-abstract">',
        "<LI>",
        "<li id='ref2'>",
        '<li  id="ref3">',
        '<li data-imx-run="0">',
        "<li",
    )
)
_LINKS = st.sampled_from(
    (
        "",
        '<a href="https://doi.org/10.1/x">',
        '<a href="x>y">',
        '<a href="&amp;</li>">',
        "<a href='q'>",
        '<a href="x" class="id-link">',
        "<a>",
        "<i>",
        "<b>",
        "<!-- c -->",
        "<br>",
        "<span class='cit'>",
    )
)
_ENDS = st.sampled_from(("</a>", "</i>", "</b>", "", "</span>", "</li>"))
_ITEM_ENDS = st.sampled_from(("</li>", "</li>", "</li>", "", "</LI>", "</li >", "</ol>"))


@st.composite
def _items(draw: Any) -> str:
    """One list item, most often plain (`<li id>text <a href>doi</a></li>`), sometimes not."""
    words = _SAFE_WORDS if draw(st.booleans()) else _WORDS
    text = "".join(draw(st.lists(words, max_size=4)))
    link = draw(_LINKS)
    inner = "".join(draw(st.lists(words, max_size=2)))
    tail = "".join(draw(st.lists(words, max_size=2)))
    after = draw(st.sampled_from(("", "\n  ", " ", "\r\n", "x", "&amp;", "\xa0", "\u2003", "\x0c", "&nbsp;")))
    if draw(st.booleans()):  # the common, plain shape
        return f'<li id="ref9">{text}<a href="https://doi.org/10.1/9">{inner}</a>{tail}</li>{after}'
    return f"{draw(_LI_STARTS)}{text}{link}{inner}{draw(_ENDS)}{tail}{draw(_ITEM_ENDS)}{after}"


_CONTEXTS = st.sampled_from(
    (
        ("<section><h2>References</h2><ol>", "</ol></section>"),
        ("<ul>", "</ul>"),
        ("<p>", "</p>"),
        ("<ol><li>outer", "</li></ol>"),
        ('<div class="auths">', "</div>"),
        ('<div class="cit">', "</div>"),
        ("<h2>", "</h2>"),
        ("<h1 class='article-title'>", "</h1>"),
        ("<nav>", "</nav>"),
        ("<a href='x'>", "</a>"),
        ("<!--", "-->"),
        ("<script>", "</script>"),
        ("<textarea>", "</textarea>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<dl class='rprtid'><dt>PMID</dt><dd>", "</dd></dl>"),
        ("", ""),
    )
)


def _page(head: str, lists: list[tuple[tuple[str, str], list[str]]], abstract: bool) -> str:
    body = "".join(start + "".join(items) + end for (start, end), items in lists)
    summary = '<section class="abstract"><h2>Abstract</h2><p>Imatinib 400 mg daily.</p></section>' * abstract
    return (
        f"<!DOCTYPE html><html><head><title>{head}A trial</title>"
        '<meta name="citation_title" content="A trial"></head>'
        f"<body><article><h1>A trial</h1>{summary}{body}</article></body></html>"
    )


def _document(text: str) -> dict[str, Any]:
    return dataclasses.asdict(html_page.read("page.html", "0" * 64, text))


@settings(max_examples=400, deadline=None)
@example("<li>x</li>", [(("<ul>", "</ul>"), ['<li data-imx-run="0"></li>'])], False)
@example("<li>x</li>", [(("<ul>", "</ul>"), ['<li DATA-Imx-Run="0"></li>', "<li>y</li>"])], True)
@example("", [(("<ul>", "</ul>"), ["<li>A\x0cB</li>", "<li>C\x01</li>"])], False)
@given(
    st.sampled_from(("", "<li>x</li>", "\x7f")),
    st.lists(st.tuples(_CONTEXTS, st.lists(_items(), min_size=1, max_size=6)), min_size=1, max_size=3),
    st.booleans(),
)
def test_a_page_read_with_runs_cut_out_reads_as_its_tree(
    head: str, lists: list[tuple[tuple[str, str], list[str]]], abstract: bool
) -> None:
    text = _page(head, lists, abstract)
    with_runs = _document(text)
    with patched(html_page, _cut_runs=lambda page, mark: (page, [])):
        as_tree = _document(text)
    assert with_runs == as_tree


def test_a_reference_list_is_read_without_its_tree() -> None:
    items = "".join(
        f'\n  <li id="ref{n}">Author {n} &amp; B. Title. J. 2001;{n}:1&ndash;9. <a href="https://doi.org/10.1/{n}">doi</a></li>'
        for n in range(1, 41)
    )
    text = _page("", [(("<section><h2>References</h2><ol>", "\n</ol></section>"), [items])], True)
    page, runs = html_page._cut_runs(text, "\x7f")
    assert len(runs) == 1 and page.count("<li") == 1 and "ref7" not in page
    assert runs[0][0].startswith("Author 1 & B. Title. J. 2001;1:1\u20139. doi\x7fAuthor 2 & B.")
    root, _synthetic = html_page._parse(text, page.encode())
    placeholders = html_page._placeholders(root, 1)
    assert placeholders is not None and placeholders[0].getparent().tag == "ol"
    document = html_page.read("page.html", "0" * 64, text)
    assert "Author 7 & B. Title. J. 2001;7:1\u20139. doi\nAuthor 8 & B." in document.text
    with patched(html_page, _cut_runs=lambda page, mark: (page, [])):
        assert html_page.read("page.html", "0" * 64, text) == document


def test_links_under_an_author_list_keep_their_tree() -> None:
    """`div.auths a` names the links of an author list: a run there is read by the tree."""
    text = _page(
        "", [(('<div class="auths"><ul>', "</ul></div>"), ['<li><a href="x">Kim L</a></li>'] * 3)], True
    )
    page, runs = html_page._cut_runs(text, "\x7f")
    assert len(runs) == 1
    root, _synthetic = html_page._parse(text, page.encode())
    assert html_page._placeholders(root, 1) is None


def test_a_threads_runs_are_its_own() -> None:
    """A Dask worker with threads reads two pages at once: the runs one thread set for its page
    are not written into the text another thread collapses."""
    import threading

    html_page._per_thread.run_texts["\ue001"] = ["B &amp; C", "doi"]
    seen: list[str] = []
    try:
        other = threading.Thread(target=lambda: seen.append(html_page._collapsed("A \ue001 D")))
        other.start()
        other.join()
        mine = html_page._collapsed("A \ue001 D")
    finally:
        html_page._per_thread.run_texts.clear()
    assert seen == ["A \ue001 D"]
    assert mine == "A B & C doi D"


def test_a_page_that_names_the_placeholders_attribute_is_read_without_runs() -> None:
    """A run hidden in the title is text, not a placeholder: the page's own element with the
    attribute (in any case: HTML reads attribute names case-blind) must not stand in for it."""
    items = "<li>secret</li><li>more</li>"
    for own in ('<li data-imx-run="0"></li>', '<li DATA-IMX-RUN="0"></li>'):
        text = _page(items, [(("<ul>", "</ul>"), [own])], False)
        assert html_page._cut_runs(text, "\x7f") == (text, [])
        assert "secret" not in html_page.read("page.html", "0" * 64, text).text.split("A trial", 1)[1]
    text = _page(items, [(("<ul>", "</ul>"), ["<li>a</li>"])], False)
    assert html_page._cut_runs(text, "\x7f")[1] != []


def test_before_libxml2_2_14_a_run_with_a_control_character_is_read_as_a_tree() -> None:
    """libxml2 before 2.14 leaves the characters XML excludes out of a text node ("A\x0cB" reads
    "AB"), which the cut run would keep; from 2.14 on they are kept, as the cut run keeps them."""
    text = _page("", [(("<ul>", "</ul>"), ["<li>A\x0cB</li><li>C</li>"])], False)
    html_page._libxml2_drops_controls.cache_clear()
    try:
        with patched(html_page, _libxml2_drops_controls=lambda: True):
            assert html_page._cut_runs(text, "\x7f") == (text, [])
        with patched(html_page, _libxml2_drops_controls=lambda: False):
            page, runs = html_page._cut_runs(text, "\x7f")
            assert runs and runs[0][0] == "A\x0cB\x7fC"
    finally:
        html_page._libxml2_drops_controls.cache_clear()


def test_each_thread_parses_with_its_own_parser() -> None:
    """_parse reads its parser's error log after the parse: a parser shared with another thread
    could have its log reset by that thread's parse in between."""
    import threading

    mine = html_page._html_parser()
    theirs: list[object] = []
    other = threading.Thread(target=lambda: theirs.append(html_page._html_parser()))
    other.start()
    other.join()
    assert html_page._html_parser() is mine
    assert theirs and theirs[0] is not mine
