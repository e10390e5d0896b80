"""The library's front door: paths in, a Report (and a Comparison) out. Never prints or exits."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace

from imatinib_cli.models import STATUS_ERROR, STATUS_OK, Comparison, Document, Findings, Report, Study

_log = logging.getLogger(__name__)
_MAX_DETAIL = 200


def summarize(paths: Sequence[str], *, follow_links: bool = False, max_bytes: int | None = None) -> Report:
    """Load every path, extract findings from each usable document and merge them into studies.

    follow_links: walk into symbolic links to folders (loops are detected); max_bytes: skip files
    larger than this (default load.MAX_FILE_BYTES, 50 MiB).
    """
    from imatinib_cli.resolve import resolve

    extracted = list(iter_extracted(paths, follow_links=follow_links, max_bytes=max_bytes))
    studies = resolve([findings for _, findings in extracted if findings is not None])
    return Report(documents=tuple(document for document, _ in extracted), studies=tuple(studies))


def iter_extracted(
    paths: Sequence[str], *, follow_links: bool = False, max_bytes: int | None = None
) -> Iterator[tuple[Document, Findings | None]]:
    """Every Document in input order with its Findings (None unless the document is ok), one at a
    time: a file is read when the caller asks for the next item. A document whose extraction
    raised comes back as an error, with the exception as its reason. The paths are checked (and
    UsageError raised) on the call, before any file is read.
    """
    from imatinib_cli.load import MAX_FILE_BYTES, iter_paths

    documents = iter_paths(
        paths, follow_links=follow_links, max_bytes=MAX_FILE_BYTES if max_bytes is None else max_bytes
    )
    return _extracted(documents)


def _extracted(documents: Iterator[Document]) -> Iterator[tuple[Document, Findings | None]]:
    from imatinib_cli.extract import extract

    for document in documents:
        if document.status != STATUS_OK:
            yield document, None
            continue
        try:
            findings = extract(document)
        except Exception as exc:  # noqa: BLE001 - one document must never stop the run
            # A bug in an extractor, not a property of the file: the document is listed as an error
            # with the exception (one line); --debug logs the traceback.
            _log.debug("extracting %s failed", document.path, exc_info=True)
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:_MAX_DETAIL]
            yield (
                replace(document, status=STATUS_ERROR, reason=f"extraction failed (a bug in imx): {detail}"),
                None,
            )
            continue
        yield document, findings


def summarize_stream(
    paths: Sequence[str], *, follow_links: bool = False, max_bytes: int | None = None
) -> Iterator[Document | Study]:
    """summarize() as a stream, for `summarize --jsonl`: every Document as soon as it is processed
    (in input order), then every Study (in summarize()'s order, equal to its studies).

    Memory does not grow with the corpus's text: each Findings goes to a temporary on-disk store
    (imatinib_cli.spill) and only its link keys stay in memory; studies are merged one group at a
    time. Run the iterator to its end or close() it: either removes the store.
    """
    return _stream(iter_extracted(paths, follow_links=follow_links, max_bytes=max_bytes))


def _stream(extracted: Iterator[tuple[Document, Findings | None]]) -> Iterator[Document | Study]:
    from imatinib_cli.resolve import group_by_keys, link_keys, merge_group
    from imatinib_cli.spill import SpillStore

    with SpillStore() as store:
        keys: list[list[str]] = []
        for document, findings in extracted:
            yield document
            item_keys = None if findings is None else link_keys(findings)
            if findings is not None and item_keys is not None:
                store.put(len(keys), _without_text(findings))
                keys.append(item_keys)
            del document, findings  # not kept while the next file is read, nor while merging
        for group in group_by_keys(keys):
            yield merge_group(store.get(group))


def _without_text(findings: Findings) -> Findings:
    """What merging reads of a document is its metadata and path: the text, sections and registry
    tables were for extraction (every quote is already copied into its Evidence)."""
    document = replace(findings.document, text="", sections=(), registry_results=None)
    return replace(findings, document=document)


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
