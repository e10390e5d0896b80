"""`imx: warning: PATH: reason` lines on stderr, one per input skipped, failed or read with a warning.

Kept apart from render/table.py because most runs warn about nothing: the console, and with it rich
(~40 ms of a `--json` run), is made only when the first line is printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from imatinib_cli.render.text import document_warning

if TYPE_CHECKING:
    from rich.console import Console

    from imatinib_cli.models import Document


class HasDocuments(Protocol):
    @property
    def documents(self) -> Sequence[Document]: ...


class DocumentWarnings:
    """Prints each document's warning line as the document comes (`--jsonl`), or a report's
    (print_document_warnings); `printed` counts the lines (what `--strict` counts)."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console
        self.printed = 0

    def print(self, document: Document) -> bool:
        """The document's line, e.g. `imx: warning: inputs/scan.pdf: PDF is not a supported
        format`; True if one was printed."""
        line = document_warning(document)
        if line is None:
            return False
        from imatinib_cli.render.table import print_line, stderr_console

        if self._console is None:
            self._console = stderr_console()
        print_line(self._console, line)
        self.printed += 1
        return True


def print_document_warnings(report: HasDocuments, console: Console | None = None) -> int:
    """One warning line per input of the report (a Report, or pipeline.StreamedReport) that was
    skipped or failed, or that was read with a warning (an "ok" document with a reason: replaced
    characters, refused front matter), on `console` (default: stderr, made at the first line).
    Returns the number of lines printed (what `--strict` counts)."""
    warnings = DocumentWarnings(console)
    for document in report.documents:
        warnings.print(document)
    return warnings.printed
