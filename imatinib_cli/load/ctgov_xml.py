"""Reader for legacy ClinicalTrials.gov XML (`clinical_study`, the pre-2024 download format).

Metadata: nct_id, nct_alias / org_study_id / secondary_id (other_ids), official_title (else
brief_title), overall_status, phase, study_design_info allocation and masking, enrollment (kept
unless its type is Anticipated/Estimated), condition, reference and results_reference PMIDs, and
whether clinical_results is present. Document.text is the protocol's prose (see
_registry.ProtocolText). clinical_results becomes Document.registry_results, each value's evidence
path written XPath-style from the record root with 1-based positions, e.g.
"clinical_results/reported_events/other_events/category_list/category[2]/event_list/event[1]/counts[1]@subjects_affected".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from imatinib_cli.load import limits
from imatinib_cli.load._biblio import NCT_RE
from imatinib_cli.load._build import document, with_warnings
from imatinib_cli.load._registry import (
    ProtocolText,
    ResultsBuilder,
    is_estimated,
    measure_kind,
    paragraphs,
    param_type,
    phase_of,
    to_int,
)
from imatinib_cli.load._structured import Unreadable, XmlStream, dropped_reasons, findtext, root_name, text_of
from imatinib_cli.models import Document, RegistryResults

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

FORMAT = "ctgov_xml"
_ROOT = "clinical_study"
_NOUNS = {"condition": "conditions"}


def sniff(text: str) -> bool:
    return root_name(text) == _ROOT


def _each(parent: Element | None, path: str) -> Iterator[tuple[int, Element]]:
    """(1-based position, element) for every match of path under parent."""
    if parent is None:
        return iter(())
    return enumerate(parent.findall(path), start=1)


def _block(element: Element | None, path: str) -> str:
    """A <textblock> (or plain element) with its hard wrapping undone."""
    if element is None:
        return ""
    found = element.find(path)
    if found is None:
        return ""
    return paragraphs("".join(found.itertext()))


def read(path: str, sha256: str, text: str) -> Document:
    caps = {"condition": limits.MAX_CONDITIONS}
    stream = XmlStream(text, caps=caps)
    try:
        root = stream.tree()
    except Unreadable as exc:
        return exc.document(path, sha256, FORMAT)
    fields = _metadata(root)
    protocol = _protocol_text(root, fields.get("title") or "")
    doc = document(path, sha256, FORMAT, protocol.text, fields, protocol.sections)
    results = root.find("clinical_results")
    if results is not None:
        doc = replace(doc, registry_results=_results(path, results))
    return with_warnings(doc, dropped_reasons(stream.dropped, caps, _NOUNS))


def _metadata(root: Element) -> dict[str, Any]:
    nct_id = findtext(root, "id_info/nct_id").upper()
    fields: dict[str, Any] = {
        "nct_id": nct_id if NCT_RE.fullmatch(nct_id) else None,
        "title": findtext(root, "official_title") or findtext(root, "brief_title"),
        "registry_status": findtext(root, "overall_status"),
        "phase": phase_of([findtext(root, "phase")]),
        "allocation": findtext(root, "study_design_info/allocation"),
        "masking": findtext(root, "study_design_info/masking"),
        "conditions": tuple(t for e in root.findall("condition") if (t := text_of(e))),
        "results_posted": root.find("clinical_results") is not None,
    }
    enrollment = root.find("enrollment")
    count = to_int(text_of(enrollment)) if enrollment is not None else None
    if count is not None and enrollment is not None and not is_estimated(enrollment.get("type")):
        fields["enrollment"] = count
    # "reference" elements cite background work; "results_reference" ones report this trial.
    pmids = [findtext(ref, "PMID") for ref in root.findall("results_reference")]
    fields["reference_pmids"] = tuple(dict.fromkeys(p for p in pmids if p.isdigit()))
    others = [text_of(e) for e in root.findall("id_info/org_study_id")]
    others += [text_of(e) for e in root.findall("id_info/secondary_id")]
    others += [text_of(e).upper() for e in root.findall("id_info/nct_alias")]
    fields["other_ids"] = tuple(dict.fromkeys(i for i in others if i and i != nct_id))
    return fields


def _protocol_text(root: Element, title: str) -> ProtocolText:
    out = ProtocolText()
    if title:
        out.title(title)
    out.prose("Brief summary", _block(root, "brief_summary/textblock"), "brief_summary")
    out.prose("Detailed description", _block(root, "detailed_description/textblock"), "detailed_description")
    out.conditions(text_of(e) for e in root.findall("condition"))
    out.arms_interventions(
        [
            (findtext(arm, "arm_group_label"), findtext(arm, "arm_group_type"), _block(arm, "description"))
            for arm in root.findall("arm_group")
        ],
        [
            (
                findtext(item, "intervention_type"),
                findtext(item, "intervention_name"),
                _block(item, "description"),
            )
            for item in root.findall("intervention")
        ],
    )
    out.outcome_measures(
        (kind, findtext(item, "measure"), findtext(item, "time_frame"), _block(item, "description"))
        for tag, kind in (
            ("primary_outcome", "Primary"),
            ("secondary_outcome", "Secondary"),
            ("other_outcome", "Other"),
        )
        for item in root.findall(tag)
    )
    out.eligibility(_block(root, "eligibility/criteria/textblock"))
    return out


# --- posted results -------------------------------------------------------------------------


def _results(document_path: str, results: Element) -> RegistryResults:
    out = ResultsBuilder(document_path)
    root = "clinical_results"
    _flow(out, results.find("participant_flow"), f"{root}/participant_flow")
    for o, outcome in _each(results, "outcome_list/outcome"):
        _outcome(out, outcome, o, f"{root}/outcome_list/outcome[{o}]")
    _events(out, results.find("reported_events"), f"{root}/reported_events")
    return out.results()


def _groups(
    out: ResultsBuilder,
    parent: Element,
    base: str,
    scope: str,
    sizes: dict[str, tuple[int, str]],
    noun: str,
) -> dict[str, str]:
    ids: dict[str, str] = {}
    for g, group in _each(parent, "group_list/group"):
        raw = group.get("group_id", "").strip()
        if not raw:
            continue
        title = findtext(group, "title")
        n, where = sizes.get(raw, (None, f"{base}/group_list/group[{g}]"))
        ids[raw] = out.group(raw, scope, title, _block(group, "description"), n, where, noun)
    return ids


def _flow(out: ResultsBuilder, flow: Element | None, base: str) -> None:
    if flow is None:
        return
    started: dict[str, tuple[int, str]] = {}
    for p, period in _each(flow, "period_list/period"):
        for m, milestone in _each(period, "milestone_list/milestone"):
            if findtext(milestone, "title").upper() != "STARTED":
                continue
            for a, item in _each(milestone, "participants_list/participants"):
                n = to_int(item.get("count"))
                raw = item.get("group_id", "")
                if n is not None and raw and raw not in started:
                    where = (
                        f"{base}/period_list/period[{p}]/milestone_list/milestone[{m}]"
                        f"/participants_list/participants[{a}]@count"
                    )
                    started[raw] = (n, where)
    ids = _groups(out, flow, base, "flow", started, "started")
    for p, period in _each(flow, "period_list/period"):
        outcome = findtext(period, "title") or "Participant flow"
        here = f"{base}/period_list/period[{p}]"
        # (category, the element holding its per-group counts, its path): milestones, then reasons.
        rows = [
            (findtext(milestone, "title"), milestone, f"{here}/milestone_list/milestone[{m}]")
            for m, milestone in _each(period, "milestone_list/milestone")
        ] + [
            (
                f"NOT COMPLETED: {findtext(reason, 'title') or 'reason not given'}",
                reason,
                f"{here}/drop_withdraw_reason_list/drop_withdraw_reason[{d}]",
            )
            for d, reason in _each(period, "drop_withdraw_reason_list/drop_withdraw_reason")
        ]
        for category, parent, where in rows:
            for a, item in _each(parent, "participants_list/participants"):
                raw = item.get("group_id", "")
                out.flow_count(
                    outcome=outcome,
                    category=category,
                    group_id=ids.get(raw, raw),
                    value=item.get("count"),
                    path=f"{where}/participants_list/participants[{a}]@count",
                )


def _analyzed(parent: Element | None, base: str) -> dict[str, tuple[int, str]]:
    """Participants analyzed per group (the analyzed entry in participants, else the first)."""
    entries = list(_each(parent, "analyzed_list/analyzed"))
    if not entries:
        return {}
    a, chosen = next(
        ((i, e) for i, e in entries if findtext(e, "units").lower() == "participants"), entries[0]
    )
    out: dict[str, tuple[int, str]] = {}
    for c, count in _each(chosen, "count_list/count"):
        n = to_int(count.get("value"))
        if n is not None and count.get("group_id"):
            out[count.get("group_id", "")] = (
                n,
                f"{base}/analyzed_list/analyzed[{a}]/count_list/count[{c}]@value",
            )
    return out


def _outcome(out: ResultsBuilder, outcome: Element, position: int, base: str) -> None:
    measure = outcome.find("measure")
    title = findtext(outcome, "title") or findtext(measure, "title") or f"outcome {position}"
    kind = measure_kind(findtext(outcome, "type"))
    analyzed = _analyzed(measure, f"{base}/measure")
    ids = _groups(out, outcome, base, f"outcome{position}", analyzed, "analyzed")
    if measure is None:
        return
    param = param_type(findtext(measure, "param"))
    unit = findtext(measure, "units") or None
    for c, klass in _each(measure, "class_list/class"):
        class_base = f"{base}/measure/class_list/class[{c}]"
        class_title = findtext(klass, "title")
        denominators = _analyzed(klass, class_base) or analyzed
        for k, category in _each(klass, "category_list/category"):
            category_title = findtext(category, "title")
            label = " / ".join(t for t in (class_title, category_title) if t) or None
            for v, value in _each(category, "measurement_list/measurement"):
                raw = value.get("group_id", "")
                denominator = denominators.get(raw)
                out.measure(
                    outcome=title,
                    kind=kind,
                    param=param,
                    unit=unit,
                    category=label,
                    group_id=ids.get(raw, raw),
                    value=value.get("value"),
                    denominator=denominator[0] if denominator else None,
                    path=(
                        f"{class_base}/category_list/category[{k}]/measurement_list/measurement[{v}]@value"
                    ),
                )


def _is_total(category: Element, event: Element) -> bool:
    """The "Total" rows summarize all events of a kind; they are not an event term."""
    return findtext(category, "title").lower() == "total" or findtext(event, "sub_title").lower().startswith(
        "total,"
    )


def _events(out: ResultsBuilder, reported: Element | None, base: str) -> None:
    if reported is None:
        return
    at_risk: dict[str, tuple[int, str]] = {}
    for kind in ("serious_events", "other_events"):
        for c, category in _each(reported, f"{kind}/category_list/category"):
            for e, event in _each(category, "event_list/event"):
                for n, counts in _each(event, "counts"):
                    raw, value = counts.get("group_id", ""), to_int(counts.get("subjects_at_risk"))
                    if raw and value is not None and raw not in at_risk:
                        at_risk[raw] = (
                            value,
                            f"{base}/{kind}/category_list/category[{c}]/event_list/event[{e}]"
                            f"/counts[{n}]@subjects_at_risk",
                        )
    ids = _groups(out, reported, base, "events", at_risk, "at risk")
    for kind, serious in (("serious_events", True), ("other_events", False)):
        for c, category in _each(reported, f"{kind}/category_list/category"):
            organ_system = findtext(category, "title") or None
            for e, event in _each(category, "event_list/event"):
                term = findtext(event, "sub_title")
                if not term or _is_total(category, event):
                    continue
                for n, counts in _each(event, "counts"):
                    raw = counts.get("group_id", "")
                    out.adverse_event(
                        term=term,
                        organ_system=organ_system,
                        group_id=ids.get(raw, raw),
                        affected=counts.get("subjects_affected"),
                        at_risk=counts.get("subjects_at_risk"),
                        serious=serious,
                        path=(
                            f"{base}/{kind}/category_list/category[{c}]/event_list/event[{e}]"
                            f"/counts[{n}]@subjects_affected"
                        ),
                    )
