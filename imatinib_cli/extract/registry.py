"""Posted registry results as stated data: each results group a population, each response-like
outcome measure a response count, each adverse event a toxicity with its numerator and denominator.

Nothing here parses prose: the numbers come from the registry's own fields, and their Evidence
carries the JSON/XML path they were read from.
"""

from __future__ import annotations

from imatinib_cli import vocab
from imatinib_cli.extract import cues, heme
from imatinib_cli.extract.populations import PopulationDraft
from imatinib_cli.models import (
    AdverseEvent,
    Evidence,
    HemeResponse,
    Quantity,
    RegistryMeasure,
    RegistryResults,
    ResponseCount,
    TumorMention,
)

_PERCENT_UNITS = ("percent", "percentage", "% of participants", "%")


def registry_populations(
    results: RegistryResults, base: PopulationDraft | None, mention: TumorMention | None
) -> list[PopulationDraft]:
    """One population per results group that has a response-like measure or a size."""
    drafts: dict[str, PopulationDraft] = {}
    base_label = base.label if base else (mention.as_written if mention else "participants")
    totals = cues.words("cues", "registry_total_groups")
    for group in results.groups:
        if group.title.strip().lower() in totals:
            continue  # the sum of the arms, not a population of its own
        draft = PopulationDraft(
            f"{mention.code if mention else 'all'}|{group.title.lower()}",
            f"{base_label}, {group.title}",
            mention,
            arm=group.title,
        )
        if group.n is not None:
            draft.n = Quantity(float(group.n), group.evidence)
        draft.evidence = group.evidence
        drafts[group.id] = draft
    for measure in results.measures:
        if measure.kind == "flow":
            _flow(drafts, measure)
            continue
        category = response_category(measure)
        draft = drafts.get(measure.group_id)
        if category is None or draft is None or measure.value is None:
            continue
        if measure.denominator is not None and draft.n is None:
            draft.n = Quantity(float(measure.denominator), measure.evidence)
        is_percent = (measure.unit or "").lower().strip() in _PERCENT_UNITS
        quantity = Quantity(measure.value, measure.evidence)
        if heme.is_heme(category):
            # "Number of Participants With Major Molecular Response": the hematologic axis.
            draft.heme.setdefault(
                (category, None),
                HemeResponse(
                    heme.heme_axes()[category],
                    category,
                    None if is_percent else quantity,
                    quantity if is_percent else None,
                    None,
                    measure.category or measure.outcome,
                    measure.evidence,
                ),
            )
            continue
        response = ResponseCount(
            category,
            None if is_percent else quantity,
            quantity if is_percent else None,
            measure.category or measure.outcome,
            measure.evidence,
        )
        draft.responses.setdefault(category, response)
    # Flow, outcome and adverse-event groups of one arm share its title: one population each.
    merged: dict[str, PopulationDraft] = {}
    for draft in drafts.values():
        known = merged.get(draft.key)
        if known is None:
            merged[draft.key] = draft
            continue
        known.n = known.n or draft.n
        for category, response in draft.responses.items():
            known.responses.setdefault(category, response)
        for key, value in draft.heme.items():
            known.heme.setdefault(key, value)
    return [d for d in merged.values() if d.responses or d.heme or d.n is not None]


def _flow(drafts: dict[str, PopulationDraft], measure: RegistryMeasure) -> None:
    """Participants who STARTED a group are its size when no outcome states one."""
    draft = drafts.get(measure.group_id)
    if draft is None or measure.value is None or (measure.category or "").upper() != "STARTED":
        return
    if draft.n is None:
        draft.n = Quantity(measure.value, measure.evidence)


def response_category(measure: RegistryMeasure) -> str | None:
    """The response category a measure counts: from its category title, else its outcome title."""
    matcher = heme.category_matcher()
    if (measure.param_type or "").upper() not in ("", "COUNT_OF_PARTICIPANTS", "NUMBER"):
        return None
    for text in (measure.category, measure.outcome):
        if not text:
            continue
        hits = [hit for hit in matcher.find(text) if hit.key != "none"]
        if hits:
            return hits[0].key
    return None


def registry_adverse_events(results: RegistryResults, document: str) -> list[AdverseEvent]:
    """Each event per group, with the affected count stated and the percent derived from at-risk."""
    titles = {group.id: group.title for group in results.groups}
    matcher = vocab.adverse_event_matcher()
    events: list[AdverseEvent] = []
    for event in results.adverse_events:
        hits = matcher.find(event.term)
        term = hits[0].key if hits and hits[0].end - hits[0].start >= len(event.term.strip()) - 2 else None
        count = Quantity(float(event.affected), event.evidence) if event.affected is not None else None
        percent = None
        if event.affected is not None and event.at_risk:
            percent = Quantity(
                round(100 * event.affected / event.at_risk, 1),
                event.evidence,
                True,
                f"{event.affected}/{event.at_risk} at risk",
            )
        group = titles.get(event.group_id, event.group_id)
        events.append(
            AdverseEvent(
                term=term,
                as_written=f"{event.term} ({group}{', serious' if event.serious else ''})",
                soc=hits[0].entry.get("soc") if term else event.organ_system,
                percent=percent,
                count=count,
                grade=None,
                evidence=event.evidence or Evidence(document, 0, 0, event.term),
            )
        )
    return events
