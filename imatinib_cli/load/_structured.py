"""Safe parsing of XML and JSON files for the structured-data readers.

XML goes through defusedxml (imported only when an XML file is read): entity declarations are
refused (billion laughs, external entities), nothing is ever fetched, and a DOCTYPE that merely
names an external DTD (as PubMed's efetch output does) is parsed without reading it. A file that
cannot be parsed raises Unreadable, which a reader turns into a skipped/error Document with a
one-line reason; nothing here raises anything else for a file's content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from imatinib_cli.load import limits
from imatinib_cli.load._build import skipped
from imatinib_cli.load._text import collapse
from imatinib_cli.models import STATUS_ERROR, STATUS_SKIPPED, Document

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_XML_ROOT_RE = re.compile(r"<([A-Za-z_][\w.:-]*)")
_XML_SKIP_RE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S)
_XML_DECL_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
_MAX_DETAIL = 160


class Unreadable(Exception):
    """A file whose content cannot be read as the format it claims to be."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = collapse(reason)

    def document(self, path: str, sha256: str, fmt: str) -> Document:
        return skipped(path, sha256, fmt, self.reason, self.status)


def root_name(text: str) -> str | None:
    """The first element name after any XML declaration, comments and DOCTYPE (no parsing)."""
    head = text.lstrip()[:20000]
    position = 0
    while (match := _XML_SKIP_RE.match(head, position)) and match.end() > position:
        position = match.end()
    root = _XML_ROOT_RE.match(head[position:].lstrip())
    return root.group(1) if root else None


def _detail(exc: BaseException) -> str:
    return collapse(str(exc))[:_MAX_DETAIL] or type(exc).__name__


class _RootReached(Exception):
    """The safety check has seen the root element's start tag: the prolog is over."""


class _PrologTarget:
    """A parser target that stops the parse at the first start tag (nothing else is built)."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:  # pragma: no cover - never reached before start
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def _check_prolog(text: str, start: int) -> None:
    """defusedxml's checks over the prolog: raises its exceptions for any entity declaration.

    Entities can be declared only in the DOCTYPE, which comes before the root element, so once
    the root's start tag is reached the rest of the file can hold no declaration, and the fast C
    parser that reads it can expand nothing but XML's five predefined entities.
    """
    from defusedxml.ElementTree import DefusedXMLParser

    parser = DefusedXMLParser(
        target=_PrologTarget(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    try:
        chunk = limits.XML_CHUNK_CHARS
        for offset in range(start, len(text), chunk):
            parser.feed(text[offset : offset + chunk])
        parser.close()
    except _RootReached:
        return


def _unreadable_xml(exc: BaseException) -> Unreadable:
    from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

    if isinstance(exc, EntitiesForbidden):
        where = f" ({exc.sysid})" if getattr(exc, "sysid", None) else ""
        return Unreadable(
            STATUS_SKIPPED,
            f"XML refused for safety: it declares the entity '{exc.name}'{where} (entities are not expanded)",
        )
    if isinstance(exc, ExternalReferenceForbidden):
        return Unreadable(
            STATUS_SKIPPED,
            f"XML refused for safety: it refers to an external resource ({exc.sysid}); nothing is fetched",
        )
    if isinstance(exc, DefusedXmlException):
        return Unreadable(STATUS_SKIPPED, f"XML refused for safety: {_detail(exc)}")
    return Unreadable(STATUS_ERROR, f"truncated or malformed XML: {_detail(exc)}")


class XmlStream:
    """XML parsed safely and in pieces, with a cap on the elements of one name under one parent.

    The prolog goes through defusedxml (entity declarations refused, nothing fetched; a DOCTYPE
    that only names an external DTD, as PubMed's efetch output does, is fine), the rest through
    the standard library's C parser, fed XML_CHUNK_CHARS at a time. An element past its cap
    (`caps` by name, else MAX_SIBLINGS) is dropped when its end tag is read and counted in
    `dropped`, so 1,000,000 <condition> elements never sit in memory at once. Errors raise
    Unreadable, with the same reasons as a whole-file parse.

        stream = XmlStream(text, caps={"condition": 1_000})
        root = stream.tree()        # the whole tree, capped; stream.dropped == {"condition": 999_000}
    """

    def __init__(self, text: str, *, caps: Mapping[str, int] | None = None) -> None:
        self._text = text
        self._caps = dict(caps or {})
        self.dropped: dict[str, int] = {}
        self.root: Element | None = None

    def take_dropped(self) -> dict[str, int]:
        """The elements dropped since the last call, by name (and the count starts again)."""
        dropped, self.dropped = self.dropped, {}
        return dropped

    def tree(self) -> Element:
        """The root element with everything under it (past the caps dropped)."""
        for _ in self._walk(release=False):
            pass
        assert self.root is not None  # a parse that ends without a root raises Unreadable
        return self.root

    def children(self) -> Iterator[Element]:
        """Each child of the root, complete, when its end tag is read; taken out of the tree when
        the caller asks for the next one, so a file of 100,000 records is never held whole. The
        root's own children are never capped (the caller counts them). Afterwards `root` is the
        root without them."""
        return self._walk(release=True)

    def _events(self) -> Iterator[tuple[str, Element]]:
        from xml.etree.ElementTree import ParseError, XMLPullParser

        from defusedxml import DefusedXmlException

        text = self._text
        declaration = _XML_DECL_RE.match(text)
        # The text is already decoded: an encoding declaration would only mislead the parser.
        start = declaration.end() if declaration else 0
        try:
            _check_prolog(text, start)
            parser = XMLPullParser(events=("start", "end"))
            chunk = limits.XML_CHUNK_CHARS
            for offset in range(start, len(text), chunk):
                parser.feed(text[offset : offset + chunk])
                yield from parser.read_events()
            parser.close()
            yield from parser.read_events()
        except (DefusedXmlException, ParseError, ValueError, RecursionError) as exc:
            raise _unreadable_xml(exc) from None

    def _walk(self, *, release: bool) -> Iterator[Element]:
        caps = self._caps
        default = limits.MAX_SIBLINGS
        # The open elements: [element, its children so far by name (or None), its children kept].
        # The parser runs up to a piece ahead of the events read here, so a parent may already hold
        # later siblings of the element whose end is being read; that element sits right after the
        # children kept so far, at index `kept`.
        stack: list[list[Any]] = []
        for event, element in self._events():
            if event == "start":
                if not stack:
                    self.root = element
                stack.append([element, None, 0])
                continue
            stack.pop()
            if not stack:
                continue
            frame = stack[-1]
            parent, counts, kept = frame
            if release and len(stack) == 1:
                yield element
                if kept < len(parent) and parent[kept] is element:
                    del parent[kept]
                continue
            if counts is None:
                counts = frame[1] = {}
            seen = counts[element.tag] = counts.get(element.tag, 0) + 1
            if seen > caps.get(element.tag, default) and kept < len(parent) and parent[kept] is element:
                del parent[kept]
                self.dropped[element.tag] = self.dropped.get(element.tag, 0) + 1
            else:
                frame[2] = kept + 1


def dropped_reasons(
    dropped: Mapping[str, int], caps: Mapping[str, int], nouns: Mapping[str, str]
) -> list[str]:
    """One warning per element name an XmlStream dropped: how many there were, and the limit.

    >>> dropped_reasons({"condition": 999_000}, {"condition": 1_000}, {"condition": "conditions"})
    ['1,000,000 conditions; only the first 1,000 are read (the limit per record)']
    """
    out = []
    for tag, extra in dropped.items():
        limit = caps.get(tag, limits.MAX_SIBLINGS)
        noun = nouns.get(tag, f"<{tag}> elements under one parent")
        out.append(limits.over_limit(limit + extra, noun, limit, "the limit per record"))
    return out


def parse_xml(text: str) -> Element:
    """The root element, parsed safely (see XmlStream); raises Unreadable."""
    return XmlStream(text).tree()


def parse_json(text: str) -> Any:
    """The parsed JSON value; raises Unreadable."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise Unreadable(STATUS_ERROR, "truncated or malformed JSON: nested too deeply") from None
    except ValueError as exc:
        raise Unreadable(STATUS_ERROR, f"truncated or malformed JSON: {_detail(exc)}") from None


class NotStreamable(Exception):
    """The JSON is not an object read member by member (or is malformed): parse it whole instead,
    which gives the exact reason json.loads gives."""


_JSON_WS_RE = re.compile(r"[ \t\n\r]*")


def json_members(text: str, list_key: str, top: dict[str, Any]) -> Iterator[Any]:
    """The items of the top-level object's `list_key` list, one at a time; its other members go
    into `top` as they are met.

    Each value is parsed by the standard library's C scanner (JSONDecoder.raw_decode at an
    offset, so the text is never copied), so a {"studies": [...]} list of 300,000 studies is held
    one study at a time rather than as one tree. Raises NotStreamable for anything else: a top
    level that is not an object, a list_key that is not a list, or malformed JSON (the caller then
    parses the whole text, which raises the exact error).

        top = {}
        studies = list(json_members('{"studies": [{"a": 1}], "totalCount": 1}', "studies", top))
        # studies == [{"a": 1}], top == {"studies": [], "totalCount": 1}
    """
    import json

    decode = json.JSONDecoder().raw_decode
    space = _JSON_WS_RE.match
    length = len(text)

    def expect(position: int, char: str) -> int:
        position = space(text, position).end()
        if position >= length or text[position] != char:
            raise NotStreamable
        return space(text, position + 1).end()

    try:
        position = expect(0, "{")
        if text.startswith("}", position):
            position += 1
        else:
            while True:
                key, position = decode(text, position)
                if not isinstance(key, str):
                    raise NotStreamable
                position = expect(position, ":")
                if key == list_key and text.startswith("[", position) and list_key not in top:
                    top[list_key] = None  # seen (a second list under the same key is not streamed)
                    position = space(text, position + 1).end()
                    if text.startswith("]", position):
                        position += 1
                    else:
                        while True:
                            item, position = decode(text, position)
                            yield item
                            position = space(text, position).end()
                            if text.startswith("]", position):
                                position += 1
                                break
                            position = expect(position, ",")
                    top[list_key] = []  # a list was here, its items given out
                else:
                    if key == list_key:
                        raise NotStreamable
                    top[key], position = decode(text, position)
                position = space(text, position).end()
                if text.startswith("}", position):
                    position += 1
                    break
                position = expect(position, ",")
        if space(text, position).end() != length:
            raise NotStreamable
    except (ValueError, RecursionError):
        raise NotStreamable from None


def cap_lists(value: Any, limit: int, root: str = "") -> list[tuple[str, int]]:
    """Cut every list under value to `limit` items, in place; (its path, its length) for each cut.

    Iterative, so a deeply nested value cannot exhaust the stack; scalars are not visited, and a
    path is written out only for a list that is cut.

    >>> data = {"a": [1, 2, 3], "b": {"c": [[4, 5, 6]]}}
    >>> cap_lists(data, 2), data
    ([('a', 3), ('b.c[0]', 3)], {'a': [1, 2], 'b': {'c': [[4, 5]]}})
    """
    cut: list[tuple[str, int]] = []
    # (container, where it sits: None for the root, else (where its parent sits, key or index))
    pending: list[tuple[Any, Any]] = [(value, None)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, dict):
            children: Iterable[tuple[Any, Any]] = item.items()
        else:
            if len(item) > limit:
                cut.append((_json_path(root, where), len(item)))
                del item[limit:]
            children = enumerate(item)
        found = [(child, (where, key)) for key, child in children if isinstance(child, (dict, list))]
        pending.extend(reversed(found))
    return cut


def _json_path(root: str, where: Any) -> str:
    parts: list[str] = []
    while where is not None:
        where, key = where
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    path = root + "".join(reversed(parts))
    return path[1:] if path.startswith(".") else path


def text_of(element: Element | None) -> str:
    """All text inside an element (inline markup such as <i> or <sup> kept as its text), collapsed."""
    if element is None:
        return ""
    return collapse("".join(element.itertext()))


def findtext(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    return text_of(element.find(path))
