"""The parent of a `--no-cache --jobs N` run (issue 12, "the parent is never the bound"): it reads
and hashes no small file (each worker reads its own), yet finds files with the same bytes exactly
as the walk did, in walk order; and its workers write the Findings and study texts into the spill
store's folder, so only references cross the pipe. Counted, not timed (the times are in
docs/performance.md)."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imatinib_cli import execute, spill
from imatinib_cli.cli import app
from imatinib_cli.load import RawFile, UnreadFile, walk_paths
from imatinib_cli.load import _walk as walk

runner = CliRunner()

ABSTRACT = (
    "Imatinib in {tumor}: a phase II study\n\n"
    "We treated {n} patients with {tumor} with imatinib 400 mg daily. "
    "{pr} patients had a partial response. doi: 10.1000/imx.{doi}\n"
)


def _corpus(folder: Path, count: int) -> Path:
    """count abstracts, then twins by content placed before and after their first (by name), two
    empty files (never twins) and a hard link (the same file)."""
    folder.mkdir()
    for index in range(count):
        text = ABSTRACT.format(tumor="chordoma", n=20 + index, pr=3 + index % 5, doi=f"own{index}")
        (folder / f"b_{index:03}.txt").write_text(text, encoding="utf-8")
    (folder / "a_twin.txt").write_bytes((folder / "b_007.txt").read_bytes())  # walked first: the first
    (folder / "c_twin.txt").write_bytes((folder / "b_003.txt").read_bytes())
    (folder / "c_twin2.txt").write_bytes((folder / "b_003.txt").read_bytes())
    (folder / "d_empty1.txt").write_bytes(b"")
    (folder / "d_empty2.txt").write_bytes(b"")
    os.link(folder / "b_001.txt", folder / "e_link.txt")
    return folder


def _run(*args: str, stdin: bytes | None = None) -> str:
    result = runner.invoke(app, ["summarize", *args], input=stdin)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_walk_leaves_small_files_unread_and_their_twins_to_the_caller(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs", 8)
    (corpus / "f_large.txt").write_bytes(b"x" * 5000)
    items = list(walk_paths([str(corpus)], unread_below=4096))
    kinds = {Path(item.path).name: type(item).__name__ for item in items}
    assert kinds["b_000.txt"] == "UnreadFile"
    assert kinds["f_large.txt"] == "RawFile"  # at the threshold or above: read (a split needs it)
    assert kinds["e_link.txt"] == "Document"  # the same file: still the walk's (by device and inode)
    reasons = [item.reason for item in items if type(item).__name__ == "Document"]
    assert reasons == [f"duplicate of {corpus}/b_001.txt (the same file)"]  # no twin by content here
    unread = next(item for item in items if type(item) is UnreadFile)
    read = walk.read_unread(unread)
    assert type(read) is RawFile and read.data == Path(unread.source).read_bytes()


def test_a_pool_run_reads_no_small_file_in_the_parent_and_lists_twins_as_the_walk_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs", execute.POOL_MIN_FILES + 4)
    pid = os.getpid()
    here: list[str] = []
    real = walk._read_checked  # what the walk and read_unread read through

    def counted(shown: str, path: str, limit: int) -> object:
        if os.getpid() == pid:
            here.append(shown)
        return real(shown, path, limit)

    monkeypatch.setattr(walk, "_read_checked", counted)
    twin = corpus / "b_005.txt"
    for form in ("--jsonl", "--json"):
        here.clear()
        pooled = _run(form, "--no-cache", "--jobs", "2", str(corpus), "-", stdin=twin.read_bytes())
        assert here == []  # every file read by a worker
        serial = _run(form, "--no-cache", "--jobs", "1", str(corpus), "-", stdin=twin.read_bytes())
        assert pooled == serial
        assert len(here) == execute.POOL_MIN_FILES + 4 + 5  # the hard link is never read
    reasons = {document["path"]: document["reason"] for document in json.loads(pooled)["documents"]}
    assert reasons[f"{corpus}/b_007.txt"] == f"duplicate of {corpus}/a_twin.txt"  # after its twin
    assert reasons[f"{corpus}/c_twin2.txt"] == f"duplicate of {corpus}/b_003.txt"
    assert reasons["-"] == f"duplicate of {corpus}/b_005.txt"
    assert not reasons[f"{corpus}/d_empty2.txt"].startswith("duplicate")


def test_a_twin_of_a_file_read_by_the_walk_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files the walk reads (stdin, a large file) are known by sha256 before their work is sent:
    a later one with the same bytes is not extracted at all."""
    data = ABSTRACT.format(tumor="GIST", n=30, pr=4, doi="x").encode()
    items = [RawFile("one.txt", data, "a" * 64), RawFile("-", data, "a" * 64)]
    extracted: list[str] = []
    real = execute._extracted

    def counted(*args: object) -> object:
        extracted.append(str(args[0]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(execute, "_extracted", counted)
    outputs = list(execute.execute(items, jobs=2, render="json", dedupe=True))
    assert [document.reason for document, _ in outputs] == [None, "duplicate of one.txt"]
    assert extracted == ["one.txt"]
    assert outputs[0][1] is not None and outputs[1][1] is None


def test_workers_write_what_they_send_into_the_spill_folder(tmp_path: Path) -> None:
    texts = [ABSTRACT.format(tumor="GIST", n=30 + i, pr=4, doi=f"h{i}").encode() for i in range(3)]
    chunk = []
    for index, data in enumerate(texts):
        path = tmp_path / f"{index}.txt"
        path.write_bytes(data)
        chunk.append(UnreadFile(str(path), str(path), len(data), 1 << 20))
    plain = execute.process_chunk(chunk, ("json", False))
    with spill.SpillStore() as store:
        referred = execute.process_chunk(chunk, ("json", False), store.folder)
        sent = sum(len(pickle.dumps(result)) for result in referred)
        assert sent * 4 < sum(len(pickle.dumps(result)) for result in plain)
        for seq, result in enumerate(referred):
            (lean,) = result.items
            assert type(lean.findings) is spill.HeapRef and type(lean.study.text) is spill.HeapRef
            store.put(seq, lean.findings, lean.keys, lean.order, lean.study)
        assert os.listdir(store.folder).count(f"worker-{os.getpid()}") == 1
        got = [study.text for _, study in store.groups_with_studies()]
        assert got == [result.items[0].study.text for result in plain]
        assert store.get([0]) == [pickle.loads(plain[0].items[0].findings)]
        with pytest.raises(ValueError, match="not a worker's file"):
            store._read(0, 1, "../findings.sqlite3")
