"""Sentence-level development set: tests/cases/sentences/*.yaml, one test per case.

Each file is a list of cases ``{text: ..., expect: {...}}``; a case the extractors do not handle yet
carries ``known_miss: <why>`` and runs as a strict xfail, so the list of misses stays accurate.
Only the keys stated in ``expect`` are
checked; a key left out is not checked at all. The keys:

Single population (the snippet must yield exactly one population):
  responses    {category: [count, percent]} for cr/pr/sd/pd/ne/orr. A number must equal the stated
               value; null means "not stated": absent, or present only as a derived value. A category
               mapped to null (``pr: null``) must have no entry at all.
  heme         {category: [count, percent]} or [count, percent, timepoint] for the hematologic axis
               (chr, hr, mcyr, ccyr, pcyr, cyr, mmr, mr4, mr45, cmr, mr): some response of that
               category has these values; null: no response of that category.
  n, n_evaluable, tumor_type (vocabulary code), group (GIST / non-GIST), pooled_arms

Several populations:
  populations  list of population specs. Identity keys: tumor_type, arm (case-insensitive substring
               of Population.arm), doses_mg_per_day (set equality). Each spec must be met by some
               population (all its stated keys: the identity keys and n, n_evaluable, group,
               pooled_arms, responses).

Whole document:
  n_enrolled        Design.n_enrolled (null: none)
  design            {phase, randomized, single_arm, open_label, multicenter} (null: not stated)
  doses_mg_per_day  sorted set of every population's Dose.mg_per_day (null for mg/m2)
  schedules         each listed schedule key (bid, daily, ...) is some dose's schedule
  toxicities        each listed event {term, as_written, percent, count, grade} is found (stated keys
                    only; grade "3/4" = "3-4" = "3 or 4"); an empty list: no adverse event at all
  absent_toxicities no event matching the stated keys has a count or percent above 0
  outcomes          each listed outcome {kind, value, unit, timepoint, gene, variant, denominator} is
                    found; units and time points compared singular and case-insensitive; an empty
                    list: no outcome at all
  outcomes_exact    true: no outcome besides the listed ones
  not_results       true: no population has a response value
  nothing           true: no response, adverse event, outcome, dose or enrolment number
  resolved          the same single-population / populations / n_enrolled keys, checked on the study
                    imatinib_cli.resolve builds from the findings. There a response may be
                    [count, percent, "derived"]: values as derived (percent to 0.1), and marked derived.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from extract_helpers import findings

from imatinib_cli.models import HEME_CATEGORIES, RESPONSE_CATEGORIES, Population, Quantity
from imatinib_cli.resolve import resolve

CASES = Path(__file__).parent / "cases" / "sentences"

POPULATION_KEYS = {
    "responses",
    "heme",
    "n",
    "n_evaluable",
    "tumor_type",
    "group",
    "pooled_arms",
    "arm",
    "doses_mg_per_day",
}
SINGLE_KEYS = {"responses", "heme", "n", "n_evaluable", "tumor_type", "group", "pooled_arms"}
DOCUMENT_KEYS = {
    "n_enrolled",
    "design",
    "doses_mg_per_day",
    "schedules",
    "toxicities",
    "absent_toxicities",
    "outcomes",
    "outcomes_exact",
    "not_results",
    "nothing",
    "populations",
    "resolved",
}
RESOLVED_KEYS = SINGLE_KEYS | {"populations", "n_enrolled"}
DESIGN_KEYS = {"phase", "randomized", "single_arm", "open_label", "multicenter"}
TOXICITY_KEYS = {"term", "as_written", "percent", "count", "grade"}
OUTCOME_KEYS = {"kind", "value", "unit", "timepoint", "gene", "variant", "denominator"}


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(cases, list), f"{path.name}: expected a list of cases"
        for index, case in enumerate(cases):
            marks = []
            if isinstance(case, dict) and case.get("known_miss"):
                # A phrasing the extractors do not handle yet, with the reason. strict: when a change
                # makes it pass, the test fails until the mark is removed, so the list stays true.
                marks.append(pytest.mark.xfail(reason=str(case["known_miss"]), strict=True))
            params.append(pytest.param(case, id=f"{path.name}:{index}", marks=marks))
    return params


ALL_CASES = _load()


# -- schema ------------------------------------------------------------------------------------------


def _schema_errors(case: Any) -> list[str]:
    errors: list[str] = []
    if not isinstance(case, dict) or set(case) - {"known_miss"} != {"text", "expect"}:
        return [f"a case is {{text, expect[, known_miss]}}, got {case!r}"]
    if not isinstance(case["text"], str) or not case["text"].strip():
        errors.append("text must be a non-empty string")
    expect = case["expect"]
    if not isinstance(expect, dict) or not expect:
        return errors + ["expect must be a non-empty mapping"]
    errors += [f"unknown key {k!r}" for k in set(expect) - DOCUMENT_KEYS - SINGLE_KEYS]
    errors += _responses_schema(expect.get("responses"))
    errors += _heme_schema(expect.get("heme"))
    for spec in expect.get("populations") or []:
        errors += [f"unknown population key {k!r}" for k in set(spec) - POPULATION_KEYS]
        if not set(spec) & {"tumor_type", "arm", "doses_mg_per_day"}:
            errors.append(f"population spec without identity key: {spec}")
        errors += _responses_schema(spec.get("responses"))
        errors += _heme_schema(spec.get("heme"))
    errors += [f"unknown design key {k!r}" for k in set(expect.get("design") or {}) - DESIGN_KEYS]
    for spec in (expect.get("toxicities") or []) + (expect.get("absent_toxicities") or []):
        errors += [f"unknown toxicity key {k!r}" for k in set(spec) - TOXICITY_KEYS]
        if "grade" in spec and spec["grade"] is not None and not isinstance(spec["grade"], str):
            errors.append(f"grade must be a quoted string: {spec}")
    for spec in expect.get("outcomes") or []:
        errors += [f"unknown outcome key {k!r}" for k in set(spec) - OUTCOME_KEYS]
        if "kind" not in spec:
            errors.append(f"outcome without kind: {spec}")
    resolved = expect.get("resolved") or {}
    errors += [f"unknown resolved key {k!r}" for k in set(resolved) - RESOLVED_KEYS]
    errors += _responses_schema(resolved.get("responses"), allow_derived=True)
    return errors


def _responses_schema(responses: Any, allow_derived: bool = False) -> list[str]:
    if responses is None:
        return []
    errors = []
    for category, value in responses.items():
        if category not in RESPONSE_CATEGORIES:
            errors.append(f"unknown response category {category!r}")
        if value is None:
            continue
        ok_length = len(value) == 2 or (allow_derived and len(value) == 3 and value[2] == "derived")
        if not isinstance(value, list) or not ok_length:
            errors.append(f"{category}: expected [count, percent] (or null), got {value!r}")
    return errors


def _heme_schema(heme: Any) -> list[str]:
    if heme is None:
        return []
    known = {c for categories in HEME_CATEGORIES.values() for c in categories}
    errors = [f"unknown hematologic category {c!r}" for c in heme if c not in known]
    for category, value in heme.items():
        if value is not None and (not isinstance(value, list) or len(value) not in (2, 3)):
            errors.append(f"{category}: expected [count, percent(, timepoint)], got {value!r}")
    return errors


def test_the_development_set_is_well_formed() -> None:
    problems = [f"{param.id}: {error}" for param in ALL_CASES for error in _schema_errors(param.values[0])]
    assert not problems, "\n".join(problems)
    assert len(ALL_CASES) >= 170


# -- comparisons -------------------------------------------------------------------------------------


def _same(actual: float | None, expected: float | None, tolerance: float = 1e-6) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return math.isclose(float(actual), float(expected), abs_tol=tolerance)


def _num(value: Any) -> Any:
    if isinstance(value, float) and value == int(value):
        return int(value)
    return value


def _q(quantity: Quantity | None) -> Any:
    if quantity is None:
        return None
    return f"{_num(quantity.value)}{'*' if quantity.derived else ''}"


def _describe_population(population: Population) -> str:
    responses = ", ".join(
        f"{r.category}=[{_q(r.count)}, {_q(r.percent)}]{'*' if r.derived else ''}"
        for r in population.responses
    )
    doses = sorted({d.mg_per_day for d in population.doses}, key=lambda v: (v is None, v))
    return (
        f"<{population.label!r} tumor={population.tumor_type} group={population.tumor_group} "
        f"n={_q(population.n)} n_eval={_q(population.n_evaluable)} arm={population.arm!r} "
        f"doses={[_num(d) for d in doses]} pooled={population.pooled_arms} responses={{{responses}}} "
        f"heme={[(h.category, _q(h.count), _q(h.percent), h.timepoint) for h in population.heme_responses]}>"
    )


def _check_quantity(
    label: str, quantity: Quantity | None, expected: Any, resolved: bool, percent: bool
) -> list[str]:
    if expected is None:
        if quantity is not None and not quantity.derived:
            return [f"{label}: expected not stated, got {_q(quantity)}"]
        return []
    tolerance = 0.051 if (resolved and percent) else 1e-6
    if quantity is None or not _same(quantity.value, expected, tolerance):
        return [f"{label}: expected {_num(expected)}, got {_q(quantity)}"]
    return []


def _check_responses(population: Population, expected: dict, resolved: bool) -> list[str]:
    errors = []
    for category, spec in expected.items():
        item = population.response(category)
        if spec is None:
            if item is not None:
                errors.append(f"{category}: expected no entry, got [{_q(item.count)}, {_q(item.percent)}]")
            continue
        if item is None:
            errors.append(f"{category}: expected {spec[:2]}, got no entry")
            continue
        errors += _check_quantity(f"{category} count", item.count, spec[0], resolved, percent=False)
        errors += _check_quantity(f"{category} percent", item.percent, spec[1], resolved, percent=True)
        if len(spec) == 3:
            derived = item.derived or any(q is not None and q.derived for q in (item.count, item.percent))
            if not derived:
                errors.append(f"{category}: expected marked derived")
    return errors


def _check_heme(population: Population, expected: dict) -> list[str]:
    errors = []
    for category, spec in expected.items():
        items = [h for h in population.heme_responses if h.category == category]
        if spec is None:
            if items:
                got = [(_q(h.count), _q(h.percent)) for h in items]
                errors.append(f"{category}: expected no entry, got {got}")
            continue
        found = [
            h
            for h in items
            if not _check_quantity("", h.count, spec[0], False, percent=False)
            and not _check_quantity("", h.percent, spec[1], False, percent=True)
            and (len(spec) == 2 or h.timepoint == spec[2])
        ]
        if not found:
            got = [(_q(h.count), _q(h.percent), h.timepoint) for h in items]
            errors.append(f"{category}: expected {spec}, got {got or 'no entry'}")
    return errors


def _check_population(population: Population, spec: dict, resolved: bool) -> list[str]:
    errors: list[str] = []
    if "tumor_type" in spec and population.tumor_type != spec["tumor_type"]:
        errors.append(f"tumor_type: expected {spec['tumor_type']}, got {population.tumor_type}")
    if "group" in spec and population.tumor_group != spec["group"]:
        errors.append(f"group: expected {spec['group']}, got {population.tumor_group}")
    if "arm" in spec and (population.arm is None or spec["arm"].lower() not in population.arm.lower()):
        errors.append(f"arm: expected {spec['arm']!r}, got {population.arm!r}")
    if "doses_mg_per_day" in spec:
        doses = {d.mg_per_day for d in population.doses}
        if doses != {(float(d) if d is not None else None) for d in spec["doses_mg_per_day"]}:
            errors.append(f"doses: expected {spec['doses_mg_per_day']}, got {sorted(doses, key=str)}")
    if "pooled_arms" in spec and population.pooled_arms != spec["pooled_arms"]:
        errors.append(f"pooled_arms: expected {spec['pooled_arms']}, got {population.pooled_arms}")
    for key in ("n", "n_evaluable"):
        if key in spec:
            quantity = getattr(population, key)
            expected = spec[key]
            if expected is None:
                if quantity is not None:
                    errors.append(f"{key}: expected none, got {_q(quantity)}")
            elif quantity is None or not _same(quantity.value, expected):
                errors.append(f"{key}: expected {expected}, got {_q(quantity)}")
    if "responses" in spec:
        errors += _check_responses(population, spec["responses"], resolved)
    if "heme" in spec:
        errors += _check_heme(population, spec["heme"])
    return errors


def _check_populations(populations: tuple[Population, ...], expect: dict, resolved: bool) -> list[str]:
    errors: list[str] = []
    single = {k: v for k, v in expect.items() if k in SINGLE_KEYS}
    if single:
        if len(populations) != 1:
            errors.append(
                f"expected one population, got {len(populations)}: "
                + "; ".join(_describe_population(p) for p in populations)
            )
        else:
            errors += _check_population(populations[0], single, resolved)
    for spec in expect.get("populations") or []:
        results = [(p, _check_population(p, spec, resolved)) for p in populations]
        if any(not problems for _, problems in results):
            continue
        identity = {k: spec[k] for k in ("tumor_type", "arm", "doses_mg_per_day") if k in spec}
        candidates = [
            (p, problems) for p, problems in results if not _check_population(p, identity, resolved)
        ]
        if candidates:
            for population, problems in candidates:
                errors.append(
                    f"population {identity}: {'; '.join(problems)} in {_describe_population(population)}"
                )
        else:
            errors.append(
                f"population {identity}: not found among "
                + ("; ".join(_describe_population(p) for p in populations) or "no populations")
            )
    return errors


def _grade(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).lower().replace("grades", "").replace("grade", "")
    text = text.replace(">=", "≥").replace("or higher", "").strip()
    text = re.sub(r"\s*(?:-|–|/|\bor\b|\bto\b|\band\b)\s*", "/", text)
    return re.sub(r"\s+", "", text)


def _event_problems(event: Any, spec: dict) -> list[str]:
    problems = []
    if "term" in spec and event.term != spec["term"]:
        problems.append("term")
    if "as_written" in spec and (event.as_written or "").lower() != spec["as_written"].lower():
        problems.append("as_written")
    for key in ("percent", "count"):
        if key in spec:
            quantity = getattr(event, key)
            actual = quantity.value if quantity is not None else None
            if not _same(actual, spec[key]):
                problems.append(key)
    if "grade" in spec and _grade(event.grade) != _grade(spec["grade"]):
        problems.append("grade")
    return problems


def _describe_event(event: Any) -> str:
    name = event.term or event.as_written
    return f"<{name!r} %={_q(event.percent)} n={_q(event.count)} grade={event.grade!r}>"


def _check_toxicities(events: tuple, expect: dict) -> list[str]:
    errors: list[str] = []
    if "toxicities" in expect:
        if expect["toxicities"] == [] and events:
            errors.append(f"toxicities: expected none, got {[_describe_event(e) for e in events]}")
        for spec in expect["toxicities"]:
            if not any(not _event_problems(e, spec) for e in events):
                errors.append(f"toxicity {spec} not found among {[_describe_event(e) for e in events]}")
    for spec in expect.get("absent_toxicities") or []:
        for event in events:
            positive = any(q is not None and q.value > 0 for q in (event.percent, event.count))
            if positive and not _event_problems(event, spec):
                errors.append(f"absent toxicity {spec} found: {_describe_event(event)}")
    return errors


_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "eighteen": "18",
}


def _singular(value: Any) -> Any:
    """'One-year', '1 years' and '1 year' compare equal: a format difference, not a miss."""
    if value is None:
        return None
    words = str(value).lower().replace("-", " ").split()
    text = " ".join(_WORDS.get(word, word) for word in words)
    return re.sub(r"(?<=[a-z])s\b", "", text)


def _outcome_problems(outcome: Any, spec: dict) -> list[str]:
    problems = []
    if outcome.kind != spec["kind"]:
        problems.append("kind")
    if "value" in spec:
        actual = outcome.value.value if outcome.value is not None else None
        if not _same(actual, spec["value"]):
            problems.append("value")
    if "denominator" in spec:
        actual = outcome.denominator.value if outcome.denominator is not None else None
        if not _same(actual, spec["denominator"]):
            problems.append("denominator")
    for key in ("unit", "timepoint"):
        if key in spec and _singular(getattr(outcome, key)) != _singular(spec[key]):
            problems.append(key)
    for key in ("gene", "variant"):
        if key in spec and (getattr(outcome, key) or "").upper() != str(spec[key] or "").upper():
            problems.append(key)
    return problems


def _describe_outcome(outcome: Any) -> str:
    extra = "".join(
        f" {key}={getattr(outcome, key)!r}"
        for key in ("unit", "timepoint", "gene", "variant")
        if getattr(outcome, key) is not None
    )
    denominator = f" of {_q(outcome.denominator)}" if outcome.denominator else ""
    return f"<{outcome.kind} {_q(outcome.value)}{denominator}{extra}>"


def _check_outcomes(outcomes: tuple, expect: dict) -> list[str]:
    errors: list[str] = []
    if "outcomes" in expect:
        described = [_describe_outcome(o) for o in outcomes]
        if expect["outcomes"] == [] and outcomes:
            errors.append(f"outcomes: expected none, got {described}")
        for spec in expect["outcomes"]:
            if not any(not _outcome_problems(o, spec) for o in outcomes):
                errors.append(f"outcome {spec} not found among {described}")
        if expect.get("outcomes_exact") and len(outcomes) != len(expect["outcomes"]):
            errors.append(f"outcomes: expected exactly {len(expect['outcomes'])}, got {described}")
    return errors


def _all_doses(populations: tuple[Population, ...]) -> list[float | None]:
    return sorted({d.mg_per_day for p in populations for d in p.doses}, key=lambda v: (v is None, v))


def _check_case(text: str, expect: dict) -> list[str]:
    result = findings(text)
    design = result.design
    errors: list[str] = []
    if "n_enrolled" in expect:
        actual = design.n_enrolled.value if design.n_enrolled else None
        if not _same(actual, expect["n_enrolled"]):
            errors.append(f"n_enrolled: expected {expect['n_enrolled']}, got {_q(design.n_enrolled)}")
    for key, expected in (expect.get("design") or {}).items():
        if key == "phase":
            actual = design.phase
        else:
            flag = getattr(design, key)
            actual = flag.value if flag is not None else None
        if actual != expected:
            errors.append(f"design.{key}: expected {expected!r}, got {actual!r}")
    if "doses_mg_per_day" in expect:
        expected = sorted(
            {float(d) if d is not None else None for d in expect["doses_mg_per_day"]},
            key=lambda v: (v is None, v),
        )
        actual = _all_doses(result.populations)
        if actual != expected:
            errors.append(
                f"doses_mg_per_day: expected {expect['doses_mg_per_day']}, got {[_num(d) for d in actual]}"
            )
    if "schedules" in expect:
        schedules = {d.schedule for p in result.populations for d in p.doses}
        for schedule in expect["schedules"]:
            if schedule not in schedules:
                errors.append(f"schedule {schedule!r} not among {sorted(map(str, schedules))}")
    errors += _check_populations(result.populations, expect, resolved=False)
    errors += _check_toxicities(result.adverse_events, expect)
    errors += _check_outcomes(result.outcomes, expect)
    with_results = [p for p in result.populations if p.responses or p.heme_responses]
    if (expect.get("not_results") or expect.get("nothing")) and with_results:
        errors.append(f"expected no response values, got {[_describe_population(p) for p in with_results]}")
    if expect.get("nothing"):
        if result.adverse_events:
            errors.append(
                f"expected no adverse events, got {[_describe_event(e) for e in result.adverse_events]}"
            )
        if result.outcomes:
            errors.append(f"expected no outcomes, got {[_describe_outcome(o) for o in result.outcomes]}")
        if _all_doses(result.populations):
            errors.append(f"expected no doses, got {_all_doses(result.populations)}")
        if design.n_enrolled is not None:
            errors.append(f"expected no n_enrolled, got {_q(design.n_enrolled)}")
    if "resolved" in expect:
        spec = expect["resolved"]
        studies = resolve([result])
        if len(studies) != 1:
            errors.append(f"resolved: expected one study, got {len(studies)}")
        else:
            (study,) = studies
            problems = _check_populations(study.populations, spec, resolved=True)
            if "n_enrolled" in spec:
                actual = study.design.n_enrolled.value if study.design.n_enrolled else None
                if not _same(actual, spec["n_enrolled"]):
                    problems.append(f"n_enrolled: expected {spec['n_enrolled']}, got {actual}")
            errors += [f"resolved: {p}" for p in problems]
    return errors


@pytest.mark.parametrize("case", ALL_CASES)
def test_case(case: dict) -> None:
    assert not _schema_errors(case), _schema_errors(case)
    errors = _check_case(case["text"], case["expect"])
    assert not errors, f"\ntext:     {case['text']}\nexpected: {case['expect']}\ngot:\n  " + "\n  ".join(
        errors
    )
