"""Safe parsing of XML and JSON files for the structured-data readers.

XML goes through defusedxml (imported only when an XML file is read): entity declarations are
refused (billion laughs, external entities), nothing is ever fetched, and a DOCTYPE that merely
names an external DTD (as PubMed's efetch output does) is parsed without reading it. A file that
cannot be parsed raises Unreadable, which a reader turns into a skipped/error Document with a
one-line reason; nothing here raises anything else for a file's content.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

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


def parse_xml(text: str) -> Element:
    """The root element, parsed safely; raises Unreadable."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.ElementTree import fromstring

    # The text is already decoded: an encoding declaration would only mislead the parser.
    body = _XML_DECL_RE.sub("", text, count=1)
    try:
        return fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        where = f" ({exc.sysid})" if getattr(exc, "sysid", None) else ""
        raise Unreadable(
            STATUS_SKIPPED,
            f"XML refused for safety: it declares the entity '{exc.name}'{where} (entities are not expanded)",
        ) from None
    except ExternalReferenceForbidden as exc:
        raise Unreadable(
            STATUS_SKIPPED,
            f"XML refused for safety: it refers to an external resource ({exc.sysid}); nothing is fetched",
        ) from None
    except DefusedXmlException as exc:
        raise Unreadable(STATUS_SKIPPED, f"XML refused for safety: {_detail(exc)}") from None
    except (ParseError, ValueError, RecursionError) as exc:
        raise Unreadable(STATUS_ERROR, f"truncated or malformed XML: {_detail(exc)}") from None


def parse_json(text: str) -> Any:
    """The parsed JSON value; raises Unreadable."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise Unreadable(STATUS_ERROR, "truncated or malformed JSON: nested too deeply") from None
    except ValueError as exc:
        raise Unreadable(STATUS_ERROR, f"truncated or malformed JSON: {_detail(exc)}") from None


def text_of(element: Element | None) -> str:
    """All text inside an element (inline markup such as <i> or <sup> kept as its text), collapsed."""
    if element is None:
        return ""
    return collapse("".join(element.itertext()))


def findtext(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    return text_of(element.find(path))
