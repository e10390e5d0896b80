"""The cache holds data, never code (issue 11): planted files in the cache folder run nothing.

What an attacker could leave in a cache folder: a SQLite `-wal` whose entries are crafted pickles,
a vocabulary snapshot that is a crafted pickle, a snapshot name that is a symbolic link to a pickle
the user owns. Under the old code each of these ran the pickle's payload (here: opening a marker file
for writing, which creates it). Now entries and snapshots are JSON rebuilt by an allow-list
(imatinib_cli/codec.py, Matcher.from_data) and every file is checked on the opened descriptor, never
through a link: the marker is never created, the run succeeds with the same output, and a folder or
file another user could have written costs one warning.

Tests run as root in CI: ownership is compared with os.geteuid(), and the "foreign owner" cases
chown to another uid (root can; elsewhere they are skipped).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from imatinib_cli import codec, paths, vocab
from imatinib_cli.cache import DB_NAME, ExtractionCache, file_sha256
from imatinib_cli.cli import app
from imatinib_cli.execute import FileResult, process_file
from imatinib_cli.models import Evidence, Quantity

SEED = ROOT / "seeds" / "002_ab544946733a2db7.txt"
CORPUS_TEXTS = ROOT.parent / "shared" / "corpus" / "real-dev" / "texts"
OTHER_UID = 54321  # no such user needed: root can give a file to any uid
runner = CliRunner()
as_root = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0, reason="chown to another uid needs root"
)
posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


class _Payload:
    """What an attacker pickles: unpickling calls open(marker, "w"), which creates the marker."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _evil(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "imx-cache"
    monkeypatch.setenv("IMX_CACHE_DIR", str(folder))
    monkeypatch.chdir(ROOT)
    yield folder  # (the snapshot tests clear the vocabularies themselves: _matches)


def test_the_payload_is_live(tmp_path: Path) -> None:
    """The control: pickle.loads (what the cache and the snapshot used to do) runs the payload."""
    marker = tmp_path / "control"
    pickle.loads(_evil(marker))  # noqa: S301 - the point of the test
    assert marker.exists()


# --------------------------------------------------------------------------- the extraction cache


def _plant_wal(cache_dir: Path, tmp_path: Path, blob: bytes) -> Path:
    """Fill the cache with the seed's entry, then build beside it the -wal another user would plant:
    the same database with that entry's value replaced by blob, left in the WAL (not checkpointed)."""
    result = runner.invoke(app, ["summarize", "--json", str(SEED)])
    assert result.exit_code == 0, result.stderr
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    shutil.copy(cache_dir / DB_NAME, attacker / DB_NAME)
    db = sqlite3.connect(attacker / DB_NAME, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    assert db.execute("UPDATE entries SET value = ?", (blob,)).rowcount == 1
    wal = cache_dir / f"{DB_NAME}-wal"
    shutil.copy(attacker / f"{DB_NAME}-wal", wal)
    db.close()
    # The plant took: SQLite itself serves the crafted value from the -wal.
    check = sqlite3.connect(f"file:{cache_dir / DB_NAME}?mode=ro", uri=True)
    assert check.execute("SELECT value FROM entries").fetchone()[0] == blob
    check.close()
    return wal


def _warm_run() -> tuple[str, list[str]]:
    result = runner.invoke(app, ["summarize", "--json", str(SEED)])
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr.splitlines()


def _plain_run() -> str:
    return runner.invoke(app, ["summarize", "--json", "--no-cache", str(SEED)]).stdout


def test_a_crafted_entry_in_the_users_own_wal_is_a_miss_not_code(cache_dir: Path, tmp_path: Path) -> None:
    """Even a -wal that passes every check (the user's own, private) runs nothing: it is decoded as
    JSON data, a pickle is not JSON, so the entry is a miss and the file is extracted again."""
    marker = tmp_path / "marker"
    _plant_wal(cache_dir, tmp_path, _evil(marker))
    output, warnings = _warm_run()
    assert not marker.exists()
    assert output == _plain_run()
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "imx: warning: extraction cache: entries that could not be read back were recomputed (1; first: "
        "DecodeError: not JSON:"
    )


@posix
def test_a_shared_cache_folder_is_not_used(cache_dir: Path, tmp_path: Path) -> None:
    """The folder others can write (a shared lab cache): one warning, nothing read from it."""
    marker = tmp_path / "marker"
    wal = _plant_wal(cache_dir, tmp_path, _evil(marker))
    cache_dir.chmod(0o777)
    output, warnings = _warm_run()
    assert not marker.exists()
    assert output == _plain_run()
    assert warnings == [
        f"imx: warning: extraction cache not used: {cache_dir}: is writable by group and others (mode 0777)"
    ]
    cache_dir.chmod(0o770)
    assert _warm_run()[1] == [
        f"imx: warning: extraction cache not used: {cache_dir}: is writable by group (mode 0770)"
    ]
    assert wal.exists() and not marker.exists()


@as_root
def test_a_wal_of_another_user_is_not_used(cache_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    wal = _plant_wal(cache_dir, tmp_path, _evil(marker))
    os.chown(wal, OTHER_UID, OTHER_UID)
    output, warnings = _warm_run()
    assert not marker.exists()
    assert output == _plain_run()
    assert warnings == [
        f"imx: warning: extraction cache not used: {wal}: belongs to another user "
        f"(uid {OTHER_UID}; this is uid {os.geteuid()})"
    ]


@posix
@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_companion_file_others_can_write_or_a_link_is_not_used(cache_dir: Path, suffix: str) -> None:
    with ExtractionCache() as cache:
        cache.put_many([(file_sha256(SEED), "value")])
    companion = cache_dir / f"{DB_NAME}{suffix}"
    companion.write_bytes(b"")
    companion.chmod(0o622)
    with ExtractionCache() as cache:
        assert cache.get_many([file_sha256(SEED)]) == {}
        assert cache.warnings == [
            f"extraction cache not used: {companion}: is writable by group and others (mode 0622)"
        ]
    companion.unlink()
    companion.symlink_to(cache_dir / DB_NAME)  # a link to the user's own file, as a symlink attack would
    with ExtractionCache() as cache:
        assert cache.get_many([file_sha256(SEED)]) == {}
        assert cache.warnings == [
            f"extraction cache not used: {companion}: is a symbolic link (not followed)"
        ]


@as_root
def test_a_database_or_folder_of_another_user_is_not_used(cache_dir: Path) -> None:
    key = file_sha256(SEED)
    with ExtractionCache() as cache:
        cache.put_many([(key, "value")])
    os.chown(cache_dir / DB_NAME, OTHER_UID, -1)
    with ExtractionCache() as cache:
        assert cache.get_many([key]) == {}
        cache.put_many([(key, "other")])
        assert len(cache.warnings) == 1 and "belongs to another user" in cache.warnings[0]
    os.chown(cache_dir / DB_NAME, os.geteuid(), -1)
    os.chown(cache_dir, OTHER_UID, -1)
    with ExtractionCache() as cache:
        assert cache.get_many([key]) == {}
        assert cache.warnings == [
            f"extraction cache not used: {cache_dir}: belongs to another user "
            f"(uid {OTHER_UID}; this is uid {os.geteuid()})"
        ]
    os.chown(cache_dir, os.geteuid(), -1)
    with ExtractionCache() as cache:  # all the user's again: the entry was never replaced
        assert cache.get_many([key]) == {key: "value"} and cache.warnings == []


@posix
def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("IMX_CACHE_DIR", str(link))
    with ExtractionCache() as cache:
        cache.put_many([("0" * 64, "value")])
        assert cache.warnings == [f"extraction cache not used: {link}: is a symbolic link (not followed)"]
    assert list(real.iterdir()) == []


@posix
def test_a_fifo_named_like_the_database_cannot_hang_the_check(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    os.mkfifo(cache_dir / DB_NAME, 0o600)
    with ExtractionCache() as cache:
        assert cache.get_many(["0" * 64]) == {}
        cache.put_many([("0" * 64, "value")])
        assert cache.warnings == [f"extraction cache not used: {cache_dir / DB_NAME}: is not a regular file"]


# --------------------------------------------------------------------------- the vocabulary snapshot

_PROBE = "Soft tissue sarcomas and GISTs; grade 3 anaemia."


def _matches() -> list[tuple[int, int, str]]:
    vocab.clear_caches()
    hits = vocab.tumor_matcher().find(_PROBE) + vocab.adverse_event_matcher().find(_PROBE)
    return [(hit.start, hit.end, hit.key) for hit in hits]


EXPECTED = [(0, 20, "STS"), (25, 30, "GIST"), (40, 47, "Anemia")]


@pytest.fixture(scope="module")
def good_snapshot(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A snapshot written once for the module (building the matchers takes ~0.4 s)."""
    folder = tmp_path_factory.mktemp("snapshot")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IMX_CACHE_DIR", str(folder))
        assert _matches() == EXPECTED
        (snapshot,) = folder.glob("vocab-*.json")
        vocab.clear_caches()
    return snapshot.read_bytes()


def _install(cache_dir: Path, snapshot: bytes) -> Path:
    """The good snapshot in this test's cache folder, under the name this run looks for."""
    cache_dir.mkdir(mode=0o700, exist_ok=True)
    path = vocab._snapshot_path()
    path.write_bytes(snapshot)
    path.chmod(0o600)
    assert _matches() == EXPECTED and vocab._snapshot_state.get("restored") is True
    return path


def test_a_pickle_where_the_snapshot_goes_runs_nothing(cache_dir: Path, tmp_path: Path) -> None:
    assert _matches() == EXPECTED  # writes the snapshot
    (snapshot,) = cache_dir.glob("vocab-*.json")
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    marker = tmp_path / "marker"
    snapshot.write_bytes(_evil(marker))  # the user's own file, private: every check passes
    (cache_dir / "vocab-0123456789.pickle").write_bytes(_evil(marker))  # an old-format name
    assert _matches() == EXPECTED
    assert not marker.exists()
    assert vocab._snapshot_state.get("restored") is None  # rebuilt from the YAML files ...
    assert snapshot.read_bytes().startswith(b'{"format":3,')  # ... and written again as data
    result = runner.invoke(app, ["cache", "clear"])
    assert "removed 2 compiled vocabulary snapshot(s)" in result.stdout  # old pickles go too
    assert not list(cache_dir.glob("vocab-*")) and not marker.exists()


def _snapshot_of(vocabularies: dict[str, str], matchers: list[list[str]]) -> bytes:
    """A format-3 snapshot: each vocabulary and matcher table is a JSON text inside the JSON."""
    return json.dumps({"format": 3, "vocabularies": vocabularies, "matchers": matchers}).encode()


@pytest.mark.parametrize(
    "bad",
    [
        b'{"format":2,"vocabularies":{},"matchers":[]}',
        _snapshot_of({}, [["tumor_types", "code", '{"entries":[],"phrases":{}}']]),
        _snapshot_of(
            {},
            [
                [
                    "tumor_types",
                    "code",
                    '{"entries":[],"phrases":{"gist":[[[],"GIST",7,true]]},"heads":{"gist":4},"short":[],"size":1}',
                ]
            ],
        ),
        _snapshot_of({"tumor_types": '{"tumor_types": [{"code": '}, []),
        _snapshot_of({}, [["tumor_types", "code", {"entries": []}]]),  # type: ignore[list-item]
        b'{"format":3,"vocabularies":{"tumor_types":',
    ],
    ids=[
        "old-format",
        "missing-tables",
        "no-such-entry",
        "damaged-vocabulary",
        "tables-not-text",
        "cut-short",
    ],
)
def test_a_snapshot_of_the_wrong_shape_is_rebuilt(cache_dir: Path, good_snapshot: bytes, bad: bytes) -> None:
    snapshot = _install(cache_dir, good_snapshot)
    snapshot.write_bytes(bad)
    assert _matches() == EXPECTED
    assert vocab._snapshot_state.get("restored") is None
    assert snapshot.read_bytes() == good_snapshot  # replaced by a good one


@posix
def test_a_snapshot_link_to_a_users_pickle_is_not_followed(
    cache_dir: Path, tmp_path: Path, good_snapshot: bytes
) -> None:
    """The second way in: a link named like the snapshot, to a pickle the user owns (a private file
    that passed the old check because the check followed the link)."""
    snapshot = _install(cache_dir, good_snapshot)
    marker = tmp_path / "marker"
    target = tmp_path / "users-own.pickle"
    target.write_bytes(_evil(marker))
    target.chmod(0o600)
    snapshot.unlink()
    snapshot.symlink_to(target)
    assert _matches() == EXPECTED
    assert not marker.exists()
    assert not snapshot.is_symlink()  # replaced by a real snapshot; the link's target is untouched
    assert target.read_bytes() == _evil(marker)


@posix
def test_a_snapshot_in_a_shared_folder_is_neither_read_nor_written(
    cache_dir: Path, tmp_path: Path, good_snapshot: bytes
) -> None:
    snapshot = _install(cache_dir, good_snapshot)
    marker = tmp_path / "marker"
    target = tmp_path / "users-own.pickle"
    target.write_bytes(_evil(marker))
    snapshot.unlink()
    snapshot.symlink_to(target)
    cache_dir.chmod(0o777)
    assert _matches() == EXPECTED
    assert not marker.exists()
    assert snapshot.is_symlink()  # nothing written into a folder others can write


@as_root
def test_a_snapshot_of_another_user_is_not_read(cache_dir: Path, good_snapshot: bytes) -> None:
    snapshot = _install(cache_dir, good_snapshot)
    os.chown(snapshot, OTHER_UID, -1)
    assert _matches() == EXPECTED
    assert vocab._snapshot_state.get("restored") is None
    assert snapshot.stat().st_uid == os.geteuid()  # replaced by the user's own


def test_matcher_data_round_trips() -> None:
    vocab.clear_caches()
    for matcher in (vocab.tumor_matcher(), vocab.adverse_event_matcher()):
        data = matcher.to_data()
        back = vocab.Matcher.from_data(data)
        assert back._phrases == matcher._phrases and len(back) == len(matcher)
        assert back._forms() == matcher._forms()  # the same forms join the phrase index
        assert back.find(_PROBE) == matcher.find(_PROBE)


# --------------------------------------------------------------------------- the checks themselves


@posix
def test_open_private_checks_the_opened_file(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.write_bytes(b"data")
    own.chmod(0o644)
    descriptor = paths.open_private(own)
    assert os.read(descriptor, 10) == b"data" and os.get_blocking(descriptor)
    os.close(descriptor)
    own.chmod(0o660)
    with pytest.raises(PermissionError, match=r"is writable by group \(mode 0660\)"):
        paths.open_private(own)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "missing")  # dangling: not followed either
    with pytest.raises(PermissionError, match="is a symbolic link"):
        paths.open_private(link)
    with pytest.raises(PermissionError, match="is not a regular file"):
        paths.open_private(tmp_path)
    with pytest.raises(FileNotFoundError):
        paths.check_private(tmp_path / "none")
    paths.check_private(tmp_path / "none", missing_ok=True)
    with pytest.raises(PermissionError, match="is not a directory"):
        paths.check_private_dir(own)


# --------------------------------------------------------------------------- exact round trips


def test_a_result_round_trips_exactly_with_its_document_stored_once() -> None:
    data = SEED.read_bytes()
    result = process_file(str(SEED), data, file_sha256(SEED))
    blob = codec.encode(result)
    back = codec.decode(blob)
    assert type(back) is FileResult and back == result
    assert back.findings[0] is not None and back.findings[0].document is back.documents[0]
    assert blob.count(b'"Document":') == 1 and blob.count(b'"Document#":0') == 1
    odd = Quantity(float("nan"), Evidence("d", 0, 1, "q"))
    again = codec.decode(codec.encode((odd, float("-inf"), -0.0, 2**63 - 1)))
    assert again[0].value != again[0].value and again[1:] == (float("-inf"), -0.0, 2**63 - 1)


@pytest.mark.parametrize(
    "value",
    [
        b'{"os.system":["touch x"]}',
        b'{"builtins.eval":["1"]}',
        b'{"Evidence":[0,0,1,0,null],"extra":1}',
        b'{"Evidence":[0,0,1]}',
        b'{"Evidence":[0,0,1,7,null]}',
        b'{"Evidence":[-1,0,1,0,null]}',
        b'{"Document#":0}',
        b'{"float":"1e999"}',
        b'{"Flag":[true,{"Evidence":[0,0,1,0,null]}],"Pair":[1]}',
    ],
)
def test_no_other_record_decodes(value: bytes) -> None:
    with pytest.raises(codec.DecodeError):
        codec.decode(b'{"strings":["d"],"value":' + value + b"}")


@pytest.mark.parametrize(
    "blob",
    [
        b"\x80\x04K\x01.",
        b'{"value":1}',
        b'{"strings":[1],"value":1}',
        b'{"strings":[],"value":1,"x":2}',
        b"[]",
    ],
    ids=["pickle", "no-strings", "strings-not-text", "extra-key", "not-an-entry"],
)
def test_anything_but_an_entry_does_not_decode(blob: bytes) -> None:
    with pytest.raises(codec.DecodeError):
        codec.decode(blob)
    assert codec.decode(b'{"strings":["d","q"],"value":{"Evidence":[0,0,1,1,null]}}') == Evidence(
        "d", 0, 1, "q"
    )


@pytest.mark.parametrize(
    "folder",
    [ROOT / "seeds", ROOT / "tests" / "cases", CORPUS_TEXTS],
    ids=["seeds", "cases", "real-dev"],
)
def test_a_warm_run_prints_exactly_what_a_cold_run_does(
    folder: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from execute_helpers import count_extractions

    assert folder.is_dir(), folder
    cold = runner.invoke(app, ["summarize", "--json", str(folder)])  # extracts, stores every result
    assert cold.exit_code == 0, cold.stderr
    assert "could not be stored" not in cold.stderr

    calls = count_extractions(monkeypatch)
    warm = runner.invoke(app, ["summarize", "--json", str(folder)])
    assert warm.exit_code == 0, warm.stderr
    assert [call for call in calls if call != "warm-up"] == []  # every file came from the cache
    assert warm.stdout == cold.stdout
    assert warm.stderr == cold.stderr
