"""The render stage: the only stage that prints.

One entry point per output. JSON builders return dicts (render/json.py); table printers write to a
rich Console the caller owns (render/table.py), so tests can render into a StringIO.
"""

from __future__ import annotations

from imatinib_cli.render.json import SCHEMA_VERSION, comparison_json, summary_json, write_json
from imatinib_cli.render.table import (
    print_comparison,
    print_document_warnings,
    print_summary,
    stderr_console,
    stdout_console,
)

__all__ = [
    "SCHEMA_VERSION",
    "comparison_json",
    "print_comparison",
    "print_document_warnings",
    "print_summary",
    "stderr_console",
    "stdout_console",
    "summary_json",
    "write_json",
]
