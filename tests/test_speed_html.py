"""The HTML load's seventh-session rewrites, each checked against the code it replaced on generated
pages: the lean element index read from XPath attribute values (the walk it replaced still reads
pages over XPATH_MAX_CHARS, so it is the reference)."""

from __future__ import annotations

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


@settings(max_examples=300, deadline=None)
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
    by_xpath = Index(root, skip=skip, names=names, keys=_KEYS)
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
