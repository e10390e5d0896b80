"""The stat index (cache.StatIndex): a rerun reads no unchanged file's bytes, and reads again every
file whose stat moved or that was too recent to trust (the racy window)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from imatinib_cli import cache
from imatinib_cli.cli import app
from imatinib_cli.load import _walk

runner = CliRunner()

ABSTRACT = (
    "Imatinib in {tumor}: a phase II study\n\n"
    "We treated {n} patients with {tumor} with imatinib 400 mg daily. "
    "{pr} patients had a partial response and 1 had a complete response.\n"
)
TUMORS = ["gastrointestinal stromal tumor", "melanoma", "chordoma"]


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for index, tumor in enumerate(TUMORS):
        text = ABSTRACT.format(tumor=tumor, n=20 + index, pr=3 + index)
        (folder / f"abstract_{index}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("IMX_CACHE_DIR", str(folder))
    monkeypatch.delenv(cache.REHASH_VARIABLE, raising=False)
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose bytes are read (paths.read_regular, as the walk and read_later call it)."""
    seen: list[str] = []
    original = _walk.read_regular

    def counting(path: str, limit: int, **given: Any) -> bytes:
        seen.append(os.path.basename(path))
        return original(path, limit, **given)

    monkeypatch.setattr(_walk, "read_regular", counting)
    return seen


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float = 10.0) -> None:
    """Run the walk as if it started `seconds` from now: files written just now are old enough
    to record (outside the racy window)."""
    monkeypatch.setattr(_walk, "_now_ns", lambda: time.time_ns() + int(seconds * 1e9))


def _run(*args: str) -> str:
    result = runner.invoke(app, ["summarize", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _rows(cache_dir: Path) -> int:
    with sqlite3.connect(cache_dir / cache.DB_NAME) as db:
        return int(db.execute("SELECT COUNT(*) FROM stats").fetchone()[0])


@pytest.mark.parametrize("form", ["--json", "--jsonl", "--evidence"])
def test_a_rerun_reads_no_unchanged_file(
    tmp_path: Path, cache_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    _later(monkeypatch)
    cold = _run(str(corpus), form, "--jobs", "1")
    assert sorted(reads) == ["abstract_0.txt", "abstract_1.txt", "abstract_2.txt"]
    assert _rows(cache_dir) == 3
    reads.clear()
    assert _run(str(corpus), form, "--jobs", "1") == cold
    assert reads == []
    uncached = _run(str(corpus), form, "--no-cache")
    assert uncached == cold


def test_a_file_changed_with_its_size_and_mtime_kept_is_read_again(
    tmp_path: Path, cache_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    _later(monkeypatch)
    _run(str(corpus), "--json")
    target = corpus / "abstract_1.txt"
    before = os.stat(target)
    text = target.read_text(encoding="utf-8")
    changed = text.replace("We treated 21 patients", "We treated 91 patients")
    assert len(changed) == len(text) and changed != text
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # as tar or rsync -t would
    after = os.stat(target)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()
    warm = _run(str(corpus), "--json")
    assert reads == ["abstract_1.txt"]  # its ctime moved: only it is read
    assert '"n_enrolled": 91' in warm or "91" in warm
    assert warm == _run(str(corpus), "--json", "--no-cache")


def test_a_file_inside_the_racy_window_is_not_trusted(
    tmp_path: Path, cache_dir: Path, reads: list[str]
) -> None:
    """Files written just before the run (within RACY_NS of its start) are not recorded, so a
    change that left their stat as it was (same second, same size) is still seen next time."""
    corpus = _corpus(tmp_path / "corpus")
    _run(str(corpus), "--json")
    assert _rows(cache_dir) == 0
    target = corpus / "abstract_2.txt"
    before = os.stat(target)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("We treated 22 patients", "We treated 77 patients"), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    warm = _run(str(corpus), "--json")
    assert sorted(reads) == ["abstract_0.txt", "abstract_1.txt", "abstract_2.txt"]
    assert warm == _run(str(corpus), "--json", "--no-cache")
    assert "77" in warm


def test_imx_rehash_reads_every_file(
    tmp_path: Path, cache_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    _later(monkeypatch)
    cold = _run(str(corpus), "--json")
    monkeypatch.setenv(cache.REHASH_VARIABLE, "1")
    reads.clear()
    assert _run(str(corpus), "--json") == cold
    assert len(reads) == 3


def test_a_known_file_missing_from_the_cache_is_read_then(
    tmp_path: Path, cache_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stat index outlives the entries (another imx version, `cache clear --stale`): a file it
    knows is read when the extraction cache has no entry for it, and one gone since reads as an
    error, as the walk would say."""
    corpus = _corpus(tmp_path / "corpus")
    _later(monkeypatch)
    cold = _run(str(corpus), "--json")
    with sqlite3.connect(cache_dir / cache.DB_NAME) as db:
        db.execute("DELETE FROM entries")
    reads.clear()
    assert _run(str(corpus), "--json") == cold
    assert len(reads) == 3
    assert _rows(cache_dir) == 3
    with cache.ExtractionCache() as store:
        assert store.info().file_stats == 3
        assert store.clear() == 3
        assert store.info().file_stats == 0


def test_a_known_file_that_cannot_be_read_now_is_an_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    known = _walk.KnownFile("gone.txt", "0" * 64, str(corpus / "gone.txt"), 10, 1000)
    document = _walk.read_later(known)
    assert document.status == "error"  # type: ignore[union-attr]
    assert document.reason.startswith("cannot read file: ")  # type: ignore[union-attr]
    present = _walk.KnownFile("a.txt", "0" * 64, str(corpus / "abstract_0.txt"), 10, 1000)
    raw = _walk.read_later(present)
    assert isinstance(raw, _walk.RawFile) and raw.sha256 != "0" * 64  # the hash of what was read
