"""One-pass index of an lxml HTML tree and a small CSS-like selector over it.

A CSS engine (soupsieve, lxml.cssselect) evaluates every selector against every element; with the
few dozen selectors the HTML reader tries that costs a large page far more than parsing it. Here
the tree is walked once, elements are indexed by tag name, class, id and a few attributes, and a
selector only looks at the candidates its last part names. Attribute values are compared as
BeautifulSoup gave them (a class list joined by single spaces), so selections are unchanged.

Supported selectors: compounds of `tag`, `.class` (several allowed), `#id`, `[attr=value]`,
`[attr^=prefix]`, `[attr*=part]`, joined by spaces (descendant) and listed with commas.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_INDEXED_ATTRS = ("role", "itemprop")
# Attributes BeautifulSoup splits into lists (HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES, the
# ones any element may carry); a selector compares them joined by single spaces, as it did.
_LIST_ATTRS = frozenset(("class", "accesskey", "dropzone"))
_TOKEN_RE = re.compile(
    r"(?P<name>^[a-zA-Z][\w-]*)|\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+)|\[(?P<attr>[\w-]+)(?P<op>[\^*]?=)(?P<value>[^\]]+)\]"
)


@dataclass(frozen=True)
class _Compound:
    name: str | None = None
    classes: tuple[str, ...] = ()
    ident: str | None = None
    attrs: tuple[tuple[str, str, str], ...] = ()  # (attribute, operator, value)


def _parse_compound(text: str) -> _Compound:
    name: str | None = None
    classes: list[str] = []
    ident: str | None = None
    attrs: list[tuple[str, str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"unsupported selector: {text!r}")
        if match.group("name"):
            name = match.group("name").lower()
        elif match.group("cls"):
            classes.append(match.group("cls"))
        elif match.group("id"):
            ident = match.group("id")
        else:
            attrs.append((match.group("attr").lower(), match.group("op"), match.group("value").strip("'\"")))
        position = match.end()
    return _Compound(name, tuple(classes), ident, tuple(attrs))


@functools.cache
def parse(selector: str) -> tuple[tuple[_Compound, ...], ...]:
    """A comma-separated selector list as tuples of compounds (descendant chains)."""
    return tuple(tuple(_parse_compound(part) for part in chain.split()) for chain in selector.split(","))


def _classes(tag: Any) -> list[str]:
    value = tag.get("class")
    return value.split() if value else []


def _matches(tag: Any, compound: _Compound) -> bool:
    if compound.name is not None and tag.tag != compound.name:
        return False
    if compound.ident is not None and tag.get("id") != compound.ident:
        return False
    if compound.classes:
        present = _classes(tag)
        if not all(cls in present for cls in compound.classes):
            return False
    for attr, op, value in compound.attrs:
        actual = tag.get(attr)
        if actual is not None and attr in _LIST_ATTRS:
            actual = " ".join(actual.split())
        if actual is None:
            return False
        if (op == "=" and actual != value) or (op == "^=" and not actual.startswith(value)):
            return False
        if op == "*=" and value not in actual:
            return False
    return True


class _NeedsAll(Exception):
    """A selector names elements the index left out (a tag name not indexed, or no indexed key)."""


class Index:
    """Elements of a tree by class, id, a few attributes and some names, in document order.

    Only elements a selector can start from are indexed: every element with a class, an id or an
    indexed attribute, and the elements of the tag names given (`names`; None indexes every
    element by name). Each indexed element is held, which keeps its lxml proxy, and so its id(),
    stable while the reader works; the others (the plain cells and paragraphs of a large page) get
    no proxy that outlives the walk. A selector that needs an element left out (a tag name not
    indexed, alone) is answered by a full index, built once when first needed.
    """

    def __init__(self, root: Any, skip: Any = None, names: Iterable[str] | None = None) -> None:
        """Index root's elements (root itself included unless it is skip); comments are left out.

        >>> from lxml import etree
        >>> page = etree.fromstring("<body><p class='a'>x</p><p>y</p><h1>z</h1></body>")
        >>> index = Index(page, names=("h1",))
        >>> [el.tag for el in index.select("h1, .a")], index.held
        (['p', 'h1'], 2)
        """
        self._root = root
        self._skip = skip
        self.names: frozenset[str] | None = None if names is None else frozenset(names)
        self._all: Index | None = None
        self.order: dict[int, int] = {}
        self.by_name: dict[str, list[Any]] = defaultdict(list)
        self.by_class: dict[str, list[Any]] = defaultdict(list)
        self.by_id: dict[str, list[Any]] = defaultdict(list)
        self.by_attr: dict[str, list[Any]] = defaultdict(list)
        if root is None:
            return
        wanted = self.names
        by_name, by_class, by_id, by_attr, order = (
            self.by_name,
            self.by_class,
            self.by_id,
            self.by_attr,
            self.order,
        )
        for position, node in enumerate(root.iter()):
            name = node.tag
            if not isinstance(name, str) or node is skip:
                continue
            attrib = node.attrib
            held = False
            if wanted is None or name in wanted:
                by_name[name].append(node)
                held = True
            if attrib:
                classes = attrib.get("class")
                if classes:
                    for cls in classes.split():
                        by_class[cls].append(node)
                        held = True
                ident = attrib.get("id")
                if ident is not None:
                    by_id[ident].append(node)
                    held = True
                for attr in _INDEXED_ATTRS:
                    if attr in attrib:
                        by_attr[attr].append(node)
                        held = True
            if held:
                order[id(node)] = position

    @property
    def held(self) -> int:
        """How many elements the index holds (a proxy each)."""
        return len(self.order)

    def named(self, name: str) -> list[Any]:
        """The elements of one tag name, in document order (from the full index if not indexed)."""
        if self.names is None or name in self.names:
            return self.by_name.get(name, [])
        return self._full().named(name)

    def _full(self) -> Index:
        if self._all is None:
            self._all = Index(self._root, self._skip)
        return self._all

    def _candidates(self, compound: _Compound) -> list[Any]:
        if compound.ident is not None:
            return self.by_id.get(compound.ident, [])
        if compound.classes:
            return self.by_class.get(compound.classes[0], [])
        for attr, op, value in compound.attrs:
            if attr in _INDEXED_ATTRS:
                return self.by_attr.get(attr, [])
            if attr == "id" and op == "^=":
                return [tag for key, tags in self.by_id.items() if key.startswith(value) for tag in tags]
            if attr == "class" and op == "*=":
                return [tag for key, tags in self.by_class.items() if value in key for tag in tags]
        if self.names is not None and (compound.name is None or compound.name not in self.names):
            raise _NeedsAll
        if compound.name is not None:
            return self.by_name.get(compound.name, [])
        return [tag for tags in self.by_name.values() for tag in tags]

    def select(self, selector: str) -> list[Any]:
        """Matching elements in document order, each once (like soupsieve's select)."""
        found: dict[int, Any] = {}
        try:
            for chain in parse(selector):
                last = chain[-1]
                for tag in self._candidates(last):
                    if id(tag) in found or not _matches(tag, last):
                        continue
                    if _ancestors_match(tag, chain[:-1]):
                        found[id(tag)] = tag
        except _NeedsAll:
            return self._full().select(selector)
        return sorted(found.values(), key=lambda tag: self.order.get(id(tag), 0))

    def select_one(self, selector: str) -> Any | None:
        found = self.select(selector)
        return found[0] if found else None


def _attr_candidates(attr: str, op: str) -> bool:
    """Whether Index._candidates finds candidates for this attribute test (not by name)."""
    return attr in _INDEXED_ATTRS or (attr, op) in (("id", "^="), ("class", "*="))


def lookup_names(selectors: Iterable[str]) -> frozenset[str]:
    """The tag names these selectors look elements up by (a last compound with no class, id or
    indexed attribute), so an Index of just those names answers them.

    >>> sorted(lookup_names(["div.auths a", "h1.title", "article h1, main", "[role=main]"]))
    ['a', 'h1', 'main']
    """
    out: set[str] = set()
    for selector in selectors:
        for chain in parse(selector):
            last = chain[-1]
            if last.name is None or last.ident is not None or last.classes:
                continue
            if any(_attr_candidates(attr, op) for attr, op, _ in last.attrs):
                continue
            out.add(last.name)
    return frozenset(out)


def _ancestors_match(tag: Any, chain: tuple[_Compound, ...]) -> bool:
    """Descendant combinators, right to left; greedy is exact when every combinator is a space."""
    if not chain:
        return True
    remaining = list(chain)
    for parent in tag.iterancestors():
        if _matches(parent, remaining[-1]):
            remaining.pop()
            if not remaining:
                return True
    return False
