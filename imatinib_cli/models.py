"""Typed, immutable records passed between the pipeline stages.

Every number that reaches the output is carried with its Evidence, so a reader can check it
against the sentence it came from. Records are frozen so a stage can never edit what an earlier
stage produced; a stage that needs a changed record builds a new one with `replace` below
(dataclasses.replace, through a replacer compiled for each record).
"""

from __future__ import annotations

import copyreg
import dataclasses
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

# Document status values, shared by load and render.
STATUS_OK = "ok"
STATUS_SKIPPED = "skipped"
STATUS_ERROR = "error"

# Response categories, in display order. "orr" is objective response (CR + PR).
RESPONSE_CATEGORIES = ("cr", "pr", "sd", "pd", "ne", "orr")

GIST = "GIST"
NON_GIST = "non-GIST"

# The hematologic axis (blood diseases: CML, Ph+ ALL, HES, mastocytosis, MPN): responses that are
# not tumor responses, by axis, each axis's categories in display order (vocab/hematologic.yaml).
HEME_AXES = ("hematologic", "cytogenetic", "molecular")
HEME_CATEGORIES = {
    "hematologic": ("chr", "phr", "hr"),
    "cytogenetic": ("mcyr", "ccyr", "pcyr", "cyr"),
    "molecular": ("mmr", "mr4", "mr45", "cmr", "mr"),
}
HEME_LABELS = {
    "chr": "CHR",
    "phr": "PHR",
    "hr": "HR",
    "mcyr": "MCyR",
    "ccyr": "CCyR",
    "pcyr": "PCyR",
    "cyr": "CyR",
    "mmr": "MMR",
    "mr4": "MR4",
    "mr45": "MR4.5",
    "cmr": "CMR",
    "mr": "MolR",
}


# --------------------------------------------------------------------------- the record decorator

# Defining the 28 records with @dataclass(frozen=True, slots=True) took ~12 ms of every run's
# start-up (dataclasses writes and execs six methods per class, reads each field's annotation with
# regexes and builds each class twice). `record` builds the same classes directly, for ~1 ms:
# dataclasses.fields, replace and is_dataclass work (the fields are dataclasses' own Field
# objects); instances are frozen and slotted and compare, hash, print and pickle as before.
# __eq__, __hash__ and __repr__ are shared functions over one attrgetter of the fields (as fast as
# generated ones), and the constructor and `replaced`, the two methods generated, are compiled the
# first time they are used (the constructor also when the class is inspected): a warm
# `imx summarize` makes 17 of the 28 constructors. tests/test_startup.py
# checks each against a real dataclass.
#
# A record is built by a generated __new__, not __init__ (`_new`): a frozen record's own
# __setattr__ refuses every store, so its __init__ had to set each slot through the slot's
# descriptor (`Num.__dict__["value"].__set__(self, v)`, a C call through an argument tuple, ~550
# instructions a field); __new__ fills an instance of a mutable twin class with the same slots
# (plain `obj.value = v`, ~25 instructions a field) and then gives it the record's class
# (`obj.__class__ = cls`, allowed between classes of the same layout, ~800 instructions once):
# a six-field record costs ~3,600 instructions instead of ~5,900 (a plain slotted class ~2,400).
_C = TypeVar("_C", bound=type)
_R = TypeVar("_R")


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _Marker:
    """Holds what dataclasses gives a class and a field; read once from a class it made (cheaply:
    nothing generated), so that `record` builds the same objects without dataclasses' private names."""

    x: int = 0


_Marker = dataclass(init=False, repr=False, eq=False)(_Marker)  # type: ignore[misc]
_FIELD_KIND = _Marker.__dataclass_fields__["x"]._field_type  # type: ignore[attr-defined]
_PARAMS_CLASS = type(_Marker.__dataclass_params__)  # type: ignore[attr-defined]


def _params(frozen: bool, slots: bool) -> object:
    """dataclasses' params object of @dataclass(frozen=frozen, slots=slots), for __dataclass_params__
    (what dataclasses reads when a dataclass inherits from one). Its fields differ between Python
    versions, so they are filled by name; an unknown one leaves the class's own marker values."""
    values = {"init": True, "repr": True, "eq": True, "order": False, "unsafe_hash": False}
    values.update(frozen=frozen, match_args=True, kw_only=False, slots=slots, weakref_slot=False)
    code = _PARAMS_CLASS.__init__.__code__
    names = code.co_varnames[1 : code.co_argcount]
    if not set(names) <= values.keys():
        return _Marker.__dataclass_params__  # type: ignore[attr-defined]
    return _PARAMS_CLASS(**{name: values[name] for name in names})


_RECORD_PARAMS = _params(frozen=True, slots=True)
_MUTABLE_PARAMS = _params(frozen=False, slots=False)


class RecordClass(type):
    """The class of every record class (`record`), so that pickle writes one as
    `record_class(module, qualified name)`: a pickle names each class it holds once (a lean
    Findings holds ~12 record classes), and pickle's own way for a class (__import__ of its
    module again, its name looked up and checked: ~3,100 instructions, as much again to load) was
    ~10 % of the pickle. pickle asks copyreg.dispatch_table for the class of a class before it
    takes that way, and finds `_class_reduce` there (through `_ClassReduced`)."""


def record_class(module: str, qualname: str) -> type:
    """A record class by its module and qualified name, as a pickle of one names it (RecordClass):
    `record_class("imatinib_cli.models", "Evidence")` is models.Evidence. Like pickle's own way
    for a class, it imports a module the process has not imported yet (no worse than a pickle's
    GLOBAL, which can name any callable: only the project's own pickles are loaded, never a
    file's)."""
    found = sys.modules.get(module)
    if found is None:
        __import__(module)
        found = sys.modules[module]
    made = getattr(found, qualname)
    if type(made) is not RecordClass:
        raise TypeError(f"{module}.{qualname} is not a record class")
    return made  # type: ignore[no-any-return]


def _class_reduce(cls: RecordClass) -> tuple[Callable[[str, str], type], tuple[str, str]] | str:
    """How pickle writes a record class: by record_class where its module holds it under its
    name, else by pickle's own way (a nested or local class: named, or refused as pickle does)."""
    if getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls:
        return record_class, (cls.__module__, cls.__qualname__)
    return cls.__qualname__


class _ClassReduced(dict):  # type: ignore[type-arg]
    """_class_reduce by class, kept for each class its module holds under its name: pickle calls
    dispatch_table's entry for every class a pickle holds (~12 a lean Findings), and this dict's
    `__getitem__` answers a class seen before in C, where a Python call of _class_reduce cost ~2,200
    instructions (~9 % of the pickle). A class first seen (or one kept out: named by pickle's own
    way, or refused) is asked of _class_reduce."""

    def __missing__(self, cls: RecordClass) -> tuple[Callable[[str, str], type], tuple[str, str]] | str:
        reduced = _class_reduce(cls)
        if type(reduced) is tuple:
            self[cls] = reduced
        return reduced


copyreg.pickle(RecordClass, _ClassReduced().__getitem__)


def record(cls: _C) -> _C:
    """@dataclass(frozen=True, slots=True), cheaper to define. Supports what the records use:
    fields with a default or a default_factory, field(compare=False) and field(repr=False), in
    positional order; a docstring is required (a class without one would have dataclasses build it
    from inspect.signature); no base class.

    >>> Flag(True, None) == Flag(True, None), hash(Flag(True, None)) == hash((True, None))
    (True, True)
    >>> Flag(True, None)
    Flag(value=True, evidence=None)
    """
    namespace = dict(cls.__dict__)
    own = _fields(cls, namespace)
    names = tuple(item.name for item in own)
    if "replaced" in names:
        raise TypeError(f"{cls.__name__}: 'replaced' is every record's own method, not a field name")
    for name in names:
        namespace.pop(name, None)  # a default lives in its Field: the name is the slot's
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = names
    namespace["__setattr__"] = _frozen_setattr
    namespace["__delattr__"] = _frozen_delattr
    values = _getter(names)
    compared = _shared_methods(cls, namespace, own)
    namespace["__hash__"] = _hasher(cls, compared)
    namespace["__dataclass_params__"] = _RECORD_PARAMS
    namespace.pop("__init__", None)
    init = namespace["__new__"] = _Lazy(own, "__new__")
    made = RecordClass(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    init.owner = made
    if "__reduce__" not in namespace:
        made.__reduce__, made.__reduce_ex__ = _reducer(made, values)  # type: ignore[method-assign, assignment]
        made._reduce_args = property(values)  # type: ignore[attr-defined]
        copyreg.pickle(made, _REDUCED_IN_C)
    made.replaced = _Lazy(own, "replaced", made)  # type: ignore[attr-defined]
    return made  # type: ignore[return-value]


def replace(obj: _R, /, **changes: Any) -> _R:
    """dataclasses.replace for a record, ~2x cheaper: the record's own replacer (`_replacer`: each
    field's new value or the old one, set in a new instance as __new__ sets them) instead of
    dataclasses' walk over the Fields in Python and a call of the class with keywords; the same
    result, and for a name that is not a field dataclasses' own TypeError (its message names the
    record's __new__, where it named __init__ before records were built by __new__).
    The replacer is also the record's method `replaced`: resolve and guard call
    `population.replaced(n=n)` on their hot path, which spares this function's call and
    its forwarding of the keywords (~2,400 instructions a call; the same record made).

    >>> replace(Flag(True, None), value=False)
    Flag(value=False, evidence=None)
    >>> Flag(True, None).replaced(value=False)
    Flag(value=False, evidence=None)
    """
    replacer = obj.__class__.__dict__.get("replaced")
    if replacer is None:
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    try:
        return replacer(obj, **changes)  # type: ignore[no-any-return]
    except TypeError:  # only its arguments can raise it: a name that is not a field
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


def mutable_record(cls: _C) -> _C:
    """@dataclass (mutable, not slotted, unhashable, compared and printed by its fields), cheaper
    to define in the same way as `record`: for helper classes on the start-up path (execute's
    bookkeeping of one run): `@mutable_record class Tally: files: int = 0` (with a docstring)
    gives Tally(2) == Tally(2), repr "Tally(files=2)" and Tally.__hash__ None, as @dataclass does.
    """
    own = _fields(cls, cls.__dict__)
    for item in own:
        if item.default is MISSING:
            if isinstance(cls.__dict__.get(item.name), Field):
                delattr(cls, item.name)  # a default_factory's Field: dataclasses removes it too
        else:
            setattr(cls, item.name, item.default)
    methods: dict[str, Any] = {}
    _shared_methods(cls, methods, own)
    methods["__hash__"] = None
    methods["__dataclass_params__"] = _MUTABLE_PARAMS
    methods["__init__"] = _Lazy(own, "__init__", cls)
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


def _fields(cls: type, namespace: Any) -> tuple[Field[Any], ...]:
    """The class's fields as dataclasses makes them (Field objects, in annotation order), stored in
    __dataclass_fields__ of namespace; refuses what `record` does not support."""
    if not cls.__doc__ or "__post_init__" in namespace:
        raise TypeError(f"{cls.__name__}: a record needs a docstring and no __post_init__")
    if cls.__bases__ != (object,) or "__slots__" in namespace:
        raise TypeError(f"{cls.__name__}: a record has no base class and no __slots__ of its own")
    own: dict[str, Field[Any]] = {}
    defaults = False
    for name, kind in namespace.get("__annotations__", {}).items():
        if any(word in str(kind) for word in ("ClassVar", "InitVar", "KW_ONLY")):
            raise TypeError(f"{cls.__name__}.{name}: ClassVar, InitVar and KW_ONLY are not supported")
        given = namespace.get(name, MISSING)
        item = given if isinstance(given, Field) else field(default=given)
        if item.kw_only is True or not item.init or item.hash is not None:
            raise TypeError(f"{cls.__name__}.{name}: kw_only, init=False and hash are not supported")
        if item.default is not MISSING and item.default.__class__.__hash__ is None:
            raise ValueError(
                f"mutable default {type(item.default)} for field {name} is not allowed: use default_factory"
            )
        if item.default is MISSING and item.default_factory is MISSING:
            if defaults:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        else:
            defaults = True
        item.name, item.type, item._field_type, item.kw_only = name, kind, _FIELD_KIND, False  # type: ignore[attr-defined]
        own[name] = item
    if isinstance(namespace, dict):
        namespace["__dataclass_fields__"] = own
        namespace["__match_args__"] = tuple(own)
    else:
        cls.__dataclass_fields__ = own  # type: ignore[attr-defined]
        cls.__match_args__ = tuple(own)  # type: ignore[attr-defined]
    return tuple(own.values())


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an object's field values as a tuple (one attrgetter)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _shared_methods(
    cls: type, namespace: dict[str, Any], own: tuple[Field[Any], ...]
) -> Callable[[Any], tuple[Any, ...]]:
    """__eq__ and __repr__ as dataclasses generates them: over the fields with compare and with repr
    (every field unless field() says otherwise). Returns the compared values' getter (for __hash__)."""
    compared = _getter(tuple(item.name for item in own if item.compare))
    names = tuple(item.name for item in own if item.repr)
    values = _getter(names)

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, values(self), strict=True))
        return f"{self.__class__.__qualname__}({shown})"

    for method in (__eq__, __repr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        namespace[method.__name__] = method
    return compared


def _hasher(cls: type, values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    __hash__.__qualname__ = f"{cls.__qualname__}.__hash__"
    return __hash__


class _Lazy:
    """A record's generated method until it is first asked for: its __new__ (a mutable record's
    __init__) when an instance is made or the class inspected, its `replaced` when `replace`
    first calls it. Then the real one is compiled (`_BUILDERS`) and takes this one's place on the
    class (a look-up in the class's __dict__ finds the compiled one from then on)."""

    __slots__ = ("owner", "own", "name")

    def __init__(self, own: tuple[Field[Any], ...], name: str, owner: type = object) -> None:
        self.owner = owner
        self.own = own
        self.name = name

    def _made(self) -> Any:
        owner, name = self.owner, self.name
        made = owner.__dict__[name]
        if made is self:
            made = _BUILDERS[name](owner, self.own)
            setattr(owner, name, made)
        return made

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        return self._made().__get__(obj, objtype)

    def __call__(self, *args: Any, **changes: Any) -> Any:
        return self._made()(*args, **changes)


class _Factory:
    """The default of a parameter whose field has a default_factory (dataclasses does the same)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _parameters(own: tuple[Any, ...], namespace: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The fields as parameters (defaults put in namespace) and the lines that fill a
    default_factory's field whose argument was left out, as dataclasses writes them."""
    namespace["_FACTORY"] = _FACTORY
    params, body = [], []
    for item in own:
        name = item.name
        if item.default is not MISSING:
            namespace[f"_default_{name}"] = item.default
            params.append(f"{name}=_default_{name}")
        elif item.default_factory is not MISSING:
            namespace[f"_factory_{name}"] = item.default_factory
            params.append(f"{name}=_FACTORY")
            body.append(f" if {name} is _FACTORY: {name} = _factory_{name}()")
        else:
            params.append(name)
    return params, body


def _compiled(cls: type, own: tuple[Any, ...], source: str, namespace: dict[str, Any], name: str) -> Any:
    exec(source, namespace)  # noqa: S102 - our own field names, as dataclasses does
    made = namespace[name]
    made.__qualname__ = f"{cls.__qualname__}.{name}"
    made.__annotations__ = {**{item.name: item.type for item in own}, "return": None}
    return made


def _twin(cls: type) -> type:
    """A record's mutable twin: a plain class with the record's __slots__ (the same layout), made
    once, whose instances `_new` and `_replacer` fill with plain stores before giving them the
    record's class."""
    twin = cls.__dict__.get("_record_twin")
    if twin is None:
        names = cls.__dict__["__slots__"]
        twin = type(cls.__name__, (), {"__slots__": names, "__module__": cls.__module__})
        twin.__qualname__ = f"{cls.__qualname__}.<twin>"
        cls._record_twin = twin  # type: ignore[attr-defined]
    return twin  # type: ignore[no-any-return]


_OBJ = "__record_obj__"


def _filled(names: Sequence[str], values: Sequence[str]) -> list[str]:
    """The generated lines that make a twin instance and store each field's value expression."""
    return [
        f" {_OBJ} = _twin()",
        *(f" {_OBJ}.{name} = {value}" for name, value in zip(names, values, strict=True)),
    ]


def _new(cls: type, own: tuple[Any, ...]) -> Any:
    """A frozen record's __new__ (as a staticmethod): fills an instance of its twin (`_twin`) with
    plain stores, then makes it an instance of cls. A subclass of the record (none in
    imatinib_cli) is filled through the slots' descriptors instead.

    >>> Flag.__new__(Flag, True, None).__class__.__name__
    'Flag'
    """
    names = cls.__dict__["__slots__"]
    namespace: dict[str, Any] = {"_twin": _twin(cls), "_owner": cls, "_subclass": _subclass_instance}
    params, body = _parameters(own, namespace)
    body.extend(_filled(names, names))
    body.append(" if __record_cls__ is _owner:")
    body.append(f"  {_OBJ}.__class__ = __record_cls__")
    body.append(f"  return {_OBJ}")
    body.append(f" return _subclass(__record_cls__, _owner, {_OBJ})")
    source = f"def __new__({', '.join(['__record_cls__', *params])}):\n" + "\n".join(body)
    return staticmethod(_compiled(cls, own, source, namespace, "__new__"))


def _subclass_instance(cls: type, owner: type, filled: object) -> object:
    """An instance of cls, a subclass of the record owner (which may have a __dict__, so another
    layout than the twin's), with the values of filled set through the record's slot descriptors."""
    made = object.__new__(cls)
    for name in owner.__dict__["__slots__"]:
        owner.__dict__[name].__set__(made, getattr(filled, name))
    return made


def _init(cls: type, own: tuple[Any, ...]) -> Callable[..., None]:
    """A mutable record's __init__: sets each field in the instance's __dict__."""
    namespace: dict[str, Any] = {}
    params, body = _parameters(own, namespace)
    body.extend(f" self.{item.name} = {item.name}" for item in own)
    source = f"def __init__({', '.join(['self', *params])}):\n" + "\n".join(body or [" pass"])
    return _compiled(cls, own, source, namespace, "__init__")  # type: ignore[no-any-return]


class _Keep:
    """The default of a replacer's parameter: the field keeps its value."""


_KEEP = _Keep()


def _replacer(cls: type, own: tuple[Any, ...]) -> Callable[..., Any]:
    """`replace` for one record class: def replaced(obj, /, *, value=_KEEP, ...), which fills
    the record's twin (`_twin`) with each field's new value, else obj's, and gives it the class.
    An unknown name raises TypeError (replace then lets dataclasses.replace raise its own)."""
    namespace: dict[str, Any] = {
        "_twin": _twin(cls),
        "_owner": cls,
        "_KEEP": _KEEP,
        "_subclass": _subclass_instance,
    }
    old = "__record_old__"
    names = [item.name for item in own]
    params = ", ".join(f"{name}=_KEEP" for name in names)
    body = _filled(names, [f"{old}.{name} if {name} is _KEEP else {name}" for name in names])
    # a subclass's instance stays of its class, as `__new__` makes it
    body.append(f" if {old}.__class__ is _owner:")
    body.append(f"  {_OBJ}.__class__ = _owner")
    body.append(f"  return {_OBJ}")
    body.append(f" return _subclass({old}.__class__, _owner, {_OBJ})")
    star = f", *, {params}" if params else ""
    exec(f"def replaced({old}, /{star}):\n" + "\n".join(body), namespace)  # noqa: S102 - our own field names
    made = namespace["replaced"]
    made.__qualname__ = f"{cls.__qualname__}.replaced"
    return made  # type: ignore[no-any-return]


# What `_Lazy` compiles, by the name it stands in for.
_BUILDERS: dict[str, Callable[[type, tuple[Any, ...]], Any]] = {
    "__new__": _new,
    "__init__": _init,
    "replaced": _replacer,
}


# How pickle (and copy) reduce a record of a record class exactly: (its class, its field values), the
# value its __reduce_ex__ gives, read in C: an attrgetter of the class and of `_reduce_args`, a
# property whose getter is the class's attrgetter of its fields. pickle asks copyreg.dispatch_table
# for an object's exact type before __reduce_ex__, so no Python frame is entered a record (~36 a
# lean Findings: its pickle ~10 % faster, the bytes the same). A subclass's instance (none in
# imatinib_cli) is not in the table: its __reduce_ex__ gives the same value.
_REDUCED_IN_C = attrgetter("__class__", "_reduce_args")


def _reducer(
    cls: type, values: Callable[[Any], tuple[Any, ...]]
) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """A record pickles as (class, field values) and is rebuilt by its own __new__: ~1.5x faster
    both ways than the default (a frozen slotted dataclass's __setstate__ calls
    dataclasses.fields() for every object). Results cross process boundaries (--jobs workers, Dask)
    and go into the --jsonl spill store as pickles (the extraction cache stores JSON instead:
    imatinib_cli/codec.py). pickle and copy ask copyreg.dispatch_table first, where `record`
    puts _REDUCED_IN_C for the class itself (the same value, read in C); these serve a subclass's
    instance, and __reduce_ex__ given directly (the same value for every protocol) spares
    object.__reduce_ex__'s two look-ups of __reduce__ a record."""

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return (cls, values(self))

    def __reduce_ex__(self: Any, protocol: int) -> tuple[type, tuple[Any, ...]]:
        return (cls, values(self))

    __reduce__.__qualname__ = f"{cls.__qualname__}.__reduce__"
    __reduce_ex__.__qualname__ = f"{cls.__qualname__}.__reduce_ex__"
    return __reduce__, __reduce_ex__


@record
class Evidence:
    """Where a value was read: offsets into Document.text and the sentence quoted."""

    document: str
    start: int
    end: int
    quote: str
    # For a structured value (registry JSON/XML): where it sits, e.g.
    # "resultsSection.adverseEventsModule.seriousEvents[3].stats[0].numAffected". start/end then
    # index the value in Document.text when the reader could place it, else they are 0.
    path: str | None = None


@record
class Section:
    """A named region of Document.text (offsets into it).

    kind tells extract what to do with it: "title", "abstract", "body", "results",
    "registry" (structured registry fields), "eligibility" (inclusion/exclusion criteria:
    numbers there are thresholds, never results) or "boilerplate" (ignored).
    """

    kind: str
    start: int
    end: int
    label: str = ""


@record
class Metadata:
    """Bibliographic and registry facts the document states about itself."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    nct_id: str | None = None
    registry_status: str | None = None
    enrollment: int | None = None
    phase: str | None = None
    language: str | None = None
    publication_types: tuple[str, ...] = ()
    # Registry-only facts, as written (e.g. "Single Group Assignment", "None (Open Label)").
    allocation: str | None = None
    masking: str | None = None
    results_posted: bool | None = None
    # PMIDs of the publications a registry record lists as reporting its results (not background
    # references), and other identifiers of the same trial (NCT aliases, sponsor numbers):
    # publications and registry records are linked through them.
    reference_pmids: tuple[str, ...] = ()
    other_ids: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()


@record
class RegistryGroup:
    """An arm or group of a registry record's posted results."""

    id: str
    title: str
    description: str | None
    n: int | None  # participants analyzed or starting
    evidence: Evidence | None = None


@record
class RegistryMeasure:
    """One stated number of a registry outcome measure (or participant flow), for one group."""

    outcome: str
    kind: str  # "primary", "secondary", "other", "flow"
    param_type: str | None  # e.g. "COUNT_OF_PARTICIPANTS", "NUMBER", "MEDIAN"
    unit: str | None
    category: str | None  # class or category title ("Complete Response", "STARTED")
    group_id: str
    value: float | None
    denominator: int | None  # participants analyzed in that group, where stated
    evidence: Evidence


@record
class RegistryAdverseEvent:
    """One adverse event row of a registry record's results: its term, group and counts."""

    term: str
    organ_system: str | None
    group_id: str
    affected: int | None
    at_risk: int | None
    serious: bool
    evidence: Evidence


@record
class RegistryResults:
    """Posted results of a registry record, as the registry states them (never parsed from prose)."""

    groups: tuple[RegistryGroup, ...] = ()
    measures: tuple[RegistryMeasure, ...] = ()
    adverse_events: tuple[RegistryAdverseEvent, ...] = ()


@record
class Document:
    """One readable record from one input file (a file may yield several)."""

    path: str
    sha256: str
    format: str
    text: str
    metadata: Metadata = field(default_factory=Metadata)
    sections: tuple[Section, ...] = ()
    status: str = STATUS_OK
    reason: str | None = None
    # Index of the record inside its file, for files that hold several records.
    record: int = 0
    registry_results: RegistryResults | None = None


@record
class Quantity:
    """A stated or derived number. derivation says how a derived one was computed."""

    value: float
    evidence: Evidence | None
    derived: bool = False
    derivation: str | None = None


@record
class Flag:
    """A stated yes/no design property (randomized, open-label, ...)."""

    value: bool
    evidence: Evidence


@record
class Design:
    """What a document says of the trial's design: phase, randomization, arms, enrollment."""

    phase: str | None = None
    phase_evidence: Evidence | None = None
    randomized: Flag | None = None
    single_arm: Flag | None = None
    open_label: Flag | None = None
    multicenter: Flag | None = None
    n_enrolled: Quantity | None = None


@record
class TumorMention:
    """A tumor type named in the text, normalized through the tumor vocabulary."""

    code: str
    name: str
    group: str  # GIST or NON_GIST
    as_written: str
    evidence: Evidence


@record
class Dose:
    """A daily dose. mg_per_day is None for body-surface doses (mg/m2) that cannot be converted."""

    mg_per_day: float | None
    as_written: str
    schedule: str | None
    evidence: Evidence
    unit: str = "mg"


@record
class ResponseCount:
    """One response category for one population: a count, a percent, or both."""

    category: str  # one of RESPONSE_CATEGORIES
    count: Quantity | None
    percent: Quantity | None
    as_written: str
    evidence: Evidence | None
    derived: bool = False


@record
class HemeResponse:
    """A hematologic, cytogenetic or molecular response of a blood disease ("CCyR at 12 months in
    37%"): not a tumor response, so never counted as CR or ORR."""

    axis: str  # one of HEME_AXES
    category: str  # e.g. "chr", "mcyr", "ccyr", "mmr" (HEME_CATEGORIES)
    count: Quantity | None
    percent: Quantity | None
    timepoint: str | None  # as written: "at 12 months", "by 24 months", "by the end of course 2"
    as_written: str
    evidence: Evidence | None


@record
class Population:
    """A group of patients the study reports on separately (a cohort, an arm, a tumor type)."""

    label: str
    tumor_type: str | None  # vocabulary code
    tumor_name: str | None
    tumor_group: str | None  # GIST or NON_GIST
    n: Quantity | None
    doses: tuple[Dose, ...] = ()
    responses: tuple[ResponseCount, ...] = ()
    # True when several randomized arms are reported together (e.g. 400 or 600 mg/day).
    pooled_arms: bool = False
    evidence: Evidence | None = None
    # The population's stated share of the study total ("78.5% solid tumors"), from which
    # resolve derives n once the total is known.
    n_share: Quantity | None = None
    # Patients evaluable for response, when stated apart from N ("50 were evaluable").
    n_evaluable: Quantity | None = None
    # The randomized arm or named group this population is ("once-daily group", "arm B").
    arm: str | None = None
    # A second response criterion measured on the same patients ("Choi", "PET"): these values are
    # kept apart from the conventional ones (RECIST, MRI), which the population without it holds.
    criterion: str | None = None
    # Hematologic, cytogenetic and molecular responses (blood diseases only), in reading order.
    heme_responses: tuple[HemeResponse, ...] = ()

    def heme(self, axis: str) -> tuple[HemeResponse, ...]:
        """This population's responses on one axis ("cytogenetic": MCyR, CCyR, ...)."""
        return tuple(item for item in self.heme_responses if item.axis == axis)

    def first_responses(self) -> dict[str, ResponseCount]:
        """The response of each category stated, the first where one is stated twice (what
        `response` gives, for every category in one pass)."""
        first: dict[str, ResponseCount] = {}
        for item in self.responses:
            first.setdefault(item.category, item)
        return first

    def response(self, category: str) -> ResponseCount | None:
        for item in self.responses:
            if item.category == category:
                return item
        return None


@record
class AdverseEvent:
    """One adverse event a document reports: its CTCAE term, grade, and percent or count."""

    term: str | None  # CTCAE v5 term, None when not in the vocabulary
    as_written: str
    soc: str | None
    percent: Quantity | None
    count: Quantity | None
    grade: str | None
    evidence: Evidence
    approximate: bool = False
    # The arm a per-arm value belongs to: its name as written ("imatinib group", "B"), else its
    # place in a comparison the sentence does not label ("1", "2" for "(90% vs 39%)").
    arm: str | None = None


@record
class Outcome:
    """Another reported result: pfs_rate, median_ttp, median_pfs, median_os, os_rate,
    early_resistance, mutation, median_duration_of_response."""

    kind: str
    value: Quantity | None
    unit: str | None
    as_written: str
    evidence: Evidence
    population: str | None = None  # Population.label it belongs to, if any
    timepoint: str | None = None
    gene: str | None = None
    variant: str | None = None
    denominator: Quantity | None = None


@record
class Warning:
    """What extract did not read, or did not trust, in a document, with the sentences concerned."""

    message: str
    evidence: tuple[Evidence, ...] = ()


@record
class Findings:
    """Everything extract read from one Document."""

    document: Document
    design: Design
    populations: tuple[Population, ...]
    adverse_events: tuple[AdverseEvent, ...]
    outcomes: tuple[Outcome, ...]
    tumor_mentions: tuple[TumorMention, ...] = ()
    warnings: tuple[Warning, ...] = ()
    # The document counts ineligible patients ("15 were found to be ineligible or not evaluable"):
    # then N minus the evaluable mixes the two, and resolve derives no NE from it.
    counts_ineligible: bool = False


@record
class Study:
    """One trial, merged from every document about it."""

    id: str
    title: str | None
    metadata: Metadata
    sources: tuple[str, ...]
    design: Design
    populations: tuple[Population, ...]
    adverse_events: tuple[AdverseEvent, ...]
    outcomes: tuple[Outcome, ...]
    warnings: tuple[Warning, ...] = ()

    @property
    def has_results(self) -> bool:
        return any(p.responses for p in self.populations)


@record
class ComparisonRow:
    """One line of a comparison: a tumor group's (or a subtotal's) patients and responders."""

    tumor_group: str
    tumor_type: str | None
    tumor_name: str | None
    doses_mg_per_day: tuple[float, ...]
    studies: tuple[str, ...]
    n: int
    responders: int
    kind: str = "row"  # "row", "subtotal" or "total"
    pooled_arms: bool = False
    # What the row is, for the study view ("PMID:12181401 / advanced GIST") and plots.
    label: str = ""
    # Confidence interval of responders / n, in percent (method and level on the Comparison).
    ci_low: float | None = None
    ci_high: float | None = None
    # Evidence for the responders and N of a single-population row.
    evidence: tuple[Evidence, ...] = ()
    # Which of "responders" and "n" rest on a number computed from stated ones (a count from a
    # percent and N, ORR from CR + PR) in at least one population counted: 19 from "4%" and "67%"
    # of 27 gives ("responders",), shown 19* as summarize shows it.
    derived: tuple[str, ...] = ()

    @property
    def orr_percent(self) -> float | None:
        return round(100.0 * self.responders / self.n, 1) if self.n else None


# What compare calls its two summaries of a group, everywhere they are shown: a subtotal row adds
# up the counts (98/174 = 56.3% for GIST on the seeds); a pooled estimate is the random-effects
# model of analyze.stats (59.9%).
CRUDE_LABEL = "crude (sum of counts)"
RANDOM_EFFECTS_LABEL = "random effects"


@record
class PooledEstimate:
    """A random-effects pooled response rate over the study populations of one group."""

    group: str  # e.g. "GIST", "non-GIST", "GIST / 400 mg/day"
    k: int  # study populations pooled
    events: int
    n: int
    estimate: float | None  # percent
    ci_low: float | None
    ci_high: float | None
    tau2: float | None
    i2: float | None  # percent
    q: float | None
    q_df: int
    q_p: float | None
    method: str
    note: str | None = None
    # As ComparisonRow.derived, for the summed events ("responders") and n of the pooled populations.
    derived: tuple[str, ...] = ()


@record
class SubgroupTest:
    """Test of difference between pooled groups (Cochran's Q between subgroups)."""

    groups: tuple[str, ...]
    q_between: float
    df: int
    p: float
    method: str


@record
class ToxicityRow:
    """A CTCAE term in one tumor group at one dose: the highest frequency reported, and by whom."""

    term: str
    soc: str | None
    tumor_group: str
    doses_mg_per_day: tuple[float, ...]
    max_percent: float | None
    studies: tuple[str, ...]
    reports: int
    grades: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@record
class HemeRow:
    """One hematologic, cytogenetic or molecular response of one study population, listed by
    `compare` next to (never pooled with) the tumor response rows."""

    study: str
    population: str  # the population's label
    tumor_type: str | None
    doses_mg_per_day: tuple[float, ...]
    response: HemeResponse


@record
class Comparison:
    """What `imx compare` prints: its rows, the pooled estimates and what it left out and why."""

    by: str
    rows: tuple[ComparisonRow, ...]
    # Studies listed but not counted (no results, no usable denominator), with the reason.
    excluded: tuple[tuple[str, str], ...] = ()
    pooled: tuple[PooledEstimate, ...] = ()
    subgroup_test: SubgroupTest | None = None
    toxicity_rows: tuple[ToxicityRow, ...] = ()
    ci_method: str = "exact"  # "exact" (Clopper-Pearson) or "wilson"
    level: float = 0.95
    transform: str = "logit"  # pooling transform: "logit" or "freeman-tukey"
    notes: tuple[str, ...] = ()
    # Blood diseases' hematologic, cytogenetic and molecular responses: a view of their own.
    heme_rows: tuple[HemeRow, ...] = ()


@record
class Report:
    """What pipeline.summarize returns: every input accounted for, every study found."""

    documents: tuple[Document, ...]
    studies: tuple[Study, ...]


# --------------------------------------------------------------------------- identity rules
# Shared by extract (within a document) and resolve (across the documents of a study).


def add_dose(doses: list[Dose], dose: Dose) -> None:
    """Append dose unless the list has it: the same mg/day, or for a dose without one (a body-surface
    dose) the same words."""
    if dose.mg_per_day is None and any(d.as_written == dose.as_written for d in doses):
        return
    if dose.mg_per_day is not None and any(d.mg_per_day == dose.mg_per_day for d in doses):
        return
    doses.append(dose)


def distinct_events(events: Iterable[AdverseEvent]) -> list[AdverseEvent]:
    """One entry per term, grade and arm (and, for registry events, per group as written), in
    first-seen order; a stated frequency beats a bare mention."""
    kept: dict[tuple[str | None, str | None, str | None, str | None], AdverseEvent] = {}
    for event in events:
        key = (
            event.term or event.as_written.lower(),
            event.grade,
            event.arm,
            event.as_written if event.count else None,
        )
        old = kept.get(key)
        if old is None or (old.percent is None and event.percent is not None):
            kept[key] = event  # a replaced key keeps its place in the dict
    return list(kept.values())
