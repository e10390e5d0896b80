"""The lean path's shortcuts (issue 12, fifth session) give what the long ways gave.

models.replace against dataclasses.replace, a one-document merge (metadata, design, adverse
events, outcomes) against the merge of several documents' code, guard's bounds check against
_within_bounds, render's one-pass population against Population.response and Population.heme.
Own sentences and values only.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from imatinib_cli import guard, resolve
from imatinib_cli.models import (
    AdverseEvent,
    Design,
    Document,
    Evidence,
    Findings,
    Flag,
    HemeResponse,
    Metadata,
    Outcome,
    Population,
    Quantity,
    ResponseCount,
    replace,
)
from imatinib_cli.render import json as render_json

_EVIDENCE = Evidence("a.txt", 0, 30, "Twelve of 40 patients responded.")


def test_replace_equals_dataclasses_replace() -> None:
    document = Document("a.txt", "0" * 64, "plain_text", "some text", Metadata(title="A title"))
    mine = replace(document, text="", sections=(), registry_results=None)
    assert mine == dataclasses.replace(document, text="", sections=(), registry_results=None)
    assert mine.text == "" and mine.metadata.title == "A title" and mine.path == "a.txt"
    assert replace(Flag(True, _EVIDENCE), value=False) == Flag(False, _EVIDENCE)
    with pytest.raises(TypeError, match="nope"):
        replace(document, nope=1)


def _findings(metadata: Metadata, design: Design) -> Findings:
    document = Document("a.txt", "0" * 64, "plain_text", "", metadata)
    return Findings(document, design, (), (), ())


@pytest.mark.parametrize(
    "metadata",
    [
        Metadata(title="Imatinib in a trial of forty patients", year=2004, authors=("Doe J",)),
        Metadata(title="", journal="J Test", pmid="123"),  # "" is not the default: merged to None
        Metadata(authors=None, doi="10.1/x"),  # type: ignore[arg-type]  # None where () is the default
        Metadata(),
    ],
)
def test_one_document_merge_equals_the_long_way(metadata: Metadata) -> None:
    design = Design(phase="II", randomized=Flag(False, _EVIDENCE), n_enrolled=Quantity(40.0, _EVIDENCE))
    findings = _findings(metadata, design)
    long_way = Metadata(
        **{
            f.name: getattr(metadata, f.name)
            for f in dataclasses.fields(Metadata)
            if getattr(metadata, f.name) not in (None, (), "")
        }
    )
    merged = resolve._merge_metadata([findings], [])
    assert merged == long_way
    assert [type(getattr(merged, f.name)) for f in dataclasses.fields(Metadata)] == [
        type(getattr(long_way, f.name)) for f in dataclasses.fields(Metadata)
    ]
    assert resolve._merge_design([findings], []) == resolve._merge_design([findings, _nothing_reported()], [])


_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, 12.0, 40.0, 100.0, 100.0000000001, -1.0, 12.5, math.inf, -math.inf, math.nan]),
)


@settings(max_examples=400, deadline=None)
@given(
    count=st.one_of(st.none(), _VALUES),
    percent=st.one_of(st.none(), _VALUES),
    bound=st.one_of(st.none(), st.sampled_from([0.0, 12.0, 40.0, 12.5])),
)
def test_within_bounds_names_its_drops_from_the_parts(
    count: float | None, percent: float | None, bound: float | None
) -> None:
    count_q = None if count is None else Quantity(count, _EVIDENCE)
    percent_q = None if percent is None else Quantity(percent, _EVIDENCE)
    warnings: list = []
    expected: list = []
    try:
        kept = guard._within_bounds(count_q, percent_q, bound, warnings, "X", ": ", "CR")
    except (ValueError, OverflowError):
        with pytest.raises((ValueError, OverflowError)):
            _old_within_bounds(count_q, percent_q, "X: CR", bound, expected)
        return
    assert kept == _old_within_bounds(count_q, percent_q, "X: CR", bound, expected)
    assert warnings == expected
    if kept == (count_q, percent_q):
        assert kept[0] is count_q and kept[1] is percent_q  # what the callers' `is` tests read


def _old_within_bounds(
    count: Quantity | None, percent: Quantity | None, name: str, bound: float | None, warnings: list
) -> tuple[Quantity | None, Quantity | None]:
    """guard._within_bounds as it was, with its message's name built by every caller."""
    if percent is not None and not 0 <= percent.value <= 100 + guard._EPSILON:
        percent = guard._drop(percent, f"{name} {percent.value:g}% is not a share of patients", warnings)
    if count is not None and (count.value < 0 or count.value != int(count.value)):
        count = guard._drop(count, f"{name} count {count.value:g} is not a number of patients", warnings)
    if count is not None and bound is not None and count.value > bound + guard._EPSILON:
        count = guard._drop(
            count, f"{name} count {count.value:g} is more than the group's {bound:g}", warnings
        )
    return count, percent


def test_half_unit_places() -> None:
    assert [guard._half_unit(p) for p in (45.0, 53.5, 7.25, 7.125)] == [0.5, 0.05, 0.005, 0.0005]


def test_population_in_one_pass_equals_the_lookups() -> None:
    cr = ResponseCount("cr", Quantity(2.0, _EVIDENCE), None, "two complete responses", _EVIDENCE)
    cr_again = ResponseCount("cr", Quantity(3.0, _EVIDENCE), None, "three complete responses", _EVIDENCE)
    pr = ResponseCount("pr", Quantity(10.0, _EVIDENCE), Quantity(25.0, _EVIDENCE), "PR", _EVIDENCE)
    heme = (
        HemeResponse("cytogenetic", "ccyr", Quantity(5.0, _EVIDENCE), None, "12 months", "CCyR", _EVIDENCE),
        HemeResponse("hematologic", "chr", Quantity(9.0, _EVIDENCE), None, None, "CHR", _EVIDENCE),
        HemeResponse("cytogenetic", "mcyr", None, Quantity(50.0, _EVIDENCE), None, "MCyR", _EVIDENCE),
    )
    population = Population(
        "all patients",
        "CML",
        "Chronic myeloid leukemia",
        "non-GIST",
        Quantity(40.0, _EVIDENCE),
        responses=(cr, pr, cr_again),
        heme_responses=heme,
    )
    shown = render_json._population(population)
    assert shown["response"]["cr"]["count"] == 2  # the first CR, as Population.response gives it
    assert shown["response"]["pr"]["percent"] == 25.0 and shown["response"]["orr"] is None
    assert [item["category"] for item in shown["cytogenetic"]] == ["ccyr", "mcyr"]
    assert [item["category"] for item in shown["hematologic"]] == ["chr"]
    assert shown["molecular"] == []
    assert list(shown)[list(shown).index("response") + 1 :][:3] == ["hematologic", "cytogenetic", "molecular"]


def _with_results(events: list[AdverseEvent], outcomes: list[Outcome]) -> Findings:
    document = Document("a.txt", "0" * 64, "plain_text", "", Metadata(title="A trial"))
    return Findings(document, Design(), (), tuple(events), tuple(outcomes))


def _nothing_reported() -> Findings:
    document = Document("b.txt", "1" * 64, "plain_text", "", Metadata(title="A trial"))
    return Findings(document, Design(), (), (), ())


_QUANTITIES = st.one_of(st.none(), st.sampled_from([12.0, 30.0, 35.0]).map(lambda v: Quantity(v, _EVIDENCE)))
_EVENTS = st.builds(
    AdverseEvent,
    term=st.sampled_from([None, "Neutrophil count decreased", "Nausea"]),
    as_written=st.sampled_from(["neutropenia", "Neutropenia", "nausea"]),
    soc=st.none(),
    percent=_QUANTITIES,
    count=_QUANTITIES,
    grade=st.sampled_from([None, "3", "3-4"]),
    evidence=st.just(_EVIDENCE),
    arm=st.sampled_from([None, "A", "B"]),
)
_OUTCOMES = st.builds(
    Outcome,
    kind=st.sampled_from(["median_pfs", "median_os", "pfs_rate"]),
    value=_QUANTITIES,
    unit=st.sampled_from([None, "months", "%"]),
    as_written=st.sampled_from(["median PFS", "median progression-free survival"]),
    evidence=st.just(_EVIDENCE),
    population=st.sampled_from([None, "GIST"]),
    timepoint=st.sampled_from([None, "2 years"]),
)


@settings(max_examples=300, deadline=None)
@given(events=st.lists(_EVENTS, max_size=8), outcomes=st.lists(_OUTCOMES, max_size=8))
def test_one_document_event_and_outcome_merges_equal_the_long_way(
    events: list[AdverseEvent], outcomes: list[Outcome]
) -> None:
    """A study of one document takes _merge_events' and _merge_outcomes' shortcut; the long way (the
    same document beside one that reports nothing) gives the same list, in the same order, with no
    warning: one document has no other to disagree with, even where it repeats a term or measure."""
    findings = _with_results(events, outcomes)
    short_warnings: list = []
    long_warnings: list = []
    long_way = [findings, _nothing_reported()]
    assert resolve._merge_events([findings], short_warnings) == resolve._merge_events(long_way, long_warnings)
    assert resolve._merge_outcomes([findings], short_warnings) == resolve._merge_outcomes(
        long_way, long_warnings
    )
    assert short_warnings == [] and long_warnings == []
    kept = resolve._merge_events([findings], [])
    assert len(
        {(e.term or e.as_written.lower(), e.grade, e.arm, e.as_written if e.count else None) for e in kept}
    ) == len(kept)


# -- sixth session: a one-document metadata check by group, warnings bounded without a Counter,
# a response _fill leaves as it is -------------------------------------------------------------

_FIELD_VALUES = st.sampled_from([None, (), "", "x", ("Doe J",), 0, False, 2004])


@st.composite
def _metadata_values(draw: st.DrawFn) -> list:
    """Each field its default or a stated value, and a few (none in about half the examples) an
    unstated value other than the default: both answers of _kept_as_is are reached."""
    values = [draw(st.sampled_from([default, "x", 2004])) for default in resolve._METADATA_DEFAULTS]
    for index in draw(st.lists(st.integers(0, len(values) - 1), max_size=2)):
        values[index] = draw(_FIELD_VALUES)
    return values


@settings(max_examples=300, deadline=None)
@given(values=_metadata_values())
def test_kept_as_is_equals_the_field_by_field_check(values: list) -> None:
    metadata = Metadata(**dict(zip(resolve._METADATA_NAMES, values, strict=True)))
    long_way = all(
        v == d or v not in (None, (), "") for v, d in zip(values, resolve._METADATA_DEFAULTS, strict=True)
    )
    event(f"kept as is: {long_way}")
    assert resolve._kept_as_is(metadata) == long_way


def test_every_metadata_default_is_none_or_empty() -> None:
    """_kept_as_is tests two groups of fields, by default: a field with another default would be missed."""
    assert set(resolve._METADATA_DEFAULTS) == {None, ()}


@pytest.mark.parametrize(
    "messages",
    [
        [],
        ["CR stated twice with different values"],
        ["CR stated twice", "CR stated twice", "CR stated twice"],
        ["PR stated twice"] * 5,
        ["x" * (guard.MAX_WARNING_CHARS + 10), "short"],
    ],
)
def test_bound_warnings_short_lists(messages: list[str]) -> None:
    from imatinib_cli.models import Warning

    warnings = [Warning(m, (_EVIDENCE,)) for m in messages]
    bounded = guard.bound_warnings(warnings)
    if len(messages) == 5:
        assert [w.message for w in bounded] == [
            "PR stated twice",
            "PR stated twice",
            "PR stated twice",
            "PR stated twice (and 2 more like this, not listed)",
        ]
    elif messages and len(messages[0]) > guard.MAX_WARNING_CHARS:
        assert len(bounded) == 2 and bounded[0].message.endswith(guard.ELLIPSIS)
        assert len(bounded[0].message) <= guard.MAX_WARNING_CHARS and bounded[1] == warnings[1]
    else:
        assert bounded == warnings and all(a is b for a, b in zip(bounded, warnings, strict=True))


def test_fill_keeps_a_response_it_does_not_change() -> None:
    n = Quantity(40.0, _EVIDENCE)
    both = ResponseCount("pr", Quantity(12.0, _EVIDENCE), Quantity(30.0, _EVIDENCE), "12 (30%)", _EVIDENCE)
    assert resolve._fill(both, n, "All", []) is both
    flagged = replace(both, derived=True)
    assert resolve._fill(flagged, n, "All", []) is flagged
    count_only = ResponseCount("cr", Quantity(4.0, _EVIDENCE), None, "4", _EVIDENCE)
    filled = resolve._fill(count_only, n, "All", [])
    assert filled.percent == Quantity(10.0, _EVIDENCE, True, "4/40") and filled.derived is True


def test_keys_name_a_title_only_with_a_bibliographic_field() -> None:
    title = "Imatinib in a Phase II trial of forty patients"
    assert resolve._keys(Metadata(title=title)) == []
    assert resolve._keys(Metadata(title=title, year=2004)) == [
        "title:imatinib in a phase ii trial of forty patients"
    ]
    assert resolve._keys(Metadata(title="Too short", year=2004, pmid="1")) == ["pmid:1"]


@settings(max_examples=400, deadline=None)
@given(title=st.one_of(st.text(), st.text(alphabet="aZ9 -:_\u017f\u212a\u0130\u00e9\t\n.")))
def test_normalize_title_finds_the_words_the_cut_gave(title: str) -> None:
    words = resolve._NOT_WORD.sub(" ", title.lower()).split()  # the way before: cut, then split
    assert resolve.normalize_title(title) == (" ".join(words) if len(words) >= 4 and title else None)


_ANY_QUANTITIES = st.one_of(
    st.none(),
    st.builds(
        Quantity,
        st.sampled_from([0.0, 4.0, 12.5]),
        st.just(_EVIDENCE),
        st.booleans(),
        st.sampled_from([None, "", "4/40", "10% of 40"]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(count=_ANY_QUANTITIES, percent=_ANY_QUANTITIES, derived=st.booleans())
def test_render_derived_parts_equal_the_text_helpers(
    count: Quantity | None, percent: Quantity | None, derived: bool
) -> None:
    from imatinib_cli.render import text

    response = ResponseCount("pr", count, percent, "as written", _EVIDENCE, derived=derived)
    rendered = render_json._response(response)
    assert rendered is not None
    assert rendered["derived"] is text.is_derived(response)
    assert rendered["derivation"] == text.derivation(count, percent)
    assert rendered["derived_fields"] == [
        name for name, q in (("count", count), ("percent", percent)) if q is not None and q.derived
    ]
    heme = render_json._heme(
        HemeResponse("hematologic", "chr", count, percent, None, "as written", _EVIDENCE)
    )
    assert heme["derivation"] == text.derivation(count, percent)
    assert heme["derived"] is bool(rendered["derived_fields"])
    assert text.any_derived(count, percent) is any(q is not None and q.derived for q in (count, percent))
