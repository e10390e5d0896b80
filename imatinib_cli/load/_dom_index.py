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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

_INDEXED_ATTRS = ("role", "itemprop")
# The attributes a lean index looks at (see Index._lean): any other attribute (href, src, data-*)
# is only named, never read.
_KEY_ATTRS = frozenset(("class", "id", *_INDEXED_ATTRS))
# Attributes BeautifulSoup splits into lists (HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES, the
# ones any element may carry); a selector compares them joined by single spaces, as it did.
_LIST_ATTRS = frozenset(("class", "accesskey", "dropzone"))
_TOKEN_RE = re.compile(
    r"(?P<name>^[a-zA-Z][\w-]*)|\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+)|\[(?P<attr>[\w-]+)(?P<op>[\^*]?=)(?P<value>[^\]]+)\]"
)


# The largest page (characters of markup) whose lean index is read by XPath (see Index._by_xpath):
# ~5 times a 50 KB journal page, and small enough that a page nested 2,000 deep pays ~0.1 s more.
XPATH_MAX_CHARS = 1 << 18

# Where an Index finds a compound's candidates (see _start): by its id, its first class, an
# indexed attribute (role, itemprop), an id prefix, a class-name part, its tag name, or everywhere.
BY_ID, BY_CLASS, BY_ATTR, BY_ID_PREFIX, BY_CLASS_PART, BY_NAME, BY_ALL = (
    "id",
    "class",
    "attr",
    "id^=",
    "class*=",
    "name",
    "all",
)
# Starts whose candidates are one list, in document order (the others join several lists).
_ONE_LIST = frozenset((BY_ID, BY_CLASS, BY_ATTR, BY_NAME))


@dataclass(frozen=True)
class _Compound:
    name: str | None = None
    classes: tuple[str, ...] = ()
    ident: str | None = None
    attrs: tuple[tuple[str, str, str], ...] = ()  # (attribute, operator, value)
    start: tuple[str, str] = (BY_ALL, "")  # _start's answer (how, key), kept from the parse


def _start(compound: _Compound) -> tuple[str, str]:
    """The one rule for where a compound's candidates come from, shared by lookup_keys (what to
    index), lookup_names (which tag names to index) and Index._candidates (what to look at): its id;
    else its first class; else its first attribute test the index answers (role or itemprop, an id
    prefix, a class-name part); else its tag name; else every element.

    >>> _start(_Compound("section", attrs=(("lang", "=", "en"), ("id", "^=", "abs"))))
    ('id^=', 'abs')
    >>> _start(_Compound("h1", ("title", "big"))), _start(_Compound("a", attrs=(("href", "^=", "#"),)))
    (('class', 'title'), ('name', 'a'))
    """
    if compound.ident is not None:
        return BY_ID, compound.ident
    if compound.classes:
        return BY_CLASS, compound.classes[0]
    for attr, op, value in compound.attrs:
        if attr in _INDEXED_ATTRS:
            return BY_ATTR, attr
        if (attr, op) == ("id", "^="):
            return BY_ID_PREFIX, value
        if (attr, op) == ("class", "*="):
            return BY_CLASS_PART, value
    if compound.name is not None:
        return BY_NAME, compound.name
    return BY_ALL, ""


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
    compound = _Compound(name, tuple(classes), ident, tuple(attrs))
    return replace(compound, start=_start(compound))


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
    """A selector names elements the index left out (a class or id it was not built for)."""


@dataclass(frozen=True)
class Keys:
    """What an Index holds beside its tag names: the ids, id prefixes, class names and class-name
    parts its selectors start from (elements with role or itemprop are always held)."""

    ids: frozenset[str] = frozenset()
    id_prefixes: tuple[str, ...] = ()
    classes: frozenset[str] = frozenset()
    class_parts: tuple[str, ...] = ()


@functools.cache
def lookup_keys(selectors: tuple[str, ...]) -> Keys:
    """The keys an Index needs to answer these selectors (the last compound of each chain).

    >>> keys = lookup_keys(("div.auths a", "#abstract, section[id^=abs]", "h1.title.big"))
    >>> sorted(keys.ids), keys.id_prefixes, sorted(keys.classes)
    (['abstract'], ('abs',), ['title'])
    """
    ids: set[str] = set()
    id_prefixes: list[str] = []
    classes: set[str] = set()
    class_parts: list[str] = []
    for selector in selectors:
        for chain in parse(selector):
            by, key = chain[-1].start
            if by == BY_ID:
                ids.add(key)
            elif by == BY_CLASS:
                classes.add(key)
            elif by == BY_ID_PREFIX:
                id_prefixes.append(key)
            elif by == BY_CLASS_PART:
                class_parts.append(key)
    return Keys(
        frozenset(ids),
        tuple(dict.fromkeys(id_prefixes)),
        frozenset(classes),
        tuple(dict.fromkeys(class_parts)),
    )


# A value the lean index wants is fetched alone (_Attribute.nth) when there are at most _NTH_MAX of
# them and they are fewer than one in _NTH_RATIO of the attribute's values; else every value comes
# as a smart string that knows its element (_Attribute.smart). One fetch costs about one pass for
# the values (~18 µs on a 50 KB page); a smart string ~1 µs more than a plain one (the element
# proxy and the string object, per value).
_NTH_MAX = 4
_NTH_RATIO = 16


class _Attribute(NamedTuple):
    """Compiled XPaths for one attribute under (and on) an element: its values as plain strings,
    as smart strings (each knowing its element), and the element of the k-th value."""

    plain: Any
    smart: Any
    nth: Any


@functools.cache
def _attribute_xpaths() -> dict[str, _Attribute]:
    """The XPaths the lean index reads each of class, id, role and itemprop with.

    One XPath each: a union ("@class | @id") costs libxml2 a merge in document order (~1.5x the four
    alone), and a predicate on the name (`@*[name()='id']`) ~5x.
    """
    from lxml import etree

    return {
        attr: _Attribute(
            etree.XPath(f"descendant-or-self::*/@{attr}", smart_strings=False),
            etree.XPath(f"descendant-or-self::*/@{attr}"),
            etree.XPath(f"(descendant-or-self::*/@{attr})[$k]/.."),
        )
        for attr in _KEY_ATTRS
    }


def _may_hold(values: list[str], ids: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    """Whether a value is one of ids or starts with one of prefixes, asked of all values at once:
    a few searches in C over the values joined by NUL (which no value holds: libxml2's strings end
    at one), where a test per value cost ~1,000 instructions (a journal page's ~240 reference ids).

    >>> _may_hold(["ref1", "abstract-2"], frozenset({"body"}), ("abstract",))
    True
    >>> _may_hold(["ref1", "xbody", "bodyx", "x-abstract"], frozenset({"body"}), ("abstract",))
    False
    """
    joined = "\0" + "\0".join(values) + "\0"
    return any(f"\0{value}\0" in joined for value in ids) or any(
        f"\0{prefix}" in joined for prefix in prefixes
    )


def _holders(root: Any, attr: str, values: list[str], places: list[int]) -> list[Any]:
    """The elements holding the values at places (0-based, ascending) of values, attr's values
    under root in document order (_Attribute.plain's answer).

    A page's ~240 reference ids are wanted by no selector: their values come as plain strings,
    and only the few wanted ones get an element, each by its place (`(...)[k]/..`), where a smart
    string for every value cost an element proxy each (~0.3 ms a page for the ids alone).

    >>> from lxml import etree
    >>> page = etree.fromstring("<div>" + "<p id='r'/>" * 40 + "<p id='w'/><i id='w'/></div>")
    >>> values = _attribute_xpaths()["id"].plain(page)
    >>> [el.tag for el in _holders(page, "id", values, [40, 41])], len(_holders(page, "id", values, []))
    (['p', 'i'], 0)
    """
    if not places:
        return []
    xpaths = _attribute_xpaths()[attr]
    if len(places) <= _NTH_MAX and len(places) * _NTH_RATIO < len(values):
        return [xpaths.nth(root, k=place + 1)[0] for place in places]
    smart = xpaths.smart(root)
    return [smart[place].getparent() for place in places]


class Index:
    """Elements of a tree by class, id, a few attributes and some names, in document order.

    Only elements a selector can start from are indexed: elements of the tag names given
    (`names`), every element with an indexed attribute (role, itemprop), and, when `keys` are given,
    only the elements whose id or class a selector looks up (without keys, every element with a
    class or an id). Each indexed element is held, which keeps its lxml proxy, and so its id(),
    stable while the reader works; the others (the plain cells, links and numbered references of a
    large page) get no proxy that outlives the walk. Elements of a tag name not indexed are listed
    when a selector first asks (one walk in C); a selector that needs a class or id the keys leave
    out is answered by a full index, built once when first needed.
    """

    def __init__(
        self,
        root: Any,
        skip: Any = None,
        names: Iterable[str] | None = None,
        keys: Keys | None = None,
        small: bool = False,
    ) -> None:
        """Index root's elements (root itself included unless it is skip); comments are left out.
        small: the tree is a page of at most XPATH_MAX_CHARS characters (see _by_xpath).

        >>> from lxml import etree
        >>> page = etree.fromstring("<body><p class='a'>x</p><p class='b'>y</p><h1>z</h1><i>w</i></body>")
        >>> index = Index(page, names=("h1",), keys=lookup_keys((".a",)))
        >>> [el.tag for el in index.select("h1, .a, i")], index.held
        (['p', 'h1', 'i'], 2)
        """
        self._root = root
        self._skip = skip
        self.names: frozenset[str] | None = None if names is None else frozenset(names)
        self.keys = keys
        self._all: Index | None = None
        self._lazy: dict[str, list[Any]] = {}
        self._positions: dict[int, int] = {}
        self.by_name: dict[str, list[Any]] = defaultdict(list)
        self.by_class: dict[str, list[Any]] = defaultdict(list)
        self.by_id: dict[str, list[Any]] = defaultdict(list)
        self.by_attr: dict[str, list[Any]] = defaultdict(list)
        if root is None:
            return
        if self.names is not None and keys is not None:
            self._lean(root, skip, self.names, keys, small)
        else:
            self._every(root, skip, self.names, keys)

    def _lean(self, root: Any, skip: Any, names: frozenset[str], keys: Keys, small: bool) -> None:
        """The elements of the names, found in C; then the elements with a class, id, role or
        itemprop the keys ask for: on a small page from four XPaths (_by_xpath), else by a walk
        (_by_walk). Document order is not noted: each list is in it."""
        by_name = self.by_name
        if names:
            for node in root.iter(*names):
                if node is not skip:
                    by_name[node.tag].append(node)
        if small:
            self._by_xpath(root, skip, keys)
        else:
            self._by_walk(root, skip, keys)

    def _by_xpath(self, root: Any, skip: Any, keys: Keys) -> None:
        """The class, id, role and itemprop attributes, each found by a compiled XPath in C
        (`descendant-or-self::*/@id`: the values; ids as plain strings, so only the elements that
        hold a wanted one get a proxy, see _holders), where _by_walk makes one for every element and
        asks each for its attribute names (~0.5 M of ~16 M instructions a 50 KB page). Each list is
        in document order
        (libxml2 sorts a path's result); an element is in a list once per class token or attribute,
        as _by_walk puts it. libxml2's sort compares two nodes by walking to the root, so a page of
        tens of thousands of elements nested thousands deep pays seconds: only pages up to
        XPATH_MAX_CHARS come here (Index's `small`).

        >>> from lxml import etree
        >>> page = etree.fromstring("<div id='abstract-2'><p class='cit x cit'>a</p><i role='note'/></div>")
        >>> index = Index(page, names=(), keys=Keys(id_prefixes=("abstract",), classes=frozenset({"cit"})))
        >>> [el.tag for el in index.by_id["abstract-2"]], [el.tag for el in index.by_class["cit"]]
        (['div'], ['p', 'p'])
        >>> [el.tag for el in index.by_attr["role"]], sorted(index.by_class)
        (['i'], ['cit'])
        """
        by_class, by_id, by_attr = self.by_class, self.by_id, self.by_attr
        ids, id_prefixes, classes, class_parts = keys.ids, keys.id_prefixes, keys.classes, keys.class_parts
        xpaths = _attribute_xpaths()
        for value in xpaths["class"].smart(root):
            if value:
                for cls in value.split():
                    if cls in classes or any(part in cls for part in class_parts):
                        node = value.getparent()
                        if node is not skip:
                            by_class[cls].append(node)
        values = xpaths["id"].plain(root)
        if values and _may_hold(values, ids, id_prefixes):
            places = [
                place for place, value in enumerate(values) if value in ids or value.startswith(id_prefixes)
            ]
            for place, node in zip(places, _holders(root, "id", values, places), strict=True):
                if node is not skip:
                    by_id[values[place]].append(node)
        for attr in _INDEXED_ATTRS:
            for value in xpaths[attr].smart(root):
                node = value.getparent()
                if node is not skip:
                    by_attr[attr].append(node)

    def _by_walk(self, root: Any, skip: Any, keys: Keys) -> None:
        """One walk that asks each element only for its attribute names, and reads the value of a
        class, id, role or itemprop (most elements of a page have none, or an href)."""
        from lxml.etree import Element

        by_class, by_id, by_attr = self.by_class, self.by_id, self.by_attr
        ids, id_prefixes, classes, class_parts = keys.ids, keys.id_prefixes, keys.classes, keys.class_parts
        key_attrs = _KEY_ATTRS
        for node in root.iter(Element):
            attrs = node.keys()
            if key_attrs.isdisjoint(attrs) or node is skip:
                continue
            for attr in attrs:
                if attr == "class":
                    value = node.get(attr)
                    if value:
                        for cls in value.split():
                            if cls in classes or any(part in cls for part in class_parts):
                                by_class[cls].append(node)
                elif attr == "id":
                    value = node.get(attr)
                    if value in ids or value.startswith(id_prefixes):
                        by_id[value].append(node)
                elif attr in _INDEXED_ATTRS:
                    by_attr[attr].append(node)

    def _every(self, root: Any, skip: Any, names: frozenset[str] | None, keys: Keys | None) -> None:
        """One walk in Python over every element (a full index, or one without names or keys)."""
        from lxml.etree import Element

        wanted = names
        every = keys is None
        ids = keys.ids if keys is not None else frozenset()
        id_prefixes = keys.id_prefixes if keys is not None else ()
        classes = keys.classes if keys is not None else frozenset()
        class_parts = keys.class_parts if keys is not None else ()
        by_name, by_class, by_id, by_attr = self.by_name, self.by_class, self.by_id, self.by_attr
        for node in root.iter(Element):
            if node is skip:
                continue
            if wanted is None or node.tag in wanted:
                by_name[node.tag].append(node)
            for attr, value in node.items():
                if attr == "class":
                    if value:
                        for cls in value.split():
                            if every or cls in classes or any(part in cls for part in class_parts):
                                by_class[cls].append(node)
                elif attr == "id":
                    if every or value in ids or value.startswith(id_prefixes):
                        by_id[value].append(node)
                elif attr in _INDEXED_ATTRS:
                    by_attr[attr].append(node)

    def _lists(self, lazy: bool = True) -> Iterator[list[Any]]:
        """The index's lists of elements (with those listed by name when asked, if lazy)."""
        for table in (self.by_name, self.by_class, self.by_id, self.by_attr, self._lazy if lazy else {}):
            yield from table.values()

    @property
    def held(self) -> int:
        """How many elements the index holds (a proxy each)."""
        return len({id(tag) for tags in self._lists(lazy=False) for tag in tags})

    def named(self, name: str) -> list[Any]:
        """The elements of one tag name, in document order (listed when first asked if not indexed)."""
        if self.names is None or name in self.names:
            return self.by_name.get(name, [])
        if name not in self._lazy:
            skip = self._skip
            self._lazy[name] = (
                [el for el in self._root.iter(name) if el is not skip] if self._root is not None else []
            )
        return self._lazy[name]

    def _full(self) -> Index:
        if self._all is None:
            self._all = Index(self._root, self._skip)
        return self._all

    def _candidates(self, compound: _Compound) -> list[Any]:
        keys = self.keys
        by, value = compound.start
        if by == BY_ALL:
            if self.names is not None:
                raise _NeedsAll
            return [tag for tags in self.by_name.values() for tag in tags]
        if by == BY_NAME:
            return self.named(value)
        if by == BY_ATTR:
            return self.by_attr.get(value, [])
        if by == BY_ID:
            if keys is not None and value not in keys.ids:
                raise _NeedsAll
            return self.by_id.get(value, [])
        if by == BY_CLASS:
            if keys is not None and value not in keys.classes:
                raise _NeedsAll
            return self.by_class.get(value, [])
        if by == BY_ID_PREFIX:
            if keys is not None and value not in keys.id_prefixes:
                raise _NeedsAll
            return [tag for key, tags in self.by_id.items() if key.startswith(value) for tag in tags]
        if keys is not None and value not in keys.class_parts:  # BY_CLASS_PART
            raise _NeedsAll
        return [tag for key, tags in self.by_class.items() if value in key for tag in tags]

    def _position(self, tag: Any) -> int:
        """tag's place in document order, from one more walk over the tree, made only when
        elements from more than one list are sorted (and again if a list was added since)."""
        key = id(tag)
        if key not in self._positions:
            from lxml.etree import Element

            held = {id(el) for tags in self._lists() for el in tags}
            self._positions = {
                id(node): position
                for position, node in enumerate(self._root.iter(Element))
                if id(node) in held
            }
        return self._positions[key]

    def select(self, selector: str) -> list[Any]:
        """Matching elements in document order, each once (like soupsieve's select)."""
        found: dict[int, Any] = {}
        chains = parse(selector)
        try:
            for chain in chains:
                last = chain[-1]
                for tag in self._candidates(last):
                    if id(tag) in found or not _matches(tag, last):
                        continue
                    if _ancestors_match(tag, chain[:-1]):
                        found[id(tag)] = tag
        except _NeedsAll:
            return self._full().select(selector)
        if len(found) < 2 or (len(chains) == 1 and chains[0][-1].start[0] in _ONE_LIST):
            return list(found.values())  # in the order of one list: document order
        return sorted(found.values(), key=self._position)

    def select_one(self, selector: str) -> Any | None:
        found = self.select(selector)
        return found[0] if found else None


def lookup_names(selectors: Iterable[str]) -> frozenset[str]:
    """The tag names these selectors look elements up by (a last compound with no class, id or
    indexed attribute), so an Index of just those names answers them.

    >>> sorted(lookup_names(["div.auths a", "h1.title", "article h1, main", "[role=main]"]))
    ['a', 'h1', 'main']
    """
    starts = (chain[-1].start for selector in selectors for chain in parse(selector))
    return frozenset(key for by, key in starts if by == BY_NAME)


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
