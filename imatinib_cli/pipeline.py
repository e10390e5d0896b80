"""The library's front door: paths in, a Report (and a Comparison) out. Never prints or exits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from imatinib_cli.models import Comparison, Document, Findings, Report, Study, mutable_record

if TYPE_CHECKING:
    from typing_extensions import TypedDict, Unpack

    from imatinib_cli.execute import Lean, ProgressCallback, ResultStore
    from imatinib_cli.render.json import RenderedStudy

    class RunOptions(TypedDict, total=False):
        """The keywords of iter_extracted, which summarize, summarize_stream and compare pass on."""

        follow_links: bool
        max_bytes: int | None
        jobs: int | None
        executor: str
        dask_address: str | None
        shared_files: bool
        store: ResultStore | None
        progress: ProgressCallback | None


def iter_extracted(
    paths: Sequence[str],
    *,
    follow_links: bool = False,
    max_bytes: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    dask_address: str | None = None,
    store: ResultStore | None = None,
    progress: ProgressCallback | None = None,
    shared_files: bool = False,
) -> Iterator[tuple[Document, Findings | None]]:
    """Every Document under the paths with its Findings (None unless the Document is ok), in input order.

    Streams: files are read as the iterator advances, and only a few chunks of them are held at a
    time. jobs: worker processes (default: the cores available; 1: none, all in this process; a
    small input is read here whatever jobs says). executor "dask", or a dask_address, runs the
    extraction on a Dask cluster (imatinib_cli.execute); shared_files: its workers see the same
    files at the same paths and read them (only paths are sent). store: extraction results kept between
    runs, by sha256 (imatinib_cli.cache). progress: called with the counts so far after each chunk.
    The output does not depend on jobs, executor or store. Raises UsageError for a missing path or a
    bad option on the call, before any file is read.
    """
    options: RunOptions = {
        "follow_links": follow_links,
        "max_bytes": max_bytes,
        "jobs": jobs,
        "executor": executor,
        "dask_address": dask_address,
        "shared_files": shared_files,
        "store": store,
        "progress": progress,
    }
    return _executed(paths, options, None)


def _executed(
    paths: Sequence[str], options: RunOptions, render: str | None, lean: _LeanRun | None = None
) -> Iterator[tuple[Document, Any]]:
    """The walk over paths and execute on what it yields (iter_extracted; with render, execute's
    lean output for that form: (Document without text, Lean or None)).

    Where the workers read the files themselves (execute.workers_read), the walk leaves files
    unread and execute finds the files with the same bytes in the walk's order (dedupe). lean:
    the run whose spill folder the pool's workers write their results to, once it is open."""
    from imatinib_cli.execute import execute, unread_below, workers_read
    from imatinib_cli.load import MAX_FILE_BYTES, walk_paths

    max_bytes = options.get("max_bytes")
    store = options.get("store")
    jobs = options.get("jobs")
    executor = options.get("executor", "local")
    dask_address = options.get("dask_address")
    shared_files = options.get("shared_files", False)
    unread = workers_read(
        jobs=jobs, executor=executor, dask_address=dask_address, store=store, shared_files=shared_files
    )
    dask = executor == "dask" or dask_address is not None
    items = walk_paths(
        paths,
        follow_links=options.get("follow_links", False),
        max_bytes=MAX_FILE_BYTES if max_bytes is None else max_bytes,
        index=_stat_index(store),
        # Files of a large file's size (sent in parts) are still read here: their parts need the bytes.
        unread_below=unread_below(dask=dask) if unread else 0,
    )
    return execute(
        items,
        jobs=jobs,
        executor=executor,
        dask_address=dask_address,
        store=store,
        progress=options.get("progress"),
        render=render,
        dedupe=unread,
        heap=None if lean is None else (lambda: lean.folder),
        shared_files=shared_files,
    )


def summarize(paths: Sequence[str], **options: Unpack[RunOptions]) -> Report:
    """Load every path, extract findings from each usable document and merge them into studies.

    options are iter_extracted's: follow_links (walk into symbolic links to folders; loops are
    detected), max_bytes (skip larger files; default load.MAX_FILE_BYTES, 50 MiB), and jobs,
    executor, dask_address, store and progress: where extraction runs and what is reported while it
    does. They never change the Report.
    """
    from imatinib_cli.resolve import document_order, resolve

    documents: list[Document] = []
    findings: list[Findings] = []
    for document, found in iter_extracted(paths, **options):
        documents.append(document)
        if found is not None:
            findings.append(found)
    studies = resolve(findings)
    # Listed in a canonical order (by path, as a folder walk gives it), so the Report is the same
    # whatever order the paths were given in.
    documents.sort(key=document_order)
    return Report(documents=tuple(documents), studies=tuple(studies))


def summarize_stream(
    paths: Sequence[str], *, rendered: str | None = None, **options: Unpack[RunOptions]
) -> Iterator[Document | Study | RenderedStudy]:
    """summarize() as a stream, for `summarize --jsonl`: every Document as soon as it is processed
    (in input order: a stream cannot wait to sort them), then every Study (in summarize()'s order,
    equal to its studies, whatever the input order).

    Memory does not grow with the corpus's text: each Findings goes to a temporary on-disk store
    (imatinib_cli.spill) and only its link keys stay in memory; studies are merged one group at a
    time. Run the iterator to its end or close() it: either removes the store.

    rendered "jsonl" (or "json"): a study made of one document comes as a render.json.RenderedStudy
    (the text `--jsonl` (`--json`) writes for it, made where the document was extracted or read
    from the extraction cache) instead of a Study, and every Document comes without its text; the
    writers (JsonlWriter, write_summary_json) write the same bytes either way.
    """
    if rendered is None:
        return _stream(iter_extracted(paths, **options))
    lean = _LeanRun()
    return _stream_lean(_executed(paths, options, rendered, lean), lean)


@mutable_record
class _LeanRun:
    """What _stream_lean tells the rest of its run: the folder of its spill store once open (where
    a local pool's workers write what they would send: spill.HeapWriter), and whether the
    Documents came in the Report's order (document_order), so a caller listing them need not
    sort them again."""

    folder: str | None = None
    in_order: bool = True


@mutable_record
class StreamedReport:
    """A Report whose studies are merged as they are read, for `summarize --json`: what a writer
    needs, without holding every Findings (or any document text) in memory.

    documents: every Document in the Report's order, without its text, sections and registry tables
    (only extraction reads them; every quote is in its Evidence). studies: the Report's studies in
    its order, merged one group at a time from an on-disk store, readable once; from
    summarize_streamed(rendered="json"), a study of one document comes already rendered (a
    render.json.RenderedStudy, which write_summary_json writes as it is). close() removes the
    store (also done when studies is read to its end).
    """

    documents: tuple[Document, ...]
    studies: Iterator[Study | RenderedStudy]

    def close(self) -> None:
        close = getattr(self.studies, "close", None)
        if close is not None:
            close()


def summarize_streamed(
    paths: Sequence[str], *, rendered: str | None = None, **options: Unpack[RunOptions]
) -> StreamedReport:
    """summarize() with the studies left to merge as they are written: its documents and studies
    are summarize()'s, in the same order; a file of 100,000 records is never held whole.

    rendered "json": the studies of one document come already rendered (their `--json` text, made
    by the worker that extracted them or read from the extraction cache), as write_summary_json
    writes them."""
    from imatinib_cli.execute import text_dropped
    from imatinib_cli.resolve import document_order

    lean = _LeanRun()
    if rendered is None:
        lean.in_order = False
        stream: Iterator[Document | Study | RenderedStudy] = _stream(iter_extracted(paths, **options))
    else:
        stream = _stream_lean(_executed(paths, options, rendered, lean), lean)
    documents: list[Document] = []
    first: list[Study | RenderedStudy] = []
    try:
        for item in stream:
            if not isinstance(item, Document):
                first.append(item)
                break
            documents.append(item if rendered is not None else text_dropped(item))
    except BaseException:
        stream.close()  # type: ignore[attr-defined]
        raise
    if not lean.in_order:  # a folder's walk comes in that order: its 10,000 keys are not made again
        documents.sort(key=document_order)
    return StreamedReport(tuple(documents), _chained(first, stream))


def _chained(
    first: list[Study | RenderedStudy], rest: Iterator[Document | Study | RenderedStudy]
) -> Iterator[Study | RenderedStudy]:
    try:
        yield from first
        for item in rest:
            if not isinstance(item, Document):
                yield item
    finally:
        close = getattr(rest, "close", None)
        if close is not None:
            close()


def _stream(extracted: Iterator[tuple[Document, Findings | None]]) -> Iterator[Document | Study]:
    """Each Document as it comes, then each Study; nothing per document is kept in memory: the
    Findings, their link keys and their document_order go to the store, which groups them."""
    from imatinib_cli.execute import without_text
    from imatinib_cli.resolve import link_keys, merge_group
    from imatinib_cli.spill import SpillStore, document_order_key

    with SpillStore() as store:
        stored = 0
        for document, findings in extracted:
            yield document
            item_keys = None if findings is None else link_keys(findings)
            if findings is not None and item_keys is not None:
                store.put(stored, without_text(findings), item_keys, document_order_key(document))
                stored += 1
            del document, findings  # not kept while the next file is read, nor while merging
        # resolve()'s order: by each study's first document in document_order.
        for group in store.groups():
            yield merge_group(store.get(group))


def _stream_lean(
    extracted: Iterator[tuple[Document, Lean | None]], lean: _LeanRun
) -> Iterator[Document | Study | RenderedStudy]:
    """_stream of execute(render=...)'s output: the link keys, the pickled Findings, the study
    text and the document's order key come made; a group of one document gives its study text,
    only larger groups are merged. lean is told the store's folder when it opens (before the first
    item is asked for) and, at the end of the Documents, whether they came in the Report's order."""
    from contextlib import closing

    from imatinib_cli.resolve import merge_group
    from imatinib_cli.spill import SpillStore, document_order_key

    # closing: a stream closed early (a reader gone) stops the pool (execute's generator closed)
    # before the store removes the folder its workers write in, not after.
    with SpillStore() as store, closing(extracted):  # type: ignore[type-var]
        lean.folder = store.folder
        stored = 0
        last = b""
        in_order = True
        for document, item in extracted:
            yield document
            order = None if item is None else item.order
            if order is None:
                order = document_order_key(document)
            if order < last:
                in_order = False
            last = order
            if item is not None and item.keys is not None:
                store.put(stored, item.findings, item.keys, order, item.study)  # type: ignore[arg-type]
                stored += 1
            del document, item
        lean.in_order = in_order
        for group, study in store.groups_with_studies():
            yield study if study is not None else merge_group(store.get(group))


def _stat_index(store: object) -> Any:
    """The store's stat index (cache.ExtractionCache.stat_index), so the walk reads no file whose
    stat is as recorded; None without one."""
    stat_index = getattr(store, "stat_index", None)
    return None if stat_index is None else stat_index()


def compare(
    paths: Sequence[str],
    *,
    by: str = "tumor-type",
    ci: str = "exact",
    level: float = 0.95,
    transform: str = "logit",
    **options: Unpack[RunOptions],
) -> tuple[Report, Comparison]:
    """Summarize (options as for summarize), then group the studies' populations for comparison,
    with intervals and pooling."""
    from imatinib_cli.analyze import analyze

    report = summarize(paths, **options)
    return report, analyze(report.studies, by=by, ci=ci, level=level, transform=transform)


def report(
    paths: Sequence[str],
    *,
    ci: str = "exact",
    level: float = 0.95,
    transform: str = "logit",
    **options: Unpack[RunOptions],
) -> tuple[Report, Comparison, Comparison]:
    """What `imx report` shows: the Report, its comparison by tumor type (the tables) and by study
    (the forest plot), both with the same intervals and pooling; one extraction for all three."""
    from imatinib_cli.analyze import analyze

    summary = summarize(paths, **options)
    by_tumor = analyze(summary.studies, by="tumor-type", ci=ci, level=level, transform=transform)
    by_study = analyze(summary.studies, by="study", ci=ci, level=level, transform=transform)
    return summary, by_tumor, by_study
