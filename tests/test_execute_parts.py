"""A large file's records shared among the workers in parts (issue 11: one file of 100,000 PubMed
records kept one core busy for two minutes while the other waited)."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from test_huge_structured import pubmed_xml

from imatinib_cli import execute, pipeline
from imatinib_cli.execute import FilePart, FileResult, parts_of, process_file, process_part
from imatinib_cli.render import json as render_json


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts for files of a few KB, and a pool for any input, so a test file is split."""
    monkeypatch.setattr(execute, "SPLIT_MIN_BYTES", 4096)
    monkeypatch.setattr(execute, "SPLIT_PART_BYTES", 2048)
    monkeypatch.setattr(execute, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(execute, "POOL_MIN_BYTES", 1)


class DictStore:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, object]:
        return {key: self.values[key] for key in keys if key in self.values}

    def put_many(self, items: Iterable[tuple[str, object]]) -> None:
        self.values.update(items)


def test_parts_of_a_size() -> None:
    assert parts_of(execute.SPLIT_MIN_BYTES - 1) == 1
    assert parts_of(execute.SPLIT_MIN_BYTES) == 4  # 1 MiB in parts of 256 KiB
    assert parts_of(58 * 1024 * 1024) == 232
    assert parts_of(10**12) == execute.SPLIT_MAX_PARTS


@pytest.mark.parametrize(("records", "parts"), [(40, 7), (3, 8), (1, 2), (12, 12)])
def test_the_parts_in_order_are_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: int, parts: int
) -> None:
    data = pubmed_xml(records)
    copy = tmp_path / "copy.bin"
    copy.write_bytes(data)
    whole = process_file("export.xml", data, "ab" * 32)
    reads: list[str] = []

    import imatinib_cli.load as load

    original = load.read_file

    def counted(path: str, data: bytes, sha256: str) -> list:
        reads.append(path)
        return original(path, data, sha256)

    monkeypatch.setattr(load, "read_file", counted)
    monkeypatch.setattr(execute, "_parsed", None)  # no file parsed in this process yet
    pieces = [process_part(FilePart("export.xml", "ab" * 32, str(copy), k, parts)) for k in range(parts)]
    assert reads == ["export.xml"]  # parsed once for all its parts
    assert [d for p in pieces for d in p.documents] == list(whole.documents)
    assert [f for p in pieces for f in p.findings] == list(whole.findings)


def test_two_jobs_with_parts_give_the_serial_output(tmp_path: Path, small_parts: None) -> None:
    # The inputs sit in a folder of their own: the test's cache folder is tmp_path/imx-cache, and a
    # process's first run writes its vocabulary snapshot there, which a walk of tmp_path would read.
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-export.xml").write_bytes(pubmed_xml(60))
    (inputs / "b-small.txt").write_text("Imatinib 400 mg daily in 20 patients; 5 had a partial response.\n")
    (inputs / "c-export.xml").write_bytes(pubmed_xml(25))
    assert parts_of(len(pubmed_xml(60))) > 2
    serial = pipeline.summarize([str(inputs)], jobs=1)
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "imx-parts-*")))
    pooled = pipeline.summarize([str(inputs)], jobs=2)
    assert render_json.summary_json(pooled) == render_json.summary_json(serial)
    assert len(pooled.documents) == 86
    # The private copies are gone once the run ends.
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "imx-parts-*"))) == before


def test_parts_are_stored_apart_and_found_again(
    tmp_path: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(pubmed_xml(30))
    count = parts_of(path.stat().st_size)
    store = DictStore()
    cold = pipeline.summarize([str(path)], jobs=2, store=store)
    keys = sorted(store.values)
    assert len(keys) == count and all(":part:" in key and key.endswith(f":{count}") for key in keys)
    assert all(isinstance(value, FileResult) for value in store.values.values())
    sent: list[object] = []
    original = execute._LocalPool.submit

    def recording(self: object, chunk: list) -> object:
        sent.extend(chunk)
        return original(self, chunk)  # type: ignore[arg-type]

    monkeypatch.setattr(execute._LocalPool, "submit", recording)
    warm = pipeline.summarize([str(path)], jobs=2, store=store)
    assert sent == []  # every part from the store
    assert render_json.summary_json(warm) == render_json.summary_json(cold)


def test_the_serial_run_never_splits(
    tmp_path: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(pubmed_xml(30))
    called: list[object] = []
    monkeypatch.setattr(execute, "process_part", lambda item: called.append(item))
    report = pipeline.summarize([str(path)], jobs=1)
    assert called == [] and len(report.documents) == 30
