"""Grouping study populations for comparison: GIST vs non-GIST, tumor type, dose.

A population counts only when it has a tumor group, an N and a number of responders; every
study or population left out is listed with the reason, so nothing silently disappears.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from imatinib_cli.errors import UsageError
from imatinib_cli.models import GIST, NON_GIST, Comparison, ComparisonRow, Population, Study

GROUPINGS = ("tumor-type",)
_GROUP_ORDER = {GIST: 0, NON_GIST: 1}


@dataclass(slots=True)
class _Bucket:
    tumor_group: str
    tumor_type: str | None
    tumor_name: str | None
    doses: tuple[float, ...]
    pooled_arms: bool
    studies: list[str] = field(default_factory=list)
    n: int = 0
    responders: int = 0

    def add(self, study: Study, n: int, responders: int) -> None:
        if study.id not in self.studies:
            self.studies.append(study.id)
        self.n += n
        self.responders += responders

    def row(self, kind: str = "row") -> ComparisonRow:
        return ComparisonRow(
            tumor_group=self.tumor_group,
            tumor_type=self.tumor_type,
            tumor_name=self.tumor_name,
            doses_mg_per_day=self.doses,
            studies=tuple(self.studies),
            n=self.n,
            responders=self.responders,
            kind=kind,
            pooled_arms=self.pooled_arms,
        )


def analyze(studies: Sequence[Study], *, by: str = "tumor-type") -> Comparison:
    if by not in GROUPINGS:
        raise UsageError(f"--by {by}: expected one of {', '.join(GROUPINGS)}")
    buckets: dict[tuple[object, ...], _Bucket] = {}
    subtotals: dict[str, _Bucket] = {}
    excluded: list[tuple[str, str]] = []
    for study in studies:
        if not study.has_results:
            reason = (
                "registered study without posted results"
                if study.metadata.results_posted is False
                else "no response counts stated"
            )
            excluded.append((study.id, reason))
            continue
        split = {
            p.tumor_type
            for p in study.populations
            if p.arm and _countable(p) and not isinstance(_countable(p), str)
        }
        for population in study.populations:
            if population.arm is None and population.tumor_type in split and population.responses:
                excluded.append((f"{study.id} / {population.label}", "pooled result; its arms are counted"))
                continue
            counted = _countable(population)
            if isinstance(counted, str):
                excluded.append((f"{study.id} / {population.label}", counted))
                continue
            n, responders = counted
            doses = tuple(sorted({d.mg_per_day for d in population.doses if d.mg_per_day is not None}))
            group = population.tumor_group or NON_GIST
            key = (group, population.tumor_type, doses)
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = _Bucket(
                    group, population.tumor_type, population.tumor_name, doses, population.pooled_arms
                )
            bucket.pooled_arms = bucket.pooled_arms or population.pooled_arms
            bucket.add(study, n, responders)
            subtotal = subtotals.setdefault(group, _Bucket(group, None, None, (), False))
            subtotal.add(study, n, responders)
            subtotal.doses = tuple(sorted({*subtotal.doses, *doses}))
    rows: list[ComparisonRow] = []
    for group in sorted(subtotals, key=lambda g: _GROUP_ORDER.get(g, 9)):
        members = [b for k, b in buckets.items() if k[0] == group]
        members.sort(key=lambda b: (b.tumor_type or "", b.doses))
        rows.extend(member.row() for member in members)
        rows.append(subtotals[group].row("subtotal"))
    return Comparison(by=by, rows=tuple(rows), excluded=tuple(excluded))


def _countable(population: Population) -> tuple[int, int] | str:
    """(N, responders) for a population that can be counted, else the reason it cannot."""
    if population.tumor_group is None:
        return "tumor type not identified"
    n = population.n_evaluable or population.n
    if n is None:
        return "population size not stated"
    orr = population.response("orr")
    if orr is None or orr.count is None:
        return "number of responders not stated"
    return int(n.value), int(orr.count.value)
