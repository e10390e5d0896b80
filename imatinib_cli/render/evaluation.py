"""`imx evaluate` output: the per-field score table and the list of misses and false values, or
one JSON document (schema: imatinib_cli/schema/evaluate.schema.json, keys in docs/evaluation.md).

Imported only by the evaluate command, so the other commands do not pay for it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from imatinib_cli import __version__
from imatinib_cli.evaluate import (
    FALSE,
    FIELD_LABELS,
    HEME_FIELDS,
    MISSED,
    PERCENT_TOLERANCE,
    WRONG,
    Discrepancy,
    DocumentEvaluation,
    Evaluation,
    FieldScore,
)
from imatinib_cli.render import text
from imatinib_cli.render.json import evidence_json
from imatinib_cli.render.layout import Col, FitTable
from imatinib_cli.render.safe_text import safe_text

EVALUATE_SCHEMA_VERSION = "1.1"

JSONDict = dict[str, Any]

KIND_STYLES = {MISSED: "yellow", FALSE: "red", WRONG: "red"}

LEGEND = (
    f"TP: imx states the gold value (percents within {PERCENT_TOLERANCE:g}) · FP: imx states a value "
    "that is not the gold one · FN: a gold value imx does not state",
    f"Derived values count as stated ({text.DERIVED_MARK} in the list below) · "
    f"{text.DASH}: no value to score · a wrong value is one FP and one FN",
)


# --------------------------------------------------------------------------- tables


def print_evaluation(evaluation: Evaluation, console: Console) -> None:
    """The score table (one row per field, then the micro average), then every miss and false
    value by document, each with imx's value, the gold one and the sentence imx read it from."""
    console.print(_score_table(evaluation))  # its title names the gold file and the documents
    for line in LEGEND:
        console.print(Text(line, style="dim"), soft_wrap=True)
    if evaluation.corrections_file is not None:
        count = len(evaluation.corrections)
        console.print(
            Text(
                f"Scored with {count} corrected gold value{'s' if count != 1 else ''} "
                f"from {safe_text(str(evaluation.corrections_file))}"
            ),
            soft_wrap=True,
        )
    if not evaluation.discrepancies:
        console.print(Text("No misses and no false values."))
        return
    console.print()
    misses = sum(1 for d in evaluation.discrepancies if d.kind == MISSED)
    false = sum(1 for d in evaluation.discrepancies if d.kind == FALSE)
    wrong = sum(1 for d in evaluation.discrepancies if d.kind == WRONG)
    console.print(
        Text(f"Misses and false values ({misses} missed, {false} false, {wrong} wrong)", style="bold")
    )
    by_document: dict[str, list[Discrepancy]] = {}
    for item in evaluation.discrepancies:
        by_document.setdefault(item.document, []).append(item)
    for document, items in by_document.items():
        console.print(Text(safe_text(document), style="bold"), soft_wrap=True)
        for item in items:
            _print_discrepancy(item, console)


def _score_table(evaluation: Evaluation) -> FitTable:
    documents = len(evaluation.documents)
    # The title is printed as Text, not markup: a file name may hold "[...]".
    table = FitTable(
        [
            Col("Field"),
            *(
                Col(header, justify="right", keep=True)
                for header in ("TP", "FP", "FN", "Precision", "Recall", "F1")
            ),
        ],
        title=f"imx against {safe_text(str(evaluation.gold))} "
        f"({documents} document{'s' if documents != 1 else ''})",
    )
    # The hematologic fields are shown only when the gold file annotates them (or imx is scored there).
    shown = [s for s in evaluation.fields if s.field not in HEME_FIELDS or s.tp + s.fp + s.fn]
    for index, score in enumerate(shown):
        last = index == len(shown) - 1
        table.add_row(*_score_cells(score, score.label), end_section=last)
    table.add_row(*_score_cells(evaluation.micro, "micro average"), style="bold")
    return table


def _score_cells(score: FieldScore, label: str) -> tuple[str, ...]:
    return (
        label,
        str(score.tp),
        str(score.fp),
        str(score.fn),
        _ratio(score.precision),
        _ratio(score.recall),
        _ratio(score.f1),
    )


def _ratio(value: float | None) -> str:
    return text.DASH if value is None else f"{value:.3f}"


def _value(value: float | str | None, derived: bool = False) -> str:
    if value is None:
        return text.DASH
    shown = value if isinstance(value, str) else text.format_number(round(float(value), 1))
    return f"{shown}{text.DERIVED_MARK if derived else ''}"


def discrepancy_line(item: Discrepancy) -> str:
    """`wrong   ORR %            desmoid tumors (imx: unresectable desmoid tumors): imx 8* · gold 7.8`."""
    field = FIELD_LABELS.get(item.field, item.field)
    if item.term is not None:
        who = item.term
    elif item.population is None:
        who = f"imx population {item.imx_population!r} (no gold population)"
    elif item.imx_population is None:
        who = f"{item.population} (no imx population)"
    elif item.imx_population == item.population:
        who = item.population
    else:
        who = f"{item.population} (imx: {item.imx_population})"
    values = f"imx {_value(item.imx, item.derived)} · gold {_value(item.gold)}"
    if item.field == "toxicity_term":
        values = "not stated by imx" if item.kind == MISSED else "not in the gold"
    return f"{item.kind:<6}  {field:<15}  {who}: {values}"


def _print_discrepancy(item: Discrepancy, console: Console) -> None:
    line = Text("  ")
    line.append(safe_text(discrepancy_line(item)), style=KIND_STYLES.get(item.kind, ""))
    console.print(line, soft_wrap=True)
    if item.evidence is not None:
        evidence = Text("          ")
        evidence.append(f'"{safe_text(text.one_line(item.evidence.quote))}"', style="italic")
        evidence.append(f" [{safe_text(text.location(item.evidence))}]", style="dim")
        console.print(evidence, soft_wrap=True)


# --------------------------------------------------------------------------- JSON


def evaluation_json(evaluation: Evaluation) -> JSONDict:
    """The `evaluate --json` document: per-field scores, the micro average, the documents with
    their population pairs, and every miss and false value with imx's evidence."""
    return {
        "schema_version": EVALUATE_SCHEMA_VERSION,
        "imx_version": __version__,
        "gold": evaluation.gold,
        "percent_tolerance": PERCENT_TOLERANCE,
        "fields": [_score(score) for score in evaluation.fields],
        "micro": _score(evaluation.micro),
        "documents": [_document(document) for document in evaluation.documents],
        "discrepancies": [_discrepancy(item) for item in evaluation.discrepancies],
        "corrections_file": evaluation.corrections_file,
        "corrections": [
            {
                "path": item.path,
                "target": item.target,
                "field": item.field,
                "gold": item.gold,
                "corrected": item.corrected,
                "proof": item.proof,
            }
            for item in evaluation.corrections
        ],
    }


def _score(score: FieldScore) -> JSONDict:
    return {
        "field": score.field,
        "label": "micro average" if score.field == "micro" else score.label,
        "tp": score.tp,
        "fp": score.fp,
        "fn": score.fn,
        "precision": score.precision,
        "recall": score.recall,
        "f1": score.f1,
    }


def _document(document: DocumentEvaluation) -> JSONDict:
    return {
        "path": document.path,
        "studies": document.studies,
        "populations": [{"gold": pair.gold, "imx": pair.imx} for pair in document.populations],
        "fields": [_score(score) for score in document.scores],
    }


def _number(value: float | str | None) -> int | float | str | None:
    if value is None or isinstance(value, str):
        return value
    return text.whole(round(float(value), 1))


def _discrepancy(item: Discrepancy) -> JSONDict:
    return {
        "kind": item.kind,
        "document": item.document,
        "field": item.field,
        "population": item.population,
        "imx_population": item.imx_population,
        "term": item.term,
        "gold": _number(item.gold),
        "imx": _number(item.imx),
        "derived": item.derived,
        "evidence": evidence_json(item.evidence),
    }
