"""The library's front door: paths in, a Report (and a Comparison) out. Never prints or exits."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from imatinib_cli.models import STATUS_ERROR, STATUS_OK, Comparison, Report

_log = logging.getLogger(__name__)
_MAX_DETAIL = 200


def summarize(paths: Sequence[str], *, follow_links: bool = False, max_bytes: int | None = None) -> Report:
    """Load every path, extract findings from each usable document and merge them into studies.

    follow_links: walk into symbolic links to folders (loops are detected); max_bytes: skip files
    larger than this (default load.MAX_FILE_BYTES, 50 MiB).
    """
    from imatinib_cli.extract import extract
    from imatinib_cli.load import MAX_FILE_BYTES, load_paths
    from imatinib_cli.resolve import resolve

    documents = load_paths(
        paths, follow_links=follow_links, max_bytes=MAX_FILE_BYTES if max_bytes is None else max_bytes
    )
    findings = []
    for index, document in enumerate(documents):
        if document.status != STATUS_OK:
            continue
        try:
            findings.append(extract(document))
        except Exception as exc:  # noqa: BLE001 - one document must never stop the run
            # A bug in an extractor, not a property of the file: the document is listed as an error
            # with the exception (one line); --debug logs the traceback.
            _log.debug("extracting %s failed", document.path, exc_info=True)
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:_MAX_DETAIL]
            documents[index] = replace(
                document, status=STATUS_ERROR, reason=f"extraction failed (a bug in imx): {detail}"
            )
    studies = resolve(findings)
    return Report(documents=tuple(documents), studies=tuple(studies))


def compare(
    paths: Sequence[str],
    *,
    by: str = "tumor-type",
    ci: str = "exact",
    level: float = 0.95,
    transform: str = "logit",
    follow_links: bool = False,
    max_bytes: int | None = None,
) -> tuple[Report, Comparison]:
    """Summarize, then group the studies' populations for comparison, with intervals and pooling."""
    from imatinib_cli.analyze import analyze

    report = summarize(paths, follow_links=follow_links, max_bytes=max_bytes)
    return report, analyze(report.studies, by=by, ci=ci, level=level, transform=transform)
