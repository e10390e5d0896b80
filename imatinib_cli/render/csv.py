"""Flat exports of a Comparison for R, a spreadsheet or a report: one record per row as shown.

comparison_records() gives the columns and the records; write_csv() prints them with the csv module
(render/markdown.py prints the same records as a pipe table). For the study view a record is one study
population; for the tumor-type and dose views it is a row of the table (with its subtotals and total),
followed by one record per pooled estimate, marked kind="pooled". Proportions and their interval are on
the 0-1 scale (what R's meta::metaprop reports); I² is in percent.
"""

from __future__ import annotations

import csv
import re
from typing import TextIO

from imatinib_cli.models import (
    CRUDE_LABEL,
    GIST,
    HEME_LABELS,
    NON_GIST,
    RANDOM_EFFECTS_LABEL,
    Comparison,
    ComparisonRow,
    Evidence,
    HemeRow,
    PooledEstimate,
)
from imatinib_cli.render import text
from imatinib_cli.render.safe_text import safe_text

RESPONSE_COLUMNS = (
    "kind",
    "study",
    "label",
    "tumor_group",
    "tumor_type",
    "doses_mg_per_day",
    "pooled_arms",
    "events",
    "n",
    "derived",
    "proportion",
    "ci_low",
    "ci_high",
    "ci_method",
    "level",
    "k",
    "tau2",
    "i2",
    "evidence",
    "source",
)
HEME_COLUMNS = (
    "study",
    "population",
    "tumor_type",
    "doses_mg_per_day",
    "axis",
    "category",
    "count",
    "percent",
    "timepoint",
    "evidence",
    "source",
)
TOXICITY_COLUMNS = (
    "term",
    "soc",
    "tumor_group",
    "doses_mg_per_day",
    "max_percent",
    "grades",
    "studies",
    "reports",
    "evidence",
    "source",
)

Record = dict[str, str]


def comparison_records(comparison: Comparison) -> tuple[tuple[str, ...], list[Record]]:
    """The columns and the records of the export, every value already a string ('' when unknown)."""
    if comparison.by == "toxicity":
        records = [
            {
                "term": row.term,
                "soc": row.soc or "",
                "tumor_group": row.tumor_group,
                "doses_mg_per_day": _doses(row.doses_mg_per_day),
                "max_percent": _number(None if row.max_percent is None else round(row.max_percent, 1)),
                "grades": "; ".join(row.grades),
                "studies": "; ".join(row.studies),
                "reports": str(row.reports),
                "evidence": _quotes(row.evidence),
                "source": _sources(row.evidence),
            }
            for row in comparison.toxicity_rows
        ]
        return TOXICITY_COLUMNS, records
    if comparison.by == "hematologic":
        return HEME_COLUMNS, [_heme_record(row) for row in comparison.heme_rows]
    records = [_row_record(row, comparison) for row in comparison.rows]
    records += [_pooled_record(pooled, comparison) for pooled in comparison.pooled]
    return RESPONSE_COLUMNS, records


def write_csv(comparison: Comparison, file: TextIO, *, raw: bool = False) -> None:
    """RFC 4180 quoting, '\\n' line ends, a header row; reads back with csv.DictReader or read.csv.

    Each cell is made safe to open and to show (safe_cell: no formula a spreadsheet would run, no
    control character a terminal would obey) unless raw (--csv-raw), which writes the strings as
    extracted, for a program that reads the file and wants them exactly.
    """
    columns, records = comparison_records(comparison)
    writer = csv.DictWriter(file, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    if raw:
        writer.writerows(records)
    else:
        writer.writerows({key: safe_cell(value) for key, value in record.items()} for record in records)


def safe_cell(value: str) -> str:
    """A CSV cell as written by default: controls escaped (safe_text: 'A\\x1b[2J' -> 'A\\\\x1b[2J'),
    then a formula start neutralized ('=HYPERLINK(...)' -> "'=HYPERLINK(...)")."""
    return neutralize_formula(safe_text(value))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def neutralize_formula(value: str) -> str:
    """A cell a spreadsheet would run as a formula ('=HYPERLINK(...)' quoted from a document, '+1+1',
    '@SUM(...)') gets a leading apostrophe, which Excel and LibreOffice show as text (the OWASP advice
    for CSV injection). Plain numbers, negative ones included, are left as they are."""
    if value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _row_record(row: ComparisonRow, comparison: Comparison) -> Record:
    return {
        "kind": row.kind,
        "study": "; ".join(row.studies),
        "label": row.label or _row_label(row),
        "tumor_group": row.tumor_group,
        "tumor_type": row.tumor_type or "",
        "doses_mg_per_day": _doses(row.doses_mg_per_day),
        "pooled_arms": "true" if row.pooled_arms else "false",
        "events": str(row.responders),
        "n": str(row.n),
        "derived": derived_cell(row.derived),
        "proportion": _number(round(row.responders / row.n, 4) if row.n else None),
        "ci_low": _proportion(row.ci_low),
        "ci_high": _proportion(row.ci_high),
        "ci_method": comparison.ci_method,
        "level": _number(comparison.level),
        "k": "",
        "tau2": "",
        "i2": "",
        "evidence": _quotes(row.evidence),
        "source": _sources(row.evidence),
    }


def _pooled_record(pooled: PooledEstimate, comparison: Comparison) -> Record:
    return {
        "kind": "pooled",
        "study": "",
        "label": f"{pooled.group} {RANDOM_EFFECTS_LABEL} (k={pooled.k})",
        "tumor_group": pooled_tumor_group(pooled.group),
        "tumor_type": "",
        "doses_mg_per_day": "",
        "pooled_arms": "false",
        "events": str(pooled.events),
        "n": str(pooled.n),
        "derived": derived_cell(pooled.derived),
        "proportion": _proportion(pooled.estimate),
        "ci_low": _proportion(pooled.ci_low),
        "ci_high": _proportion(pooled.ci_high),
        "ci_method": pooled.method,
        "level": _number(comparison.level),
        "k": str(pooled.k),
        "tau2": _number(None if pooled.tau2 is None else round(pooled.tau2, 6)),
        "i2": _number(None if pooled.i2 is None else round(pooled.i2, 1)),
        "evidence": "",
        "source": "",
    }


def derived_cell(derived: tuple[str, ...]) -> str:
    """The `derived` cell: which of this record's columns rest on a number computed from stated
    ones, `;`-separated in the CSV's own names: ('responders', 'n') -> 'events;n'; '' for none."""
    return ";".join("events" if name == "responders" else name for name in derived)


def pooled_tumor_group(group: str) -> str:
    """'GIST / 400 mg/day' -> 'GIST'; '' when the pooled group is not a tumor group."""
    head = group.split(" / ", 1)[0].strip()
    return head if head in (GIST, NON_GIST) else ""


def _row_label(row: ComparisonRow) -> str:
    doses = text.format_doses(row.doses_mg_per_day, row.pooled_arms)
    if row.kind == "total":
        return "total"
    if row.kind == "subtotal":
        return f"{row.tumor_group} {CRUDE_LABEL}"
    return f"{row.tumor_name or row.tumor_type or row.tumor_group}, {doses} mg/day"


def _doses(values: tuple[float, ...]) -> str:
    return ";".join(text.format_number(v) for v in values)


def _number(value: float | None) -> str:
    return "" if value is None else str(text.whole(value))


def _proportion(percent: float | None) -> str:
    """A percent from the model as a proportion: 45.3 -> '0.453'."""
    return _number(None if percent is None else round(percent / 100, 4))


def _quotes(evidence: tuple[Evidence, ...]) -> str:
    return " … ".join(dict.fromkeys(text.one_line(e.quote) for e in evidence))


def _sources(evidence: tuple[Evidence, ...]) -> str:
    return "; ".join(dict.fromkeys(text.location(e) for e in evidence))


def _heme_record(row: HemeRow) -> Record:
    """One hematologic, cytogenetic or molecular response as stated ('CCyR', 49, 70, 'at 12 months')."""
    response = row.response
    evidence = (response.evidence,) if response.evidence else ()
    return {
        "study": row.study,
        "population": row.population,
        "tumor_type": row.tumor_type or "",
        "doses_mg_per_day": _doses(row.doses_mg_per_day),
        "axis": response.axis,
        "category": HEME_LABELS.get(response.category, response.category),
        "count": _number(response.count.value if response.count else None),
        "percent": _number(response.percent.value if response.percent else None),
        "timepoint": response.timepoint or "",
        "evidence": _quotes(evidence),
        "source": _sources(evidence),
    }
