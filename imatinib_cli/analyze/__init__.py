"""analyze: Studies -> Comparison. Public entry point: analyze(studies, by=...)."""

from __future__ import annotations

from imatinib_cli.analyze.group import CI_METHODS, GROUPINGS, TRANSFORMS, analyze

__all__ = ["CI_METHODS", "GROUPINGS", "TRANSFORMS", "analyze"]
