"""The Dask executor: extraction on a distributed cluster, output byte for byte the serial run's.

One LocalCluster (two worker processes, one thread each) serves the whole module; the tests talk to it
through its scheduler address, as `imx summarize --dask ADDRESS` does. The missing-dask test runs with
or without dask installed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
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

from imatinib_cli import execute, pipeline, vocab
from imatinib_cli.cli import app
from imatinib_cli.errors import ImxError, UsageError


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    pytest.importorskip("distributed")
    from dask.distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=40,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_corpus(tmp_path_factory.mktemp("dask") / "bench", count=200, seed=5)


@pytest.mark.parametrize("where", ["seeds", "fixtures", "corpus"])
def test_dask_gives_the_serial_report(scheduler: str, corpus: Path, where: str) -> None:
    path = {"seeds": SEEDS, "fixtures": FIXTURES, "corpus": corpus}[where]
    serial = pipeline.summarize([str(path)], jobs=1)
    distributed = pipeline.summarize([str(path)], dask_address=scheduler)
    assert distributed == serial
    assert summary_bytes(distributed) == summary_bytes(serial)


def test_cli_dask_option_gives_the_same_bytes(scheduler: str, corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(execute, "DASK_CHUNK_FILES", 7)  # many tasks in flight at once
    serial = cli_json("--jobs", "1", str(corpus), str(SEEDS))
    distributed = cli_json("--dask", scheduler, str(corpus), str(SEEDS))
    assert distributed == serial
    compared = runner.invoke(app, ["compare", "--json", "--dask", scheduler, str(SEEDS)])
    alone = runner.invoke(app, ["compare", "--json", "--jobs", "1", str(SEEDS)])
    assert compared.exit_code == alone.exit_code == 0
    assert compared.stdout == alone.stdout


def test_the_vocab_extra_dir_reaches_dask_workers(scheduler: str, tmp_path: Path) -> None:
    """The folder's files are sent along: a worker reads them from its own disk, never the client's path."""
    extra, inputs = extension_corpus(tmp_path, documents=1)
    vocab.set_extra_dir(extra)
    try:
        with_extra = pipeline.summarize([str(inputs)], dask_address=scheduler)
    finally:
        vocab.set_extra_dir(None)
    without = pipeline.summarize([str(inputs)], dask_address=scheduler)
    assert [p.tumor_type for study in with_extra.studies for p in study.populations] == ["GIST"]
    assert [p.tumor_type for study in without.studies for p in study.populations] == [None]


def test_executor_dask_without_an_address_starts_a_local_cluster() -> None:
    pytest.importorskip("distributed")
    serial = pipeline.summarize([str(SEEDS)], jobs=1)
    assert pipeline.summarize([str(SEEDS)], executor="dask", jobs=1) == serial


def test_bad_addresses() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(UsageError, match=r"^--dask nonsense::: invalid address"):
        pipeline.summarize([str(SEEDS)], dask_address="nonsense::")
    result = runner.invoke(app, ["summarize", "--dask", "bogus://x", str(SEEDS)])
    assert result.exit_code == 2
    assert result.stderr.startswith("imx: error: --dask bogus://x: unknown address scheme")
    with pytest.raises(ImxError, match="cannot reach the Dask scheduler at no-such-host.invalid:8786"):
        pipeline.summarize([str(SEEDS)], dask_address="no-such-host.invalid:8786")


@pytest.mark.parametrize("options", [["--dask", "tcp://127.0.0.1:8786"], ["--executor", "dask"]])
def test_without_dask_installed_the_error_names_the_extra(monkeypatch, options: list[str]) -> None:
    for name in ("dask", "dask.distributed", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
    result = runner.invoke(app, ["summarize", *options, str(SEEDS)])
    assert result.exit_code == 2
    assert result.stderr == (
        "imx: error: the Dask executor needs dask, which is not installed: "
        "pip install '.[dask]' in the imx checkout (or pip install 'dask[distributed]')\n"
    )
    with pytest.raises(UsageError, match=r"pip install '\.\[dask\]' in the imx checkout"):
        pipeline.summarize([str(SEEDS)], executor="dask")


# --------------------------------------------------------------------------- --shared-files


def test_shared_files_sends_paths_and_gives_the_serial_bytes(
    scheduler: str, corpus: Path, monkeypatch
) -> None:
    """The workers open the files (the client's relative paths from its working folder): only
    UnreadFiles (path, size, limit) go out, no bytes, and stdout is the serial run's."""
    sent: list[list[object]] = []
    real = execute._Dask.submit

    def submit(self, chunk, work=None):  # type: ignore[no-untyped-def]
        sent.append(list(chunk))
        return real(self, chunk, work)

    monkeypatch.setattr(execute._Dask, "submit", submit)
    monkeypatch.setattr(execute, "DASK_CHUNK_FILES", 9)
    monkeypatch.chdir(corpus.parent)
    serial = cli_json("--jobs", "1", "--no-cache", corpus.name, str(SEEDS))
    shared = cli_json("--dask", scheduler, "--shared-files", "--no-cache", corpus.name, str(SEEDS))
    assert shared == serial
    items = [item for chunk in sent for item in chunk]
    assert len(sent) > 3
    assert {type(item) for item in items} == {execute.UnreadFile}
    assert not any(Path(item.source).is_absolute() for item in items if item.path.startswith(corpus.name))
    assert len(items) == len(list(corpus.rglob("*.*"))) + len([p for p in SEEDS.rglob("*") if p.is_file()])


def test_shared_files_with_the_cache_and_limits_gives_the_serial_bytes(
    scheduler: str, corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    """With the extraction cache (cold, then warm: the stat index's KnownFiles go as paths) and
    with files over --max-bytes (refused by the worker's read, as by the walk's)."""
    monkeypatch.setenv("IMX_CACHE_DIR", str(tmp_path / "cache"))
    serial = cli_json("--jobs", "1", "--no-cache", "--max-bytes", "3k", str(corpus))
    assert '"file too large' in serial
    for _ in range(2):
        result = runner.invoke(
            app,
            ["summarize", "--json", "--dask", scheduler, "--shared-files", "--max-bytes", "3k", str(corpus)],
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout == serial


def test_shared_files_a_path_the_worker_cannot_read_is_an_error_document(
    scheduler: str, tmp_path: Path
) -> None:
    """A file gone (or unreadable) where the worker runs: that file's error Document, nothing lost,
    no traceback; the other files' results as usual, and nothing stored for it."""
    kept = tmp_path / "kept.txt"
    kept.write_text("Imatinib 400 mg daily was given to 20 patients with GIST.\n", encoding="utf-8")
    limit = 1 << 20
    gone = execute.UnreadFile("gone.txt", str(tmp_path / "gone.txt"), 120, limit)
    known = execute.KnownFile("known.txt", "ab" * 32, str(tmp_path / "known.txt"), 120, limit)
    here = execute.UnreadFile("kept.txt", str(kept), kept.stat().st_size, limit)
    stored: dict[str, object] = {}

    class Store:
        def get_many(self, keys):  # type: ignore[no-untyped-def]
            return {}

        def put_many(self, items):  # type: ignore[no-untyped-def]
            stored.update(items)

    outputs = list(
        execute.execute([gone, here], dask_address=scheduler, shared_files=True, dedupe=True)
    ) + list(execute.execute([known], dask_address=scheduler, shared_files=True, store=Store()))
    assert [(d.path, d.status, d.reason) for d, _ in outputs] == [
        ("gone.txt", "error", "cannot read file: No such file or directory"),
        ("kept.txt", "ok", None),
        ("known.txt", "error", "cannot read file: No such file or directory"),
    ]
    assert outputs[1][1] is not None
    assert stored == {}


def test_shared_files_needs_dask() -> None:
    result = runner.invoke(app, ["summarize", "--shared-files", str(SEEDS)])
    assert result.exit_code == 2
    assert result.stderr == (
        "imx: error: --shared-files needs --dask ADDRESS or --executor dask "
        "(local workers read the files already)\n"
    )


def test_which_runs_leave_files_for_the_workers_to_read() -> None:
    read = execute.workers_read
    assert read(jobs=2, executor="dask", dask_address=None, store=None, shared_files=True)
    assert read(jobs=1, executor="local", dask_address="tcp://h:1", store=None, shared_files=True)
    assert not read(jobs=2, executor="dask", dask_address=None, store=None)
    assert not read(jobs=2, executor="dask", dask_address=None, store={}, shared_files=True)  # type: ignore[arg-type]
    assert read(jobs=2, executor="local", dask_address=None, store=None)
    assert execute.unread_below(dask=True) == sys.maxsize
    assert execute.unread_below(dask=False) == execute.SPLIT_MIN_BYTES


def test_a_working_folder_that_is_gone_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """--shared-files sends relative paths with the client's working folder; a folder deleted
    under the shell is said in one line, not a traceback."""

    def gone() -> str:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(execute.os, "getcwd", gone)
    with pytest.raises(ImxError, match="cannot read the working folder: No such file or directory"):
        execute._working_folder()


@pytest.mark.parametrize("shared_files", [False, True])
def test_dask_tasks_grow_after_the_first_ones_and_the_byte_cap_still_closes_them(
    scheduler: str, corpus: Path, monkeypatch: pytest.MonkeyPatch, shared_files: bool
) -> None:
    """Tasks of bytes grow as tasks of paths do (each task costs the client ~1.9 ms of CPU), and
    DASK_CHUNK_BYTES still closes one first: the bytes held in flight stay bounded."""
    files = sorted(path for path in corpus.rglob("*") if path.is_file())
    sizes = [path.stat().st_size for path in files]
    monkeypatch.setattr(execute, "DASK_CHUNK_FILES", 3)
    monkeypatch.setattr(execute, "GROW_AFTER", 2)
    monkeypatch.setattr(execute, "DASK_GROWN_CHUNK_FILES", 8)
    cap = sum(sorted(sizes)[-4:])  # four of the largest files, never more than eight of any
    monkeypatch.setattr(execute, "DASK_CHUNK_BYTES", cap)
    sent: list[int] = []
    submit = execute._Dask.submit

    def spy(self: execute._Dask, chunk: list, work: object = None) -> object:
        sent.append(len(chunk))
        return submit(self, chunk, work)  # type: ignore[arg-type]

    monkeypatch.setattr(execute._Dask, "submit", spy)
    serial = pipeline.summarize([str(corpus)], jobs=1)
    assert pipeline.summarize([str(corpus)], dask_address=scheduler, shared_files=shared_files) == serial
    assert sum(sent) == len(files)
    assert sent[:2] == [3, 3]
    assert max(sent[2:]) == 8  # grown
    assert any(1 < count < 8 for count in sent[2:-1])  # a task the byte cap closed before eight files
