"""analyze: Studies -> Comparison. Public entry point: analyze(studies, by=...)."""

from __future__ import annotations

from imatinib_cli.analyze.group import GROUPINGS, analyze

__all__ = ["GROUPINGS", "analyze"]
