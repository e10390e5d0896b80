"""resolve: Findings -> Studies. One study per trial, whatever number of documents describe it.

Documents join on DOI, PMID, NCT ID, then normalized title. Numbers the text does not state but
arithmetic on stated numbers gives (a count from a percent and N, ORR from CR + PR) are added
and marked derived. Where documents or sentences disagree, both stay visible as a warning.

Nothing depends on the order the documents come in: studies are listed in document_order (by
path, component by component, as a folder walk gives them) and a study's documents are merged in
precedence order (the most complete record first, ties broken by content, never by path or order).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import attrgetter
from typing import Any

from imatinib_cli import guard, resolve_rules, vocab
from imatinib_cli.models import (
    HEME_LABELS,
    AdverseEvent,
    Design,
    Document,
    Evidence,
    Findings,
    HemeResponse,
    Metadata,
    Outcome,
    Population,
    Quantity,
    ResponseCount,
    Study,
    Warning,
    add_dose,
    distinct_events,
    replace,
)
from imatinib_cli.regexes import case_blind_alternation

__all__ = [
    "document_order",
    "event_denominator",
    "event_percents",
    "group_by_keys",
    "link_keys",
    "merge_group",
    "precedence",
    "resolve",
]


def resolve(findings: Sequence[Findings]) -> list[Study]:
    """One Study per trial, in document_order of each study's first document, whatever order the
    findings come in."""
    kept = sorted(
        (item for item in findings if not _empty(item)), key=lambda item: document_order(item.document)
    )
    groups = group_by_keys([_keys(item.document.metadata) for item in kept])
    return [merge_group([kept[index] for index in group]) for group in groups]


def document_order(document: Document) -> tuple[tuple[str, ...], int]:
    """The canonical order of documents in a report: by path compared component by component (the
    order a folder walk gives: "a/b.txt" before "a-b.txt"), then by record in the file. Sorting by it
    makes a listing independent of the order the paths were given in."""
    path = document.path.replace(os.sep, "/") if os.sep != "/" else document.path
    return tuple(path.split("/")), document.record


# -- the same steps one at a time, for a caller that does not hold every Findings at once ------


def link_keys(findings: Findings) -> list[str] | None:
    """What joins these findings to others (DOI, PMID, NCT, title keys); None: they make no study.

    A streaming caller spills the findings with these keys (spill.SpillStore.put), and the store
    groups them as group_by_keys would.
    """
    return None if _empty(findings) else _keys(findings.document.metadata)


def group_by_keys(keys: Sequence[Sequence[str]]) -> list[list[int]]:
    """Union-find over shared keys: groups of indices into keys, each ascending, groups in the
    order of their first member (the order resolve() gives its studies)."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, item_keys in enumerate(keys):
        for key in item_keys:
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[int]] = {}
    for index in range(len(keys)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())


def merge_group(group: Sequence[Findings]) -> Study:
    """One study from the findings of one group (in any order: they are merged in precedence
    order), as resolve() builds it. A group of one (each document of a worker's lean path) has
    its order already: its precedence key, ~10 % of the study's cost, is not computed."""
    if len(group) == 1:
        return _merge([group[0]])
    return _merge(sorted(group, key=precedence))


def _empty(item: Findings) -> bool:
    """A document that names no trial and states no fact makes no study (it is still listed)."""
    metadata = item.document.metadata
    if metadata.title or metadata.doi or metadata.pmid or metadata.nct_id:
        return False
    facts = (
        item.adverse_events,
        item.outcomes,
        [p for p in item.populations if p.tumor_type or p.n or p.responses or p.heme_responses],
        [d for d in (item.design.phase, item.design.n_enrolled) if d],
    )
    return not any(facts)


# -- grouping ---------------------------------------------------------------------------------


_NOT_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")


# An ASCII title's bytes with its capitals lowercased and every byte but a letter or digit a space.
_TITLE_WORD_BYTES = bytes.maketrans(
    bytes(range(256)),
    bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256)),
)


def normalize_title(title: str | None) -> str | None:
    """The title's runs of ASCII letters and digits, lowercased and joined by spaces (None under
    four), e.g. "Imatinib: a Phase-II trial" -> "imatinib a phase ii trial". The runs are found at
    once (~1.7x faster than cutting at _NOT_WORD's runs, then splitting: the same words); an ASCII
    title's by one byte translation and a split (~2x faster again; another's lowercase can hold
    ASCII letters that were not, the Kelvin sign's "k")."""
    if not title:
        return None
    if title.isascii():
        words = title.encode().translate(_TITLE_WORD_BYTES).split()
        return b" ".join(words).decode() if len(words) >= 4 else None
    words = _WORD.findall(title.lower())
    return " ".join(words) if len(words) >= 4 else None


def _keys(metadata: Metadata) -> list[str]:
    keys = []
    if metadata.doi:
        keys.append("doi:" + metadata.doi.lower().rstrip("."))
    if metadata.pmid:
        keys.append("pmid:" + metadata.pmid)
    if metadata.nct_id:
        keys.append("nct:" + metadata.nct_id.upper())
    # A registry record names the publications about it, and the trial's other numbers.
    if metadata.reference_pmids:  # (no generator made for the usual none)
        keys.extend("pmid:" + pmid for pmid in metadata.reference_pmids)
    if metadata.other_ids:
        keys.extend("nct:" + other.upper() for other in metadata.other_ids if other.upper().startswith("NCT"))
    # A title joins documents only in a bibliographic record (one that also names its journal, year
    # or authors): a first line guessed as the title of a bare text file is too weak to merge on
    # (and is not normalized at all: ~3 % of a one-document study's lean path).
    if metadata.journal or metadata.year or metadata.authors:
        title = normalize_title(metadata.title)
        if title:
            keys.append("title:" + title)
    return keys


# -- precedence -------------------------------------------------------------------------------

# Registry records: their results are data (counts as posted), not numbers read from sentences.
_REGISTRY_FORMATS = frozenset({"ctgov_json", "ctgov_xml", "ctgov_page"})


def precedence(findings: Findings) -> tuple[int, int, int, str, int, str]:
    """Sort key of a study's documents: the first one's values lead, the others fill what it leaves
    unstated, and every value of theirs that differs is a warning.

    The most complete record first: more stated result values (design facts, N, response and
    hematologic counts and percents, doses, toxicity frequencies, outcome values; derived ones do
    not count), then more bibliographic and registry fields. Ties: a registry record before prose
    (its counts are posted data), then the file's sha256 and the record's index in it, so the rule
    reads only content. A journal abstract with N, CR and PR (5 values) leads a bibliographic
    record of the same paper with a title and authors only. The path comes last and only separates
    records with the same bytes (the same file read twice), whose values are equal anyway.
    """
    document = findings.document
    return (
        -_stated_results(findings),
        -_stated_metadata(document.metadata),
        0 if document.format in _REGISTRY_FORMATS else 1,
        document.sha256,
        document.record,
        document.path,
    )


def _stated(quantity: Quantity | None) -> int:
    return int(quantity is not None and not quantity.derived)


def _stated_results(findings: Findings) -> int:
    """How many result values a document states (what `precedence` ranks first)."""
    design = findings.design
    total = sum(
        value is not None
        for value in (
            design.phase,
            design.randomized,
            design.single_arm,
            design.open_label,
            design.multicenter,
        )
    )
    total += _stated(design.n_enrolled)
    for population in findings.populations:
        total += _stated(population.n) + _stated(population.n_evaluable) + _stated(population.n_share)
        total += len(population.doses)
        total += sum(_stated(r.count) + _stated(r.percent) for r in population.responses)
        total += sum(_stated(h.count) + _stated(h.percent) for h in population.heme_responses)
    total += sum(_stated(e.count) + _stated(e.percent) for e in findings.adverse_events)
    total += sum(_stated(o.value) for o in findings.outcomes)
    return total


def _stated_metadata(metadata: Metadata) -> int:
    return sum(getattr(metadata, field.name) not in (None, (), "") for field in fields(Metadata))


# -- merging ----------------------------------------------------------------------------------


def _merge(group: list[Findings]) -> Study:
    """The study of a group already in precedence order: each field from the first document that
    states it; every other document's differing value is a warning naming both values and both
    documents. Each value keeps the Evidence of the document it was read from."""
    warnings: list[Warning] = [w for item in group for w in item.warnings]
    metadata = _merge_metadata(group, warnings)
    design = _merge_design(group, warnings)
    populations = _merge_populations(group, warnings)
    populations = _zeros_to_arms(populations)
    # lists, not generators (a frame resumed an item; a worker's group has one document)
    mixed = any([item.counts_ineligible for item in group])
    armed = any([population.arm is not None for population in populations])
    populations = [
        _derive(population, design.n_enrolled, warnings, mixed, armed) for population in populations
    ]
    if metadata.results_posted is False and not any([p.responses for p in populations]):
        warnings.append(Warning("registered study: no results posted"))
    sources = tuple(dict.fromkeys([item.document.path for item in group]))
    events = _merge_events(group, warnings)
    study = Study(
        id=_study_id(metadata, sources),
        title=metadata.title,
        metadata=metadata,
        sources=sources,
        design=design,
        populations=tuple(populations),
        adverse_events=tuple(event_percents(events, populations, design.n_enrolled)),
        outcomes=tuple(_merge_outcomes(group, warnings)),
        warnings=tuple(warnings),
    )
    return guard.enforce(study)


def _study_id(metadata: Metadata, sources: tuple[str, ...]) -> str:
    if metadata.nct_id:
        return metadata.nct_id.upper()
    if metadata.pmid:
        return f"PMID:{metadata.pmid}"
    if metadata.doi:
        return f"DOI:{metadata.doi}"
    if metadata.journal and metadata.year:
        # A citation names a paper without identifiers: "Eur J Cancer 2003;39:2006".
        parts = [metadata.journal, str(metadata.year), metadata.volume, (metadata.pages or "").split("-")[0]]
        return "cite:" + "-".join(_NOT_WORD.sub("-", p.lower()).strip("-") for p in parts if p)
    title = normalize_title(metadata.title)
    if title:
        # Eight words to read, and a short hash of the whole title so two studies never share an id.
        digest = hashlib.sha256(title.encode()).hexdigest()[:6]
        return "title:" + "-".join(title.split()[:8]) + "-" + digest
    return "file:" + sources[0]


# -- disagreements: both values, each with the document that states it ------------------------


def _from(value: str, document: str | None) -> str:
    return f"{value} ({document})" if document else value


def _both(first: str, first_doc: str | None, second: str, second_doc: str | None) -> str:
    """'147 (a.txt) and 150 (b.txt)': what a disagreement warning says of its two values."""
    return f"{_from(first, first_doc)} and {_from(second, second_doc)}"


def _source(evidence: Evidence | None, fallback: str | None = None) -> str | None:
    return evidence.document if evidence is not None else fallback


def _quantities_differ(a: Quantity, b: Quantity) -> bool:
    """Two values of one thing disagree; a derived percent ('6/19' = 31.6) agrees with a stated one
    it rounds to ('32%') within one unit of the stated one's last written place."""
    if a.derived != b.derived:
        stated = b if a.derived else a
        return abs(a.value - b.value) > _percent_tolerance(stated.value)
    return a.value != b.value


# Metadata fields whose difference is a disagreement worth a warning. Titles, authors, journals and
# registry wording differ between a registry record and its paper by nature: the precedence rule
# picks one, silently.
_IDENTITY_FIELDS = {"doi", "pmid", "nct_id", "year", "enrollment"}


_METADATA_NAMES = tuple(field.name for field in fields(Metadata))
_METADATA_DEFAULTS = tuple(field.default for field in fields(Metadata))
_metadata_values = attrgetter(*_METADATA_NAMES)
_UNSTATED = (None, (), "")


# Metadata's fields by default (None, or () for the tuples: tests/test_lean_shortcuts.py checks
# that there is no other), for _kept_as_is: what each holds, as one tuple.
def _values_of(names: list[str]) -> Callable[[Metadata], tuple[Any, ...]]:
    """attrgetter of names, always a tuple (attrgetter of one name gives the bare value, which an
    `in` test would read as a container)."""
    if len(names) == 1:
        return lambda metadata: (getattr(metadata, names[0]),)
    return attrgetter(*names)


_DEFAULT_NONE = _values_of([n for n, d in zip(_METADATA_NAMES, _METADATA_DEFAULTS, strict=True) if d is None])
_DEFAULT_EMPTY = _values_of([n for n, d in zip(_METADATA_NAMES, _METADATA_DEFAULTS, strict=True) if d == ()])


def _kept_as_is(metadata: Metadata) -> bool:
    """Whether merging one document keeps its Metadata: no field holds an unstated value ("" for a
    title, None, ()) other than its default, which the merge would replace by the default. The
    same as `all(v == d or v not in _UNSTATED ...)` over the fields, in four C-level `in` tests."""
    nones, empties = _DEFAULT_NONE(metadata), _DEFAULT_EMPTY(metadata)
    return "" not in nones and () not in nones and None not in empties and "" not in empties


def _merge_metadata(group: list[Findings], warnings: list[Warning]) -> Metadata:
    if len(group) == 1:
        # One document: its own Metadata, unless an unstated value ("" for a title) differs from
        # the field's default (None), which the merge would put in its place.
        metadata = group[0].document.metadata
        if _kept_as_is(metadata):
            return metadata
    merged: dict[str, object] = {}
    stated_in: dict[str, str] = {}
    for item in group:
        for name, value in zip(_METADATA_NAMES, _metadata_values(item.document.metadata), strict=True):
            if value in _UNSTATED:
                continue
            if name not in merged:
                merged[name] = value
                stated_in[name] = item.document.path
            elif name in _IDENTITY_FIELDS and str(merged[name]).lower() != str(value).lower():
                first = _from(str(merged[name]), stated_in[name])
                second = _from(str(value), item.document.path)
                warnings.append(Warning(f"documents disagree on {name}: {first} vs {second}"))
    return Metadata(**merged)  # type: ignore[arg-type]


def _design_value(value: object) -> object:
    """What is compared of a Design field: a Flag's or Quantity's value, a phase as written."""
    return getattr(value, "value", value)


def _merge_design(group: list[Findings], warnings: list[Warning]) -> Design:
    if len(group) == 1:
        return group[0].design  # every field's default is None: the merge would rebuild it as it is
    merged: dict[str, object] = {}
    stated_in: dict[str, str | None] = {}
    for item in group:
        design = item.design
        for field in fields(Design):
            value = getattr(design, field.name)
            if value is None:
                continue
            where = _source(
                design.phase_evidence if field.name == "phase" else getattr(value, "evidence", None)
            )
            where = where or item.document.path
            if field.name not in merged:
                merged[field.name] = value
                stated_in[field.name] = where
                continue
            if field.name == "phase_evidence":
                continue
            first, second = _design_value(merged[field.name]), _design_value(value)
            if first == second:
                continue
            if field.name == "n_enrolled":
                both = _both(_num(first), stated_in[field.name], _num(second), where)  # type: ignore[arg-type]
                evidence = _evidences(merged[field.name].evidence, value.evidence)  # type: ignore[attr-defined]
                warnings.append(Warning(f"enrollment stated as {both}", evidence))
            else:
                name = field.name.replace("_", " ")
                both = _both(_design_text(first), stated_in[field.name], _design_text(second), where)
                evidence = _evidences(
                    getattr(merged[field.name], "evidence", None), getattr(value, "evidence", None)
                )
                warnings.append(Warning(f"{name} stated as {both}", evidence))
    return Design(**merged)  # type: ignore[arg-type]


def _design_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _population_key(population: Population) -> str:
    key = f"{population.tumor_type or population.label.lower()}|{(population.arm or '').lower()}"
    return f"{key}|{population.criterion.lower()}" if population.criterion else key


def _merge_populations(group: list[Findings], warnings: list[Warning]) -> list[Population]:
    if len(group) == 1 and len(group[0].populations) < 2:
        return list(group[0].populations)  # nothing to merge with: no key made (most documents)
    merged: dict[str, Population] = {}
    for item in group:
        for population in item.populations:
            key = _population_key(population)
            old = merged.get(key)
            merged[key] = population if old is None else _merge_population(old, population, warnings)
    return list(merged.values())


def _sizes(old: Population, new: Population, warnings: list[Warning]) -> dict[str, Quantity | None]:
    """N, N evaluable and the share of the total: the first stated; a differing one is a warning."""
    names = {"n": "N", "n_evaluable": "N evaluable", "n_share": "share of the total (%)"}
    sizes: dict[str, Quantity | None] = {}
    for part, name in names.items():
        mine, theirs = getattr(old, part), getattr(new, part)
        if mine is not None and theirs is not None and mine.value != theirs.value:
            both = _both(
                _num(mine.value), _source(mine.evidence), _num(theirs.value), _source(theirs.evidence)
            )
            warnings.append(
                Warning(f"{old.label}: {name} stated as {both}", _evidences(mine.evidence, theirs.evidence))
            )
        sizes[part] = mine or theirs
    return sizes


def _merge_population(old: Population, new: Population, warnings: list[Warning]) -> Population:
    sizes = _sizes(old, new, warnings)
    responses = {r.category: r for r in old.responses}
    for response in new.responses:
        known = responses.get(response.category)
        if known is None:
            responses[response.category] = response
            continue
        for part in ("count", "percent"):
            mine, theirs = getattr(known, part), getattr(response, part)
            if mine is None and theirs is not None:
                known = replace(known, **{part: theirs})
            elif mine is not None and theirs is not None and mine.value != theirs.value:
                both = _both(
                    _num(mine.value), _source(mine.evidence), _num(theirs.value), _source(theirs.evidence)
                )
                warnings.append(
                    Warning(
                        f"{old.label}: {response.category.upper()} {part} stated as {both}",
                        _evidences(mine.evidence, theirs.evidence),
                    )
                )
        responses[response.category] = known
    doses = list(old.doses)
    for dose in new.doses:
        add_dose(doses, dose)
    heme = _merge_heme(old, new, warnings)
    return replace(
        old,
        heme_responses=heme,
        doses=tuple(doses),
        responses=tuple(responses.values()),
        pooled_arms=old.pooled_arms or new.pooled_arms,
        **sizes,  # type: ignore[arg-type]
    )


def _merge_heme(old: Population, new: Population, warnings: list[Warning]) -> tuple[HemeResponse, ...]:
    """Hematologic, cytogenetic and molecular responses of two documents, one per category and time
    point; where both state one, the leading document's stays and a warning quotes both."""
    merged = {(h.category, h.timepoint): h for h in old.heme_responses}
    for item in new.heme_responses:
        known = merged.get((item.category, item.timepoint))
        if known is None:
            merged[(item.category, item.timepoint)] = item
            continue
        for part in ("count", "percent"):
            mine, theirs = getattr(known, part), getattr(item, part)
            if mine is None and theirs is not None:
                known = replace(known, **{part: theirs})
            elif mine is not None and theirs is not None and mine.value != theirs.value:
                when = f" {item.timepoint}" if item.timepoint else ""
                name = HEME_LABELS.get(item.category, item.category)
                both = _both(
                    _num(mine.value), _source(mine.evidence), _num(theirs.value), _source(theirs.evidence)
                )
                warnings.append(
                    Warning(
                        f"{old.label}: {name}{when} {part} stated as {both}",
                        _evidences(mine.evidence, theirs.evidence),
                    )
                )
        merged[(item.category, item.timepoint)] = known
    return tuple(merged.values())


def _merge_events(group: list[Findings], warnings: list[Warning]) -> list[AdverseEvent]:
    """The toxicities of every document, one per term, grade and arm (models.distinct_events, the
    leading document's first). Where two documents each give one frequency for the same term, grade
    and arm and they differ ('grade 3 neutropenia in 30%' and 'in 35%'), a warning names both."""
    if len(group) == 1:
        return distinct_events(group[0].adverse_events)  # no other document to disagree with
    per_document = [distinct_events(item.adverse_events) for item in group]
    first: dict[tuple[str, str | None, str | None], AdverseEvent] = {}
    for events in per_document:
        mine: dict[tuple[str, str | None, str | None], list[AdverseEvent]] = {}
        for event in events:
            if event.count is not None or event.percent is not None:
                mine.setdefault((event.term or event.as_written.lower(), event.grade, event.arm), []).append(
                    event
                )
        for key, found in mine.items():
            if len(found) != 1:
                continue  # several frequencies in one document (a registry's groups): not comparable
            known = first.setdefault(key, found[0])
            if known is not found[0]:
                _event_disagreement(known, found[0], warnings)
    return distinct_events(event for events in per_document for event in events)


def _event_disagreement(known: AdverseEvent, other: AdverseEvent, warnings: list[Warning]) -> None:
    name = known.term or known.as_written
    grade = f" grade {known.grade}" if known.grade else ""
    arm = f" ({known.arm})" if known.arm else ""
    for part, unit in (("percent", "%"), ("count", "")):
        mine, theirs = getattr(known, part), getattr(other, part)
        if mine is None or theirs is None or not _quantities_differ(mine, theirs):
            continue
        both = _both(
            _num(mine.value) + unit,
            _source(mine.evidence, known.evidence.document),
            _num(theirs.value) + unit,
            _source(theirs.evidence, other.evidence.document),
        )
        warnings.append(
            Warning(
                f"{name}{grade}{arm}: {part} stated as {both}", _evidences(known.evidence, other.evidence)
            )
        )


def _merge_outcomes(group: list[Findings], warnings: list[Warning]) -> list[Outcome]:
    """Every distinct outcome (a differing value is kept beside the other, as before); where two
    documents each give one value for the same measure and they differ, a warning names both."""
    if len(group) == 1:
        return _unique_outcomes(list(group[0].outcomes))  # no other document to disagree with
    first: dict[tuple[object, ...], Outcome] = {}
    for item in group:
        mine: dict[tuple[object, ...], list[Outcome]] = {}
        for outcome in item.outcomes:
            if outcome.value is not None:
                mine.setdefault(_outcome_measure(outcome), []).append(outcome)
        for key, found in mine.items():
            if len(found) != 1:
                continue
            known = first.setdefault(key, found[0])
            if known is found[0] or known.value is None or found[0].value is None:
                continue
            if known.value.value != found[0].value.value or known.unit != found[0].unit:
                both = _both(
                    _with_unit(known.value.value, known.unit),
                    known.evidence.document,
                    _with_unit(found[0].value.value, found[0].unit),
                    found[0].evidence.document,
                )
                what = " ".join(str(part) for part in key if part)
                warnings.append(
                    Warning(
                        f"{what.replace('_', ' ')} stated as {both}",
                        _evidences(known.evidence, found[0].evidence),
                    )
                )
    return _unique_outcomes([o for item in group for o in item.outcomes])


def _with_unit(value: float, unit: str | None) -> str:
    return f"{_num(value)} {unit}" if unit else _num(value)


def _outcome_measure(outcome: Outcome) -> tuple[object, ...]:
    """What an outcome measures (without its value): two documents' values of it can be compared."""
    return (outcome.kind, outcome.population, outcome.timepoint, outcome.gene, outcome.variant)


# -- derivation -------------------------------------------------------------------------------


def _zeros_to_arms(populations: list[Population]) -> list[Population]:
    """'No patient had a complete response' said of a whole study holds for each of its arms."""
    result = []
    for population in populations:
        if population.arm is not None:
            base = next(
                (p for p in populations if p.arm is None and p.tumor_type == population.tumor_type), None
            )
            known = {r.category for r in population.responses}
            zeros = [
                ResponseCount(
                    r.category,
                    Quantity(0.0, r.count.evidence, True, "none in the whole study"),
                    None,
                    r.as_written,
                    r.evidence,
                    derived=True,
                )
                for r in (base.responses if base else ())
                if r.category not in known
                and r.count is not None
                and r.count.value == 0
                and not r.count.derived
            ]
            if zeros:
                population = replace(population, responses=population.responses + tuple(zeros))
        result.append(population)
    return result


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _evidences(*items: Evidence | None) -> tuple[Evidence, ...]:
    return tuple([item for item in items if item is not None])  # (a list: no generator frame)


def _round_half_up(value: float) -> int:
    return int(value + 0.5)


def _percent_tolerance(percent: float) -> float:
    """Slack for a stated percent: one unit in its last written place."""
    return 1.0 if percent == int(percent) else 0.15


def _derive(
    population: Population,
    total: Quantity | None,
    warnings: list[Warning],
    mixed: bool = False,
    armed: bool = False,
) -> Population:
    """Counts, percents, ORR and zeros that plain arithmetic on the population's stated numbers
    gives. `mixed`: the documents say some patients were ineligible, so N minus the evaluable is
    not the number not evaluable. `armed`: the study reports arms, so a population without any
    response of its own is the pooled one whose results are the arms'."""
    n = population.n
    if n is None and population.n_share is not None and total is not None:
        share = population.n_share
        n = Quantity(
            float(_round_half_up(share.value * total.value / 100)),
            share.evidence,
            derived=True,
            derivation=f"{_num(share.value)}% of {_num(total.value)}",
        )
    responses = {r.category: r for r in population.responses}
    orr = responses.get("orr")
    if orr and orr.count and orr.count.value == 0 and not orr.count.derived:
        for category in ("cr", "pr"):
            if category not in responses:
                responses[category] = ResponseCount(
                    category,
                    Quantity(0.0, orr.evidence, True, "no objective responses"),
                    None,
                    orr.as_written,
                    orr.evidence,
                    derived=True,
                )
    denominator = population.n_evaluable or n
    by_measure = _evaluable_by_measure(population.n_evaluable)
    _zeros_when_complete(responses, denominator, n, by_measure)
    if (
        "ne" not in responses
        and not by_measure
        and not mixed
        and resolve_rules.disease_kind(population.tumor_type) is None
    ):
        _not_evaluable(responses, n, population.n_evaluable, armed)
    for category, response in list(responses.items()):
        if category != "orr" and not _outside_denominator(response):
            responses[category] = _fill(response, denominator, population.label, warnings)
    responses = _derive_orr(responses, denominator, population.label, warnings)
    _parts_from_orr(responses)
    ordered = tuple([responses[c] for c in ("cr", "pr", "sd", "pd", "ne", "orr") if c in responses])
    return population.replaced(n=n, responses=ordered)


def _fill(response: ResponseCount, n: Quantity | None, label: str, warnings: list[Warning]) -> ResponseCount:
    """Count from percent and N, percent from count and N; warn where stated ones disagree."""
    count, percent = response.count, response.percent
    if n is None or n.value <= 0:
        return _zero_both_ways(response)
    if count is None and percent is not None:
        count = Quantity(
            float(_round_half_up(percent.value * n.value / 100)),
            percent.evidence,
            True,
            f"{_num(percent.value)}% of {_num(n.value)}",
        )
    elif percent is None and count is not None:
        percent = Quantity(
            round(100 * count.value / n.value, 1),
            count.evidence,
            True,
            f"{_num(count.value)}/{_num(n.value)}",
        )
    elif count is not None and percent is not None and not (count.derived or percent.derived):
        actual = 100 * count.value / n.value
        if abs(actual - percent.value) > _percent_tolerance(percent.value):
            warnings.append(
                Warning(
                    f"{label}: {response.category.upper()} {_num(count.value)}/{_num(n.value)} is "
                    f"{actual:.1f}%, but {_num(percent.value)}% is stated",
                    _evidences(count.evidence, percent.evidence, n.evidence),
                )
            )
    derived = bool((count and count.derived) or (percent and percent.derived)) or response.derived
    if count is response.count and percent is response.percent and derived is response.derived:
        return response  # nothing filled (both stated, or neither): an equal copy would be made
    return response.replaced(count=count, percent=percent, derived=derived)


def _zero_both_ways(response: ResponseCount) -> ResponseCount:
    """'No patient had a complete response' in a group of unstated size: a count of 0 is 0% of
    any group, and 0% of any group is nobody."""
    count, percent = response.count, response.percent
    if count is not None and percent is None and count.value == 0:
        percent = Quantity(0.0, count.evidence, True, "0 patients: 0%")
    elif percent is not None and count is None and percent.value == 0:
        count = Quantity(0.0, percent.evidence, True, "0%: no patient")
    else:
        return response
    return response.replaced(count=count, percent=percent, derived=True)


def _evaluable_by_measure(n_evaluable: Quantity | None) -> bool:
    """'The best responses of the 235 patients with measurable lesions were ...': the response
    denominator is the patients a criterion can measure (`cues.yaml: evaluable_with`), not those
    left over after some could not be evaluated, so the others are not NE: the responses speak of
    the measurable patients only. Read from the words the size was cited with."""
    if n_evaluable is None or n_evaluable.evidence is None:
        return False
    span = n_evaluable.evidence.end - n_evaluable.evidence.start
    quote = n_evaluable.evidence.quote
    for pattern in _evaluable_with():
        for match in pattern.finditer(quote):
            cited = quote[max(0, match.end() - span) : match.end()]
            first = cited.split(None, 1)[0] if cited.split() else ""
            if first == _num(n_evaluable.value) or first.isalpha():
                return True
    return False


@vocab.cached
def _evaluable_with() -> tuple[re.Pattern[str], ...]:
    """Each `cues.yaml: evaluable_with` word as a whole-word, case-blind pattern, compiled once."""
    return tuple(
        re.compile(_whole_word_pattern(word), re.IGNORECASE)
        for word in resolve_rules.words("cues", "evaluable_with")
    )


def _whole_word_pattern(word: str) -> str:
    """For a case-blind pattern: what `\\b` + word + `\\b` matches, opening with the first letter it
    consumes ("measurable" -> "(?-i:[Mm])(?<!\\w.)easurable\\b"), so `re` skips in C to where that
    letter is instead of trying the word at every character (~4 µs a population's quote, most of
    `_evaluable_by_measure`). A word that does not open with an ASCII letter or digit keeps `\\b`."""
    if not (word[:1].isascii() and word[:1].isalnum()):
        return rf"\b{re.escape(word)}\b"
    return case_blind_alternation([(word[0], re.escape(word[1:]) + r"\b")])


def _not_evaluable(
    responses: dict[str, ResponseCount],
    n: Quantity | None,
    n_evaluable: Quantity | None,
    armed: bool = False,
) -> None:
    """'25 patients were enrolled; 22 were evaluated for response': the other 3 are NE. Only the
    count: a percent of NE over the evaluable patients means nothing, and the corpus's rules leave
    it unstated when the responses are given over the evaluable."""
    if n is None or n_evaluable is None or n.derived or n_evaluable.derived:
        return
    if armed and not any([r.count is not None or r.percent is not None for r in responses.values()]):
        return  # the arms hold the results ("52 analyzable: 30 in group A and 22 in group B")
    if n_evaluable.value >= n.value:
        return
    count = Quantity(
        n.value - n_evaluable.value,
        n_evaluable.evidence,
        True,
        f"{_num(n.value)} - {_num(n_evaluable.value)} evaluable",
    )
    responses["ne"] = ResponseCount("ne", count, None, "not evaluable", n_evaluable.evidence, derived=True)


def _outside_denominator(response: ResponseCount) -> bool:
    """NE taken as N minus the evaluable: no percent over the evaluable patients."""
    return bool(
        response.count and response.count.derived and "evaluable" in (response.count.derivation or "")
    )


def _parts_from_orr(responses: dict[str, ResponseCount]) -> None:
    """'The best response was seven partial responses ... an overall response rate of 19%': with
    no complete response, PR is the whole ORR, so PR % is the stated 19 and not 7/38 = 18.4; a
    stated percent is never replaced by one computed from counts. The same for CR when PR is 0."""
    orr = responses.get("orr")
    if orr is None or orr.percent is None or orr.percent.derived:
        return
    for zero, other in (("cr", "pr"), ("pr", "cr")):
        nil, part = responses.get(zero), responses.get(other)
        if nil is None or nil.count is None or nil.count.value != 0 or part is None:
            continue
        if part.percent is not None and not part.percent.derived:
            continue
        percent = Quantity(
            orr.percent.value,
            orr.percent.evidence,
            True,
            f"ORR {_num(orr.percent.value)}% with {zero.upper()} 0",
        )
        responses[other] = part.replaced(percent=percent, derived=True)


def _zeros_when_complete(
    responses: dict[str, ResponseCount],
    denominator: Quantity | None,
    n: Quantity | None,
    by_measure: bool = False,
) -> None:
    """'21 partial responses, 6 stable disease and 4 progressive diseases' in 31 patients: the
    stated counts cover everyone, so every category not named is 0 (an unstated CR alone is not).
    NE is filled only when the counts cover all N, or all the patients with measurable disease
    the responses are given for, not just the patients left evaluable."""
    if denominator is None or denominator.value <= 0:
        return
    # the stated counts and their sum in one loop (sum() adds in the same order: the same float)
    stated = []
    covered = 0
    for category, response in responses.items():
        count = response.count
        if category != "orr" and count is not None and not count.derived:
            stated.append(response)
            covered += count.value
    if not stated or covered != denominator.value:
        return
    terms = " + ".join(f"{r.category.upper()} {_num(r.count.value)}" for r in stated if r.count)
    how = f"{terms} = {_num(denominator.value)}: no other category"
    missing = ["cr", "pr", "sd", "pd"]
    if by_measure or (n is not None and n.value == denominator.value):
        missing.append("ne")
    for category in missing:
        if category not in responses:
            zero = Quantity(0.0, stated[0].evidence, True, how)
            responses[category] = ResponseCount(category, zero, None, "", stated[0].evidence, derived=True)


def _derive_orr(
    responses: dict[str, ResponseCount], n: Quantity | None, label: str, warnings: list[Warning]
) -> dict[str, ResponseCount]:
    cr, pr, orr = responses.get("cr"), responses.get("pr"), responses.get("orr")
    if cr is None or pr is None:
        if orr is not None:
            responses["orr"] = _fill(orr, n, label, warnings)
        return responses
    count = percent = None
    if cr.count and pr.count:
        count = Quantity(
            cr.count.value + pr.count.value,
            pr.count.evidence or cr.count.evidence,
            True,
            f"CR {_num(cr.count.value)} + PR {_num(pr.count.value)}",
        )
    counts_stated = bool(cr.count and pr.count and not cr.count.derived and not pr.count.derived)
    # With stated counts and N, ORR % is count / N (exact); only percents stated: their sum.
    if (
        cr.percent
        and pr.percent
        and not cr.percent.derived
        and not pr.percent.derived
        and not (counts_stated and n)
    ):
        percent = Quantity(
            round(cr.percent.value + pr.percent.value, 1),
            pr.percent.evidence or cr.percent.evidence,
            True,
            f"CR {_num(cr.percent.value)}% + PR {_num(pr.percent.value)}%",
        )
    if orr is None:
        if count is None and percent is None:
            return responses
        orr = ResponseCount("orr", count, percent, "CR + PR", pr.evidence or cr.evidence, derived=True)
        responses["orr"] = _fill(orr, n, label, warnings)
        return responses
    if orr.count is None and count is not None:
        orr = orr.replaced(count=count, derived=True)
    elif orr.count is not None and count is not None and orr.count.value != count.value:
        warnings.append(
            Warning(
                f"{label}: ORR stated as {_num(orr.count.value)} but CR + PR = {_num(count.value)}",
                _evidences(orr.evidence, cr.evidence, pr.evidence),
            )
        )
    if orr.percent is None and percent is not None:
        orr = orr.replaced(percent=percent, derived=True)
    responses["orr"] = _fill(orr, n, label, warnings)
    return responses


# -- adverse events ---------------------------------------------------------------------------

# Words of an arm's name that do not tell arms apart ("arm A" is the arm "A").
_ARM_WORDS = {"arm", "arms", "group", "groups", "cohort", "cohorts", "the"}


def event_percents(
    events: Sequence[AdverseEvent], populations: Sequence[Population], total: Quantity | None
) -> list[AdverseEvent]:
    """A count stated without a percent gets one over its group's size, marked derived ('2/20'):
    'grade 3 neutropenia occurred in 2 patients' in a study of 20 patients is 10%. Only where the
    group is certain (event_denominator); a count over its group's size stays a bare count."""
    result = []
    for event in events:
        count = event.count
        n = event_denominator(event, populations, total) if event.percent is None and count else None
        if count is None or n is None or not 0 <= count.value <= n.value:
            result.append(event)
            continue
        percent = Quantity(
            round(100 * count.value / n.value, 1),
            count.evidence,
            True,
            f"{_num(count.value)}/{_num(n.value)}",
        )
        result.append(event.replaced(percent=percent))
    return result


def event_denominator(
    event: AdverseEvent, populations: Sequence[Population], total: Quantity | None
) -> Quantity | None:
    """The size of the group an event's count is over, when no other group could be meant: the
    event's arm where that arm has a stated N ('G3 neutropenia in 1/0' after 'Arm A (n = 7)');
    else, in a study without arms, the treated total (the population whose N is the enrollment,
    or the only population with an N). Never the evaluable-for-response subset, and None when a
    study has arms but the event names none (it could be one arm's count)."""
    groups = [p for p in populations if p.criterion is None and p.n is not None and p.n.value > 0]
    if event.arm is not None:
        wanted = _arm_words(event.arm)
        matches = [p for p in groups if p.arm is not None and wanted and _arm_words(p.arm) == wanted]
        return matches[0].n if len(matches) == 1 else None
    armed = any(p.arm is not None for p in populations)
    if armed and not _names_no_group(event, populations):
        return None
    if total is not None and total.value > 0:
        whole = [p for p in groups if p.arm is None and p.n is not None and p.n.value == total.value]
        if whole:
            return whole[0].n
    return groups[0].n if len(groups) == 1 and not armed else None


def _names_no_group(event: AdverseEvent, populations: Sequence[Population]) -> bool:
    """'The major grade 3 events were seizure (present in 17 patients)' in a study with arms A and
    B: a sentence that names no arm, cohort or comparison speaks of every patient treated, so its
    count is over the whole study (when the study has a population of the enrolled total)."""
    quote = event.evidence.quote if event.evidence is not None else ""
    return resolve_rules.names_no_arm(quote, [p.arm for p in populations if p.arm is not None])


def _arm_words(arm: str) -> tuple[str, ...]:
    words = tuple(w for w in re.findall(r"[a-z0-9]+", arm.lower()) if w not in _ARM_WORDS)
    return () if len(words) == 1 and words[0].isdigit() and not re.search(r"[a-z]", arm.lower()) else words


# -- events and outcomes ----------------------------------------------------------------------


def _unique_outcomes(outcomes: list[Outcome]) -> list[Outcome]:
    if len(outcomes) < 2:
        return outcomes  # nothing to be the same as (a document's usual one outcome, or none)
    seen: dict[tuple[object, ...], Outcome] = {}
    for outcome in outcomes:
        key = (
            outcome.kind,
            outcome.value.value if outcome.value else None,
            outcome.unit,
            outcome.gene,
            outcome.variant,
            outcome.population,
        )
        seen.setdefault(key, outcome)
    return list(seen.values())
