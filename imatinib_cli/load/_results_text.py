"""Posted results of a registry page saved as text, read as tables (the text twin of _registry).

A results page saved as text keeps its tables only as lines, in one of three shapes:

- cells joined by pipes: ``STARTED | 74 | 72``;
- cells separated by runs of spaces (the classic ClinicalTrials.gov page): ``STARTED   74   72``;
- one cell per line (mirror sites): ``Measure`` / arm title / arm description / ... / ``Overall Study``
  / ``STARTED`` / ``74`` / ``72``.

Each table is read against its groups (the header's arm titles): the participant flow's STARTED row
gives each group's size, other milestones and the reasons for not completing are flow counts (never
results), baseline tables are skipped, outcome measures give one value per group and category where
their unit is stated, adverse-event rows give "affected/at risk" per group. A row with fewer values
than groups, and the page's last line when the page does not end with a line break (a stored page
cut short), are never read: a half row is not a value. Every value's Evidence spans the number in
Document.text; `path` is None because the value sits in the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imatinib_cli.load._registry import MAX_DIGITS, cap_quote
from imatinib_cli.load._text import Line, collapse, split_lines
from imatinib_cli.models import (
    Evidence,
    RegistryAdverseEvent,
    RegistryGroup,
    RegistryMeasure,
    RegistryResults,
)

FLOW, REASONS, BASELINE, OUTCOME, ADVERSE, GROUPS, OTHER = (
    "flow",
    "reasons",
    "baseline",
    "outcome",
    "adverse",
    "groups",
    "other",
)
# Headings of the results tables, as ClinicalTrials.gov and its mirrors write them.
_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (REASONS, re.compile(r"^(?:Reasons? for (?:withdrawal|not completing)|Withdrawal reasons?)\b", re.I)),
    (FLOW, re.compile(r"^(?:Participant Flow|Participant milestones|Period(?: \d+| Title)\s*:)", re.I)),
    (
        BASELINE,
        re.compile(r"^(?:Baseline Characteristics|Baseline characteristics by|Baseline Measures)", re.I),
    ),
    (
        ADVERSE,
        re.compile(
            r"^(?:(?:Serious|Other(?: \(Not Including Serious\))?(?: Non-Serious)?) Adverse Events?"
            r"|Adverse Events?\b(?! \d)|All-Cause Mortality)",
            re.I,
        ),
    ),
    (
        OUTCOME,
        re.compile(
            r"^(?:\d+\.\s*)?(?:(?:Primary|Secondary|Other Pre-specified|Other) Outcomes?(?: Measures?)?\b"
            r"|Outcome Measures?\b|Measured Values\b)",
            re.I,
        ),
    ),
    (GROUPS, re.compile(r"^Reporting Groups?\b", re.I)),
    (
        OTHER,
        re.compile(
            r"^(?:Limitations and Caveats|More Information|Certain Agreements|Results Point of Contact"
            r"|Recruitment Details|Pre-Assignment Details|Time Frame|Additional Description"
            r"|Source Vocabulary|Assessment Type|Eligibility Criteria|Inclusion Criteria|Exclusion Criteria"
            r"|Ages? Eligible for Study|Contacts and Locations)\b",
            re.I,
        ),
    ),
)
_MILESTONES = ("STARTED", "COMPLETED", "NOT COMPLETED")
_MEASURE_HEADER = re.compile(r"^(?:Measure|Arm/Group Title|Title)$", re.I)
_SPLIT = re.compile(r"\t+| {2,}")
# "74", "1,024", "12.5", "45%", "12 participants", "3/157 (1.91%)", "NA"; a trailing bracket is a
# dispersion or a percent written next to a count.
_VALUE = re.compile(
    r"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)(?:\s*/\s*(?P<den>\d[\d,]*))?\s*(?P<pct>%)?"
    r"(?:\s*(?:participants?|patients?|subjects?))?(?:\s*\([^()]*\))?$",
    re.I,
)
_NA = re.compile(r"^(?:NA|N/A|--)$", re.I)
_ANALYZED = re.compile(r"^(?:Overall )?Number of (?:Participants|Patients|Subjects) Analyzed\b", re.I)
_AT_RISK = re.compile(r"^(?:Total,|# participants affected|Total participants)", re.I)
_UNITS = re.compile(
    r"(?:\[\s*units?\s*:\s*(?P<a>[^\]]+)\]|^(?:Unit of Measure|Units?)\s*(?::\s*)?(?P<b>.+)$)", re.I
)
_TITLE_FIELD = re.compile(r"^(?:Measure Title|Title)\s*[:|]?\s*(?P<t>.+)$", re.I)
_TYPE_FIELD = re.compile(r"^(?:Measure Type|Measure Kind)\s*[:|]?\s*(?P<t>.+)$", re.I)
_OUTCOME_LINE = re.compile(
    r"^(?:\d+\.\s*)?(?P<kind>Primary|Secondary|Other(?: Pre-specified)?)\s*(?:Outcome(?: Measure)?)?\s*:\s*"
    r"(?P<title>.+?)(?:\s*\[\s*Time Frame:.*)?$",
    re.I,
)
_FOOTNOTE = re.compile(r"\s*[*†‡]+\s*\d*\s*$")
_RULE = re.compile(r"^:?-{2,}:?$|^=+$")
_PERIOD = re.compile(r"^Period(?: \d+| Title)\s*:", re.I)
_DESCRIPTION_HEADER = re.compile(r"^(?:Arm/Group )?Description:?$", re.I)
_TOTALS = re.compile(r"^Total\b", re.I)
_MAX_TITLE_WORDS = 10


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class _Table:
    """What is known while reading one table: its groups, their sizes, the measure being read."""

    section: str
    groups: list[str] = field(default_factory=list)  # group ids, in column order
    outcome: str | None = None
    kind: str = "other"
    unit: str | None = None
    param: str | None = None
    columns: int = 0  # value columns the table's header (or one-group title line) announced
    header: tuple[int, int] | None = None  # the header line's span, until a row confirms it
    denominators: list[int | None] = field(default_factory=list)
    after_not_completed: bool = False
    organ_system: str | None = None
    serious: bool = False


@dataclass(slots=True)
class ResultsText:
    """The results a page states in its tables, and the line spans those tables take (not prose)."""

    results: RegistryResults | None
    table_spans: list[tuple[int, int]]


@dataclass(slots=True)
class _Reader:
    document: str
    text: str
    groups: dict[str, RegistryGroup] = field(default_factory=dict)
    measures: list[RegistryMeasure] = field(default_factory=list)
    events: list[RegistryAdverseEvent] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    candidates: list[Cell] = field(default_factory=list)  # one-cell reporting-group lines
    sized: set[str] = field(default_factory=set)

    # -- groups ---------------------------------------------------------------------------------
    def group(self, title: Cell, description: Cell | None) -> str:
        """The id of the group with this title (one group per title on a page)."""
        name = collapse(_FOOTNOTE.sub("", title.text))
        key = name.lower()
        if description is None:
            description = self._described(name)
        desc = collapse(description.text) if description is not None else None
        known = next((g for g in self.groups.values() if g.title.lower() == key), None)
        if known is not None:
            if known.description is None and desc:
                self.groups[known.id] = RegistryGroup(known.id, known.title, desc, known.n, known.evidence)
            return known.id
        group_id = f"G{len(self.groups)}"
        evidence = Evidence(self.document, title.start, title.end, cap_quote(name))
        self.groups[group_id] = RegistryGroup(group_id, name, desc, None, evidence)
        return group_id

    def describe(self, group_id: str, description: Cell) -> None:
        group = self.groups[group_id]
        if group.description is None:
            text = collapse(description.text)
            self.groups[group_id] = RegistryGroup(group.id, group.title, text, group.n, group.evidence)

    def _described(self, title: str) -> Cell | None:
        """A reporting-groups line flattened to "<title> <description>" for this title."""
        for line in self.candidates:
            if line.text.lower().startswith(title.lower() + " "):
                offset = len(title) + 1
                rest = line.text[offset:].lstrip()
                start = line.end - len(rest)
                return Cell(rest, start, line.end)
        return None

    def started(self, group_id: str, cell: Cell, value: int) -> None:
        """The first STARTED row a group has (the first period) is its size."""
        group = self.groups[group_id]
        if group_id in self.sized:
            return
        self.sized.add(group_id)
        quote = f"{group.title}: {value} started"
        evidence = Evidence(self.document, cell.start, cell.end, cap_quote(quote))
        self.groups[group_id] = RegistryGroup(group.id, group.title, group.description, value, evidence)

    # -- values ---------------------------------------------------------------------------------
    def measure(
        self,
        table: _Table,
        category: str | None,
        group_id: str,
        cell: Cell,
        value: float | None,
        denominator: int | None,
    ) -> None:
        title = self.groups[group_id].title
        label = f"{table.outcome} / {category}" if category else (table.outcome or "")
        unit = f" {table.unit}" if table.unit and table.kind != FLOW else ""
        of = f" of {denominator}" if denominator is not None else ""
        quote = f"{label}: {cell.text}{unit}{of} ({title})"
        self.measures.append(
            RegistryMeasure(
                outcome=table.outcome or "",
                kind=table.kind,
                param_type=table.param,
                unit=table.unit,
                category=category,
                group_id=group_id,
                value=value,
                denominator=denominator,
                evidence=Evidence(self.document, cell.start, cell.end, cap_quote(quote)),
            )
        )

    def event(self, table: _Table, term: str, group_id: str, cell: Cell, affected: int, at_risk: int) -> None:
        title = self.groups[group_id].title
        quote = f"{term}{' (serious)' if table.serious else ''}: {affected} of {at_risk} affected ({title})"
        self.events.append(
            RegistryAdverseEvent(
                term=term,
                organ_system=table.organ_system,
                group_id=group_id,
                affected=affected,
                at_risk=at_risk,
                serious=table.serious,
                evidence=Evidence(self.document, cell.start, cell.end, cap_quote(quote)),
            )
        )

    def results(self) -> RegistryResults | None:
        if not self.measures and not self.events and not any(g.n is not None for g in self.groups.values()):
            return None
        return RegistryResults(tuple(self.groups.values()), tuple(self.measures), tuple(self.events))


def _cells(line: Line) -> list[Cell]:
    """A line's cells: split at pipes, else at tabs or runs of two or more spaces."""
    body = line.text
    cells: list[Cell] = []
    if "|" in body:
        position = 0
        for piece in body.split("|"):
            start = line.start + position
            position += len(piece) + 1
            stripped = piece.strip()
            if stripped:
                offset = piece.index(stripped)
                cells.append(Cell(stripped, start + offset, start + offset + len(stripped)))
        return cells
    position = 0
    stripped_line = body.rstrip()
    for match in [*_SPLIT.finditer(stripped_line), None]:
        stop = match.start() if match is not None else len(stripped_line)
        piece = stripped_line[position:stop]
        if piece.strip():
            offset = len(piece) - len(piece.lstrip())
            cells.append(
                Cell(
                    piece.strip(),
                    line.start + position + offset,
                    line.start + position + offset + len(piece.strip()),
                )
            )
        if match is not None:
            position = match.end()
    return cells


def _value(cell: Cell) -> tuple[float, int | None, bool] | None:
    """(number, denominator of "a/b", written with %) of a value cell; None for anything else."""
    match = _VALUE.match(cell.text)
    if not match:
        return None
    digits, den = match.group("num").replace(",", ""), (match.group("den") or "").replace(",", "")
    if _too_long(digits) or _too_long(den):
        return None  # "9" * 400 is no count (nor inf); int() even refuses over 4,300 digits
    return float(digits), int(den) if den else None, bool(match.group("pct"))


def _too_long(numeral: str) -> bool:
    """More digits than a registry count or value has (MAX_DIGITS: a float holds them exactly)."""
    return sum(char.isdigit() for char in numeral) > MAX_DIGITS


def _is_value(cell: Cell) -> bool:
    return _value(cell) is not None or bool(_NA.match(cell.text))


def _heading(text: str) -> str | None:
    for section, pattern in _HEADINGS:
        if pattern.match(text):
            return section
    return None


def _number_cell(cell: Cell) -> Cell:
    """The number itself inside a value cell ("74 participants" -> "74"), for a tight span."""
    match = re.match(r"[-+]?\d[\d,]*(?:\.\d+)?", cell.text)
    if not match:
        return cell
    return Cell(match.group(0), cell.start, cell.start + match.end())


def read_results_text(document: str, text: str) -> ResultsText:
    """The registry results a page saved as text states in its tables (None when it states none)."""
    lines = split_lines(text)
    cut: Line | None = None
    if lines and not text.endswith("\n"):
        cut = lines.pop()  # the stored page may be cut inside its last line: never read a half row
    reader = _Reader(document, text)
    section: str | None = None
    table: _Table | None = None
    pending: list[tuple[Line, list[Cell]]] = []  # one-cell-per-line block after "Measure"
    title_line: Cell | None = None  # a lone text line right before a row: a one-group header
    for line in lines:
        cells = _cells(line)
        if pending:
            if cells:
                pending.append((line, cells))
                continue
            _read_block(reader, table, pending)
            pending = []
        if not cells:
            title_line = None
            continue
        if all(_RULE.match(c.text) for c in cells):
            continue  # "| --- | --- |": a Markdown table's rule
        first = cells[0].text
        joined = " ".join(c.text for c in cells)
        heading = (
            _heading(first) if len(cells) == 1 or (len(cells) == 2 and not _is_value(cells[1])) else None
        )
        if heading is not None:
            previous = table
            if heading == FLOW and _PERIOD.match(first):
                # A new period of the same flow: same groups, its own milestones.
                table = _Table(FLOW, kind=FLOW, outcome=collapse(_PERIOD.sub("", joined)) or first)
                if section == FLOW and previous is not None:
                    table.groups, table.columns = previous.groups, previous.columns
            elif heading != section or table is None:
                table = _Table(heading, kind=FLOW if heading in (FLOW, REASONS) else "other")
                table.outcome = "Participant Flow" if heading in (FLOW, REASONS) else None
                table.serious = heading == ADVERSE and first.lower().startswith("serious")
            elif heading == ADVERSE:
                table.serious = first.lower().startswith("serious")
            section = heading
            title_line = None
            continue
        if section is None or table is None or section == OTHER:
            continue
        if len(cells) == 1 and _MEASURE_HEADER.match(first):
            pending = [(line, cells)]
            continue
        if section == GROUPS:
            _read_group_line(reader, cells, line)
            continue
        if section == OUTCOME and _outcome_field(table, cells):
            continue
        values = cells[1:]
        if values and all(_is_value(c) for c in values):
            if not table.columns and title_line is not None and len(values) == 1 and section != BASELINE:
                table.groups = [reader.group(title_line, None)]  # a one-group table's title line
                table.columns = 1
                reader.spans.append((title_line.start, title_line.end))
            title_line = None
            if table.columns and len(values) <= table.columns:
                # A row of a table whose header was read is never prose, even a half row.
                reader.spans.append((line.start, line.end))
                if table.header is not None:
                    reader.spans.append(table.header)
                    table.header = None
                if section != BASELINE:
                    _row(reader, table, cells[0], values)
            continue
        if len(cells) == 1 and _is_value(cells[0]):
            if table.columns:
                reader.spans.append((line.start, line.end))
            continue
        if len(cells) >= 2 and _DESCRIPTION_HEADER.match(first):
            if len(cells) - 1 == len(table.groups) and section != BASELINE:
                for group_id, cell in zip(table.groups, cells[1:], strict=True):
                    reader.describe(group_id, cell)
                reader.spans.append((line.start, line.end))
            continue
        if len(cells) >= 2 and not first.endswith(":"):
            titles = [c for c in cells if not _MEASURE_HEADER.match(c.text)]
            if titles and not any(_is_value(c) for c in titles):
                table.columns = len(titles)
                table.header = (line.start, line.end)  # a header only once a row follows it
                if section != BASELINE:
                    table.groups = [reader.group(c, None) for c in titles]
                title_line = None
                continue
        if len(cells) == 1:
            if section == ADVERSE:
                table.organ_system = first
            if section == OUTCOME:
                units = _UNITS.search(first)
                if units:
                    _set_unit(table, units.group("a") or units.group("b"))
            title_line = cells[0]
    if pending:
        _read_block(reader, table, pending)
    if cut is not None and section not in (None, OTHER) and cut.text.strip():
        reader.spans.append((cut.start, cut.end))  # half a table row is not prose either
    return ResultsText(reader.results(), reader.spans)


def _outcome_field(table: _Table, cells: list[Cell]) -> bool:
    """Outcome fields ("Measure Title: ...", "Measure Type: ...", "Primary: title [Time Frame ...]")."""
    joined = " ".join(c.text for c in cells)
    title = _TITLE_FIELD.match(joined)
    if title:
        table.outcome = collapse(title.group("t").strip("| "))
        table.unit = table.param = None
        table.denominators = []
        return True
    line = _OUTCOME_LINE.match(joined)
    if line:
        table.outcome = collapse(line.group("title"))
        table.kind = (
            "primary"
            if line.group("kind").lower().startswith("primary")
            else ("secondary" if line.group("kind").lower().startswith("secondary") else "other")
        )
        table.unit = table.param = None
        table.denominators = []
        return True
    kind = _TYPE_FIELD.match(joined)
    if kind:
        word = kind.group("t").lower()
        if word.startswith(("primary", "secondary")):
            table.kind = "primary" if word.startswith("primary") else "secondary"
        elif not word.startswith(("number", "count")):
            table.param = re.sub(r"[^A-Za-z0-9]+", "_", word).strip("_").upper()
        return True
    units = _UNITS.search(joined)
    if units and (len(cells) == 1 or not all(_is_value(c) for c in cells[1:])):
        _set_unit(table, units.group("a") or units.group("b"))
        return True
    return False


def _set_unit(table: _Table, unit: str) -> None:
    """A stated unit decides what a value is: a count of participants, a percent, or something else."""
    unit = collapse(unit.strip("| "))
    lowered = unit.lower()
    table.unit = unit
    if table.param in ("MEAN", "MEDIAN", "GEOMETRIC_MEAN", "LEAST_SQUARES_MEAN"):
        return
    if "percent" in lowered or "%" in lowered:
        table.param = "NUMBER"
        table.unit = "percentage of participants"
    elif re.search(r"\b(?:participants?|patients?|subjects?)\b", lowered):
        table.param = "COUNT_OF_PARTICIPANTS"
        table.unit = "participants"
    else:
        table.param = "OTHER"  # months, mg/dL, scores: not a response count


def _read_group_line(reader: _Reader, cells: list[Cell], line: Line) -> None:
    """ "Imatinib 400 mg | Oral dose of 400 mg once daily." or "Imatinib All subjects received ..."
    (a classic page's reporting-groups table flattened to one line: title, then description)."""
    if (
        len(cells) >= 2
        and not _MEASURE_HEADER.match(cells[0].text)
        and cells[0].text.lower() != "description"
    ):
        text = " ".join(c.text for c in cells[1:])
        reader.group(cells[0], Cell(text, cells[1].start, cells[-1].end))
        return
    # One cell: "<title> <description>", its title known only from the tables that follow.
    reader.spans.append((line.start, line.end))
    if cells[0].text.lower() != "description":
        reader.candidates.append(cells[0])


def _row(reader: _Reader, table: _Table, label_cell: Cell, values: list[Cell]) -> bool:
    """One table row: a label and one value per group. False when it cannot be read safely."""
    groups = table.groups
    if not groups or len(values) != len(groups):
        return False
    label = collapse(_FOOTNOTE.sub("", label_cell.text))
    parsed = [_value(v) for v in values]
    if table.section in (FLOW, REASONS):
        upper = label.upper()
        if table.section == REASONS or (table.after_not_completed and upper not in _MILESTONES):
            category = f"NOT COMPLETED: {label}"
        else:
            category = upper if upper in _MILESTONES else label
            table.after_not_completed = table.after_not_completed or upper == "NOT COMPLETED"
            if upper == "STARTED":
                table.after_not_completed = False
        for group_id, cell, value in zip(groups, values, parsed, strict=True):
            if value is None or value[1] is not None or not value[0].is_integer():
                continue
            number = _number_cell(cell)
            if category == "STARTED":
                reader.started(group_id, number, int(value[0]))
            reader.measure(table, category, group_id, number, value[0], None)
        return True
    if table.section == ADVERSE:
        if _TOTALS.match(label) or _AT_RISK.match(label):
            return True  # a sum over events, not a term
        for group_id, cell, value in zip(groups, values, parsed, strict=True):
            if value is None or value[1] is None or not value[0].is_integer():
                continue  # only "affected/at risk" says what a number in an AE table counts
            reader.event(table, label, group_id, _number_cell(cell), int(value[0]), value[1])
        return True
    if table.section == OUTCOME:
        if _ANALYZED.match(label):
            table.denominators = [int(v[0]) if v and v[0].is_integer() else None for v in parsed]
            return True
        if table.outcome is None:
            return False
        for index, (group_id, cell, value) in enumerate(zip(groups, values, parsed, strict=True)):
            if value is None:
                continue
            unit, param = table.unit, table.param
            if value[2]:
                unit, param = "percentage of participants", "NUMBER"
            if param is None or param == "OTHER":
                continue  # no stated unit: what the number counts is unknown, so it is not read
            denominator = table.denominators[index] if index < len(table.denominators) else None
            kept = (table.unit, table.param)
            table.unit, table.param = unit, param
            category = None if label.lower() == (table.outcome or "").lower() else label
            reader.measure(table, category, group_id, _number_cell(cell), value[0], denominator)
            table.unit, table.param = kept
        return True
    return False


def _read_block(reader: _Reader, table: _Table | None, block: list[tuple[Line, list[Cell]]]) -> None:
    """A one-cell-per-line table: "Measure", the groups (title, description), then rows whose label
    lines (a period or class line, then the row's label) are followed by one value line per group."""
    reader.spans.extend((line.start, line.end) for line, _ in block)  # a table is never prose
    if table is None or table.section == OTHER:
        return
    items = [(line, cells[0]) for line, cells in block[1:] if len(cells) == 1]
    if len(items) != len(block) - 1:
        return  # mixed shapes: not a one-cell-per-line table
    runs: list[tuple[bool, list[tuple[Line, Cell]]]] = []
    for line, cell in items:
        is_value = _is_value(cell)
        if runs and runs[-1][0] == is_value:
            runs[-1][1].append((line, cell))
        else:
            runs.append((is_value, [(line, cell)]))
    if len(runs) < 2 or runs[0][0]:
        return
    k = len(runs[1][1])
    head = runs[0][1]
    # The line before the first row's label repeats before later rows' labels: a period or class.
    header_end = len(head) - 1
    later = [run for is_value, run in runs[2:] if not is_value]
    if (
        later
        and len(later[0]) >= 2
        and header_end >= 1
        and head[header_end - 1][1].text == later[0][-2][1].text
    ):
        header_end -= 1
    groups = _block_groups([cell for _, cell in head[:header_end]], k)
    if groups is None:
        return
    if table.section == BASELINE:
        return
    table.groups = [reader.group(title, description) for title, description in groups]
    label_lines = [head[-1][1]]
    value_runs = [runs[1][1]]
    for is_value, run in runs[2:]:
        if is_value:
            value_runs.append(run)
        else:
            label_lines.append(run[-1][1])
    for label, values in zip(label_lines, value_runs, strict=False):
        _row(reader, table, label, [cell for _, cell in values])


def _block_groups(lines: list[Cell], k: int) -> list[tuple[Cell, Cell | None]] | None:
    """k groups from their header lines: (title, description) pairs, titles alone, or one title and
    its description; None when the lines cannot be split into k groups without guessing."""
    lines = [line for line in lines if not _PERIOD.match(line.text)]
    if not lines:
        return None
    split = next((i for i, line in enumerate(lines) if _DESCRIPTION_HEADER.match(line.text)), None)
    if split is not None:  # "Arm/Group Title" lines, then "Arm/Group Description" and one per group
        titles, descriptions = lines[:split], lines[split + 1 :]
        if len(titles) == k and len(descriptions) == k:
            return list(zip(titles, descriptions, strict=True))
        return None
    if len(lines) == k:
        return [(line, None) for line in lines]
    if len(lines) == 2 * k and all(_looks_like_title(lines[2 * i].text) for i in range(k)):
        return [(lines[2 * i], lines[2 * i + 1]) for i in range(k)]
    if k == 1 and _looks_like_title(lines[0].text):
        rest = lines[1:]
        return [(lines[0], Cell(" ".join(c.text for c in rest), rest[0].start, rest[-1].end))]
    return None


def _looks_like_title(text: str) -> bool:
    """An arm title is short and is not a sentence."""
    return len(text.split()) <= _MAX_TITLE_WORDS and not text.rstrip().endswith(".")
