"""A Comparison as Markdown for a report: one pipe table (the records of render/csv.py), then the
methods, the subgroup test, the studies left out and the notes as short paragraphs and lists.

Every string from a document goes through escape_cell, so a viewer (GitHub, a static-site
generator, an editor's preview) shows it as the text it is: `|` cannot end a cell, `<script>` and
`<img src=...>` are shown, not run or fetched (`&lt;script&gt;`), `![x](http://...)` is not an
image to load nor `[x](javascript:...)` a link (`\\[`), and control characters are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from imatinib_cli.models import Comparison
from imatinib_cli.render import text
from imatinib_cli.render.csv import comparison_records
from imatinib_cli.render.safe_text import safe_text

# Columns holding numbers are right-aligned.
NUMERIC = frozenset(
    {
        "events",
        "n",
        "proportion",
        "ci_low",
        "ci_high",
        "level",
        "k",
        "tau2",
        "i2",
        "max_percent",
        "reports",
        "count",
        "percent",
    }
)


def write_markdown(comparison: Comparison, file: TextIO) -> None:
    columns, records = comparison_records(comparison)
    file.write(pipe_table(columns, [[record[c] for c in columns] for record in records]))
    for paragraph in _paragraphs(comparison):
        file.write("\n")
        file.write(paragraph)


def pipe_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavored Markdown pipe table: header, separator, one line per row."""
    lines = [
        _line(columns),
        _line(["---:" if c in NUMERIC else "---" for c in columns], escape=False),
    ]
    lines += [_line(row) for row in rows]
    return "\n".join(lines) + "\n"


# What a Markdown viewer would read as syntax: the backslash (escape), the pipe (a cell's end),
# brackets (links and images), and the HTML specials as character references (tags, entities).
_MARKDOWN_ESCAPES = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
)


def escape_cell(value: str) -> str:
    """One line, shown as written by any Markdown viewer.

    'a | b <img src=x>' -> 'a \\| b &lt;img src=x&gt;'
    """
    return safe_text(text.one_line(value)).translate(_MARKDOWN_ESCAPES)


def _line(cells: Sequence[str], *, escape: bool = True) -> str:
    return "| " + " | ".join(escape_cell(c) if escape else c for c in cells) + " |"


def _paragraphs(comparison: Comparison) -> list[str]:
    paragraphs = []
    if comparison.by == "hematologic":
        paragraphs.append("Responses as stated, each with its time point; not pooled.\n")
    elif comparison.by == "toxicity":
        paragraphs.append(
            "max_percent is the highest frequency any one study reports; frequencies are not pooled "
            "where the denominator is unknown.\n"
        )
    else:
        method = f"Rows: {text.ci_label(comparison)}; proportions on the 0–1 scale."
        pooling = text.pooling_description(comparison)
        if pooling:
            method += f" Pooled rows (kind = pooled): {pooling}."
            method += f" {text.crude_versus_random(comparison)}."
        paragraphs.append(method + "\n")
    test = comparison.subgroup_test
    if test is not None:
        method = text.subgroup_method(test)
        paragraphs.append(
            text.subgroup_statistic(test) + (f" ({escape_cell(method)}).\n" if method else ".\n")
        )
    if comparison.excluded:
        items = "".join(f"- {escape_cell(s)}: {escape_cell(r)}\n" for s, r in comparison.excluded)
        paragraphs.append("Excluded studies:\n\n" + items)
    if comparison.notes:
        paragraphs.append("Notes:\n\n" + "".join(f"- {escape_cell(n)}\n" for n in comparison.notes))
    return paragraphs
