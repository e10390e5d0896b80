"""The warm rerun's third pass (issue 12): a cache entry's body stays in its own column and out of
the spill store, read back only for a study of several documents; a pool's deciding chunks are not
extracted in the calling process; `imx cache clear --stale` keeps a large file's stat row.
Counted, not timed (the times are in docs/performance.md)."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from imatinib_cli import cache, codec, execute, spill
from imatinib_cli.cli import app
from imatinib_cli.models import Document, Metadata

runner = CliRunner()

ABSTRACT = (
    "Imatinib in {tumor}: a phase II study\n\n"
    "We treated {n} patients with {tumor} with imatinib 400 mg daily. "
    "{pr} patients had a partial response. doi: 10.1000/imx.{doi}\n"
)


def _corpus(folder: Path, count: int, *, shared: int = 0) -> Path:
    """count abstracts; the first `shared` of them name one DOI (one study of several documents)."""
    folder.mkdir()
    for index in range(count):
        doi = "shared" if index < shared else f"own{index}"
        text = ABSTRACT.format(tumor="chordoma", n=20 + index, pr=3 + index % 5, doi=doi)
        (folder / f"abstract_{index:03}.txt").write_text(text, encoding="utf-8")
    return folder


def _run(*args: str) -> str:
    result = runner.invoke(app, ["summarize", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("IMX_CACHE_DIR", str(folder))
    return folder


def test_bodies_are_read_only_for_a_study_of_several_documents(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs", 5, shared=2)
    plain = _run("--json", "--no-cache", str(corpus))
    assert _run("--json", str(corpus)) == plain  # fills the cache
    read: list[str] = []
    original = cache.ExtractionCache.get_body
    monkeypatch.setattr(
        cache.ExtractionCache, "get_body", lambda self, key: read.append(key) or original(self, key)
    )
    for form in ("--json", "--jsonl"):
        read.clear()
        assert _run(form, str(corpus)) == _run(form, "--no-cache", str(corpus))
        assert len(read) == 2  # the two files of the shared study; none of the three alone


def test_the_body_is_a_column_of_its_own(tmp_path: Path, cache_dir: Path) -> None:
    corpus = _corpus(tmp_path / "docs", 2)
    _run("--json", str(corpus))
    with sqlite3.connect(cache_dir / cache.DB_NAME) as db:
        rows = db.execute("SELECT value, body FROM entries").fetchall()
    assert len(rows) == 2
    for value, body in rows:
        start, head = cache._lengths(value)
        assert body.startswith(b'{"strings":') and start + head == len(value)
        entry = cache.Entry.parse(value)
        assert entry.head is not None and len(entry.head) == 1
        with pytest.raises(codec.DecodeError, match="bytes after the entry's head"):
            cache.Entry.parse(value + body)  # the body read into the value: a damaged entry


def test_a_body_gone_since_its_head_was_read_is_an_error_not_other_output(tmp_path: Path) -> None:
    class Gone:
        def get_body(self, key: str) -> None:
            return None

    stored = execute.StoredFindings(0, "0" * 64, "a.txt", Gone())
    with pytest.raises(execute.ImxError, match="removed while this run read it"):
        stored.decoded()


def test_a_head_document_is_built_as_the_codec_builds_it() -> None:
    from imatinib_cli import codec

    plain = Document("a.txt", "0" * 64, "text", "", Metadata(title="T", authors=("A B",), year=2004))
    odd = Document("b.txt", "1" * 64, "text", "", Metadata(title="T"), status="skipped", reason="why")
    for document in (plain, odd):
        data = orjson.loads(codec.encode(document))
        assert execute._head_document(data) == document == codec.decode(codec.encode(document))


def test_a_pool_run_extracts_nothing_in_the_calling_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs", execute.POOL_MIN_FILES + 4)
    pid = os.getpid()
    here: list[str] = []
    real = execute._extracted  # what every path extracts through (a file, or one document of it)

    def counted(*args: object) -> object:
        if os.getpid() == pid:
            here.append(str(args[0]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(execute, "_extracted", counted)
    pooled = _run("--json", "--no-cache", "--jobs", "2", str(corpus))
    assert here == []  # the chunks that decided the pool went to it too
    assert pooled == _run("--json", "--no-cache", "--jobs", "1", str(corpus))
    assert len(here) == execute.POOL_MIN_FILES + 4  # serial: every file here


def test_clear_stale_keeps_the_stat_row_of_a_file_sent_in_parts(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with cache.ExtractionCache(path) as store:
        store.put_many([(execute.part_key("a" * 64, 0, 2), cache.Encoded(b"4\nnull", b"{}"))])
        index = store.stat_index()
        assert index is not None
        info = tmp_path.stat()
        index.record(b"/x", b"big.xml", info, "a" * 64)
        index.record(b"/x", b"gone.xml", info, "b" * 64)
        index.flush()
        store.clear(stale=True)
        assert store.info().file_stats == 1  # big.xml's parts still have entries; gone.xml's none


META_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=3),
    st.lists(st.one_of(st.text(max_size=2), st.integers(0, 3), st.none()), max_size=3),
    # A record where a plain value belongs (the codec's to judge); made anew for each example, as
    # decoding takes the value apart.
    st.builds(lambda: {"Flag": [True, None]}),
)


@given(st.lists(META_VALUE, min_size=21, max_size=21), st.sampled_from(["ok", None, 3]))
def test_a_head_document_is_what_the_codec_makes_of_any_metadata(meta: list, status: object) -> None:
    """The head's shortcut takes plain values and lists of strings; whatever else a (damaged or
    older) head holds goes to codec.decode: the same Document, or the same error."""
    from imatinib_cli import codec

    fields_ = [f.name for f in dataclasses.fields(Metadata)]
    assert len(fields_) == len(meta)
    data = orjson.loads(codec.encode(Document("a.txt", "0" * 64, "text", "", Metadata())))
    data["value"]["Document"][4] = {"Metadata": meta}
    data["value"]["Document"][6] = status
    try:
        expected = codec.decode(orjson.loads(orjson.dumps(data)))
    except Exception as exc:  # noqa: BLE001 - the shortcut must fail alike
        with pytest.raises(type(exc)):
            execute._head_document(data)
        return
    assert execute._head_document(data) == expected


def _reopened(cache_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(cache_dir / cache.DB_NAME, isolation_level=None)


def test_study_texts_are_rows_of_their_own_read_when_written(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cache format 6: the heads are read first, each study text (a `studies` row, with the path it
    was made for) only when its study is written, several in one query; the spill store's file
    holds no copy of them."""
    corpus = _corpus(tmp_path / "docs", 5, shared=2)
    plain = {form: _run(form, "--no-cache", str(corpus)) for form in ("--json", "--jsonl")}
    assert _run("--json", str(corpus)) == plain["--json"]  # fills the cache
    with _reopened(cache_dir) as db:
        rows = db.execute("SELECT sha256, item, path, length(text) FROM studies").fetchall()
    assert len(rows) == 5 and {item for _, item, _, _ in rows} == {0}
    assert {path for _, _, path, _ in rows} == {str(path) for path in corpus.iterdir()}
    asked: list[int] = []
    original = cache.ExtractionCache.get_studies
    monkeypatch.setattr(
        cache.ExtractionCache,
        "get_studies",
        lambda self, refs: asked.append(len(refs)) or original(self, refs),
    )
    heaps: list[int] = []
    real_close = spill.SpillStore.close

    def measured(self: spill.SpillStore) -> None:
        heaps.append(self._heap_size)
        real_close(self)

    monkeypatch.setattr(spill.SpillStore, "close", measured)
    for form in ("--json", "--jsonl"):
        asked.clear()
        heaps.clear()
        assert _run(form, str(corpus)) == plain[form]
        # The three documents of studies of their own, in one query; the two of the shared study
        # are merged from their Findings (read from the cache by key, not copied either).
        assert asked == [3] and heaps == [0]


def _store_as(cache_dir: Path, source: Path) -> None:
    """What another run storing the same files writes: each entry and its study texts, whole (in
    one transaction), as they are in the cache at `source` (the same contexts: the same code)."""
    with _reopened(cache_dir) as db:
        db.execute("ATTACH ? AS other", (str(source / cache.DB_NAME),))
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM studies")
        db.execute("INSERT INTO studies SELECT * FROM other.studies")
        db.execute("INSERT OR REPLACE INTO entries SELECT * FROM other.entries")
        db.execute("COMMIT")


def test_a_study_text_stored_again_for_another_path_meanwhile_is_not_used(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run stores the same files' entries for other paths (the same bytes elsewhere) after
    this run read their heads and before it writes their studies: the texts (which name the other
    paths) are not written; each study is merged from the entry's Findings, relocated here."""
    corpus = _corpus(tmp_path / "docs", 3)
    # The same bytes under other paths of the same length: texts of the same length, not the same.
    elsewhere = _corpus(tmp_path / "copy", 3)
    plain = {form: _run(form, "--no-cache", str(corpus)) for form in ("--json", "--jsonl")}
    kept = {name: tmp_path / f"{name}-cache" for name in ("here", "elsewhere")}
    for name, folder in (("here", corpus), ("elsewhere", elsewhere)):
        monkeypatch.setenv("IMX_CACHE_DIR", str(kept[name]))
        _run("--json", str(folder))
    monkeypatch.setenv("IMX_CACHE_DIR", str(cache_dir))
    _run("--json", str(corpus))
    original = cache.ExtractionCache.get_entries

    def stored_again_meanwhile(self: cache.ExtractionCache, keys: list[str]) -> dict[str, object]:
        found = original(self, keys)
        _store_as(cache_dir, kept["elsewhere"])
        return found

    monkeypatch.setattr(cache.ExtractionCache, "get_entries", stored_again_meanwhile)
    read: list[str] = []
    original_body = cache.ExtractionCache.get_body
    monkeypatch.setattr(
        cache.ExtractionCache, "get_body", lambda self, key: read.append(key) or original_body(self, key)
    )
    for form in ("--json", "--jsonl"):
        _store_as(cache_dir, kept["here"])  # as this run's own fill left them
        read.clear()
        assert _run(form, str(corpus)) == plain[form]
        assert len(read) == 3  # each study merged from its entry's Findings instead


def test_a_cache_of_format_5_is_read_as_stale_and_gets_the_studies_table(
    tmp_path: Path, cache_dir: Path
) -> None:
    """A file of the previous format (no `studies` table, its entries under format 5's context):
    opened, it gets the table; its entries are misses (recomputed and stored anew), and
    `imx cache clear --stale` removes them."""
    corpus = _corpus(tmp_path / "docs", 3)
    plain = _run("--json", "--no-cache", str(corpus))
    _run("--json", str(corpus))
    with _reopened(cache_dir) as db:  # as format 5 left it: its own context, no studies table
        db.execute("DROP TABLE studies")
        db.execute("UPDATE contexts SET key = 'format 5', cache_format = 5")
    with cache.ExtractionCache() as store:
        assert (store.info().entries, store.info().current_entries) == (3, 0)
    assert _run("--json", str(corpus)) == plain  # misses: computed again
    assert _run("--json", str(corpus)) == plain  # hits of this format
    with cache.ExtractionCache() as store:
        assert (store.info().entries, store.info().current_entries) == (6, 3)
        assert store.clear(stale=True) == 3
    with _reopened(cache_dir) as db:
        assert db.execute("SELECT COUNT(*) FROM studies").fetchone() == (3,)


def test_two_runs_filling_one_cache_at_once(tmp_path: Path, cache_dir: Path) -> None:
    """Two cold runs with pools (--jobs 2), started together, store the same files' entries for
    two paths each; each warm rerun then writes what a run without the cache writes. The overlap
    is likely, not forced: whichever order their writes take, both must succeed and agree."""
    import subprocess
    import sys

    corpora = [_corpus(tmp_path / name, execute.POOL_MIN_FILES + 6) for name in ("one", "two")]
    command = [sys.executable, "-m", "imatinib_cli", "summarize", "--json", "--jobs", "2"]
    env = {**os.environ, "IMX_CACHE_DIR": str(cache_dir)}
    runs = [subprocess.Popen([*command, str(corpus)], env=env, stdout=subprocess.PIPE) for corpus in corpora]
    outputs = [run.communicate()[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    for corpus, output in zip(corpora, outputs, strict=True):
        plain = _run("--json", "--no-cache", str(corpus))
        assert output.decode() == plain
        for form in ("--json", "--jsonl"):
            assert _run(form, str(corpus)) == _run(form, "--no-cache", str(corpus))


def test_the_process_entry_collects_the_young_generation_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """`imx` (imatinib_cli.__main__) sets the young generation's threshold before any command
    runs, the older generations' as they were; importing the CLI changes nothing."""
    import gc

    from imatinib_cli import __main__ as entry
    from imatinib_cli import cli

    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.get_threshold()))
    try:
        entry.main()
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()  # entry.main froze the suite's objects so far: the rest of the suite as before
    assert seen == [(entry.YOUNG_THRESHOLD, *before[1:])]


def test_new_studies_after_a_cached_one_are_held_a_bounded_number_at_a_time(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mostly new run whose first studies are cached: the cached texts wait for their query, and
    the new studies after them (their texts read from the spill's file) are held with them, at most
    HELD_GROUPS at a time, not until the run ends."""
    corpus = _corpus(tmp_path / "docs", 40)
    later = tmp_path / "later"
    later.mkdir()
    for path in sorted(corpus.iterdir())[3:]:
        path.rename(later / path.name)
    _run("--json", str(corpus))  # caches the first three
    for path in later.iterdir():
        path.rename(corpus / path.name)
    monkeypatch.setattr(spill, "HELD_GROUPS", 8)
    held_sizes: list[int] = []
    original = spill.SpillStore._cached_studies

    def counted(self: spill.SpillStore, held: list, refs: list, sizes: list):  # type: ignore[no-untyped-def]
        held_sizes.append(len(held))
        return original(self, held, refs, sizes)

    monkeypatch.setattr(spill.SpillStore, "_cached_studies", counted)
    assert _run("--json", str(corpus)) == _run("--json", "--no-cache", str(corpus))
    assert max(held_sizes) == 8  # the three cached, then new ones up to the bound
    assert held_sizes[:1] == [8]


def test_a_cache_that_fails_while_texts_are_read_says_so(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error while the cached study texts are read stops the cache; the entries this run
    had begun to read are then out of reach, and the error says why, not that one was removed."""
    corpus = _corpus(tmp_path / "docs", 3)
    _run("--json", str(corpus))
    real_context = cache.ExtractionCache._context_read
    real_studies = cache.ExtractionCache.get_studies
    failing: list[bool] = []

    def context(self: cache.ExtractionCache, db: sqlite3.Connection) -> int | None:
        if failing:
            raise sqlite3.OperationalError("database is locked")
        return real_context(self, db)

    def studies(self: cache.ExtractionCache, refs: list[tuple[str, str, int]]) -> list[bytes | None]:
        failing.append(True)
        return real_studies(self, refs)

    monkeypatch.setattr(cache.ExtractionCache, "_context_read", context)
    monkeypatch.setattr(cache.ExtractionCache, "get_studies", studies)
    result = runner.invoke(app, ["summarize", "--json", str(corpus)])
    assert result.exit_code == 1
    assert "extraction cache not used" in result.stderr and "database is locked" in result.stderr
    assert "removed while this run read it" not in result.stderr


def test_a_value_with_bytes_after_its_head_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    """A damaged value (bytes after its head) is recomputed, as any entry that does not read."""
    corpus = _corpus(tmp_path / "docs", 3)
    plain = _run("--json", "--no-cache", str(corpus))
    assert _run("--json", str(corpus)) == plain
    with _reopened(cache_dir) as db:
        db.execute("UPDATE entries SET value = CAST(value || 'x' AS BLOB)")
    assert _run("--json", str(corpus)) == plain


def test_study_texts_asked_for_more_refs_than_one_query_binds(tmp_path: Path, cache_dir: Path) -> None:
    """get_studies binds two parameters a ref, so it asks _CHUNK // 2 refs a query (older SQLite
    binds at most 999): 600 refs, the five stored ones among absent and wrong-path ones, come back
    in their order, each stored text for its own path and None for the rest."""
    corpus = _corpus(tmp_path / "docs", 5)
    _run("--json", str(corpus))  # fills the cache
    with _reopened(cache_dir) as db:
        stored = db.execute("SELECT sha256, item, path, text FROM studies ORDER BY path").fetchall()
    assert len(stored) == 5
    refs: list[tuple[str, str, int]] = []
    expected: list[bytes | None] = []
    for index in range(600):
        sha256, item, path, text = stored[index % 5]
        if index % 3 == 0:
            refs.append((sha256, path, item))
            expected.append(text)
        elif index % 3 == 1:
            refs.append(("0" * 64, path, item))  # no such entry
            expected.append(None)
        else:
            refs.append((sha256, path + ".moved", item))  # made for another path
            expected.append(None)
    store = cache.ExtractionCache(cache_dir)
    try:
        connection = store._connection(create=False)
        assert connection is not None
        if hasattr(connection, "setlimit"):  # Python 3.11 and later
            connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # as SQLite before 3.32
        assert store.get_studies(refs) == expected
    finally:
        store.close()
