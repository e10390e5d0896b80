"""Reader for ClinicalTrials.gov API v2 JSON: a single study, or `{"studies": [...]}` (one per record).

Metadata from protocolSection: nctId, officialTitle (else briefTitle), overallStatus, phases,
enrollmentInfo (count kept unless its type says ESTIMATED), allocation, masking, conditions,
reference PMIDs, other identifiers (orgStudyIdInfo, secondaryIdInfos except grant numbers,
nctIdAliases), and whether results are posted (hasResults, else a resultsSection being present).
Document.text is the protocol's prose (see _registry.ProtocolText). Posted results (resultsSection)
become Document.registry_results with JSON paths as evidence, e.g.
"resultsSection.adverseEventsModule.otherEvents[2].stats[1].numAffected"; in a study list the path
starts with "studies[i].".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from imatinib_cli.load import limits
from imatinib_cli.load._biblio import NCT_RE
from imatinib_cli.load._build import document, rest_of_file, skipped, with_warnings
from imatinib_cli.load._registry import (
    GRANT_ID_TYPES,
    ProtocolText,
    ResultsBuilder,
    is_estimated,
    markdown_prose,
    measure_kind,
    param_type,
    phase_of,
    to_int,
)
from imatinib_cli.load._structured import NotStreamable, Unreadable, cap_lists, json_members, parse_json
from imatinib_cli.load._text import collapse
from imatinib_cli.models import Document, RegistryResults

FORMAT = "ctgov_json"

_SNIFF_RE = re.compile(r'\A\s*\{\s*"')
_KEY = '"protocolSection"'


def sniff(text: str) -> bool:
    return bool(_SNIFF_RE.match(text)) and _KEY in text


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return collapse(value) if isinstance(value, str) else ""


def read(path: str, sha256: str, text: str) -> list[Document]:
    """A study, or each study of a list as the parser reaches it (see _structured.json_members)."""
    try:
        return _read_streamed(path, sha256, text)
    except NotStreamable:
        pass
    try:
        data = parse_json(text)
    except Unreadable as exc:
        return [exc.document(path, sha256, FORMAT)]
    if isinstance(data, dict) and not isinstance(data.get("protocolSection"), dict):
        studies = data.get("studies")
        if isinstance(studies, list):
            return _study_list(path, sha256, studies, {})
    return _read_value(path, sha256, data)


def _read_streamed(path: str, sha256: str, text: str) -> list[Document]:
    top: dict[str, Any] = {}
    documents = _study_list(path, sha256, json_members(text, "studies", top), top)
    if isinstance(top.get("protocolSection"), dict) or not isinstance(top.get("studies"), list):
        return _read_value(path, sha256, top)  # a single study (it wins over a list), or another shape
    return documents


def _study_list(path: str, sha256: str, studies: Iterable[Any], top: dict[str, Any]) -> list[Document]:
    """One Document per study, up to MAX_RECORDS_PER_FILE (the rest are counted, not read)."""
    out = []
    index = -1
    for index, study in enumerate(studies):
        if index >= limits.MAX_RECORDS_PER_FILE or isinstance(top.get("protocolSection"), dict):
            continue
        if isinstance(study, dict) and isinstance(study.get("protocolSection"), dict):
            out.append(_study(path, sha256, study, f"studies[{index}]."))
        else:
            out.append(skipped(path, sha256, FORMAT, f"studies[{index}] is not a study (no protocolSection)"))
    if index >= limits.MAX_RECORDS_PER_FILE:
        out.append(rest_of_file(path, sha256, FORMAT, index + 1))
    if out:
        return out
    return [skipped(path, sha256, FORMAT, "study list with no studies")]


def _read_value(path: str, sha256: str, data: Any) -> list[Document]:
    if isinstance(data, dict) and isinstance(data.get("protocolSection"), dict):
        return [_study(path, sha256, data, "")]
    keys = ", ".join(sorted(data)[:8]) if isinstance(data, dict) else type(data).__name__
    return [
        skipped(
            path,
            sha256,
            FORMAT,
            f"JSON is not a ClinicalTrials.gov API v2 study or study list (top level: {keys})",
        )
    ]


def _caps(study: dict[str, Any], prefix: str) -> list[str]:
    """Cut the study's lists to their limits, in place; the warnings that say so."""
    warnings = []
    conditions = _dict(_dict(study.get("protocolSection")).get("conditionsModule")).get("conditions")
    cap = limits.MAX_CONDITIONS
    if isinstance(conditions, list) and len(conditions) > cap:
        warnings.append(limits.over_limit(len(conditions), "conditions", cap, "the limit per record"))
        del conditions[cap:]
    cap = limits.MAX_SIBLINGS
    for where, length in cap_lists(study, cap, prefix.rstrip(".")):
        warnings.append(limits.over_limit(length, f"items in {where}", cap, "the limit per list"))
    return warnings


def _metadata(study: dict[str, Any]) -> dict[str, Any]:
    protocol = _dict(study.get("protocolSection"))
    ident = _dict(protocol.get("identificationModule"))
    status = _dict(protocol.get("statusModule"))
    design = _dict(protocol.get("designModule"))
    info = _dict(design.get("designInfo"))
    enrollment = _dict(design.get("enrollmentInfo"))
    nct_id = (_str(ident.get("nctId")) or "").upper()
    fields: dict[str, Any] = {
        "nct_id": nct_id if NCT_RE.fullmatch(nct_id) else None,  # as the XML reader checks it
        "title": _str(ident.get("officialTitle")) or _str(ident.get("briefTitle")),
        "registry_status": _str(status.get("overallStatus")),
        "phase": phase_of([p for p in _list(design.get("phases")) if isinstance(p, str)]),
        "allocation": _str(info.get("allocation")),
        "masking": _str(_dict(info.get("maskingInfo")).get("masking")),
        "conditions": tuple(
            _str(c) for c in _list(_dict(protocol.get("conditionsModule")).get("conditions")) if _str(c)
        ),
    }
    count = to_int(enrollment.get("count"))
    if count is not None and not is_estimated(_str(enrollment.get("type"))):
        fields["enrollment"] = count
    pmids = [
        _str(ref.get("pmid"))
        for ref in _list(_dict(protocol.get("referencesModule")).get("references"))
        if isinstance(ref, dict)
        and _str(ref.get("pmid")).isdigit()
        # Background references cite other work; only RESULT (and DERIVED: linked by NLM) report this trial.
        and _str(ref.get("type")).upper() in ("RESULT", "DERIVED")
    ]
    fields["reference_pmids"] = tuple(dict.fromkeys(pmids))
    others = [_str(_dict(ident.get("orgStudyIdInfo")).get("id"))]
    others += [
        _str(item.get("id"))
        for item in _list(ident.get("secondaryIdInfos"))
        if isinstance(item, dict) and _str(item.get("type")).upper() not in GRANT_ID_TYPES
    ]
    others += [_str(alias) for alias in _list(ident.get("nctIdAliases"))]
    fields["other_ids"] = tuple(dict.fromkeys(i for i in others if i and i != fields["nct_id"]))
    if isinstance(study.get("hasResults"), bool):
        fields["results_posted"] = study["hasResults"]
    elif isinstance(study.get("resultsSection"), dict):
        fields["results_posted"] = True
    return fields


def _protocol_text(protocol: dict[str, Any], title: str) -> ProtocolText:
    out = ProtocolText()
    if title:
        out.title(title)
    description = _dict(protocol.get("descriptionModule"))
    out.prose("Brief summary", markdown_prose(_str_raw(description.get("briefSummary"))), "brief_summary")
    out.prose(
        "Detailed description",
        markdown_prose(_str_raw(description.get("detailedDescription"))),
        "detailed_description",
    )
    out.conditions(_str(c) for c in _list(_dict(protocol.get("conditionsModule")).get("conditions")))
    arms = _dict(protocol.get("armsInterventionsModule"))
    out.arms_interventions(
        [
            (_str(a.get("label")), _str(a.get("type")).replace("_", " "), _prose(a))
            for a in map(_dict, _list(arms.get("armGroups")))
        ],
        [
            (_str(i.get("type")).replace("_", " "), _str(i.get("name")), _prose(i))
            for i in map(_dict, _list(arms.get("interventions")))
        ],
    )
    outcomes = _dict(protocol.get("outcomesModule"))
    out.outcome_measures(
        (kind, _str(item.get("measure")), _str(item.get("timeFrame")), _prose(item))
        for key, kind in (
            ("primaryOutcomes", "Primary"),
            ("secondaryOutcomes", "Secondary"),
            ("otherOutcomes", "Other"),
        )
        for item in map(_dict, _list(outcomes.get(key)))
    )
    out.eligibility(
        markdown_prose(_str_raw(_dict(protocol.get("eligibilityModule")).get("eligibilityCriteria")))
    )
    return out


def _str_raw(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _prose(item: dict[str, Any]) -> str:
    return markdown_prose(_str_raw(item.get("description")))


def _study(path: str, sha256: str, study: dict[str, Any], prefix: str) -> Document:
    warnings = _caps(study, prefix)
    fields = _metadata(study)
    protocol = _dict(study.get("protocolSection"))
    text = _protocol_text(protocol, fields["title"])
    doc = document(path, sha256, FORMAT, text.text, fields, text.sections)
    results = study.get("resultsSection")
    if isinstance(results, dict):
        doc = replace(doc, registry_results=_results(path, results, prefix + "resultsSection"))
    return with_warnings(doc, warnings)


# --- posted results -------------------------------------------------------------------------


def _results(document_path: str, results: dict[str, Any], root: str) -> RegistryResults:
    out = ResultsBuilder(document_path)
    _flow(out, _dict(results.get("participantFlowModule")), f"{root}.participantFlowModule")
    _outcomes(out, _dict(results.get("outcomeMeasuresModule")), f"{root}.outcomeMeasuresModule")
    _adverse_events(out, _dict(results.get("adverseEventsModule")), f"{root}.adverseEventsModule")
    return out.results()


def _flow(out: ResultsBuilder, module: dict[str, Any], root: str) -> None:
    started: dict[str, tuple[int, str]] = {}
    periods = _list(module.get("periods"))
    for p, period in enumerate(periods):
        for m, milestone in enumerate(_list(_dict(period).get("milestones"))):
            milestone = _dict(milestone)
            if _str(milestone.get("type")).upper() != "STARTED":
                continue
            for a, achievement in enumerate(_list(milestone.get("achievements"))):
                achievement = _dict(achievement)
                n = to_int(achievement.get("numSubjects"))
                gid = _str(achievement.get("groupId"))
                if n is not None and gid and gid not in started:
                    where = f"{root}.periods[{p}].milestones[{m}].achievements[{a}].numSubjects"
                    started[gid] = (n, where)
    ids: dict[str, str] = {}
    for g, group in enumerate(_list(module.get("groups"))):
        group = _dict(group)
        raw = _str(group.get("id"))
        if not raw:
            continue
        title = _str(group.get("title"))
        n, where = started.get(raw, (None, f"{root}.groups[{g}]"))
        ids[raw] = out.group(raw, "flow", title, _str_raw(group.get("description")), n, where, "started")
    for p, period in enumerate(periods):
        period = _dict(period)
        outcome = _str(period.get("title")) or "Participant flow"
        here = f"{root}.periods[{p}]"
        # (category, its per-group counts, their path): the milestones, then the reasons for not completing.
        rows = [
            (
                _str(milestone.get("type")),
                milestone.get("achievements"),
                f"{here}.milestones[{m}].achievements",
            )
            for m, milestone in enumerate(map(_dict, _list(period.get("milestones"))))
        ] + [
            (
                f"NOT COMPLETED: {_str(reason.get('type')) or 'reason not given'}",
                reason.get("reasons"),
                f"{here}.dropWithdraws[{d}].reasons",
            )
            for d, reason in enumerate(map(_dict, _list(period.get("dropWithdraws"))))
        ]
        for category, counts, base in rows:
            for a, count in enumerate(map(_dict, _list(counts))):
                raw = _str(count.get("groupId"))
                out.flow_count(
                    outcome=outcome,
                    category=category,
                    group_id=ids.get(raw, raw),
                    value=count.get("numSubjects"),
                    path=f"{base}[{a}].numSubjects",
                )


def _denominators(denoms: Any) -> dict[str, int]:
    """Participants analyzed per group: the denom whose units are participants, else the first."""
    items = [_dict(d) for d in _list(denoms)]
    if not items:
        return {}
    chosen = next((d for d in items if _str(d.get("units")).lower() == "participants"), items[0])
    out: dict[str, int] = {}
    for count in _list(chosen.get("counts")):
        count = _dict(count)
        n = to_int(count.get("value"))
        if n is not None and _str(count.get("groupId")):
            out[_str(count.get("groupId"))] = n
    return out


def _outcomes(out: ResultsBuilder, module: dict[str, Any], root: str) -> None:
    for o, measure in enumerate(_list(module.get("outcomeMeasures"))):
        measure = _dict(measure)
        here = f"{root}.outcomeMeasures[{o}]"
        title = _str(measure.get("title")) or f"outcome {o + 1}"
        kind = measure_kind(_str(measure.get("type")))
        param = param_type(_str(measure.get("paramType")))
        unit = _str(measure.get("unitOfMeasure")) or None
        denominators = _denominators(measure.get("denoms"))
        ids: dict[str, str] = {}
        for g, group in enumerate(_list(measure.get("groups"))):
            group = _dict(group)
            raw = _str(group.get("id"))
            if not raw:
                continue
            name = _str(group.get("title"))
            n = denominators.get(raw)
            description = _str_raw(group.get("description"))
            where = f"{here}.groups[{g}]"
            ids[raw] = out.group(raw, f"outcome{o}", name, description, n, where, "analyzed")
        for c, klass in enumerate(_list(measure.get("classes"))):
            klass = _dict(klass)
            class_title = _str(klass.get("title"))
            class_denominators = _denominators(klass.get("denoms")) or denominators
            for k, category in enumerate(_list(klass.get("categories"))):
                category = _dict(category)
                category_title = _str(category.get("title"))
                label = " / ".join(t for t in (class_title, category_title) if t) or None
                for v, value in enumerate(_list(category.get("measurements"))):
                    value = _dict(value)
                    raw = _str(value.get("groupId"))
                    out.measure(
                        outcome=title,
                        kind=kind,
                        param=param,
                        unit=unit,
                        category=label,
                        group_id=ids.get(raw, raw),
                        value=value.get("value"),
                        denominator=class_denominators.get(raw),
                        path=f"{here}.classes[{c}].categories[{k}].measurements[{v}].value",
                    )


def _adverse_events(out: ResultsBuilder, module: dict[str, Any], root: str) -> None:
    ids: dict[str, str] = {}
    for g, group in enumerate(_list(module.get("eventGroups"))):
        group = _dict(group)
        raw = _str(group.get("id"))
        if not raw:
            continue
        title = _str(group.get("title"))
        n, where = None, f"{root}.eventGroups[{g}]"
        for key in ("seriousNumAtRisk", "otherNumAtRisk", "deathsNumAtRisk"):
            n = to_int(group.get(key))
            if n is not None:
                where = f"{root}.eventGroups[{g}].{key}"
                break
        ids[raw] = out.group(raw, "events", title, _str_raw(group.get("description")), n, where, "at risk")
    for key, serious in (("seriousEvents", True), ("otherEvents", False)):
        for e, event in enumerate(_list(module.get(key))):
            event = _dict(event)
            term = _str(event.get("term"))
            if not term:
                continue
            for s, stat in enumerate(_list(event.get("stats"))):
                stat = _dict(stat)
                raw = _str(stat.get("groupId"))
                out.adverse_event(
                    term=term,
                    organ_system=_str(event.get("organSystem")) or None,
                    group_id=ids.get(raw, raw),
                    affected=stat.get("numAffected"),
                    at_risk=stat.get("numAtRisk"),
                    serious=serious,
                    path=f"{root}.{key}[{e}].stats[{s}].numAffected",
                )
