"""One-pass index of an HTML tree and a small CSS-like selector over it.

soupsieve evaluates every selector against every element; with the few dozen selectors the HTML
reader tries that costs a large page hundreds of milliseconds. Here the tree is walked once,
elements are indexed by tag name, class, id and a few attributes, and a selector only looks at
the candidates its last part names.

Supported selectors: compounds of `tag`, `.class` (several allowed), `#id`, `[attr=value]`,
`[attr^=prefix]`, `[attr*=part]`, joined by spaces (descendant) and listed with commas.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

_INDEXED_ATTRS = ("role", "itemprop")
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
    value = tag.attrs.get("class")
    if isinstance(value, str):
        return value.split()
    return list(value) if value else []


def _matches(tag: Any, compound: _Compound) -> bool:
    if compound.name is not None and tag.name != compound.name:
        return False
    if compound.ident is not None and tag.attrs.get("id") != compound.ident:
        return False
    if compound.classes:
        present = _classes(tag)
        if not all(cls in present for cls in compound.classes):
            return False
    for attr, op, value in compound.attrs:
        actual = tag.attrs.get(attr)
        if isinstance(actual, list):
            actual = " ".join(actual)
        if not isinstance(actual, str):
            return False
        if (op == "=" and actual != value) or (op == "^=" and not actual.startswith(value)):
            return False
        if op == "*=" and value not in actual:
            return False
    return True


class Index:
    """Elements of a tree by name, class, id and a few attributes, in document order."""

    def __init__(self, root: Any) -> None:
        from bs4 import Tag

        self.order: dict[int, int] = {}
        self.by_name: dict[str, list[Any]] = defaultdict(list)
        self.by_class: dict[str, list[Any]] = defaultdict(list)
        self.by_id: dict[str, list[Any]] = defaultdict(list)
        self.by_attr: dict[str, list[Any]] = defaultdict(list)
        for position, node in enumerate(root.descendants):
            if not isinstance(node, Tag):
                continue
            self.order[id(node)] = position
            self.by_name[node.name].append(node)
            for cls in _classes(node):
                self.by_class[cls].append(node)
            ident = node.attrs.get("id")
            if isinstance(ident, str):
                self.by_id[ident].append(node)
            for attr in _INDEXED_ATTRS:
                if attr in node.attrs:
                    self.by_attr[attr].append(node)

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
        if compound.name is not None:
            return self.by_name.get(compound.name, [])
        return [tag for tags in self.by_name.values() for tag in tags]

    def select(self, selector: str) -> list[Any]:
        """Matching elements in document order, each once (like soupsieve's select)."""
        found: dict[int, Any] = {}
        for chain in parse(selector):
            last = chain[-1]
            for tag in self._candidates(last):
                if id(tag) in found or getattr(tag, "decomposed", False) or not _matches(tag, last):
                    continue
                if _ancestors_match(tag, chain[:-1]):
                    found[id(tag)] = tag
        return sorted(found.values(), key=lambda tag: self.order.get(id(tag), 0))

    def select_one(self, selector: str) -> Any | None:
        found = self.select(selector)
        return found[0] if found else None


def _ancestors_match(tag: Any, chain: tuple[_Compound, ...]) -> bool:
    """Descendant combinators, right to left; greedy is exact when every combinator is a space."""
    if not chain:
        return True
    remaining = list(chain)
    for parent in tag.parents:
        if _matches(parent, remaining[-1]):
            remaining.pop()
            if not remaining:
                return True
    return False
