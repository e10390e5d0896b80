"""Grouping study populations for comparison: by tumor type, dose, study, or toxicity.

The unit is one study population (a cohort, an arm, a tumor type within a study) with an N and a
number of responders. A population without them, or a study without results, is listed in
`excluded` with the reason, so nothing silently disappears. Rows get confidence intervals and each
tumor group a random-effects pooled estimate (analyze.stats).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from imatinib_cli.analyze.stats import CI_METHODS, TRANSFORMS
from imatinib_cli.errors import UsageError
from imatinib_cli.models import (
    CRUDE_LABEL,
    GIST,
    HEME_AXES,
    NON_GIST,
    Comparison,
    ComparisonRow,
    Evidence,
    HemeRow,
    PooledEstimate,
    Population,
    Quantity,
    Study,
    SubgroupTest,
    ToxicityRow,
)

GROUPINGS = ("tumor-type", "dose", "study", "toxicity", "hematologic")
_GROUP_ORDER = {GIST: 0, NON_GIST: 1}
MIXED = "GIST + non-GIST"


@dataclass(frozen=True, slots=True)
class Unit:
    """One countable study population."""

    study: str
    population: Population
    n: int
    responders: int
    doses: tuple[float, ...]
    group: str

    @property
    def label(self) -> str:
        return f"{self.study} / {self.population.label}"

    @property
    def size(self) -> Quantity | None:
        """The N counted: the evaluable patients when stated, else all the population's."""
        return self.population.n_evaluable or self.population.n

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        orr = self.population.response("orr")
        size = self.size
        found = [q.evidence for q in (orr.count if orr else None, size) if q and q.evidence]
        return tuple(dict.fromkeys(found))

    @property
    def derived(self) -> tuple[str, ...]:
        """Which of responders and n were computed from stated numbers, as summarize marks them:
        ORR 19 from CR 1 + PR 18 (themselves 4% and 67% of 27) gives ("responders",)."""
        orr = self.population.response("orr")
        size = self.size
        responders = orr is not None and (
            (orr.count is not None and orr.count.derived)
            # A response derived as a whole, neither number flagged: summarize marks it too.
            or (orr.derived and not any(q is not None and q.derived for q in (orr.count, orr.percent)))
        )
        flags = (("responders", responders), ("n", size is not None and size.derived))
        return tuple(name for name, flagged in flags if flagged)


DERIVED_FIELDS = ("responders", "n")


def derived_fields(units: Sequence[Unit]) -> tuple[str, ...]:
    """The fields derived in at least one of the units, in DERIVED_FIELDS order."""
    found = {name for unit in units for name in unit.derived}
    return tuple(name for name in DERIVED_FIELDS if name in found)


@dataclass(slots=True)
class _Bucket:
    tumor_group: str
    tumor_type: str | None
    tumor_name: str | None
    doses: tuple[float, ...]
    pooled_arms: bool = False
    units: list[Unit] = field(default_factory=list)

    def row(
        self, kind: str, label: str, interval: Callable[[int, int], tuple[float, float]]
    ) -> ComparisonRow:
        n = sum(u.n for u in self.units)
        responders = sum(u.responders for u in self.units)
        low, high = interval(responders, n) if n else (None, None)
        return ComparisonRow(
            tumor_group=self.tumor_group,
            tumor_type=self.tumor_type,
            tumor_name=self.tumor_name,
            doses_mg_per_day=self.doses,
            studies=tuple(dict.fromkeys(u.study for u in self.units)),
            n=n,
            responders=responders,
            kind=kind,
            pooled_arms=self.pooled_arms,
            label=label,
            ci_low=low,
            ci_high=high,
            evidence=tuple(e for u in self.units for e in u.evidence) if len(self.units) == 1 else (),
            derived=derived_fields(self.units),
        )


def analyze(
    studies: Sequence[Study],
    *,
    by: str = "tumor-type",
    ci: str = "exact",
    level: float = 0.95,
    transform: str = "logit",
) -> Comparison:
    if by not in GROUPINGS:
        raise UsageError(f"--by {by}: expected one of {', '.join(GROUPINGS)}")
    if ci not in CI_METHODS:
        raise UsageError(f"--ci {ci}: expected one of {', '.join(CI_METHODS)}")
    if transform not in TRANSFORMS:
        raise UsageError(f"--transform {transform}: expected one of {', '.join(TRANSFORMS)}")
    if not 0 < level < 1:
        raise UsageError(f"--level {level}: expected a number between 0 and 1")
    units, excluded = collect_units(studies)
    settings = {"ci_method": ci, "level": level, "transform": transform}
    if by == "toxicity":
        return Comparison(
            by=by,
            rows=(),
            excluded=(),
            toxicity_rows=tuple(toxicity_rows(studies)),
            notes=(
                "Frequencies are the highest each study reports; they are not pooled, because most "
                "abstracts do not state how many patients each percent is of.",
            ),
            **settings,
        )
    if by == "hematologic":
        return Comparison(
            by=by,
            rows=(),
            excluded=(),
            heme_rows=tuple(heme_rows(studies)),
            notes=(
                "Hematologic, cytogenetic and molecular responses are listed as stated: their "
                "denominators and time points differ from study to study, so they are not pooled.",
            ),
            **settings,
        )
    interval = _interval(ci, level)
    rows = [bucket.row(kind, label, interval) for kind, label, bucket in _buckets(units, by)]
    pooled, test, notes = _pool(units, level, transform)
    return Comparison(
        by=by,
        rows=tuple(rows),
        excluded=tuple(excluded),
        pooled=tuple(pooled),
        subgroup_test=test,
        heme_rows=tuple(heme_rows(studies)),
        notes=tuple(notes),
        **settings,
    )


def _subgroups_only(study: Study, whole: Population) -> bool:
    """Whether the groups split from a counted whole are subgroups of it rather than arms: they
    are given at the whole's own dose ('KIT exon 11' and 'exon 9' of a study at 400 mg/day), so
    the whole, whose N they may not cover, is the unit; arms at different doses are counted apart."""
    if isinstance(_countable(whole), str):
        return False
    doses = {d.mg_per_day for d in whole.doses}
    parts = [p for p in study.populations if p.arm is not None and p.tumor_type == whole.tumor_type]
    return bool(parts) and all({d.mg_per_day for d in p.doses} == doses for p in parts)


def collect_units(studies: Sequence[Study]) -> tuple[list[Unit], list[tuple[str, str]]]:
    """Every countable study population, and every study or population left out with the reason."""
    units: list[Unit] = []
    excluded: list[tuple[str, str]] = []
    for study in studies:
        if not study.has_results and any(p.heme_responses for p in study.populations):
            # A leukemia's CHR, CCyR or MMR is not a tumor response: never pooled with them.
            for population in study.populations:
                if population.heme_responses:
                    excluded.append((f"{study.id} / {population.label}", _heme_reason(population)))
            continue
        if not study.has_results:
            reason = (
                "registered study without posted results"
                if study.metadata.results_posted is False
                else "no response counts stated"
            )
            excluded.append((study.id, reason))
            continue
        split = {p.tumor_type for p in study.populations if p.arm and not isinstance(_countable(p), str)}
        whole_counted = {
            p.tumor_type
            for p in study.populations
            if p.arm is None and p.tumor_type in split and _subgroups_only(study, p)
        }
        for population in study.populations:
            if (
                population.arm is None
                and population.tumor_type in split
                and population.tumor_type not in whole_counted
            ) and population.responses:
                excluded.append((f"{study.id} / {population.label}", "pooled result; its arms are counted"))
                continue
            if population.arm is not None and population.tumor_type in whole_counted:
                reason = "subgroup of a population counted as a whole (same dose)"
                excluded.append((f"{study.id} / {population.label}", reason))
                continue
            if population.criterion is not None:
                reason = f"second response criterion ({population.criterion}) on the same patients"
                excluded.append((f"{study.id} / {population.label}", reason))
                continue
            counted = _countable(population)
            if isinstance(counted, str):
                excluded.append((f"{study.id} / {population.label}", counted))
                continue
            n, responders = counted
            doses = tuple(sorted({d.mg_per_day for d in population.doses if d.mg_per_day is not None}))
            units.append(Unit(study.id, population, n, responders, doses, population.tumor_group or NON_GIST))
    return units, excluded


HEME_REASON = "hematologic disease: see hematologic responses"


def heme_rows(studies: Sequence[Study]) -> list[HemeRow]:
    """Every population's hematologic, cytogenetic and molecular responses, study by study, axis by
    axis: listed as stated, never pooled (their denominators and time points differ)."""
    rows = []
    for study in studies:
        for population in study.populations:
            doses = tuple(sorted({d.mg_per_day for d in population.doses if d.mg_per_day is not None}))
            for axis in HEME_AXES:
                for item in population.heme(axis):
                    rows.append(HemeRow(study.id, population.label, population.tumor_type, doses, item))
    return rows


def _heme_reason(population: Population) -> str:
    if population.arm and _is_comparator(population.arm):
        return "comparator arm (not imatinib)"
    return HEME_REASON


def _countable(population: Population) -> tuple[int, int] | str:
    """(N, responders) for a population that can be counted, else the reason it cannot."""
    from imatinib_cli import resolve_rules

    if population.arm and _is_comparator(population.arm):
        return "comparator arm (not imatinib)"
    if resolve_rules.disease_kind(population.tumor_type) == resolve_rules.LEUKEMIA:
        return HEME_REASON
    if population.tumor_group is None:
        return "tumor type not identified"
    n = population.n_evaluable or population.n
    if n is None:
        return "population size not stated"
    orr = population.response("orr")
    if orr is None or orr.count is None:
        return "number of responders not stated"
    if n.value != int(n.value) or orr.count.value != int(orr.count.value):
        return "population size or responders not a whole number"
    if n.value < 1 or orr.count.value < 0 or orr.count.value > n.value:
        return "responders exceed the population size"
    return int(n.value), int(orr.count.value)


def _is_comparator(arm: str) -> bool:
    """'the placebo group', 'the combination-therapy group': arms that did not get imatinib alone."""
    from imatinib_cli import vocab

    words = {str(w).lower() for w in vocab.load("cues")["arms"]["comparators"]}
    return any(word in arm.lower() for word in words)


def _interval(method: str, level: float) -> Callable[[int, int], tuple[float, float]]:
    from imatinib_cli.analyze import stats

    def interval(events: int, n: int) -> tuple[float, float]:
        low, high = stats.proportion_ci(events, n, method=method, level=level)
        return round(100 * low, 1), round(100 * high, 1)

    return interval


def _ordered(units: Sequence[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (_GROUP_ORDER.get(u.group, 9), u.population.tumor_type or "", u.doses))


def row_units(units: Sequence[Unit], by: str) -> list[tuple[Unit, ...]]:
    """The study populations each row of `analyze(studies, by=by)` counts, in the rows' order, each
    row's in the order of `units` (collect_units(studies)[0]); for the seeds by tumor type the GIST
    subtotal row counts both GIST studies' populations. The same grouping that makes the rows, so
    nothing re-matches their keys: `imx report` quotes these populations' sentences under each
    row's N and responders, in the order the documents were read."""
    if by in ("toxicity", "hematologic"):
        return []  # those views list terms and responses as stated: no counted rows
    position = {id(unit): index for index, unit in enumerate(units)}
    return [
        tuple(sorted(bucket.units, key=lambda unit: position[id(unit)]))
        for _kind, _label, bucket in _buckets(units, by)
    ]


def pooled_units(units: Sequence[Unit]) -> dict[str, list[Unit]]:
    """The study populations pooled into each group's random-effects estimate, by group, GIST first:
    {'GIST': [...], 'non-GIST': [...]} (the PooledEstimate.group of each)."""
    return {group: [u for u in units if u.group == group] for group in _groups(units)}


def _groups(units: Sequence[Unit]) -> list[str]:
    """The tumor groups of the units, GIST first, then non-GIST."""
    return sorted({u.group for u in units}, key=lambda g: _GROUP_ORDER.get(g, 9))


def _buckets(units: Sequence[Unit], by: str) -> list[tuple[str, str, _Bucket]]:
    """(kind, label, bucket) of each comparison row, in order: a row per study population with
    --by study, else a row per key (tumor type and doses, or doses) and a subtotal per tumor group."""
    if by == "study":
        return [
            (
                "row",
                unit.label,
                _Bucket(
                    unit.group,
                    unit.population.tumor_type,
                    unit.population.tumor_name,
                    unit.doses,
                    unit.population.pooled_arms,
                    [unit],
                ),
            )
            for unit in _ordered(units)
        ]
    buckets: dict[tuple[object, ...], _Bucket] = {}
    for unit in units:
        population = unit.population
        if by == "dose":
            key: tuple[object, ...] = (unit.doses, unit.group)
            bucket = buckets.setdefault(key, _Bucket(unit.group, None, None, unit.doses))
        else:
            key = (unit.group, population.tumor_type, unit.doses)
            bucket = buckets.setdefault(
                key, _Bucket(unit.group, population.tumor_type, population.tumor_name, unit.doses)
            )
        bucket.pooled_arms = bucket.pooled_arms or population.pooled_arms
        bucket.units.append(unit)
    rows: list[tuple[str, str, _Bucket]] = []
    if by == "dose":
        for key in sorted(buckets, key=lambda k: (k[0] or (float("inf"),), _GROUP_ORDER.get(k[1], 9))):
            bucket = buckets[key]
            rows.append(("row", f"{_doses(bucket.doses)} mg/day, {bucket.tumor_group}", bucket))
        return rows
    for group in _groups(units):
        members = [b for k, b in buckets.items() if k[0] == group]
        members.sort(key=lambda b: (b.tumor_type or "", b.doses))
        for member in members:
            rows.append(("row", f"{member.tumor_name or member.tumor_type}, {_doses(member.doses)}", member))
        subtotal = _Bucket(group, None, None, tuple(sorted({d for m in members for d in m.doses})))
        subtotal.units = [u for m in members for u in m.units]
        rows.append(("subtotal", f"{group} {CRUDE_LABEL}", subtotal))
    return rows


def _doses(doses: tuple[float, ...]) -> str:
    return "/".join(f"{d:g}" for d in doses) if doses else "dose not stated"


def _pool(
    units: list[Unit], level: float, transform: str
) -> tuple[list[PooledEstimate], SubgroupTest | None, list[str]]:
    """Random-effects pooled rate per tumor group, and the test of difference between groups."""
    from imatinib_cli.analyze import stats

    pooled: list[PooledEstimate] = []
    results = []
    notes: list[str] = []
    for group, members in pooled_units(units).items():
        result = stats.pool_random_effects(
            [u.responders for u in members], [u.n for u in members], transform=transform, level=level
        )
        results.append((group, result))
        pooled.append(
            PooledEstimate(
                group=group,
                k=result.k,
                events=result.events,
                n=result.n,
                estimate=_percent(result.estimate),
                ci_low=_percent(result.low),
                ci_high=_percent(result.high),
                tau2=result.tau2,
                i2=result.i2,
                q=result.q,
                q_df=result.df,
                q_p=result.q_p,
                method=result.method,
                note=result.note,
                derived=derived_fields(members),
            )
        )
    test = None
    if len(results) >= 2:
        q, df, p = stats.subgroup_difference([r for _, r in results])
        test = SubgroupTest(tuple(g for g, _ in results), q, df, p, stats.SUBGROUP_TEST_METHOD)
    if any(p.k < 3 for p in pooled):
        notes.append(
            "Groups with fewer than three study populations give unreliable heterogeneity estimates."
        )
    return pooled, test, notes


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


@dataclass(slots=True)
class _ToxicityBucket:
    soc: str | None
    max_percent: float | None = None
    studies: list[str] = field(default_factory=list)
    reports: int = 0
    grades: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def toxicity_rows(studies: Sequence[Study]) -> list[ToxicityRow]:
    """CTCAE terms by tumor group and dose: the highest frequency reported and which studies report it."""
    buckets: dict[tuple[str, str, tuple[float, ...]], _ToxicityBucket] = {}
    for study in studies:
        groups = {p.tumor_group for p in study.populations if p.tumor_group}
        group = groups.pop() if len(groups) == 1 else MIXED if groups else "tumor group unknown"
        doses = tuple(sorted({d.mg_per_day for p in study.populations for d in p.doses if d.mg_per_day}))
        for event in study.adverse_events:
            if event.term is None or (event.arm and _is_comparator(event.arm)):
                continue  # an aggregate rate, or the placebo arm's value of a per-arm pair
            bucket = buckets.setdefault((event.term, group, doses), _ToxicityBucket(event.soc))
            bucket.reports += 1
            bucket.evidence.append(event.evidence)
            if study.id not in bucket.studies:
                bucket.studies.append(study.id)
            if event.grade and event.grade not in bucket.grades:
                bucket.grades.append(event.grade)
            if event.percent is not None and (
                bucket.max_percent is None or event.percent.value > bucket.max_percent
            ):
                bucket.max_percent = event.percent.value
    rows = [
        ToxicityRow(
            term=term,
            soc=bucket.soc,
            tumor_group=group,
            doses_mg_per_day=doses,
            max_percent=bucket.max_percent,
            studies=tuple(bucket.studies),
            reports=bucket.reports,
            grades=tuple(bucket.grades),
            evidence=tuple(bucket.evidence),
        )
        for (term, group, doses), bucket in buckets.items()
    ]
    return sorted(rows, key=lambda r: (_GROUP_ORDER.get(r.tumor_group, 9), -(r.max_percent or -1), r.term))
