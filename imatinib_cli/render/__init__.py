"""The render stage: the only stage that prints.

One entry point per output. JSON builders return dicts (render/json.py); table printers write to a
rich Console the caller owns (render/table.py), so tests can render into a StringIO; the comparison
exports write CSV (render/csv.py) and Markdown (render/markdown.py) to a file the caller owns. The
forest plot (render/plot.py) is imported on its own, only when a plot is asked for. safe_text
(render/safe_text.py) shows a document's control characters as escapes; every printer uses it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from imatinib_cli.render.table import (
        file_console,
        print_comparison,
        print_summary,
        stderr_console,
        stdout_console,
    )
    from imatinib_cli.render.warnings import DocumentWarnings, print_document_warnings

# Imported now, not on first use: importing the submodule of the same name would otherwise bind the
# package's `safe_text` to that module.
from imatinib_cli.render.safe_text import safe_text

# Each other name is imported from its module on first use (PEP 562), so `imx summarize` (tables) never
# imports the JSON, CSV and Markdown writers, and `--json` does not import the CSV one.
_WHERE = {
    "comparison_records": "csv",
    "write_csv": "csv",
    "COMPARE_SCHEMA_VERSION": "json",
    "JSONL_SCHEMA_VERSION": "json",
    "SCHEMA_VERSION": "json",
    "JsonlWriter": "json",
    "comparison_json": "json",
    "document_line": "json",
    "study_line": "json",
    "summary_json": "json",
    "write_json": "json",
    "write_json_streamed": "json",
    "write_summary_json": "json",
    "write_markdown": "markdown",
    "file_console": "table",
    "print_comparison": "table",
    "DocumentWarnings": "warnings",
    "print_document_warnings": "warnings",
    "print_summary": "table",
    "stderr_console": "table",
    "stdout_console": "table",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "COMPARE_SCHEMA_VERSION",
    "DocumentWarnings",
    "JSONL_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "JsonlWriter",
    "comparison_json",
    "comparison_records",
    "document_line",
    "file_console",
    "print_comparison",
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
