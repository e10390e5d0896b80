"""execute: serial, local worker processes and the cache hook give the same Report, in the same order.

Worker pools are real processes here. Small inputs (seeds/, tests/fixtures) are below the size at which
execute starts a pool, so the tests that need one lower POOL_MIN_FILES; one test checks the threshold.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from execute_helpers import (
    FIXTURES,
    SEEDS,
    cli_json,
    extension_corpus,
    generate_corpus,
    runner,
    summary_bytes,
)

from imatinib_cli import cli, execute, pipeline, vocab
from imatinib_cli.cli import app
from imatinib_cli.errors import ImxError, UsageError
from imatinib_cli.execute import FileResult, ProgressUpdate, process_file, relocate
from imatinib_cli.load import RawFile, load_paths, walk_paths
from imatinib_cli.models import STATUS_ERROR, STATUS_OK, Design, Document, Evidence, Findings, Warning


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~200 generated documents, plus files the walker reports itself (a duplicate, a dangling link)."""
    root = generate_corpus(tmp_path_factory.mktemp("corpus") / "bench")
    first = sorted(root.iterdir())[0]
    (root / "zz_nested").mkdir()
    shutil.copy(first, root / "zz_nested" / "copy_of_first")
    (root / "m_dangling").symlink_to(root / "nowhere")
    (root / "n_binary.bin").write_bytes(bytes(range(256)) * 4)
    return root


@pytest.fixture
def pool_for_any_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool even for a few files, and small chunks, so that many chunks are in flight."""
    monkeypatch.setattr(execute, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(execute, "CHUNK_FILES", 3)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record each local pool started (its worker count)."""
    started: list[int] = []
    original = execute._LocalPool

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, workers: int, *rest: object) -> None:
            started.append(workers)
            super().__init__(workers, *rest)

    monkeypatch.setattr(execute, "_LocalPool", Recorded)
    return started


# --- the same output whatever the number of jobs -------------------------------------------------


@pytest.mark.parametrize("where", [SEEDS, FIXTURES], ids=["seeds", "fixtures"])
def test_two_jobs_give_the_serial_report_and_json(where: Path, pool_for_any_input: None, pools: list) -> None:
    serial = pipeline.summarize([str(where)], jobs=1)
    parallel = pipeline.summarize([str(where)], jobs=2)
    assert pools == [2]
    assert parallel == serial
    assert summary_bytes(parallel) == summary_bytes(serial)
    assert [document.path for document in serial.documents] == [
        document.path for document in load_paths([str(where)])
    ]


def test_generated_corpus_same_bytes_through_the_cli(corpus: Path, pools: list) -> None:
    serial = cli_json("--jobs", "1", str(corpus))
    assert pools == []
    parallel = cli_json("--jobs", "2", "--no-cache", str(corpus))  # the cache would serve it all
    assert pools == [2]
    assert parallel == serial
    assert '"status": "ok"' in serial and "duplicate of" in serial and "dangling symbolic link" in serial


def test_a_rerun_served_by_the_cache_starts_no_pool(corpus: Path, pools: list) -> None:
    """Only files the cache misses are work for a pool: a warm rerun starts none (it built the
    vocabularies for workers that were never sent a file)."""
    cold = cli_json("--jobs", "2", str(corpus))
    assert pools == [2]
    warm = cli_json("--jobs", "2", str(corpus))
    assert pools == [2]  # no second pool
    assert warm == cold


def test_generated_corpus_order_and_findings_match_serial(
    corpus: Path, pool_for_any_input: None, pools: list
) -> None:
    serial = list(pipeline.iter_extracted([str(corpus)], jobs=1))
    parallel = list(pipeline.iter_extracted([str(corpus)], jobs=2))
    assert pools == [2]
    assert parallel == serial
    assert [document for document, _ in serial] == load_paths([str(corpus)])
    ok = [document for document, found in serial if document.status == STATUS_OK]
    assert len(ok) >= 200
    assert all(
        found is not None and found.document is document for document, found in serial if document in ok
    )
    assert all(found is None for document, found in serial if document.status != STATUS_OK)


def test_a_small_input_starts_no_pool(pools: list) -> None:
    report = pipeline.summarize([str(SEEDS)], jobs=2)
    assert pools == []
    assert len(report.documents) == 5


def test_a_large_input_starts_a_pool_of_jobs_workers(corpus: Path, pools: list) -> None:
    pipeline.summarize([str(corpus)], jobs=2)
    assert pools == [2]


def test_jobs_default_to_the_cores_available(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, pools: list
) -> None:
    monkeypatch.setattr(execute, "available_cores", lambda: 3)
    pipeline.summarize([str(corpus)])
    assert pools == [3]


def test_available_cores_follows_the_affinity_mask() -> None:
    if hasattr(os, "sched_getaffinity"):
        assert execute.available_cores() == len(os.sched_getaffinity(0))
    assert execute.available_cores() >= 1


# --- what runs in the workers ----------------------------------------------------------------------


def test_an_extractor_exception_in_a_worker_is_the_serial_error_document(
    monkeypatch: pytest.MonkeyPatch, pool_for_any_input: None, pools: list
) -> None:
    import imatinib_cli.extract

    original = imatinib_cli.extract.extract
    monkeypatch.setattr(execute, "_start_method", lambda: "fork")  # workers inherit the patch

    def failing(document: Document) -> Findings:
        if "partial response" in document.text:
            raise RuntimeError(f"boom in\n{document.format}")
        return original(document)

    monkeypatch.setattr(imatinib_cli.extract, "extract", failing)
    serial = pipeline.summarize([str(SEEDS)], jobs=1)
    parallel = pipeline.summarize([str(SEEDS)], jobs=2)
    assert pools == [2]
    assert parallel == serial
    errors = [document for document in serial.documents if document.status == STATUS_ERROR]
    assert errors and all(
        document.reason == f"extraction failed (a bug in imx): RuntimeError: boom in {document.format}"
        for document in errors
    )
    assert len(errors) < len(serial.documents)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_vocab_extra_dir_reaches_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_for_any_input: None, pools: list, method: str
) -> None:
    """spawn: a fresh interpreter, which knows the folder only from the pool's initializer."""
    monkeypatch.setattr(execute, "_start_method", lambda: method)
    extra, inputs = extension_corpus(tmp_path, documents=4)
    without = pipeline.summarize([str(inputs)], jobs=1)
    assert {p.tumor_type for study in without.studies for p in study.populations} == {None}
    vocab.set_extra_dir(extra)
    try:
        serial = pipeline.summarize([str(inputs)], jobs=1)
        parallel = pipeline.summarize([str(inputs)], jobs=2)
    finally:
        vocab.set_extra_dir(None)
    assert pools == [2]
    assert {p.tumor_type for study in parallel.studies for p in study.populations} == {"GIST"}
    assert parallel == serial


def test_a_worker_that_dies_ends_the_run_with_one_line(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, pool_for_any_input: None
) -> None:
    monkeypatch.setattr(execute, "_start_method", lambda: "fork")
    original = execute.process_file

    def dying(path: str, data: bytes, sha256: str) -> FileResult:
        if path.endswith(".json"):
            os._exit(3)  # what the kernel's OOM killer looks like from the parent
        return original(path, data, sha256)

    monkeypatch.setattr(execute, "process_file", dying)
    with pytest.raises(ImxError, match=r"^a worker process stopped unexpectedly .* --jobs 1"):
        pipeline.summarize([str(corpus)], jobs=2)
    assert multiprocessing.active_children() == []

    result = runner.invoke(app, ["summarize", "--jobs", "2", str(corpus)])
    assert result.exit_code == 1
    assert result.stderr.startswith("imx: error: a worker process stopped unexpectedly")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_an_interrupt_stops_the_workers(corpus: Path, pool_for_any_input: None, pools: list) -> None:
    def interrupt(update: ProgressUpdate) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.summarize([str(corpus)], jobs=2, progress=interrupt)
    assert pools == [2]
    assert multiprocessing.active_children() == []


def test_stopping_early_stops_the_workers(corpus: Path, pool_for_any_input: None, pools: list) -> None:
    stream = pipeline.iter_extracted([str(corpus)], jobs=2)
    first = next(stream)
    stream.close()
    assert pools == [2]
    assert multiprocessing.active_children() == []
    assert first == next(pipeline.iter_extracted([str(corpus)], jobs=1))


# --- progress ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_files_and_documents(corpus: Path, pool_for_any_input: None, jobs: int) -> None:
    updates: list[ProgressUpdate] = []
    report = pipeline.summarize([str(corpus)], jobs=jobs, progress=updates.append)
    assert len(updates) > 10
    assert [u.files for u in updates] == sorted(u.files for u in updates)
    files = sum(1 for item in walk_paths([str(corpus)]) if isinstance(item, RawFile))
    assert updates[-1] == ProgressUpdate(files=files, documents=len(report.documents), cached=0)


# --- options ----------------------------------------------------------------------------------------


def test_bad_jobs_and_executor_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="at least 1"):
        pipeline.summarize([str(SEEDS)], jobs=0)
    with pytest.raises(UsageError, match="unknown executor 'threads'"):
        pipeline.summarize([str(SEEDS)], executor="threads")
    result = runner.invoke(app, ["summarize", "--jobs", "0", str(SEEDS)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["compare", "--executor", "threads", str(SEEDS)])
    assert result.exit_code == 2


def test_compare_takes_jobs(corpus: Path) -> None:
    one = runner.invoke(app, ["compare", "--json", "--jobs", "1", str(corpus)])
    two = runner.invoke(app, ["compare", "--json", "-j", "2", str(corpus)])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and '"rows"' in one.stdout


def test_no_progress_when_stderr_is_not_a_terminal(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict] = []
    original = pipeline.summarize_streamed  # what `summarize --json` runs

    def recording(paths: Sequence[str], **options: object):
        seen.append({k: v for k, v in options.items() if k != "store"})  # the extraction cache
        return original(paths, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "summarize_streamed", recording)
    result = runner.invoke(app, ["summarize", "--json", "--jobs", "1", str(corpus)])
    assert result.exit_code == 0
    # No bar: the callback is only the check that stops a run whose SIGTERM Python swallowed.
    assert seen == [{"rendered": "json", "jobs": 1, "progress": cli._stop_if_terminated}]
    assert result.stderr == "imx: warning: " + result.stderr.split("imx: warning: ", 1)[1]  # warnings only


# --- the cache hook ---------------------------------------------------------------------------------


class DictStore:
    """The simplest ResultStore: a dict, counting what it is asked and given."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.asked: list[int] = []
        self.given = 0

    def get_many(self, sha256s: Sequence[str]) -> dict[str, object]:
        self.asked.append(len(sha256s))
        return {key: self.values[key] for key in sha256s if key in self.values}

    def put_many(self, items: Iterable[tuple[str, object]]) -> None:
        for key, value in items:
            self.values[key] = value
            self.given += 1


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count process_file calls (serial runs: they happen in this process)."""
    calls: list[str] = []
    original = execute.process_file

    def counting(path: str, data: bytes, sha256: str) -> FileResult:
        calls.append(path)
        return original(path, data, sha256)

    monkeypatch.setattr(execute, "process_file", counting)
    return calls


def test_store_hits_skip_extraction_and_change_nothing(corpus: Path, extractions: list[str]) -> None:
    files = [item.path for item in walk_paths([str(corpus)]) if isinstance(item, RawFile)]
    plain = pipeline.summarize([str(corpus)], jobs=1)
    assert extractions == files
    store = DictStore()
    extractions.clear()
    first = pipeline.summarize([str(corpus)], jobs=1, store=store)
    assert extractions == files and store.given == len(files)
    assert max(store.asked) <= execute.CHUNK_FILES and sum(store.asked) == len(files)  # looked up in batches
    extractions.clear()
    updates: list[ProgressUpdate] = []
    second = pipeline.summarize([str(corpus)], jobs=1, store=store, progress=updates.append)
    assert extractions == []
    assert updates[-1].cached == len(files)
    assert first == second == plain
    assert summary_bytes(second) == summary_bytes(plain)


def test_store_misses_go_to_the_pool_and_hits_do_not(
    corpus: Path, pool_for_any_input: None, pools: list, extractions: list[str]
) -> None:
    store = DictStore()
    plain = pipeline.summarize([str(corpus)], jobs=1)
    extractions.clear()
    pipeline.summarize([str(corpus)], jobs=1, store=store)
    files = len(extractions)
    dropped = sorted(store.values)[::2]
    for key in dropped:
        del store.values[key]
    given = store.given
    assert pipeline.summarize([str(corpus)], jobs=2, store=store) == plain
    assert pools == [2]
    assert store.given - given == len(dropped) < files


def test_a_hit_from_another_path_reports_the_new_path(tmp_path: Path, extractions: list[str]) -> None:
    old, new = tmp_path / "old", tmp_path / "elsewhere" / "new"
    shutil.copytree(SEEDS, old)
    shutil.copytree(SEEDS, new)
    for file in new.iterdir():
        file.rename(file.with_name("renamed_" + file.name))
    store = DictStore()
    pipeline.summarize([str(old)], jobs=1, store=store)
    extractions.clear()
    moved = pipeline.summarize([str(new)], jobs=1, store=store)
    assert extractions == []
    fresh = pipeline.summarize([str(new)], jobs=1)
    assert moved == fresh
    assert summary_bytes(moved) == summary_bytes(fresh)
    assert str(old) not in summary_bytes(moved)


def test_a_store_value_that_is_not_a_file_result_is_a_miss(extractions: list[str]) -> None:
    store = DictStore()
    plain = pipeline.summarize([str(SEEDS)], jobs=1, store=store)
    store.values = {key: "stale" for key in store.values}
    extractions.clear()
    assert pipeline.summarize([str(SEEDS)], jobs=1, store=store) == plain
    assert len(extractions) == 5
    assert all(isinstance(value, FileResult) for value in store.values.values())  # replaced


# --- relocate ---------------------------------------------------------------------------------------


def _files(*roots: Path) -> list[Path]:
    return [path for root in roots for path in sorted(root.rglob("*")) if path.is_file()]


@pytest.mark.parametrize("source", _files(SEEDS, FIXTURES), ids=lambda path: path.name)
def test_relocate_is_reading_the_bytes_at_the_new_path(source: Path) -> None:
    data = source.read_bytes()
    import hashlib

    sha256 = hashlib.sha256(data).hexdigest()
    here = process_file(str(source), data, sha256)
    there = process_file("other place/x.txt", data, sha256)
    assert relocate(here, "other place/x.txt") == there
    assert relocate(there, str(source)) == here
    assert relocate(here, str(source)) is here


def test_relocate_rewrites_every_mention_of_the_path() -> None:
    old, new = "in/a.txt", "out/b.txt"
    evidence = Evidence(old, 0, 4, "quote in/a.txt")
    document = Document(old, "f00", "text", "text", status=STATUS_ERROR, reason=f"cannot parse {old}: bad")
    other = Document(old, "f00", "text", "x", reason=f"read as in/a.txt.bak and {old}.")
    findings = Findings(
        document=other,
        design=Design(phase_evidence=evidence),
        populations=(),
        adverse_events=(),
        outcomes=(),
        warnings=(Warning(f"{old} and xin/a.txt and in/a.txt2", (evidence,)),),
    )
    result = relocate(FileResult(old, "f00", (document, other), (None, findings)), new)
    moved_document, moved_other = result.documents
    assert result.path == new and moved_document.path == new and moved_other.path == new
    assert moved_document.reason == f"cannot parse {new}: bad"
    assert moved_other.reason == f"read as in/a.txt.bak and {new}."
    moved = result.findings[1]
    assert moved is not None and moved.document is moved_other
    assert moved.design.phase_evidence == Evidence(new, 0, 4, "quote in/a.txt")  # the quote is text
    assert moved.warnings[0].message == f"{new} and xin/a.txt and in/a.txt2"
    assert moved.warnings[0].evidence == (Evidence(new, 0, 4, "quote in/a.txt"),)


def test_a_chunk_sent_after_a_worker_died_is_the_same_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool can break between two chunks: sending the next one is the same error as waiting for
    one (it was a BrokenProcessPool traceback when the race went that way)."""
    from concurrent.futures.process import BrokenProcessPool

    pool = execute._LocalPool(1)
    try:

        def broken(*args: object, **kwargs: object) -> None:
            raise BrokenProcessPool("A child process terminated abruptly")

        monkeypatch.setattr(pool._pool, "submit", broken)
        with pytest.raises(ImxError, match=r"^a worker process stopped unexpectedly .* --jobs 1"):
            pool.submit([])
    finally:
        pool.close(abort=True)
