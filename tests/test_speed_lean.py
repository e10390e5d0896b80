"""Records built by their generated __new__ (issue 12, seventh session) behave as the frozen,
slotted dataclasses they stand for: the same values, equality, hash, repr, pickles, copies,
replace, frozen errors and argument errors, checked against a real
@dataclass(frozen=True, slots=True) with the same fields on random values (hypothesis).
Own values only.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from record_helpers import record_body

from imatinib_cli import models
from imatinib_cli.load._text import LineStartPattern
from imatinib_cli.models import Evidence, Quantity, record, replace

_PLAIN = dataclasses.dataclass(frozen=True, slots=True)(type("Twin", (), record_body()))
Twin = _CHEAP = record(type("Twin", (), record_body()))  # a module name, for pickle
_ATOMS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
_VALUES = st.one_of(_ATOMS, st.tuples(_ATOMS, _ATOMS))


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(max_size=8),
    values=st.tuples(st.integers()),
    note=st.one_of(st.none(), st.text(max_size=5)),
    extra=st.one_of(st.just(models.MISSING), st.tuples(st.integers())),
    hidden=_VALUES,
    by_keyword=st.booleans(),
)
def test_a_record_is_built_as_the_dataclass_is(
    name: str, values: tuple[int], note: str | None, extra: Any, hidden: Any, by_keyword: bool
) -> None:
    given_values: dict[str, Any] = {"name": name, "values": values, "note": note, "hidden": hidden}
    if extra is not models.MISSING:
        given_values["extra"] = extra
    if by_keyword:
        one, other = _CHEAP(**given_values), _PLAIN(**given_values)
    else:
        args = [name, values, note, given_values.get("extra", (0,)), hidden]
        one, other = _CHEAP(*args), _PLAIN(*args)
    assert type(one) is _CHEAP and one.__class__ is _CHEAP
    assert dataclasses.astuple(one) == dataclasses.astuple(other)
    assert repr(one) == repr(other)
    assert hash(one) == hash(other)
    assert one == _CHEAP(*dataclasses.astuple(one)) and one != other
    back = pickle.loads(pickle.dumps(one))
    assert type(back) is _CHEAP and back == one and back.hidden == one.hidden
    assert copy.copy(one) == one and copy.deepcopy(one) == one
    assert (
        replace(one, note="x") == dataclasses.replace(one, note="x") == _CHEAP(name, values, "x", one.extra)
    )
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        one.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
        one.other = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del one.note  # type: ignore[misc]
    with pytest.raises(AttributeError):
        one.__dict__  # noqa: B018 - slotted: no instance dict


def test_argument_errors_as_the_dataclass_gives() -> None:
    for args, keywords in [
        ((), {}),
        (("a", (), None, (0,), None, 6), {}),
        (("a",), {"name": "b"}),
        ((), {"x": 1}),
    ]:
        with pytest.raises(TypeError) as mine:
            _CHEAP(*args, **keywords)
        with pytest.raises(TypeError) as theirs:
            _PLAIN(*args, **keywords)
        assert str(mine.value).replace("__new__", "__init__") == str(theirs.value)


def test_the_model_records_round_trip() -> None:
    evidence = Evidence("a.txt", 3, 40, "Twelve of 40 patients responded.")
    quantity = Quantity(12.0, evidence, derived=True, derivation="from 30% of 40")
    assert quantity.evidence is evidence and quantity.derivation == "from 30% of 40"
    assert pickle.loads(pickle.dumps(quantity)) == quantity
    assert repr(Quantity(1.0, None)) == "Quantity(value=1.0, evidence=None, derived=False, derivation=None)"


def test_a_subclass_of_a_record_is_filled_through_the_descriptors() -> None:
    class Marked(Evidence):
        pass

    marked = Marked("a.txt", 1, 2, "q")
    assert type(marked) is Marked and marked.quote == "q" and marked.path is None
    assert marked != Evidence("a.txt", 1, 2, "q")  # equal within a class only, as dataclasses


@settings(max_examples=60, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from(["name", "values", "note", "extra", "hidden"]), _VALUES, max_size=5
    ),
    hidden=_VALUES,
)
def test_replace_equals_dataclasses_replace_on_random_changes(changes: dict[str, Any], hidden: Any) -> None:
    one, other = _CHEAP("a", (1,), None, hidden=hidden), _PLAIN("a", (1,), None, hidden=hidden)
    mine, theirs = replace(one, **changes), dataclasses.replace(other, **changes)
    assert type(mine) is _CHEAP and mine is not one
    assert dataclasses.astuple(mine) == dataclasses.astuple(theirs) and repr(mine) == repr(theirs)
    assert mine.hidden == theirs.hidden and hash(mine) == hash(theirs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mine.name = "b"  # type: ignore[misc]


def test_replace_rejects_a_name_that_is_not_a_field_as_dataclasses_does() -> None:
    with pytest.raises(TypeError) as mine:
        replace(Evidence("a.txt", 1, 2, "q"), page=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError) as theirs:
        dataclasses.replace(Evidence("a.txt", 1, 2, "q"), page=3)
    assert str(mine.value) == str(theirs.value)


def test_a_records_replaced_method_is_replace() -> None:
    evidence = Evidence("a.txt", 1, 2, "q")
    assert evidence.replaced(quote="r") == replace(evidence, quote="r") == Evidence("a.txt", 1, 2, "r")
    assert evidence.replaced(start=5).start == 5 and evidence.start == 1


def test_replaced_keeps_a_subclass_instance_of_its_class() -> None:
    class Marked(Evidence):
        pass

    changed = Marked("a.txt", 1, 2, "q").replaced(quote="r")
    assert type(changed) is Marked and changed.quote == "r" and changed.start == 1
    assert replace(Marked("a.txt", 1, 2, "q"), quote="r") == changed


def test_a_field_named_replaced_is_refused() -> None:
    with pytest.raises(TypeError, match="'replaced' is every record's own method"):

        @record
        class Clash:
            """A record whose field would hide the method."""

            replaced: bool


_LINE_BODIES = [
    r"[ \t]*(?P<label>[A-Z][A-Z]{2,}(?:[ /&,-]{1,3}[A-Z]{2,}){0,6})\s*:\s",  # plain_text's labels
    r"(?P<w>[a-z]+):\s*",  # takes newlines: a match can end where the next line starts
    r"[ \t]*(?P<w>results|ab)[ \t]*:",
]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ABCRESULTSabrt :\n\t\u017f\u0130\u212a")), max_size=60),
    body=st.sampled_from(_LINE_BODIES),
    flags=st.sampled_from([0, re.I]),
    pos=st.integers(0, 70),
    endpos=st.one_of(st.none(), st.integers(0, 70)),
)
def test_line_start_finditer_equals_the_multiline_pattern(
    text: str, body: str, flags: int, pos: int, endpos: int | None
) -> None:
    lines = LineStartPattern(body, flags)
    mine = [(lines.line_start(m), m.end(), m.groupdict()) for m in lines.finditer(text, pos, endpos)]
    plain = re.compile("^" + body, flags | re.M)
    found = plain.finditer(text, pos) if endpos is None else plain.finditer(text, pos, endpos)
    assert mine == [(m.start(), m.end(), m.groupdict()) for m in found]
