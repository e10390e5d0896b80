"""How far to trust the extraction: imx's values against hand-annotated gold values (`imx evaluate`).

`evaluate(gold_path)` reads a gold file (format in docs/evaluation.md), runs pipeline.summarize on
each listed document on its own, pairs the gold populations with imx's populations and counts, per
field, true positives (imx states the gold value), false positives (imx states a value that is not
the gold one) and false negatives (a gold value imx does not state). It returns an Evaluation and
never prints: render/evaluation.py shows it.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imatinib_cli.errors import ImxError, InputError
from imatinib_cli.models import HEME_LABELS, STATUS_OK, AdverseEvent, Evidence, Population, Quantity, Report

GOLD_VERSION = 1

# Percents match when they differ by at most this much (gold 7.8 vs imx 7.843...); counts, sizes
# and doses must be equal.
PERCENT_TOLERANCE = 0.1
_EPSILON = 1e-9

RESPONSES = ("cr", "pr", "sd", "pd", "ne", "orr")
# The hematologic axis (CML, Ph+ ALL, HES, mastocytosis, MPN): gold keys and fields of their own,
# scored only where a gold file annotates them.
HEME_RESPONSES = ("chr", "phr", "hr", "mcyr", "ccyr", "pcyr", "mmr", "mr4", "mr45", "cmr")
TUMOR_POPULATION_FIELDS = (
    "n",
    "dose",
    *(name for category in RESPONSES for name in (category, f"{category}_percent")),
)
HEME_FIELDS = tuple(name for category in HEME_RESPONSES for name in (category, f"{category}_percent"))
POPULATION_FIELDS = TUMOR_POPULATION_FIELDS + HEME_FIELDS
TOXICITY_FIELDS = ("toxicity_term", "toxicity_percent")
FIELDS = TUMOR_POPULATION_FIELDS + TOXICITY_FIELDS + HEME_FIELDS

FIELD_LABELS = {
    "n": "population size",
    "dose": "dose (mg/day)",
    **{c: c.upper() for c in RESPONSES},
    **{f"{c}_percent": f"{c.upper()} %" for c in RESPONSES},
    **{c: HEME_LABELS[c] for c in HEME_RESPONSES},
    **{f"{c}_percent": f"{HEME_LABELS[c]} %" for c in HEME_RESPONSES},
    "toxicity_term": "toxicity term",
    "toxicity_percent": "toxicity %",
}

# Discrepancy kinds: a gold value imx does not state, a value imx states where the gold has none,
# and a value imx states in place of a different gold value (one false positive and one miss).
MISSED = "missed"
FALSE = "false"
WRONG = "wrong"

_DOCUMENT_KEYS = {"path", "n_enrolled", "populations", "toxicities", "note"}
_POPULATION_KEYS = {
    "label",
    "tumor_type",
    "group",
    "arm",
    "n",
    "doses_mg_per_day",
    "note",
    *RESPONSES,
    *HEME_RESPONSES,
}
_TOXICITY_KEYS = {"term", "as_written", "percent", "count", "grade", "note"}
_GROUPS = ("GIST", "non-GIST")


class GoldError(ImxError):
    """A gold file that cannot be used: the message names the file and the problem (exit 2)."""

    exit_code = 2

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# --------------------------------------------------------------------------- gold records


@dataclass(frozen=True, slots=True)
class GoldPopulation:
    """One annotated population. values maps a field to its gold values: () means the annotator
    says the document does not state it; a field missing from values was not annotated."""

    label: str
    tumor_types: tuple[str, ...]  # acceptable vocabulary codes; () accepts any
    group: str | None
    arm: str | None
    values: tuple[tuple[str, tuple[float, ...]], ...]

    def annotated(self) -> dict[str, tuple[float, ...]]:
        return dict(self.values)


@dataclass(frozen=True, slots=True)
class GoldToxicity:
    term: str | None  # CTCAE v5 term
    as_written: str | None
    percents: tuple[float, ...] | None  # None: not annotated; (): annotated as not stated
    count: float | None = None
    grade: str | None = None

    @property
    def name(self) -> str:
        return self.term or self.as_written or ""


@dataclass(frozen=True, slots=True)
class GoldDocument:
    path: str  # as written in the gold file (relative to it)
    resolved: str  # the path handed to the pipeline
    n_enrolled: float | None
    populations: tuple[GoldPopulation, ...] | None  # None: populations not annotated
    toxicities: tuple[GoldToxicity, ...] | None  # None: toxicities not annotated


@dataclass(frozen=True, slots=True)
class Gold:
    path: str
    documents: tuple[GoldDocument, ...]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class FieldScore:
    field: str
    tp: int
    fp: int
    fn: int

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP); None when imx states no value for the field."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN); None when the gold has no value for the field."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2TP / (2TP + FP + FN), the harmonic mean of precision and recall; None when both are."""
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A miss, a false value, or a wrong value (imx's value in place of a different gold value)."""

    kind: str  # MISSED, FALSE or WRONG
    document: str
    field: str
    population: str | None  # the gold population's label (None: imx population with no gold one)
    imx_population: str | None  # imx's population label (None: no imx population paired)
    term: str | None  # the toxicity (CTCAE term, else as written) for the toxicity fields
    # The gold value and imx's (None: that side has none); for toxicity_term, the term itself.
    gold: float | str | None
    imx: float | str | None
    derived: bool = False  # imx's value was derived from other stated numbers
    evidence: Evidence | None = None  # where imx read its value


@dataclass(frozen=True, slots=True)
class PopulationPair:
    gold: str | None
    imx: str | None


@dataclass(frozen=True, slots=True)
class DocumentEvaluation:
    path: str
    studies: int
    populations: tuple[PopulationPair, ...]
    scores: tuple[FieldScore, ...]


@dataclass(frozen=True, slots=True)
class Correction:
    """One gold value replaced by a corrections file: where, what the gold said, what is scored."""

    path: str
    target: str  # "population: <label>" or "toxicity: <name>"
    field: str
    gold: Any
    corrected: Any
    proof: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    gold: str
    documents: tuple[DocumentEvaluation, ...]
    fields: tuple[FieldScore, ...]
    micro: FieldScore
    discrepancies: tuple[Discrepancy, ...]
    corrections: tuple[Correction, ...] = ()
    corrections_file: str | None = None


# --------------------------------------------------------------------------- entry point


def evaluate(
    gold_path: str | os.PathLike[str],
    *,
    summarize: Callable[[Sequence[str]], Report] | None = None,
    corrections: str | os.PathLike[str] | None = None,
) -> Evaluation:
    """Compare imx's extraction of the gold file's documents with the gold values.

    Raises GoldError (exit code 2) for a gold file that is missing or malformed and InputError
    (exit code 1) for a listed document that does not exist or yields no usable record.
    summarize defaults to imatinib_cli.pipeline.summarize. corrections names a file of gold values
    to score in place of the gold file's (docs/evaluation.md, "Corrections"): a gold file someone
    else keeps is not edited, and each correction carries the sentence that proves it.
    """
    applied: list[Correction] = []
    gold = read_gold(gold_path, corrections=corrections, applied=applied)
    if summarize is None:
        from imatinib_cli import pipeline

        summarize = pipeline.summarize
    tally = _Tally()
    documents = []
    for document in gold.documents:
        report = _run(document, summarize)
        documents.append(_evaluate_document(document, report, tally))
    return Evaluation(
        gold=gold.path,
        documents=tuple(documents),
        fields=tuple(tally.score(field) for field in FIELDS),
        micro=tally.micro(),
        discrepancies=tuple(tally.discrepancies),
        corrections=tuple(applied),
        corrections_file=os.fspath(corrections) if corrections is not None else None,
    )


def _run(document: GoldDocument, summarize: Callable[[Sequence[str]], Report]) -> Report:
    path = Path(document.resolved)
    if not path.exists():
        raise InputError(document.resolved, "listed in the gold file but no such file")
    if path.is_dir():
        raise InputError(document.resolved, "listed in the gold file but is a directory, not a document")
    report = summarize([document.resolved])
    if not any(d.status == STATUS_OK for d in report.documents):
        reasons = "; ".join(d.reason or d.status for d in report.documents) or "nothing read"
        raise InputError(document.resolved, f"cannot be read: {reasons}")
    return report


# --------------------------------------------------------------------------- reading the gold file


def read_gold(
    gold_path: str | os.PathLike[str],
    *,
    corrections: str | os.PathLike[str] | None = None,
    applied: list[Correction] | None = None,
) -> Gold:
    """Parse and check a gold file (with a corrections file's values in place of the ones it
    corrects); GoldError names the file and the first problem found."""
    name = os.fspath(gold_path)
    path = Path(name)
    data = _read_yaml(name, "gold file")
    if corrections is not None:
        fixes = _apply_corrections(
            data, os.fspath(corrections), _read_yaml(os.fspath(corrections), "corrections file")
        )
        if applied is not None:
            applied.extend(fixes)
    return _gold(name, data, path.parent)


def _read_yaml(name: str, what: str) -> Any:
    path = Path(name)
    if not path.exists():
        raise GoldError(name, "no such file")
    if path.is_dir():
        raise GoldError(name, f"is a directory, not a {what}")
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(name, f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GoldError(name, f"not valid YAML{where}: {problem}") from None


_CORRECTION_KEYS = {"path", "population", "toxicity", "field", "value", "proof", "why"}


def _apply_corrections(gold: Any, name: str, data: Any) -> list[Correction]:
    """Replace, in the gold file's parsed data, each value the corrections file corrects.

    "Eleven percent had unconfirmed partial responses" may prove a gold PR wrong; the entry names the
    document (its path as the gold file writes it), the population by its gold label (or a toxicity
    by its term or words as written), the key and the value to score, and quotes that sentence.
    """

    def fail(where: str, problem: str) -> GoldError:
        return GoldError(name, f"{where}: {problem}" if where else problem)

    if not isinstance(data, Mapping) or not isinstance(data.get("corrections"), list):
        raise fail("", "expected a mapping with a list of 'corrections' (see docs/evaluation.md)")
    if not isinstance(gold, Mapping) or not isinstance(gold.get("documents"), list):
        return []  # the gold file's own check reports it
    documents = {item.get("path"): item for item in gold["documents"] if isinstance(item, Mapping)}
    applied = []
    for index, entry in enumerate(data["corrections"]):
        where = f"corrections[{index}]"
        _check_keys(entry, _CORRECTION_KEYS, where, fail)
        missing = [key for key in ("path", "field", "value", "proof") if key not in entry]
        if missing:
            raise fail(where, f"missing {missing[0]!r}")
        if ("population" in entry) == ("toxicity" in entry):
            raise fail(where, "expected exactly one of 'population' and 'toxicity'")
        document = documents.get(entry["path"])
        if document is None:
            raise fail(f"{where}.path", f"{entry['path']!r} is not a document of the gold file")
        kind = "population" if "population" in entry else "toxicity"
        wanted = str(entry[kind])
        if kind == "population":
            items = [p for p in document.get("populations") or () if str(p.get("label")) == wanted]
        else:
            items = [
                t
                for t in document.get("toxicities") or ()
                if wanted in (str(t.get("term")), str(t.get("as_written")))
            ]
        if len(items) != 1:
            raise fail(f"{where}.{kind}", f"{wanted!r} names {len(items)} of the document's {kind} entries")
        (target,) = items
        field_name = str(entry["field"])
        applied.append(
            Correction(
                entry["path"],
                f"{kind}: {wanted}",
                field_name,
                target.get(field_name),
                entry["value"],
                str(entry["proof"]),
            )
        )
        target[field_name] = entry["value"]
    return applied


def _gold(name: str, data: Any, base: Path) -> Gold:
    def fail(where: str, problem: str) -> GoldError:
        return GoldError(name, f"{where}: {problem}" if where else problem)

    if not isinstance(data, Mapping):
        raise fail("", "expected a mapping with 'documents' (see docs/evaluation.md)")
    unknown = sorted(set(data) - {"gold_version", "documents", "note"})
    if unknown:
        raise fail("", f"unknown key {unknown[0]!r}")
    version = data.get("gold_version", GOLD_VERSION)
    if version != GOLD_VERSION:
        raise fail("gold_version", f"{version!r} is not supported (expected {GOLD_VERSION})")
    items = data.get("documents")
    if not isinstance(items, list) or not items:
        raise fail("documents", "expected a non-empty list of documents")
    documents = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"documents[{index}]"
        document = _document(item, where, base, fail)
        if document.resolved in seen:
            raise fail(f"{where}.path", f"{document.path!r} is listed twice")
        seen.add(document.resolved)
        documents.append(document)
    return Gold(path=name, documents=tuple(documents))


def _check_keys(item: Any, allowed: set[str], where: str, fail: Callable[[str, str], GoldError]) -> None:
    if not isinstance(item, Mapping):
        raise fail(where, "expected a mapping")
    for key in item:
        if key not in allowed:
            raise fail(where, f"unknown key {key!r} (expected one of {', '.join(sorted(allowed))})")


def _document(item: Any, where: str, base: Path, fail: Callable[[str, str], GoldError]) -> GoldDocument:
    _check_keys(item, _DOCUMENT_KEYS, where, fail)
    path = item.get("path")
    if not isinstance(path, str) or not path.strip():
        raise fail(f"{where}.path", "expected the document's path (relative to the gold file)")
    resolved = path if os.path.isabs(path) else os.path.normpath(os.path.join(base, path))
    n_enrolled = _number(item.get("n_enrolled"), f"{where}.n_enrolled", fail, nullable=True)
    populations = None
    if "populations" in item:
        entries = item["populations"]
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise fail(f"{where}.populations", "expected a list of populations")
        populations = tuple(_population(p, f"{where}.populations[{i}]", fail) for i, p in enumerate(entries))
    toxicities = None
    if "toxicities" in item:
        entries = item["toxicities"]
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise fail(f"{where}.toxicities", "expected a list of toxicities")
        toxicities = tuple(_toxicity(t, f"{where}.toxicities[{i}]", fail) for i, t in enumerate(entries))
    return GoldDocument(
        path=path,
        resolved=resolved,
        n_enrolled=n_enrolled,
        populations=populations,
        toxicities=toxicities,
    )


def _population(item: Any, where: str, fail: Callable[[str, str], GoldError]) -> GoldPopulation:
    _check_keys(item, _POPULATION_KEYS, where, fail)
    tumor = item.get("tumor_type")
    if tumor is None:
        tumor_types: tuple[str, ...] = ()
    elif isinstance(tumor, str) and tumor.strip():
        tumor_types = (tumor.strip(),)
    elif isinstance(tumor, list) and tumor and all(isinstance(t, str) and t.strip() for t in tumor):
        tumor_types = tuple(t.strip() for t in tumor)
    else:
        raise fail(f"{where}.tumor_type", "expected a tumor vocabulary code or a list of codes")
    group = item.get("group")
    if group is not None and group not in _GROUPS:
        raise fail(f"{where}.group", f"expected {' or '.join(_GROUPS)}, not {group!r}")
    arm = _text(item.get("arm"), f"{where}.arm", fail)
    label = _text(item.get("label"), f"{where}.label", fail)
    values: list[tuple[str, tuple[float, ...]]] = []
    if "n" in item:
        n = _number(item["n"], f"{where}.n", fail, nullable=True, whole=True)
        values.append(("n", () if n is None else (n,)))
    if "doses_mg_per_day" in item:
        values.append(("dose", _doses(item["doses_mg_per_day"], f"{where}.doses_mg_per_day", fail)))
    for category in RESPONSES:
        if category in item:
            values.extend(_response(item[category], category, f"{where}.{category}", fail))
    for category in HEME_RESPONSES:
        if category in item:
            values.extend(_heme_response(item[category], category, f"{where}.{category}", fail))
    if not tumor_types and group is None and arm is None and not values:
        raise fail(where, "a population needs a tumor_type, group or arm to be matched, or values to score")
    if label is None:
        label = arm or ", ".join(tumor_types) or group or f"population {where.rsplit('[', 1)[-1][:-1]}"
    return GoldPopulation(label=label, tumor_types=tumor_types, group=group, arm=arm, values=tuple(values))


def _response(
    value: Any, category: str, where: str, fail: Callable[[str, str], GoldError]
) -> list[tuple[str, tuple[float, ...]]]:
    """[count, percent], {count: .., percent: ..} (a key left out is not annotated), a bare count,
    or null (neither stated)."""
    percent_field = f"{category}_percent"
    if value is None:
        return [(category, ()), (percent_field, ())]
    if isinstance(value, list):
        if len(value) != 2:
            raise fail(where, "expected [count, percent], {count: .., percent: ..}, a count, or null")
        count, percent = value
        pairs = [("count", count), ("percent", percent)]
    elif isinstance(value, Mapping):
        extra = sorted(set(value) - {"count", "percent"})
        if extra:
            raise fail(where, f"unknown key {extra[0]!r} (expected count, percent)")
        pairs = [(key, value[key]) for key in ("count", "percent") if key in value]
    else:
        pairs = [("count", value)]
    result = []
    for key, item in pairs:
        at = where if isinstance(value, list) else f"{where}.{key}"
        number = _number(item, at, fail, nullable=True, whole=key == "count", percent=key == "percent")
        result.append((category if key == "count" else percent_field, () if number is None else (number,)))
    return result


def _heme_response(
    value: Any, category: str, where: str, fail: Callable[[str, str], GoldError]
) -> list[tuple[str, tuple[float, ...]]]:
    """Like a tumor response, or a list of them for several time points: [[null, 21], [null, 34]]
    or [{percent: 21, timepoint: 3 months}, ...] (the time point is shown, not scored)."""
    several = isinstance(value, list) and bool(value) and all(isinstance(v, (list, Mapping)) for v in value)
    entries = value if several else [value]
    counts: list[float] = []
    percents: list[float] = []
    annotated = set()
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]" if several else where
        if isinstance(entry, Mapping):
            extra = sorted(set(entry) - {"count", "percent", "timepoint", "note"})
            if extra:
                raise fail(at, f"unknown key {extra[0]!r} (expected count, percent, timepoint, note)")
            entry = {key: entry[key] for key in ("count", "percent") if key in entry}
        for field, numbers in _response(entry, category, at, fail):
            annotated.add(field)
            (counts if field == category else percents).extend(numbers)
    return [
        (field, tuple(counts if field == category else percents))
        for field in (category, f"{category}_percent")
        if field in annotated
    ]


def _doses(value: Any, where: str, fail: Callable[[str, str], GoldError]) -> tuple[float, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    doses = [_number(item, where, fail) for item in items]
    return tuple(sorted({d for d in doses if d is not None}))


def _toxicity(item: Any, where: str, fail: Callable[[str, str], GoldError]) -> GoldToxicity:
    _check_keys(item, _TOXICITY_KEYS, where, fail)
    term = _text(item.get("term"), f"{where}.term", fail)
    as_written = _text(item.get("as_written"), f"{where}.as_written", fail)
    if term is None and as_written is None:
        raise fail(where, "a toxicity needs a term (CTCAE v5) or as_written")
    percents: tuple[float, ...] | None = None
    if "percent" in item:
        raw = item["percent"]
        items = raw if isinstance(raw, list) else [raw]
        numbers = [_number(v, f"{where}.percent", fail, nullable=True, percent=True) for v in items]
        percents = tuple(n for n in numbers if n is not None)
    count = _number(item.get("count"), f"{where}.count", fail, nullable=True, whole=True)
    grade = item.get("grade")
    if grade is not None and not isinstance(grade, (str, int)):
        raise fail(f"{where}.grade", 'expected a grade such as 3 or "3/4"')
    return GoldToxicity(
        term=term,
        as_written=as_written,
        percents=percents,
        count=count,
        grade=None if grade is None else str(grade),
    )


def _text(value: Any, where: str, fail: Callable[[str, str], GoldError]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(where, "expected text")
    return value.strip()


def _number(
    value: Any,
    where: str,
    fail: Callable[[str, str], GoldError],
    *,
    nullable: bool = False,
    whole: bool = False,
    percent: bool = False,
) -> float | None:
    if value is None:
        if nullable:
            return None
        raise fail(where, "expected a number, not null")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(where, f"expected a number, not {value!r}")
    if value < 0:
        raise fail(where, f"expected a number of at least 0, not {value!r}")
    if whole and not float(value).is_integer():
        raise fail(where, f"expected a whole number, not {value!r}")
    if percent and value > 100:
        raise fail(where, f"a percent cannot exceed 100 ({value!r})")
    return float(value)


# --------------------------------------------------------------------------- imx's values


@dataclass(frozen=True, slots=True)
class _Stated:
    """One value imx states for a field. alternatives: other values that count as equal to it
    (a population's number evaluable for response, for its size)."""

    value: float
    derived: bool
    evidence: Evidence | None
    alternatives: tuple[float, ...] = ()

    def matches(self, gold: float, percent: bool) -> bool:
        return any(_equal(v, gold, percent) for v in (self.value, *self.alternatives))


def _equal(value: float, gold: float, percent: bool) -> bool:
    tolerance = PERCENT_TOLERANCE if percent else 0.0
    return abs(value - gold) <= tolerance + _EPSILON


def _quantity(
    quantity: Quantity | None, derived: bool = False, evidence: Evidence | None = None
) -> _Stated | None:
    if quantity is None:
        return None
    return _Stated(
        value=float(quantity.value),
        derived=derived or quantity.derived,
        evidence=quantity.evidence or evidence,
    )


def _population_values(population: Population) -> dict[str, list[_Stated]]:
    values: dict[str, list[_Stated]] = {field: [] for field in POPULATION_FIELDS}
    if population.n is not None:
        size = _quantity(population.n, evidence=population.evidence)
        assert size is not None
        if population.n_evaluable is not None:
            size = _Stated(size.value, size.derived, size.evidence, (float(population.n_evaluable.value),))
        values["n"].append(size)
    doses: dict[float, _Stated] = {}
    for dose in population.doses:
        if dose.mg_per_day is not None and float(dose.mg_per_day) not in doses:
            doses[float(dose.mg_per_day)] = _Stated(float(dose.mg_per_day), False, dose.evidence)
    values["dose"] = [doses[v] for v in sorted(doses)]
    for category in RESPONSES:
        response = population.response(category)
        if response is None:
            continue
        for field, quantity in ((category, response.count), (f"{category}_percent", response.percent)):
            stated = _quantity(quantity, response.derived, response.evidence)
            if stated is not None:
                values[field].append(stated)
    for item in population.heme_responses:
        if item.category not in HEME_RESPONSES:
            continue
        for field, quantity in ((item.category, item.count), (f"{item.category}_percent", item.percent)):
            stated = _quantity(quantity, False, item.evidence)
            if stated is not None:
                values[field].append(stated)
    return values


def _has_frequency(event: AdverseEvent) -> bool:
    return event.percent is not None or event.count is not None


# --------------------------------------------------------------------------- scoring


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {field: [0, 0, 0] for field in FIELDS}
        self.discrepancies: list[Discrepancy] = []

    def add(self, field: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        counts = self.counts[field]
        counts[0] += tp
        counts[1] += fp
        counts[2] += fn

    def score(self, field: str) -> FieldScore:
        tp, fp, fn = self.counts[field]
        return FieldScore(field, tp, fp, fn)

    def micro(self) -> FieldScore:
        return FieldScore(
            "micro",
            sum(c[0] for c in self.counts.values()),
            sum(c[1] for c in self.counts.values()),
            sum(c[2] for c in self.counts.values()),
        )


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The comparison of one field: counts and the discrepancies behind them."""

    tp: int
    fp: int
    fn: int
    discrepancies: tuple[Discrepancy, ...]


def _compare(
    gold: Sequence[float],
    stated: Sequence[_Stated],
    *,
    percent: bool,
    make: Callable[[str, float | None, _Stated | None], Discrepancy],
) -> _Outcome:
    """Match gold values to stated values one to one; leftovers pair up as wrong values."""
    left = list(stated)
    missed = []
    tp = 0
    for value in gold:
        hit = next((s for s in left if s.matches(value, percent)), None)
        if hit is None:
            missed.append(value)
        else:
            left.remove(hit)
            tp += 1
    items = []
    for index in range(max(len(missed), len(left))):
        g = missed[index] if index < len(missed) else None
        s = left[index] if index < len(left) else None
        kind = WRONG if g is not None and s is not None else (MISSED if s is None else FALSE)
        items.append(make(kind, g, s))
    return _Outcome(tp, len(left), len(missed), tuple(items))


def _evaluate_document(document: GoldDocument, report: Report, tally: _Tally) -> DocumentEvaluation:
    # The gold is annotated on the conventional criterion: values by a second one are not scored.
    populations = [p for study in report.studies for p in study.populations if p.criterion is None]
    events = [e for study in report.studies for e in study.adverse_events]
    local = _Tally()
    pairs: list[PopulationPair] = []
    if document.populations is not None:
        pairs = _score_populations(document, populations, local)
    if document.toxicities is not None:
        _score_toxicities(document, events, local)
    for field in FIELDS:
        tp, fp, fn = local.counts[field]
        tally.add(field, tp, fp, fn)
    tally.discrepancies.extend(local.discrepancies)
    scores = tuple(local.score(f) for f in FIELDS if any(local.counts[f]))
    return DocumentEvaluation(
        path=document.resolved,
        studies=len(report.studies),
        populations=tuple(pairs),
        scores=scores,
    )


def _population_fields(document: GoldDocument) -> set[str]:
    """The population fields the document's annotation covers (for `populations: []`, all but the
    hematologic ones, which count only where a gold file names them)."""
    assert document.populations is not None
    if not document.populations:
        return set(TUMOR_POPULATION_FIELDS)
    return {field for p in document.populations for field, _ in p.values}


def _pair_outcomes(
    document: GoldDocument,
    gold: GoldPopulation | None,
    population: Population | None,
    values: dict[str, list[_Stated]] | None,
    fields: set[str],
) -> list[tuple[str, _Outcome]]:
    """Per field, the comparison of a gold population with an imx population (either may be None:
    unpaired). An unpaired imx population whose N is the gold document's n_enrolled is the whole
    study: its N and doses are not scored."""
    annotated = gold.annotated() if gold is not None else {}
    whole_study = (
        gold is None
        and population is not None
        and population.n is not None
        and document.n_enrolled is not None
        and _equal(float(population.n.value), document.n_enrolled, percent=False)
    )
    outcomes = []
    for field in POPULATION_FIELDS:
        if field not in fields:
            continue
        if gold is not None and field not in annotated:
            continue
        if whole_study and field in ("n", "dose"):
            continue
        gold_values = annotated.get(field, ())
        stated = values.get(field, []) if values is not None else []

        def make(kind: str, g: float | None, s: _Stated | None, field: str = field) -> Discrepancy:
            return Discrepancy(
                kind=kind,
                document=document.resolved,
                field=field,
                population=gold.label if gold is not None else None,
                imx_population=population.label if population is not None else None,
                term=None,
                gold=g,
                imx=None if s is None else s.value,
                derived=False if s is None else s.derived,
                evidence=None if s is None else s.evidence,
            )

        outcome = _compare(gold_values, stated, percent=field.endswith("_percent"), make=make)
        outcomes.append((field, outcome))
    return outcomes


def _errors(outcomes: Iterable[tuple[str, _Outcome]]) -> tuple[int, int]:
    tp = errors = 0
    for _, outcome in outcomes:
        tp += outcome.tp
        errors += outcome.fp + outcome.fn
    return tp, errors


def _compatible(gold: GoldPopulation, population: Population) -> bool:
    if gold.tumor_types and population.tumor_type not in gold.tumor_types:
        return False
    return gold.group is None or population.tumor_group == gold.group


_WORD = re.compile(r"[a-z0-9]+")


def _similarity(gold: GoldPopulation, population: Population) -> float:
    """A tie-breaker in [0, 1]: shared words of the gold arm (or label) and imx's arm and label."""
    wanted = set(_WORD.findall((gold.arm or gold.label).lower()))
    offered = set(_WORD.findall(f"{population.arm or ''} {population.label}".lower()))
    if not wanted or not offered:
        return 0.0
    return len(wanted & offered) / len(wanted | offered)


def _score_populations(
    document: GoldDocument, populations: Sequence[Population], tally: _Tally
) -> list[PopulationPair]:
    """Pair gold and imx populations to maximize agreement, then score every field."""
    assert document.populations is not None
    golds = list(document.populations)
    fields = _population_fields(document)
    values = [_population_values(p) for p in populations]
    alone_gold = [_errors(_pair_outcomes(document, g, None, None, fields))[1] for g in golds]
    alone_imx = [
        _errors(_pair_outcomes(document, None, p, v, fields))[1]
        for p, v in zip(populations, values, strict=True)
    ]
    gains: dict[tuple[int, int], float] = {}
    for i, gold in enumerate(golds):
        for j, population in enumerate(populations):
            if not _compatible(gold, population):
                continue
            tp, errors = _errors(_pair_outcomes(document, gold, population, values[j], fields))
            # Agreement first; then fewer errors than leaving both unpaired; then the arm's words.
            gains[i, j] = (
                1000.0 * tp - 10.0 * (errors - alone_gold[i] - alone_imx[j]) + _similarity(gold, population)
            )
    matched = _assign(len(golds), len(populations), gains)
    pairs = []
    paired_imx = set()
    for i, gold in enumerate(golds):
        j = matched.get(i)
        population = populations[j] if j is not None else None
        if j is not None:
            paired_imx.add(j)
        outcomes = _pair_outcomes(document, gold, population, values[j] if j is not None else None, fields)
        _record(outcomes, tally)
        pairs.append(PopulationPair(gold=gold.label, imx=population.label if population else None))
    for j, population in enumerate(populations):
        if j in paired_imx:
            continue
        _record(_pair_outcomes(document, None, population, values[j], fields), tally)
        pairs.append(PopulationPair(gold=None, imx=population.label))
    return pairs


def _assign(rows: int, columns: int, gains: Mapping[tuple[int, int], float]) -> dict[int, int]:
    """The one-to-one pairing (rows may stay unpaired) with the largest total gain."""
    if not gains:
        return {}
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    forbidden = -1e12
    size = rows + columns
    # Square matrix: gold i with imx j top-left; gold i "unpaired" on its own diagonal top-right;
    # imx j "unpaired" on its diagonal bottom-left; dummy with dummy (free) bottom-right.
    matrix = np.full((size, size), forbidden)
    for (i, j), gain in gains.items():
        matrix[i, j] = gain
    for i in range(rows):
        matrix[i, columns + i] = 0.0
    for j in range(columns):
        matrix[rows + j, j] = 0.0
    matrix[rows:, columns:] = 0.0
    chosen_rows, chosen_columns = linear_sum_assignment(matrix, maximize=True)
    return {
        int(i): int(j)
        for i, j in zip(chosen_rows, chosen_columns, strict=True)
        if i < rows and j < columns and (int(i), int(j)) in gains
    }


def _record(outcomes: Iterable[tuple[str, _Outcome]], tally: _Tally) -> None:
    for field, outcome in outcomes:
        tally.add(field, outcome.tp, outcome.fp, outcome.fn)
        tally.discrepancies.extend(outcome.discrepancies)


def _key(text: str | None) -> str | None:
    """Words compared case- and space-blind, any dash as a hyphen ('grade 3–4' is 'grade 3-4')."""
    return " ".join(re.sub(r"[‐‑‒–—−]", "-", text).lower().split()) if text else None


def _score_toxicities(document: GoldDocument, events: Sequence[AdverseEvent], tally: _Tally) -> None:
    """Toxicity terms: the set of terms reported with a frequency. Toxicity percents: per term,
    gold percents against the percents imx states for that term."""
    assert document.toxicities is not None
    # Gold entries by name (the CTCAE term, else as written), merged when the annotator lists a
    # term twice (e.g. any grade and grade 3/4).
    by_term: dict[str, str] = {}
    by_written: dict[str, str] = {}  # entries without a term
    any_written: dict[str, str] = {}
    gold_percents: dict[str, list[float]] = {}
    percent_annotated: set[str] = set()
    for toxicity in document.toxicities:
        term, written = _key(toxicity.term), _key(toxicity.as_written)
        name = (by_term.get(term) if term else by_written.get(written or "")) or toxicity.name
        if term:
            by_term.setdefault(term, name)
        elif written:
            by_written.setdefault(written, name)
        if written:
            any_written.setdefault(written, name)
        gold_percents.setdefault(name, [])
        if toxicity.percents is not None:
            percent_annotated.add(name)
            gold_percents[name].extend(toxicity.percents)
    # imx's events with a frequency, by the gold name they match (else their own term). Terms
    # decide when both sides have one; the words as written only stand in for a missing term.
    stated: dict[str, list[AdverseEvent]] = {}
    for event in events:
        if not _has_frequency(event):
            continue
        term, written = _key(event.term), _key(event.as_written) or ""
        name = by_term.get(term) if term else None
        if name is None:
            name = by_written.get(written) if term else any_written.get(written)
        stated.setdefault(name or event.term or event.as_written, []).append(event)

    def make(kind: str, term: str, gold: float | None, imx: _Stated | None, field: str) -> Discrepancy:
        is_term = field == "toxicity_term"
        return Discrepancy(
            kind=kind,
            document=document.resolved,
            field=field,
            population=None,
            imx_population=None,
            term=term,
            gold=term if is_term and kind == MISSED else gold,
            imx=None if imx is None else (term if is_term else imx.value),
            derived=False if imx is None else imx.derived,
            evidence=None if imx is None else imx.evidence,
        )

    for name in gold_percents:
        if name in stated:
            tally.add("toxicity_term", tp=1)
        else:
            tally.add("toxicity_term", fn=1)
            tally.discrepancies.append(make(MISSED, name, None, None, "toxicity_term"))
    for name, found in stated.items():
        if name not in gold_percents:
            event = found[0]
            tally.add("toxicity_term", fp=1)
            frequency = event.percent or event.count
            assert frequency is not None
            stated_term = _Stated(float(frequency.value), _derived(event), event.evidence)
            tally.discrepancies.append(make(FALSE, name, None, stated_term, "toxicity_term"))
    for name in sorted(set(gold_percents) | set(stated), key=str.lower):
        if name in gold_percents and name not in percent_annotated:
            continue
        percents = [
            _Stated(float(e.percent.value), _derived(e), e.percent.evidence or e.evidence)
            for e in stated.get(name, [])
            if e.percent is not None
        ]
        outcome = _compare(
            gold_percents.get(name, []),
            percents,
            percent=True,
            make=lambda kind, g, s, name=name: make(kind, name, g, s, "toxicity_percent"),
        )
        tally.add("toxicity_percent", outcome.tp, outcome.fp, outcome.fn)
        tally.discrepancies.extend(outcome.discrepancies)


def _derived(event: AdverseEvent) -> bool:
    return any(q is not None and q.derived for q in (event.percent, event.count))
