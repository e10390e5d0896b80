"""The HTML load's seventh-session rewrites, each checked against the code it replaced (kept here
as a reference) on generated pages: the lean element index read from XPath attribute values."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from imatinib_cli.load import html_page
from imatinib_cli.load._dom_index import _INDEXED_ATTRS, _KEY_ATTRS, Index, Keys

_TAGS = ("div", "p", "section", "span", "a", "li", "h1", "article", "main", "b")
_ATTRS = ("class", "id", "role", "itemprop", "href", "CLASS", "Id", "data-id", "xml:id", "lang")
_WORDS = ("abstract", "abstract-1", "body", "cit", "x", "ABSTRACT", "", "cit cit", " cit  x ", "abstractx")
_KEYS = Keys(
    ids=frozenset({"body", "abstract", "x"}),
    id_prefixes=("abstract",),
    classes=frozenset({"cit", "x", "body"}),
    class_parts=("abstr",),
)


def _walk_lean(index: Index, root: Any, skip: Any, names: frozenset[str], keys: Keys) -> None:
    """The lean index as the sixth session built it: one walk asking each element for its
    attribute names (the reference the XPath form must match)."""
    from lxml.etree import Element

    by_name, by_class, by_id, by_attr = index.by_name, index.by_class, index.by_id, index.by_attr
    if names:
        for node in root.iter(*names):
            if node is not skip:
                by_name[node.tag].append(node)
    for node in root.iter(Element):
        attrs = node.keys()
        if _KEY_ATTRS.isdisjoint(attrs) or node is skip:
            continue
        for attr in attrs:
            if attr == "class":
                value = node.get(attr)
                if value:
                    for cls in value.split():
                        if cls in keys.classes or any(part in cls for part in keys.class_parts):
                            by_class[cls].append(node)
            elif attr == "id":
                value = node.get(attr)
                if value in keys.ids or value.startswith(keys.id_prefixes):
                    by_id[value].append(node)
            elif attr in _INDEXED_ATTRS:
                by_attr[attr].append(node)


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
    new = Index(root, skip=skip, names=names, keys=_KEYS)
    old = Index(None, names=names, keys=_KEYS)
    _walk_lean(old, root, skip, names, _KEYS)
    assert _tables(new) == _tables(old)


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
