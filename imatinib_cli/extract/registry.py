"""Posted registry results as stated data: each results group a population, each response-like
outcome measure a response count, each adverse event a toxicity with its numerator and denominator.

The numbers come from the registry's own fields (JSON/XML, with their path) or its tables (a page
saved as text, with their span in the text); the only prose read is each group's own title and
description, for the group's dose.
"""

from __future__ import annotations

import re
from dataclasses import replace

from imatinib_cli import vocab
from imatinib_cli.extract import cues, heme
from imatinib_cli.extract.context import build_context
from imatinib_cli.extract.dose import find_doses
from imatinib_cli.extract.populations import PopulationDraft
from imatinib_cli.models import (
    AdverseEvent,
    Document,
    Dose,
    Evidence,
    HemeResponse,
    Quantity,
    RegistryGroup,
    RegistryMeasure,
    RegistryResults,
    ResponseCount,
    TumorMention,
    add_dose,
)

_PERCENT_UNITS = ("percent", "percentage", "% of participants", "%")


def registry_populations(
    results: RegistryResults,
    base: PopulationDraft | None,
    mention: TumorMention | None,
    document: Document | None = None,
) -> list[PopulationDraft]:
    """One population per results group that has a response-like measure or a size; with the
    document, each also gets the imatinib dose its title and description state."""
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
        if document is not None:
            draft.doses = group_doses(group, document)
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
        for dose in draft.doses:
            add_dose(known.doses, dose)
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


_TITLE_AMOUNT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*-?\s*mg\b(?!\s*/\s*(?:m|kg))", re.I)


def group_doses(group: RegistryGroup, document: Document) -> list[Dose]:
    """The daily imatinib doses of one results group, read from its title and description.

    "Imatinib 800 mg" described as "400 mg twice daily (b.i.d.)" is 800 mg/day: when the title
    names an amount and a dose read from the description comes to that amount per day, that dose
    alone is the group's (another reading of the same words, such as 800 mg given twice daily,
    is dropped). A group about another drug only gets no dose.
    """
    title, description = group.title, group.description or ""
    words = f"{title}. {description}" if description else title
    names_imatinib = bool(cues.imatinib_names().search(words))
    if not names_imatinib and cues.matcher("schedules", "other_drugs").any(words):
        return []
    mini = Document(path=document.path, sha256=document.sha256, format=document.format, text=words)
    context = build_context(mini)
    doses: list[Dose] = []
    for info in context.sentences:
        for hit in find_doses(context, info):
            for dose in hit.doses:
                add_dose(doses, replace(dose, evidence=_placed(dose.evidence, words, group, document)))
    stated = {float(m.group(1)) for m in _TITLE_AMOUNT_RE.finditer(title)}
    matching = [d for d in doses if d.mg_per_day is not None and d.mg_per_day in stated]
    return matching[:1] if matching else doses


def _placed(evidence: Evidence, words: str, group: RegistryGroup, document: Document) -> Evidence:
    """Evidence in the document's own text where the group's words are found there, else the
    group's registry path (the JSON/XML readers do not write result groups into the text)."""
    fragment = words[evidence.start : evidence.end]
    for part in (group.description or "", group.title):
        local = words.find(part) if part else -1
        if local < 0 or not (local <= evidence.start and evidence.end <= local + len(part)):
            continue
        found = document.text.find(part)
        if found >= 0:
            shift = found - local
            return Evidence(document.path, evidence.start + shift, evidence.end + shift, evidence.quote)
    path = group.evidence.path if group.evidence is not None else None
    return Evidence(document.path, 0, 0, fragment or evidence.quote, path=path)
