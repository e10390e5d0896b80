"""The data model as plain JSON, for the extraction cache: data in, data out, no code named by data.

A cache file sits on disk between runs, so whatever reads it back must not be able to run code
chosen by whoever wrote it (pickle can: a crafted pickle calls any function it names). Here an
entry is JSON (orjson) in which each record of the data model is an object with one key, the
record's tag, holding its field values in field order (the order its constructor takes them):

    Flag(True, Evidence("d.txt", 0, 4, "open"))
    -> {"strings":["d.txt","open"],"value":{"Flag":[true,{"Evidence":[0,0,4,1,null]}]}}

The tags come from an allow-list of the project's own frozen records (`ALLOWED`, below;
`models.record` classes, which `dataclasses.fields` reads); the decoder looks a tag up in that
table and calls the class with the values, so the only code it can run is those classes'
generated `__new__`s (models.py: a record is built by its `__new__` and has no `__init__` of its
own). Anything else (an unknown tag, a wrong field count, an object with two keys) raises
`DecodeError`, which the cache treats as a miss.

Values round-trip exactly: tuples are JSON arrays, str/int/float/bool/None are themselves (orjson
keeps int and float apart and writes floats in their shortest exact form), floats JSON cannot
spell (inf, nan) are `{"float": "inf"}`. Two things are written once and referred to by number,
as pickle's memo would: an Evidence's document name and quote (the most common record; a document
has dozens, quoting the same few sentences) go into `strings`, and a `Document` met again in the
same value (a FileResult holds each one twice: in `documents` and in its `Findings`) is
`{"Document#": 0}`, so its text is stored once and comes back as one shared object.
The data model holds no lists or dicts (a list inside a record would come back as a tuple);
tests/test_cache_security.py checks the round trip on real documents. A value outside the data
model at the top (a list, a dict, another class) is refused when encoding.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any

from imatinib_cli import models

__all__ = ["ALLOWED", "DecodeError", "EncodeError", "decode", "encode"]

# The records an entry may hold: the data model's, and the executor's per-file result.
# Adding a class here is the only way to make the decoder build it.
ALLOWED: tuple[type, ...] = (
    models.Evidence,
    models.Section,
    models.Metadata,
    models.RegistryGroup,
    models.RegistryMeasure,
    models.RegistryAdverseEvent,
    models.RegistryResults,
    models.Document,
    models.Quantity,
    models.Flag,
    models.Design,
    models.TumorMention,
    models.Dose,
    models.ResponseCount,
    models.HemeResponse,
    models.Population,
    models.AdverseEvent,
    models.Outcome,
    models.Warning,
    models.Findings,
)

_DOCUMENT = "Document"
_DOCUMENT_REF = "Document#"
_EVIDENCE = "Evidence"
_FLOAT = "float"


class EncodeError(TypeError):
    """A value outside the data model (a list, a dict, a class not in ALLOWED)."""


class DecodeError(ValueError):
    """Bytes that are not an entry this codec wrote: the cache counts them as a miss."""


def _classes() -> dict[str, type]:
    """Tag -> class, ALLOWED plus execute.FileResult (imported late: execute imports the readers)."""
    from imatinib_cli.execute import FileResult

    return {cls.__name__: cls for cls in (*ALLOWED, FileResult)}


class _Tables:
    """Built once per process: per class its tag, a getter of its field values, its field count
    and which fields are floats (checked for inf/nan, which JSON cannot spell)."""

    def __init__(self) -> None:
        self.by_tag = _classes()
        self.getters: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
        self.tags: dict[type, str] = {}
        self.float_fields: dict[type, tuple[int, ...]] = {}
        self.arity: dict[type, int] = {}
        for tag, cls in self.by_tag.items():
            names = tuple(item.name for item in fields(cls))
            get = attrgetter(*names)
            self.getters[cls] = get if len(names) > 1 else (lambda obj, get=get: (get(obj),))
            self.tags[cls] = tag
            self.arity[cls] = len(names)
            self.float_fields[cls] = tuple(
                index for index, item in enumerate(fields(cls)) if "float" in str(item.type)
            )


_tables: _Tables | None = None


def _get_tables() -> _Tables:
    global _tables
    if _tables is None:
        _tables = _Tables()
    return _tables


def _finite(value: Any) -> Any:
    """A float field's value, inf/nan tagged (orjson would write them as null)."""
    if type(value) is float and not math.isfinite(value):
        return {_FLOAT: repr(value)}
    if type(value) is tuple:
        return tuple(_finite(item) for item in value)
    return value


def encode(value: object) -> bytes:
    """The JSON bytes of a record of the data model, a tuple of them or a scalar.

    Raises EncodeError for anything else (and orjson's JSONEncodeError, a TypeError, for an
    integer beyond 64 bits or a string with lone surrogates): the cache then does not store it.
    """
    import orjson

    tables = _get_tables()
    getters, tags, float_fields = tables.getters, tables.tags, tables.float_fields
    documents: dict[int, int] = {}
    keep: list[object] = []  # the Documents numbered, alive until the end (their ids stay unique)
    strings: dict[str, int] = {}
    evidence_type = models.Evidence

    def text_number(text: object) -> int:
        if type(text) is not str:
            raise EncodeError(f"Evidence holds a {type(text).__name__} where text belongs")
        found = strings.get(text)
        if found is None:
            found = strings[text] = len(strings)
        return found

    def record(obj: Any) -> dict[str, Any]:
        cls = type(obj)
        if cls is evidence_type:  # the most common record; its texts repeat (one sentence, one file)
            return {
                _EVIDENCE: [text_number(obj.document), obj.start, obj.end, text_number(obj.quote), obj.path]
            }
        get = getters.get(cls)
        if get is None:
            raise EncodeError(f"{cls.__module__}.{cls.__qualname__} is not part of the cached data model")
        if cls is models.Document:
            number = documents.get(id(obj))
            if number is not None:
                return {_DOCUMENT_REF: number}
            documents[id(obj)] = len(documents)
            keep.append(obj)
        values = get(obj)
        floats = float_fields[cls]
        if floats:
            values = list(values)
            for index in floats:
                values[index] = _finite(values[index])
        return {tags[cls]: values}

    if type(value) in (float, tuple):
        value = _finite(value)
    elif type(value) in (list, dict):
        raise EncodeError(f"a {type(value).__name__} is not part of the cached data model")
    try:
        body = orjson.dumps(value, default=record, option=orjson.OPT_PASSTHROUGH_DATACLASS)
        return b'{"strings":' + orjson.dumps(list(strings)) + b',"value":' + body + b"}"
    except orjson.JSONEncodeError as exc:
        cause = exc.__cause__
        if isinstance(cause, EncodeError):
            raise cause from None
        raise


def decode(blob: bytes | str | dict[str, Any]) -> object:
    """The value `encode` wrote. Builds only ALLOWED classes (and FileResult); raises DecodeError
    for anything else, including bytes that are not JSON. A dict is encode()'s text already
    parsed, e.g. a value embedded in a larger JSON text (cache.encode_entry's head):
    decode(orjson.loads(encode(x))) == x."""
    import orjson

    tables = _get_tables()
    by_tag, arity = tables.by_tag, tables.arity
    documents: list[object] = []
    list_type, dict_type = list, dict
    nested = frozenset({list, dict})
    flat = nested.isdisjoint
    document_type, evidence_type = models.Document, models.Evidence
    strings: list[str] = []

    def text(index: object) -> str:
        if type(index) is not int or not 0 <= index < len(strings):  # type: ignore[operator]
            raise DecodeError(f"no text number {index!r}")
        return strings[index]  # type: ignore[index]

    def build(item: Any) -> Any:
        kind = type(item)
        if kind is list_type:
            if flat(map(type, item)):  # no record inside: the common case, checked in C
                return tuple(item)
            return tuple([build(element) if type(element) in nested else element for element in item])
        if kind is not dict_type:
            return item  # str, int, float, bool, None
        if len(item) != 1:
            raise DecodeError("a record must be an object with one key")
        tag, values = item.popitem()
        cls = by_tag.get(tag)
        if cls is not None:
            if type(values) is not list_type or len(values) != arity[cls]:
                raise DecodeError(f"{tag}: expected {arity[cls]} field values")
            if cls is evidence_type:
                document, start, end, quote, path = values
                return cls(text(document), start, end, text(quote), path)
            if cls is document_type:
                slot = len(documents)
                documents.append(None)
            if not flat(map(type, values)):
                values = [build(element) if type(element) in nested else element for element in values]
            built = cls(*values)
            if cls is document_type:
                documents[slot] = built
            return built
        if tag == _DOCUMENT_REF:
            if type(values) is not int or not 0 <= values < len(documents) or documents[values] is None:
                raise DecodeError("a reference to a Document not seen before")
            return documents[values]
        if tag == _FLOAT:
            if values not in ("inf", "-inf", "nan"):
                raise DecodeError(f"not a float: {values!r}")
            return float(values)
        raise DecodeError(f"unknown record type {tag!r}")

    if type(blob) is dict:  # the JSON already parsed
        data: Any = blob
    else:
        try:
            data = orjson.loads(blob)
        except orjson.JSONDecodeError as exc:
            raise DecodeError(f"not JSON: {exc}") from None
    if type(data) is not dict or data.keys() != {"strings", "value"} or type(data["strings"]) is not list:
        raise DecodeError("not an entry: expected {strings, value}")
    strings = data["strings"]
    if not {str}.issuperset(map(type, strings)):
        raise DecodeError("the text table holds something other than text")
    try:
        return build(data["value"])
    except DecodeError:
        raise
    except (TypeError, ValueError, RecursionError) as exc:  # a class refused its values
        raise DecodeError(f"{type(exc).__name__}: {exc}") from None
