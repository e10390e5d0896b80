"""Tables for a human reader: one block per study, one table per comparison.

Everything is printed through a rich Console the caller passes in, so tests can render into a
StringIO and the CLI decides which stream is stdout. Text from documents is printed as Text,
never as markup, so a quote holding "[...]" prints as written, and through safe_text, so a control
sequence in it shows as `\\x1b[2J` instead of acting on the terminal. Every console made here also
escapes whatever reaches it (a render hook applying safe_text to each text segment), so a string a
printer forgot is still shown, not obeyed (SafeConsole).
"""

from __future__ import annotations

import errno
import os
from typing import Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment
from rich.text import Text

from imatinib_cli.models import (
    CRUDE_LABEL,
    HEME_AXES,
    RANDOM_EFFECTS_LABEL,
    RESPONSE_CATEGORIES,
    Comparison,
    ComparisonRow,
    Evidence,
    HemeRow,
    Population,
    Report,
    Study,
)
from imatinib_cli.render import text
from imatinib_cli.render.layout import PAIR_SEPARATOR, Col, FitTable, hang, pack
from imatinib_cli.render.safe_text import safe_text

# Width used when stdout is a pipe or a file and COLUMNS is unset: what an 80-column pager shows
# without wrapping a line (`imx summarize --evidence | less -R`). Every table fits it (render/layout).
PIPE_WIDTH = 80

# The comparison table draws its text forest plot (one bar per row) only on a console at least
# this wide: on a narrower one the bar would squeeze the tumor and study columns into fragments.
BAR_MIN_WIDTH = 132

LEGEND = f"{text.DERIVED_MARK} derived from other stated numbers · {text.DASH} not stated"


def stdout_console() -> Console:
    """The result stream. Colors only on a terminal; rich itself honors NO_COLOR and TERM=dumb."""
    console = SafeConsole(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = SafeConsole(highlight=False, width=PIPE_WIDTH)
    return console


def file_console(file: TextIO) -> Console:
    """A console writing plain text (no colors, no styles) into a file, as wide as in a pipe."""
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) > 0 else PIPE_WIDTH
    return SafeConsole(file=file, width=width, highlight=False, color_system=None, force_terminal=False)


def stderr_console() -> Console:
    """The diagnostics stream (warnings, errors, progress)."""
    return SafeConsole(stderr=True, highlight=False)


class SafeConsole(Console):
    """A rich Console that shows every control character it is given as an escape (safe_text), and
    lets a closed pipe reach the caller as BrokenPipeError.

    The printers below already pass document strings through safe_text, before the layout, so the
    columns stay aligned; the render hook is the net under them. rich's own control segments
    (cursor moves of the progress display) and the style codes it adds when writing are left alone.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.push_render_hook(_EscapeHook())

    def on_broken_pipe(self) -> None:
        """rich's default exits with status 1; the CLI stops the run as Unix tools do instead."""
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


class _EscapeHook(RenderHook):
    def process_renderables(self, renderables: list[RenderableType]) -> list[RenderableType]:  # type: ignore[override]
        return [_Escaped(renderable) for renderable in renderables]


class _Escaped:
    """A renderable whose text segments go through safe_text once rendered."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control is None and segment.text:
                escaped = safe_text(segment.text)
                if escaped is not segment.text:
                    segment = Segment(escaped, segment.style)
            yield segment


def print_summary(report: Report, console: Console, *, evidence: bool = False) -> None:
    """One block per study: citation, design, populations and responses, toxicities, outcomes."""
    if not report.studies:
        print_line(console, "No studies found.")
        return
    for index, study in enumerate(report.studies):
        if index:
            console.print()
        _print_study(study, console, evidence)


def print_comparison(comparison: Comparison, console: Console) -> None:
    """The comparison table (or the toxicity table), then pooled estimates, the subgroup test,
    the studies left out and why, and the notes."""
    if comparison.by == "toxicity":
        _print_toxicity_rows(comparison, console)
    elif comparison.by == "hematologic":
        if comparison.heme_rows:
            console.print(_heme_table(comparison))
        else:
            console.print(Text("No hematologic, cytogenetic or molecular responses stated."))
    else:
        _print_response_rows(comparison, console)
        if comparison.pooled:
            bars = console.width >= BAR_MIN_WIDTH
            console.print(_pooled_table(comparison, bars=bars))
            _note(console, text.crude_versus_random(comparison), prefix="")
            for pooled in comparison.pooled:
                note = text.pooled_note(pooled)
                if note:
                    _note(console, f"{pooled.group}: {note}")
        if comparison.subgroup_test is not None:
            console.print(Text(text.subgroup_line(comparison.subgroup_test)))
        if comparison.heme_rows:
            console.print(_heme_table(comparison))
    if comparison.excluded:
        console.print(Text("Excluded studies", style="bold"))
        for study, reason in comparison.excluded:
            _note(console, f"{study}: {reason}")
    if comparison.notes:
        console.print(Text("Notes", style="bold"))
        for note in comparison.notes:
            _note(console, note)


def _heme_table(comparison: Comparison) -> FitTable:
    """Blood diseases' responses as stated, one row per study population ('CCyR 70% at 12 months ·
    MMR 38%'): not rates to pool with tumor responses."""
    table = FitTable(
        [Col("Study population", whole=True), Col("Dose mg/day"), Col("Responses")],
        title="Hematologic, cytogenetic and molecular responses (not pooled)",
        keyed=(0,),
    )
    grouped: dict[tuple[str, str], list[HemeRow]] = {}
    for row in comparison.heme_rows:
        grouped.setdefault((row.study, row.population), []).append(row)
    for (study, population), rows in grouped.items():
        table.add_row(
            f"{study} / {population}",
            text.format_doses(rows[0].doses_mg_per_day, False),
            " · ".join(text.format_heme(row.response) for row in rows),
        )
    return table


def _print_response_rows(comparison: Comparison, console: Console) -> None:
    if not comparison.rows:
        print_line(console, "No study population with a stated N and number of responders.")
        return
    by_study = comparison.by == "study"
    bars = console.width >= BAR_MIN_WIDTH
    caption = f"Responders = CR + PR · ORR % = responders / N · {text.ci_label(comparison)}"
    if any(row.derived for row in comparison.rows):
        caption += f" · {text.DERIVED_MARK} derived from other stated numbers"
    columns = [
        Col("Group", keep=True),
        Col("Tumor type"),
        Col("Dose mg/day"),
        # A study population is a label read whole; a list of study ids wraps between ids. On a
        # narrow console either moves to a numbered line of its own under the table.
        Col("Study population", whole=True) if by_study else Col("Studies"),
        Col("N", justify="right", keep=True),
        Col("Responders", justify="right", keep=True),
        Col("ORR %", justify="right", keep=True),
        Col(f"{text.level_percent(comparison.level)} CI", justify="right", keep=True),
    ]
    if bars:
        columns.append(Col(text.bar_scale(), keep=True, optional=True, min_width=text.BAR_WIDTH))
    table = FitTable(
        columns,
        title=f"Objective response by {comparison.by}",
        caption=caption,
        bar_caption=f" · {text.BAR_POINT} rate {text.BAR_LINE} interval, on 0–100%",
        title_cols=(3,) if by_study else (0, 1),
        keyed=(3, 1),
    )
    rows = comparison.rows
    for index, row in enumerate(rows):
        following = rows[index + 1].kind if index + 1 < len(rows) else None
        cells = _comparison_cells(row, by_study)
        if bars:
            cells += (text.text_bar(text.row_estimate(row), row.ci_low, row.ci_high),)
        table.add_row(
            *cells,
            style="bold" if row.kind != "row" else None,
            end_section=row.kind != "row" or following not in (None, "row"),
        )
    console.print(table)


def _comparison_cells(row: ComparisonRow, by_study: bool = False) -> tuple[str, ...]:
    # Subtotal and total rows name their kind where a row names its tumor: a subtotal is the crude
    # sum of counts, told apart from the random-effects estimate of the pooled table.
    tumor = (
        text.tumor_label(row.tumor_name, row.tumor_type)
        if row.kind == "row"
        else _KIND_LABELS.get(row.kind, row.kind)
    )
    orr = row.orr_percent
    who = row.label if by_study and row.label else ", ".join(row.studies)
    return (
        row.tumor_group if row.kind != "total" else "all",
        tumor,
        text.format_doses(row.doses_mg_per_day, row.pooled_arms),
        who or text.DASH,
        text.marked(row.n, "n", row.derived),
        text.marked(row.responders, "responders", row.derived),
        text.DASH if orr is None else f"{orr:.1f}",
        text.format_interval(row.ci_low, row.ci_high),
    )


_KIND_LABELS = {"subtotal": CRUDE_LABEL}


def _pooled_table(comparison: Comparison, *, bars: bool) -> FitTable:
    method = text.pooling_description(comparison) or "random effects"
    columns = [
        Col("Group"),
        Col("k", justify="right", keep=True),
        Col("Events / N", justify="right", keep=True),
        Col(
            f"{RANDOM_EFFECTS_LABEL.capitalize()} % ({text.level_percent(comparison.level)} CI)",
            justify="right",
            keep=True,
        ),
    ]
    if bars:
        columns.append(Col(text.bar_scale(), keep=True, optional=True, min_width=text.BAR_WIDTH))
    columns += [
        Col("tau²", justify="right", keep=True),
        Col("I² %", justify="right", keep=True),
        # A statistic is read whole: '2.49 (1, p = 0.114)', never '2.49 (1, p =' over '0.114)'.
        Col("Q (df, p)", keep=True),
    ]
    table = FitTable(
        columns, title="Pooled estimates", caption=f"Method: {method} · rows: {text.ci_label(comparison)}"
    )
    for pooled in comparison.pooled:
        cells = [
            pooled.group,
            str(pooled.k),
            f"{text.marked(pooled.events, 'responders', pooled.derived)} / "
            + text.marked(pooled.n, "n", pooled.derived),
            text.format_estimate(pooled.estimate, pooled.ci_low, pooled.ci_high),
        ]
        if bars:
            cells.append(text.text_bar(pooled.estimate, pooled.ci_low, pooled.ci_high, mark=text.BAR_DIAMOND))
        cells += [text.format_stat(pooled.tau2, 4), text.format_stat(pooled.i2, 1), text.q_cell(pooled)]
        table.add_row(*cells)
    return table


def _print_toxicity_rows(comparison: Comparison, console: Console) -> None:
    if not comparison.toxicity_rows:
        print_line(console, "No adverse event with a CTCAE term was reported.")
        return
    table = FitTable(
        [
            Col("CTCAE term"),
            Col("SOC"),
            Col("Tumor group"),
            Col("Dose mg/day"),
            Col("Highest %", justify="right", keep=True),
            Col("Grades"),
            Col("Studies"),
            Col("Reports", justify="right", keep=True),
        ],
        title="Toxicities by tumor group and dose",
        caption=(
            "Highest % = the highest frequency any one study reports · frequencies are not pooled "
            "where the denominator is unknown"
        ),
        keyed=(6,),
    )
    for row in comparison.toxicity_rows:
        table.add_row(
            row.term,
            row.soc or text.DASH,
            row.tumor_group,
            text.format_doses(row.doses_mg_per_day, False),
            text.DASH if row.max_percent is None else text.format_percent(row.max_percent),
            ", ".join(row.grades) or text.DASH,
            ", ".join(row.studies) or text.DASH,
            str(row.reports),
        )
    console.print(table)


def _print_study(study: Study, console: Console, evidence: bool) -> None:
    console.print(Text(safe_text(study.title or study.id), style="bold"))
    _field(console, "Study", study.id)
    _field(console, "Citation", text.citation(study))
    _items_field(console, "Design", text.design_line(study).split(PAIR_SEPARATOR))
    if evidence:
        _design_evidence(study, console)
    registry = text.registry_line(study)
    if registry:
        _field(console, "Registry", registry)

    if study.populations:
        console.print(_population_table(study.populations))
        if evidence:
            for population in study.populations:
                _population_evidence(population, console)
    else:
        _field(console, "Populations", "none reported")
    with_heme = [p for p in study.populations if p.heme_responses]
    if with_heme:
        _print_heme(with_heme, console)
    elif not study.has_results:
        _field(console, "Responses", "no response data reported")

    if study.adverse_events:
        console.print(_toxicity_table(study))
        if evidence:
            for event in study.adverse_events:
                value = text.toxicity_value(event)
                _evidence_line(
                    console, f"{event.term or text.one_line(event.as_written)} {value}", event.evidence
                )
    if study.outcomes:
        console.print(_outcome_table(study))
        if evidence:
            for outcome in study.outcomes:
                value = text.format_quantity(outcome.value)
                label = f"{outcome.kind} {value}{' ' + outcome.unit if outcome.unit else ''}"
                _evidence_line(console, label, outcome.evidence, text.derivation_note(outcome.value))

    _field(console, "Sources", ", ".join(study.sources) or text.DASH)
    for warning in study.warnings:
        print_line(console, f"Warning: {warning.message}", style="yellow")
        if evidence:
            for item in warning.evidence:
                _evidence_line(console, "", item)


def _print_heme(populations: list[Population], console: Console) -> None:
    """A blood disease's responses, one short line each under its population, so they read at 80
    columns: '    CCyR 49 (70%) at 12 months'. Not tumor responses: never in the CR/ORR columns."""
    console.print(Text("Hematologic, cytogenetic and molecular responses", style="bold"))
    for population in populations:
        print_line(console, f"  {population.label}")
        for axis in HEME_AXES:
            for item in population.heme(axis):
                print_line(console, f"    {text.format_heme(item)}")


def _population_table(populations: tuple[Population, ...]) -> FitTable:
    table = FitTable(
        [
            Col("Population", whole=True),
            Col("Tumor"),
            Col("Group", keep=True),
            Col("Dose mg/day"),
            *(Col(h, justify="right", keep=True) for h in ("N", *(c.upper() for c in RESPONSE_CATEGORIES))),
        ],
        title="Populations and responses",
        caption=LEGEND,
        keyed=(0,),
    )
    for population in populations:
        table.add_row(
            population.label,
            population.tumor_type or text.DASH,
            population.tumor_group or text.DASH,
            text.population_doses(population),
            text.format_quantity(population.n),
            *(text.format_response(population.response(c)) for c in RESPONSE_CATEGORIES),
        )
    return table


def _toxicity_table(study: Study) -> FitTable:
    table = FitTable(
        [Col("CTCAE term"), Col("As written"), Col("Grade"), Col("Frequency")], title="Toxicities", keyed=(1,)
    )
    for event in study.adverse_events:
        table.add_row(
            event.term or text.DASH,
            text.one_line(event.as_written),
            event.grade or text.DASH,
            text.toxicity_value(event) + text.arm_note(event.arm),
        )
    return table


def _outcome_table(study: Study) -> FitTable:
    table = FitTable(
        [
            Col("Outcome"),
            Col("Value", keep=True),
            Col("Population"),
            Col("Timepoint"),
            Col("Detail"),
            Col("As written"),
        ],
        title="Other outcomes",
        keyed=(5,),
    )
    for outcome in study.outcomes:
        table.add_row(
            outcome.kind,
            text.outcome_value(outcome),
            outcome.population or text.DASH,
            outcome.timepoint or text.DASH,
            text.outcome_detail(outcome),
            text.one_line(outcome.as_written),
        )
    return table


def _design_evidence(study: Study, console: Console) -> None:
    design = study.design
    if design.phase_evidence is not None:
        _evidence_line(console, text.phase_label(design.phase), design.phase_evidence)
    for word, flag in text.stated_flags(design):
        _evidence_line(console, word, flag.evidence)
    n = design.n_enrolled
    if n is not None:
        _evidence_line(console, f"N enrolled {text.format_quantity(n)}", n.evidence, text.derivation_note(n))


def _population_evidence(population: Population, console: Console) -> None:
    print_line(console, f"{population.label}:", style="bold")
    if population.n is not None:
        _evidence_line(
            console,
            f"N {text.format_quantity(population.n)}",
            population.n.evidence,
            text.derivation_note(population.n),
        )
    for dose in population.doses:
        mg = text.DASH if dose.mg_per_day is None else text.format_number(dose.mg_per_day)
        _evidence_line(console, f"Dose {mg} mg/day ({text.one_line(dose.as_written)})", dose.evidence)
    for category in RESPONSE_CATEGORIES:
        response = population.response(category)
        if response is None:
            continue
        _evidence_line(
            console,
            f"{category.upper()} {text.format_response(response)}",
            response.evidence,
            text.response_note(response),
        )
    for item in population.heme_responses:
        _evidence_line(console, text.format_heme(item), item.evidence)


def _evidence_line(console: Console, label: str, evidence: Evidence | None, note: str | None = None) -> None:
    """`  PR 79 (53.7%): "quote" [path:start-end]`, one line so it can be grepped."""
    line = Text("  ")
    if label:
        line.append(f"{safe_text(label)}: ")
    if evidence is None:
        line.append("(no sentence)", style="dim")
    else:
        line.append(f'"{safe_text(text.one_line(evidence.quote))}"', style="italic")
        line.append(f" [{safe_text(text.location(evidence))}]", style="dim")
    if note:
        line.append(f" ({safe_text(note)})", style="dim")
    console.print(line, soft_wrap=True)


def _field(console: Console, name: str, value: str) -> None:
    line = Text.assemble((f"{name}: ", "bold"), safe_text(value))
    console.print(line)


def _items_field(console: Console, name: str, items: list[str]) -> None:
    """`Design: Phase 2 · single-arm · N enrolled 186`, wrapped between items, never inside one: at 80
    columns 'N enrolled' and its 147 stay on one line, the lines after the first under the first item."""
    prefix = f"{name}: "
    lines = pack([safe_text(item) for item in items], max(console.width - len(prefix), 1))
    for index, line in enumerate(lines):
        head = (prefix, "bold") if index == 0 else " " * len(prefix)
        console.print(Text.assemble(head, line))


def print_line(console: Console, message: str, style: str | None = None) -> None:
    """One line of a message, its control characters escaped, never wrapped."""
    console.print(Text(safe_text(message), style=style or ""), soft_wrap=True)


def _note(console: Console, message: str, prefix: str = "  ") -> None:
    """`  message`, wrapped at spaces to the console's width with the lines after the first
    indented as far as the prefix (notes and excluded studies under a comparison read at 80
    columns)."""
    for line in hang(prefix, safe_text(message), console.width):
        console.print(Text(line), soft_wrap=True)
