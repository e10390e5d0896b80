"""execute: the per-file work (decode, parse, extract) run in this process, in local worker processes or
on a Dask cluster, with the same results in the same order whichever runs it.

Public entry point: execute(items, ...), where items is what load.walk_paths yields (RawFiles to read
and Documents saying why a file is not read). It yields (Document, Findings | None) in input order.

How the work is cut: the walk stays in the calling process (cheap, and it decides order, duplicates
and size limits); each RawFile becomes one FileResult through process_file, a pure function of the
file's path, bytes and sha256, so it can run anywhere. Files go out in chunks (CHUNK_FILES files or
CHUNK_BYTES bytes, whichever comes first) so that sending them costs little beside the work, and at
most a few chunks per worker are in flight, so memory stays bounded however large the input is.
A pool is started only once the files that miss the store are enough work to pay for it
(POOL_MIN_FILES files or POOL_MIN_BYTES bytes, or one file large enough to be shared in parts);
until then, and for a small input throughout, the run is serial whatever jobs says.
docs/scale.md has the figures.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import field as dataclass_field
from dataclasses import fields, is_dataclass, replace
from typing import Any, NamedTuple, Protocol

from imatinib_cli.errors import ImxError, UsageError
from imatinib_cli.load._walk import (
    EMPTY_SHA256,
    KnownFile,
    RawFile,
    UnreadFile,
    duplicate,
    read_later,
)
from imatinib_cli.models import (
    STATUS_ERROR,
    STATUS_OK,
    Document,
    Evidence,
    Findings,
    Metadata,
    Warning,
    mutable_record,
    record,
)

__all__ = [
    "EXECUTORS",
    "FileResult",
    "ProgressCallback",
    "ProgressUpdate",
    "ResultStore",
    "available_cores",
    "execute",
    "process_file",
    "relocate",
]

_log = logging.getLogger(__name__)
_MAX_DETAIL = 200

EXECUTORS = ("local", "dask")

# A chunk closes at whichever limit it reaches first. On the benchmark corpus (docs/scale.md) 4, 16 and 64
# files per chunk cost about the same (pickling each document's results dominates, not round trips);
# 16 keeps a chunk at ~0.1 s of work, so the last chunks do not leave a worker idle.
CHUNK_FILES = 16
CHUNK_BYTES = 2 * 1024 * 1024
# Past GROW_AFTER chunks a pool's chunks hold up to GROWN_CHUNK_FILES files: once the workers send
# references (spill.HeapRef), not ~15 KB a document, the round trip is what a chunk costs the
# calling process (~0.3 ms of its CPU each: three threads of concurrent.futures hand the GIL
# around); 10,000 abstracts: 0.96 s of its CPU at 16 files a chunk, 0.66 at 64. A small input
# keeps its small chunks (so both workers get some), a large one ends on a chunk of ~0.15 s.
GROW_AFTER = 16
GROWN_CHUNK_FILES = 64
# A serial run (jobs 1) sends nothing, so its chunks need not be large: past this many bytes a chunk
# closes, so a 128 KB PubMed XML file is not read while fifteen more are held (2 MiB), which raised
# the peak RSS of a --jsonl run by ~2 MiB. Small files still go sixteen to a chunk (one store lookup).
SERIAL_CHUNK_BYTES = 64 * 1024
# Chunks in flight per worker: one running, one waiting, so a worker never waits for the parent.
IN_FLIGHT_PER_WORKER = 2
# Below this much input a pool costs more than it saves: the vocabularies load (~0.2 s) before workers
# fork, or in every worker where they cannot fork; 48 small files are ~0.3 s of serial work.
POOL_MIN_FILES = 48
POOL_MIN_BYTES = 4 * 1024 * 1024
# Chunks held back unworked while the pool is undecided: enough for POOL_MIN_FILES files.
HELD_CHUNKS = -(-POOL_MIN_FILES // CHUNK_FILES)
# A file this large may hold thousands of records (a PubMed export, a registry study list): with a
# pool, its records are shared among the workers in parts of about SPLIT_PART_BYTES of the file
# each, so one file no longer keeps one core busy while the others wait. Every worker parses the
# file once (from a private copy) and extracts only the records of its parts.
SPLIT_MIN_BYTES = 1024 * 1024
SPLIT_PART_BYTES = 256 * 1024
SPLIT_MAX_PARTS = 1024
# Dask: larger chunks, since each task also crosses the network and the scheduler.
DASK_CHUNK_FILES = 64
DASK_CHUNK_BYTES = 16 * 1024 * 1024
# Past GROW_AFTER tasks a task grows to this many files (DASK_CHUNK_BYTES still closes it first, so
# the bytes a client holds in flight are bounded as before). Each task costs the client ~1.9 ms of
# CPU (submit, then gather its result: measured with trivial tasks against a scheduler and two
# workers), ~0.03 ms a document at 64 files, ~0.007 at 256: the client that sends bytes went from
# 0.130-0.143 to 0.104-0.109 ms a document beyond start-up with it (docs/scale.md).
DASK_GROWN_CHUNK_FILES = 256

DASK_EXTRA = "pip install '.[dask]' in the imx checkout (or pip install 'dask[distributed]')"


@record
class FileResult:
    """What one file gave: its Documents, and for each ok Document its Findings (None for the rest).

    findings[i] belongs to documents[i]. A cache stores these whole, keyed by sha256.
    """

    path: str
    sha256: str
    documents: tuple[Document, ...]
    findings: tuple[Findings | None, ...]
    # An extractor raised on one of the documents: a bug in imx, so not worth keeping in a cache
    # (a rerun with --debug must be able to show the traceback, a fixed imx must retry).
    crashed: bool = False


@record
class StoredFindings:
    """Findings `index` of a cached FileResult, decoded only when a study of several documents
    needs them: the entry's body (codec JSON) is left in the cache by get_entries and read then
    (`source.get_body(key)`; relocated to `path` when the entry was stored under another)."""

    index: int
    key: str = ""
    path: str = ""
    source: Any = None  # cache.ExtractionCache

    def decoded(self) -> Any:
        """The whole entry decoded: the items of one file share it (SpillStore.get decodes it once).
        Raises ImxError when the entry does not decode (found damaged after its head was read) or
        is gone."""
        from imatinib_cli import codec

        body = None if self.source is None else self.source.get_body(self.key)
        if body is None:
            stopped = getattr(self.source, "stopped", "")
            if stopped:  # a database error since its head was read: the entry is out of reach
                raise ImxError(f"{stopped}, while this run was reading it; run again, or with --no-cache")
            raise ImxError(
                "an extraction cache entry was removed while this run read it (another run's "
                "`imx cache clear`?); run again"
            )
        try:
            result = codec.decode(body)
        except codec.DecodeError as exc:
            raise _unreadable_entry(exc) from None
        if self.path and type(result) is FileResult and result.path != self.path:
            result = relocate(result, self.path)  # stored again since, by a run that read it elsewhere
        return result

    def pick(self, result: Any) -> Findings:
        """This item's Findings from the decoded entry, without their document's text."""
        try:
            found = result.findings[self.index]
        except (AttributeError, IndexError, TypeError) as exc:
            raise _unreadable_entry(exc) from None
        if not isinstance(found, Findings):
            raise ImxError("an extraction cache entry could not be read back; run again with --no-cache")
        return without_text(found)


def _unreadable_entry(exc: Exception) -> ImxError:
    return ImxError(
        f"an extraction cache entry could not be read back ({exc}); run again with --no-cache, "
        "or `imx cache clear`"
    )


@record
class Lean:
    """What the process writing the output needs of one ok document, ready to use.

    keys: resolve.link_keys (None: the document makes no study). findings: the Findings without
    their document's text and tumor mentions (without_text), as a worker's pickle (bytes), as
    objects, or as StoredFindings; read only when the document's study has other documents too.
    study: the study's output text if it has no other document (render.json.RenderedStudy), or
    None (then it is merged where it is written).
    """

    keys: tuple[str, ...] | None
    findings: object
    study: Any = None
    # The document's place in the Report (spill.order_key(resolve.document_order(document))),
    # made where the document was; None: made by the process writing the output.
    order: bytes | None = None


@record
class LeanResult:
    """A FileResult as the writing process needs it (execute(render=...)): each Document without
    its text, a Lean for each ok one (None for the rest), and the cache entry's bytes (encoded
    where the work ran, so the writing process does not encode it), or None."""

    path: str
    sha256: str
    documents: tuple[Document, ...]
    items: tuple[Lean | None, ...]
    entry: Any = None  # cache.Encoded
    crashed: bool = False


# What a worker is asked for besides process_file: the output form whose study texts it makes
# ("json": render.json.study_piece, "jsonl": study_line_text) and whether it encodes the cache entry.
Work = tuple[str, bool]


@record
class ProgressUpdate:
    """Counts so far, after each chunk: files read (extracted or found in the store) and Documents."""

    files: int
    documents: int
    cached: int = 0


ProgressCallback = Callable[[ProgressUpdate], None]


class ResultStore(Protocol):
    """Where FileResults are kept between runs (imatinib_cli.cache), keyed by the file's sha256.

    Values are FileResult objects; a store returns them equal to what was put (the extraction cache
    stores them as JSON data through imatinib_cli/codec.py, never as pickles).
    """

    def get_many(self, sha256s: Sequence[str]) -> dict[str, object]: ...  # hits only

    def put_many(self, items: Iterable[tuple[str, object]]) -> None: ...


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:
            pass
    return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- the unit of work


def _loaded(name: str) -> Any:
    """The module `name` of imatinib_cli, imported at its first use (a warm run imports neither
    extraction nor the readers at start-up), then found in sys.modules: a `from ... import`
    statement in a function costs ~6,700 instructions a call, twice a document of a serial run.
    Its functions are read from it at each call, so a test's monkeypatch of one holds."""
    module = sys.modules.get(name)
    if module is None:
        import importlib

        module = importlib.import_module(name)
    return module


def process_file(path: str, data: bytes, sha256: str) -> FileResult:
    """Read a file's Documents and extract each ok one. Never raises for the file's content.

    An exception in an extractor is a bug in imx, not a property of the file: the Document is listed
    as an error with the exception on one line (--debug logs the traceback where the work ran).
    """
    return _extracted(path, sha256, _loaded("imatinib_cli.load").read_file(path, data, sha256))


def _extracted(path: str, sha256: str, documents: list[Document]) -> FileResult:
    """The FileResult of these Documents: each ok one extracted, a crash listed as an error."""
    extraction = _loaded("imatinib_cli.extract")
    findings: list[Findings | None] = []
    crashed = False
    for index, document in enumerate(documents):
        if document.status != STATUS_OK:
            findings.append(None)
            continue
        try:
            findings.append(extraction.extract(document))
        except Exception as exc:  # noqa: BLE001 - one document must never stop the run
            _log.debug("extracting %s failed", document.path, exc_info=True)
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:_MAX_DETAIL]
            documents[index] = replace(
                document, status=STATUS_ERROR, reason=f"extraction failed (a bug in imx): {detail}"
            )
            findings.append(None)
            crashed = True
    return FileResult(path, sha256, tuple(documents), tuple(findings), crashed)


@record
class FilePart:
    """Part `part` of `parts` of a large file's records, its bytes in a private copy (`copy`).

    The part holds the records [part * R // parts, (part + 1) * R // parts) of the file's R records,
    so the parts, in order, are the file's Documents in order whatever R turns out to be.
    """

    path: str
    sha256: str
    copy: str
    part: int
    parts: int


def part_key(sha256: str, part: int, parts: int) -> str:
    """A part's own key in a ResultStore: `SHA256:part:K:N` (never a file's sha256)."""
    return f"{sha256}:part:{part}:{parts}"


# The Documents of the last large file this process parsed: its other parts are extracted from them
# without parsing the file again. (sha256, copy path) -> Documents.
_parsed: tuple[tuple[str, str], list[Document]] | None = None


def process_part(item: FilePart) -> FileResult:
    """The FileResult of one part of a large file: its records only, read like process_file."""
    global _parsed
    from imatinib_cli.load import read_file

    if _parsed is None or _parsed[0] != (item.sha256, item.copy):
        _parsed = None  # the previous file's Documents go before this one's are made
        with open(item.copy, "rb") as file:
            data = file.read()
        _parsed = ((item.sha256, item.copy), read_file(item.path, data, item.sha256))
    documents = _parsed[1]
    total = len(documents)
    first, last = item.part * total // item.parts, (item.part + 1) * total // item.parts
    return _extracted(item.path, item.sha256, documents[first:last])


def process_chunk(
    chunk: Sequence[RawFile | FilePart | UnreadFile], work: Work | None = None, heap: str | None = None
) -> list[Any]:
    """process_file (process_part) for each file (part) of a chunk, in order (what a worker runs);
    an UnreadFile is read and hashed here first. With work, each result made lean (made_lean)
    where it was computed; with heap too (a SpillStore's folder), the Findings and study texts
    are appended to this process's file there (spill.HeapWriter) and only their references sent."""
    if heap is None or work is None:
        return list(_chunk_results(chunk, work))
    from imatinib_cli.spill import heap_writer

    writer = heap_writer(heap)
    results = [made_lean(_processed(item), form=work[0], entry=work[1], heap=writer) for item in chunk]
    writer.flush()  # before the references go back
    return results


def _chunk_results(chunk: Sequence[RawFile | FilePart | UnreadFile], work: Work | None) -> Iterator[Any]:
    """process_chunk's results one at a time, each made lean before the next file is read.

    So one file's full FileResult (its Documents' text, sentences and Findings: ~0.5 MiB for a
    PubMed XML file of 50 records) is alive at a time, not a whole chunk's; the serial run takes
    them one by one too (_computed), so it does not hold a chunk's LeanResults either.
    """
    for item in chunk:
        result = _processed(item)
        yield result if work is None else made_lean(result, form=work[0], entry=work[1])


def _processed(item: RawFile | FilePart | UnreadFile) -> FileResult:
    """The FileResult of one chunk item: a file's (process_file; an UnreadFile read first, its
    Document alone when it cannot be read) or a large file's part's."""
    item = _read_if_unread(item)
    kind = type(item)
    if kind is FileResult:
        return item  # type: ignore[return-value]
    if kind is FilePart:
        return process_part(item)  # type: ignore[arg-type]
    return process_file(*item)  # type: ignore[misc]


def _read_if_unread(item: RawFile | FilePart | UnreadFile) -> RawFile | FilePart | FileResult:
    """An UnreadFile read and hashed here (load.read_later), or the FileResult of its Document
    alone when it cannot be read (gone, too large, not a regular file); any other item as it is."""
    if type(item) is not UnreadFile:
        return item
    read = read_later(item)
    return read if type(read) is RawFile else FileResult(item.path, "", (read,), (None,))


def without_text(findings: Findings, document: Document | None = None) -> Findings:
    """What merging reads of a document is its metadata and path: the text, sections and registry
    tables were for extraction (every quote is already copied into its Evidence). The tumor
    mentions too (~5 a document, each with its Evidence: ~4 % of made_lean, mostly their pickle):
    nothing after extraction reads them, the populations carry the tumor types. `document`: the
    Document text_dropped already made of findings.document, when the caller has it."""
    return findings.replaced(
        document=text_dropped(findings.document) if document is None else document, tumor_mentions=()
    )


def text_dropped(document: Document) -> Document:
    """The Document without its text, sections and registry tables (what output and merging read)."""
    if not document.text and not document.sections and document.registry_results is None:
        return document
    return document.replaced(text="", sections=(), registry_results=None)


class _LeanSteps(NamedTuple):
    """What _lean calls, in the order it unpacks them (by position, one step a document rather
    than a look-up each: keep the two in step)."""

    dumps: Callable[..., bytes]
    protocol: int
    RenderedStudy: Any
    line_from_piece: Callable[..., Any]
    study_line_text: Callable[..., str]
    study_piece_utf8: Callable[..., bytes]
    link_keys: Callable[..., Any]
    merge_group: Callable[..., Any]
    document_order_key: Callable[..., bytes]


@functools.cache
def _lean_steps() -> _LeanSteps:
    """What _lean calls, imported at its first call (a warm run makes no lean result: not at
    start-up) and kept: import statements in _lean itself cost ~27,000 instructions a file, ~3 %
    of it (each `from ... import` of a loaded module asks its spec whether it is initializing)."""
    from pickle import HIGHEST_PROTOCOL, dumps

    from imatinib_cli.render.json import RenderedStudy, line_from_piece, study_line_text, study_piece_utf8
    from imatinib_cli.resolve import link_keys, merge_group
    from imatinib_cli.spill import document_order_key

    return _LeanSteps(
        dumps=dumps,
        protocol=HIGHEST_PROTOCOL,
        RenderedStudy=RenderedStudy,
        line_from_piece=line_from_piece,
        study_line_text=study_line_text,
        study_piece_utf8=study_piece_utf8,
        link_keys=link_keys,
        merge_group=merge_group,
        document_order_key=document_order_key,
    )


def made_lean(result: FileResult, *, form: str | None, entry: bool = False, heap: Any = None) -> LeanResult:
    """The LeanResult of a FileResult, made where it was computed: per ok document its link keys,
    its Findings pickled without text, and the text of its study as a study of its own in the
    output's form, as UTF-8 (resolve.merge_group of that document alone, rendered); with entry, the
    cache entry encoded (it holds each study's `--json` text, whatever the form). heap (a
    spill.HeapWriter): the pickle and the study text written there, given as spill.HeapRefs.
    form None: made where the output is written (a store's hit that cannot be used as stored):
    the keys and the Findings without text, as objects; the study is merged there (no entry)."""
    if form is None and entry:
        raise ValueError("made_lean: a cache entry needs the study text (form)")
    documents = tuple([text_dropped(document) for document in result.documents])
    items: list[Lean | None] = []
    pieces: list[tuple[list[str] | None, bytes | None] | None] = []
    for document, findings, given in zip(documents, result.findings, result.documents, strict=True):
        if findings is None:
            items.append(None)
            pieces.append(None)
            continue
        item, keys, piece = _lean(document, findings, given, form, entry, heap)
        items.append(item)
        pieces.append((keys, piece))
    encoded = _entry(result, documents, pieces) if entry and not result.crashed else None
    return LeanResult(result.path, result.sha256, documents, tuple(items), encoded, result.crashed)


def _lean(
    document: Document, findings: Findings, given: Document, form: str | None, entry: bool, heap: Any
) -> tuple[Lean, list[str] | None, bytes | None]:
    """made_lean's Lean of one ok document (document: `given`, the one extracted, without its
    text), with its link keys and its study's `--json` piece (None unless made)."""
    # one unpacking of the steps (a tuple), not a look-up of each by name
    (dumps, protocol, RenderedStudy, line_from_piece, study_line_text, study_piece_utf8,
     link_keys, merge_group, order_key) = _lean_steps()  # fmt: skip
    # Its document without text is the one just made (one text_dropped, not two).
    lean = without_text(findings, document if findings.document is given else None)
    keys = link_keys(lean)
    if form is None:
        return Lean(None if keys is None else tuple(keys), lean), keys, None
    rendered = piece = None
    if keys is not None:
        study = merge_group([lean])
        if entry or form == "json":
            piece = study_piece_utf8(study)
        if form == "json":
            rendered = RenderedStudy(piece, "json")
        else:  # the line from the piece when there is one (~30 µs), not rendered again (~0.4 ms)
            line = study_line_text(study).encode("utf-8", "surrogatepass") if piece is None else None
            rendered = RenderedStudy(line_from_piece(piece) if line is None else line, "jsonl")  # type: ignore[arg-type]
    pickled: Any = dumps(lean, protocol)
    if heap is not None and keys is not None:  # only what goes to the spill store is written
        pickled = heap.write(pickled)
        if rendered is not None:
            rendered = RenderedStudy(heap.write(rendered.text), rendered.form)
    return Lean(None if keys is None else tuple(keys), pickled, rendered, order_key(document)), keys, piece


def _entry(
    result: FileResult,
    documents: tuple[Document, ...],
    pieces: list[tuple[list[str] | None, bytes | None] | None],
) -> Any:
    """The cache entry of a result (cache.encode_entry), or an Encoded saying why there is none."""
    from imatinib_cli import codec
    from imatinib_cli.cache import Encoded, encode_entry

    try:
        head = [
            (codec.encode(document), piece is not None, *(piece or (None, None)))
            for document, piece in zip(documents, pieces, strict=True)
        ]
        value, body, studies = encode_entry(result, head)  # type: ignore[arg-type]
        return Encoded(value, body, studies=studies)
    except Exception as exc:  # noqa: BLE001 - a value the codec cannot store is simply not cached
        return Encoded(None, error=f"{type(exc).__name__}: {exc}")


def lean_from_entry(
    entry: Any, path: str, sha256: str, key: str = "", source: Any = None
) -> LeanResult | None:
    """The LeanResult of a cache entry (cache.Entry) read at `path`, from its head alone (None when
    the head cannot serve: none stored, another path). Its Findings are read from `source` (the
    cache) under `key` when needed (get_entries leaves the body on disk); its study texts are left
    there too (each RenderedStudy's text is its byte length: SpillStore.put). Raises
    codec.DecodeError, ValueError or TypeError for a damaged head."""
    from imatinib_cli.render.json import RenderedStudy

    head = entry.head
    if head is None or entry.path != path:
        return None
    documents: list[Document] = []
    items: list[Lean | None] = []
    for index, (document, ok, keys, size) in enumerate(head):
        documents.append(_head_document(document))
        if not ok:
            items.append(None)
            continue
        # The text stays in the cache: its byte length stands for it (its Findings say where it is).
        rendered = None if size is None else RenderedStudy(size, "json")
        findings = StoredFindings(index, key, path, source)
        items.append(Lean(None if keys is None else tuple(keys), findings, rendered))
    return LeanResult(path, sha256, tuple(documents), tuple(items))


def _head_document(data: Any) -> Document:
    """The Document of an entry head's codec JSON. The common shape (no sections, no registry
    results, metadata of plain values and lists of strings) is built here directly, ~3x faster
    than codec's walk; anything else goes through codec.decode. Either way only
    Document and Metadata are built, from JSON values: as safe as the codec's allow-list."""
    value = data.get("value") if type(data) is dict and len(data) == 2 else None
    values = value.get("Document") if type(value) is dict and len(value) == 1 else None
    if type(values) is list and len(values) == _DOCUMENT_ARITY and data.get("strings") == []:
        path, sha256, form, text, metadata, sections, status, reason, record, registry = values
        meta = metadata.get("Metadata") if type(metadata) is dict and len(metadata) == 1 else None
        if sections == [] and registry is None and type(meta) is list and len(meta) == _METADATA_ARITY:
            # Each value plain, or a list of strings (what a tuple field holds): "".join raises
            # for anything else in a list. No set is made per check (frozenset.issuperset of an
            # iterable builds one: ~2,000 instructions each, a third of this function's cost).
            plain = True
            try:
                for at, item in enumerate(meta):
                    kind = type(item)
                    if kind is list:
                        if item:
                            "".join(item)
                        meta[at] = tuple(item)
                    elif kind not in _PLAIN:
                        plain = False
                        break
            except TypeError:
                plain = False
            if (
                plain
                and type(path) in _PLAIN
                and type(sha256) in _PLAIN
                and type(form) in _PLAIN
                and type(text) in _PLAIN
                and type(status) in _PLAIN
                and type(reason) in _PLAIN
                and type(record) in _PLAIN
            ):
                return Document(path, sha256, form, text, Metadata(*meta), (), status, reason, record, None)
    from imatinib_cli import codec

    built = codec.decode(data)
    if type(built) is not Document:
        raise TypeError("an entry head without a Document")
    return built


_DOCUMENT_ARITY = len(fields(Document))
_PLAIN = frozenset({str, int, bool, type(None)})


_METADATA_ARITY = len(fields(Metadata))


# --------------------------------------------------------------------------- relocation


def relocate(result: FileResult, path: str) -> FileResult:
    """The same result for the same bytes found at another path: every mention of the path rewritten.

    The path appears as Document.path, Evidence.document (every Evidence, however deep), and in
    reasons and warnings that name it (replaced where it stands as a whole path, not inside a word).
    """
    old = result.path
    if old == path:
        return result
    rewriter = _Relocator(old, path)
    return FileResult(
        path,
        result.sha256,
        tuple(rewriter.visit(document) for document in result.documents),
        tuple(rewriter.visit(item) for item in result.findings),
        result.crashed,
    )


class _Relocator:
    """Rebuilds frozen dataclasses (and tuples of them) with a path replaced; shared records stay shared."""

    def __init__(self, old: str, new: str) -> None:
        self._old = old
        self._new = new
        # The path as a whole: not preceded or followed by a character a path could continue with.
        self._mention = re.compile(rf"(?<![\w./\\-]){re.escape(old)}(?![\w/\\-]|\.\w)")
        self._seen: dict[int, Any] = {}

    def visit(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(self.visit(item) for item in value)
        if not is_dataclass(value) or isinstance(value, type):
            return value
        key = id(value)
        if key in self._seen:
            return self._seen[key]
        changes: dict[str, Any] = {}
        for field in fields(value):
            current = getattr(value, field.name)
            if isinstance(current, str):
                updated = self._text(value, field.name, current)
            else:
                updated = self.visit(current)
            if updated is not current:
                changes[field.name] = updated
        result = replace(value, **changes) if changes else value
        self._seen[key] = result
        return result

    def _text(self, record: object, name: str, text: str) -> str:
        if (isinstance(record, Document) and name == "path") or (
            isinstance(record, Evidence) and name == "document"
        ):
            return self._new if text == self._old else text
        names_it = (isinstance(record, Document) and name == "reason") or (
            isinstance(record, Warning) and name == "message"
        )
        if names_it and self._old in text:
            return self._mention.sub(lambda _: self._new, text)
        return text


# --------------------------------------------------------------------------- vocabulary in workers


def _current_vocab_dir() -> str | None:
    """The --vocab folder this process uses (vocab.set_extra_dir), as a string."""
    from imatinib_cli import vocab

    extra = vocab.extra_dir()
    return os.fspath(extra) if extra is not None else None


def _use_vocab_dir(path: str | None) -> None:
    """Make this process use the given --vocab folder, keeping caches that are already right."""
    if path == _current_vocab_dir():
        return
    from imatinib_cli import vocab

    vocab.set_extra_dir(path)


VocabBundle = tuple[tuple[str, bytes], ...]


def _vocab_bundle(path: str | None) -> VocabBundle | None:
    """The YAML files of a --vocab folder, by name, to send to Dask workers (no shared disk assumed)."""
    if path is None:
        return None
    bundle = []
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if name.endswith(".yaml") and os.path.isfile(full):
            with open(full, "rb") as handle:
                bundle.append((name, handle.read()))
    return tuple(bundle)


def _unpack_vocab(bundle: VocabBundle | None) -> str | None:
    """A folder holding the bundle's files on this machine (made once per content, safe to share)."""
    if bundle is None:
        return None
    import tempfile

    digest = hashlib.sha256(repr(bundle).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    folder = os.path.join(tempfile.gettempdir(), f"imx-vocab-{digest}")
    if not os.path.isdir(folder):
        staging = tempfile.mkdtemp(prefix="imx-vocab-")
        for name, data in bundle:
            with open(os.path.join(staging, os.path.basename(name)), "wb") as handle:
                handle.write(data)
        try:
            os.rename(staging, folder)
        except OSError:  # another worker on this machine made it first
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return folder


class Sealed:
    """A chunk handed to Client.submit whole: Dask walks a task's list and tuple arguments item
    by item, looking for futures (~6 calls for each file's RawFile or UnreadFile); it does not
    look inside this. `Sealed([UnreadFile("a.txt", "a.txt", 2048, 50 << 20)]).items` is the list."""

    __slots__ = ("items",)

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items

    def __reduce__(self) -> tuple[Any, ...]:
        return Sealed, (self.items,)


def dask_process_chunk(
    chunk: Sequence[RawFile | UnreadFile] | Sealed,
    vocab: VocabBundle | None,
    work: Work | None = None,
    folder: str | None = None,
) -> list[Any]:
    """process_chunk on a Dask worker, with the client's --vocab files (sent along, not read from disk).

    folder (--shared-files): the client's working folder, which a relative UnreadFile path is
    opened from (a worker runs in its own), e.g. corpus/a.txt sent from /data as /data/corpus/a.txt.
    """
    _use_vocab_dir(_unpack_vocab(vocab))
    if type(chunk) is Sealed:
        chunk = chunk.items
    if folder is not None:
        chunk = [_opened_from(item, folder) for item in chunk]
    return process_chunk(chunk, work)


def dask_process_sealed(
    chunk: Sealed, vocab: VocabBundle | None, work: Work | None = None, folder: str | None = None
) -> bytes:
    """dask_process_chunk's results as one pickle, which the client loads as it takes them.

    Measured against a scheduler and two workers (256 text abstracts a task): the client's CPU
    was ~0.035 ms a document for the pickle, ~0.05 for the list of results as they are, which
    distributed relays through the scheduler and unpickles on the client's event loop.
    """
    import pickle

    return pickle.dumps(dask_process_chunk(chunk, vocab, work, folder), pickle.HIGHEST_PROTOCOL)


def _opened_from(item: RawFile | UnreadFile, folder: str) -> RawFile | UnreadFile:
    """An UnreadFile whose path is opened from `folder` (an absolute path stays as it is)."""
    if type(item) is not UnreadFile or os.path.isabs(item.source):
        return item
    return item._replace(source=os.path.join(folder, item.source))  # type: ignore[union-attr]


def _init_local_worker(vocab_dir: str | None, quiet: bool = True) -> None:
    """Initializer of a local worker process: the parent's vocabulary; Ctrl-C is the parent's to
    handle; the worker dies with its parent and never holds the user's stdout open (`imx ... | wc -c`
    ends when the main process does, however it ends)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the CLI's SIGTERM handler; terminate() must stop it, not raise in it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _release_stdout()
    if quiet:  # under --debug a worker's traceback is what the user asked to see
        _quiet_stderr()
    _use_vocab_dir(vocab_dir)


# prctl(2) option: the signal the kernel sends this process when the thread that created it exits.
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Make this worker end when its parent ends, SIGKILL included (no handler runs then).

    Linux: prctl(PR_SET_PDEATHSIG, SIGKILL), then a check that the parent did not end before that
    call (the signal would never come). Everywhere, and as the only means elsewhere: a daemon thread
    blocked on multiprocessing's parent sentinel (a pipe or handle that the parent's death closes),
    which ends the process at once. A worker under forkserver has the fork server as its parent,
    and the fork server exits when the main process does (its pipe from the main process closes)."""
    import multiprocessing
    import threading

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        _set_parent_death_signal()
        if os.getppid() != parent:  # the parent was gone before the signal was asked for
            os._exit(1)
    sentinel = getattr(multiprocessing.parent_process(), "sentinel", None)
    if sentinel is not None:
        threading.Thread(
            target=_exit_when_ready, args=(sentinel,), name="imx-parent-watch", daemon=True
        ).start()


def _set_parent_death_signal() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) through libc; False where it cannot be called."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_ready(sentinel: Any) -> None:
    """Wait until the parent's sentinel is ready (the parent has ended), then end this process."""
    from multiprocessing.connection import wait

    with contextlib.suppress(OSError):
        wait([sentinel])
    os._exit(1)


def _release_stdout() -> None:
    """Point this worker's file descriptor 1 at the null device: workers never print (their results
    go back through the pool), and a worker must not keep the user's pipe open, nor flush at exit
    output the parent had buffered when it forked."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


def _quiet_stderr() -> None:
    """Send what this worker would print to sys.stderr to the null device: a worker's only channel
    to the user is its results, and the parent turns a worker that fails into one line. Without
    this, a worker the pool had started but not yet recorded when a SIGTERM unwound the parent (so
    it was not stopped with the others) found its task queue closed when the parent exited and
    printed "Process ForkServerProcess-1: Traceback (most recent call last): ... EOFError" on the
    user's terminal before its parent-death signal ended it. Not under --debug (the worker's
    traceback is then what the user asked for)."""
    with contextlib.suppress(OSError):
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (the worker's until it ends)


# --------------------------------------------------------------------------- backends


class _Backend(Protocol):
    in_flight: int
    # Whether a large file's records are sent out in parts (FilePart): only where the workers can
    # read this machine's private copy of the file.
    splits: bool
    # Whether a KnownFile the store lacks is sent unread, as its path, for the worker to read and
    # hash (a Dask cluster told its workers see the same files, --shared-files); else it is read here.
    reads: bool

    def submit(self, chunk: list[RawFile], work: Work | None = None) -> Any: ...

    def result(self, handle: Any) -> list[Any]: ...

    def close(self, *, abort: bool) -> None: ...


class _Serial:
    """No pool at all: a chunk is worked on when its results are asked for."""

    in_flight = 0
    splits = False
    reads = False

    def submit(self, chunk: list[RawFile], work: Work | None = None) -> Any:
        return chunk, work

    def result(self, handle: Any) -> list[Any]:
        return process_chunk(*handle)

    def close(self, *, abort: bool) -> None:
        return None


def _start_method() -> str:
    """fork where it is safe (Linux, only the main thread running): workers inherit the warmed-up
    vocabulary and start in milliseconds. Otherwise forkserver, or spawn where there is none: forking
    a process with other threads running can copy a lock another thread holds."""
    import multiprocessing
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class _LocalPool:
    """A ProcessPoolExecutor of `workers` processes, started with the parent's vocabulary."""

    def __init__(self, workers: int, heap: str | None = None) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # A SpillStore's folder: the workers write the lean results' bytes there (process_chunk).
        self._heap = heap
        # The vocabularies are not built here for the workers to inherit (~0.13 s of this process's
        # time): each worker builds its own, at the same time (a serial start in this process has
        # built them already, and then they are inherited).
        context = multiprocessing.get_context(_start_method())
        self.in_flight = IN_FLIGHT_PER_WORKER * workers
        self.splits = True
        self.reads = False
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_local_worker,
            initargs=(_current_vocab_dir(), not _log.isEnabledFor(logging.DEBUG)),
        )

    def submit(self, chunk: list[RawFile], work: Work | None = None) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            if self._heap is not None and work is not None:
                return self._pool.submit(process_chunk, chunk, work, self._heap)
            return self._pool.submit(process_chunk, chunk, work)
        except BrokenProcessPool:  # a worker died before this chunk was sent
            raise _worker_died() from None

    def result(self, handle: Any) -> list[FileResult]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return handle.result()
        except BrokenProcessPool:
            raise _worker_died() from None

    def close(self, *, abort: bool) -> None:
        if abort:
            # Running chunks would otherwise be waited for at exit: stop the workers now.
            terminate = getattr(self._pool, "terminate_workers", None)  # Python 3.14
            if terminate is not None:
                terminate()
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join()
            # A worker stopped while sending its chunk's result leaves half a message in the result
            # pipe, and the pool's manager thread would wait for the rest forever (so would
            # shutdown). With the workers gone, closing this process's copy of the pipe's write end
            # turns that wait into end-of-file, which the pool handles as a broken worker.
            writer = getattr(getattr(self._pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                writer.close()
        try:
            self._pool.shutdown(wait=True, cancel_futures=abort)
        except RuntimeError:
            # "cannot join thread before it is started": a SIGTERM came between the pool starting
            # its processes (stopped above) and its manager thread; there is nothing to wait for.
            if not abort:
                raise


_SERIAL = _Serial()


class _Held:
    """A chunk submitted before the pool was decided: not worked on until its results are asked
    for (then here, serially) or a pool starts (then sent to it, in order)."""

    __slots__ = ("chunk", "sent", "work")

    def __init__(self, chunk: list[RawFile], work: Work | None) -> None:
        self.chunk: list[RawFile] | None = chunk
        self.work = work
        self.sent: tuple[_Backend, Any] | None = None


class _UntilWorthAPool:
    """Serial until the files that missed the store are enough work to pay for a pool
    (POOL_MIN_FILES files or POOL_MIN_BYTES bytes), then a pool of `workers` for the rest.

    Only what misses the store is counted: a rerun whose every file is in the extraction cache
    starts no pool (it started one, and built the vocabularies for it, that was never sent a file:
    ~0.12 s of 1.1 s on 2,000 documents). Until the pool is decided, up to HELD_CHUNKS chunks are
    held back unworked, so the chunks that decide it go to the pool too: a large run extracts
    nothing in this process (which then never builds the vocabularies either: the workers do).
    """

    def __init__(self, workers: int, heap: Callable[[], str | None] | None = None) -> None:
        self._workers = workers
        self._heap = heap
        self._pool: _LocalPool | None = None
        self._files = 0
        self._bytes = 0
        self._held: deque[_Held] = deque()
        self.in_flight = HELD_CHUNKS
        # A file large enough to be sent in parts is worth a pool by itself: its first part
        # starts one.
        self.splits = True
        self.reads = False

    def submit(self, chunk: list[RawFile], work: Work | None = None) -> Any:
        if self._pool is None:
            large = any(isinstance(item, FilePart) for item in chunk)
            self._files += len(chunk)
            self._bytes += sum(_size(item) for item in chunk if type(item) is not FilePart)  # type: ignore[arg-type]
            if large or self._files >= POOL_MIN_FILES or self._bytes >= POOL_MIN_BYTES:
                self._pool = pool = _LocalPool(self._workers, None if self._heap is None else self._heap())
                self.in_flight = max(pool.in_flight, HELD_CHUNKS)
                while self._held:  # in order: the pool's first chunks are those held back
                    held = self._held.popleft()
                    held.sent = (pool, pool.submit(held.chunk, held.work))  # type: ignore[arg-type]
                    held.chunk = None
        if self._pool is None:
            held = _Held(chunk, work)
            self._held.append(held)
            return held
        return (self._pool, self._pool.submit(chunk, work))

    def resolve(self, handle: Any) -> tuple[_Backend, Any]:
        """(backend, its handle) of a handle submit gave: a held chunk not sent to a pool is
        worked on serially, here, from now on."""
        if type(handle) is not _Held:
            return handle  # type: ignore[no-any-return]
        if handle.sent is None:
            self._held.remove(handle)
            handle.sent = (_SERIAL, _SERIAL.submit(handle.chunk, handle.work))  # type: ignore[arg-type]
            handle.chunk = None
        return handle.sent

    def result(self, handle: Any) -> list[FileResult]:
        backend, inner = self.resolve(handle)
        return backend.result(inner)

    def close(self, *, abort: bool) -> None:
        self._held.clear()
        if self._pool is not None:
            self._pool.close(abort=abort)


def _worker_died() -> ImxError:
    return ImxError(
        "a worker process stopped unexpectedly (out of memory, or killed); "
        "run again with --jobs 1 to read the files in this process"
    )


class _Dask:
    """Chunks as tasks on a Dask distributed cluster: at an address, or a LocalCluster started here."""

    def __init__(self, address: str | None, workers: int, shared_files: bool = False) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise UsageError(f"the Dask executor needs dask, which is not installed: {DASK_EXTRA}") from None
        self._cluster: Any = None
        # --shared-files: the workers open the files (UnreadFiles, KnownFiles the store lacks)
        # themselves, a relative path from the client's working folder.
        self.reads = shared_files
        self._folder = _working_folder() if shared_files else None
        if address is not None:
            _check_dask_address(address)
        try:
            if address is None:
                with _sigint_ignored():  # the workers inherit it: Ctrl-C is the parent's to handle
                    self._cluster = LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        scheduler_kwargs={"dashboard_address": ":0"},  # its HTTP server: any free port
                        silence_logs=logging.CRITICAL,  # workers losing the scheduler at Ctrl-C
                    )
                self._client = Client(self._cluster, set_as_default=False)
            else:
                self._client = Client(address, timeout="15s", set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
            self._close_cluster()
            where = f"the Dask scheduler at {address}" if address else "a local Dask cluster"
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise ImxError(f"cannot reach {where}: {detail}") from None
        threads = sum(self._client.nthreads().values()) or workers
        self.in_flight = IN_FLIGHT_PER_WORKER * max(1, threads)
        self.splits = False  # a worker may be on another machine, without the private copy
        self._vocab = _vocab_bundle(_current_vocab_dir())

    def submit(self, chunk: list[RawFile], work: Work | None = None) -> Any:
        sealed = Sealed(chunk)
        if self._folder is None:
            return self._client.submit(dask_process_sealed, sealed, self._vocab, work, pure=False)
        return self._client.submit(dask_process_sealed, sealed, self._vocab, work, self._folder, pure=False)

    def result(self, handle: Any) -> list[FileResult]:
        import pickle

        from distributed import KilledWorker

        try:
            return pickle.loads(handle.result())  # type: ignore[no-any-return]
        except KilledWorker:
            raise ImxError(
                "Dask workers kept dying on a chunk of files (out of memory?); see the workers' logs"
            ) from None

    def close(self, *, abort: bool) -> None:
        try:
            self._client.close()
        finally:
            self._close_cluster()

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while child processes start (an ignored signal stays ignored across exec)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _working_folder() -> str:
    """The folder relative paths are opened from, for workers that open them (--shared-files).
    Raises ImxError when it is gone (deleted while the shell stood in it)."""
    try:
        return os.getcwd()
    except OSError as exc:
        raise ImxError(f"--shared-files: cannot read the working folder: {exc.strerror or exc}") from None


def _check_dask_address(address: str) -> None:
    """A malformed address is a usage error, found before a Client is made (a failed Client hangs at exit)."""
    from distributed.comm import resolve_address

    try:
        resolve_address(address)
    except ValueError as exc:
        raise UsageError(f"--dask {address}: {exc}") from None
    except OSError as exc:
        raise ImxError(f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- the run

Item = Document | RawFile | KnownFile | UnreadFile


def _size(item: RawFile | KnownFile | UnreadFile) -> int:
    return len(item.data) if type(item) is RawFile else item.size  # type: ignore[union-attr]


def _batches(
    items: Iterable[Item], *, files: int, size: int, grown: int | None = None
) -> Iterator[list[Item]]:
    """Items in order, cut after `files` files or `size` bytes (Documents ride along); with
    grown, after GROW_AFTER batches cut after `grown` files instead."""
    batch: list[Item] = []
    count = total = made = 0
    for item in items:
        batch.append(item)
        if not isinstance(item, Document):
            count += 1
            total += _size(item)
        if count >= files or total >= size or len(batch) >= 16 * files:
            yield batch
            batch, count, total = [], 0, 0
            made += 1
            if grown is not None and made == GROW_AFTER:
                files = grown
    if batch:
        yield batch


@mutable_record
class _Split:
    """A large file sent out in parts: each part's result from the store, or its handle."""

    keys: list[str]  # each part's key in the store, in order
    copy: str | None  # the private copy the workers read; None when the store had every part
    results: dict[int, Any]  # FileResults or LeanResults
    handles: dict[int, Any]
    path: str = ""
    sha256: str = ""


@mutable_record
class _Pending:
    """Items sent to the backend together: the store's hits, what went out, and its handle."""

    items: list[Item]
    results: dict[int, Any]  # by position in items: the store's hits (FileResults or LeanResults)
    misses: list[int]  # positions of RawFiles sent to the backend
    handle: Any
    splits: dict[int, _Split] = dataclass_field(default_factory=dict)  # positions of the files sent in parts
    # Positions of files whose bytes an earlier file of the run has (dedupe): not sent, and
    # listed as duplicates when their turn comes.
    dupes: set[int] = dataclass_field(default_factory=set)


class _Copies:
    """Private copies of the large files sent in parts, in a folder only this user can read
    (tempfile's, as spill.SpillStore's), removed when the run ends (however it ends)."""

    def __init__(self) -> None:
        self._folder: Any = None  # a tempfile.TemporaryDirectory, made at the first copy
        self._count = 0

    def write(self, data: bytes) -> str:
        if self._folder is None:
            import tempfile

            self._folder = tempfile.TemporaryDirectory(prefix="imx-parts-")
        self._count += 1
        path = os.path.join(self._folder.name, f"{self._count}.bin")
        with open(path, "wb") as file:
            file.write(data)
        return path

    def remove(self, path: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(path)

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def parts_of(size: int) -> int:
    """How many parts a file of `size` bytes is sent in (1: whole)."""
    if size < SPLIT_MIN_BYTES:
        return 1
    return min(SPLIT_MAX_PARTS, max(2, size // SPLIT_PART_BYTES))


def workers_read(
    *,
    jobs: int | None,
    executor: str,
    dask_address: str | None,
    store: ResultStore | None,
    shared_files: bool = False,
) -> bool:
    """Whether the workers read and hash the files themselves (the walk leaves them unread,
    unread_below, and execute(dedupe=True) finds duplicates): with no store to look files up in
    first (--no-cache), a local pool (--jobs N), or a Dask cluster told its workers see the same
    files at the same paths (shared_files, --shared-files); otherwise a Dask cluster's workers may
    not see this machine's files."""
    if store is not None:
        return False
    if executor == "dask" or dask_address is not None:
        return shared_files
    return (available_cores() if jobs is None else jobs) > 1


def unread_below(*, dask: bool) -> int:
    """The size below which the walk leaves a file unread when the workers read (workers_read): a
    local pool's files of SPLIT_MIN_BYTES and more are read here, for their parts; a Dask cluster
    shares no file in parts, so every file goes as its path (the worker checks --max-bytes)."""
    return sys.maxsize if dask else SPLIT_MIN_BYTES


def execute(
    items: Iterable[Item],
    *,
    jobs: int | None = None,
    executor: str = "local",
    dask_address: str | None = None,
    store: ResultStore | None = None,
    progress: ProgressCallback | None = None,
    render: str | None = None,
    dedupe: bool = False,
    heap: Callable[[], str | None] | None = None,
    shared_files: bool = False,
) -> Iterator[tuple[Document, Any]]:
    """(Document, Findings or None) for every item, in input order, whichever executor does the work.

    jobs: local worker processes (None: available_cores(); 1: this process, no pool), or the workers
    of the LocalCluster that executor "dask" starts when no dask_address is given. store: FileResults
    kept between runs, looked up by sha256 before any work is sent, and given what was computed.
    progress: called after each chunk with the counts so far. render "json" or "jsonl": yield
    (Document without its text, Lean or None) instead, made lean where the work runs (made_lean)
    and, with an extraction cache (a store with get_entries), read lean from it (lean_from_entry),
    so the calling process only writes what it is given. dedupe: the items come from
    walk_paths(unread_below=...) (UnreadFiles, read and hashed where the work runs), which leaves
    files with the same bytes to this run: each file's sha256 is claimed as its result is taken,
    in input order, and a later file with the same bytes is the walk's "duplicate of FIRST"
    Document. heap: asked when a local pool starts, a SpillStore's folder (SpillStore.folder) where
    the workers write a render form's Findings and study texts, sent back as spill.HeapRefs.
    shared_files (Dask only): the workers see this machine's files at the same paths, so files the
    walk left unread (UnreadFile) and KnownFiles the store lacks are sent as paths, not bytes, and
    read where the work runs (a relative path from this process's working folder).
    Raises UsageError for a bad executor or jobs, ImxError when the Dask scheduler cannot be
    reached or a worker dies.
    """
    if executor not in EXECUTORS:
        raise UsageError(f"unknown executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    if jobs is None:
        jobs = available_cores()
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    if dask_address is not None:
        executor = "dask"
    if executor == "dask":
        batches = _batches(items, files=DASK_CHUNK_FILES, size=DASK_CHUNK_BYTES, grown=DASK_GROWN_CHUNK_FILES)
        backend: _Backend = _Dask(dask_address, jobs, shared_files)
    else:
        batches = (
            _batches(items, files=CHUNK_FILES, size=CHUNK_BYTES, grown=GROWN_CHUNK_FILES)
            if jobs > 1
            else _batches(items, files=CHUNK_FILES, size=SERIAL_CHUNK_BYTES)
        )
        backend = _UntilWorthAPool(jobs, heap) if jobs > 1 else _Serial()
    work: Work | None = None
    if render is not None:
        if render not in ("json", "jsonl"):
            raise UsageError(f"unknown output form {render!r}: expected json or jsonl")
        work = (render, store is not None and hasattr(store, "get_entries"))
    return _run(batches, backend, store, progress, work, dedupe)


@mutable_record
class _Tally:
    """The counts a progress callback is given."""

    files: int = 0
    documents: int = 0
    cached: int = 0


@mutable_record
class _Run:
    """What every step of one execute() run reads: where the work goes, the store, the counts
    and their callback, the large files' private copies, and the output form (Work)."""

    backend: _Backend
    store: ResultStore | None
    progress: ProgressCallback | None
    work: Work | None
    tally: _Tally = dataclass_field(default_factory=_Tally)
    copies: _Copies = dataclass_field(default_factory=lambda: _Copies())
    # dedupe: each file's sha256 -> the first path with those bytes (spill.SpillMap, flat past
    # 2,048 files), and the sha256s of the RawFiles sent (known before their work is).
    contents: Any = None
    sent: set[str] = dataclass_field(default_factory=set)


def _run(
    batches: Iterable[list[Item]],
    backend: _Backend,
    store: ResultStore | None,
    progress: ProgressCallback | None,
    work: Work | None = None,
    dedupe: bool = False,
) -> Iterator[tuple[Document, Any]]:
    queue: deque[_Pending] = deque()
    run = _Run(backend, store, progress, work)
    if dedupe:
        from imatinib_cli.spill import SpillMap

        run.contents = SpillMap()
    finished = False
    try:
        for batch in batches:
            queue.append(_submit(batch, run))
            del batch  # the pending holds it; not kept while the walk reads the next batch's files
            while len(queue) > backend.in_flight:
                yield from _finish(queue.popleft(), run)
        while queue:
            yield from _finish(queue.popleft(), run)
        finished = True
    finally:
        try:
            backend.close(abort=not finished)
        finally:
            run.copies.close()
            if run.contents is not None:
                run.contents.close()


def _submit(batch: list[Item], run: _Run) -> _Pending:
    """Look the batch's files up in the store and send the rest to the backend. A KnownFile (its
    sha256 from the stat index, unread) is read here only when the store does not hold it; one that
    cannot be read now takes its place in the batch as the Document saying why."""
    backend, store, work = run.backend, run.store, run.work
    positions = [index for index, item in enumerate(batch) if not isinstance(item, Document)]
    splits: dict[int, _Split] = {}
    dupes: set[int] = set()
    if run.contents is not None:  # a RawFile's bytes were read: a twin of one sent is not sent
        for index in positions:
            raw = batch[index]
            if type(raw) is RawFile and raw.data:
                if raw.sha256 in run.sent:
                    dupes.add(index)
                else:
                    run.sent.add(raw.sha256)
        if dupes:
            positions = [index for index in positions if index not in dupes]
    if backend.splits:
        for index in positions:
            raw: RawFile | KnownFile = batch[index]  # type: ignore[assignment]
            if parts_of(_size(raw)) > 1:
                split = _submit_parts(raw, run)
                if isinstance(split, Document):
                    batch[index] = split
                else:
                    splits[index] = split
        positions = [
            index for index in positions if index not in splits and not isinstance(batch[index], Document)
        ]
    files: list[RawFile | KnownFile] = [batch[index] for index in positions]  # type: ignore[misc]
    found = (
        {} if store is None else _stored(store, [(raw.sha256, raw.path, raw.sha256) for raw in files], work)
    )  # type: ignore[union-attr]
    results = {index: found[at] for at, index in enumerate(positions) if at in found}
    misses = []
    reads = backend.reads
    for index in positions:
        if index in results:
            continue
        item = batch[index]
        if type(item) is KnownFile:
            batch[index] = item = (
                UnreadFile(item.path, item.source, item.size, item.limit) if reads else read_later(item)
            )
        if type(item) is RawFile or type(item) is UnreadFile:
            misses.append(index)
    chunk = [batch[index] for index in misses]
    handle = backend.submit(chunk, work) if chunk else None  # type: ignore[arg-type]
    return _Pending(batch, results, misses, handle, splits, dupes)


def _submit_parts(raw: RawFile | KnownFile, run: _Run) -> _Split | Document:
    """A large file as parts, one chunk each so the workers share them; parts in the store are
    not sent, and the private copy is written only when some part is (a KnownFile is read then)."""
    backend, store, work = run.backend, run.store, run.work
    count = parts_of(_size(raw))
    keys = [part_key(raw.sha256, part, count) for part in range(count)]
    results = _stored(store, [(key, raw.path, raw.sha256) for key in keys], work)
    if len(results) < count and type(raw) is KnownFile:
        loaded = read_later(raw)
        if type(loaded) is not RawFile:
            return loaded  # type: ignore[return-value]
        if loaded.sha256 != raw.sha256 or parts_of(len(loaded.data)) != count:  # changed since its stat
            return _submit_parts(loaded, run)  # type: ignore[arg-type]
        raw = loaded  # type: ignore[assignment]
    handles: dict[int, Any] = {}
    copy = run.copies.write(raw.data) if len(results) < count else None  # type: ignore[union-attr]
    for part in range(count):
        if copy is not None and part not in results:
            item = FilePart(raw.path, raw.sha256, copy, part, count)
            handles[part] = backend.submit([item], work)  # type: ignore[list-item]
    return _Split(keys, copy, results, handles, raw.path, raw.sha256)


def _stored(
    store: ResultStore | None, wanted: list[tuple[str, str, str]], work: Work | None
) -> dict[int, Any]:
    """The store's results for these (key, path, sha256), by position, each moved to its path:
    FileResults, or with work LeanResults (from an entry's head where it serves, else made here
    from the whole entry, read again with its body)."""
    if store is None or not wanted:
        return {}
    keys = [key for key, _, _ in wanted]
    get_entries = getattr(store, "get_entries", None) if work is not None else None
    hits = get_entries(keys) if get_entries is not None else store.get_many(keys)
    found: dict[int, Any] = {}
    whole: list[int] = []  # entries whose head does not serve (found under another path)
    for at, (key, path, sha256) in enumerate(wanted):
        hit = hits.get(key)
        if hit is None:
            continue
        if get_entries is not None:
            try:
                lean = lean_from_entry(hit, path, sha256, key, store)
            except Exception:  # noqa: BLE001 - a damaged entry is a miss, as ExtractionCache.get_many's
                _log.debug("cache entry %s not usable", key, exc_info=True)
                continue
            if lean is None:
                whole.append(at)
            else:
                found[at] = lean
            continue
        if isinstance(hit, FileResult):
            moved = relocate(hit, path)
            found[at] = moved if work is None else made_lean(moved, form=None)
    if whole:
        results = store.get_many([wanted[at][0] for at in whole])
        for at in whole:
            hit = results.get(wanted[at][0])
            if isinstance(hit, FileResult):
                found[at] = made_lean(relocate(hit, wanted[at][1]), form=None)
    return found


def _stored_away(
    store: ResultStore | None, key: str, result: Any, work: Work | None
) -> list[tuple[str, Any]]:
    """What to give the store for a computed result: the FileResult, or a LeanResult's entry."""
    if store is None or result.crashed or not result.sha256:  # no sha256: a worker could not read it
        return []
    if work is None:
        return [(key, result)]
    return [] if result.entry is None else [(key, result.entry)]


def _outputs(result: Any) -> Iterator[tuple[Document, Any]]:
    if isinstance(result, LeanResult):
        return zip(result.documents, result.items, strict=True)
    return zip(result.documents, result.findings, strict=True)


def _finish(pending: _Pending, run: _Run) -> Iterator[tuple[Document, Any]]:
    """The batch's outputs in order, each computed file's as it is taken from its chunk (_computed),
    and what was computed given to the store once the whole chunk has been taken."""
    backend, store, tally, progress, work = run.backend, run.store, run.tally, run.progress, run.work
    results = pending.results
    computed: Iterator[Any] = iter(())
    if pending.handle is not None:
        computed = _computed(backend, pending.handle, store)
        pending.handle = None
    misses = set(pending.misses)
    # Misses that were duplicates by content or could not be read (dedupe): Documents, as the
    # walk's, not files read (render/progress.py counts only those).
    twins = 0
    stored: list[tuple[str, Any]] = []
    for index, item in enumerate(pending.items):
        if isinstance(item, Document):
            tally.documents += 1
            yield item, None
        elif index in pending.splits:
            yield from _finish_parts(pending.splits[index], run)
        elif index in pending.dupes:
            tally.documents += 1
            yield _duplicate(run, item.path, item.sha256), None  # type: ignore[union-attr]
        else:
            if index in misses:
                result = next(computed)
                if run.contents is not None and (first := _claim(run, result.path, result.sha256)):
                    tally.documents += 1
                    twins += 1
                    yield duplicate(result.path, result.sha256, first), None
                    continue
                if not result.sha256:
                    twins += 1  # an UnreadFile a worker could not read: the walk's Document, no file read
                if type(result) is _Outputs:
                    for output in result.outputs:
                        tally.documents += 1
                        yield output
                    continue
                if store is not None:
                    stored.extend(_stored_away(store, result.sha256, result, work))
            else:
                result = results[index]
            tally.documents += len(result.documents)
            yield from _outputs(result)
            del result  # not held while the next file of a serial chunk is worked on
    if store is not None and misses:
        store.put_many(stored)
    tally.files += len(results) + len(misses) - twins
    tally.cached += len(results)  # the store's hits: what was computed is not in results
    if progress is not None:
        progress(ProgressUpdate(tally.files, tally.documents, tally.cached))


def _computed(backend: _Backend, handle: Any, store: ResultStore | None = None) -> Iterator[Any]:
    """A chunk's results in order: a serial chunk's each computed when it is taken (one file's held
    at a time; with nothing to store and a render form, one document's: _one_by_one), a pool's or
    a cluster's as they came back (all at once)."""
    if isinstance(backend, _UntilWorthAPool):
        backend, handle = backend.resolve(handle)
    if isinstance(backend, _Serial):
        chunk, work = handle
        if store is None and work is not None:
            return _one_by_one(chunk, work)
        return _chunk_results(chunk, work)
    return iter(backend.result(handle))


def _claim(run: _Run, path: str, sha256: str) -> str | None:
    """dedupe: the first path read with these bytes, or None when this path is that first one
    (then recorded). Taken in input order, as the walk would (an empty file is never a twin)."""
    if not sha256 or sha256 == EMPTY_SHA256:
        return None
    return run.contents.add(sha256, path)  # type: ignore[no-any-return]


def _duplicate(run: _Run, path: str, sha256: str) -> Document:
    """The Document of a file not sent because a file before it has its bytes (_Pending.dupes)."""
    first = _claim(run, path, sha256)
    if first is None:  # cannot be: the earlier file's bytes were claimed first
        raise RuntimeError(f"{path}: no earlier file with its bytes")
    return duplicate(path, sha256, first)


@record
class _Outputs:
    """One file's outputs, each made when it is taken (_one_by_one); not one is made for a file
    that turns out to be a duplicate (dedupe)."""

    outputs: Iterator[tuple[Document, Lean | None]]
    path: str = ""
    sha256: str = ""


def _one_by_one(chunk: Sequence[RawFile | FilePart | UnreadFile], work: Work) -> Iterator[Any]:
    """A serial chunk's results when nothing is stored: each file's Documents extracted and made
    lean one at a time, each handed on before the next is extracted.

    So a records file's Findings and Lean items are never all alive together (~11 KB a document:
    ~0.55 MiB for 50 PubMed records, ~11 MiB for 1,000). made_lean of a one-document result gives
    what made_lean of the whole file gives for that document (each is made from its own Findings).
    """
    for item in chunk:
        read = _read_if_unread(item)
        if type(read) is RawFile:
            yield _Outputs(_lean_outputs(read, work[0]), read.path, read.sha256)
        else:  # a file that could not be read, or a part of a large file
            yield made_lean(read if type(read) is FileResult else process_part(read), form=work[0])  # type: ignore[arg-type]


def _lean_outputs(item: RawFile, form: str) -> Iterator[tuple[Document, Lean | None]]:
    """A file's (Document without text, Lean or None) one document at a time: made_lean's of
    each document's FileResult, without the LeanResult around the one document (~1 % of a
    document when its extraction costs nothing)."""
    documents: list[Any] = _loaded("imatinib_cli.load").read_file(*item)
    for index, document in enumerate(documents):
        documents[index] = None  # its text goes once it is extracted
        result = _extracted(item.path, item.sha256, [document])
        (extracted,), (findings,) = result.documents, result.findings
        dropped = text_dropped(extracted)
        lean = None if findings is None else _lean(dropped, findings, extracted, form, False, None)[0]
        del document, result, extracted, findings
        yield dropped, lean


def _finish_parts(split: _Split, run: _Run) -> Iterator[tuple[Document, Any]]:
    """A large file's outputs part by part, as each is back: only one part's results held here."""
    backend, store, tally, progress, work = run.backend, run.store, run.tally, run.progress, run.work
    if run.contents is not None and (first := _claim(run, split.path, split.sha256)):
        # Another file with these bytes came first (changed between its stat and its read).
        for handle in split.handles.values():
            backend.result(handle)
        if split.copy is not None:
            run.copies.remove(split.copy)
        tally.documents += 1
        yield duplicate(split.path, split.sha256, first), None
        return
    for part, key in enumerate(split.keys):
        result = split.results.pop(part, None)
        if result is None:
            (result,) = backend.result(split.handles.pop(part))
            stored = _stored_away(store, key, result, work)
            if store is not None and stored:
                store.put_many(stored)
        tally.documents += len(result.documents)
        yield from _outputs(result)
        if progress is not None:
            progress(ProgressUpdate(tally.files, tally.documents, tally.cached))
    if split.copy is not None:
        run.copies.remove(split.copy)
    tally.files += 1
    tally.cached += split.copy is None
