"""Reader for HTML pages: journal article pages, PubMed pages (current and legacy), others.

Metadata comes from Highwire `citation_*` and Dublin Core `DC.*` meta tags first, then from the
page's own markup (PubMed's `h1.heading-title`, `span.cit`, `span.identifier`). Document.text is
the visible text with navigation and scripts dropped, one line per block element; sections
mark the title, the abstract element and, on article pages, the article body. A page that is an
error message (no abstract, no citation record, an error heading) is skipped, not read as a study.

Parsing is lxml's (libxml2's HTML parser, imported only when an HTML file is read); BeautifulSoup's
html.parser reads the rare page lxml refuses or cuts short. docs/performance-log.md ("HTML parsing")
says why, and what each choice costs.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

from imatinib_cli.load import limits
from imatinib_cli.load._biblio import (
    abstract_sections,
    clean_doi,
    find_doi,
    parse_cit_tail,
    parse_citation,
    year_of,
)
from imatinib_cli.load._build import document, skipped, with_warnings
from imatinib_cli.load._dom_index import XPATH_MAX_CHARS, Index, lookup_keys, lookup_names
from imatinib_cli.load._text import (
    ABSTRACT,
    BODY,
    BOILERPLATE,
    ELIGIBILITY,
    RESULTS,
    TITLE,
    collapse,
    span,
    split_lines,
)
from imatinib_cli.models import Document, Section

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

FORMAT = "html"

_SNIFF_RE = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>"
    r"|<(?:p|div|h[1-6]|table|span|article|section|main)[\s>]",
    re.I,
)
_XML_DECL_RE = re.compile(r"<!doctype\s+html|<html[\s>]", re.I)
_WS_RE = re.compile(r"\s+")
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "nav",
    "button",
    "select",
    "textarea",
    "object",
    "embed",
    "canvas",
    "map",
)
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search")
_BLOCK_TAGS = frozenset(
    ("address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt")
    + ("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header")
    + ("hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th")
    + ("thead", "tr", "ul")
)
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_TITLE_SELECTORS = (
    "h1.heading-title",
    ".rprt h1",
    "h1.article-title",
    "h1.c-article-title",
    "h1.citation__title",
    "h1.content-title",
    "article h1",
    "main h1",
)
_ABSTRACT_SELECTORS = (
    "#eng-abstract",
    "div.abstract-content",
    "div.abstr",
    "[role=doc-abstract]",
    "section.abstract",
    "div.abstract",
    "#abstract",
    "#Abs1-content",
    ".article__abstract",
    ".hlFld-Abstract",
    "section[id^=abstract]",
    "div[id^=abstract]",
    "section[class*=abstract]",
)
_BODY_SELECTORS = (
    "[itemprop=articleBody]",
    ".article-body",
    ".article__body",
    ".c-article-body",
    ".hlFld-Fulltext",
    ".fulltext-view",
    "#article-body",
    "#body",
    "div.body",
    "section.body",
    "article",
    "main",
)
_PUBMED_SELECTORS = "h1.heading-title, div.abstract-content, #eng-abstract, div.rprt, div.abstr"
_ABSTRACT_HEADING_RE = re.compile(r"^\s*(?:abstract|summary)\s*(?::\s*)?$", re.I)
_RESULTS_HEADING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:results?|findings)\b", re.I)
_ELIGIBILITY_HEADING_RE = re.compile(r"eligibility|inclusion criteria|exclusion criteria", re.I)
_BOILERPLATE_HEADING_RE = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:references?|bibliography|acknowledg|funding|financial support"
    r"|disclosures?|conflicts? of interest|competing interests?"
    r"|author information|author contributions|affiliations"
    r"|supplementary|footnotes|article information|related articles|similar articles|cited by|metrics"
    r"|copyright|rights and permissions|about this article|additional information|data availability)",
    re.I,
)
_ERROR_RE = re.compile(
    r"^\s*(?:an?\s+)?(?:error\b|page not found|not found\b|invalid\b|access denied|forbidden"
    r"|service unavailable|unavailable\b|this page (?:is|isn't|cannot)|the page you requested"
    r"|(?:http\s+)?[45]\d\d(?:\s*[-:]?\s*(?:error|not found|forbidden|unauthorized|bad request|gone"
    r"|internal server error|service unavailable|bad gateway)\b|\s*$))",
    re.I,
)
# Error pages are nearly all links; an article page has far more running text than this.
_ERROR_PAGE_MAX_TEXT = 3000
_MIN_META_ABSTRACT = 200
_PMID_RE = re.compile(r"\b\d{1,9}\b")
# The selectors the reader looks elements up with. The index holds the elements of their tag names
# (but links: "div.auths a" lists them only on a page that needs it) and of the drop tags, and the
# elements whose class or id one of them starts from; not the plain cells, links and numbered
# references that make up most of a page.
_SELECTORS = (
    *_TITLE_SELECTORS,
    "h1, h2, h3",
    *_ABSTRACT_SELECTORS,
    *_BODY_SELECTORS,
    _PUBMED_SELECTORS,
    "#full-view-journal-trigger, .journal-actions-trigger",
    ".inline-authors .authors-list-item .full-name, .authors-list .full-name, div.auths a",
    "span.identifier.doi, .citation-doi, dl.rprtid, dl.rprtid dt, .publication-type, .cit",
    "span.identifier.pubmed strong.current-id, span.identifier.pubmed .id-link",
)
# Elements whose strings BeautifulSoup gives their own string class (HTMLTreeBuilder's
# DEFAULT_STRING_CONTAINERS): such strings are not part of the text of the page or of any element
# outside them. Kept as it was, so the text is unchanged.
_STRING_CONTAINERS = frozenset(("rt", "rp", "style", "script", "template"))
# The string containers too (_render's question whether any is left in the text: no walk of its own).
_INDEXED_NAMES = (
    (lookup_names(_SELECTORS) - {"a"}) | {"meta", "header", "footer"} | set(_DROP_TAGS) | _STRING_CONTAINERS
)
_INDEXED_KEYS = lookup_keys(_SELECTORS)
# A start tag in the markup: what the element limit counts (see _within_limit).
_START_TAG_RE = re.compile("<[A-Za-z]")

# Characters an lxml tree cannot hold (XML 1.0 excludes them); the BeautifulSoup fallback puts
# U+FFFD in their place, as lxml's own parser does.
_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SYNTHETIC_ROOT = "imx-document"
_SOUP_MAX_DEPTH = 512
_DROPPED = "imx-dropped"


class _PerThread(threading.local):
    """What the reader keeps for the page this thread reads: a Dask worker with threads reads two
    pages at once. parser: lxml's HTML parser, whose error log _parse reads after its parse (another
    thread's parse would reset it in between). run_texts: the runs of the page being read (_read
    sets them, and clears them when done), each placeholder's marker -> the run's text nodes,
    character references as written (see _collapsed)."""

    parser: Any = None

    def __init__(self) -> None:
        self.run_texts: dict[str, list[str]] = {}


_per_thread = _PerThread()


def _html_parser() -> Any:
    """This thread's lxml HTML parser: no network, and (HTML has no DTD entities) nothing to resolve.

    huge_tree lifts libxml2's limits on nesting (256 levels without it) and on a text node's size;
    a page beyond even those is read through BeautifulSoup instead (see _parse). The input is
    given as UTF-8 bytes with the encoding fixed, so a declared charset (<meta charset>, an XML
    declaration) is ignored: the text was decoded already. collect_ids=False: libxml2 keeps no
    table of the page's id attributes (nothing looks elements up by it; ~0.07 ms a page).
    """
    parser = _per_thread.parser
    if parser is None:
        from lxml import etree

        parser = _per_thread.parser = etree.HTMLParser(
            encoding="utf-8",
            no_network=True,
            huge_tree=True,
            remove_blank_text=False,
            remove_comments=False,
            remove_pis=False,
            default_doctype=False,
            collect_ids=False,
        )
    return parser


def _parse(text: str, data: bytes | None) -> tuple[Element | None, bool]:
    """(root element or None for a page without elements, whether the root is synthetic).

    lxml parses data (text in UTF-8, None if text will not encode: lone surrogates); a text lxml
    refuses or cuts short (a resource limit: nesting deeper than 2,048 levels) is parsed by
    BeautifulSoup's html.parser and copied into an lxml tree, so the rest of the reader sees one
    kind of tree.
    """
    from lxml import etree

    parser = _html_parser()
    if data is None:
        return _soup_tree(text), True
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return _soup_tree(text), True
    if any(entry.level == etree.ErrorLevels.FATAL for entry in parser.error_log):
        return _soup_tree(text), True
    if root is not None and root.getnext() is not None:
        # Markup after </html> becomes further top-level elements: keep them, in order, under one
        # root (BeautifulSoup kept them too).
        wrapper = etree.Element(_SYNTHETIC_ROOT)
        for node in [root, *root.itersiblings()]:
            wrapper.append(node)
        return wrapper, True
    return root, False


def _soup_tree(text: str) -> Element:
    """BeautifulSoup's html.parser tree as an lxml tree under a synthetic root.

    Nodes are copied in document order. Each BeautifulSoup string stays a separate lxml string (an
    empty comment between two that would otherwise merge); comments, doctypes and processing
    instructions become empty comments. Elements nested deeper than _SOUP_MAX_DEPTH are attached
    flat, in document order, to their ancestor at that depth (lxml's tree building costs the
    depth per element, so a 100,000-level page would take minutes); their text keeps its order.
    """
    from bs4 import BeautifulSoup, CData, Tag
    from bs4.element import PreformattedString
    from lxml import etree

    with warnings.catch_warnings():
        # bs4 warns (MarkupResemblesLocatorWarning) about pages it reads anyway; a page is read
        # or reported through the Document, never through stderr.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(text, "html.parser")
    root = etree.Element(_SYNTHETIC_ROOT)
    # id(soup node) -> (lxml element holding its content, depth of that element)
    where: dict[int, tuple[Element, int]] = {id(soup): (root, 0)}

    def append_string(target: Element, value: str) -> None:
        last = target[-1] if len(target) else None
        if (last.tail if last is not None else target.text) is not None:
            last = etree.Comment("")
            target.append(last)
        if last is None:
            target.text = value
        else:
            last.tail = value

    for node in soup.descendants:
        target, depth = where[id(node.parent)]
        if isinstance(node, Tag):
            try:
                element = etree.SubElement(target, node.name)
            except ValueError:
                element = etree.SubElement(target, "imx-unknown")
            for key, value in node.attrs.items():
                joined = " ".join(value) if isinstance(value, list) else str(value)
                try:
                    element.set(key, _NOT_XML_RE.sub("\ufffd", joined))
                except ValueError:
                    continue
            where[id(node)] = (element, depth + 1) if depth < _SOUP_MAX_DEPTH else (target, depth)
        elif isinstance(node, PreformattedString) and not isinstance(node, CData):
            target.append(etree.Comment(""))
        else:
            append_string(target, _NOT_XML_RE.sub("\ufffd", str(node)))
    return root


def _first_element(root: Element | None, name: str) -> Element | None:
    """The first element of that name in document order (root included), as next(root.iter(name)).

    lxml's iterator finds the match after the one it hands out before handing it out, so
    next(root.iter("body")) walked the whole body (~9 µs a page) looking for a second one. Here
    root's children are looked at in order, a child of the name is the answer, and only the
    subtrees before it are walked (a page's head).

    >>> from lxml import etree
    >>> page = etree.fromstring("<html><head><title>t</title></head><body><title>u</title></body></html>")
    >>> _first_element(page, "title").text, _first_element(page, "body").tag
    ('t', 'body')
    >>> _first_element(page, "p") is None, _first_element(page, "html") is page
    (True, True)
    """
    if root is None:
        return None
    if root.tag == name:
        return root
    for child in root:
        if child.tag == name:
            return child
        found = next(child.iter(name), None)
        if found is not None:
            return found
    return None


def _container_of(element: Element | None) -> str | None:
    """The string container element is or is inside (innermost), or None."""
    if element is None:
        return None
    if element.tag in _STRING_CONTAINERS:
        return element.tag
    outer = next(element.iterancestors(*_STRING_CONTAINERS), None)
    return outer.tag if outer is not None else None


def _text(element: Element) -> str:
    """collapse(BeautifulSoup's get_text(" ")): its strings joined by spaces, whitespace collapsed."""
    own = _container_of(element)
    if own is None and next(element.iter(*_STRING_CONTAINERS), None) is None:
        return _collapsed(" ".join(element.itertext()))
    wanted = element.tag if element.tag in _STRING_CONTAINERS else None
    strings: list[str] = []
    if element.text and own == wanted:
        strings.append(element.text)
    # (node, container kind of its parent); a tail is pushed as (None, text, kind)
    stack: list[tuple[Any, str | None, str | None]] = [(child, None, own) for child in reversed(element)]
    while stack:
        node, tail, outer = stack.pop()
        if node is None:
            if tail and outer == wanted:
                strings.append(tail)
            continue
        if node.tail:
            stack.append((None, node.tail, outer))
        if not isinstance(node.tag, str):
            continue
        inner = node.tag if node.tag in _STRING_CONTAINERS else outer
        if node.text and inner == wanted:
            strings.append(node.text)
        stack.extend((child, None, inner) for child in reversed(node))
    return _collapsed(" ".join(strings))


def _collapsed(joined: str) -> str:
    """collapse(joined), with each run placeholder's marker (see _cut_runs) read as its run's
    text joined by spaces, the text the run's items gave as a tree: the element text readers'
    one way to the text of a page read with runs.

    >>> _per_thread.run_texts["\ue001"] = ["B &amp; C", "", "doi"]
    >>> _collapsed("A \ue001 D")
    'A B & C doi D'
    >>> _per_thread.run_texts.clear()
    """
    run_texts = _per_thread.run_texts
    if run_texts:
        for marker, run in run_texts.items():
            if marker in joined:
                joined = joined.replace(marker, _decoded(" ".join(run)))
    return collapse(joined)


def sniff(text: str) -> bool:
    head = text[:4096].lstrip()
    if not head.startswith("<"):
        return False
    if head.startswith("<?xml") and not _XML_DECL_RE.search(head):
        return False
    return bool(_SNIFF_RE.search(head))


def _meta(index: Index) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for tag in index.named("meta"):
        key = tag.get("name") or tag.get("property") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            out.setdefault(key.strip().lower(), []).append(collapse(content))
    return out


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def _texts(index: Index, selector: str) -> list[str]:
    seen: list[str] = []
    for element in index.select(selector):
        value = _text(element)
        if value and value not in seen:
            seen.append(value)
    return seen


def _metadata(root: Element | None, index: Index, meta: dict[str, list[str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    title = _first(meta, "citation_title", "dc.title", "og:title")
    if not title:
        for selector in (*_TITLE_SELECTORS, "h1"):
            element = index.select_one(selector)
            if element is not None and _text(element):
                title = _text(element)
                break
    page_title = _first_element(root, "title") if not title else None
    if page_title is not None:
        title = _text(page_title)
    if title:
        fields["title"] = title
    authors = meta.get("citation_author") or meta.get("dc.creator") or meta.get("dc.contributor")
    if not authors:
        authors = (
            _texts(index, ".inline-authors .authors-list-item .full-name")
            or _texts(index, ".authors-list .full-name")
            or _texts(index, "div.auths a")
        )
    if authors:
        fields["authors"] = tuple(dict.fromkeys(authors))
    journal = _first(meta, "citation_journal_title", "citation_journal_abbrev", "prism.publicationname")
    if not journal:
        trigger = index.select_one("#full-view-journal-trigger, .journal-actions-trigger")
        if trigger is not None and _text(trigger):
            journal = _text(trigger)
    if journal:
        fields["journal"] = journal
    year = year_of(
        _first(
            meta,
            "citation_publication_date",
            "citation_date",
            "citation_year",
            "citation_online_date",
            "dc.date",
            "prism.publicationdate",
            "article:published_time",
        )
        or ""
    )
    if year:
        fields["year"] = year
    for key, names in (
        ("volume", ("citation_volume", "prism.volume")),
        ("issue", ("citation_issue", "prism.number")),
    ):
        value = _first(meta, *names)
        if value:
            fields[key] = value
    first_page, last_page = _first(meta, "citation_firstpage"), _first(meta, "citation_lastpage")
    if first_page:
        fields["pages"] = f"{first_page}-{last_page}" if last_page and last_page != first_page else first_page
    doi = _first(meta, "citation_doi", "prism.doi", "dc.identifier")
    doi = find_doi(doi) if doi else None
    if not doi:
        for selector in ("span.identifier.doi", ".citation-doi", "dl.rprtid"):
            for value in _texts(index, selector):
                doi = find_doi(value)
                if doi:
                    break
            if doi:
                break
    if doi:
        fields["doi"] = clean_doi(doi)
    pmid = _first(meta, "citation_pmid", "dc.identifier.pmid")
    if not pmid:
        element = index.select_one(
            "span.identifier.pubmed strong.current-id, span.identifier.pubmed .id-link"
        )
        if element is not None:
            pmid = _text(element)
    if not pmid:
        for term in index.select("dl.rprtid dt"):
            if _text(term).rstrip(":").upper() == "PMID":
                value = next(term.itersiblings("dd"), None)
                pmid = _text(value) if value is not None else None
                break
    pmid_digits = _PMID_RE.search(pmid) if pmid else None
    if pmid_digits:
        fields["pmid"] = pmid_digits.group(0)
    language = _first(meta, "citation_language", "dc.language")
    if language:
        fields["language"] = language
    types = meta.get("citation_article_type") or _texts(index, ".publication-type")
    if types:
        fields["publication_types"] = tuple(dict.fromkeys(types))
    for value in _texts(index, ".cit"):
        cited = parse_citation(value) or parse_cit_tail(value)
        for key, item in cited.items():
            fields.setdefault(key, item)
    return fields


def _same_title(a: str, b: str) -> bool:
    return collapse(a).rstrip(".").casefold() == collapse(b).rstrip(".").casefold()


def _title_element(index: Index, title: str | None) -> Element | None:
    """The element showing the article title: a known title element, else a heading saying it.

    A bare first <h1> is used only when no metadata title contradicts it (sites put their own
    name in an <h1> too).
    """
    for selector in _TITLE_SELECTORS:
        element = index.select_one(selector)
        if element is not None and (not title or _same_title(_text(element), title)):
            return element
    headings = index.select("h1, h2, h3")
    if title:
        return next((el for el in headings if _same_title(_text(el), title)), None)
    return next((el for el in headings if el.tag == "h1"), None)


def _select_group(index: Index, selectors: tuple[str, ...]) -> list[Element]:
    """Elements of the first selector that matches, outermost only."""
    for selector in selectors:
        found = index.select(selector)
        if found:
            ids = {id(element) for element in found}
            return [el for el in found if not any(id(parent) in ids for parent in el.iterancestors())]
    return []


def _drop_chrome(index: Index, keep: list[Element]) -> None:
    """Remove scripts, navigation and page-level header/footer (never one holding what we mark).

    A dropped element is emptied in place (lxml's clear() cuts its children out of the tree, so
    what was inside it is no longer below the root); only the id() of each element dropped is
    noted, not of every node inside it (a proxy apiece: a journal page's menus hold dozens of
    links). An element inside a dropped one is already cut out of the tree, so dropping it too
    changes no text."""
    protected = {id(parent) for element in keep for parent in element.iterancestors()}
    protected.update(id(element) for element in keep)
    dropped: set[int] = set()

    def drop(element: Element) -> None:
        """Empty the element and rename it: its tail stays in the text, and a separate string
        (as BeautifulSoup's decompose left the strings around it)."""
        if id(element) not in protected and id(element) not in dropped:
            dropped.add(id(element))
            element.clear(keep_tail=True)
            element.tag = _DROPPED

    for name in _DROP_TAGS:
        for element in index.named(name):
            drop(element)
    for name in ("header", "footer"):
        for element in index.named(name):
            if id(element) in dropped:
                continue
            if (
                element.get("role") in ("banner", "contentinfo")
                or next(element.iterancestors("main", "article"), None) is None
            ):
                drop(element)
    for element in index.by_attr.get("role", []):
        if id(element) not in dropped and element.get("role") in _CHROME_ROLES:
            drop(element)


class _Writer:
    """Collects visible text: whitespace runs collapsed, one newline between blocks."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.space = False
        self.newline = False

    def text(self, value: str) -> None:
        collapsed = _WS_RE.sub(" ", value)
        core = collapsed.strip()
        if not core:
            if collapsed:
                self.space = True
            return
        if self.length:
            if self.newline:
                self._emit("\n")
            elif self.space or collapsed[0] == " ":
                self._emit(" ")
        self.newline = False
        self.space = collapsed[-1] == " "
        self._emit(core)

    def block(self) -> None:
        self.newline = True
        self.space = False

    def _emit(self, value: str) -> None:
        self.parts.append(value)
        self.length += len(value)


def _render_walk(
    root: Element, marks: dict[int, str]
) -> tuple[str, list[Section], list[tuple[int, int, int, str]], int]:
    """Text of root; spans of marked elements; headings (level, start, end, text); link text size.

    Walks the tree without recursion (pages nest deeply). A string counts only outside the
    string-container elements (see _STRING_CONTAINERS), as BeautifulSoup's text did.
    """
    writer = _Writer()
    spans: list[Section] = []
    headings: list[tuple[int, int, int, str]] = []
    starts: dict[int, int] = {}
    link_chars = 0
    link_depth = 0

    def emit(value: str | None) -> None:
        nonlocal link_chars
        if value:
            if link_depth:
                before = writer.length
                writer.text(value)
                link_chars += writer.length - before
            else:
                writer.text(value)

    # (node, leaving, container kind of the node's parent)
    stack: list[tuple[Any, bool, str | None]] = [(root, False, _container_of(root.getparent()))]
    while stack:
        node, leaving, outer = stack.pop()
        name = node.tag
        if leaving:
            if name == "a":
                link_depth -= 1
            if name in _BLOCK_TAGS:
                writer.block()
            key = id(node)
            if key in starts:
                start = starts.pop(key)
                if key in marks:
                    spans.append(span(marks[key], start, writer.length))
                if name in _HEADING_TAGS:
                    headings.append((int(name[1]), start, writer.length, _text(node)))
            if outer is None and node is not root:
                emit(node.tail)
            continue
        if not isinstance(name, str):  # a comment: its text is not shown, the text after it is
            if outer is None:
                emit(node.tail)
            continue
        if name == "br":
            writer.block()
            if outer is None:
                emit(node.tail)
            continue
        if name in _BLOCK_TAGS:
            writer.block()
        if name == "a":
            link_depth += 1
        if id(node) in marks or name in _HEADING_TAGS:
            starts[id(node)] = writer.length
        inner = name if name in _STRING_CONTAINERS else outer
        stack.append((node, True, outer))
        if inner is None:
            emit(node.text)
        stack.extend((child, False, inner) for child in reversed(node))
    return "".join(writer.parts), spans, headings, link_chars


_FIRST_MARKER = 0xE100
_LAST_MARKER = 0xF8FF
# A private-use character in the page sends it to _render_walk (the marks below would be ambiguous).
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_PRIVATE_USE_UTF8_RE = re.compile(b"\xef[\x80-\xa3]")  # U+F000 to U+F8FF in UTF-8 (see _private_use_in)
# A character reference the parser turns into a private-use character (U+E000 to U+F8FF, as an
# icon font's glyphs are often written): the candidates, checked by value in _private_use_in.
_PRIVATE_USE_REF_RE = re.compile(
    r"&#(?:[xX]0*([eEfF][0-9a-fA-F]{3})|0*(5[7-9][0-9]{3}|6[0-3][0-9]{3}))(?![0-9a-fA-F])"
)
_ASSEMBLE_PIECE = 1 << 16
# What str() of an lxml XSLT result takes out of a leading XML declaration (lxml's
# _stripEncodingDeclaration): _marked_text reads the result's text without str(), and does the same.
_XML_ENCODING_RE = re.compile(r"^(<\?xml[^>]+)\s+encoding\s*=\s*[\"'][^\"']*[\"'](\s*\?>|)")
_REFERENCE_RE = re.compile("&#")
_REFERENCE_SCAN = 64
_ASCII_WHITESPACE_BUT_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
# `re` finds two spaces in a page's text ~1.6x faster than `"  " in text` (whose skip table helps
# little on text with a space every few characters).
_DOUBLE_SPACE_RE = re.compile("  ")


# Plain list items (a journal page's reference list: ~240 `<li id="refN">… <a href="…">doi</a></li>`,
# ~70 % of a page's load as a tree) are cut out of the markup before the parse where each is
# provably plain: `<li>` with at most an id no selector wants, text, at most one `<a href>` with
# text only, `</li>`, then text (see _cut_runs). Each run of them becomes one placeholder `<li>` (the
# same tag name, so the parser closes and opens the same elements around it) holding its marker, a
# private-use character; the run's text joined by spaces is read in its place by whatever reads an
# element's text around it (_collapsed: collapse(" ".join(itertext())) as the items gave it), and its
# marked text, as the block-mark XSLT would have written it, is put in its place when the page is
# rendered (_render).
# An item's id, if any, is one no selector starts from (one the index looks up stays an element).
_WANTED_IDS = "|".join(
    [
        *(re.escape(value) + '"' for value in sorted(_INDEXED_KEYS.ids)),
        *map(re.escape, _INDEXED_KEYS.id_prefixes),
    ]
)
_PLAIN_ITEM_RE = re.compile(
    rf'<li(?: id="(?!{_WANTED_IDS})[^"&]*"|)>([^<]*)(?:<a href="[^"]*">([^<]*)</a>([^<]*)|)()</li>([^<]*)'
)
_ITEM_SLOTS = 6  # what re.split gives per item: the markup before it, then its five groups
_RUN_ATTR = "data-imx-run"
# The placeholders' markers while the page is rendered: private-use characters below the position
# markers (U+E100...) and above the private block mark (U+E000); a page with any private-use
# character is read by _render_walk, without runs.
_FIRST_RUN_MARKER = 0xE001
_MAX_RUNS = _FIRST_MARKER - _FIRST_RUN_MARKER
# A placeholder deeper than this is not trusted: the items' links were a level deeper, and libxml2
# refuses a page past 2,048 levels (read through BeautifulSoup then).
_RUN_MAX_DEPTH = 256
# The character references a run's text may hold, each as libxml2 reads it ("&amp;" last, so that
# "&amp;lt;" reads "&lt;"); any other "&" leaves the page to the tree.
_RUN_REFERENCES = (
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&apos;", "'"),
    ("&#39;", "'"),
    ("&nbsp;", "\xa0"),
    ("&ndash;", "\u2013"),
    ("&mdash;", "\u2014"),
    ("&amp;", "&"),
)


def _run_chains() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """The reader's selector chains whose last compound could match an item of a run (an `<li>`
    with at most an unwanted id, an `<a>` with only an href): (chains ending at li, chains ending at
    a); None if one matches such an element wherever it is, or the index lists them by name (then
    the items must stay elements)."""
    from imatinib_cli.load._dom_index import parse

    if {"li", "a"} & _INDEXED_NAMES:
        return None
    ending: dict[str, list[tuple[Any, ...]]] = {"li": [], "a": []}
    for selector in _SELECTORS:
        for chain in parse(selector):
            last = chain[-1]
            if last.name not in (None, "li", "a") or last.classes or last.ident is not None:
                continue
            # no item has a role, itemprop or class, nor an id a prefix the index looks up starts
            if any(
                attr in ("role", "itemprop", "class") or (attr, op) == ("id", "^=")
                for attr, op, _ in last.attrs
            ):
                continue
            if len(chain) == 1:
                return None
            for name in ("li", "a"):
                if last.name in (None, name):
                    ending[name].append(chain[:-1])
    return ending["li"], ending["a"]


_RUN_CHAINS = _run_chains()


def _cut_runs(text: str, mark: str) -> tuple[str, list[tuple[str, list[str]]]]:
    r"""text with each run of plain list items replaced by an empty placeholder, and
    each run's marked text (the XSLT's, less the first item's start mark and the last item's end
    mark, which the placeholder's own marks stand for) and text nodes (character references as
    written; see _collapsed); (text, []) when there is none, when any item has
    an "&" outside _RUN_REFERENCES or a NUL (before libxml2 2.14, any character XML excludes),
    when there are more than _MAX_RUNS runs or a selector could match an item wherever it is
    (_RUN_CHAINS is None), or when the page names the placeholders' attribute itself (an
    item with an id a selector may start from is no plain item).

    One `re.split` over the markup from the first `<li` to the last `</li>` reads every item in
    C (~1 M instructions for a journal page's ~240 references, where their tree cost ~7.7 M); the
    markup between runs is kept as it is. An item's text is its groups: the li's text, the link's
    text, the link's tail; then the li's tail (up to the next tag), which is the placeholder's
    tail after a run's last item. Within a run the items' texts are joined with the block mark
    after each one's text and before the next one's, as the XSLT writes them; where every tail
    between them is blank, by one mark alone (the collapse makes a run of whitespace and marks
    holding a mark one newline, however many it holds: _mark_blocks leaves out such start marks
    too), which spares _collapse_runs two stretches an item.

    >>> page, runs = _cut_runs('<ol><li id="r1">A. <a href="x">doi</a></li>\n<li>B &amp; C</li></ol>', "|")
    >>> page
    '<ol><li data-imx-run="0"></li></ol>'
    >>> runs
    [('A. doi|B & C', ['A. ', 'doi', '', '', '\n', '', 'B &amp; C', '', '', ''])]
    """
    if _RUN_CHAINS is None:
        return text, []
    at = text.find("<li")
    while at >= 0 and text[at + 3 : at + 4] not in (" ", ">"):
        at = text.find("<li", at + 3)
    if at < 0:
        return text, []
    end = text.rfind("</li>") + 5
    parts = _PLAIN_ITEM_RE.split(text[at:end])
    count = len(parts) // _ITEM_SLOTS
    if not count:
        return text, []
    if any(parts[_ITEM_SLOTS:-1:_ITEM_SLOTS]):  # other markup between some items: runs end there
        lasts = [item for item, before in enumerate(parts[_ITEM_SLOTS::_ITEM_SLOTS], 1) if before]
        if lasts[-1] != count:
            lasts.append(count)
        if len(lasts) > _MAX_RUNS:
            return text, []
    else:
        lasts = [count]
    pieces = [text[:at], parts[0]]
    runs: list[tuple[str, list[str]]] = []
    first = 1
    for last in lasts:
        # from the first item's li text to the last item's slot before its </li>
        start, stop = _ITEM_SLOTS * first - 5, _ITEM_SLOTS * last - 1
        texts = parts[start:stop]
        more = last - first
        if None in texts[1::_ITEM_SLOTS]:  # items without a link: their link's groups are None
            texts = [piece or "" for piece in texts]
        plain = texts[:]  # the items' text nodes, joined by spaces only if read (_collapsed)
        texts[3:-1:_ITEM_SLOTS] = [mark] * more  # each item's end mark but the last's
        if "".join(texts[4::_ITEM_SLOTS]).strip():
            texts[5::_ITEM_SLOTS] = [mark] * more  # each item's start mark but the first's
        else:  # blank tails between the items: one mark stands for each run of marks and tails
            texts[4::_ITEM_SLOTS] = [""] * more
        marked = "".join(texts)
        if "\0" in marked or (_libxml2_drops_controls() and _NOT_XML_RE.search(marked)):
            return text, []
        if "\r" in marked:  # libxml2 reads "\r\n" and a lone "\r" as "\n", in each text node
            marked = "".join([piece.replace("\r\n", "\n").replace("\r", "\n") for piece in texts])
        if "&" in marked:  # each "&" one of _RUN_REFERENCES, whole in its text node
            joined = " ".join(plain)
            if joined.count("&") != sum(joined.count(name) for name, _char in _RUN_REFERENCES):
                return text, []
            marked = _decoded(marked)
        pieces += [f'<li {_RUN_ATTR}="{len(runs)}"></li>', parts[stop], parts[stop + 1]]
        runs.append((marked, plain))
        first = last + 1
    pieces.append(text[end:])
    page = "".join(pieces)
    if page.lower().count(_RUN_ATTR) != len(runs):
        # the page's own markup names the placeholders' attribute (HTML's attribute names are read
        # case-blind): its element could stand in for a run hidden in a comment or a title
        return text, []
    return page, runs


@functools.cache
def _libxml2_drops_controls() -> bool:
    """Whether libxml2 leaves out of a text node the characters XML 1.0 excludes (C0 controls but
    tab, newline and CR; U+FFFE, U+FFFF) as versions before 2.14 do ("A\x0cB" read as "AB"); 2.14
    keeps them, and changes only NUL and CR in text (what _cut_runs checks)."""
    from lxml import etree

    return bool(etree.LIBXML_VERSION < (2, 14))


def _decoded(joined: str) -> str:
    """A run's text with its character references read (_cut_runs allowed only _RUN_REFERENCES)."""
    if "&" in joined:
        for name, char in _RUN_REFERENCES:
            joined = joined.replace(name, char)
    return joined


def _placeholders(root: Element | None, count: int) -> list[Element] | None:
    """The `count` placeholders _cut_runs put in the page, in number order, each given its marker
    as its text (set here, so the page's markup stays ASCII); None if any is not an empty element
    as written (a run inside a comment, a script or a title is text there, so the page is read
    again without runs), one lies too deep, or sits
    where a selector could have found one of its items (`div.auths a`: the links under an author
    list)."""
    if root is None or _RUN_CHAINS is None:
        return None
    found: list[Element | None] = [None] * count
    numbers = {str(number): number for number in range(count)}
    for element in root.iter("li"):
        number = numbers.get(element.get(_RUN_ATTR))  # type: ignore[arg-type]
        if number is not None:  # ours alone: _cut_runs reads a page that names the attribute whole
            found[number] = element
    chains_li, chains_a = _RUN_CHAINS
    for element in found:
        if element is None or len(element) or element.text is not None:
            return None
        ancestors = list(itertools.islice(element.iterancestors(), _RUN_MAX_DEPTH))
        if len(ancestors) == _RUN_MAX_DEPTH:
            return None
        if any(_chain_holds(ancestors, chain) for chain in chains_li) or any(
            _chain_holds([element, *ancestors], chain) for chain in chains_a
        ):
            return None
    for number, element in enumerate(found):  # the markers the text readers and _render look for
        element.text = chr(_FIRST_RUN_MARKER + number)  # type: ignore[union-attr]
    return found  # type: ignore[return-value]


def _chain_holds(ancestors: list[Element], chain: tuple[Any, ...]) -> bool:
    """Whether the ancestors (innermost first) match the compounds of chain (outermost first), as
    _dom_index's descendant combinators do."""
    from imatinib_cli.load._dom_index import _matches

    remaining = list(chain)
    for parent in ancestors:
        if remaining and _matches(parent, remaining[-1]):
            remaining.pop()
    return not remaining


class _Marking(NamedTuple):
    """The block mark _render puts in the text, and the patterns that read it back: a run of
    whitespace, block marks and position markers, and where _collapse may cut a long text (a
    visible character and the whole run of whitespace and block marks after it)."""

    block: str
    run: re.Pattern[str]
    cut: re.Pattern[str]


# DEL keeps an ASCII page's text ASCII while it is marked, serialized and collapsed (Python's
# string work is fastest on ASCII); a page with DEL in its text is marked with U+E000 instead.
_ASCII_MARKING = _Marking("\x7f", re.compile("[\\s\x7f\ue100-\uf8ff]*"), re.compile("[^\\s\x7f][\\s\x7f]+"))
_PRIVATE_MARKING = _Marking(
    "\ue000", re.compile("[\\s\ue000-\uf8ff]*"), re.compile("[^\\s\ue000][\\s\ue000]+")
)


class _NotExact(Exception):
    """The page's text cannot be gathered exactly by _render; _render_walk reads it."""


class _MarkInText(Exception):
    """The page's text holds the block mark (from a character reference): mark it with another."""


def _private_use_literal(text: str, data: bytes | None) -> bool:
    r"""Whether text holds a private-use character (U+E000 to U+F8FF); data is text in UTF-8, if known.

    In UTF-8, U+E000 to U+EFFF are the only characters led by the byte EE and U+F000 to U+F8FF
    those led by EF and a byte up to A3: one-byte searches in C, where `re` reads a page's
    non-ASCII text at ~5 ns a character (~0.2 ms for a 50 KB page).

    >>> _private_use_literal("\ue900", b"\xee\xa4\x80"), _private_use_literal("\uf900", b"\xef\xa4\x80")
    (True, False)
    """
    if text.isascii():
        return False
    if data is None:
        return _PRIVATE_USE_RE.search(text) is not None
    return b"\xee" in data or (b"\xef" in data and _PRIVATE_USE_UTF8_RE.search(data) is not None)


def _private_use_in(text: str, references: bool | None = None, literal: bool | None = None) -> bool:
    """Whether the page's text can hold a private-use character, literally or from a character
    reference (the marks _render puts in the text would be ambiguous); references says whether
    the text has any ("&#"), literal whether it holds one as a character (_private_use_literal),
    if known.

    >>> _private_use_in("<i>&#xE900;</i>"), _private_use_in("<i>&#59648;</i>"), _private_use_in("&#xF900;")
    (True, True, False)
    """
    if _private_use_literal(text, None) if literal is None else literal:
        return True
    if not (_has_reference(text) if references is None else references):
        return False
    for found in _PRIVATE_USE_REF_RE.finditer(text):
        hexadecimal, decimal = found.groups()
        value = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if 0xE000 <= value <= 0xF8FF:
            return True
    return False


def _has_reference(text: str) -> bool:
    """Whether text holds "&#" (a numeric character reference), as `"&#" in text` says.

    `in` with a two-character needle scans a 50 KB page at ~2 ns a character (CPython's search
    skips little on text full of lowercase letters: ~0.09 ms a page); "&" is rare in most pages,
    so each one is found with a one-character search (memchr) and its next character looked at.
    A page with many "&" (query strings) is searched by `re` from the _REFERENCE_SCAN-th one.

    >>> _has_reference("a &amp; b"), _has_reference("a &amp; &#38; b"), _has_reference("&")
    (False, True, False)
    """
    at = text.find("&")
    for _ in range(_REFERENCE_SCAN):
        if at < 0:
            return False
        if text.startswith("#", at + 1):
            return True
        at = text.find("&", at + 1)
    return at >= 0 and _REFERENCE_RE.search(text, at) is not None


def _is_separator(char: str, block: str) -> bool:
    return char.isspace() or char == block or "\ue100" <= char <= "\uf8ff"


def _marker_places(raw: str, count: int) -> tuple[list[tuple[int, int]], list[int]]:
    r"""(place in raw, marker number) of the `count` position markers, in raw's order; and the
    order the elements are left in (inner first), the order of their end markers.

    Each marker is in raw twice: where its element starts (markers start in number order, the
    document order of their elements) and where it ends (its tail: after everything inside it).
    Each start is found with `str.find` from the one before, each end from its own start, so
    raw is scanned in C about once plus the length of the elements, with no walk of the tree to
    learn which element holds which.

    >>> _marker_places("\ue000 a\ue100 \ue101b\ue101 c\ue100", 2)
    ([(3, 0), (5, 1), (7, 1), (10, 0)], [1, 0])
    """
    starts: list[int] = []
    at = -1
    for number in range(count):
        at = raw.find(chr(_FIRST_MARKER + number), at + 1)
        starts.append(at)
    ends = [raw.find(chr(_FIRST_MARKER + number), start + 1) for number, start in enumerate(starts)]
    places = sorted([*zip(starts, range(count), strict=True), *zip(ends, range(count), strict=True)])
    return places, sorted(range(count), key=ends.__getitem__)


def _assemble(
    raw: str, places: list[tuple[int, int]], marking: _Marking, runs: dict[str, str] | None = None
) -> tuple[str, dict[int, list[int]]]:
    r"""The text _Writer makes of raw (with its marks), and where each position marker was in it.

    Between two runs of visible characters: a newline if a block mark is between them, else a
    space if whitespace is, else nothing. Position markers (at `places`, see _marker_places) are
    taken out; each is placed right after the visible character before it (marker number -> its
    places, in order). Markers are few (headings and marked elements), so the runs holding them
    are found from them rather than by a pattern tried at every character; the text between two
    such runs is collapsed in C. runs: the run placeholders' markers left in raw (see _spliced),
    each with its run's text collapsed, never empty.

    >>> _assemble("\ue000 a\ue100 \ue000 b  c\ue100\ue000", [(3, 0), (11, 0)], _PRIVATE_MARKING)
    ('a\nb c', {0: [1, 5]})
    >>> _assemble("a\ue100\x7f\ue001\x7f c\ue100", [(1, 0), (7, 0)], _ASCII_MARKING, {"\ue001": "b"})
    ('a\nb\nc', {0: [1, 5]})
    """
    block = marking.block
    lead = marking.run.match(raw).end()  # type: ignore[union-attr]
    tail = len(raw)
    while tail > lead and _is_separator(raw[tail - 1], block):
        tail -= 1
    positions: dict[int, list[int]] = {}
    pieces: list[str] = []
    length = 0
    done = lead
    index = 0
    while index < len(places) and places[index][0] < lead:
        positions.setdefault(places[index][1], []).append(0)
        index += 1
    while index < len(places) and places[index][0] < tail:
        at = places[index][0]
        start = at
        while start > done and _is_separator(raw[start - 1], block):
            start -= 1
        end = marking.run.match(raw, at).end()  # type: ignore[union-attr]
        middle = raw[done:start]
        piece = _spliced(middle, marking, runs) if runs else _collapse(middle, marking)
        pieces.append(piece)
        length += len(piece)
        markers = 0
        while index < len(places) and places[index][0] < end:
            positions.setdefault(places[index][1], []).append(length)
            index += 1
            markers += 1
        separator = "\n" if block in raw[start:end] else " " if markers < end - start else ""
        pieces.append(separator)
        length += len(separator)
        done = end
    middle = raw[done:tail]
    piece = _spliced(middle, marking, runs) if runs else _collapse(middle, marking)
    pieces.append(piece)
    for _at, number in places[index:]:
        positions.setdefault(number, []).append(length + len(piece))
    return "".join(pieces), positions


def _spliced(middle: str, marking: _Marking, runs: dict[str, str]) -> str:
    r"""_collapse(middle) with each run placeholder's marker in it read as its run's text, given
    collapsed (runs: marker -> that text, never empty).

    A placeholder is a block element (`<li>`) whose text is its marker: a run of whitespace and
    marks holding a block mark is on either side of the marker, so the run's text, once put there,
    is cut from the text around it by newlines alone, however it opens or ends. Its text collapsed
    apart (_collapse) is what collapsing it there gives, and the page's text is never widened
    to hold the run (the markers make the page's text two bytes a character) nor narrowed again.
    Each marker is in the page's text once (its placeholder's text; a page with private-use
    characters of its own is read the careful way), so one find a run places them all: the cost
    of _runs_to_splice's own look-ups, with no search again inside the pieces between them.

    >>> _spliced("a \x7f\ue001\x7f\n b", _ASCII_MARKING, {"\ue001": "x\ny"})
    'a\nx\ny\nb'
    """
    if middle.isascii():  # the markers are not
        return _collapse(middle, marking)
    found = sorted([(at, marker) for marker in runs if (at := middle.find(marker)) >= 0])
    if not found:
        return _collapse(middle, marking)
    parts: list[str] = []
    done = 0
    for at, marker in found:
        parts += (_collapse(middle[done:at], marking), runs[marker])
        done = at + 1
    parts.append(_collapse(middle[done:], marking))
    return "\n".join([part for part in parts if part])


def _runs_to_splice(raw: str, run_texts: tuple[str, ...], marking: _Marking) -> tuple[str, dict[str, str]]:
    """The marked text and its runs to splice (_spliced: marker -> the run's text collapsed).

    Each run's text, collapsed apart, is put in its placeholder's place as the text is assembled;
    a run whose text is blank is written into the text here, where the collapse makes one run of
    the whitespace and marks around it (one placeholder dropped with chrome is not in it), and so
    is every run of a page marked with U+E000, whose runs of marks (marking.run) would take a
    placeholder's marker for one. run_texts: each run's marked text, in marker order (_cut_runs).
    """
    runs: dict[str, str] = {}
    for number, marked in enumerate(run_texts):
        marker = chr(_FIRST_RUN_MARKER + number)
        if marker in raw:
            collapsed = _collapse(marked, marking) if marking is _ASCII_MARKING else ""
            if collapsed:
                runs[marker] = collapsed
            else:
                raw = raw.replace(marker, marked, 1)
    return raw, runs


def _collapse(middle: str, marking: _Marking) -> str:
    """middle (visible characters at both ends, no position markers) with each run of whitespace
    and block marks one newline if it holds a block mark, else one space: str.split/join and
    replace in C, a piece of about _ASSEMBLE_PIECE characters at a time (each piece ends with a
    whole run, so no run is cut and the words of a piece stay few)."""
    if len(middle) <= _ASSEMBLE_PIECE:
        return _collapse_runs(middle, marking.block)
    pieces: list[str] = []
    start = 0
    while start < len(middle):
        cut = marking.cut.search(middle, start + _ASSEMBLE_PIECE)
        stop = cut.end() if cut is not None else len(middle)
        pieces.append(_collapse_runs(middle[start:stop], marking.block))
        if cut is not None and stop < len(middle):
            pieces.append("\n" if marking.block in cut.group(0) else " ")
        start = stop
    return "".join(pieces)


def _collapse_runs(piece: str, block: str) -> str:
    r"""piece with each whitespace run one space, each run of spaces and block marks holding a
    block mark one newline, and the runs at its ends dropped.

    Each stretch between two block marks is collapsed on its own (`map` in C, no Python loop): its
    words joined by single spaces, the empty ones dropped, the rest joined by newlines. That is the
    same as collapsing whitespace across the piece and then cutting at the block marks, without
    the two passes of `str.replace` the spaces beside a mark took.

    >>> _collapse_runs("a \x7f  \x7fb c\t d", "\x7f")
    'a\nb c d'
    """
    if block not in piece:
        # A paragraph's text between two headings (~17 pieces a journal page) mostly has single
        # spaces between its words already: str.isprintable rejects every whitespace character
        # but the space (Zs, Zl, Zp, Cc), so such a piece is its own collapse, and its words
        # (~300 strings a page) are never made.
        if (
            piece.isprintable()
            and piece[:1] != " "
            and piece[-1:] != " "
            and not _DOUBLE_SPACE_RE.search(piece)
        ):
            return piece
        return " ".join(piece.split())
    if piece.isascii() and not any(char in piece for char in _ASCII_WHITESPACE_BUT_SPACE):
        # A run's text (_cut_runs: the items' texts with a mark between two) has no whitespace but
        # single spaces, none beside a mark nor at an end, and no two marks in a row: every run of
        # spaces and marks is one character, a mark one newline, so the marks are replaced in C
        # (~2x faster than the split and joins below, on a journal page's ~24 KB of references).
        spaced = piece.replace(block, " ")
        if spaced[0] != " " and spaced[-1] != " " and not _DOUBLE_SPACE_RE.search(spaced):
            return piece.replace(block, "\n")
    stretches = list(filter(None, map(str.strip, piece.split(block))))
    joined = "\n".join(stretches)
    # Most stretches (a paragraph, a reference) have no whitespace but single spaces once
    # stripped: then each is its own collapse, and the word lists (~5,000 strings a page) are
    # never made. str.split's whitespace is ASCII's six, \x1c-\x1f and non-ASCII characters
    # str.isprintable rejects (Zs, Zl, Zp, Cc), so a text passing the check has none left. An
    # ASCII text is asked for each of the nine but the space with `in` (memchr: ~3 µs for 50 KB,
    # where deleting them with bytes.translate took ~14 µs for a page's ~28 KB).
    flat = "".join(stretches)
    if (
        not any(char in flat for char in _ASCII_WHITESPACE_BUT_SPACE)
        if flat.isascii()
        else flat.isprintable()
    ) and not _DOUBLE_SPACE_RE.search(joined):
        return joined
    return "\n".join(map(" ".join, map(str.split, stretches)))


def _render(
    root: Element,
    marks: dict[int, str],
    marked: list[Element],
    text: str,
    marking: _Marking,
    private_literal: bool,
    containers: list[Element],
    run_texts: tuple[str, ...] = (),
) -> tuple[str, list[Section], list[tuple[int, int, int, str]]]:
    """_render_walk's text, spans and headings, with the text gathered by lxml and libxslt in C.

    Marked elements and headings get a private-use character of their own in the tree, and
    _marked_text writes the text with a block mark (marking.block) at the start and end of each
    block element; _assemble then does what _Writer does piece by piece. The markers stay in the
    tree: the caller reads nothing from it afterwards (read parses the page again when it must).
    Raises _NotExact for a page this cannot render exactly: private-use characters, string
    containers left in the text, text lxml parsed but will not take back; raises _MarkInText if
    the page's text holds the block mark.
    containers: every element of the page named as a string container (_left_containers), the
    ones under root among them. run_texts: the marked text of each run _cut_runs cut out of the
    page, in its placeholder's number order, written where that placeholder's marker is in the
    XSLT's text.
    """
    from lxml import etree

    references = _has_reference(text)
    if _private_use_in(text, references, private_literal) or _container_of(root) is not None:
        raise _NotExact
    # Any string container left in the text sends the page to the careful path. The headings and
    # marked elements (few) are listed first, in document order, each heading's text read while the
    # tree is unmarked; each gets the next position marker. Then the text is written with a block
    # mark at the start and end of every block element and after every <br> (_marked_text).
    if any(_holds(root, element) for element in containers):
        raise _NotExact
    mark = marking.block
    tracked: list[Element] = []
    heading_texts: dict[int, str] = {}
    try:
        for element in root.iter(*_HEADING_TAGS, *{element.tag for element in marked}):
            tag = element.tag
            heading = tag in _HEADING_TAGS
            if tag == "br" or not (heading or id(element) in marks):
                continue  # an element of a marked element's tag name that is not marked
            if len(tracked) == _LAST_MARKER - _FIRST_MARKER:
                raise _NotExact
            if heading:  # _text's answer: no string container is in or above root (checked above)
                heading_texts[id(element)] = _collapsed(" ".join(element.itertext()))
            tracked.append(element)
        for number, element in enumerate(tracked):
            marker = chr(_FIRST_MARKER + number)
            element.text = marker + (element.text or "")
            if element is not root:
                element.tail = marker + (element.tail or "")
        # read marks a page with the mark in its markup otherwise; a character reference can put
        # it in the text too (only a reference to the mark's code, decimal or hex: "&#127;",
        # "&#x7F;"; private-use ones went to the walk)
        code = ord(mark)
        if (
            references
            and re.search(rf"&#(?:0*{code}|[xX]0*(?i:{code:x}))", text) is not None
            and mark in etree.tostring(root, method="text", encoding=str, with_tail=False)
        ):
            raise _MarkInText
        raw = _marked_text(root, mark)
    except ValueError as error:
        # a tag name lxml will not take back ('p\x01'), or text it parsed but will not take back
        # (control characters): the careful path reads the page
        raise _NotExact from error
    raw, runs = _runs_to_splice(raw, run_texts, marking)
    if tracked and tracked[0] is root:  # the root's end marker: at the end of its text
        raw += chr(_FIRST_MARKER)
    places, leave_order = _marker_places(raw, len(tracked))
    body_text, positions = _assemble(raw, places, marking, runs)
    spans: list[Section] = []
    headings: list[tuple[int, int, int, str]] = []
    for number in leave_order:
        element = tracked[number]
        start, end = positions[number]
        if id(element) in marks:
            spans.append(span(marks[id(element)], start, end))
        if element.tag in _HEADING_TAGS:
            headings.append((int(element.tag[1]), start, end, heading_texts[id(element)]))
    return body_text, spans, headings


def _left_containers(index: Index) -> list[Element]:
    """The page's string containers (rt, rp, script, style, template) _drop_chrome did not drop
    itself (it renames what it drops): from the index, which lists them by name, where a walk of
    the rendered tree looked for one (a journal page has none once its scripts are dropped, so the
    walk found nothing, ~85,000 instructions a page). One inside a dropped element is out of the
    tree, so _holds, which walks up from each as far as the root, does not find it there."""
    return [element for name in _STRING_CONTAINERS for element in index.named(name) if element.tag == name]


def _holds(root: Element, element: Element) -> bool:
    """Whether element is root or below it, as root.iter() would find it.

    >>> from lxml import etree
    >>> page = etree.fromstring("<div><p><b/></p><i/></div>")
    >>> _holds(page[0], page[0][0]), _holds(page[0], page[0]), _holds(page[0], page[1])
    (True, True, False)
    """
    return element is root or any(parent is root for parent in element.iterancestors())


@functools.cache
def _block_marks_xslt(mark: str) -> Any:
    """An XSLT (libxslt, in C) writing an element's text as tostring(method="text") does, with mark
    at the start and end of every block element and after every <br>, as the one text node of
    the result's root element (libxslt joins the text it writes in a row into one node)."""
    from lxml import etree

    code = f"&#{ord(mark)};"
    blocks = "|".join(sorted(_BLOCK_TAGS))
    return etree.XSLT(
        etree.XML(
            '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
            '<xsl:template match="/"><text><xsl:apply-templates/></text></xsl:template>'
            f'<xsl:template match="{blocks}">{code}<xsl:apply-templates/>{code}</xsl:template>'
            f'<xsl:template match="br">{code}</xsl:template>'
            "</xsl:stylesheet>"
        )
    )


def _marked_text(root: Element, mark: str) -> str:
    r"""root's text (its tail left out) with mark at the start and end of every block element and
    after every <br>, root's own included; where a run holds a mark, _assemble makes it one newline.

    libxslt writes it in C from the tree as parsed: the marks were set from Python in each block
    element's text and tail (a proxy, a read and a write each, ~0.8 M instructions of a journal
    page's ~14 M) and serialized after. A tree nested past libxslt's template depth is marked
    that way still (_mark_blocks), which lxml refuses for text it will not take back (ValueError).
    The text is read from the result's root element, not serialized (str() of the result, with
    `method="text"`: ~0.07 M instructions more a page, copying it into buffers); str() also dropped
    the encoding from an XML declaration the text opens with, which is done here too, so such a
    text reads as it did.

    >>> from lxml import etree
    >>> _marked_text(etree.fromstring("<div>a<p>b<br/>c</p><!--x--><i>d</i></div>"), "|")
    '|a|b|c|d|'
    """
    from lxml import etree

    try:
        text = _block_marks_xslt(mark)(root).getroot().text or ""
    except etree.XSLTApplyError:
        _mark_blocks(root, mark)
        for element in root.iterdescendants("br"):
            element.tail = mark + (element.tail or "")
        if root.tag in _BLOCK_TAGS:
            root.text = mark + (root.text or "")
        elif root.tag == "br":
            return mark
        return etree.tostring(root, method="text", encoding=str, with_tail=False) + (
            mark if root.tag in _BLOCK_TAGS else ""
        )
    return _XML_ENCODING_RE.sub(r"\g<1>\g<2>", text) if text.startswith("<?xml") else text


def _mark_blocks(root: Element, mark: str) -> None:
    r"""Put the block mark at the start and the end (the tail) of every block element below root.

    A start mark is left out where the run of whitespace it would stand in holds a mark already:
    the element follows, as its next sibling, the block element before it whose tail is blank, or
    is the first child of that element, whose text is blank and marked (a journal page's
    references: ~240 list items in a row). The text is then the same once collapsed (a run of
    whitespace and marks holding a mark is one newline, however many it holds), and the element's
    text, often a whole paragraph, is neither read nor written again (~1 M instructions a page).

    >>> from lxml import etree
    >>> root = etree.fromstring("<div><ol> <li>a</li>\n <li>b</li><i/><li>c</li></ol></div>")
    >>> _mark_blocks(root, "|")
    >>> etree.tostring(root, method="text", encoding=str)
    '| a|\n b||c||'
    """
    previous = None  # the block element before this one, in document order
    text_blank = tail_blank = False  # previous's text (if marked) and tail are whitespace or empty
    for element in root.iterdescendants(*_BLOCK_TAGS):
        sibling = element.getprevious()
        if sibling is None:
            covered = text_blank and element.getparent() is previous
        else:
            covered = tail_blank and sibling is previous
        if covered:
            text_blank = False  # not read
        else:
            text = element.text
            element.text = mark + (text or "")
            text_blank = not text or text.isspace()
        tail = element.tail
        element.tail = mark + (tail or "")
        tail_blank = not tail or tail.isspace()
        previous = element


def _heading_regions(
    headings: list[tuple[int, int, int, str]], body: list[Section], size: int
) -> list[Section]:
    """Results / eligibility / back-matter regions inside the body, cut at headings."""
    out: list[Section] = []
    ordered = sorted(headings, key=lambda item: item[1])
    for index, (level, start, _end, text) in enumerate(ordered):
        if not any(part.start <= start < part.end for part in body):
            continue
        if _BOILERPLATE_HEADING_RE.match(text):
            kind = BOILERPLATE
        elif _RESULTS_HEADING_RE.match(text):
            kind = RESULTS
        elif _ELIGIBILITY_HEADING_RE.search(text):
            kind = ELIGIBILITY
        else:
            continue
        stop = next((h[1] for h in ordered[index + 1 :] if h[0] <= level), None)
        limit = max(part.end for part in body if part.start <= start < part.end)
        out.append(span(kind, start, min(stop if stop is not None else size, limit)))
    return out


def _abstract_from_headings(headings: list[tuple[int, int, int, str]], size: int) -> Section | None:
    ordered = sorted(headings, key=lambda item: item[1])
    for index, (level, _start, end, text) in enumerate(ordered):
        if _ABSTRACT_HEADING_RE.match(text):
            stop = next((h[1] for h in ordered[index + 1 :] if h[0] <= level), size)
            return span(ABSTRACT, end, stop)
    return None


def _error_heading(root: Element | None, title: str | None) -> str | None:
    headings = root.iter("h1", "h2") if root is not None else iter(())
    candidates = [_text(h) for h in itertools.islice(headings, 4)]
    page_title = _first_element(root, "title")
    if page_title is not None:
        candidates.append(_text(page_title))
    if title:
        candidates.append(title)
    return next((text for text in candidates if text and _ERROR_RE.match(text)), None)


def _within_limit(text: str) -> tuple[str, str | None]:
    """The page up to its MAX_PAGE_ELEMENTS-th element, and the warning if that cut it.

    Elements are counted as start tags in the markup (`<` and a letter), before parsing, so a page
    of a million cells is never a tree of a million elements. The cut falls right before the
    first start tag past the limit; the parser closes what is still open there.

    >>> _within_limit("<p>a</p>" * 3)
    ('<p>a</p><p>a</p><p>a</p>', None)
    """
    limit = limits.MAX_PAGE_ELEMENTS
    if len(text) <= limit or text.count("<") <= limit:  # (a page shorter than the limit: no count)
        return text, None
    cut = None
    found = 0
    for found, match in enumerate(_START_TAG_RE.finditer(text), 1):
        if found == limit + 1:
            cut = match.start()
    if cut is None:
        return text, None
    return text[:cut], limits.over_limit(found, "elements", limit, "the limit per page")


def _utf8(text: str) -> bytes | None:
    """text in UTF-8, what lxml parses (None for a text with lone surrogates, which will not encode)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def read(path: str, sha256: str, text: str) -> Document:
    text, warning = _within_limit(text)
    marking = _PRIVATE_MARKING if _ASCII_MARKING.block in text else _ASCII_MARKING
    # Each attempt encodes the page again (the first is nearly always the last): its UTF-8 bytes
    # are dropped once parsed, not held while the page is rendered.
    try:
        try:
            page = _read(path, sha256, text, marking)
        except _MarkInText:  # a character reference put the ASCII mark in the text
            page = _read(path, sha256, text, _PRIVATE_MARKING)
    except _NotExact:
        page = _read(path, sha256, text, None)
    return with_warnings(page, [warning]) if warning else page


def _read(path: str, sha256: str, text: str, marking: _Marking | None, runs_allowed: bool = True) -> Document:
    """The page's Document; with a marking, rendered by _render, which leaves marks in the tree, so
    a page that needs the tree again (an error page check) raises _NotExact and is read again
    without one (by _render_walk). With a marking, runs of plain list items are parsed as one
    placeholder each (_cut_runs) unless runs_allowed is False (the page is read again so when a
    placeholder is not where its items were, see _placeholders)."""
    page, runs = _cut_runs(text, marking.block) if marking is not None and runs_allowed else (text, [])
    data = _utf8(page)
    # the UTF-8 the parse reads also answers _render's private-use question, asked here so that the
    # bytes are not held while the page is rendered (of the page as written: an item's attributes
    # are not in the placeholders)
    private_literal = marking is not None and _private_use_literal(
        text, data if not runs or text.isascii() else _utf8(text)
    )
    root, synthetic = _parse(text, data)
    del data, page
    if runs:
        if _placeholders(root, len(runs)) is None:
            return _read(path, sha256, text, marking, runs_allowed=False)
        _per_thread.run_texts.update(
            (chr(_FIRST_RUN_MARKER + number), plain) for number, (_, plain) in enumerate(runs)
        )
    run_texts = tuple([marked for marked, _ in runs])
    try:
        return _read_tree(path, sha256, text, marking, root, synthetic, private_literal, run_texts)
    finally:
        _per_thread.run_texts.clear()


def _read_tree(
    path: str,
    sha256: str,
    text: str,
    marking: _Marking | None,
    root: Element | None,
    synthetic: bool,
    private_literal: bool,
    run_texts: tuple[str, ...],
) -> Document:
    """_read's work once the page is parsed (run_texts: the marked text of each run _cut_runs cut
    out, whose placeholders _placeholders found in the tree, in their number order)."""
    index = Index(
        root,
        skip=root if synthetic else None,
        names=_INDEXED_NAMES,
        keys=_INDEXED_KEYS,
        small=len(text) <= XPATH_MAX_CHARS,
    )
    meta = _meta(index)
    fields = _metadata(root, index, meta)
    pubmed_like = index.select_one(_PUBMED_SELECTORS) is not None or _first(meta, "ncbi_db") == "pubmed"

    title_element = _title_element(index, fields.get("title"))
    abstract_elements = _select_group(index, _ABSTRACT_SELECTORS)
    body_elements = [] if pubmed_like else _select_group(index, _BODY_SELECTORS)
    keep = [el for el in (title_element, *abstract_elements, *body_elements) if el is not None]
    _drop_chrome(index, keep)

    marks: dict[int, str] = {id(el): BODY for el in body_elements}
    marks.update({id(el): ABSTRACT for el in abstract_elements})
    if title_element is not None:
        marks[id(title_element)] = TITLE
    render_root = _first_element(root, "body") if root is not None else None
    if render_root is None:
        render_root = root
    link_chars = 0
    if render_root is None:
        body_text, spans, headings = "", [], []
    elif marking is not None:
        containers = _left_containers(index)
        body_text, spans, headings = _render(
            render_root,
            marks,
            keep,
            text,
            marking,
            private_literal,
            containers,
            run_texts,
        )
    else:
        body_text, spans, headings, link_chars = _render_walk(render_root, marks)

    has_abstract = any(part.kind == ABSTRACT for part in spans)
    if not has_abstract:
        found = _abstract_from_headings(headings, len(body_text))
        if found is not None:
            spans.append(found)
            has_abstract = True
    record_meta = any(key in fields for key in ("doi", "pmid")) or "citation_title" in meta
    if not has_abstract and not record_meta and marking is not None and render_root is not None:
        raise _NotExact  # the error page check needs link text size and the tree as parsed
    if not has_abstract and not record_meta and len(body_text) - link_chars <= _ERROR_PAGE_MAX_TEXT:
        heading = _error_heading(root, fields.get("title"))
        if heading:
            return skipped(
                path, sha256, FORMAT, f'error page: "{heading[:120]}" (no abstract or study record)'
            )

    meta_abstract = _first(meta, "citation_abstract", "dc.description")
    if not has_abstract and meta_abstract and len(meta_abstract) >= _MIN_META_ABSTRACT:
        start = len(body_text) + 1
        body_text = f"{body_text}\n{meta_abstract}"
        spans.append(span(ABSTRACT, start, len(body_text)))
        has_abstract = True

    body_spans = [part for part in spans if part.kind == BODY]
    if not body_spans and not has_abstract and not pubmed_like:
        body_spans = [span(BODY, 0, len(body_text))]
    sections: list[Section] = list(body_spans)
    sections.extend(_heading_regions(headings, body_spans, len(body_text)))
    for part in spans:
        if part.kind == ABSTRACT:
            sections.extend(
                abstract_sections(split_lines(body_text, part.start, part.end), lines_are_paragraphs=True)
            )
    title_spans = [part for part in spans if part.kind == TITLE]
    title = fields.get("title")
    if not title_spans and title:
        position = body_text.find(title)
        if position < 0:
            body_text = f"{title}\n{body_text}"
            shift = len(title) + 1
            sections = [span(s.kind, s.start + shift, s.end + shift, s.label) for s in sections]
            position = 0
        title_spans = [span(TITLE, position, position + len(title))]
    sections.extend(title_spans)
    return document(path, sha256, FORMAT, body_text, fields, sections)
