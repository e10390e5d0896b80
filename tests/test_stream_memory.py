"""A stream holds nothing per document: the spill store groups and orders on disk exactly as resolve
does in memory, the walker's "seen" maps move to disk, and what Python holds per document is
bounded (tracemalloc, on generated inputs)."""

from __future__ import annotations

import gc
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import pipeline, spill
from imatinib_cli.load import RawFile, walk_paths
from imatinib_cli.models import Design, Document, Findings, Metadata, Study
from imatinib_cli.resolve import group_by_keys
from imatinib_cli.spill import SpillMap, SpillStore, order_key

# Path parts with the characters that make ordering subtle: NUL and 0x01 (the encoding's markers),
# "-" and "." (below "/"), non-ASCII, astral characters.
PART = st.text(alphabet=st.sampled_from(["\x00", "\x01", "a", "b", "-", ".", "é", "\U0001f600"]), max_size=4)
ORDER = st.tuples(st.lists(PART, min_size=1, max_size=3).map(tuple), st.integers(0, 3))


@given(st.lists(ORDER, min_size=2, max_size=8))
def test_order_key_sorts_as_document_order(orders: list[tuple[tuple[str, ...], int]]) -> None:
    assert sorted(orders, key=order_key) == sorted(orders)
    for left in orders:
        for right in orders:
            assert (order_key(left) == order_key(right)) == (left == right)


def test_order_key_examples() -> None:
    # "a/b.txt" before "a-b.txt" (a folder walk's order), a folder's files before a longer name.
    assert order_key((("a", "b.txt"), 0)) < order_key((("a-b.txt",), 0))
    assert order_key((("a",), 9)) < order_key((("a", "b"), 0)) < order_key((("a\x00",), 0))
    assert order_key((("x.xml",), 2)) < order_key((("x.xml",), 10))


KEYS = st.lists(st.lists(st.sampled_from(["doi:a", "doi:b", "pmid:1", "pmid:2", "nct:x", "t:y"]), max_size=3))


@settings(max_examples=60, deadline=None)
@given(KEYS, st.data())
def test_groups_are_resolves_groups_in_resolves_order(keys: list[list[str]], data: st.DataObject) -> None:
    """SpillStore.groups() == group_by_keys sorted by each group's first document, as _stream did."""
    orders = data.draw(st.lists(ORDER, min_size=len(keys), max_size=len(keys)))
    expected = sorted(group_by_keys(keys), key=lambda group: min(orders[index] for index in group))
    with SpillStore(batch=3) as store:
        for seq, (item_keys, order) in enumerate(zip(keys, orders, strict=True)):
            store.put(seq, _findings(seq), item_keys, order)
        assert list(store.groups()) == expected


def test_groups_join_a_chain_and_keep_singletons() -> None:
    # 0-1 share a, 1-2 share b, 2-3 share c: one group, whatever the order of the keys; 4 alone.
    keys = [["c:3", "a:1"], ["b:2", "a:1"], ["c:2", "b:2"], ["c:3"], []]
    orders = [(("e",), 0), (("d",), 0), (("c",), 0), (("b",), 0), (("a",), 0)]
    with SpillStore() as store:
        for seq, (item_keys, order) in enumerate(zip(keys, orders, strict=True)):
            store.put(seq, _findings(seq), item_keys, order)
        assert list(store.groups()) == [[4], [0, 1, 2, 3]]
        assert [item.document.path for item in store.get([3, 0])] == [
            "folder-3/record-000003.txt",
            "folder-0/record-000000.txt",
        ]


def test_spill_map_is_a_dict_before_and_after_it_moves_to_disk() -> None:
    seen = SpillMap(memory_entries=2)
    assert seen.setdefault("a", "1") == "1" and seen.setdefault("a", "2") == "1"
    assert seen.setdefault("b", "2") == "2"
    assert seen._db is None  # two entries: still in memory
    assert seen.setdefault("c", "3") == "3"
    assert seen._db is not None and seen._memory is None
    folder = Path(seen._folder.name)  # type: ignore[union-attr]
    assert (seen.get("a"), seen.get("c"), seen.get("z")) == ("1", "3", None)
    assert seen.setdefault("c", "9") == "3" and seen.setdefault("d", "4") == "4"
    assert "d" in seen and "e" not in seen
    seen.close()
    assert not folder.exists()


NAME = st.text(alphabet=st.sampled_from(["a", "B", "-", ".", "\udce9", "é", "\U0001f600"]))


@given(st.lists(NAME))
def test_sorted_names_sorts_as_python_in_memory_and_on_disk(names: list[str]) -> None:
    assert list(spill.sorted_names(names, memory_entries=3)) == sorted(names)


@given(st.lists(NAME, max_size=60), st.integers(1, 6))
def test_sorted_names_merges_in_passes_and_reads_blocks_cut_anywhere(names: list[str], block: int) -> None:
    """More runs than MERGE_RUNS are merged into longer runs first; a block of a few bytes ends
    inside a name or inside a character's UTF-8 (é is 2 bytes, the emoji 4)."""
    saved = spill.MERGE_RUNS, spill.NAMES_BLOCK
    spill.MERGE_RUNS, spill.NAMES_BLOCK = 2, block
    try:
        assert list(spill.sorted_names(names, memory_entries=2)) == sorted(names)
    finally:
        spill.MERGE_RUNS, spill.NAMES_BLOCK = saved


@given(st.lists(NAME, max_size=40), st.integers(1, 6))
def test_sorted_names_merges_by_seek_and_read_where_there_is_no_pread(names: list[str], block: int) -> None:
    """Windows has no os.pread: the runs are read by a seek and a read, and the file's position is
    put back, so a merge pass appending to the same file writes where its writer expects."""
    saved = spill.MERGE_RUNS, spill.NAMES_BLOCK, spill._PREAD
    spill.MERGE_RUNS, spill.NAMES_BLOCK, spill._PREAD = 2, block, None
    try:
        assert list(spill.sorted_names(names, memory_entries=2)) == sorted(names)
    finally:
        spill.MERGE_RUNS, spill.NAMES_BLOCK, spill._PREAD = saved


def test_sorted_names_refuses_a_name_with_nul() -> None:
    with pytest.raises(ValueError, match="NUL"):
        list(spill.sorted_names(["b", "a\0c", "d", "e"], memory_entries=2))


def test_walker_finds_duplicates_after_its_maps_move_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spill, "MEMORY_ENTRIES", 3)
    for index in range(6):
        (tmp_path / f"f{index}.txt").write_text(f"document {index}\n")
    (tmp_path / "g-copy.txt").write_text("document 1\n")
    os.link(tmp_path / "f4.txt", tmp_path / "h-link.txt")
    items = list(walk_paths([str(tmp_path), str(tmp_path / "f5.txt")]))
    read = [item.path for item in items if isinstance(item, RawFile)]
    reasons = {item.path: item.reason for item in items if isinstance(item, Document)}
    assert read == [str(tmp_path / f"f{index}.txt") for index in range(6)]
    assert reasons == {
        str(tmp_path / "g-copy.txt"): f"duplicate of {tmp_path / 'f1.txt'}",
        str(tmp_path / "h-link.txt"): f"duplicate of {tmp_path / 'f4.txt'} (the same file)",
        str(tmp_path / "f5.txt"): f"duplicate of {tmp_path / 'f5.txt'} (the same file)",
    }


# --- what is held per document -------------------------------------------------------------------


def _findings(seq: int) -> Findings:
    """A small Findings with the link keys of a bibliographic record (DOI, PMID, title)."""
    metadata = Metadata(
        title=f"Imatinib in an invented tumor, cohort number {seq}",
        doi=f"10.1000/invented.{seq}",
        pmid=str(10_000_000 + seq),
        journal="Journal of Invented Results",
        year=2001,
    )
    document = Document(
        path=f"folder-{seq % 7}/record-{seq:06d}.txt",
        sha256=f"{seq:064x}",
        format="text",
        text="",
        metadata=metadata,
    )
    return Findings(document=document, design=Design(), populations=(), adverse_events=(), outcomes=())


def _extracted(count: int) -> Iterator[tuple[Document, Findings | None]]:
    for seq in range(count):
        found = _findings(seq)
        yield found.document, found


def _peak_growth(run: Iterator[object]) -> int:
    """The highest traced memory while run is consumed, above what was traced at its start."""
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in run:
            pass
        return tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()


def test_a_stream_holds_nothing_per_document() -> None:
    """From 2,048 to 4,096 documents (multiples of the spill batch) the stream's peak grows by less
    than 40 bytes per document; keeping each document's link keys and order in lists, as before,
    measured ~880 bytes here. Both counts are past 2,000 groups: below that the interpreter's
    free lists of the row tuples read while grouping (up to 2,000 per size, kept by Python, not
    by the stream) still fill, a step of ~100 KB that stops growing there (4,096 and 8,192
    documents peak alike)."""
    studies: list[int] = []
    _peak_growth(pipeline._stream(_extracted(10)))  # the first run imports and compiles

    def run(count: int) -> Iterator[object]:
        for item in pipeline._stream(_extracted(count)):
            if isinstance(item, Study):
                studies.append(1)
            yield None  # drop each item, as the --jsonl writer does

    small, large = _peak_growth(run(2048)), _peak_growth(run(4096))
    assert len(studies) == 2048 + 4096  # every document its own study
    growth = (large - small) / (4096 - 2048)
    assert growth < 40, growth


def test_a_walk_holds_nothing_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MEMORY_ENTRIES the walker's seen files and contents, and a folder's sorted listing, are
    on disk: from 200 to 800 files in one folder its peak grows by less than 40 bytes per file
    (with two dicts and the listing in memory, as before: ~450 bytes per file from 300 to 1,200)."""
    monkeypatch.setattr(spill, "MEMORY_ENTRIES", 100)
    for size in (200, 800):
        folder = tmp_path / str(size)
        folder.mkdir()
        for index in range(size):
            (folder / f"file-{index:05d}.txt").write_text(f"{index}\n")
    _peak_growth(walk_paths([str(tmp_path / "200")]))  # the first run imports and compiles
    small = _peak_growth(walk_paths([str(tmp_path / "200")]))
    large = _peak_growth(walk_paths([str(tmp_path / "800")]))
    growth = (large - small) / (800 - 200)
    assert growth < 40, growth


def test_a_spilled_map_asks_sqlite_only_for_keys_it_may_hold() -> None:
    """Past its memory, SpillMap keeps a fixed-size filter of its keys: new keys (the walk's common
    case) are answered without a query, keys it holds are found, pending or written."""
    from imatinib_cli.spill import MAP_PENDING, SpillMap

    seen = SpillMap(memory_entries=100)
    try:
        count = 3 * MAP_PENDING
        for index in range(count):
            assert seen.setdefault(f"sha256:{index:064x}", f"file{index}") == f"file{index}"
        assert seen.queries <= count // 100  # false positives only (~0 at this size)
        assert seen.get("sha256:" + "f" * 64) is None
        for index in (0, 99, 100, 101, count - 1):  # in the first dict, written, still pending
            assert seen.setdefault(f"sha256:{index:064x}", "other") == f"file{index}"
            assert f"sha256:{index:064x}" in seen
    finally:
        seen.close()


def test_the_heap_is_written_whole_through_short_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """SpillStore appends its pieces (pickled Findings, study texts) by
    writev, HEAP_BUFFER bytes at a time; a write that takes only part of them is continued where
    it stopped, and every piece reads back as it was given."""
    from imatinib_cli.render.json import RenderedStudy

    real_writev = os.writev
    monkeypatch.setattr(os, "writev", lambda fd, pieces: real_writev(fd, [bytes(b"".join(pieces)[:7])]))
    monkeypatch.setattr(spill, "HEAP_BUFFER", 40)
    texts = [b"<%d>" % seq * (seq % 9) if seq % 2 else b"study %d" % seq for seq in range(40)]
    with SpillStore() as store:
        for seq, text in enumerate(texts):
            store.put(seq, _findings(seq), [f"key:{seq}"], ((f"{seq:03d}",), 0), RenderedStudy(text, "json"))
        studies = [study for _, study in store.groups_with_studies()]
        assert [study.text for study in studies] == texts  # type: ignore[union-attr]
        assert [item.document.path for item in store.get([5, 0, 39])] == [
            _findings(seq).document.path for seq in (5, 0, 39)
        ]


def test_a_write_of_the_heap_that_takes_nothing_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.writev returning 0 would make the loop that continues a short write spin forever."""
    monkeypatch.setattr(os, "writev", lambda fd, pieces: 0)
    monkeypatch.setattr(spill, "HEAP_BUFFER", 10)
    store = SpillStore()
    try:
        with pytest.raises(OSError, match="took none"):
            store.put(0, _findings(0), [], None)
    finally:
        store.close()


def test_a_store_never_closed_closes_its_file_when_freed() -> None:
    """The heap is a bare descriptor: a store dropped without close() (a library caller) must not
    keep it, nor the deleted file's disk space, until the process ends."""
    import gc

    store = SpillStore()
    descriptor = store._heap
    os.fstat(descriptor)
    del store
    gc.collect()
    with pytest.raises(OSError):
        os.fstat(descriptor)
