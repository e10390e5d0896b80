"""Tables for a human reader: one block per study, one table per comparison.

Everything is printed through a rich Console the caller passes in, so tests can render into a
StringIO and the CLI decides which stream is stdout. Text from documents is printed as Text,
never as markup, so a quote holding "[...]" prints as written.
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from imatinib_cli.models import (
    RESPONSE_CATEGORIES,
    STATUS_OK,
    Comparison,
    ComparisonRow,
    Evidence,
    Population,
    Quantity,
    Report,
    Study,
)
from imatinib_cli.render import text

# Width used when stdout is a pipe or a file and COLUMNS is unset: wide enough for the
# population table without wrapping cells, so `imx summarize > out.txt` stays readable.
PIPE_WIDTH = 140

LEGEND = f"{text.DERIVED_MARK} derived from other stated numbers · {text.DASH} not stated"


def stdout_console() -> Console:
    """The result stream. Colors only on a terminal; rich itself honors NO_COLOR and TERM=dumb."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=PIPE_WIDTH)
    return console


def stderr_console() -> Console:
    """The diagnostics stream (warnings, errors, progress)."""
    return Console(stderr=True, highlight=False)


def print_document_warnings(report: Report, console: Console) -> None:
    """One `imx: warning: PATH: reason` line per input that was skipped or failed."""
    for document in report.documents:
        if document.status != STATUS_OK:
            where = document.path if not document.record else f"{document.path}#{document.record}"
            _line(console, f"imx: warning: {where}: {document.reason or document.status}")


def print_summary(report: Report, console: Console, *, evidence: bool = False) -> None:
    """One block per study: citation, design, populations and responses, toxicities, outcomes."""
    if not report.studies:
        _line(console, "No studies found.")
        return
    for index, study in enumerate(report.studies):
        if index:
            console.print()
        _print_study(study, console, evidence)


def print_comparison(comparison: Comparison, console: Console) -> None:
    """The grouped table, then the studies left out and why."""
    table = Table(
        title=f"Objective response by {comparison.by}",
        caption="Responders = CR + PR · ORR % = responders / N",
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("Group", no_wrap=True)
    table.add_column("Tumor type")
    table.add_column("Dose mg/day", no_wrap=True)
    table.add_column("Studies")
    for header in ("N", "Responders", "ORR %"):
        table.add_column(header, justify="right", no_wrap=True)
    rows = comparison.rows
    for index, row in enumerate(rows):
        following = rows[index + 1].kind if index + 1 < len(rows) else None
        table.add_row(
            *_comparison_cells(row),
            style="bold" if row.kind != "row" else None,
            end_section=row.kind != "row" or following not in (None, "row"),
        )
    console.print(table)
    if comparison.excluded:
        console.print(Text("Excluded studies", style="bold"))
        for study, reason in comparison.excluded:
            _line(console, f"  {study}: {reason}")


def _comparison_cells(row: ComparisonRow) -> tuple[str, ...]:
    # Subtotal and total rows name their kind where a row names its tumor.
    tumor = _tumor(row.tumor_name, row.tumor_type) if row.kind == "row" else row.kind
    orr = row.orr_percent
    return (
        row.tumor_group if row.kind != "total" else "all",
        tumor,
        text.format_doses(row.doses_mg_per_day, row.pooled_arms),
        ", ".join(row.studies) or text.DASH,
        str(row.n),
        str(row.responders),
        text.DASH if orr is None else f"{orr:.1f}",
    )


def _tumor(name: str | None, code: str | None) -> str:
    if name and code and code != name:
        return f"{name} ({code})"
    return name or code or text.DASH


def _print_study(study: Study, console: Console, evidence: bool) -> None:
    console.print(Text(study.title or study.id, style="bold"))
    _field(console, "Study", study.id)
    _field(console, "Citation", text.citation(study))
    _field(console, "Design", text.design_line(study))
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
    if not study.has_results:
        _field(console, "Responses", "no response data reported")

    if study.adverse_events:
        console.print(_toxicity_table(study))
        if evidence:
            for event in study.adverse_events:
                value = _toxicity_value(event.percent, event.count, event.approximate)
                _evidence_line(
                    console, f"{event.term or text.one_line(event.as_written)} {value}", event.evidence
                )
    if study.outcomes:
        console.print(_outcome_table(study))
        if evidence:
            for outcome in study.outcomes:
                value = text.format_quantity(outcome.value)
                label = f"{outcome.kind} {value}{' ' + outcome.unit if outcome.unit else ''}"
                _evidence_line(console, label, outcome.evidence, _derivation_note(outcome.value))

    _field(console, "Sources", ", ".join(study.sources) or text.DASH)
    for warning in study.warnings:
        _line(console, f"Warning: {warning.message}", style="yellow")
        if evidence:
            for item in warning.evidence:
                _evidence_line(console, "", item)


def _population_table(populations: tuple[Population, ...]) -> Table:
    table = Table(
        title="Populations and responses", caption=LEGEND, title_justify="left", caption_justify="left"
    )
    table.add_column("Population", ratio=1)
    table.add_column("Tumor")
    table.add_column("Group", no_wrap=True)
    table.add_column("Dose mg/day", no_wrap=True)
    for header in ("N", *(c.upper() for c in RESPONSE_CATEGORIES)):
        table.add_column(header, justify="right", no_wrap=True)
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


def _toxicity_value(percent: Quantity | None, count: Quantity | None, approximate: bool) -> str:
    parts = []
    if percent is not None:
        parts.append(("~" if approximate else "") + text.format_quantity(percent, percent=True))
    if count is not None:
        parts.append(f"n={text.format_quantity(count)}")
    return " ".join(parts) or text.DASH


def _toxicity_table(study: Study) -> Table:
    table = Table(title="Toxicities", title_justify="left")
    for header in ("CTCAE term", "As written", "Grade", "Frequency"):
        table.add_column(header)
    for event in study.adverse_events:
        table.add_row(
            event.term or text.DASH,
            text.one_line(event.as_written),
            event.grade or text.DASH,
            _toxicity_value(event.percent, event.count, event.approximate),
        )
    return table


def _outcome_table(study: Study) -> Table:
    table = Table(title="Other outcomes", title_justify="left")
    for header in ("Outcome", "Value", "Population", "Timepoint", "Detail", "As written"):
        table.add_column(header)
    for outcome in study.outcomes:
        value = text.format_quantity(outcome.value)
        if outcome.value is not None and outcome.unit:
            value = f"{value} {outcome.unit}"
        if outcome.denominator is not None:
            value = f"{value} of {text.format_quantity(outcome.denominator)}"
        detail = " ".join(part for part in (outcome.gene, outcome.variant) if part)
        table.add_row(
            outcome.kind,
            value,
            outcome.population or text.DASH,
            outcome.timepoint or text.DASH,
            detail or text.DASH,
            text.one_line(outcome.as_written),
        )
    return table


def _design_evidence(study: Study, console: Console) -> None:
    design = study.design
    if design.phase_evidence is not None:
        _evidence_line(console, text.phase_label(design.phase), design.phase_evidence)
    for name, (yes, no) in text.FLAG_WORDS.items():
        flag = getattr(design, name)
        if flag is not None:
            _evidence_line(console, yes if flag.value else no, flag.evidence)
    n = design.n_enrolled
    if n is not None:
        _evidence_line(console, f"N enrolled {text.format_quantity(n)}", n.evidence, _derivation_note(n))


def _population_evidence(population: Population, console: Console) -> None:
    _line(console, f"{population.label}:", style="bold")
    if population.n is not None:
        _evidence_line(
            console,
            f"N {text.format_quantity(population.n)}",
            population.n.evidence,
            _derivation_note(population.n),
        )
    for dose in population.doses:
        mg = text.DASH if dose.mg_per_day is None else text.format_number(dose.mg_per_day)
        _evidence_line(console, f"Dose {mg} mg/day ({text.one_line(dose.as_written)})", dose.evidence)
    for category in RESPONSE_CATEGORIES:
        response = population.response(category)
        if response is None:
            continue
        note = text.derivation(response.count, response.percent)
        _evidence_line(
            console,
            f"{category.upper()} {text.format_response(response)}",
            response.evidence,
            f"derived: {note}" if note else None,
        )


def _derivation_note(quantity: Quantity | None) -> str | None:
    if quantity is None or not quantity.derived:
        return None
    return f"derived: {quantity.derivation}" if quantity.derivation else "derived"


def _evidence_line(console: Console, label: str, evidence: Evidence | None, note: str | None = None) -> None:
    """`  PR 79 (53.7%): "quote" [path:start-end]`, one line so it can be grepped."""
    line = Text("  ")
    if label:
        line.append(f"{label}: ")
    if evidence is None:
        line.append("(no sentence)", style="dim")
    else:
        line.append(f'"{text.one_line(evidence.quote)}"', style="italic")
        line.append(f" [{text.location(evidence)}]", style="dim")
    if note:
        line.append(f" ({note})", style="dim")
    console.print(line, soft_wrap=True)


def _field(console: Console, name: str, value: str) -> None:
    line = Text.assemble((f"{name}: ", "bold"), value)
    console.print(line)


def _line(console: Console, message: str, style: str | None = None) -> None:
    console.print(Text(message, style=style or ""), soft_wrap=True)
