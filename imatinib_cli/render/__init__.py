"""The render stage: the only stage that prints.

One entry point per output. JSON builders return dicts (render/json.py); table printers write to a
rich Console the caller owns (render/table.py), so tests can render into a StringIO; the comparison
exports write CSV (render/csv.py) and Markdown (render/markdown.py) to a file the caller owns. The
forest plot (render/plot.py) is imported on its own, only when a plot is asked for. safe_text
(render/safe_text.py) shows a document's control characters as escapes; every printer uses it.
"""

from __future__ import annotations

from imatinib_cli.render.csv import comparison_records, write_csv
from imatinib_cli.render.json import (
    COMPARE_SCHEMA_VERSION,
    JSONL_SCHEMA_VERSION,
    SCHEMA_VERSION,
    JsonlWriter,
    comparison_json,
    document_line,
    study_line,
    summary_json,
    write_json,
    write_json_streamed,
    write_summary_json,
)
from imatinib_cli.render.markdown import write_markdown
from imatinib_cli.render.safe_text import safe_text
from imatinib_cli.render.table import (
    file_console,
    print_comparison,
    print_document_warning,
    print_document_warnings,
    print_summary,
    stderr_console,
    stdout_console,
)

__all__ = [
    "COMPARE_SCHEMA_VERSION",
    "JSONL_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "JsonlWriter",
    "comparison_json",
    "comparison_records",
    "document_line",
    "file_console",
    "print_comparison",
    "print_document_warning",
    "print_document_warnings",
    "print_summary",
    "safe_text",
    "stderr_console",
    "stdout_console",
    "study_line",
    "summary_json",
    "write_csv",
    "write_json",
    "write_json_streamed",
    "write_summary_json",
    "write_markdown",
]
