"""Reader for a ClinicalTrials.gov study record saved as text, with its "Label : | value |" tables.

A saved record loses its headings, so regions are found by the fields and phrases every record
has: the header ends at the tab list ("Study Details", "No Results Posted", ...), outcome measures
carry "[ Time Frame: ... ]", eligibility starts at "Ages Eligible for Study" / "Eligibility
Criteria" / "Inclusion Criteria" / "DISEASE CHARACTERISTICS" and ends where contacts begin.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from imatinib_cli.load._biblio import NCT_RE, normalize_phase
from imatinib_cli.load._build import document
from imatinib_cli.load._results_text import read_results_text
from imatinib_cli.load._text import (
    BOILERPLATE,
    ELIGIBILITY,
    REGISTRY,
    RESULTS,
    TITLE,
    Line,
    LineStartPattern,
    collapse,
    span,
    split_lines,
)
from imatinib_cli.models import Document, Section

FORMAT = "ctgov_page"

_IDENTIFIER_RE = re.compile(
    r"(?:ClinicalTrials\.gov (?:Identifier|ID)|^[ \t]*NCT (?:ID|Number))\s*(?::\s*)?(?:\|\s*)?(NCT\d{8})",
    re.I | re.M,
)  # each run of spaces follows a separator of its own: three optional runs side by side backtrack
# cubically on a long run of spaces with no identifier after it (found by the fuzzer)
# A results page (or a mirror of one) that keeps none of the record's field labels still has its
# participant flow: a heading of the flow and a STARTED milestone row.
_FLOW_HEADING_RE = re.compile(r"^[ \t]*(?:Participant Flow|Participant milestones)\b", re.I | re.M)
_STARTED_ROW_RE = re.compile(r"^[ \t|]*STARTED\b", re.M)
_FIELD_LABELS = (
    "Recruitment Status",
    "Overall Status",
    "Study Status",
    "First Posted",
    "Last Update Posted",
    "Study Type",
    "Actual Enrollment",
    "Estimated Enrollment",
    "Enrollment",
    "Allocation",
    "Intervention Model",
    "Masking",
    "Primary Purpose",
    "Official Title",
    "Study Start Date",
    "Ages Eligible for Study",
    "Sexes Eligible for Study",
    "Accepts Healthy Volunteers",
    "Responsible Party",
    "Last Verified",
)
_LABEL_BODY = r"[ \t]*(?:" + "|".join(re.escape(label) for label in _FIELD_LABELS) + r")[ \t]*:"
_LABEL_RE = re.compile("^" + _LABEL_BODY, re.M | re.I)
_LABEL_LINES = LineStartPattern(_LABEL_BODY, re.I)  # the same matches, for the sniff of every file
_TAB_RE = re.compile(
    r"^[ \t]*[-*]?[ \t]*(?:Study Details|Tabular View|No Results Posted|Study Results|Results Posted"
    r"|Disclaimer|How to Read a Study Record|Researcher View|Record History)[ \t]*\|?[ \t]*$",
    re.I,
)
_HEADER_FALLBACK_RE = re.compile(r"^[ \t]*(?:Last Update Posted|Last Updated)\b", re.I)
_OUTCOME_RE = re.compile(
    r"\[\s*Time Frame:|^[ \t]*(?:Primary|Secondary|Other Pre-specified|Other) Outcome Measures?\b", re.I
)
_LIST_ITEM_RE = re.compile(r"^[ \t]*[-*\u2022][ \t]")
_ELIGIBILITY_RE = re.compile(
    r"^[ \t]*(?:(?:Ages?|Sexes?|Genders?) Eligible for Study|Accepts Healthy Volunteers|Eligibility Criteria"
    r"|(?:Key )?Inclusion Criteria|(?:Key )?Exclusion Criteria|Criteria[ \t]*:?[ \t]*$|Study Population\b"
    r"|Sampling Method\b|DISEASE CHARACTERISTICS|PATIENT CHARACTERISTICS|PRIOR CONCURRENT THERAPY)",
    re.I,
)
_TRAILER_RE = re.compile(
    r"^[ \t]*(?:To learn more about this study|Contacts and Locations|Please refer to this study by"
    r"|Locations[ \t]*$|Sponsors and Collaborators|Investigators[ \t]*$|Principal Investigator\s*:"
    r"|Study Director\s*:|Study Chair\s*:|More Information[ \t]*$|Responsible Party\s*:|Publications"
    r"|Other Study ID Numbers|ClinicalTrials\.gov Identifier\s*(?::\s*)?\||First Posted\s*:"
    r"|Last Update Posted\s*:"
    r"|Last Verified\s*:|Keywords provided by|Additional relevant MeSH terms|Study Record Dates"
    r"|Information from the National Library of Medicine|Layout table for additonal information"
    r"|Layout table for additional information)",
    re.I,
)
_RESULTS_RE = re.compile(
    r"^[ \t]*(?:Participant Flow|Baseline Characteristics|Reporting Groups|Serious Adverse Events"
    r"|Other (?:Non-Serious )?Adverse Events|Adverse Events[ \t]*$|Outcome Measure Data|Measured Values"
    r"|Results Overview|Study Results[ \t]*$)",
    re.I,
)
_CHROME_LINE_RE = re.compile(
    r"^[ \t]*(?:!\[|ClinicalTrials\.gov(?: Menu)?[ \t]*$|The safety and scientific validity"
    r"|Listing a study does not mean|Read our disclaimer"
    r"|Choosing to participate in a study|Layout table for|Go to[ \t]*$|Go to Top|Show (?:more|less)"
    r"|Information provided by|For general information|Learn About Clinical Studies|Skip to)",
    re.I,
)
# Headings and fields that start descriptive registry text again (the current site puts contacts and
# eligibility before the study plan, so a record is not read strictly top to bottom).
_REGISTRY_RE = re.compile(
    r"^[ \t]*(?:Study Overview|Brief Summary|Detailed Description|Study Plan|Study Design|Design Details"
    r"|Arms and Interventions|Arms? Groups?|Participant Group/Arm|Intervention/Treatment|Official Title\s*:"
    r"|Study Type\s*:|Allocation\s*:|Intervention Model\s*:|Primary Purpose\s*:|Conditions?[ \t]*:?[ \t]*$)",
    re.I,
)
_OUTCOMES = "outcomes"
_ENROLLMENT_RE = re.compile(r"(\d[\d,]*)")
_PIPE_ONLY_RE = re.compile(r"^[\s|:-]*$")
_SNIFF_LABELS = 2


def _may_hold_identifier(text: str) -> bool:
    """False where _IDENTIFIER_RE cannot match, from one lowercased copy and three `in` tests.

    Case-blind, "ClinicalTrials.gov Identifier|ID" holds ".gov " then I, i, "İ" or "ı", which
    lowercase to "i", "i\u0307" or "ı"; "NCT ID|Number" at a line start holds "NCT " (regexes.
    OTHER_CASES: no other letter here has a case-blind match outside ASCII). Every text is sniffed,
    and the regex, which opens with an alternation, is tried at every position (~20 µs a page).
    """
    lowered = text.lower()
    return ".gov i" in lowered or ".gov \u0131" in lowered or "nct " in lowered


def sniff(text: str) -> bool:
    """A registry identifier plus at least two of the record's field labels, or plus a participant
    flow table (a results page whose labels a mirror site rewrote)."""
    if not _may_hold_identifier(text) or not _IDENTIFIER_RE.search(text):
        return False
    if "STARTED" in text and _STARTED_ROW_RE.search(text) and _FLOW_HEADING_RE.search(text):
        return True
    labels: set[str] = set()
    for match in _LABEL_LINES.finditer(text):  # every file is sniffed: stop as soon as it is enough
        labels.add(match.group(0).split(":")[0].strip().lower())
        if len(labels) >= _SNIFF_LABELS:
            return True
    return False


def _value_after(lines: list[Line], index: int, colon: int) -> str:
    """The value on the label's line after "label :", else on the next non-empty line."""
    value = lines[index].text[colon + 1 :].strip().strip("|").strip()
    if value:
        return value
    for line in lines[index + 1 : index + 3]:
        candidate = line.stripped.strip("|").strip()
        if candidate:
            return candidate
    return ""


def _fields_by_label(lines: list[Line]) -> dict[str, str]:
    """First value of every "Label : | value |" (or "Label :" then a value line) in the record."""
    out: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _LABEL_RE.match(line.text)
        if not match:
            continue
        label = collapse(line.text[: match.end() - 1]).lower()
        if label not in out:
            out[label] = _value_after(lines, index, match.end() - 1)
    return out


_STACKED_LABELS = {"recruitment status": "recruitment status", "study phase": "phase"}


def _stacked_fields(lines: list[Line]) -> dict[str, str]:
    """A mirror page's fields written as a label line, then the value on the next non-empty line
    ("Recruitment status" / "COMPLETED"; "Study phase" / "PHASE2")."""
    out: dict[str, str] = {}
    for index, line in enumerate(lines[:80]):
        key = _STACKED_LABELS.get(line.stripped.lower())
        if key is None or key in out:
            continue
        value = next((row.stripped for row in lines[index + 1 : index + 3] if row.stripped), "")
        if value and len(value.split()) <= 4:
            out[key] = value
    return out


def _table_phase(lines: list[Line]) -> str | None:
    """The "Phase" column of the conditions/interventions pipe table."""
    for index, line in enumerate(lines):
        if "|" not in line.text:
            continue
        cells = [cell.strip().lower() for cell in line.text.split("|")]
        if "phase" not in cells:
            continue
        column = cells.index("phase")
        for row in lines[index + 1 : index + 12]:
            if "|" not in row.text:
                break
            if _PIPE_ONLY_RE.match(row.text):
                continue
            values = [cell.strip() for cell in row.text.split("|")]
            if column < len(values):
                phase = normalize_phase(values[column])
                if phase:
                    return phase
    return None


def _title(lines: list[Line], stop: int) -> Line | None:
    for line in lines[:stop]:
        text = line.stripped
        if text and "|" not in text and not _CHROME_LINE_RE.match(text) and any(ch.isalpha() for ch in text):
            return line
    return None


def _metadata(text: str, lines: list[Line], title: Line | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if title is not None:
        fields["title"] = collapse(title.text)
    match = _IDENTIFIER_RE.search(text)
    if match:
        fields["nct_id"] = match.group(1).upper()
    else:
        nct = NCT_RE.search(text)
        if nct:
            fields["nct_id"] = nct.group(0)
    labelled = _fields_by_label(lines)
    for label, value in _stacked_fields(lines).items():
        labelled.setdefault(label, value)
    status = (
        labelled.get("recruitment status") or labelled.get("overall status") or labelled.get("study status")
    )
    if status:
        fields["registry_status"] = status
    enrollment = labelled.get("actual enrollment") or labelled.get("enrollment")
    if enrollment and not re.search(r"estimated|anticipated", enrollment, re.I):
        number = _ENROLLMENT_RE.search(enrollment)
        if number:
            fields["enrollment"] = int(number.group(1).replace(",", ""))
    for key in ("allocation", "masking"):
        if labelled.get(key):
            fields[key] = labelled[key]
    phase = (
        _table_phase(lines)
        or normalize_phase(labelled.get("official title", ""))
        or normalize_phase(labelled.get("phase", "").replace("PHASE", "Phase ").replace(",", "/"))
    )
    if phase:
        fields["phase"] = phase
    tabs = [line.stripped.lstrip("-* ").rstrip("| ").lower() for line in lines if _TAB_RE.match(line.text)]
    if "no results posted" in tabs:
        fields["results_posted"] = False
    elif "study results" in tabs or "results posted" in tabs or "results first posted" in labelled:
        fields["results_posted"] = True
    return fields


def _header_end(lines: list[Line]) -> int:
    """Index of the last line of the record's header (title, status, dates, tab list)."""
    last_tab = None
    for index, line in enumerate(lines[:60]):
        if _TAB_RE.match(line.text):
            last_tab = index
    if last_tab is not None:
        return last_tab
    for index, line in enumerate(lines[:60]):
        if _HEADER_FALLBACK_RE.match(line.text):
            return index
    for index, line in enumerate(lines[:60]):
        if _IDENTIFIER_RE.search(line.text):
            return index
    return -1


def _sections(lines: list[Line], title: Line | None, tables: set[int]) -> list[Section]:
    """Regions by their field labels; lines of a results table (`tables`: their starts) are not
    prose: they are read as data (Document.registry_results) and left out of every section."""
    sections: list[Section] = []
    if title is not None:
        sections.append(span(TITLE, title.start, title.end))
    state = REGISTRY
    previous_blank = False
    for line in lines[_header_end(lines) + 1 :]:
        text = line.text
        if title is not None and line.start == title.start:
            continue
        if line.blank:
            previous_blank = True
            continue
        if _RESULTS_RE.match(text):
            state = RESULTS
        elif _TRAILER_RE.match(text):
            state = BOILERPLATE
        elif _ELIGIBILITY_RE.match(text):
            state = ELIGIBILITY
        elif _OUTCOME_RE.search(text):
            state = _OUTCOMES
        elif _REGISTRY_RE.match(text) or (
            state == _OUTCOMES and previous_blank and not _LIST_ITEM_RE.match(text)
        ):
            state = REGISTRY
        previous_blank = False
        if _CHROME_LINE_RE.match(text) or state == BOILERPLATE or line.start in tables:
            continue
        if state == _OUTCOMES:
            sections.append(span(REGISTRY, line.start, line.end, "outcome_measures"))
        else:
            sections.append(span(state, line.start, line.end))
    return sections


def read(path: str, sha256: str, text: str) -> Document:
    lines = split_lines(text)
    header_end = _header_end(lines)
    title = _title(lines, max(header_end, 0) + 1)
    fields = _metadata(text, lines, title)
    tables = read_results_text(path, text)
    if tables.results is not None:
        fields.setdefault("results_posted", True)
    sections = _sections(lines, title, {start for start, _ in tables.table_spans})
    return replace(document(path, sha256, FORMAT, text, fields, sections), registry_results=tables.results)
