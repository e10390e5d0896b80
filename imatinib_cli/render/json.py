"""JSON documents for `--json` and lines for `--jsonl`: a public, versioned interface (docs/json-schema.md).

Builders return plain dicts so a caller can post-process them; write_json and JsonlWriter are the
only printers. The shapes are fixed by imatinib_cli/schema/*.schema.json; change both together,
additively. A `--jsonl` line holds exactly the object `--json` has in its list (plus "type"), built
by the same function, so the two outputs cannot drift.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from imatinib_cli import __version__
from imatinib_cli.models import (
    HEME_AXES,
    HEME_LABELS,
    RESPONSE_CATEGORIES,
    STATUS_ERROR,
    STATUS_OK,
    STATUS_SKIPPED,
    AdverseEvent,
    Comparison,
    ComparisonRow,
    Design,
    Document,
    Dose,
    Evidence,
    Flag,
    HemeResponse,
    HemeRow,
    Outcome,
    PooledEstimate,
    Population,
    Quantity,
    Report,
    ResponseCount,
    Study,
    SubgroupTest,
    ToxicityRow,
    Warning,
)
from imatinib_cli.render import text
from imatinib_cli.safe_text import UNSAFE_BEYOND_C0

SCHEMA_VERSION = "1.1"  # summarize --json
# compare --json: 1.1 added method, row label/ci_low/ci_high/evidence, pooled, subgroup_test,
# toxicity_rows and notes (additive; every 1.0 key is kept); 1.2 hematologic_rows; 1.3 the rows'
# and pooled estimates' derived and derived_fields.
COMPARE_SCHEMA_VERSION = "1.3"
JSONL_SCHEMA_VERSION = "1.1"  # summarize --jsonl: its summary line carries it

# The discriminator of a --jsonl line; no document or study object has (or will get) a key "type".
LINE_TYPE = "type"

JSONDict = dict[str, Any]


def write_json(data: JSONDict, file: TextIO) -> None:
    """Print exactly one JSON document (and a newline) so `| jq` always works."""
    write_json_streamed(data.items(), file)


class SummaryParts(Protocol):
    """What write_summary_json reads: a Report, or pipeline.StreamedReport (studies read once)."""

    @property
    def documents(self) -> Sequence[Document]: ...

    @property
    def studies(self) -> Iterable[Study | RenderedStudy]: ...


def write_summary_json(report: SummaryParts, file: TextIO) -> None:
    """`summarize --json`, written one document and one study at a time: the same text as
    write_json(summary_json(report)), without ever holding the whole tree or text of a file of
    100,000 records (some 5 KB of JSON each). A study that comes already rendered
    (pipeline.StreamedReport of a `rendered="json"` run: RenderedStudy items) has its text written
    as it is."""
    studies = report.studies
    write_json_streamed(
        (
            ("schema_version", SCHEMA_VERSION),
            ("imx_version", __version__),
            ("documents", _Items((_document(d) for d in report.documents), batch=DOCUMENTS_BATCH)),
            ("studies", _Items(s if type(s) is RenderedStudy else _study(s) for s in studies)),  # type: ignore[arg-type]
        ),
        file,
    )


@dataclass(frozen=True, slots=True)
class RenderedStudy:
    """A study's output text, made where its document was extracted (a worker, or the run that
    filled the extraction cache) so the writing process only copies it: `text` is study_piece()'s
    (form "json") or study_line_text()'s (form "jsonl"), as str or as its UTF-8 bytes (as the
    workers give it: written to a UTF-8 stream's bytes as they are). One read from the extraction
    cache is its byte length until the spill store reads it there when the study is written
    (execute.lean_from_entry to SpillStore.groups_with_studies); the store gives bytes back, and
    the writers here take str or bytes only."""

    text: str | bytes | int
    form: str

    def __reduce__(self) -> tuple[type, tuple[str | bytes | int, str]]:
        # (class, fields): faster to load than the dataclass default, one per study a worker sends.
        return (RenderedStudy, (self.text, self.form))


def study_piece(study: Study) -> str:
    """The study's object exactly as `summarize --json` writes it in its "studies" list (indented
    by its depth, escaped for terminals), e.g. '{\n      "id": "NCT00000001", ...\n    }'."""
    return _dumps(_study(study), indent=True).replace("\n", _ITEM_NEWLINE)


def study_piece_utf8(study: Study) -> bytes:
    """study_piece(study) as UTF-8 (what workers send and the extraction cache keeps), taken from
    orjson's bytes as they are when nothing needs escaping: not decoded to be encoded again. orjson
    writes the study as the one item of a member's list (`{"": [study]}`), which puts it at its
    depth in write_json_streamed, and the piece is cut out of that: one copy, where moving each
    line of the study's own text right (bytes.replace) cost ~7 % of the piece."""
    data = _study(study)
    raw = _orjson_text({"": [data]}, indent=True)
    if raw is not None and _safe_for_terminals(raw):
        return raw[_IN_LIST_HEAD:_IN_LIST_TAIL]
    return _dumps(data, indent=True).replace("\n", _ITEM_NEWLINE).encode("utf-8", "surrogatepass")


def study_line_text(study: Study) -> str:
    """The study's `--jsonl` line without its newline: _dumps(study_line(study))."""
    return _dumps(study_line(study), indent=False)


def line_from_piece(piece: str | bytes) -> str | bytes:
    """study_line_text() of the study whose study_piece() this is, without the Study (bytes for
    bytes), e.g. b'{\n      "id": "NCT1"\n    }' -> b'{"type":"study","id":"NCT1"}'.

    A piece with no `\\u` escape (so no character was escaped for terminals: orjson would write
    each raw again, and every other escape as the piece has it) is parsed and written compactly by
    orjson, in C (~14 µs a 10 KB study; cutting the layout in Python took ~45), unless that changed
    a number: orjson reads an integer beyond 64 bits as a float, which it writes with an exponent
    `e+` (checked once, _orjson_marks_big_floats), so a line with more `+` than its piece is made
    the slow way. The slow way (a `\\u` escape, NaN, such an integer) parses the piece exactly with
    the standard library and writes it as _dumps does. A piece with a `\\ud` escape may hold two
    lone surrogates side by side ("\\ud800\\udc00"), which any parse would pair into one character:
    its layout is cut instead (_cut_layout)."""
    data = piece if type(piece) is bytes else piece.encode("utf-8", "surrogatepass")  # type: ignore[union-attr]
    if b"\\ud" in data and data[:1] == b"{":
        line = _STUDY_LINE_OPEN + _cut_layout(data)[1:]
        return line if type(piece) is bytes else line.decode("utf-8", "surrogatepass")
    if b"\\u" not in data and data[:1] == b"{" and _orjson_marks_big_floats():
        import orjson

        try:
            compact = orjson.dumps(orjson.loads(data))
        except (ValueError, TypeError):  # NaN or infinity (json's fallback wrote them), or not JSON
            compact = b""
        if len(compact) > 2 and (not _has_exponent(compact) or compact.count(b"+") == data.count(b"+")):
            line = _STUDY_LINE_OPEN + compact[1:]
            return line if type(piece) is bytes else line.decode("utf-8", "surrogatepass")
    text = _dumps({LINE_TYPE: "study", **json.loads(data)}, indent=False)
    return text.encode("utf-8", "surrogatepass") if type(piece) is bytes else text


_STUDY_LINE_OPEN = b'{"' + LINE_TYPE.encode() + b'":"study",'


def _cut_layout(data: bytes) -> bytes:
    """An indented JSON text written compactly, escapes untouched: each line's indentation dropped
    (a JSON string holds no raw newline) and a key's `": ` made `":`. A key opens its line, so only
    the `": ` right after a line's first string is a key's (a value may open with `: ` too), e.g.
    b'{\n  "a": ": b"\n}' -> b'{"a":": b"}'."""
    lines = []
    for line in data.split(b"\n"):
        line = line.lstrip(b" ")
        if line[:1] == b'"':
            end = 1
            while True:  # the string's closing quote: the first one after an even run of backslashes
                end = line.find(b'"', end)
                slashes = len(line[:end]) - len(line[:end].rstrip(b"\\"))
                if end < 0 or not slashes % 2:
                    break
                end += 1
            if end > 0 and line[end + 1 : end + 3] == b": ":
                line = line[: end + 2] + line[end + 3 :]
        lines.append(line)
    return b"".join(lines)


def _has_exponent(compact: bytes) -> bool:
    """Whether some `+` in the text follows an `e` (each `+` found by memchr: a study has 0-3,
    "CR + PR"; counting them in 10 KB twice cost ~5 µs)."""
    plus = compact.find(b"+")
    while plus > 0:
        if compact[plus - 1] == 0x65:  # "e"
            return True
        plus = compact.find(b"+", plus + 1)
    return False


_BIG_FLOATS_MARKED: list[bool] = []


def _orjson_marks_big_floats() -> bool:
    """Whether orjson is there and writes every float an integer beyond 64 bits can become (|x| >=
    2**63) with an exponent `e+`, as Python's repr does from 1e16 up (orjson 3 does: b'1e+19'):
    what line_from_piece's fast way relies on to see such a number changed. Asked once."""
    if not _BIG_FLOATS_MARKED:
        try:
            import orjson

            samples = (2.0**63, -(2.0**63), 2.0**64, 1e19, 1.5e300, -1.7976931348623157e308)
            _BIG_FLOATS_MARKED.append(all(b"e+" in orjson.dumps(x) for x in samples))
        except ImportError:
            _BIG_FLOATS_MARKED.append(False)
    return _BIG_FLOATS_MARKED[0]


class _Items:
    """A top-level list of write_json_streamed, built item by item as it is written; an item that
    is a RenderedStudy of form "json" is written as its text. batch: items (all dicts) dumped that
    many at a time (_dumps_items), for a list of many small items."""

    def __init__(self, items: Iterable[JSONDict | RenderedStudy], *, batch: int = 0) -> None:
        self.items = items
        self.batch = batch


# The `documents` list is dumped this many items at a time: one orjson call and one write for
# 128 documents (~0.35 KB each) instead of two writes and a dump each (~2.5 µs a document less).
DOCUMENTS_BATCH = 128


_ITEM_NEWLINE = "\n    "  # a list item's depth in write_json_streamed
# Where the item is in orjson's indented `{"": [item]}`: after '{\n  "": [\n    ', before '\n  ]\n}'.
_IN_LIST_HEAD, _IN_LIST_TAIL = len(b'{\n  "": [\n    '), -len(b"\n  ]\n}")


def write_json_streamed(members: Iterable[tuple[str, Any]], file: TextIO) -> None:
    """The indented JSON object of these members, each top-level list written item by item.

    The text is exactly `_dumps(dict(members), indent=True)`: every piece is dumped with the same
    encoder and moved right by its depth (JSON strings hold no raw newline, so every newline in a
    piece is indentation). Memory is one item's, not the document's.
    """
    write = _writer(file, gather=True)
    write("{")
    first = True
    for key, value in members:
        write("\n  " if first else ",\n  ")
        first = False
        write(_dumps_key(key))
        write(": ")
        items = value.items if isinstance(value, _Items) else value if isinstance(value, list) else None
        if items is None:
            write(_dumps(value, indent=True).replace("\n", "\n  "))
            continue
        opened = False
        batch = value.batch if isinstance(value, _Items) else 0
        if batch:
            for chunk in _batched(items, batch):
                write(",\n    " if opened else "[\n    ")
                opened = True
                write(_dumps_items(chunk))
            write("\n  ]" if opened else "[]")
            continue
        for item in items:
            write(",\n    " if opened else "[\n    ")
            opened = True
            if type(item) is RenderedStudy:
                write(item.text)
            else:
                write(_dumps(item, indent=True).replace("\n", _ITEM_NEWLINE))
        write("\n  ]" if opened else "[]")
    write("\n}\n" if not first else "}\n")
    write(None)  # what was gathered


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    rest = iter(items)
    while chunk := list(itertools.islice(rest, size)):
        yield chunk


def _dumps_items(items: list[JSONDict]) -> str | bytes:
    """Items of a top-level list as write_json_streamed writes them one by one, with the ",\n    "
    between them: orjson's bytes of the lot, cut out of `{"": [items]}` (each item indented at its
    depth, as study_piece_utf8 relies on), when nothing in them needs the slow way; else each item
    dumped alone (escaped for terminals, or by the standard library past 64 bits)."""
    raw = _orjson_text({"": items}, indent=True)
    if raw is not None and _safe_for_terminals(raw):
        return raw[_IN_LIST_HEAD:_IN_LIST_TAIL]
    return ",\n    ".join(_dumps(item, indent=True).replace("\n", _ITEM_NEWLINE) for item in items)


# What a gathering writer holds before it writes to the binary stream: one write of ~256 KiB
# instead of two for each study's text (~10 KB, larger than the stream's own buffer).
GATHER_BYTES = 256 * 1024


def _writer(file: TextIO, *, gather: bool = False) -> Callable[[str | bytes | None], object]:
    """A function writing text or UTF-8 bytes to file. Where file is an io.TextIOWrapper writing
    UTF-8 with no newline translation, both go to its binary stream (the text layer flushed first,
    so the order holds): a study text from a worker or the cache is written without being decoded
    and encoded again. gather: pieces are joined into writes of about GATHER_BYTES; the caller
    ends with write(None), which writes what is left (without gather, None does nothing)."""
    buffer = getattr(file, "buffer", None)
    encoding = getattr(file, "encoding", None)
    if buffer is not None and isinstance(encoding, str) and os.linesep == "\n" and _is_text_wrapper(file):
        import codecs

        try:
            utf8 = codecs.lookup(encoding).name == "utf-8"
        except LookupError:
            utf8 = False
        if utf8:
            errors = getattr(file, "errors", None) or "strict"
            file.flush()
            raw_write = buffer.write
            if gather:
                return _Gathered(raw_write, errors)

            def to_bytes(text: str | bytes | None) -> object:
                if text is None:
                    return None
                return raw_write(text if type(text) is bytes else text.encode("utf-8", errors))  # type: ignore[union-attr]

            return to_bytes
    text_write = file.write

    def to_text(text: str | bytes | None) -> object:
        if text is None:
            return None
        return text_write(text if type(text) is str else text.decode("utf-8", "surrogatepass"))  # type: ignore[union-attr]

    return to_text


class _Gathered:
    """_writer(gather=True) on a binary stream: pieces as UTF-8, written GATHER_BYTES at a time."""

    __slots__ = ("_errors", "_pieces", "_size", "_write")

    def __init__(self, write: Callable[[bytes], object], errors: str) -> None:
        self._write = write
        self._errors = errors
        self._pieces: list[bytes] = []
        self._size = 0

    def __call__(self, text: str | bytes | None) -> None:
        if text is None:
            if self._pieces:
                self._write(b"".join(self._pieces))
                self._pieces.clear()
                self._size = 0
            return
        data = text if type(text) is bytes else text.encode("utf-8", self._errors)  # type: ignore[union-attr]
        self._pieces.append(data)  # type: ignore[arg-type]
        self._size += len(data)
        if self._size >= GATHER_BYTES:
            self._write(b"".join(self._pieces))
            self._pieces.clear()
            self._size = 0


def _is_text_wrapper(file: object) -> bool:
    import io

    return isinstance(file, io.TextIOWrapper)


def _dumps_key(key: str) -> str:
    return _escape_for_terminals(json.dumps(key, ensure_ascii=False))


def _dumps(data: JSONDict, *, indent: bool) -> str:
    """JSON text for --json (indented) and --jsonl (compact), numbers spelled the same in both.

    orjson writes the text json.dumps(ensure_ascii=False) would, ~15x faster when indented (the
    standard library's indenting encoder is pure Python: a quarter of a large run); only floats
    below 1e-4 read differently (0.00001 for 1e-05, the same number). What orjson refuses (an
    integer beyond 64 bits) falls back to the standard library.
    """
    raw = _orjson_text(data, indent=indent)
    if raw is None:
        if indent:
            text = json.dumps(data, ensure_ascii=False, indent=2)
        else:
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return _escape_for_terminals(text)
    text = raw.decode()
    return text if _safe_for_terminals(raw) else _escape_for_terminals(text)


def _orjson_text(data: JSONDict, *, indent: bool) -> bytes | None:
    """orjson's UTF-8 JSON of data, or None when orjson is missing or refuses a value."""
    try:
        import orjson

        return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
    except (ImportError, TypeError):
        return None


def _safe_for_terminals(raw: bytes) -> bool:
    """Whether orjson's UTF-8 text holds none of the characters _escape_for_terminals escapes (an
    ASCII text can hold DEL alone)."""
    if raw.isascii():
        return b"\x7f" not in raw
    return _RAW_UNSAFE_UTF8.search(raw) is None


# Characters JSON may carry raw but a terminal would obey (C1 controls such as the 8-bit CSI U+009B,
# DEL, bidirectional overrides, line separators), would show as nothing (zero-width characters,
# direction marks: the invisible ones imatinib_cli.safe_text escapes) or a UTF-8 stream cannot write
# (lone surrogates). Both encoders already escape C0 (ESC is written \u001b).
_RAW_UNSAFE = re.compile(f"[{UNSAFE_BEYOND_C0}]")
# The same characters in UTF-8, but the lone surrogates (orjson refuses them): searched in orjson's
# bytes, ~2x faster than _RAW_UNSAFE in the text (~4 ns a character, ~50 µs a study); a text of
# ASCII only (str.isascii reads a flag) can hold none but DEL. tests/test_lean_render.py checks
# every code point.
_RAW_UNSAFE_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xaf]|\xef\xbb\xbf"
)


def _escape_for_terminals(text: str) -> str:
    """The JSON text with those characters as \\uXXXX escapes: the decoded strings are the same (the
    JSON keeps the real strings), but `imx ... --json` on a terminal shows them instead of obeying
    them. Outside strings JSON holds only ASCII, so every match is inside a string."""
    if (text.isascii() and "\x7f" not in text) or _RAW_UNSAFE.search(text) is None:
        return text
    return _RAW_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def summary_json(report: Report) -> JSONDict:
    """The `summarize --json` document: every input file and every study, numbers with evidence."""
    return {
        "schema_version": SCHEMA_VERSION,
        "imx_version": __version__,
        "documents": [_document(d) for d in report.documents],
        "studies": [_study(s) for s in report.studies],
    }


def document_line(document: Document) -> JSONDict:
    """A `--jsonl` document line: `{"type": "document"}` and the object of `--json`'s documents."""
    return {LINE_TYPE: "document", **_document(document)}


def study_line(study: Study) -> JSONDict:
    """A `--jsonl` study line: `{"type": "study"}` and the object of `--json`'s studies."""
    return {LINE_TYPE: "study", **_study(study)}


class JsonlWriter:
    """`summarize --jsonl`: one compact JSON object per line, written (and flushed) as each document
    and study comes, then a summary line with the counts. The summary line is always last, so a
    stream without one was cut short."""

    def __init__(self, file: TextIO) -> None:
        self._file = file
        self.documents = 0
        self.by_status: dict[str, int] = {status: 0 for status in (STATUS_OK, STATUS_SKIPPED, STATUS_ERROR)}
        self.warned = 0
        self.studies = 0
        self._raw: Callable[[str | bytes | None], object] | None = None

    def document(self, document: Document) -> None:
        self._write(document_line(document))
        self.documents += 1
        self.by_status[document.status] = self.by_status.get(document.status, 0) + 1
        if text.document_warning(document) is not None:
            self.warned += 1

    def study(self, study: Study | RenderedStudy) -> None:
        """Write a study's line; a RenderedStudy's text as it is (of form "jsonl"), or made from
        its "json" form."""
        if type(study) is RenderedStudy:
            text = study.text if study.form == "jsonl" else line_from_piece(study.text)
            self._line(text + (b"\n" if type(text) is bytes else "\n"))  # type: ignore[operator]
        else:
            self._write(study_line(study))  # type: ignore[arg-type]
        self.studies += 1

    def summary(self) -> JSONDict:
        """Write the summary line (and return it)."""
        line = {
            LINE_TYPE: "summary",
            "schema_version": JSONL_SCHEMA_VERSION,
            "imx_version": __version__,
            "documents": self.documents,
            "by_status": dict(self.by_status),
            "warned": self.warned,
            "studies": self.studies,
        }
        self._write(line)
        return line

    def _write(self, data: JSONDict) -> None:
        """data's line: orjson's bytes as they are when nothing in them needs escaping."""
        raw = _orjson_text(data, indent=False)
        if raw is not None and _safe_for_terminals(raw):
            self._line(raw + b"\n")
        else:
            self._line(_dumps(data, indent=False) + "\n")

    def _line(self, line: str | bytes) -> None:
        """Write a whole line (UTF-8 bytes to a UTF-8 stream's binary layer, _writer) and flush."""
        raw = self._raw
        if raw is None:  # made once, at the first line: _writer flushes what the text layer holds
            raw = self._raw = _writer(self._file)
        raw(line)
        self._file.flush()


def comparison_json(comparison: Comparison) -> JSONDict:
    """The `compare --json` document: rows with intervals, pooled estimates, the subgroup test,
    toxicity rows, the studies left out and the notes."""
    return {
        "schema_version": COMPARE_SCHEMA_VERSION,
        "imx_version": __version__,
        "by": comparison.by,
        "method": {
            "ci": comparison.ci_method,
            "level": comparison.level,
            "transform": comparison.transform,
            "pooling": text.pooling_method(comparison),
        },
        "rows": [_comparison_row(row) for row in comparison.rows],
        "pooled": [_pooled(p) for p in comparison.pooled],
        "subgroup_test": _subgroup_test(comparison.subgroup_test),
        "toxicity_rows": [_toxicity_row(row) for row in comparison.toxicity_rows],
        "excluded": [{"study": study, "reason": reason} for study, reason in comparison.excluded],
        "notes": list(comparison.notes),
        "hematologic_rows": [_heme_row(row) for row in comparison.heme_rows],
    }


def _heme_row(row: HemeRow) -> JSONDict:
    return {
        "study": row.study,
        "population": row.population,
        "tumor_type": row.tumor_type,
        "doses_mg_per_day": [text.whole(d) for d in row.doses_mg_per_day],
        "axis": row.response.axis,
        **_heme(row.response),
    }


def evidence_json(evidence: Evidence | None) -> JSONDict | None:
    """The one JSON form of Evidence, shared by every output that cites a source."""
    if evidence is None:
        return None
    return {
        "document": evidence.document,
        "start": evidence.start,
        "end": evidence.end,
        "quote": evidence.quote,
        "path": evidence.path,
    }


def _quantity(quantity: Quantity | None) -> JSONDict | None:
    if quantity is None:
        return None
    return {
        "value": text.whole(quantity.value),
        "derived": quantity.derived,
        "derivation": quantity.derivation,
        "evidence": evidence_json(quantity.evidence),
    }


def _flag(flag: Flag | None) -> JSONDict | None:
    return None if flag is None else {"value": flag.value, "evidence": evidence_json(flag.evidence)}


def _document(document: Document) -> JSONDict:
    return {
        "path": document.path,
        "sha256": document.sha256,
        "format": document.format,
        "status": document.status,
        "reason": document.reason,
        "record": document.record,
        "title": document.metadata.title,
    }


def _design(design: Design) -> JSONDict:
    return {
        "phase": design.phase,
        "randomized": _flag(design.randomized),
        "single_arm": _flag(design.single_arm),
        "open_label": _flag(design.open_label),
        "multicenter": _flag(design.multicenter),
        "evidence": [evidence_json(design.phase_evidence)] if design.phase_evidence else [],
    }


def _dose(dose: Dose) -> JSONDict:
    return {
        "mg_per_day": None if dose.mg_per_day is None else text.whole(dose.mg_per_day),
        "unit": dose.unit,
        "as_written": dose.as_written,
        "schedule": dose.schedule,
        "evidence": evidence_json(dose.evidence),
    }


def _response(response: ResponseCount) -> JSONDict:
    count, percent = response.count, response.percent
    derived_fields = _derived_fields(count, percent)
    return {
        "count": text.count_or_none(count),
        "percent": text.percent_or_none(percent),
        # text.is_derived(response), from the fields already found (a call to it: +0.3 % of the lean path)
        "derived": response.derived or bool(derived_fields),
        "derived_fields": derived_fields,
        "derivation": text.derivation(count, percent) if derived_fields else None,
        "as_written": response.as_written,
        "evidence": evidence_json(response.evidence),
    }


def _derived_fields(count: Quantity | None, percent: Quantity | None) -> list[str]:
    """Which of a response's count and percent are derived: [], ["count"], ["percent"] or both."""
    if count is not None and count.derived:
        return ["count", "percent"] if percent is not None and percent.derived else ["count"]
    return ["percent"] if percent is not None and percent.derived else []


def _population(population: Population) -> JSONDict:
    # One pass over its responses, not one per category and axis (Population.response, .heme): the
    # first response of a category, the heme responses of each axis in reading order.
    # Every category null, then _response for each one stated (1-2 of the 6, typically), in place:
    # the keys keep RESPONSE_CATEGORIES' order (no comprehension's frame and six look-ups).
    response: dict[str, JSONDict | None] = dict.fromkeys(RESPONSE_CATEGORIES)
    for category, stated in population.first_responses().items():
        if category in response:
            response[category] = _response(stated)
    axes: dict[str, list[JSONDict]] = {axis: [] for axis in HEME_AXES}
    for heme in population.heme_responses:
        if heme.axis in axes:
            axes[heme.axis].append(_heme(heme))
    return {
        "label": population.label,
        "tumor_type": population.tumor_type,
        "tumor_name": population.tumor_name,
        "tumor_group": population.tumor_group,
        "n": _quantity(population.n),
        "n_evaluable": _quantity(population.n_evaluable),
        "arm": population.arm,
        "criterion": population.criterion,
        "doses_mg_per_day": text.doses_mg_per_day(population),
        "doses": [_dose(d) for d in population.doses],
        "pooled_arms": population.pooled_arms,
        "response": response,
        **axes,
        "evidence": evidence_json(population.evidence),
    }


def _heme(item: HemeResponse) -> JSONDict:
    """One hematologic, cytogenetic or molecular response, in the shape of a tumor response."""
    derived_fields = _derived_fields(item.count, item.percent)
    return {
        "category": item.category,
        "label": HEME_LABELS.get(item.category, item.category),
        "count": text.count_or_none(item.count),
        "percent": text.percent_or_none(item.percent),
        "timepoint": item.timepoint,
        "derived": bool(derived_fields),
        "derived_fields": derived_fields,
        "derivation": text.derivation(item.count, item.percent) if derived_fields else None,
        "as_written": item.as_written,
        "evidence": evidence_json(item.evidence),
    }


def _toxicity(event: AdverseEvent) -> JSONDict:
    return {
        "term": event.term,
        "as_written": event.as_written,
        "soc": event.soc,
        "percent": text.percent_or_none(event.percent),
        "count": text.count_or_none(event.count),
        "grade": event.grade,
        "approximate": event.approximate,
        "derived": text.any_derived(event.percent, event.count),
        "evidence": evidence_json(event.evidence),
        "arm": event.arm,
    }


def _outcome(outcome: Outcome) -> JSONDict:
    return {
        "kind": outcome.kind,
        "value": None if outcome.value is None else text.whole(outcome.value.value),
        "unit": outcome.unit,
        "as_written": outcome.as_written,
        "population": outcome.population,
        "timepoint": outcome.timepoint,
        "gene": outcome.gene,
        "variant": outcome.variant,
        "denominator": text.count_or_none(outcome.denominator),
        "derived": text.any_derived(outcome.value, outcome.denominator),
        "evidence": evidence_json(outcome.evidence),
    }


def _warning(warning: Warning) -> JSONDict:
    return {"message": warning.message, "evidence": [evidence_json(e) for e in warning.evidence]}


def _study(study: Study) -> JSONDict:
    md = study.metadata
    return {
        "id": study.id,
        "title": study.title,
        "doi": md.doi,
        "pmid": md.pmid,
        "nct": md.nct_id,
        "year": md.year,
        "journal": md.journal,
        "volume": md.volume,
        "issue": md.issue,
        "pages": md.pages,
        "authors": list(md.authors),
        "citation": text.citation(study),
        "registry_status": md.registry_status,
        "results_posted": md.results_posted,
        "sources": list(study.sources),
        "design": _design(study.design),
        "n_enrolled": _quantity(study.design.n_enrolled),
        "populations": [_population(p) for p in study.populations],
        "toxicities": [_toxicity(e) for e in study.adverse_events],
        "outcomes": [_outcome(o) for o in study.outcomes],
        "warnings": [_warning(w) for w in study.warnings],
    }


def _comparison_row(row: ComparisonRow) -> JSONDict:
    return {
        "kind": row.kind,
        "tumor_group": row.tumor_group,
        "tumor_type": row.tumor_type,
        "tumor_name": row.tumor_name,
        "doses_mg_per_day": [text.whole(v) for v in row.doses_mg_per_day],
        "pooled_arms": row.pooled_arms,
        "studies": list(row.studies),
        "n": row.n,
        "responders": row.responders,
        "orr_percent": row.orr_percent,
        "label": row.label,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "evidence": [evidence_json(e) for e in row.evidence],
        "derived": bool(row.derived),
        "derived_fields": list(row.derived),
    }


def _pooled(pooled: PooledEstimate) -> JSONDict:
    return {
        "group": pooled.group,
        "k": pooled.k,
        "events": pooled.events,
        "n": pooled.n,
        "estimate": pooled.estimate,
        "ci_low": pooled.ci_low,
        "ci_high": pooled.ci_high,
        "tau2": pooled.tau2,
        "i2": pooled.i2,
        "q": pooled.q,
        "q_df": pooled.q_df,
        "q_p": pooled.q_p,
        "method": pooled.method,
        "note": pooled.note,
        "derived": bool(pooled.derived),
        "derived_fields": ["events" if name == "responders" else name for name in pooled.derived],
    }


def _subgroup_test(test: SubgroupTest | None) -> JSONDict | None:
    if test is None:
        return None
    return {
        "groups": list(test.groups),
        "q_between": test.q_between,
        "df": test.df,
        "p": test.p,
        "method": test.method,
    }


def _toxicity_row(row: ToxicityRow) -> JSONDict:
    return {
        "term": row.term,
        "soc": row.soc,
        "tumor_group": row.tumor_group,
        "doses_mg_per_day": [text.whole(v) for v in row.doses_mg_per_day],
        "max_percent": None if row.max_percent is None else round(float(row.max_percent), 1),
        "studies": list(row.studies),
        "reports": row.reports,
        "grades": list(row.grades),
        "evidence": [evidence_json(e) for e in row.evidence],
    }
