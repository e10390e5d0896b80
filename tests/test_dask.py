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
