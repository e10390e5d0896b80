"""guard: the one place that enforces "never invent a number", on every study before it is emitted.

Extraction and derivation may each be wrong in ways no single rule there can see: a count read from
the wrong clause ("40 of 40" from a percent of another group), a percent over the wrong denominator, a
count derived from a percent that no whole number fits ("54% of 235" is 126.9: 127 or 126?). What a
reviewer must never see is a value that breaks arithmetic on the numbers beside it. So, per population:

- a percent lies in 0..100, a count is a whole number from 0 to the group's size (its N or number
  evaluable, else the study's enrollment);
- a count derived from a percent needs exactly one whole number that the percent fits;
- a count, a percent and a size that disagree beyond rounding keep their stated values (resolve has
  already warned) and lose every derived one;
- ORR is at least CR and at least PR; the categories CR + PR + SD + PD + NE add up to at most N;
- a toxicity's percent lies in 0..100 and its count within the study's enrollment.

A value that breaks a rule is dropped if derived; if stated it is dropped too, with a warning that
quotes it, since no reader can tell which of the disagreeing numbers is the wrong one. The checks are
pure arithmetic on the study's own values: nothing here reads text.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from imatinib_cli.models import (
    AdverseEvent,
    Evidence,
    HemeResponse,
    Population,
    Quantity,
    ResponseCount,
    Study,
    Warning,
)

__all__ = ["bound_warnings", "cap_text", "count_from_percent", "enforce", "fits", "violations"]

_CATEGORIES = ("cr", "pr", "sd", "pd", "ne")
_EPSILON = 1e-9

# Bounds on what warnings carry, whatever the input: a warning that repeats (the same message, say
# "PR stated twice with different values" on each of 2,000 lines) is listed this many times, then
# once as "(and 1,997 more like this, not listed)"; a study lists at most MAX_WARNINGS; a message or
# a quote in one is cut at its cap with an ellipsis. Real documents stay far below each.
MAX_SAME_WARNINGS = 3
MAX_WARNINGS = 100
MAX_WARNING_CHARS = 500
MAX_WARNING_QUOTE_CHARS = 4004  # extract/sentences.py: MAX_QUOTE_CHARS
ELLIPSIS = "\u2026"


def enforce(study: Study) -> Study:
    """The study with every value that breaks an invariant removed, and a warning for each stated one;
    its warnings bounded (bound_warnings)."""
    warnings = list(study.warnings)
    total = study.design.n_enrolled
    # list comprehensions, not generators (a frame resumed an item: ~13 items a study)
    populations = tuple([_population(p, total, warnings) for p in study.populations])
    events = tuple([e for e in [_event(e, total, warnings) for e in study.adverse_events] if e is not None])
    bounded = tuple(bound_warnings(warnings))
    if populations == study.populations and events == study.adverse_events and bounded == study.warnings:
        return study
    return study.replaced(populations=populations, adverse_events=events, warnings=bounded)


def cap_text(value: str, limit: int) -> str:
    """value, or its first part cut at a space with an ellipsis when it is longer than limit: the start
    is kept, so offsets that index the start of a quote still index what is shown.

    >>> cap_text("12 patients had a partial response", 20)
    '12 patients had a…'
    """
    if len(value) <= limit:
        return value
    head = value[: limit - 1]
    space = head.rfind(" ", limit // 2)
    return (head[:space] if space > 0 else head).rstrip() + ELLIPSIS


def bound_warnings(warnings: Sequence[Warning]) -> list[Warning]:
    """At most MAX_SAME_WARNINGS of one message (then one "(and N more like this, not listed)"), at
    most MAX_WARNINGS in all, each message and quote capped: 2,000 lines that each restate a PR give
    four warnings, not 2,000 that each quote the text. Unchanged (the same objects) when within."""
    if not warnings:
        return []
    # No message can repeat more than MAX_SAME_WARNINGS times in that many warnings: no Counter
    # (~1.5 % of a one-document study's lean path).
    totals = Counter(w.message for w in warnings) if len(warnings) > MAX_SAME_WARNINGS else None
    if (
        len(warnings) <= MAX_WARNINGS
        and (totals is None or all(count <= MAX_SAME_WARNINGS for count in totals.values()))
        and _within_caps(warnings)
    ):
        return list(warnings)
    if totals is None:  # a message or a quote over its cap
        totals = Counter(w.message for w in warnings)
    seen: Counter[str] = Counter()
    kept: list[Warning] = []
    for warning in warnings:
        seen[warning.message] += 1
        if seen[warning.message] > MAX_SAME_WARNINGS:
            continue
        message = cap_text(warning.message, MAX_WARNING_CHARS)
        evidence = tuple(
            e.replaced(quote=cap_text(e.quote, MAX_WARNING_QUOTE_CHARS))
            if len(e.quote) > MAX_WARNING_QUOTE_CHARS
            else e
            for e in warning.evidence
        )
        kept.append(Warning(message, evidence))
        more = totals[warning.message] - MAX_SAME_WARNINGS
        if seen[warning.message] == MAX_SAME_WARNINGS and more > 0:
            kept.append(Warning(f"{message} (and {more:,} more like this, not listed)"))
    if len(kept) > MAX_WARNINGS:
        rest = len(kept) - (MAX_WARNINGS - 1)
        kept = [*kept[: MAX_WARNINGS - 1], Warning(f"and {rest:,} more warnings, not listed")]
    return kept


def _within_caps(warnings: Sequence[Warning]) -> bool:
    """Whether every message and every quote of the warnings is within its cap: one loop, where
    two `all` over generators made a frame resumed a warning and a quote (a study's one or two)."""
    for warning in warnings:
        if len(warning.message) > MAX_WARNING_CHARS:
            return False
        for evidence in warning.evidence:
            if len(evidence.quote) > MAX_WARNING_QUOTE_CHARS:
                return False
    return True


def violations(summary: Mapping[str, Any]) -> list[str]:
    """Every broken invariant in a summary as emitted (the dict `imx summarize --json` prints), one
    line each; empty when none. It reads the output, not the models, so it checks what a reader sees
    (tests and scripts/check_invariants.py run it over random documents and the real corpus)."""
    problems: list[str] = []
    for study in summary.get("studies", ()):
        total = study.get("n_enrolled")
        for population in study.get("populations", ()):
            problems.extend(_population_violations(study["id"], population, total))
        for event in study.get("toxicities", ()):
            where = f"{study['id']} / toxicity {event.get('as_written')}"
            percent, count = event.get("percent"), event.get("count")
            if percent is not None and not 0 <= percent <= 100 + _EPSILON:
                problems.append(f"{where}: percent {percent:g} outside 0..100")
            if count is not None and total is not None and count > _value(total) + _EPSILON:
                problems.append(f"{where}: count {count:g} more than the {_value(total):g} enrolled")
    return problems


def _population_violations(study: str, population: Mapping[str, Any], total: Any) -> list[str]:
    sizes = [_value(population.get(key)) for key in ("n", "n_evaluable") if population.get(key)]
    bound = max(sizes) if sizes else (_value(total) if total else None)
    problems: list[str] = []
    counts: dict[str, float] = {}
    for category, response in (population.get("response") or {}).items():
        if not response:
            continue
        where = f"{study} / {population.get('label')} / {category.upper()}"
        percent, count = response.get("percent"), response.get("count")
        if percent is not None and not 0 <= percent <= 100 + _EPSILON:
            problems.append(f"{where}: percent {percent:g} outside 0..100")
        if count is None:
            continue
        if count < 0 or count != int(count):
            problems.append(f"{where}: count {count:g} is not a whole number")
        elif bound is not None and count > bound + _EPSILON:
            problems.append(f"{where}: count {count:g} more than the group's {bound:g}")
        if category in _CATEGORIES:
            counts[category] = count
    for axis in ("hematologic", "cytogenetic", "molecular"):
        for item in population.get(axis) or ():
            where = f"{study} / {population.get('label')} / {item.get('label') or item.get('category')}"
            percent, count = item.get("percent"), item.get("count")
            if percent is not None and not 0 <= percent <= 100 + _EPSILON:
                problems.append(f"{where}: percent {percent:g} outside 0..100")
            if count is not None and bound is not None and count > bound + _EPSILON:
                problems.append(f"{where}: count {count:g} more than the group's {bound:g}")
    orr = (population.get("response") or {}).get("orr") or {}
    for part in ("cr", "pr"):
        if orr.get("count") is not None and counts.get(part, 0) > orr["count"] + _EPSILON:
            problems.append(f"{study} / {population.get('label')}: {part.upper()} more than ORR")
    if bound is not None and sum(counts.values()) > bound + _EPSILON:
        problems.append(f"{study} / {population.get('label')}: categories add up to more than {bound:g}")
    return problems


def _value(item: Any) -> float:
    """A size as emitted: {"value": 27, ...} or a bare number."""
    return float(item["value"] if isinstance(item, Mapping) else item)


def count_from_percent(percent: float, denominator: float) -> int | None:
    """The one whole number of patients a percent of a group can stand for, else None.

    "45%" of 11 is 5 (45.5%). "54%" of 235 could be 126, 127 or 128 (53.6%, 54.0%, 54.5%): no count.
    Authors also cut instead of rounding ("18%" for 5 of 27, 18.5%), so when no whole number rounds
    to the percent, one that is within a unit of its last written place still counts, if it is alone.
    """
    for slack in (1, 2):
        candidates = fits(percent, denominator, slack)
        if candidates:
            return candidates[0] if len(candidates) == 1 else None
    return None


def fits(percent: float, denominator: float, slack: int = 1) -> list[int]:
    """The whole numbers k for which k / denominator, written as the percent was, reads as that percent
    (with slack=2: is within one unit of its last written place). Never 0 for a percent above 0:
    "0.0000000001%" of 40 fits no whole number."""
    if denominator <= 0:
        return []
    half_unit = _half_unit(percent) * slack
    low = (percent - half_unit) * denominator / 100
    high = (percent + half_unit) * denominator / 100
    # A percent above zero is somebody: 0 patients is 0%, which no author writes as "0.001%".
    first = max(1 if percent > 0 else 0, math.ceil(low - _EPSILON))
    return [k for k in range(first, math.floor(high + _EPSILON) + 1) if k <= denominator]


# -- populations ------------------------------------------------------------------------------


def _population(population: Population, total: Quantity | None, warnings: list[Warning]) -> Population:
    # The bound (the larger of N and N evaluable, else the enrollment) and the denominators (N
    # evaluable, then N, each above 0), read from the two sizes without two comprehensions' frames.
    n, evaluable = population.n, population.n_evaluable
    denominators = []
    if evaluable is not None:
        bound = evaluable.value if n is None else max(n.value, evaluable.value)
        if evaluable.value > 0:
            denominators.append(evaluable.value)
    else:
        bound = n.value if n is not None else total.value if total is not None else None
    if n is not None and n.value > 0:
        denominators.append(n.value)
    responses = {
        r.category: _response(r, population.label, bound, denominators, warnings)
        for r in population.responses
    }
    responses = _orr_at_least_parts(responses, population.label, warnings)
    responses = _parts_within_size(responses, population.label, bound, warnings)
    kept = tuple([r for r in responses.values() if r is not None])
    heme = population.heme_responses  # most have none: no two comprehensions over nothing
    if heme:
        heme = tuple([h for h in [_heme(h, population.label, bound, warnings) for h in heme] if h])
    if kept == population.responses and heme == population.heme_responses:
        return population
    return population.replaced(responses=kept, heme_responses=heme)


def _heme(
    response: HemeResponse, label: str, bound: float | None, warnings: list[Warning]
) -> HemeResponse | None:
    """A hematologic, cytogenetic or molecular response keeps the same two bounds: a percent within
    0..100 and a count within the group (its denominators are often a subset, so no more)."""
    count, percent = _within_bounds(
        response.count, response.percent, bound, warnings, label, ": ", response.as_written
    )
    if count is None and percent is None:
        return None
    if count is response.count and percent is response.percent:
        return response
    return response.replaced(count=count, percent=percent)


def _response(
    response: ResponseCount,
    label: str,
    bound: float | None,
    denominators: list[float],
    warnings: list[Warning],
) -> ResponseCount | None:
    category = response.category.upper()
    count, percent = _within_bounds(response.count, response.percent, bound, warnings, label, ": ", category)
    if (
        count is not None
        and count.derived
        and "% of " in (count.derivation or "")
        and percent is not None
        and not percent.derived
        and not any(count_from_percent(percent.value, d) == count.value for d in denominators)
    ):
        count = None  # a count derived from a percent: exactly one whole number must fit it
    if (
        count is not None
        and percent is not None
        and denominators
        and (count.derived or percent.derived)  # asked first: both stated is the common case
        and not _agree(count, percent, denominators)
    ):
        count = None if count.derived else count
        percent = None if percent.derived else percent
    if count is None and percent is None:
        return None
    if count is response.count and percent is response.percent:
        return response
    derived = bool((count and count.derived) or (percent and percent.derived))
    return response.replaced(count=count, percent=percent, derived=derived)


def _within_bounds(
    count: Quantity | None, percent: Quantity | None, bound: float | None, warnings: list[Warning], *name: str
) -> tuple[Quantity | None, Quantity | None]:
    """The two bounds every count and percent keeps: a percent within 0..100, a count a whole number
    from 0 to the group's size. Whatever breaks one is dropped (with a warning if it was stated,
    named by the parts of name joined: ("PR 1", ": ", "CR") -> "PR 1: CR", built only then)."""
    if percent is not None and not 0 <= percent.value <= 100 + _EPSILON:
        percent = _drop(percent, f"{''.join(name)} {percent.value:g}% is not a share of patients", warnings)
    if count is not None and (count.value < 0 or count.value != int(count.value)):
        count = _drop(count, f"{''.join(name)} count {count.value:g} is not a number of patients", warnings)
    if count is not None and bound is not None and count.value > bound + _EPSILON:
        count = _drop(
            count, f"{''.join(name)} count {count.value:g} is more than the group's {bound:g}", warnings
        )
    return count, percent


def _agree(count: Quantity, percent: Quantity, denominators: list[float]) -> bool:
    """Whether the count over one of the denominators reads as the percent, within a unit of its
    last written place. A loop with the slack and 100 x count worked out once (the same floats:
    `100 * count / d` is `(100 * count) / d`), not a generator that asked `_half_unit` per size."""
    scaled, stated = 100 * count.value, percent.value
    slack = _half_unit(stated) * 2 + _EPSILON
    for denominator in denominators:  # noqa: SIM110 - a loop: no generator frame
        if abs(scaled / denominator - stated) <= slack:
            return True
    return False


def _orr_at_least_parts(
    responses: dict[str, ResponseCount | None], label: str, warnings: list[Warning]
) -> dict[str, ResponseCount | None]:
    orr = responses.get("orr")
    if orr is None or orr.count is None:
        return responses
    for part in ("cr", "pr"):
        piece = responses.get(part)
        if piece is None or piece.count is None or piece.count.value <= orr.count.value + _EPSILON:
            continue
        if orr.derived or orr.count.derived:
            responses["orr"] = None
            return responses
        if piece.count.derived:
            responses[part] = piece.replaced(count=None) if piece.percent else None
            continue
        message = (
            f"{label}: {part.upper()} {piece.count.value:g} is more than ORR {orr.count.value:g}: "
            "neither is shown"
        )
        warnings.append(Warning(message, _evidences(piece.count.evidence, orr.count.evidence)))
        responses[part] = None
        responses["orr"] = None
        return responses
    return responses


def _parts_within_size(
    responses: dict[str, ResponseCount | None], label: str, bound: float | None, warnings: list[Warning]
) -> dict[str, ResponseCount | None]:
    """CR + PR + SD + PD + NE cannot count more patients than the group has: derived counts go
    first; if the stated ones still overflow, they cannot all belong to this group."""
    if bound is None:
        return responses

    def total() -> float:
        return sum([r.count.value for c, r in responses.items() if c in _CATEGORIES and r and r.count])

    if total() <= bound + _EPSILON:
        return responses
    for category in _CATEGORIES:
        response = responses.get(category)
        if response is not None and response.count is not None and response.count.derived:
            responses[category] = (
                response.replaced(count=None) if response.percent and not response.percent.derived else None
            )
    if total() <= bound + _EPSILON:
        return responses
    stated = [r for c, r in responses.items() if c in _CATEGORIES and r and r.count]
    message = f"{label}: the response counts add up to more than {bound:g} patients: none is shown"
    warnings.append(Warning(message, _evidences(*(r.count.evidence for r in stated if r.count))))
    for category in _CATEGORIES:
        response = responses.get(category)
        if response is not None and response.count is not None:
            responses[category] = response.replaced(count=None) if response.percent else None
    orr = responses.get("orr")
    if orr is not None and orr.derived:
        responses["orr"] = None
    return responses


# -- toxicities -------------------------------------------------------------------------------


def _event(event: AdverseEvent, total: Quantity | None, warnings: list[Warning]) -> AdverseEvent | None:
    bound = total.value if total is not None else None
    count, percent = _within_bounds(event.count, event.percent, bound, warnings, event.as_written, ":")
    if percent is event.percent and count is event.count:
        return event
    return event.replaced(percent=percent, count=count)


# -- helpers ----------------------------------------------------------------------------------


def _drop(value: Quantity, message: str, warnings: list[Warning]) -> None:
    if not value.derived:
        warnings.append(Warning(message + ": not shown", _evidences(value.evidence)))
    return None


def _half_unit(percent: float) -> float:
    """Half a unit in the percent's last written place: 45 -> 0.5, 53.5 -> 0.05, 7.25 -> 0.005."""
    for scale, half in _PLACES:
        if abs(percent * scale - round(percent * scale)) < 1e-6:
            return half
    return 0.0005


# (10**decimals, 0.5 / 10**decimals) for 0, 1 and 2 decimals: the same floats, not computed per call.
_PLACES = tuple((10**decimals, 0.5 / 10**decimals) for decimals in (0, 1, 2))


def _evidences(*items: Evidence | None) -> tuple[Evidence, ...]:
    return tuple([item for item in items if item is not None])  # (a list: no generator frame)
