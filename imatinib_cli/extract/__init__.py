"""extract: Document -> Findings. Sentences first, then one extractor per kind of fact.

Public entry point: extract(document). Everything returned carries Evidence into Document.text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from imatinib_cli import vocab
from imatinib_cli.extract import cues, heme
from imatinib_cli.extract.arms import ArmDesign, ArmMention, arm_design, find_arms
from imatinib_cli.extract.context import Context, SentenceInfo, build_context
from imatinib_cli.extract.design import extract_design
from imatinib_cli.extract.dose import find_doses
from imatinib_cli.extract.numbers import Num, words_to_int
from imatinib_cli.extract.outcomes import find_outcomes
from imatinib_cli.extract.populations import (
    ALL_PATIENTS,
    Cohorts,
    PopulationDraft,
    Subgroups,
    clauses,
    cohort_design,
    dominant_tumor,
    evaluated_opening,
    find_cohorts,
    find_populations,
    find_subgroups,
    group_design,
    refers_back,
    split_semicolons,
    stated_size,
    subgroup_design,
)
from imatinib_cli.extract.registry import registry_adverse_events, registry_populations
from imatinib_cli.extract.response import (
    ResponseHit,
    carry_many,
    carry_over,
    category_lists,
    clause_responses,
    find_responses,
    respectively_lists,
)
from imatinib_cli.extract.sentences import ELLIPSIS, MAX_QUOTE_CHARS, MAX_SENTENCE_CHARS
from imatinib_cli.extract.toxicity import find_adverse_events
from imatinib_cli.guard import bound_warnings
from imatinib_cli.models import (
    AdverseEvent,
    Document,
    Dose,
    Evidence,
    Findings,
    HemeResponse,
    Outcome,
    Population,
    Quantity,
    RegistryResults,
    ResponseCount,
    TumorMention,
    Warning,
    add_dose,
    distinct_events,
)
from imatinib_cli.regexes import phrase_group, word_start_alternation
from imatinib_cli.resolve_rules import names_no_arm

__all__ = ["extract"]


def extract(document: Document) -> Findings:
    context = build_context(document)
    design, enrollment = extract_design(context)
    drafts = find_populations(context, enrollment, design.n_enrolled)
    by_key = {draft.key: draft for draft in drafts}
    warnings: list[Warning] = []
    study_doses: list[Dose] = []
    adverse_events: list[AdverseEvent] = []
    outcomes: list[Outcome] = []
    previous: str | None = None
    arms = arm_design(context, drafts)
    groups = None if arms or len(drafts) != 1 else group_design(context)
    if groups is not None:
        # "EosMPD (n = 21) with PDGFRA (n = 17) or PDGFRB (n = 4) and HES (n = 14)": the groups are
        # the populations; the study as a whole has no size or result of its own.
        drafts = groups.drafts(drafts[0])
        by_key = {draft.key: draft for draft in drafts}
    subgroups = None if arms or groups else subgroup_design(context, drafts)
    cohorts = None if arms or groups else cohort_design(drafts)
    # A titled record (a publication, a registry entry) that never names imatinib is about another
    # drug; an untitled snippet gets the benefit of the doubt. The title first: it names the drug
    # within its ~100 characters where a page's text may name it only after its navigation.
    title = document.metadata.title
    names = cues.imatinib_names()
    about_imatinib = not title or bool(names.search(title) or names.search(document.text))
    if not about_imatinib:
        warnings.append(Warning("the document does not name imatinib: its doses are not read"))
    warnings.extend(_unread_numerals(context))
    if context.readable_chars:
        warnings.append(
            Warning(
                f"the document's text is {context.readable_chars:,} characters: only the first "
                f"{context.read_limit:,} were read (the limit per document)"
            )
        )
    if context.long_sentences:
        warnings.append(Warning(_long_sentences_message(context.long_sentences)))
    for info in context.sentences:
        group_anchors = groups.anchors(context, info) if groups is not None else []
        if about_imatinib:
            _read_doses(context, info, by_key, study_doses, group_anchors)
        if not info.reports_results:
            continue
        target = _sentence_target(context, info, by_key, previous)
        states = info.states_results  # asked three times below; the same answer for the sentence
        arm_mentions = find_arms(context, info) if arms else []
        if arms and info.numbers:
            arms.read_sizes(context, info, arm_mentions, by_key, drafts)
        if arms and about_imatinib:
            arms.read_descriptions(context, info, arm_mentions)
        if info.numbers:
            _read_evaluable(context, info, by_key, target, design.n_enrolled)
            _read_analysis_set(context, info, by_key, target, design.n_enrolled)
        # (_anchors gives [] for a sentence that names no tumor in a document without arms: most)
        anchors = _anchors(info, arms, arm_mentions) if arms or info.tumors else []
        if group_anchors:
            spans = [(start, end) for start, end, _ in group_anchors]
            anchors = sorted(group_anchors + [a for a in anchors if not any(s <= a[0] < e for s, e in spans)])
        if subgroups is not None and states:
            named = subgroups.anchors(context, info)
            if named:
                anchors = sorted([a for a in anchors if a[2] != subgroups.base.key] + named)
        if cohorts is not None and info.numbers:
            anchors, target = _cohort_anchors(context, info, cohorts, by_key, drafts, anchors, target)
        if not states:
            previous = target  # the first population named, else the target (a loop: no generator)
            for _, _, key in anchors:
                if key in by_key:
                    previous = key or target
                    break
            continue
        adverse_events.extend(find_adverse_events(context, info, armed=arms is not None))
        if groups is not None or subgroups is not None:
            _read_whole_group(context, info, anchors, by_key, drafts, subgroups, warnings)
        if subgroups is not None and info.numbers:
            _read_included(context, info, subgroups, by_key, drafts, warnings)
        touched = _read_responses(context, info, by_key, target, drafts, warnings, anchors, arms, subgroups)
        if cohorts is not None:
            _read_cohort_counts(context, info, cohorts, by_key, warnings)
        if info.numbers:
            _read_sizes(context, info, by_key)
        outcomes.extend(find_outcomes(context, info, _label_of(by_key, touched or target)))
        previous = touched or target
    _read_heme_rows(context, drafts, warnings)
    _only_named_responses(context, drafts, design.n_enrolled)
    if arms:
        arms.assign_doses(document.text, by_key, study_doses)
    if subgroups is not None:
        subgroups.read_sizes(context, by_key)
    if document.registry_results is not None:
        _read_registry(context, document.registry_results, drafts, by_key, adverse_events, about_imatinib)
    for draft in drafts:
        if not draft.doses and (
            draft.arm is None or groups is not None or (subgroups is not None and subgroups.owns(draft.key))
        ):
            draft.doses = list(study_doses)  # an arm whose dose is not known keeps none; a subgroup shares it
        elif not draft.doses and cohorts is not None and cohorts.owns(draft.key):
            draft.doses = list(study_doses)  # a cohort not said to change dose has the study's
    randomized = bool(design.randomized and design.randomized.value)
    # "The major grade 3 events were seizure (present in 17 patients)": results for all patients
    # together keep the whole study next to its arms.
    # (Asked only of a document with arms: _worth_keeping reads it for the arms' base alone.)
    labels = [d.arm for d in drafts if d.arm is not None] if arms is not None else []
    whole_results = arms is not None and any(
        e.arm is None
        and (e.count is not None or e.percent is not None)
        and names_no_arm(e.evidence.quote, labels)
        for e in adverse_events
    )
    populations = tuple(
        _freeze(draft, randomized) for draft in drafts if _worth_keeping(draft, drafts, arms, whole_results)
    )
    return Findings(
        document=document,
        design=design,
        populations=populations,
        adverse_events=tuple(distinct_events(adverse_events)),
        outcomes=tuple(outcomes),
        tumor_mentions=_tumor_mentions(context),
        warnings=tuple(bound_warnings(warnings)),
        counts_ineligible=_any_counts_ineligible(context),
    )


def _any_counts_ineligible(context: Context) -> bool:
    """'15 were found to be ineligible or not evaluable' (`cues.yaml: ineligible`): a count of
    ineligible patients, a number a few words before the cue, in any section read. Not an
    eligibility rule ('patients were not eligible if they had received prior imatinib'), which
    counts nobody. Looked for in the sections extraction reads, like every other cue: a page's
    navigation and references are never tokenized for it. All sections in one `find_each`: most
    documents name no such cue in any of them, which that answers without a find a section."""
    text = context.document.text
    spans = [(section.start, section.end) for section in context.sections]
    for hit in cues.matcher("cues", "ineligible").find_each(text, spans):
        window = text[max(0, hit.start - 60) : hit.start]
        words = re.split(r"[.;:]\s", window)[-1].replace(",", " ").split()[-6:]
        if any(word.isdigit() or words_to_int(word.lower()) is not None for word in words):
            return True
    return False


def _tumor_mentions(context: Context) -> tuple[TumorMention, ...]:
    """Every sentence's tumor mentions, in order (a loop: most sentences have none)."""
    mentions: list[TumorMention] = []
    for info in context.sentences:
        if info.tumors:
            mentions.extend(info.tumors)
    return tuple(mentions)


_UNREAD_REPORTED = 3  # numerals not read that get a warning of their own; the rest are counted


def _unread_numerals(context: Context) -> list[Warning]:
    """One warning per numeral that is not read ('number not read: "1.5e+99" (a power of ten beyond
    10^±15)'), at most three, then one that counts the rest: a page of digits stays a few lines."""
    reported = [item for item in context.dropped if item.warn]
    if not reported:
        return []  # most documents read every numeral
    starts = [info.start for info in context.sentences]
    warnings = []
    for item in reported[:_UNREAD_REPORTED]:
        at = bisect_right(starts, item.start) - 1
        quote = context.sentences[at].evidence.quote if at >= 0 else item.text
        evidence = Evidence(context.document.path, item.start, item.end, quote)
        warnings.append(Warning(f'number not read: "{item.text[:40]}" ({item.reason})', (evidence,)))
    if len(reported) > _UNREAD_REPORTED:
        warnings.append(Warning(f"{len(reported) - _UNREAD_REPORTED:,} more numbers not read (see above)"))
    return warnings


def _long_sentences_message(count: int) -> str:
    """'1 sentence longer than 4,000 characters was read in pieces of at most 4,000 ...'."""
    cap = f"{MAX_SENTENCE_CHARS:,}"
    what = "1 sentence" if count == 1 else f"{count:,} sentences"
    verb = "was" if count == 1 else "were"
    return (
        f"{what} longer than {cap} characters {verb} read in pieces of at most {cap} "
        "(cut at line breaks, clause ends or spaces; a value split across a cut is not read)"
    )


def _only_named_responses(
    context: Context, drafts: list[PopulationDraft], n_enrolled: Quantity | None
) -> None:
    """'Only one partial response was seen among 24 patients with Ewing sarcoma. There were no other
    objective responses.' (`responses.yaml: only_named`, a sentence without numbers): the responses
    named are all there were. A group with a named PR or CR count has 0 of the other; the whole study
    (the group of the enrolled total), when it has no response of its own, has the sum of its tumor
    groups' counts. A group whose only value is an ORR is left alone (its split is unknown)."""
    said = None
    for info in context.sentences:  # a loop, not next() over a generator (asked of every document)
        if info.numbers or not info.states_results:
            continue  # the cheapest test first (all three are pure)
        if cues.matcher("responses", "only_named").any(context.text, info.start, info.end):
            said = info
            break
    if said is None:
        return
    groups = [d for d in drafts if d.criterion is None]

    def counted(draft: PopulationDraft) -> dict[str, float]:
        return {
            c: r.count.value
            for c, r in draft.responses.items()
            if c in ("cr", "pr") and r.count is not None and not r.count.derived
        }

    def named(draft: PopulationDraft) -> bool:
        return any(
            r.count is not None or r.percent is not None
            for c, r in draft.responses.items()
            if c in ("cr", "pr", "orr")
        )

    evidence = said.evidence
    whole = [
        d
        for d in groups
        if d.arm is None and d.n is not None and n_enrolled is not None and d.n.value == n_enrolled.value
    ]
    if len(whole) == 1 and not named(whole[0]) and whole[0].n is not None:
        study = whole[0]
        parts = [
            d
            for d in groups
            if d is not study and d.arm is None and d.mention is not None and d.n is not None and named(d)
        ]
        codes = {d.mention.code for d in parts if d.mention is not None}
        sizes = sum(d.n.value for d in parts if d.n is not None)
        if parts and len(codes) == len(parts) and sizes <= study.n.value and all(counted(d) for d in parts):
            for category in ("cr", "pr"):
                values = [(d.label, counted(d)[category]) for d in parts if category in counted(d)]
                if not values:
                    continue
                how = " + ".join(f"{category.upper()} {v:g} ({label})" for label, v in values)
                total = Quantity(
                    sum(v for _, v in values), evidence, True, f"{how}; no other objective responses"
                )
                study.responses[category] = ResponseCount(category, total, None, "", evidence, derived=True)
    for draft in groups:
        if not counted(draft) and not (whole and draft is whole[0] and named(draft)):
            continue
        for category in ("cr", "pr"):
            if category not in draft.responses:
                zero = Quantity(0.0, evidence, True, "no other objective responses")
                draft.responses[category] = ResponseCount(category, zero, None, "", evidence, derived=True)


def _read_registry(
    context: Context,
    results: RegistryResults,
    drafts: list[PopulationDraft],
    by_key: dict[str, PopulationDraft],
    adverse_events: list[AdverseEvent],
    about_imatinib: bool,
) -> None:
    """Posted results become arm populations and toxicities, read from the registry's fields."""
    whole = [d for d in drafts if d.arm is None]
    base = whole[0] if len(whole) == 1 else None
    mention = base.mention if base else dominant_tumor(context)
    found = registry_populations(results, base, mention, context.document if about_imatinib else None)
    if base is not None and len(found) == 1:
        # One results group is the study itself: its registry count is the study's size.
        group = found[0]
        base.n = group.n or base.n
        for dose in group.doses:
            add_dose(base.doses, dose)
        for category, response in group.responses.items():
            base.responses.setdefault(category, response)
        found = []
    for draft in found:
        if draft.key not in by_key:
            by_key[draft.key] = draft
            drafts.append(draft)
    adverse_events.extend(registry_adverse_events(results, context.document.path))


def _anchors(
    info: SentenceInfo, arms: ArmDesign | None, mentions: list[ArmMention]
) -> list[tuple[int, int, str]]:
    """Where a sentence names a population: a tumor type, or (in a randomized document) an arm."""
    if not arms:
        if not info.tumors:
            return []  # most sentences name no tumor
        return sorted([(m.evidence.start, m.evidence.end, m.code) for m in info.tumors])
    anchors = [(m.evidence.start, m.evidence.end, m.code) for m in info.tumors if m.code != arms.base.key]
    anchors += [(m.start, m.end, arms.key_of(m.keys[0])) for m in mentions if len(m.keys) == 1]
    return sorted(anchors)


def _cohort_anchors(
    context: Context,
    info: SentenceInfo,
    cohorts: Cohorts,
    by_key: dict[str, PopulationDraft],
    drafts: list[PopulationDraft],
    anchors: list[tuple[int, int, str]],
    target: str | None,
) -> tuple[list[tuple[int, int, str]], str | None]:
    """A sentence that reports on a cohort ('Of 14 patients who had neoadjuvant imatinib, 9 had a
    partial response') gives its results to the cohort, not to the study it names in passing."""
    mentions = find_cohorts(context, info)
    if not mentions:
        return anchors, target  # most sentences name no cohort
    named = cohorts.note(info, mentions, by_key, drafts)
    if not named:
        return anchors, target
    kept = [a for a in anchors if a[2] != cohorts.base.key]
    cohort_keys = [key for _, _, key in named if key != cohorts.base.key]
    return sorted(set(kept + named)), cohort_keys[0]


def _read_cohort_counts(
    context: Context,
    info: SentenceInfo,
    cohorts: Cohorts,
    by_key: dict[str, PopulationDraft],
    warnings: list[Warning],
) -> None:
    """The count a cohort mention carries, with the category said of it: 'only two of the 12
    patients who were escalated achieved stable disease' (the category right after the verb);
    'no further responses were seen after raising the dose to 800 mg/day (0/9)' (the one category
    the sentence names before it)."""
    mentions = find_cohorts(context, info)
    if not mentions:
        return  # most sentences name no cohort
    responses = cues.matcher("responses", "responses", key_field="category")
    for mention in mentions:
        draft = by_key.get(cohorts.key_of(mention))
        if mention.count is None or draft is None or not mention.results:
            continue
        if mention.whole_sentence:
            found = {hit.key for hit in responses.find(context.text, info.start, mention.start)}
        else:
            after = responses.find(context.text, mention.end, min(info.end, mention.end + 40))
            gap = context.text[mention.end : after[0].start] if after else ""
            found = (
                {after[0].key}
                if after and re.fullmatch(r"\s*(?:(?:an?|the|a\s+best|best)\s+)?", gap)
                else set()
            )
        if len(found) != 1:
            continue
        category = found.pop()
        if category in draft.responses:
            continue
        hit = ResponseHit(
            category, mention.count, None, mention.n, False, category, mention.start, mention.end
        )
        _record(draft, hit, info, warnings, context.text)


# "All four pts with PDGFRB fusions ... achieved a CHR", "In the patient who carried the X
# rearrangement, a complete response was attained": the whole group, whose size the subject says.
_WHOLE_GROUP = re.compile(
    r"\s*(?:(?:in|among)\s+)?(?:all\s+(?:the\s+)?(?P<n>[\w-]+)\s+(?P<many>patients|pts|participants|subjects|cases)"
    r"|the\s+(?:only\s+|one\s+)?(?P<one>patient|participant|subject|case))\b",
    re.I,
)


_UNIT = re.compile(r"\s*-?\s*(?:mg|g\b|mo\b|months?|weeks?|days?|years?)", re.I)


def _read_whole_group(
    context: Context,
    info: SentenceInfo,
    anchors: list[tuple[int, int, str]],
    by_key: dict[str, PopulationDraft],
    drafts: list[PopulationDraft],
    subgroups: Subgroups | None,
    warnings: list[Warning],
) -> None:
    """A response said of every member of the one group a sentence opens with: its count is the
    group's size as the subject states it ("all four", "the patient"), never a number read
    elsewhere. Only for a group (declared or biomarker) named in the subject itself."""
    if not anchors:
        return  # no group named: nothing is said of a whole group
    keys = {key for _, _, key in anchors}
    match = _WHOLE_GROUP.match(context.text, info.start, info.end)
    if match is None or len(keys) != 1:
        return
    key = next(iter(keys))
    anchor = next(a for a in anchors if a[2] == key)
    if subgroups is not None and subgroups.owns(key):
        subgroups.draft(key, by_key, drafts)
    draft = by_key.get(key)
    if draft is None or draft.arm is None or anchor[0] > match.end() + 60:
        return
    if match.group("one"):
        size = Num(1.0, match.start("one"), match.end("one"), False)
    else:
        size = next((x for x in info.numbers if x.start == match.start("n") and x.is_int), None)
        if size is None or (draft.n is not None and draft.n.value != size.value):
            return
    hits = [h for h in heme.category_matcher().find(context.text, match.end(), info.end) if h.key != "none"]
    if not hits:
        return
    first = hits[0]
    between = context.text[anchor[1] : first.start]
    amounts = [
        x for x in info.numbers if anchor[1] <= x.start < first.start and not _UNIT.match(context.text, x.end)
    ]
    if amounts or ";" in between:
        return  # "all six pts ... 4 achieved a CHR": a count of its own, read by the walk
    if not re.search(
        r"\b(?:achieved|attained|obtained|reached|had)\b", between, re.I
    ) and not _WAS_ACHIEVED.match(context.text, first.end):
        return
    if first.key in draft.responses or any(k[0] == first.key for k in draft.heme):
        return
    hit = ResponseHit(
        first.key, size, None, size, False, context.text[first.start : first.end], first.start, first.end
    )
    if draft.n is None:
        draft.n = Quantity(size.value, info.cite(match.start(), match.end()))
    _record(draft, hit, info, warnings, context.text)
    for count_start, phrase in heme.counts_of_the_group(context.text, first.end, info.end):
        # "..., one of them achieved a CMR": a count of the same group, over its size.
        count = next((x for x in info.numbers if x.start == count_start and x.is_int), None)
        if count is None or count.percent or count.value > size.value:
            continue
        written = context.text[phrase.start : phrase.end]
        _record(
            draft,
            ResponseHit(phrase.key, count, None, size, False, written, count.start, phrase.end),
            info,
            warnings,
            context.text,
        )


_INCLUDING = re.compile(r"\b(?:including|of\s+which|of\s+whom)\s+(?P<n>[\w-]+)\s+(?:with\s+|in\s+)?$", re.I)


# "... a CHR was achieved": matched at a position, never on a copy of the rest of the text.
_WAS_ACHIEVED = re.compile(r"\s*(?:was|were)\s+(?:achieved|attained|obtained|reached|seen|observed)\b")


def _read_included(
    context: Context,
    info: SentenceInfo,
    subgroups: Subgroups,
    by_key: dict[str, PopulationDraft],
    drafts: list[PopulationDraft],
    warnings: list[Warning],
) -> None:
    """A subgroup's share of a response count, in the bracket right after it: "21 partial
    responses (68%, including 8 FS-DFSP)" gives the FS-DFSP subgroup 8 partial responses (the 21
    stay the study's). The subgroup's size comes from elsewhere; nothing is subtracted."""
    for mention in find_subgroups(context, info):
        if mention.key.startswith("non-"):
            continue
        before = _INCLUDING.search(context.text, info.start, mention.start)
        if before is None:
            continue
        count = next((x for x in info.numbers if x.start == before.start("n") and x.is_int), None)
        opening = context.text.rfind("(", info.start, before.start())
        if count is None or opening < 0 or ")" in context.text[opening : mention.start]:
            continue
        hits = [
            h
            for h in heme.category_matcher().find(context.text, info.start, opening)
            if h.key != "none" and not context.text[h.end : opening].strip()
        ]
        if len(hits) != 1:
            continue
        key = subgroups.key_of(mention.key)
        subgroups.draft(key, by_key, drafts)
        hit = hits[0]
        written = context.text[hit.start : hit.end]
        _record(
            by_key[key],
            ResponseHit(hit.key, count, None, None, False, written, count.start, mention.end),
            info,
            warnings,
            context.text,
        )


def _label_of(by_key: dict[str, PopulationDraft], key: str | None) -> str | None:
    return by_key[key].label if key in by_key else None


def _sentence_target(
    context: Context, info: SentenceInfo, by_key: dict[str, PopulationDraft], previous: str | None
) -> str | None:
    """The population a sentence speaks of when it names none itself: the one before it when the
    sentence refers back ('in this subgroup'), else the study population (its arms are named where
    they are meant). When the one before is the study population, both answers are one, so the
    reference back is not looked for."""
    sole = None
    for key, draft in by_key.items():
        if draft.arm is None:
            if sole is not None:
                sole = None
                break
            sole = key
    if previous and previous != sole and refers_back(context, info):
        return previous
    return sole


def _read_doses(
    context: Context,
    info: SentenceInfo,
    by_key: dict[str, PopulationDraft],
    study_doses: list[Dose],
    group_anchors: list[tuple[int, int, str]],
) -> None:
    hits = find_doses(context, info)  # (a sentence without "mg" is answered first: most)
    if not hits:
        return  # nothing below is built for a sentence without a dose
    named_groups = {key for _, _, key in group_anchors if key in by_key} if group_anchors else ()
    # The populations the sentence names, and whether it speaks of the study in general (a title,
    # every population named, a conclusion): the same for each dose, so read once, and the
    # conclusion cue asked only where it decides (named, and more than one population).
    named = {m.code for m in info.tumors if m.code in by_key} if info.tumors else set()
    general = None
    for hit in hits:
        if len(named_groups) == 1:
            # "All four pts with PDGFRB fusions were treated with 400 mg/d": that group's dose.
            for dose in hit.doses:
                add_dose(by_key[next(iter(named_groups))].doses, dose)
            continue
        if hit.respectively and len(hit.doses) > 1:
            after = [m for m in info.tumors if m.evidence.start >= hit.end and m.code in by_key]
            if len(after) >= len(hit.doses):
                for dose, mention in zip(hit.doses, after, strict=False):
                    add_dose(by_key[mention.code].doses, dose)
                continue
        if named and len(by_key) > 1 and general is None:
            general = (
                info.kind == "title"
                or named == set(by_key)
                or cues.matcher("schedules", "conclusion_cues").any(context.text, info.start, info.end)
            )
        if named and len(by_key) > 1 and not general:
            for code in named:
                for dose in hit.doses:
                    add_dose(by_key[code].doses, dose)
        else:
            for dose in hit.doses:
                add_dose(study_doses, dose)


def _read_sizes(context: Context, info: SentenceInfo, by_key: dict[str, PopulationDraft]) -> None:
    for mention in info.tumors:
        draft = by_key.get(mention.code)
        if draft is None or draft.n is not None or draft.n_percent is not None:
            continue
        number = stated_size(context, info, mention)
        if number is not None and number.is_int:
            draft.n = Quantity(number.value, info.cite(number.start, max(number.end, mention.evidence.end)))


def _read_evaluable(
    context: Context,
    info: SentenceInfo,
    by_key: dict[str, PopulationDraft],
    target: str | None,
    n_enrolled: Quantity | None,
) -> None:
    """'Fifty-six patients were enrolled and 50 were evaluable', 'the best responses of the 212
    patients with measurable disease were ...': the response denominator."""
    opening = evaluated_opening(context, info)
    if opening is not None and (n_enrolled is None or opening.value < n_enrolled.value):
        named = [m.code for m in info.tumors if m.code in by_key]
        key = named[0] if len(named) == 1 else target
        if key in by_key and by_key[key].n_evaluable is None:
            by_key[key].n_evaluable = Quantity(opening.value, info.cite(opening.start, opening.end))
        return
    if not info.numbers:
        return  # what follows reads a number only: nothing to find, so no cue-word search
    # Every word the search finds is in the lowercase sentence as written (the pattern is literal
    # and case-sensitive, on the lowercase text): a few C substring tests first, the search (~19,000
    # instructions a sentence here) only where one holds (1 sentence with numbers in 8 on /tmp/t2k).
    if not cues.holds_any(info.lower, _evaluable_firsts()) or not info.has_word(_evaluable_words()):
        return
    evaluable = cues.words("cues", "evaluable")
    evaluable_with = cues.words("cues", "evaluable_with")
    for number in info.numbers:
        if not number.is_int or number.percent or (n_enrolled and n_enrolled.evidence.start == number.start):
            continue
        match = _evaluable_pattern().match(context.text, number.end, info.end)
        if not match:
            continue
        word = match.group("word").lower()
        if not (word in evaluable_with if match.group("with") else word in evaluable):
            continue
        purpose = _FOR_WHAT.match(context.text, match.end(), info.end)
        if purpose and purpose.group(1).lower() in cues.words("cues", "evaluable_not_for"):
            continue  # "290 patients assessed for genotype", "61 evaluable for safety"
        named = [m.code for m in info.tumors if m.code in by_key]
        key = named[0] if len(named) == 1 else target
        # "Eight of 11 were evaluable": the evaluable are the eight, not the 11.
        number = next((f.count for f in info.fractions if f.total.start == number.start), number)
        if key in by_key and by_key[key].n_evaluable is None:
            by_key[key].n_evaluable = Quantity(number.value, info.cite(number.start, match.end()))
        return


def _read_analysis_set(
    context: Context,
    info: SentenceInfo,
    by_key: dict[str, PopulationDraft],
    target: str | None,
    n_enrolled: Quantity | None,
) -> None:
    """'In the full analysis set of 53 patients, ...' (`cues.yaml: analysis_sets`): the set the
    results are given for is the population's size; the enrolled total stays n_enrolled. Only for
    the whole study, and only a set no larger than the enrolled."""
    draft = by_key.get(target) if target is not None else None
    if draft is None or draft.arm is not None or draft.criterion is not None:
        return
    if draft.n is not None and (n_enrolled is None or draft.n.value != n_enrolled.value):
        return
    for hit in cues.matcher("cues", "analysis_sets").find(context.text, info.start, info.end):
        match = _SET_SIZE.match(context.text, hit.end, info.end)
        number = next((n for n in info.numbers if match and n.start == match.end()), None)
        if number is None or not number.is_int or number.percent:
            continue
        if n_enrolled is not None and number.value > n_enrolled.value:
            return
        draft.n = Quantity(number.value, info.cite(hit.start, number.end))
        return


_SET_SIZE = re.compile(r"\s*(?:of|comprising|consisting\s+of|\(\s*n\s*=|,\s*n\s*=)\s*", re.I)
_FOR_WHAT = re.compile(r"\s+for\s+(?:the\s+)?([A-Za-z]+)")


@vocab.cached
def _evaluable_words() -> re.Pattern[str]:
    """cues.any_word("cues", "evaluable") or cues.any_word("cues", "evaluable_with") as one search
    ("50 were evaluable", "235 with measurable lesions"): a sentence is read once, not twice. (The
    two any_word patterns joined by "|" find the same, but `re` then tries every character: +7,000
    instructions a document on /tmp/t200, 2026-12-06.)"""
    return re.compile(word_start_alternation(sorted(_evaluable_first_words(), key=len, reverse=True)))


@vocab.cached
def _evaluable_first_words() -> frozenset[str]:
    """The words cues.any_word searches for in `evaluable` and `evaluable_with`: "evaluable",
    "assessed", "measurable"."""
    return cues.first_words("cues", "evaluable") | cues.first_words("cues", "evaluable_with")


@vocab.cached
def _evaluable_firsts() -> tuple[str, ...]:
    """What a sentence _evaluable_words finds holds as written (the pattern is literal and
    case-sensitive, on the lowercase text): one of its words, less any that holds another
    ("analysable", "assessed", "evaluable", ..., "measurable")."""
    return cues.substring_gate(_evaluable_first_words())


@vocab.cached
def _evaluable_pattern() -> re.Pattern[str]:
    """After a number: "61 patients were considered evaluable", "235 with measurable lesions"
    (cues.yaml `evaluable_phrase`; the word itself is checked against `evaluable`)."""

    def words(key: str) -> str:
        return phrase_group(cues.words("cues", "evaluable_phrase", key))

    return re.compile(
        rf"\s+(?:{words('people')}\s+)?(?:{words('copulas')}\s+)?(?:{words('qualifiers')}\s+)?"
        r"(?P<with>with\s+)?(?P<word>[A-Za-z]+)"
    )


def _read_responses(
    context: Context,
    info: SentenceInfo,
    by_key: dict[str, PopulationDraft],
    target: str | None,
    drafts: list[PopulationDraft],
    warnings: list[Warning],
    anchors: list[tuple[int, int, str]],
    arms: ArmDesign | None,
    subgroups: Subgroups | None = None,
) -> str | None:
    """Read response hits clause by clause; return the population the sentence spoke of last."""
    leading: ResponseHit | None = None
    previous_hits: list[ResponseHit] = []
    previous_keys: tuple[str, ...] = ()
    touched: str | None = None
    for _, _, key in anchors:  # the first population named (a loop: no generator per sentence)
        if key in by_key:
            touched = key
            break
    if not info.numbers and not info.has_word(cues.any_word("responses", "negations")):
        return touched  # nothing to count here
    in_order = (
        "respectively" in info.lower
        or bool(arms and cues.matcher("responses", "both_arms").any(context.text, info.start, info.end))
        or (subgroups is not None and _side_by_side(info, anchors, subgroups))
    )
    paired = _arms_then_versus(context, info, anchors, arms) if arms else None  # (no call without arms)
    if (in_order or paired) and _read_respectively(
        context, info, by_key, drafts, anchors, arms, warnings, subgroups, paired
    ):
        return touched
    # (heme.arm_brackets reads a bracket only with two groups named or more: no call for fewer)
    bracketed = (
        _read_group_brackets(context, info, anchors, by_key, drafts, arms, subgroups, warnings)
        if len(anchors) >= 2
        else set()
    )
    pieces = split_semicolons(context, clauses(context, anchors, info.start, info.end), anchors)
    pending_sizes: dict[str, Quantity] = {}
    for start, end, keys in pieces:
        if not keys and cues.matcher("responses", "the_others").any(context.text, start, end):
            # "no objective responses were seen in any other stratum": every population not named.
            named_here = {key for _, _, key in anchors}
            keys = tuple(
                d.key for d in drafts if d.arm is None and d.key not in named_here and d.key != ALL_PATIENTS
            )
        code = keys[-1] if keys else None
        # A clause with no category cue is not tokenized unless a carried reading asks for its row.
        hits, items, claimed = clause_responses(context, info, start, end)
        if bracketed:
            hits = [hit for hit in hits if not (hit.percent and hit.percent.start in bracketed)]
        if context.text.find("=", start, end) >= 0:  # every shared head holds "(n = 13)": no call
            hits += _shared_head(context, info, start, end, hits)
        first_hit = leading or (previous_hits[0] if previous_hits else None)
        inline = (
            _inline_item(context, info, start, end, first_hit)
            if not hits and code and first_hit is not None
            else None
        )
        if inline is not None:
            hits, size = [inline[0]], inline[1]
            if code in by_key and by_key[code].n is None:
                by_key[code].n = size
            elif code not in by_key:
                pending_sizes[code] = size
        elif not hits and (
            len(previous_hits) >= 2 or (len(previous_hits) == 1 and keys and keys != previous_keys)
        ):
            # "... in the twice-daily group the corresponding figures were 28 (6%), 226 (48%) and 150 (32%)";
            # "54% had a partial response in the 800 mg arm, compared with 45% in the 400 mg arm"
            if items is None:
                items = find_responses(context, info, start, end)[1]
            hits = carry_many(context, info, (start, end), previous_hits, items, claimed)
        elif leading and not any(hit.category == leading.category for hit in hits):
            if items is None:
                items = find_responses(context, info, start, end)[1]
            carried = carry_over(context, info, (start, end), leading, items, claimed)
            if carried:
                hits.append(carried)
        if not hits:
            if code in by_key:
                touched = code
            continue
        previous_hits = hits
        previous_keys = keys
        for hit in hits:  # the first hit that leads, else the one before (a loop: no generator)
            if hit.leads:
                leading = hit
                break
        key = code or target
        if key is None:
            key = ALL_PATIENTS
        if subgroups is not None and subgroups.owns(key):
            subgroups.draft(key, by_key, drafts)
        elif arms and key.startswith(arms.base.key + "|"):
            arms.draft(key.split("|", 1)[1], by_key, drafts)
        if key not in by_key:
            mention = next((m for m in info.tumors if m.code == key), None)
            known = _same_population(mention, drafts) if mention else None
            if known is not None:
                key = (
                    known.key
                )  # "the sarcoma patients" of a study that enrolled "other soft tissue sarcomas"
            else:
                label = mention.as_written if mention else "all patients"
                by_key[key] = PopulationDraft(key, label, mention)
                drafts.append(by_key[key])
        if key in pending_sizes and by_key[key].n is None:
            by_key[key].n = pending_sizes[key]
        hits += _complete_in(context, start, end, hits)
        criteria = _criteria(context, info, start, end, hits)
        base = touched = key
        for hit, criterion in zip(hits, criteria, strict=True):
            if heme.is_heme(hit.category) and heme.compared_after(context.text, hit.end):
                continue  # "(28% compared to 16%)" not split between arms: whose is which is unknown
            key = base
            if criterion is not None:
                # "According to Choi criteria, we had seven PR": the same patients measured another way.
                key = _criterion_draft(by_key[base], criterion, by_key, drafts).key
            _record(by_key[key], hit, info, warnings, context.text)
            touched = key
            if hit.negated:
                # "no responses in liposarcoma or undifferentiated pleomorphic sarcoma": every one named.
                for other in keys[:-1]:
                    if other in by_key:
                        _record(by_key[other], hit, info, warnings, context.text)
    return touched


def _inline_words(key: str) -> str:
    """responses.yaml `inline_items.<key>` as one regex group."""
    return phrase_group(cues.words("responses", "inline_items", key))


@vocab.cached
def _inline_item_pattern() -> re.Pattern[str]:
    """ "..., no synovial sarcomas (n = 9) and two liposarcomas (n = 11)"."""
    joins = phrase_group(cues.words("responses", "listing_words"))
    return re.compile(
        rf"\s*(?:{joins}\s+)?(?P<count>{_inline_words('zero')}|\S+)\s+"
        rf"(?:{_inline_words('in_group')}\s+(?:the\s+)?)?(?P<name>[^()]{{2,60}}?)\s*"
        r"\(\s*n\s*=\s*(?P<n>\d+)\s*\)[\s.,;]*$",
        re.I,
    )


@vocab.cached
def _inline_of_pattern() -> re.Pattern[str]:
    """ "... v none of 7 with wild-type tumors", "and 2 of 9 with exon 9 mutations"."""
    joins = phrase_group(cues.words("responses", "listing_words"))
    return re.compile(
        rf"\s*(?:{joins}\s+)?(?P<count>{_inline_words('zero_of')}|\S+)\s+{_inline_words('of_total')}\s+"
        r"(?:the\s+)?(?P<n>\d+)\s+(?:\([^()]*\)\s*)?"
        rf"(?:{_inline_words('people')}\s+)?{_inline_words('group_links')}\s+(?P<name>[^()]{{2,60}}?)[\s.,;]*$",
        re.I,
    )


def _inline_item(
    context: Context, info: SentenceInfo, start: int, end: int, leading: ResponseHit
) -> tuple[ResponseHit, Quantity] | None:
    """A list item after a response cue: '... partial responses in one leiomyosarcoma (n = 14), no
    synovial sarcomas (n = 9) and two liposarcomas (n = 11)', '... v none of 7 with wild-type
    tumors': the item's count (0 for 'no') of the cue's category, and its group's size. The
    bracketed n is a size, never a count."""
    match = _inline_item_pattern().match(context.text, start, end) or _inline_of_pattern().match(
        context.text, start, end
    )
    if match is None:
        return None
    n = next((x for x in info.numbers if x.start == match.start("n")), None)
    if n is None or not n.is_int:
        return None
    size = Quantity(n.value, info.cite(match.start(), match.end("n")))
    if match.group("count").lower() in cues.words("responses", "inline_items", "zero"):
        hit = ResponseHit(
            leading.category, None, None, None, True, leading.as_written, match.start(), match.end()
        )
        return hit, size
    count = next(
        (x for x in info.numbers if x.start == match.start("count") and x.end == match.end("count")), None
    )
    if count is None or not count.is_int or count.percent or count.value > n.value:
        return None
    hit = ResponseHit(
        leading.category, count, None, None, False, leading.as_written, match.start(), match.end()
    )
    return hit, size


def _criteria(
    context: Context, info: SentenceInfo, start: int, end: int, hits: list[ResponseHit]
) -> list[str | None]:
    """For each hit of a clause, the second response criterion it is reported by (cues.yaml
    criteria), or None for the conventional one (RECIST, MRI, CT) or none named.

    A name leads into the hits that follow it when no number of another result stands between
    ('According to Choi criteria, we had seven PR (...), one SD and one PD'; 'PET-CT ... showed
    (58% (11/19) partial response, 37% (7/19) stable disease)'). Not 'a metabolic response on PET
    was seen in 30 patients, and partial response by CT in 16': the 30 is PET's own result, and the
    PR is written by CT. A name that is the hit's own wording ('metabolic response in 30') is that
    hit's only. The sentence's name counts when the clause has none, the sentence names no
    conventional criterion, and the name comes before the clause."""
    if not hits:
        return []
    text = context.text
    alternative = cues.matcher("cues", "criteria", "alternative", key_field="key")
    conventional = cues.matcher("cues", "criteria", "conventional")
    mentions = alternative.find(text, start, end)
    if not mentions:
        found = alternative.find(text, info.start, info.end)
        if (
            not found  # (most sentences: no set built)
            or len({hit.key for hit in found}) != 1
            or any(hit.end > start for hit in found)
            or conventional.any(text, info.start, info.end)
        ):
            return [None] * len(hits)
        mentions = found[-1:]
    ordered = sorted(range(len(hits)), key=lambda index: hits[index].start)
    result: list[str | None] = [None] * len(hits)
    current: str | None = None
    since = start
    for index in ordered:
        hit = hits[index]
        leading = [m for m in mentions if since <= m.start and m.end <= hit.start]
        inside = [m for m in mentions if m.start < hit.end and hit.start < m.end]
        if leading:
            current, since = leading[-1].key, leading[-1].end
        if current is not None and _DIGIT.search(_BRACKETS.sub("", text[since : hit.start])):
            current = None  # another result's number stands between the name and this hit
        limit = min(end, hit.end + 40)
        if conventional.any(text, hit.end, limit) and not alternative.any(text, hit.end, limit):
            current = None  # "partial response by CT in 16"
        if inside:
            result[index] = inside[0].key
            current, since = None, hit.end
            continue
        result[index] = current
        if current is not None:
            since = hit.end
    return result


_DIGIT = re.compile(r"\d")
_BRACKETS = re.compile(r"\([^()]*(?:\([^()]*\)[^()]*)*\)")


def _criterion_draft(
    base: PopulationDraft, criterion: str, by_key: dict[str, PopulationDraft], drafts: list[PopulationDraft]
) -> PopulationDraft:
    key = f"{base.key}|criterion:{criterion}"
    if key not in by_key:
        draft = PopulationDraft(key, f"{base.label} (by {criterion})", base.mention, arm=base.arm)
        draft.criterion = criterion
        draft.evidence = base.evidence
        by_key[key] = draft
        drafts.append(draft)
    return by_key[key]


_VERSUS = re.compile(r"\b(?:vs\.?|versus)\s")


def _side_by_side(
    info: SentenceInfo, anchors: list[tuple[int, int, str]], subgroups: Subgroups | None
) -> bool:
    """'patients with exon 9 mutations, compared with exon 11, had a lower response rate (35% vs.
    64%)': two or more subgroups named, then their values side by side, in the same order."""
    if subgroups is None:
        return False
    lowered = info.lower
    if "vs" not in lowered and "versus" not in lowered:
        return False  # what every _VERSUS match holds (on the lowercase text it searches): no search
    if not _VERSUS.search(lowered):
        return False
    return len({key for _, _, key in anchors if subgroups.owns(key)}) >= 2


def _complete_in(context: Context, start: int, end: int, hits: list[ResponseHit]) -> list[ResponseHit]:
    """'The rate of major cytogenetic response was 24% (complete in 17%)': CCyR 17%, in a clause
    whose other values were read (so the clause's population is known)."""
    found: list[ResponseHit] = []
    if context.text.find("(", start, end) < 0:
        return found  # every heme.complete_in bracket opens with "(": no call
    for category, value, begin, finish, phrase in heme.complete_in(context.text, start, end):
        if any(hit.category == category for hit in hits):
            continue
        percent = Num(value, begin, finish - 1, True)
        found.append(ResponseHit(category, None, percent, None, False, f"{phrase} (complete)", begin, finish))
    return found


def _read_group_brackets(
    context: Context,
    info: SentenceInfo,
    anchors: list[tuple[int, int, str]],
    by_key: dict[str, PopulationDraft],
    drafts: list[PopulationDraft],
    arms: ArmDesign | None,
    subgroups: Subgroups | None,
    warnings: list[Warning],
) -> set[int]:
    """'CHR rates were similar at 3, 6 and 12 months (82% arm A, 90% arm B)', 'MMR in arm B
    compared to arm A (20% vs 7%)': each group's percent of the hematologic phrase before the
    bracket (extract/heme.py arm_brackets). Returns where the percents read start."""
    read: set[int] = set()
    for phrase, values in heme.arm_brackets(context.text, (info.start, info.end), anchors):
        for key, begin, finish in values:
            if subgroups is not None and subgroups.owns(key):
                subgroups.draft(key, by_key, drafts)
            elif arms and key.startswith(arms.base.key + "|"):
                arms.draft(key.split("|", 1)[1], by_key, drafts)
            if key not in by_key:
                continue
            percent = Num(float(context.text[begin:finish]), begin, finish, True)
            written = context.text[phrase.start : phrase.end]
            hit = ResponseHit(phrase.key, None, percent, None, False, written, phrase.start, phrase.end)
            _record(by_key[key], hit, info, warnings, context.text)
            read.add(begin)
    return read


def _read_heme_rows(context: Context, drafts: list[PopulationDraft], warnings: list[Warning]) -> None:
    """'Estimated cumulative MCyR % at 30 mos. 90': a results table's row, for the one population
    of a document that has one (whose row it is is not said otherwise)."""
    if len(drafts) != 1:
        return  # (asked first: no list made for a document with more than one population)
    whole = [d for d in drafts if d.arm is None and d.criterion is None]
    if len(whole) != 1:
        return
    draft = whole[0]
    # The rows of the sections read, one by one: a page's navigation and references are not
    # searched (a row there has no sentence that states results, so it was never kept).
    rows = [row for s in context.sections for row in heme.table_rows(context.text, s.start, s.end)]
    if not rows:
        return  # most documents: no sentence start list built
    starts = [i.start for i in context.sentences]
    for phrase, timepoint, begin, finish in rows:
        at = bisect_right(starts, begin) - 1
        info = context.sentences[at] if at >= 0 and begin < context.sentences[at].end else None
        if info is None or not info.states_results:
            continue
        # The row from its line's start, or its last MAX_QUOTE_CHARS characters on a longer line.
        earliest = max(0, finish - MAX_QUOTE_CHARS + 2)
        row_start = context.text.rfind("\n", earliest, begin) + 1 or earliest
        quote = context.text[row_start:finish].strip()
        if row_start == earliest and earliest > 0 and context.text[earliest - 1] != "\n":
            quote = ELLIPSIS + " " + quote
        percent = Num(float(context.text[begin:finish]), begin, finish, True)
        hit = ResponseHit(phrase.key, None, percent, None, False, phrase.as_written, begin, finish)
        evidence = Evidence(info.evidence.document, row_start, finish, quote)
        row = replace(info, evidence=evidence)
        _record(draft, hit, row, warnings, "", timepoint)


def _shared_head(
    context: Context, info: SentenceInfo, start: int, end: int, hits: list[ResponseHit]
) -> list[ResponseHit]:
    """'who achieved a complete cytogenetic (n = 13) or molecular (n = 8) remission': CCyR 13 and
    CMR 8, unless the clause's walk read those categories already."""
    found = []
    for category, begin, finish, phrase in heme.shared_head(context.text, start, end):
        count = next((x for x in info.numbers if x.start == begin and x.end == finish and x.is_int), None)
        if count is None or any(hit.category == category for hit in hits):
            continue
        found.append(ResponseHit(category, count, None, None, False, phrase, begin, finish))
    return found


def _arms_then_versus(
    context: Context, info: SentenceInfo, anchors: list[tuple[int, int, str]], arms: ArmDesign
) -> list[str] | None:
    """'Rates in the dasatinib and imatinib arms were: CCyR in 86% versus 82%': the arms named
    before the first 'versus', in that order (their keys), whose values it joins; else None."""
    found = cues.matcher("responses", "versus").find(context.text, info.start, info.end)
    if not found:
        return None
    first = found[0].start
    if any(end > first for _, end, _ in anchors):
        return None  # an arm named after the values: the clause reader pairs them
    lead = context.text[info.start : first].lower()
    places = {key: re.search(rf"\b{re.escape(key.lower())}\b", lead) for key in arms.keys}
    named = sorted((match.start(), key) for key, match in places.items() if match)
    if len(named) < 2:
        return None
    return [arms.key_of(key) for _, key in named]


def _same_population(mention: TumorMention, drafts: list[PopulationDraft]) -> PopulationDraft | None:
    """A broader or shorter name for a population the document already has: the one population
    whose label ends with the same head noun ('sarcoma patients' -> 'other soft tissue sarcomas')."""
    qualifiers = cues.words("cues", "tumor_qualifiers")
    words = [w for w in mention.as_written.lower().split() if w not in qualifiers]
    if len(words) > 1:
        return None  # "synovial sarcomas" is a tumor type of its own, not "other sarcomas" again
    head = mention.as_written.lower().split()[-1].rstrip("s")
    matches = [
        d for d in drafts if d.arm is None and d.mention and d.label.lower().split()[-1].rstrip("s") == head
    ]
    return matches[0] if len(matches) == 1 else None


def _read_respectively(
    context: Context,
    info: SentenceInfo,
    by_key: dict[str, PopulationDraft],
    drafts: list[PopulationDraft],
    anchors: list[tuple[int, int, str]],
    arms: ArmDesign | None,
    warnings: list[Warning],
    subgroups: Subgroups | None = None,
    order: list[str] | None = None,
) -> bool:
    """'... in 7% and 4.5% of patients in groups A and B, respectively': one value per population,
    in the order the sentence names them, or the order the document introduced them. `order`: the
    arms' keys when a 'versus' list follows the arms named in that order."""
    targets = list(dict.fromkeys(key for _, _, key in anchors))
    if order:
        targets = list(order)
    if arms and not targets:
        targets = [arms.key_of(key) for key in arms.keys]  # "in both arms": in the order introduced
    if arms:
        for mention in find_arms(context, info):
            if len(mention.keys) > 1:
                targets = [arms.key_of(key) for key in mention.keys]
    anchored = list(targets)
    if len(targets) < 2:
        targets = [d.key for d in drafts if d.arm is None and d.key != ALL_PATIENTS]
    read = False
    if len(targets) < 2:
        whole = [d.key for d in drafts if d.arm is None]
        key = whole[0] if len(whole) == 1 else None
        if not whole and len(anchored) == 1:
            key = anchored[0]  # declared groups only: the one the sentence names
        sentence = (info.start, info.end)
        lists = respectively_lists(context, info) if key in by_key else []
        if key in by_key and not any(heme.is_heme(category) for category, _, _ in lists):
            # "CMR (defined as ...) was seen within 3 or 6 mo in 27% and 83% of pts, respectively":
            # a definition stands between phrase and values; the values must follow the time point.
            lists = [
                (category, as_written, groups)
                for category, as_written, groups in respectively_lists(context, info, 40)
                if heme.is_heme(category) and heme.follows_listed_timepoint(context.text, sentence, groups)
            ]
        for category, as_written, groups in lists:
            # "CHR within 1 or 3 mo in 59% and 100% of patients, respectively": one value per time point.
            times = heme.listed_timepoints(context.text, sentence, len(groups))
            if not heme.is_heme(category) or times is None:
                continue
            for group, when in zip(groups, times, strict=True):
                count, percent, total = group.count, group.percent, group.total
                hit = ResponseHit(category, count, percent, total, False, as_written, group.start, group.end)
                _record(by_key[key], hit, info, warnings, context.text, when)
                read = True
        if read:
            return read
        for category, as_written, group in category_lists(context, info) if key in by_key else ():
            hit = ResponseHit(
                category, group.count, group.percent, group.total, False, as_written, group.start, group.end
            )
            _record(by_key[key], hit, info, warnings, context.text)
            read = True
        return read
    side_by_side = _side_by_side(info, anchors, subgroups)
    for category, as_written, groups in respectively_lists(context, info, 40 if side_by_side else 14):
        if len(groups) != len(targets):
            continue
        for key, group in zip(targets, groups, strict=True):
            if subgroups is not None and subgroups.owns(key):
                subgroups.draft(key, by_key, drafts)
            elif arms and key.startswith(arms.base.key + "|"):
                arms.draft(key.split("|", 1)[1], by_key, drafts)
            if key not in by_key:
                continue
            hit = ResponseHit(
                category, group.count, group.percent, group.total, False, as_written, group.start, group.end
            )
            _record(by_key[key], hit, info, warnings, context.text)
            read = True
    return read


def _record(
    draft: PopulationDraft,
    hit: ResponseHit,
    info: SentenceInfo,
    warnings: list[Warning],
    text: str = "",
    timepoint: str | None = None,
) -> None:
    evidence = info.cite(hit.start, hit.end)
    if hit.negated:
        count = Quantity(0.0, evidence)
        percent = None
    else:
        count = Quantity(hit.count.value, evidence) if hit.count else None
        percent = Quantity(hit.percent.value, evidence) if hit.percent else None
        if count is None and percent is not None and percent.value == 0:
            count = Quantity(0.0, evidence)  # "a response rate of 0%": nobody, whatever the N
    sentence = (info.start, info.end)
    if text and hit.count and heme.in_timepoint(text, sentence, hit.count.start, hit.count.end):
        count = None  # "at 3, 6 and 12 months (82% arm A, ...)": a time point counts nobody
        if percent is None:
            return
    if hit.total and draft.n is None and not _counts_responses(info, hit.total.end):
        draft.n = Quantity(hit.total.value, info.cite(hit.total.start, hit.total.end))
    if heme.is_heme(hit.category):
        _record_heme(draft, hit, info, warnings, text, count, percent, evidence, timepoint)
        return
    new = ResponseCount(hit.category, count, percent, hit.as_written, evidence)
    old = draft.responses.get(hit.category)
    if old is None:
        draft.responses[hit.category] = new
        return
    if _same(old.count, new.count) and _same(old.percent, new.percent):
        return
    if old.count is None and new.count is not None and old.percent and new.percent is None:
        draft.responses[hit.category] = replace(old, count=new.count)
        return
    warnings.append(
        Warning(
            f"{draft.label}: {hit.category.upper()} stated twice with different values; kept the first",
            tuple(e for e in (old.evidence, new.evidence) if e is not None),
        )
    )


def _counts_responses(info: SentenceInfo, position: int) -> bool:
    """'nine of the 10 PRs were seen in ...': a total of responses, not a group's size."""
    after = info.sentence.text[position - info.start : position - info.start + 40]
    skipped = len(after) - len(after.lstrip())
    hits = cues.matcher("responses", "responses", key_field="category").find(after)
    return any(hit.start == skipped for hit in hits)


def _record_heme(
    draft: PopulationDraft,
    hit: ResponseHit,
    info: SentenceInfo,
    warnings: list[Warning],
    text: str,
    count: Quantity | None,
    percent: Quantity | None,
    evidence: Evidence,
    timepoint: str | None = None,
) -> None:
    """A hematologic, cytogenetic or molecular result, by category and time point. A bound
    (">92%") or a count above its stated total ("95/87" read as a fraction) is not a result."""
    number = hit.percent or hit.count
    if number is not None and heme.is_bound(text, number.start):
        return
    if hit.count and hit.total and hit.count.value > hit.total.value:
        return
    if number is not None and text and _ends_its_line(text, number.end, hit.end):
        return  # "... at 30 mos. 4" then "Patients in CCyR ...": a row's value, not the next row's
    if timepoint is None and text:
        timepoint = heme.timepoint_of(text, (info.start, info.end), (hit.start, hit.end))
    if percent is None and count is not None and hit.total is not None and hit.total.value > 0:
        # "10/17", "one of them" (of all four): the share over the denominator stated with it.
        share = round(100 * count.value / hit.total.value, 1)
        percent = Quantity(share, count.evidence, True, f"{count.value:g}/{hit.total.value:g}")
    axis = heme.heme_axes()[hit.category]
    new = HemeResponse(axis, hit.category, count, percent, timepoint, hit.as_written, evidence)
    key = (hit.category, timepoint)
    if hit.total is not None and count is not None and key not in draft.heme_totals:
        draft.heme_totals[key] = Quantity(hit.total.value, info.cite(hit.total.start, hit.total.end))
    old = draft.heme.get(key)
    if old is None:
        draft.heme[key] = new
        return
    if _same(old.count, new.count) and _same(old.percent, new.percent):
        return
    if old.count is None and new.count is not None and old.percent and new.percent is None:
        draft.heme[key] = replace(old, count=new.count)
        return
    when = f" {timepoint}" if timepoint else ""
    warnings.append(
        Warning(
            f"{draft.label}: {hit.as_written}{when} stated twice with different values; kept the first",
            tuple(e for e in (old.evidence, new.evidence) if e is not None),
        )
    )


def _ends_its_line(text: str, number_end: int, hit_end: int) -> bool:
    """The number closes its line and the response phrase is on a later one (a table saved as text)."""
    line_break = re.match(r"[ \t]*\n", text[number_end:hit_end])
    return line_break is not None


def _same(left: Quantity | None, right: Quantity | None) -> bool:
    return (left is None) == (right is None) and (left is None or left.value == right.value)


def _worth_keeping(
    draft: PopulationDraft,
    drafts: list[PopulationDraft],
    arms: ArmDesign | None = None,
    whole_results: bool = False,
) -> bool:
    """An 'all patients' catch-all, or an arm, with nothing in it is noise; so is the whole
    randomization next to its arms when the arms carry every value ('41 patients to imatinib and
    40 to placebo' is two arms, not a third population of 41)."""
    if draft.arm is not None:
        return bool(draft.responses or draft.heme or draft.n)
    if arms is not None and draft is arms.base and not (draft.responses or draft.heme or whole_results):
        kept = [d for d in drafts if d.key.startswith(f"{draft.key}|") and d.key != draft.key]
        if sum(1 for d in kept if _worth_keeping(d, drafts)) >= 2:
            return False
    return not (draft.key == ALL_PATIENTS and not draft.responses and not draft.heme and len(drafts) > 1)


def _freeze(draft: PopulationDraft, randomized: bool) -> Population:
    mention = draft.mention
    n = draft.n  # when only a share is stated (n_percent), resolve derives n from the study total
    doses = tuple(draft.doses)
    pooled = randomized and len({d.mg_per_day for d in doses if d.mg_per_day is not None}) > 1
    code = mention.code if mention else None
    size = n.value if n is not None else None
    responses, heme_responses = heme.settle(code, draft.responses, draft.heme.values(), size)
    n_evaluable = draft.n_evaluable
    best = heme.cumulative_best([h for h in heme_responses if h.category == "chr"])
    if (
        n_evaluable is None
        and best is not None
        and any(r.category == "cr" and r.evidence == best.evidence for r in responses)
    ):
        # The CR is the latest cumulative CHR ("100% (15/15)" by 3 months): over its evaluable.
        n_evaluable = draft.heme_totals.get(("chr", best.timepoint))
    return Population(
        label=draft.label,
        tumor_type=mention.code if mention else None,
        tumor_name=mention.name if mention else None,
        tumor_group=mention.group if mention else None,
        n=n,
        doses=doses,
        responses=responses,
        pooled_arms=pooled,
        evidence=draft.evidence,
        n_share=draft.n_percent,
        n_evaluable=n_evaluable,
        arm=draft.arm,
        criterion=draft.criterion,
        heme_responses=heme_responses,
    )
