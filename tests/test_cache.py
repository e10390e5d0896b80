"""The extraction cache: hits, misses, invalidation, concurrent runs, and every way it must step aside.

Every test here works in its own IMX_CACHE_DIR under tmp_path; none touches the user's ~/.cache.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

import imatinib_cli
from imatinib_cli import cache as cache_module
from imatinib_cli import paths as paths_module
from imatinib_cli import vocab
from imatinib_cli.cache import DB_NAME, CacheError, ExtractionCache, default_path, file_sha256
from imatinib_cli.cli import app
from imatinib_cli.extract import extract
from imatinib_cli.load import load_paths
from imatinib_cli.models import Findings

SEED = ROOT / "seeds" / "002_ab544946733a2db7.txt"
runner = CliRunner()


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "imx-cache"
    monkeypatch.setenv("IMX_CACHE_DIR", str(folder))
    yield folder
    vocab.set_extra_dir(None)  # a test (or `--vocab` through the CLI) may have set one


@pytest.fixture(scope="module")
def findings() -> Findings:
    (document,) = load_paths([str(SEED)])
    return extract(document)


def sha(number: int) -> str:
    return f"{number:064x}"


def test_miss_then_hit_across_instances(cache_dir: Path, findings: Findings) -> None:
    key = file_sha256(SEED)
    with ExtractionCache() as cache:
        assert cache.path == cache_dir / DB_NAME
        assert cache.get_many([key]) == {}
        assert not cache.path.exists()  # a lookup alone creates nothing
        cache.put_many([(key, findings)])
        assert cache.get_many([key, sha(1)]) == {key: findings}
    with ExtractionCache() as reopened:  # another run
        hit = reopened.get_many([sha(1), key, key])
        assert hit == {key: findings}
        assert isinstance(hit[key], Findings) and hit[key] is not findings
        assert reopened.warnings == []


def test_file_sha256_is_the_hex_digest_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@dataclass(frozen=True, slots=True)
class Pair:
    left: object
    right: object = None
    note: str = field(default="", compare=False)


def test_only_the_data_model_is_stored_and_it_comes_back_equal(cache_dir: Path, findings: Findings) -> None:
    """Entries are data (imatinib_cli/codec.py): the model's records, tuples and scalars come back
    equal; a class outside the data model, a list or a dict is not stored (one warning)."""
    from imatinib_cli.models import Evidence, Quantity

    inf = Quantity(float("inf"), Evidence("d", 0, 1, "q"), derived=True, derivation="x")
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), findings), (sha(2), (inf, "two", 3, 4.5, None, True))])
        cache.put_many([(sha(3), Pair("not a model")), (sha(4), [1]), (sha(5), {"k": 1})])
        assert cache.warnings == [
            "extraction cache: a result could not be stored (EncodeError: "
            "test_cache.Pair is not part of the cached data model)"
        ]
    with ExtractionCache() as cache:
        back = cache.get_many([sha(n) for n in range(1, 6)])
    assert back == {sha(1): findings, sha(2): (inf, "two", 3, 4.5, None, True)}
    assert type(back[sha(2)][3]) is float and type(back[sha(2)][2]) is int
    assert back[sha(1)] is not findings and back[sha(1)].document.text == findings.document.text


def test_a_model_whose_fields_changed_is_a_miss(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code fingerprint makes this a stale entry in practice; if a value still outlived a change
    of the data model, it must not come back wrong: it no longer decodes, so it is a miss."""
    from imatinib_cli.models import Flag

    flag = Flag(True, evidence=None)
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), flag), (sha(2), "plain")])

    def three_fields(self: Flag, value: bool, evidence: object, added: object) -> None:
        raise AssertionError("not reached: the stored values are two")

    monkeypatch.setattr(Flag, "__init__", three_fields)
    with ExtractionCache() as cache:
        assert cache.get_many([sha(1), sha(2)]) == {sha(2): "plain"}
        assert "TypeError" in cache.warnings[0]


def test_put_replaces_an_entry(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), "old"), (sha(2), "two")])
        cache.put_many([(sha(1), "new")])
        assert cache.get_many([sha(1), sha(2)]) == {sha(1): "new", sha(2): "two"}
        assert cache.info().entries == 2


def test_lookups_beyond_the_sqlite_variable_limit(cache_dir: Path) -> None:
    keys = [sha(n) for n in range(2_345)]
    with ExtractionCache() as cache:
        cache.put_many((key, n) for n, key in enumerate(keys))
        hits = cache.get_many([*keys, sha(99_999)])
    assert len(hits) == 2_345
    assert hits[sha(2_000)] == 2_000


def test_a_new_version_makes_old_entries_misses(
    cache_dir: Path, findings: Findings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), findings)])
    monkeypatch.setattr(imatinib_cli, "__version__", "99.0.0")
    with ExtractionCache() as newer:
        assert newer.imx_version == "99.0.0"
        assert newer.get_many([sha(1)]) == {}
        info = newer.info()
        assert (info.entries, info.current_entries, info.stale_entries) == (1, 0, 1)
        newer.put_many([(sha(1), "from 99")])
        assert newer.get_many([sha(1)]) == {sha(1): "from 99"}
    monkeypatch.setattr(imatinib_cli, "__version__", "0.1.0")
    with ExtractionCache() as older:  # both versions keep their own entry
        assert older.get_many([sha(1)]) == {sha(1): findings}


def test_a_changed_vocabulary_makes_old_entries_misses(cache_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "vocab"
    extra.mkdir()
    (extra / "cues.yaml").write_text("toxicity:\n  cues: [untoward event]\n", encoding="utf-8")
    with ExtractionCache() as cache:
        packaged_only = cache.vocabulary
        cache.put_many([(sha(1), "packaged vocabulary")])
    vocab.set_extra_dir(extra)
    with ExtractionCache() as extended:
        assert extended.vocabulary != packaged_only
        assert extended.get_many([sha(1)]) == {}
        extended.put_many([(sha(1), "extended vocabulary")])
        assert extended.get_many([sha(1)]) == {sha(1): "extended vocabulary"}
    (extra / "cues.yaml").write_text("toxicity:\n  cues: [untoward events]\n", encoding="utf-8")  # one letter
    vocab.set_extra_dir(extra)  # the folder is read (and checked) when it is set
    with ExtractionCache() as edited:
        assert edited.get_many([sha(1)]) == {}
    vocab.set_extra_dir(None)
    with ExtractionCache() as again:
        assert again.vocabulary == packaged_only
        assert again.get_many([sha(1)]) == {sha(1): "packaged vocabulary"}


def test_vocabulary_fingerprint_reads_only_yaml_files(tmp_path: Path) -> None:
    base = vocab.fingerprint()
    vocab.set_extra_dir(tmp_path)
    (tmp_path / "README.txt").write_text("notes", encoding="utf-8")
    assert vocab.fingerprint() == base  # nothing vocab reads
    (tmp_path / "responses.yaml").write_text("{}\n", encoding="utf-8")
    vocab.set_extra_dir(tmp_path)  # the folder is read (and checked) when it is set
    assert vocab.fingerprint() != base


def test_a_new_cache_format_makes_old_entries_misses(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), "this format")])
    monkeypatch.setattr(cache_module, "CACHE_FORMAT", cache_module.CACHE_FORMAT + 1)
    with ExtractionCache() as newer:
        assert newer.get_many([sha(1)]) == {}
        assert newer.info().cache_format == cache_module.CACHE_FORMAT


def test_changed_code_makes_old_entries_misses(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), "old code")])
    monkeypatch.setattr(cache_module, "_code_fingerprint", "edited")
    with ExtractionCache() as edited:
        assert edited.get_many([sha(1)]) == {}


def test_info_and_clear_count_entries(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ExtractionCache() as cache:
        assert cache.info().exists is False and cache.clear() == 0
        cache.put_many((sha(n), "x" * 1000) for n in range(3))
    monkeypatch.setattr(imatinib_cli, "__version__", "2.0.0")
    with ExtractionCache() as cache:
        cache.put_many((sha(n), "y") for n in range(10, 12))
        info = cache.info()
        assert (info.exists, info.entries, info.current_entries, info.stale_entries) == (True, 5, 2, 3)
        assert info.path == cache_dir / DB_NAME and info.bytes_on_disk >= os.path.getsize(info.path) > 0
        assert cache.clear(stale=True) == 3
        assert (cache.info().entries, cache.info().current_entries) == (2, 2)
        assert cache.get_many([sha(10)]) == {sha(10): "y"}
        assert cache.clear() == 2
        assert cache.info().entries == 0
        cache.put_many([(sha(20), "after clear")])  # still usable
        assert cache.get_many([sha(20)]) == {sha(20): "after clear"}


def test_the_cache_folder_and_file_are_private(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), 1)])
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache_dir / DB_NAME).st_mode) == 0o600


def test_a_file_others_can_write_is_not_used(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), 1)])
    os.chmod(cache_dir / DB_NAME, 0o666)
    with ExtractionCache() as cache:
        assert cache.get_many([sha(1)]) == {}
        cache.put_many([(sha(2), 2)])
    assert cache.warnings == [
        f"extraction cache not used: {cache_dir / DB_NAME}: is writable by group and others (mode 0666)"
    ]


def test_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMX_CACHE_DIR", str(tmp_path / "chosen"))
    assert default_path() == tmp_path / "chosen" / DB_NAME
    monkeypatch.delenv("IMX_CACHE_DIR")
    monkeypatch.setattr(paths_module.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "imx" / DB_NAME
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid per the XDG spec: ignored
    assert default_path() == tmp_path / "home" / ".cache" / "imx" / DB_NAME
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_path() == tmp_path / "home" / ".cache" / "imx" / DB_NAME
    monkeypatch.setattr(paths_module.sys, "platform", "darwin")
    assert default_path() == tmp_path / "home" / "Library" / "Caches" / "imx" / DB_NAME


def test_a_folder_given_as_path_holds_the_database(tmp_path: Path) -> None:
    with ExtractionCache(tmp_path) as cache:
        assert cache.path == tmp_path / DB_NAME


# --------------------------------------------------------------------------- never breaks a run


def test_a_corrupt_database_is_bypassed_with_one_warning(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    path = cache_dir / DB_NAME
    path.write_bytes(b"this is not a database, " * 200)
    os.chmod(path, 0o600)
    with ExtractionCache() as cache:
        assert cache.get_many([sha(1)]) == {}
        cache.put_many([(sha(1), "value")])
        assert cache.get_many([sha(1)]) == {}
        info = cache.info()
    assert (info.exists, info.entries) == (True, 0)
    assert len(cache.warnings) == 1
    assert "not a database" in cache.warnings[0] and "imx cache clear" in cache.warnings[0]
    with ExtractionCache() as cache:  # `imx cache clear` starts a new one
        assert cache.clear() == 0
        assert not path.exists()
        assert "damaged" in cache.warnings[0]
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), "value")])
        assert cache.get_many([sha(1)]) == {sha(1): "value"}
        assert cache.warnings == []


def test_an_unwritable_cache_folder_is_bypassed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("IMX_CACHE_DIR", str(blocker / "imx"))  # even root cannot create this folder
    with ExtractionCache() as cache:
        assert cache.get_many([sha(1)]) == {}
        cache.put_many([(sha(1), "value")])
        cache.put_many([(sha(2), "value")])
        assert cache.get_many([sha(1)]) == {}
        assert cache.info().exists is False
    assert len(cache.warnings) == 1
    assert cache.warnings[0].startswith("extraction cache not used: ")
    assert "Not a directory" in cache.warnings[0]


def test_a_garbage_blob_is_a_miss(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(n), f"value {n}") for n in range(4)])
    with sqlite3.connect(cache_dir / DB_NAME) as db:
        db.execute("UPDATE entries SET value = ? WHERE sha256 = ?", (b"\x00garbage", sha(0)))
        # a pickle naming a class that no longer exists (types changed)
        stale_type = b"\x80\x04cimatinib_cli\nRemovedClass\n."
        db.execute("UPDATE entries SET value = ? WHERE sha256 = ?", (stale_type, sha(1)))
    db.close()
    with ExtractionCache() as cache:
        hits = cache.get_many([sha(n) for n in range(4)])
        assert hits == {sha(2): "value 2", sha(3): "value 3"}
        assert cache.get_many([sha(0)]) == {}
        assert len(cache.warnings) == 1
        assert cache.warnings[0].startswith("extraction cache: entries that could not be read back")
        assert "(3; first:" in cache.warnings[0]
        cache.put_many([(sha(0), "recomputed")])  # the executor stores the recomputed value
        assert cache.get_many([sha(0)]) == {sha(0): "recomputed"}


def test_a_value_that_cannot_be_pickled_is_skipped(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), lambda: None), (sha(2), "fine"), (sha(3), lambda: None)])
        assert cache.get_many([sha(1), sha(2), sha(3)]) == {sha(2): "fine"}
    assert len(cache.warnings) == 1 and "could not be stored" in cache.warnings[0]


def test_a_locked_database_skips_storing_but_still_reads(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), "stored")])
    holder = sqlite3.connect(cache_dir / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another run holding the write lock for too long
    try:
        with ExtractionCache(timeout=0.05) as cache:
            cache.put_many([(sha(2), "not stored")])
            cache.put_many([(sha(3), "not tried")])
            assert cache.get_many([sha(1), sha(2)]) == {sha(1): "stored"}  # WAL: readers do not wait
        assert len(cache.warnings) == 1
        assert "results not stored: database is locked" in cache.warnings[0]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    holder = sqlite3.connect(cache_dir / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with ExtractionCache(timeout=0.05) as cache, pytest.raises(CacheError, match="database is locked"):
            cache.clear()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unreadable_vocabulary_folder_bypasses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable() -> str:
        raise PermissionError(13, "Permission denied", str(tmp_path / "cues.yaml"))

    monkeypatch.setattr(vocab, "fingerprint", unreadable)
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), 1)])
        assert cache.get_many([sha(1)]) == {}
    assert len(cache.warnings) == 1 and "cannot read a vocabulary file" in cache.warnings[0]


# --------------------------------------------------------------------------- two runs at once


def _run_writer(path: str, first: int, shared: int, batches: int) -> tuple[list[str], int]:
    """One run: store its own entries and some both runs store, reading between batches."""
    seen = 0
    with ExtractionCache(Path(path)) as cache:
        for batch in range(batches):
            own = [(sha(first + batch * 50 + n), ("own", first, batch, n, "x" * 2000)) for n in range(50)]
            common = [(sha(shared + n), ("shared", n)) for n in range(batch * 5, batch * 5 + 5)]
            cache.put_many(own + common)
            seen += len(cache.get_many([sha(shared + n) for n in range(100)]))
        return cache.warnings, seen


def test_two_processes_write_and_read_at_once(cache_dir: Path) -> None:
    path = cache_dir / DB_NAME  # created by the two runs themselves, at the same time
    batches = 20
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(
            _run_writer, [(str(path), 0, 1_000_000, batches), (str(path), 500_000, 1_000_000, batches)]
        )
    assert [warnings for warnings, _ in results] == [[], []]
    assert all(seen > 0 for _, seen in results)
    with ExtractionCache() as cache:
        own = [sha(first + n) for first in (0, 500_000) for n in range(batches * 50)]
        hits = cache.get_many(own)
        assert len(hits) == 2 * batches * 50
        assert hits[sha(500_000 + 49)] == ("own", 500_000, 0, 49, "x" * 2000)
        shared = cache.get_many([sha(1_000_000 + n) for n in range(batches * 5)])
        assert shared == {sha(1_000_000 + n): ("shared", n) for n in range(batches * 5)}
        assert cache.info().entries == 2 * batches * 50 + batches * 5
        assert cache.warnings == []


# --------------------------------------------------------------------------- the commands


def test_cli_cache_info_json_and_clear(cache_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["cache", "info", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == str(cache_dir / DB_NAME)
    assert (data["exists"], data["entries"], data["warnings"]) == (False, 0, [])
    assert data["imx_version"] == imatinib_cli.__version__ and data["vocabulary"] == vocab.fingerprint()

    with ExtractionCache() as cache:
        cache.put_many((sha(n), n) for n in range(3))
    data = json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)
    assert (data["exists"], data["entries"], data["current_entries"], data["stale_entries"]) == (
        True,
        3,
        3,
        0,
    )
    assert data["bytes_on_disk"] > 0

    extra = tmp_path / "vocab"
    extra.mkdir()
    (extra / "schedules.yaml").write_text("schedules: []\n", encoding="utf-8")
    result = runner.invoke(app, ["cache", "info", "--json", "--vocab", str(extra)])
    data = json.loads(result.stdout)
    assert (data["entries"], data["current_entries"], data["stale_entries"]) == (3, 0, 3)
    vocab.set_extra_dir(None)

    result = runner.invoke(app, ["cache", "info"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        f"path          {cache_dir / DB_NAME}",
        "entries       3",
        f"usable        3 (imx {imatinib_cli.__version__}, vocabulary {vocab.fingerprint()[:12]})",
        "stale         0 (other versions, vocabularies or code)",
    ]
    assert result.stdout.splitlines()[4].startswith("size on disk  ")

    result = runner.invoke(app, ["cache", "clear", "--stale", "--vocab", str(extra)])
    assert result.exit_code == 0
    assert result.stdout == f"removed 3 stale entries from {cache_dir / DB_NAME}\n"
    vocab.set_extra_dir(None)
    result = runner.invoke(app, ["cache", "clear"])
    assert (result.exit_code, result.stdout) == (0, f"removed 0 entries from {cache_dir / DB_NAME}\n")


def test_cli_cache_clear_removes_every_entry(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many((sha(n), n) for n in range(7))
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"removed 7 entries from {cache_dir / DB_NAME}\n"
    assert json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)["entries"] == 0


def test_cli_cache_warnings_go_to_stderr(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    (cache_dir / DB_NAME).write_bytes(b"garbage " * 100)
    os.chmod(cache_dir / DB_NAME, 0o600)
    result = runner.invoke(app, ["cache", "info", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["entries"] == 0 and len(data["warnings"]) == 1
    assert result.stderr == f"imx: warning: {data['warnings'][0]}\n"
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0
    assert result.stdout == f"removed 0 entries from {cache_dir / DB_NAME}\n"
    assert result.stderr.startswith("imx: warning: extraction cache ") and "damaged" in result.stderr


def test_cli_cache_clear_fails_with_one_line_when_it_cannot(cache_dir: Path) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(sha(1), 1)])
    os.chmod(cache_dir / DB_NAME, 0o660)
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("imx: error: cannot clear the extraction cache ")
    assert result.stderr.count("\n") == 1


# --- summarize and compare use the cache ----------------------------------------------------------


def _entries() -> int:
    return json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)["entries"]


def test_summarize_stores_then_reuses_extraction(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from execute_helpers import count_extractions

    monkeypatch.chdir(ROOT)
    first = runner.invoke(app, ["summarize", "--json", "seeds/"])
    assert first.exit_code == 0, first.stderr
    assert _entries() == 5  # one per seed file

    calls = count_extractions(monkeypatch)
    second = runner.invoke(app, ["summarize", "--json", "seeds/"])
    assert second.stdout == first.stdout
    assert calls == []  # every file came from the cache
    third = runner.invoke(app, ["compare", "--json", "--no-cache", "seeds/"])
    assert third.exit_code == 0, third.stderr
    assert len(calls) == 5  # --no-cache extracts everything again
    assert _entries() == 5


def test_no_cache_never_touches_the_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["summarize", "--no-cache", "seeds/"])
    assert result.exit_code == 0, result.stderr
    assert not (cache_dir / DB_NAME).exists()  # (the compiled vocabularies may be kept there)


def test_an_unusable_cache_is_one_warning_and_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("IMX_CACHE_DIR", str(blocker / "imx"))
    result = runner.invoke(app, ["summarize", "--json", "--strict", "seeds/"])
    plain = runner.invoke(app, ["summarize", "--json", "--no-cache", "seeds/"])
    assert result.exit_code == 0  # a cache problem is not an input problem: --strict ignores it
    assert result.stdout == plain.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("imx: warning: extraction cache")


def test_cache_info_and_clear_count_the_vocabulary_snapshots(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / "vocab-0000.json").write_bytes(b"x" * 10)  # a stale snapshot (no run uses it)
    data = json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)
    assert (data["vocabulary_snapshots"], data["vocabulary_snapshot_bytes"]) == (1, 10)
    result = runner.invoke(app, ["cache", "clear", "--stale"])
    assert "removed 1 compiled vocabulary snapshot(s)" in result.stdout
    assert not list(cache_dir.glob("vocab-*"))


def test_packaged_vocabulary_is_hashed_once_unless_a_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run asks for the fingerprint twice (the snapshot's name, the cache's key): the packaged
    files are read and hashed once, and again only when one's size or time changes."""
    import shutil

    for name in ("cues.yaml", "numbers.yaml"):
        shutil.copy(vocab.VOCAB_DIR / name, tmp_path / name)
    monkeypatch.setattr(vocab, "VOCAB_DIR", tmp_path)
    reads: list[str] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    first = vocab.fingerprint()
    assert vocab.fingerprint() == first
    assert sorted(reads) == ["cues.yaml", "numbers.yaml"]  # once each, for both calls
    with (tmp_path / "numbers.yaml").open("a", encoding="utf-8") as file:
        file.write("# edited\n")
    assert vocab.fingerprint() != first
    assert reads.count("numbers.yaml") == 2
