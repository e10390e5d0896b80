"""Shared parts of the ClinicalTrials.gov readers (API v2 JSON and legacy XML).

Posted results are collected as stated values (RegistryResults), each with Evidence whose `path`
says where in the file it sits and whose `quote` is a short readable line; start/end are 0 because
the values are not rendered into Document.text. The protocol's prose is written out as
Document.text (see ProtocolText) so the text extractors can read doses from arm descriptions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from imatinib_cli.guard import MAX_WARNING_QUOTE_CHARS, cap_text
from imatinib_cli.load._biblio import normalize_phase
from imatinib_cli.load._render import TextBuilder
from imatinib_cli.load._text import ELIGIBILITY, REGISTRY, TITLE, collapse
from imatinib_cli.models import (
    Evidence,
    RegistryAdverseEvent,
    RegistryGroup,
    RegistryMeasure,
    RegistryResults,
)

OUTCOME_MEASURES = "outcome_measures"
FLOW = "flow"
# Secondary-ID types that name a grant, shared by many trials, not the trial itself.
GRANT_ID_TYPES = frozenset(("NIH", "OTHER_GRANT", "AHRQ"))
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_ESTIMATED = ("estimate", "anticipated")
# Registry numbers are counts and measured values: a float holds every integer of up to 15 digits
# exactly, and no results table states more, so a larger number is read as missing, never as inf or
# as a rounded count.
MAX_DIGITS = 15
MAX_MAGNITUDE = 10**MAX_DIGITS


def to_int(value: object) -> int | None:
    """An integer count from 8, "8" or "1,024"; None for "NA", blanks and anything else, and for a
    count of MAX_MAGNITUDE or more ("9" * 400: a damaged file, not a number of participants)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if abs(value) < MAX_MAGNITUDE else None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        # "¹" is a digit to isdigit, not to int(); the length check comes first because int() refuses
        # strings of more than 4,300 digits with a ValueError
        if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
            return int(text)
    return None


def to_float(value: object) -> float | None:
    """A value from 2.5, "2.5" or "1,024"; None for anything else, and for infinities, NaN and values
    of MAX_MAGNITUDE or more ("1e999", 10 ** 400), which no results table states."""
    if isinstance(value, bool):
        return None
    number: float | None = None
    if isinstance(value, int):
        number = float(value) if abs(value) < MAX_MAGNITUDE else None
    elif isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if _NUMBER_RE.match(text):
            number = float(text)
    if number is None or not math.isfinite(number) or abs(number) >= MAX_MAGNITUDE:
        return None
    return number


def as_written(value: object) -> str:
    return collapse(str(value)) if value is not None else ""


def measure_kind(value: str | None) -> str:
    """ "PRIMARY" / "Primary" -> "primary"; "SECONDARY" -> "secondary"; anything else -> "other"."""
    text = (value or "").strip().lower()
    if text.startswith("primary"):
        return "primary"
    if text.startswith("secondary"):
        return "secondary"
    return "other"


def param_type(value: str | None) -> str | None:
    """ "Count of Participants" (legacy XML) -> "COUNT_OF_PARTICIPANTS", as API v2 writes it."""
    text = collapse(value or "")
    if not text:
        return None
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def phase_of(values: list[str]) -> str | None:
    """["PHASE1", "PHASE2"] -> "1/2"; ["Phase 2"] -> "2"; "EARLY_PHASE1" -> "0"; "NA" -> None."""
    words = [collapse(v.replace("_", " ")) for v in values if v and v.strip().upper() not in ("NA", "N/A")]
    if not words:
        return None
    return normalize_phase("/".join(words))


def is_estimated(kind: str | None) -> bool:
    return any(word in (kind or "").lower() for word in _ESTIMATED)


def evidence(document: str, path: str, quote: str) -> Evidence:
    """Evidence quoting a registry field, collapsed and capped like any quote (a 1 MB group title
    would otherwise be a 1 MB quote in every value of that group):

    >>> quote = evidence("NCT1", "resultsSection.x", "Arm " * 2_000).quote
    >>> len(quote), quote[-5:]
    (4000, ' Arm…')
    """
    return Evidence(document=document, start=0, end=0, quote=cap_quote(collapse(quote)), path=path)


def cap_quote(quote: str) -> str:
    """A quote built from registry fields, capped at MAX_WARNING_QUOTE_CHARS (cut at a space, with …)."""
    return cap_text(quote, MAX_WARNING_QUOTE_CHARS)


def count_quote(value: str, unit: str | None) -> str:
    return f"{value} {unit}".strip() if unit else value


@dataclass
class ResultsBuilder:
    """Collects groups, measures and adverse events; group ids stay unique within the record.

    A registry reuses a group id in every outcome measure ("OG000" in each), and the group behind it
    can differ between measures. The first group keeps the id as written; a different group under an
    id already taken gets "<id>@<scope>" (e.g. "OG000@outcome2").
    """

    document: str
    groups: dict[str, RegistryGroup] = field(default_factory=dict)
    measures: list[RegistryMeasure] = field(default_factory=list)
    adverse_events: list[RegistryAdverseEvent] = field(default_factory=list)
    # (raw id, title, description) -> the first group registered under them, so finding a group
    # already seen costs one lookup however many groups a record has.
    _seen: dict[tuple[str, str, str | None], str] = field(default_factory=dict)

    def group(
        self,
        raw_id: str,
        scope: str,
        title: str,
        description: str | None,
        n: int | None,
        path: str,
        noun: str,
    ) -> str:
        """Register a group; returns the id its values refer to. `noun` says what n counts ("started")."""
        quote = f"{title or raw_id}: {n} {noun}" if n is not None else (title or raw_id)
        title = collapse(title) or raw_id
        description = collapse(description or "") or None
        group_id = self._seen.get((raw_id, title, description))
        if group_id is not None:
            existing = self.groups[group_id]
            if existing.n is None and n is not None:
                self.groups[group_id] = RegistryGroup(
                    group_id, title, description, n, evidence(self.document, path, quote)
                )
            return group_id
        group_id = raw_id if raw_id not in self.groups else f"{raw_id}@{scope}"
        if group_id not in self.groups:
            self.groups[group_id] = RegistryGroup(
                group_id, title, description, n, evidence(self.document, path, quote)
            )
            self._seen.setdefault((raw_id, title, description), group_id)
        return group_id

    def title(self, group_id: str) -> str:
        group = self.groups.get(group_id)
        return group.title if group else group_id

    def measure(
        self,
        *,
        outcome: str,
        kind: str,
        param: str | None,
        unit: str | None,
        category: str | None,
        group_id: str,
        value: object,
        denominator: int | None,
        path: str,
    ) -> None:
        written = as_written(value)
        label = f"{outcome} / {category}" if category else outcome
        group = self.title(group_id)
        if kind == FLOW:
            quote = f"{label}: {written} ({group})"
        elif param == "COUNT_OF_PARTICIPANTS" and denominator is not None:
            quote = f"{label}: {written} of {denominator} {unit or 'participants'} ({group})"
        else:
            note = (
                "" if param in (None, "NUMBER", "COUNT_OF_PARTICIPANTS") else param.lower().replace("_", " ")
            )
            where = f"{group}; {denominator} analyzed" if denominator is not None else group
            quote = f"{label}: {note} {count_quote(written, unit)} ({where})"
        self.measures.append(
            RegistryMeasure(
                outcome=outcome,
                kind=kind,
                param_type=param,
                unit=unit or None,
                category=category or None,
                group_id=group_id,
                value=to_float(value),
                denominator=denominator,
                evidence=evidence(self.document, path, quote),
            )
        )

    def flow_count(self, *, outcome: str, category: str, group_id: str, value: object, path: str) -> None:
        """A participant-flow count (a milestone or a reason for not completing) for one group."""
        self.measure(
            outcome=outcome,
            kind=FLOW,
            param="COUNT_OF_PARTICIPANTS",
            unit="participants",
            category=category,
            group_id=group_id,
            value=value,
            denominator=None,
            path=path,
        )

    def adverse_event(
        self,
        *,
        term: str,
        organ_system: str | None,
        group_id: str,
        affected: object,
        at_risk: object,
        serious: bool,
        path: str,
    ) -> None:
        affected_n, at_risk_n = to_int(affected), to_int(at_risk)
        count = as_written(affected) or "?"
        of = f" of {as_written(at_risk)}" if at_risk_n is not None else ""
        quote = f"{term}{' (serious)' if serious else ''}: {count}{of} affected ({self.title(group_id)})"
        self.adverse_events.append(
            RegistryAdverseEvent(
                term=term,
                organ_system=organ_system or None,
                group_id=group_id,
                affected=affected_n,
                at_risk=at_risk_n,
                serious=serious,
                evidence=evidence(self.document, path, quote),
            )
        )

    def results(self) -> RegistryResults:
        return RegistryResults(tuple(self.groups.values()), tuple(self.measures), tuple(self.adverse_events))


class ProtocolText(TextBuilder):
    """The protocol's prose as Document.text: title, summary, description, conditions, arms,
    interventions, outcome measure definitions, eligibility criteria (each its own section)."""

    def heading(self, text: str) -> None:
        self.add(text)  # unclaimed: laid out as boilerplate, never read for facts

    def title(self, text: str) -> None:
        self.add(collapse(text), TITLE)

    def prose(self, heading: str, text: str, label: str) -> None:
        if text.strip():
            self.heading(heading)
            self.add(text, REGISTRY, label)

    def items(self, heading: str, lines: list[str], label: str) -> None:
        """A heading, then each line its own paragraph in one labelled section."""
        lines = [line for line in lines if line.strip()]
        if lines:
            self.heading(heading)
        for line in lines:
            self.add(line, REGISTRY, label)

    def conditions(self, names: Iterable[str]) -> None:
        names = [name for name in names if name]
        if names:
            self.prose("Conditions", "Conditions: " + "; ".join(names) + ".", "conditions")

    def arms_interventions(
        self, arms: Iterable[tuple[str, str, str]], interventions: Iterable[tuple[str, str, str]]
    ) -> None:
        """Arms as (label, type, description), interventions as (type, name, description)."""
        lines = []
        for label, kind, body in arms:
            kind = kind.lower()
            lines.append(
                f"Arm {label or 'Arm'}{f' ({kind})' if kind else ''}" + (f": {body}" if body else "")
            )
        for kind, name, body in interventions:
            kind = kind.lower()
            lines.append(
                f"Intervention {f'({kind}) ' if kind else ''}{name or 'Intervention'}"
                + (f": {body}" if body else "")
            )
        self.items("Arms and interventions", lines, "arms_interventions")

    def outcome_measures(self, outcomes: Iterable[tuple[str, str, str, str]]) -> None:
        """Outcomes as (kind, measure, time frame, description); one without a measure is left out."""
        first = True
        for kind, measure, frame, body in outcomes:
            if not measure:
                continue
            if first:
                self.heading("Outcome measures")
                first = False
            line = f"{kind} outcome: {measure}{f' [Time Frame: {frame}]' if frame else ''}"
            self.outcome(f"{line}. {body}" if body else line)

    def outcome(self, text: str) -> None:
        self.add(text, REGISTRY, OUTCOME_MEASURES)

    def eligibility(self, text: str) -> None:
        if text.strip():
            self.heading("Eligibility criteria")
            self.add(text, ELIGIBILITY)


_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=])")


def markdown_prose(text: str) -> str:
    """API v2 prose (Markdown): escapes undone ("\\<" -> "<"), line ends trimmed, blank runs cut."""
    lines = [line.rstrip() for line in _MD_ESCAPE_RE.sub(r"\1", text.replace("\r\n", "\n")).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def paragraphs(text: str) -> str:
    """Registry prose with its wrapping undone: paragraphs kept, lines inside a paragraph joined."""
    import textwrap

    blocks = re.split(r"\n[ \t]*\n", textwrap.dedent(text.replace("\r\n", "\n")).strip("\n"))
    return "\n\n".join(collapse(block) for block in blocks if block.strip())
