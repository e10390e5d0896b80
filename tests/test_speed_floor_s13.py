"""What a cold run costs besides extraction (issue 12, thirteenth session): each rewrite checked
against the form it replaced.

- guard._agree works out the slack and 100 x count once, in a loop, where a generator asked
  `_half_unit` for each denominator: the same answer for any count, percent and sizes.
- guard._population reads its bound and denominators from the two sizes without comprehensions
  (and `_bound`), skips the heme comprehensions for a population without any, and
  guard.bound_warnings asks one loop (`_within_caps`) whether messages and quotes are within their
  caps: the same populations and warnings as the old forms, for random sizes and values.
- render.text.doses_mg_per_day of a population with one dose is that dose's (or none): what the
  set, sort and comprehensions give for it.
- render.text.count_or_none writes out `whole` instead of calling it: the same value and type.
- render.text.percent_or_none keeps a percent that is a whole number of tenths as it is instead of
  asking round(value, 1) (a decimal conversion and back): the same float, for any float.
- render.json._population fills its "response" object from the stated categories into
  `dict.fromkeys(RESPONSE_CATEGORIES)`, not a comprehension over the six: the same keys in the
  same order, the same values.
- resolve's one-document merge keeps a document's one population (or none) and its one outcome (or
  none) as they are, with no key made: what the keyed merge gives for them.
- resolve._zeros_when_complete finds the stated counts and their sum in one loop, not two
  comprehensions: the same zeros filled in, for random responses and sizes.
- A serial run's documents are made lean one at a time by `execute._lean` without a LeanResult
  around each (tests/test_jsonl_memory.py checks they are made_lean's of the whole file; made_lean
  calls _lean too, so tests/test_lean.py checks what _lean makes, field by field).
- _pubmed_text.find_citation asks may_be_citation's substring test written out in its loop: the
  same citation line and fields as the loop that called it, for random preambles.
- A record is reduced for pickle and copy by copyreg.dispatch_table's entry for its class
  (models._REDUCED_IN_C, read in C), not by a call of its __reduce_ex__: the same value, so the same
  pickle bytes and the same copies, for every record class of the model and for a report's records.
"""

from __future__ import annotations

import copy
import copyreg
import io
import math
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import guard, models, resolve
from imatinib_cli.load import _pubmed_text
from imatinib_cli.load._text import Line, split_lines
from imatinib_cli.models import (
    RESPONSE_CATEGORIES,
    Design,
    Document,
    Dose,
    Evidence,
    Findings,
    HemeResponse,
    Outcome,
    Population,
    Quantity,
    ResponseCount,
    Warning,
)
from imatinib_cli.render import json as render_json
from imatinib_cli.render import text as render_text

_EVIDENCE = Evidence("a.txt", 0, 10, "12 of 40 patients (30%) responded")
_values = st.one_of(
    st.floats(min_value=-5, max_value=500, allow_nan=False),
    st.sampled_from([0.0, 1.0, 12.0, 30.0, 33.3, 4.75, 100.0, 99.99, 0.001, 7.25, 53.5]),
    st.integers(min_value=0, max_value=400),
)


def _old_agree(count: Quantity, percent: Quantity, denominators: list[float]) -> bool:
    return any(
        abs(100 * count.value / d - percent.value) <= guard._half_unit(percent.value) * 2 + guard._EPSILON
        for d in denominators
    )


@settings(max_examples=600, deadline=None)
@given(_values, _values, st.lists(_values.filter(lambda v: v > 0), max_size=3))
def test_agree_as_the_generator_had_it(count: float, percent: float, denominators: list[float]) -> None:
    quantity, share = Quantity(count, _EVIDENCE, True), Quantity(percent, _EVIDENCE)
    assert guard._agree(quantity, share, denominators) == _old_agree(quantity, share, denominators)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_values, st.sampled_from([math.inf, -math.inf, math.nan, -0.0, 2.0**53 + 1])))
def test_count_or_none_is_whole_of_the_value(value: float) -> None:
    got = render_text.count_or_none(Quantity(value, None))
    expected = render_text.whole(value)
    assert type(got) is type(expected)
    assert got == expected or (math.isnan(got) and math.isnan(expected))
    assert render_text.count_or_none(None) is None


def _old_percent_or_none(quantity: Quantity | None) -> float | None:
    if quantity is None:
        return None
    value = round(float(quantity.value), 1)
    return float(quantity.value) if value == 0 and quantity.value != 0 else value


_percents = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(min_value=-1e16, max_value=1e16),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda k: k / 10),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda k: k / 100),
    st.integers(min_value=-(10**17), max_value=10**17).map(lambda k: k / 10),
    st.sampled_from([0.05, 0.04999999999999999, 0.15, 0.25, 2.675, 1e15, -1e15, 999999999999999.9, 5e-324]),
)


@settings(max_examples=2000, deadline=None)
@given(_percents)
def test_percent_or_none_as_rounding_had_it(value: float) -> None:
    got, expected = (
        render_text.percent_or_none(Quantity(value, None)),
        _old_percent_or_none(Quantity(value, None)),
    )
    assert type(got) is type(expected)
    assert got == expected or (math.isnan(got) and math.isnan(expected))
    assert math.copysign(1.0, got) == math.copysign(1.0, expected)  # -0.0 stays -0.0
    assert render_text.percent_or_none(None) is None


_categories = st.sampled_from([*RESPONSE_CATEGORIES, "other"])


@st.composite
def _quantities(draw: st.DrawFn) -> Quantity | None:
    if draw(st.booleans()):
        return None
    return Quantity(draw(_values), _EVIDENCE, draw(st.booleans()), draw(st.sampled_from([None, "30% of 40"])))


@st.composite
def _populations(draw: st.DrawFn) -> Population:
    responses = tuple(
        ResponseCount(
            category,
            draw(_quantities()),
            draw(_quantities()),
            category.upper(),
            _EVIDENCE,
            draw(st.booleans()),
        )
        for category in draw(st.lists(_categories, max_size=8))
    )
    heme = tuple(
        HemeResponse("cytogenetic", "ccyr", draw(_quantities()), draw(_quantities()), None, "CCyR", _EVIDENCE)
        for _ in range(draw(st.integers(min_value=0, max_value=2)))
    )
    n, evaluable = draw(_quantities()), draw(_quantities())
    return Population(
        "all", "GIST", "GIST", "GIST", n, responses=responses, heme_responses=heme, n_evaluable=evaluable
    )


@settings(max_examples=300, deadline=None)
@given(_populations())
def test_population_responses_as_the_comprehension_had_them(population: Population) -> None:
    responses = population.first_responses()
    old = {
        category: None if (response := responses.get(category)) is None else render_json._response(response)
        for category in RESPONSE_CATEGORIES
    }
    new = render_json._population(population)["response"]
    assert list(new.items()) == list(old.items())


def _keyed_populations(group: list[Findings]) -> list[Population]:
    merged: dict[str, Population] = {}
    for item in group:
        for population in item.populations:
            key = resolve._population_key(population)
            old = merged.get(key)
            merged[key] = population if old is None else resolve._merge_population(old, population, [])
    return list(merged.values())


def test_one_document_keeps_its_one_population_and_outcome() -> None:
    population = Population("all", "GIST", "GIST", "GIST", Quantity(40.0, _EVIDENCE))
    outcome = Outcome("os", Quantity(12.0, _EVIDENCE), "months", "12 months", _EVIDENCE)
    for populations in ((), (population,)):
        findings = Findings(Document("a.txt", "", "plain_text", ""), Design(), populations, (), (outcome,))
        kept = resolve._merge_populations([findings], [])
        assert kept == _keyed_populations([findings]) == list(populations)
        assert all(a is b for a, b in zip(kept, populations, strict=True))
    assert resolve._unique_outcomes([outcome]) == [outcome]
    assert resolve._unique_outcomes([]) == []
    # two populations of one key are still merged, as before
    twins = Findings(Document("a.txt", "", "plain_text", ""), Design(), (population, population), (), ())
    assert resolve._merge_populations([twins], []) == _keyed_populations([twins])
    assert len(resolve._merge_populations([twins], [])) == 1


def _old_pickle(value: object) -> bytes:
    """The pickle as the records' __reduce_ex__ made it: copyreg's table without their entries."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {  # type: ignore[misc]
        kind: reduce for kind, reduce in copyreg.dispatch_table.items() if reduce is not models._REDUCED_IN_C
    }
    pickler.dump(value)
    return buffer.getvalue()


def test_records_reduce_in_c_as_their_reduce_ex_did() -> None:
    from conftest import make_comparison, make_report

    classes = [kind for kind in vars(models).values() if type(kind) is models.RecordClass]
    assert len(classes) > 20
    for kind in classes:
        assert copyreg.dispatch_table[kind] is models._REDUCED_IN_C
    evidence = Evidence("a.txt", 1, 5, "quote", path="x[0]")
    assert models._REDUCED_IN_C(evidence) == evidence.__reduce_ex__(5) == evidence.__reduce__()
    for value in (make_report(), make_comparison(), _EVIDENCE, Quantity(3.0, None)):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        assert data == _old_pickle(value)
        assert pickle.loads(data) == value
        assert copy.copy(value) == value and copy.deepcopy(value) == value


@settings(max_examples=100, deadline=None)
@given(_populations())
def test_a_population_pickles_as_before(population: Population) -> None:
    data = pickle.dumps(population, pickle.HIGHEST_PROTOCOL)
    assert data == _old_pickle(population)
    assert pickle.loads(data) == population


def _old_population(population: Population, total: Quantity | None, warnings: list[Warning]) -> Population:
    """guard._population as it was before the thirteenth session."""
    sizes = [q.value for q in (population.n, population.n_evaluable) if q is not None]
    bound = max(sizes) if sizes else (total.value if total is not None else None)
    denominators = [q.value for q in (population.n_evaluable, population.n) if q is not None and q.value > 0]
    responses = {
        r.category: guard._response(r, population.label, bound, denominators, warnings)
        for r in population.responses
    }
    responses = guard._orr_at_least_parts(responses, population.label, warnings)
    responses = guard._parts_within_size(responses, population.label, bound, warnings)
    kept = tuple([r for r in responses.values() if r is not None])
    heme = tuple(
        [
            h
            for h in [guard._heme(h, population.label, bound, warnings) for h in population.heme_responses]
            if h
        ]
    )
    if kept == population.responses and heme == population.heme_responses:
        return population
    return population.replaced(responses=kept, heme_responses=heme)


@settings(max_examples=500, deadline=None)
@given(_populations(), _quantities())
def test_guard_population_as_before(population: Population, total: Quantity | None) -> None:
    warnings: list[Warning] = []
    old_warnings: list[Warning] = []
    new = guard._population(population, total, warnings)
    old = _old_population(population, total, old_warnings)
    assert new == old and warnings == old_warnings
    assert (new is population) == (old is population)


_messages = st.sampled_from(["a", "x" * 500, "x" * 501, "PR stated twice"])
_quotes = st.sampled_from(["q", "y" * 4004, "y" * 4005])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_messages, st.lists(_quotes, max_size=2)), max_size=5))
def test_within_caps_as_the_generators_had_it(items: list[tuple[str, list[str]]]) -> None:
    warnings = [
        Warning(message, tuple(Evidence("a", 0, 1, quote) for quote in quotes)) for message, quotes in items
    ]
    old = all(len(w.message) <= guard.MAX_WARNING_CHARS for w in warnings) and all(
        len(e.quote) <= guard.MAX_WARNING_QUOTE_CHARS for w in warnings for e in w.evidence
    )
    assert guard._within_caps(warnings) == old


def _old_zeros_when_complete(
    responses: dict[str, ResponseCount], denominator: Quantity | None, n: Quantity | None, by_measure: bool
) -> None:
    """resolve._zeros_when_complete as it was before the thirteenth session."""
    if denominator is None or denominator.value <= 0:
        return
    stated = [r for c, r in responses.items() if c != "orr" and r.count is not None and not r.count.derived]
    if not stated or sum([r.count.value for r in stated if r.count]) != denominator.value:
        return
    terms = " + ".join(f"{r.category.upper()} {resolve._num(r.count.value)}" for r in stated if r.count)
    how = f"{terms} = {resolve._num(denominator.value)}: no other category"
    missing = ["cr", "pr", "sd", "pd"]
    if by_measure or (n is not None and n.value == denominator.value):
        missing.append("ne")
    for category in missing:
        if category not in responses:
            zero = Quantity(0.0, stated[0].evidence, True, how)
            responses[category] = ResponseCount(category, zero, None, "", stated[0].evidence, derived=True)


_counts = st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 0.1, 0.2, 0.3, 1e16, 1.5])


@st.composite
def _stated_responses(draw: st.DrawFn) -> dict[str, ResponseCount]:
    return {
        category: ResponseCount(
            category, Quantity(draw(_counts), _EVIDENCE, draw(st.booleans())), None, category, _EVIDENCE
        )
        for category in draw(st.lists(st.sampled_from(RESPONSE_CATEGORIES), max_size=6, unique=True))
    }


@settings(max_examples=500, deadline=None)
@given(_stated_responses(), st.sampled_from([None, 0.0, 1.0, 3.0, 6.0, 10.0, 0.6, 1e16]), st.booleans())
def test_zeros_when_complete_as_before(
    responses: dict[str, ResponseCount], size: float | None, by_measure: bool
) -> None:
    denominator = None if size is None else Quantity(size, _EVIDENCE)
    old = dict(responses)
    new = dict(responses)
    _old_zeros_when_complete(old, denominator, denominator, by_measure)
    resolve._zeros_when_complete(new, denominator, denominator, by_measure)
    assert list(new.items()) == list(old.items())


def _old_doses(population: Population) -> list[int | float]:
    return [
        render_text.whole(v)
        for v in sorted({d.mg_per_day for d in population.doses if d.mg_per_day is not None})
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), _values, st.just(math.nan), st.just(400.0)), max_size=3))
def test_doses_as_the_set_and_sort_had_them(values: list[float | None]) -> None:
    """One dose takes the new shortcut; two or more take the set and sort as before, drawn too so
    that the shortcut's gate is checked on both sides."""
    doses = tuple(Dose(value, f"{value} mg", None, _EVIDENCE) for value in values)
    population = Population("all", "GIST", "GIST", "GIST", None, doses=doses)
    got, expected = render_text.doses_mg_per_day(population), _old_doses(population)
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert type(a) is type(b) and (a == b or (math.isnan(a) and math.isnan(b)))


def _old_find_citation(lines: list[Line], limit: int = _pubmed_text.PREAMBLE_LINES) -> object:
    for index, line in enumerate(lines[:limit]):
        if _pubmed_text.may_be_citation(line.text):
            fields = _pubmed_text.parse_citation(line.text)
            if fields:
                return index, fields
    return None


_PREAMBLE_PIECES = [
    "Blood. 2004 Jan;103(1):1-5.",
    ". Ann Oncol. 2001;15(6):105-112.",
    "Lancet. 2004.",
    "a; b",
    "x: y.",
    "doi: 10.1/x.",
    "Clinical Trial",
    "",
    "  ",
    "J Clin Oncol. 2002 Mar 15;20(6):1692-703. Epub",
    "N Engl J Med. 2001 Apr 5;344(14):1031-7.",
    "PMID: 123",
    "et al. Blood.",
    ";:.",
    "1. Blood. 2004;1:2",
    "Blood. 2004:103:1-5.",  # a citation with a colon and no semicolon
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PREAMBLE_PIECES), max_size=12), st.integers(min_value=0, max_value=15))
def test_find_citation_as_before(pieces: list[str], limit: int) -> None:
    lines = split_lines("\n".join(pieces))
    assert _pubmed_text.find_citation(lines, limit) == _old_find_citation(lines, limit)
    assert _pubmed_text.find_citation(lines) == _old_find_citation(lines)
