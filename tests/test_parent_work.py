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
    read = walk.read_later(unread)
    assert type(read) is RawFile and read.data == Path(unread.source).read_bytes()


def test_a_pool_run_reads_no_small_file_in_the_parent_and_lists_twins_as_the_walk_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs", execute.POOL_MIN_FILES + 4)
    pid = os.getpid()
    here: list[str] = []
    real = walk._read_checked  # what the walk and read_later read through

    def counted(shown: str, path: str, limit: int, *status: object) -> object:
        if os.getpid() == pid:
            here.append(shown)
        return real(shown, path, limit, *status)  # type: ignore[arg-type]

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


# --------------------------------------------------------------------------- --jobs 2 == --jobs 1


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Counts the local pools started (so a `--jobs 2` run is known to have had workers), and
    sends the run's temporary folders (the spill store's, with the workers' files) to tmp/."""
    import tempfile

    started: list[int] = []
    real = execute._LocalPool.__init__

    def counted(self: object, *args: object, **kwargs: object) -> None:
        started.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(execute._LocalPool, "__init__", counted)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return started


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked (so they run this test's patches), even where an earlier test left a thread
    running and execute._start_method would choose a fork server."""
    monkeypatch.setattr(execute, "_start_method", lambda: "fork")


def _invoked(args: list[str], stdin: bytes | None, command: str = "summarize") -> tuple[int, str, str]:
    result = runner.invoke(app, [command, *args], input=stdin)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _both(
    started: list[int],
    *args: str,
    stdin: bytes | None = None,
    before: object = None,
    command: str = "summarize",
    pool: bool = True,
) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `--no-cache --jobs 1` and `--jobs 2`, asserted the same;
    before (a callable) is called before each run (to put the files back as they were). pool:
    whether the `--jobs 2` run is to start one (POOL_MIN_FILES)."""
    outs = []
    for jobs in ("1", "2"):
        if callable(before):
            before()
        started.clear()
        outs.append(_invoked([*args, "--no-cache", "--jobs", jobs], stdin, command))
        assert len(started) == (pool and jobs == "2")
    assert outs[1] == outs[0]
    return outs[1]


def _reasons(stdout: str) -> dict[str, str | None]:
    return {document["path"]: document["reason"] for document in json.loads(stdout)["documents"]}


def _plain(folder: Path, count: int = execute.POOL_MIN_FILES + 2) -> Path:
    folder.mkdir(exist_ok=True)
    for index in range(count):
        text = ABSTRACT.format(tumor="GIST", n=40 + index, pr=2 + index % 7, doi=f"p{index}")
        (folder / f"m_{index:03}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("form", ["--json", "--jsonl", "--evidence"])
def test_twins_one_and_three_with_another_between_as_jobs_1(
    tmp_path: Path, pooled: list[int], form: str
) -> None:
    docs = _plain(tmp_path / "docs")
    (docs / "m_002.txt").write_bytes((docs / "m_000.txt").read_bytes())  # 0 and 2, 1 between
    (docs / "z_last.txt").write_bytes((docs / "m_001.txt").read_bytes())
    status, stdout, stderr = _both(pooled, form, str(docs))
    assert status == 0
    if form == "--json":
        reasons = _reasons(stdout)
        assert reasons[f"{docs}/m_002.txt"] == f"duplicate of {docs}/m_000.txt"
        assert reasons[f"{docs}/z_last.txt"] == f"duplicate of {docs}/m_001.txt"
        _both(pooled, form, str(docs), command="compare")


def test_twins_in_a_run_too_small_for_a_pool(tmp_path: Path, pooled: list[int]) -> None:
    """Under POOL_MIN_FILES the UnreadFiles are read in this process, their twins found the same."""
    docs = _plain(tmp_path / "docs", 6)
    (docs / "m_004.txt").write_bytes((docs / "m_001.txt").read_bytes())
    (docs / "m_005.txt").write_bytes(b"")
    for form in ("--json", "--jsonl", "--evidence"):
        _, stdout, _ = _both(
            pooled, form, str(docs), "-", stdin=(docs / "m_002.txt").read_bytes(), pool=False
        )
    _, stdout, _ = _both(pooled, "--json", str(docs), pool=False)
    assert _reasons(stdout)[f"{docs}/m_004.txt"] == f"duplicate of {docs}/m_001.txt"


def test_a_path_twice_a_hard_link_empty_files_and_stdin_first(tmp_path: Path, pooled: list[int]) -> None:
    docs = _plain(tmp_path / "docs")
    os.link(docs / "m_004.txt", docs / "m_004b.txt")
    (docs / "e1.txt").write_bytes(b"")
    (docs / "e2.txt").write_bytes(b"")
    data = (docs / "m_009.txt").read_bytes()
    _, stdout, _ = _both(pooled, "--json", "-", str(docs), str(docs / "m_003.txt"), stdin=data)
    reasons = _reasons(stdout)
    assert reasons[f"{docs}/m_009.txt"] == "duplicate of -"  # stdin came first
    assert reasons[f"{docs}/m_004b.txt"] == f"duplicate of {docs}/m_004.txt (the same file)"
    assert not (reasons[f"{docs}/e2.txt"] or "").startswith("duplicate")


def test_a_twin_of_a_large_file_the_walk_read(tmp_path: Path, pooled: list[int]) -> None:
    """Files from SPLIT_MIN_BYTES up are read by the walk (and sent in parts): their twins, large
    or given again through stdin, are found as --jobs 1 finds them."""
    docs = _plain(tmp_path / "docs")
    large = (ABSTRACT.format(tumor="GIST", n=9, pr=1, doi="big") + "\n" * 4000) * 260
    assert len(large) > execute.SPLIT_MIN_BYTES
    (docs / "big1.txt").write_text(large, encoding="utf-8")
    (docs / "big2.txt").write_text(large, encoding="utf-8")
    _, stdout, _ = _both(pooled, "--json", str(docs), "-", stdin=large.encode())
    reasons = _reasons(stdout)
    assert reasons[f"{docs}/big2.txt"] == f"duplicate of {docs}/big1.txt"
    assert reasons["-"] == f"duplicate of {docs}/big1.txt"


def test_max_bytes_below_a_small_file_and_strict(tmp_path: Path, pooled: list[int]) -> None:
    docs = _plain(tmp_path / "docs")
    (docs / "m_005.txt").write_bytes(b"x" * 3000)
    (docs / "m_006.txt").write_bytes(b"x" * 3000)  # too large twice: neither is a duplicate
    status, stdout, stderr = _both(pooled, "--json", "--strict", "--max-bytes", "2000", str(docs))
    assert status != 0 and "too large" in _reasons(stdout)[f"{docs}/m_006.txt"]  # type: ignore[operator]


def test_files_from_and_follow_links(tmp_path: Path, pooled: list[int]) -> None:
    docs = _plain(tmp_path / "docs")
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_bytes((docs / "m_010.txt").read_bytes())
    os.symlink(other, docs / "linked")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{docs}\n{docs / 'm_010.txt'}\n{other / 'a.txt'}\n", encoding="utf-8")
    _both(pooled, "--json", "--files-from", str(listing))
    _, stdout, _ = _both(pooled, "--jsonl", "--follow-links", str(docs), str(other))
    _, stdout, _ = _both(pooled, "--json", "--follow-links", "--strict", str(docs), str(other))
    assert _reasons(stdout)[f"{docs}/m_010.txt"] == f"duplicate of {docs}/linked/a.txt"


def _swapped(how: str, target: Path, earlier: Path, later: Path) -> None:
    """The file as it is when read (the same change in a --jobs 1 run and in a worker's read)."""
    if how == "deleted":
        target.unlink(missing_ok=True)
    elif how == "fifo" and not target.is_fifo():
        target.unlink()
        os.mkfifo(target)
    elif how == "folder" and not target.is_dir():
        target.unlink()
        target.mkdir()
    elif how == "link" and not target.is_symlink():
        target.unlink()
        target.symlink_to(earlier)
    elif how == "grown" and target.stat().st_size < 2500:
        with target.open("ab") as stream:
            stream.write(b" " * 2500)
    elif how == "as earlier":
        target.write_bytes(earlier.read_bytes())
    elif how == "as later":
        target.write_bytes(later.read_bytes())
    elif how == "unreadable":
        target.chmod(0)


@pytest.mark.parametrize(
    "how", ["deleted", "fifo", "folder", "link", "grown", "as earlier", "as later", "unreadable"]
)
def test_a_file_changed_between_the_walk_and_its_read(
    tmp_path: Path, pooled: list[int], forked: None, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads a file without read permission")
    docs = tmp_path / "docs"
    target, earlier, later = docs / "m_020.txt", docs / "m_003.txt", docs / "m_040.txt"
    real = walk._read_checked

    def changed(shown: str, path: str, limit: int, *status: object) -> object:
        if Path(path) == target:
            _swapped(how, target, earlier, later)
        return real(shown, path, limit, *status)  # type: ignore[arg-type]

    def fresh() -> None:
        if docs.exists():
            for entry in docs.iterdir():
                entry.rmdir() if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        _plain(docs)

    monkeypatch.setattr(walk, "_read_checked", changed)
    status, stdout, stderr = _both(pooled, "--json", "--max-bytes", "2048", str(docs), before=fresh)
    reason = _reasons(stdout)[str(target)]
    if how in ("link", "as earlier"):
        assert reason == f"duplicate of {earlier}"
    elif how == "as later":
        assert reason is None and _reasons(stdout)[str(later)] == f"duplicate of {target}"
    else:
        assert reason is not None


# --------------------------------------------------------------------------- the workers' files


def _leftovers(tmp_path: Path) -> list[str]:
    return sorted(str(path.relative_to(tmp_path / "tmp")) for path in (tmp_path / "tmp").rglob("*"))


@pytest.mark.parametrize("form", ["--json", "--jsonl"])
def test_the_workers_files_go_with_the_run(
    tmp_path: Path, pooled: list[int], forked: None, form: str
) -> None:
    """Written in the run's private folder only, and removed with it."""
    docs = _plain(tmp_path / "docs")
    real = spill.HeapWriter.__init__

    def watched(self: spill.HeapWriter, folder: str) -> None:
        real(self, folder)
        with (tmp_path / "opened").open("a", encoding="utf-8") as opened:  # from the workers
            opened.write(os.path.join(folder, self.name) + "\n")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spill.HeapWriter, "__init__", watched)
        _both(pooled, form, str(docs))
    written = (tmp_path / "opened").read_text(encoding="utf-8").split()
    assert written and all(
        Path(path).parent.parent == tmp_path / "tmp" and Path(path).parent.name.startswith("imx-spill-")
        for path in written
    )
    assert _leftovers(tmp_path) == []


def test_a_worker_that_dies_leaves_one_error_line_and_no_files(
    tmp_path: Path, pooled: list[int], forked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _plain(tmp_path / "docs")
    parent = os.getpid()
    real = walk._read_checked

    def dying(shown: str, path: str, limit: int, *status: object) -> object:
        if os.getpid() != parent and path.endswith("m_030.txt"):
            os._exit(9)
        return real(shown, path, limit, *status)  # type: ignore[arg-type]

    monkeypatch.setattr(walk, "_read_checked", dying)
    for form in ("--json", "--jsonl"):
        status, _, stderr = _invoked([form, "--no-cache", "--jobs", "2", str(docs)], None)
        assert pooled and status != 0
        assert stderr.startswith("imx: error: a worker process stopped unexpectedly")
        assert stderr.count("\n") == 1
        assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["open", "write"])
def test_a_full_disk_under_the_workers_is_one_error_line(
    tmp_path: Path, pooled: list[int], forked: None, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    import errno

    docs = _plain(tmp_path / "docs")
    parent = os.getpid()
    real_open, real_write = spill.HeapWriter.__init__, spill.HeapWriter.write

    def full(*args: object) -> object:
        if os.getpid() != parent:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return (real_open if where == "open" else real_write)(*args)  # type: ignore[operator]

    monkeypatch.setattr(spill.HeapWriter, "__init__" if where == "open" else "write", full)
    for form in ("--json", "--jsonl"):
        status, stdout, stderr = _invoked([form, "--no-cache", "--jobs", "2", str(docs)], None)
        assert pooled and status != 0
        assert stderr.startswith("imx: error:") and stderr.count("\n") == 1, stderr
        assert _leftovers(tmp_path) == []


def test_the_parent_opens_no_link_in_place_of_a_workers_file(tmp_path: Path) -> None:
    secret = tmp_path / "outside"
    secret.write_bytes(b"not the run's")
    with spill.SpillStore() as store:
        os.symlink(secret, os.path.join(store.folder, "worker-1"))
        with pytest.raises(OSError):
            store._read(0, 4, "worker-1")
        for name in ("worker-", "worker-1/..", "/etc/passwd", "worker-1\x00", "heap", "findings.sqlite3"):
            with pytest.raises(ValueError, match="not a worker's file"):
                store._read(0, 4, name)


def test_progress_counts_a_file_refused_at_its_read_as_jobs_1_does(tmp_path: Path, pooled: list[int]) -> None:
    """A file over --max-bytes (or gone) is not counted as read (render/progress.py), whether the
    walk refused it (--jobs 1) or a worker did (--jobs 2, the file below SPLIT_MIN_BYTES)."""
    from imatinib_cli import pipeline

    docs = _plain(tmp_path / "docs")
    (docs / "m_011.txt").write_bytes(b"x" * 3000)
    (docs / "m_012.txt").write_bytes((docs / "m_001.txt").read_bytes())
    last = {}
    for jobs in (1, 2):
        updates: list[execute.ProgressUpdate] = []
        found = list(pipeline.iter_extracted([str(docs)], jobs=jobs, max_bytes=2000, progress=updates.append))
        assert len(found) == execute.POOL_MIN_FILES + 2
        last[jobs] = updates[-1]
    assert pooled and last[2] == last[1]
    assert last[1].files == execute.POOL_MIN_FILES  # neither the twin nor the file too large


def test_a_run_stopped_early_stops_its_workers_before_it_removes_their_folder(
    tmp_path: Path, pooled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that leaves (`imx summarize --jsonl | head -1`) closes the stream: the pool is
    stopped first, so no worker is still writing (or creating its file) in the spill folder while
    it is removed (rmtree would then fail with ENOTEMPTY and leave the file behind)."""
    from contextlib import closing

    from imatinib_cli import pipeline

    docs = _plain(tmp_path / "docs", execute.POOL_MIN_FILES * 3)
    events: list[str] = []
    close_pool, close_store = execute._LocalPool.close, spill.SpillStore.close

    def pool_closed(self: object, **kwargs: bool) -> None:
        events.append("pool")
        close_pool(self, **kwargs)  # type: ignore[arg-type]

    def store_closed(self: spill.SpillStore) -> None:
        events.append("store")
        close_store(self)

    monkeypatch.setattr(execute._LocalPool, "close", pool_closed)
    monkeypatch.setattr(spill.SpillStore, "close", store_closed)
    with closing(pipeline.summarize_stream([str(docs)], rendered="jsonl", jobs=2)) as stream:
        next(stream)  # type: ignore[call-overload]
    assert pooled and events[:2] == ["pool", "store"]
    assert _leftovers(tmp_path) == []
