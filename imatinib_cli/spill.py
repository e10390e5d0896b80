"""Temporary on-disk stores, so a streamed run holds nothing per document in memory.

`SpillStore`: `summarize --jsonl` (and `--json`) writes each Findings here as soon as it is
extracted (pickled, keyed by its sequence number, in an SQLite file inside a TemporaryDirectory),
with what grouping needs: its link keys and its document_order. After the last document, `groups()`
unites the items that share a key (a union-find kept in a table of the same file) and gives the
groups in the order resolve() gives its studies; the Findings are read back one group at a time.
Writes are batched into one transaction per BATCH items.

`SpillMap`: a str -> str map (the walker's files and contents already seen) held in a dict for its
first MEMORY_ENTRIES entries, then moved to an SQLite file: a small run never opens SQLite.

Nothing here outlives close(): the directory and the database in it are removed. Each connection's
page cache is bounded (CACHE_KIB), so memory does not grow with the file.

Pickle is safe here, unlike in the extraction cache (docs/security.md): the folder is a fresh
`mkdtemp` of this run (mode 0o700, a new random name), and the only process that reads the file
is the one that wrote it, during the same run; no other user can put a file there.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sqlite3
    import tempfile

    from imatinib_cli.execute import StoredFindings
    from imatinib_cli.models import Document, Findings
    from imatinib_cli.render.json import RenderedStudy

BATCH = 256
# SQLite's page cache per connection (and for its temporary sort tables), in KiB: enough for the
# pages a batch touches; the rest of the file is read back through the system's file cache.
CACHE_KIB = 256
MAP_CACHE_KIB = 128
MEMORY_ENTRIES = 2048
HEAP_BUFFER = 256 * 1024
# At most this many pieces to one writev (below the system's IOV_MAX, 1,024 on Linux).
HEAP_PIECES = 512
# Study texts kept in the extraction cache read in one query (~10 KB each held meanwhile).
CACHED_STUDIES = 64
# The groups held while cached texts wait for their query, at most: the groups after a cached one
# (new studies read from the heap among them) are held too, so a mostly new run with a few cached
# studies would otherwise hold every later study's text.
HELD_GROUPS = 256
HELD_BYTES = 1 << 20
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)

Order = tuple[tuple[str, ...], int]


class HeapRef(NamedTuple):
    """Bytes a pool worker appended to its own file in a SpillStore's folder (HeapWriter): the
    file's name there, the offset and the length. What crosses the pipe instead of the bytes."""

    file: str
    off: int
    size: int


# A worker's file in the store's folder: this prefix and the worker's process id.
HEAP_PREFIX = "worker-"


class HeapWriter:
    """The file a pool worker appends its documents' pickled Findings and study texts to, in the
    folder of the SpillStore that will read them (SpillStore.folder), so the process writing the
    output is sent only their HeapRefs: it neither receives nor copies ~15 KB a document. One file
    per worker process (`worker-PID`), appended to by that process only; flush() before the
    references are sent back. The folder is the store's private mkdtemp: removed with it."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.pid = os.getpid()
        self.name = f"{HEAP_PREFIX}{self.pid}"
        self._file = open(os.path.join(folder, self.name), "ab", buffering=HEAP_BUFFER)  # noqa: SIM115 - lives as long as the worker
        self._size = self._file.tell()

    def write(self, data: bytes) -> HeapRef:
        off = self._size
        self._file.write(data)
        self._size += len(data)
        return HeapRef(self.name, off, len(data))

    def flush(self) -> None:
        self._file.flush()


_writer: HeapWriter | None = None


def heap_writer(folder: str) -> HeapWriter:
    """This process's HeapWriter for folder (made at the first call; a forked child makes its own)."""
    global _writer
    if _writer is None or _writer.folder != folder or _writer.pid != os.getpid():
        _writer = HeapWriter(folder)
    return _writer


def order_key(order: Order) -> bytes:
    """document_order as bytes that sort (memcmp, as SQLite compares BLOBs) as the tuples do.

    Each path part is 0x01, its UTF-8 (NUL escaped as 00 FF) and 00 00; the parts end with 00, then
    the record as 8 bytes: (("a", "b.txt"), 0) < (("a-b.txt",), 0), as "a" < "a-b.txt".
    """
    parts, record = order
    encoded = b"".join(
        b"\x01" + part.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\xff") + b"\x00\x00"
        for part in parts
    )
    return encoded + b"\x00" + (record + (1 << 63)).to_bytes(8, "big")


def document_order_key(document: Document) -> bytes:
    """order_key(resolve.document_order(document)), made from the path at once (~1 µs against ~4
    for a path of four parts). A part never holds "/" (document_order splits the path at it), and
    no other character's UTF-8 holds the byte 0x2F: the path's UTF-8 with its NULs escaped and
    each "/" written as the bytes between two parts (00 00 01) is the parts' encoding."""
    path = document.path if os.sep == "/" else document.path.replace(os.sep, "/")
    encoded = (
        path.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\xff").replace(b"/", b"\x00\x00\x01")
    )
    return b"\x01" + encoded + b"\x00\x00\x00" + (document.record + (1 << 63)).to_bytes(8, "big")


def _connect(path: Path, cache_kib: int) -> sqlite3.Connection:
    import sqlite3

    # isolation_level=None: transactions are begun and committed here.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"PRAGMA cache_size = {-cache_kib}")
    db.execute(f"PRAGMA temp.cache_size = {-cache_kib}")
    db.execute("PRAGMA temp_store = FILE")  # sorts of a large run go to disk, not to memory
    return db


class SpillStore:
    """Findings by sequence number, on disk, with their link keys and order. Use as a context manager."""

    def __init__(self, batch: int = BATCH) -> None:
        import tempfile

        self._folder = tempfile.TemporaryDirectory(prefix="imx-spill-")
        # Where pool workers may append what they send (HeapWriter), read back by `heap` name.
        self.folder = self._folder.name
        self.path = Path(self._folder.name) / "findings.sqlite3"
        self._db = _connect(self.path, CACHE_KIB)
        # Each item's Findings (a pickle, or a cache entry's codec JSON and the record's index in it)
        # and the text of its study as a study of its own (render.json.RenderedStudy), if made, are
        # kept in `heap`, an append-only file (writing there costs a copy; SQLite's overflow pages
        # cost ~10x more): each as an offset and a length. A cache entry's body is written once
        # however many of its records are items; one read without its body is not copied at all:
        # `entry` holds its key in the cache (and `path` where it was read), read again from there
        # (execute.StoredFindings) only if the item's study has other documents. `heap`: the file of
        # the folder a worker wrote both to (HeapRef), instead of `heap`; NULL for this process's.
        self._db.execute(
            "CREATE TABLE findings (seq INTEGER PRIMARY KEY, off INTEGER NOT NULL, length INTEGER NOT NULL,"
            " record INTEGER, study_off INTEGER, study_length INTEGER, form TEXT, entry TEXT, path TEXT,"
            " heap TEXT, ord BLOB)"
        )
        self._heaps: dict[str, int] = {}  # a worker's file -> its descriptor, opened at the first read
        # Appended HEAP_BUFFER bytes at a time by one writev of the pieces as they came: no copy
        # into a buffer first, one system call for ~25 study texts. (A study text read from the
        # extraction cache is not copied here at all: put takes its length, groups_with_studies
        # reads it from the cache.)
        self._heap = os.open(Path(self._folder.name) / "heap", _OPEN_FLAGS, 0o600)
        # closed by close(), or when a store never closed (or whose set-up failed below) is freed:
        # the file is deleted with its folder, but an open descriptor keeps its disk space
        self._close_heap = weakref.finalize(self, os.close, self._heap)
        self._heap_size = 0  # the pieces not written yet included
        self._unwritten: list[bytes] = []
        self._unwritten_size = 0
        self._decoded: tuple[object, Any] | None = None  # the last cache body decoded, by its key
        self._source: Any = None  # where the entries stored by key are read (execute.StoredFindings.source)
        from imatinib_cli.execute import StoredFindings  # here, once: execute imports this module

        self._stored_findings = StoredFindings
        # The items to group: their order (order_key, in `findings.ord`: NULL for an item put
        # without one) and, in `keys`, what links them.
        self._db.execute("CREATE TABLE keys (key TEXT NOT NULL, seq INTEGER NOT NULL)")
        # The union-find: a row per item that is not the root of its group (absent: a root).
        self._db.execute("CREATE TABLE parent (seq INTEGER PRIMARY KEY, up INTEGER NOT NULL)")
        self._batch = batch
        self._pending: list[tuple[Any, ...]] = []
        self._pending_keys: list[tuple[str, int]] = []

    def put(
        self,
        seq: int,
        findings: Findings | bytes | StoredFindings | HeapRef,
        keys: Iterable[str] | None = None,
        order: Order | bytes | None = None,
        study: RenderedStudy | None = None,
    ) -> None:
        """Store findings under seq; with an order (resolve.document_order of its document), also
        its link keys (resolve.link_keys), so groups() places it (order may come as its
        order_key bytes, made where the document was). findings may come already pickled
        (bytes, from a worker: stored as they are) or as a cache entry's (execute.StoredFindings:
        its body left in the cache, read back by key; or a HeapRef: already in a worker's file
        here, not copied). study: the item's study text, for groups_with_studies() when it stays
        alone (its text
        a HeapRef in the same worker's file when the findings are one)."""
        record = entry = path = heap = ordered = None
        if order is not None:
            ordered = order if type(order) is bytes else order_key(order)  # type: ignore[arg-type]
        if type(findings) is HeapRef:
            heap, off, size = findings
        elif type(findings) is bytes:
            off, size = self._add(findings)
        elif type(findings) is self._stored_findings:
            # (execute.lean_from_entry's: the body is left in the cache, read back by key)
            record = findings.index  # type: ignore[union-attr]
            off = size = 0
            entry, path = findings.key, findings.path  # type: ignore[union-attr]
            self._source = findings.source  # type: ignore[union-attr]
        else:  # objects: pickled here (the lean path hands them pickled, so pickle is imported only now)
            import pickle

            off, size = self._add(pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL))
        if study is None:
            self._pending.append((seq, off, size, record, None, None, None, entry, path, heap, ordered))
        else:
            text = study.text
            if type(text) is HeapRef:
                if text.file != heap:
                    raise ValueError("a study text in another file than its Findings")
                _, study_off, study_size = text
            elif type(text) is int:
                # Its byte length: the text is kept in the extraction cache (a `studies` row), read
                # when the study is written; the item's `entry`, `path` and `record` say where.
                if entry is None:
                    raise ValueError("a cached study text without its entry's Findings")
                study_off, study_size = record, text
            else:
                if entry is not None:
                    raise ValueError("a cache entry's study text given as a copy")
                if heap is not None:
                    raise ValueError("a study text in another file than its Findings")
                if type(text) is str:  # else bytes
                    text = text.encode("utf-8", "surrogatepass")
                study_off, study_size = self._add(text)
            self._pending.append(
                (seq, off, size, record, study_off, study_size, study.form, entry, path, heap, ordered)
            )
        if order is not None and keys:
            self._pending_keys.extend([(key, seq) for key in keys])  # (a list: no generator frame)
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT INTO findings (seq, off, length, record, study_off, study_length, form, entry, path,"
            " heap, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._pending,
        )
        self._db.executemany("INSERT INTO keys (key, seq) VALUES (?, ?)", self._pending_keys)
        self._db.execute("COMMIT")
        self._pending.clear()
        self._pending_keys.clear()

    def _add(self, data: bytes) -> tuple[int, int]:
        """Append data to the heap (kept until the pieces are written: not changed meanwhile):
        its offset and length."""
        off = self._heap_size
        size = len(data)
        self._heap_size += size
        self._unwritten.append(data)
        self._unwritten_size += size
        if self._unwritten_size >= HEAP_BUFFER or len(self._unwritten) >= HEAP_PIECES:
            self._write_heap()
        return off, size

    def _write_heap(self) -> None:
        """Write the pieces added since the last write, in order, at the heap's end."""
        pieces, left = self._unwritten, self._unwritten_size
        self._unwritten, self._unwritten_size = [], 0
        while left:
            written = os.writev(self._heap, pieces)
            if not written:  # no progress: the loop would never end
                raise OSError(f"the spill store's file took none of {left} bytes")
            left -= written
            if left:  # a short write: what is left goes again
                at = 0
                while written >= len(pieces[at]):
                    written -= len(pieces[at])
                    at += 1
                pieces = [memoryview(pieces[at])[written:], *pieces[at + 1 :]]

    def _read(self, off: int, size: int, heap: str | None = None) -> bytes:
        if heap is not None:
            return os.pread(self._heap_file(heap), size, off)
        if self._unwritten:
            self._write_heap()
        return os.pread(self._heap, size, off)

    def _heap_file(self, name: str) -> int:
        """The descriptor of a worker's file in this store's folder (a plain `worker-PID` name)."""
        descriptor = self._heaps.get(name)
        if descriptor is None:
            if not (name.startswith(HEAP_PREFIX) and name[len(HEAP_PREFIX) :].isdigit()):
                raise ValueError(f"not a worker's file: {name!r}")
            flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
            descriptor = self._heaps[name] = os.open(os.path.join(self.folder, name), flags)
        return descriptor

    def get(self, seqs: Sequence[int]) -> list[Findings]:
        """The Findings stored under seqs, in the order of seqs."""
        import pickle

        from imatinib_cli.execute import StoredFindings

        self.flush()
        found: dict[int, tuple[int, int, int, int | None, str | None, str | None, str | None]] = {}
        for start in range(0, len(seqs), 500):  # stay under SQLite's limit on bound parameters
            chunk = seqs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT seq, off, length, record, entry, path, heap FROM findings WHERE seq IN ({marks})"
            for row in self._db.execute(query, chunk):
                found[row[0]] = row
        out: list[Findings] = []
        for seq in seqs:
            _, off, size, record, entry, path, heap = found[seq]
            if record is None:
                # Written by this process, or by its own pool's workers into this private folder.
                out.append(pickle.loads(self._read(off, size, heap)))  # noqa: S301
                continue
            # The items of one cached file share its body: read from the cache and decoded once
            # while they come in a row (a group's members, or consecutive groups of one records file).
            if self._decoded is None or self._decoded[0] != entry:
                stored = StoredFindings(record, entry, path or "", self._source)
                self._decoded = (entry, stored.decoded())
            out.append(StoredFindings(record).pick(self._decoded[1]))
        return out

    def groups(self) -> Iterator[list[int]]:
        """The items put with an order, grouped as resolve.group_by_keys groups their keys (items
        that share a key, directly or through others, are one group), each group ascending, groups
        by their first item in document order (ties: the group with the lower first seq), as
        resolve() lists its studies. Nothing per item is held in memory: the grouping is a
        union-find in the `parent` table (each group's root its lowest seq), the order a sort by
        SQLite (in temporary files for a large run)."""
        for group, _study, _form in self._groups():
            yield group

    def _groups(
        self,
    ) -> Iterator[tuple[list[int], tuple[int, int, str | None, str | None, str | None] | None, str | None]]:
        self.flush()
        self._unite()
        db = self._db
        # Sorting is done by building tables and indexes, each statement's sort memory freed when it
        # ends; the groups are then read through an index, with no sort running while they are merged.
        db.execute("BEGIN")
        db.execute("CREATE INDEX parent_up ON parent (up, seq)")
        db.execute(
            "CREATE TABLE firsts AS SELECT COALESCE(parent.up, findings.seq) AS root,"
            " MIN(findings.ord) AS ord, COUNT(*) AS size FROM findings"
            " LEFT JOIN parent ON parent.seq = findings.seq WHERE findings.ord IS NOT NULL GROUP BY root"
        )
        db.execute("CREATE INDEX firsts_order ON firsts (ord, root, size)")
        db.execute("COMMIT")
        for root, size, study_off, study_size, form, heap, entry, path in db.execute(self._FIRSTS):
            if size == 1:
                study = None if study_off is None else (study_off, study_size, heap, entry, path)
                yield [root], study, form
            else:  # the root is the group's lowest seq
                rest = db.execute("SELECT seq FROM parent WHERE up = ? ORDER BY seq", (root,))
                yield [root, *(seq for (seq,) in rest)], None, None

    _FIRSTS = (
        "SELECT root, size, CASE WHEN size = 1 THEN findings.study_off END, findings.study_length,"
        " findings.form, findings.heap, findings.entry, findings.path FROM firsts"
        " JOIN findings ON findings.seq = firsts.root ORDER BY firsts.ord, root"
    )

    def groups_with_studies(self) -> Iterator[tuple[list[int], RenderedStudy | None]]:
        """groups(), each with the study text stored with its item when it has one item (put's
        study, given back as UTF-8 bytes), read in the same query, or from the extraction cache
        (a text put as its length: read CACHED_STUDIES at a time, the groups since the first of them
        held meanwhile, at most HELD_GROUPS of them or HELD_BYTES of texts read); None
        for a larger group, an item stored without one, or a cached text that is no longer there
        for this path (stored again by another run for another path, or removed: the study is then
        merged from the entry's Findings, read again and relocated)."""
        from imatinib_cli.render.json import RenderedStudy

        held: list[tuple[list[int], Any, str]] = []  # (group, text or a cached ref's place, form)
        refs: list[tuple[str, str, int]] = []
        sizes: list[int] = []
        held_bytes = 0  # of the held texts read from the heap
        for group, study, form in self._groups():
            if study is None:
                if not refs:
                    yield group, None
                    continue
                held.append((group, None, ""))
            else:
                off, size, heap, entry, path = study
                if entry is None:
                    text: Any = self._read(off, size, heap)
                    if not refs:
                        yield group, RenderedStudy(text, form or "json")
                        continue
                    held.append((group, text, form or "json"))
                    held_bytes += size
                else:
                    held.append((group, len(refs), form or "json"))
                    refs.append((entry, path, off))  # type: ignore[arg-type]
                    sizes.append(size)
            if len(refs) >= CACHED_STUDIES or len(held) >= HELD_GROUPS or held_bytes >= HELD_BYTES:
                yield from self._cached_studies(held, refs, sizes)
                held_bytes = 0
        yield from self._cached_studies(held, refs, sizes)

    def _cached_studies(
        self, held: list[tuple[list[int], Any, str]], refs: list[tuple[str, str, int]], sizes: list[int]
    ) -> Iterator[tuple[list[int], RenderedStudy | None]]:
        """The held groups with their studies, the cached texts read in one query; emptied."""
        from imatinib_cli.render.json import RenderedStudy

        texts = self._source.get_studies(refs) if refs else []
        for group, text, form in held:
            if type(text) is int:
                found = texts[text]
                yield (
                    group,
                    None if found is None or len(found) != sizes[text] else RenderedStudy(found, form),
                )
            else:
                yield group, None if text is None else RenderedStudy(text, form)
        held.clear()
        refs.clear()
        sizes.clear()

    def _unite(self) -> None:
        """Unite the items of each key (in key order, so each key's items come together), then
        point every item straight at its root."""
        self._db.execute("BEGIN")
        self._db.execute("CREATE INDEX keys_by_key ON keys (key, seq)")
        first_key: str | None = None
        first_seq = -1
        # Only the keys of two items or more can unite anything: most items share none (10,000
        # abstracts of as many studies give ~30,000 keys, none shared), and those rows stay in SQLite.
        for key, seq in self._db.execute(
            "SELECT key, seq FROM keys WHERE key IN (SELECT key FROM keys GROUP BY key HAVING COUNT(*) > 1)"
            " ORDER BY key, seq"
        ):
            if key != first_key:
                first_key, first_seq = key, seq
            elif seq != first_seq:
                self._union(first_seq, seq)
        # Each pass moves every item one step up (to its parent's parent); path compression keeps
        # the trees shallow, so a few passes reach the roots.
        while self._db.execute(
            "UPDATE parent SET up = (SELECT above.up FROM parent AS above WHERE above.seq = parent.up)"
            " WHERE up IN (SELECT seq FROM parent)"
        ).rowcount:
            pass
        self._db.execute("COMMIT")

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self._root(a), self._root(b)
        if root_a != root_b:  # the lower root stays a root: a group's root is its lowest seq
            low, high = sorted((root_a, root_b))
            self._db.execute("INSERT INTO parent (seq, up) VALUES (?, ?)", (high, low))

    def _root(self, seq: int) -> int:
        path: list[int] = []
        while (row := self._db.execute("SELECT up FROM parent WHERE seq = ?", (seq,)).fetchone()) is not None:
            path.append(seq)
            seq = row[0]
        if len(path) > 1:  # path compression: each item on the way now points at the root
            self._db.executemany(
                "UPDATE parent SET up = ? WHERE seq = ?", [(seq, item) for item in path[:-1]]
            )
        return seq

    def close(self) -> None:
        self._pending.clear()
        self._pending_keys.clear()
        self._decoded = self._source = None

        for descriptor in self._heaps.values():
            os.close(descriptor)
        self._heaps.clear()
        self._unwritten = []
        if self._heap >= 0:  # closed once: a second close() must not close a descriptor reused since
            self._close_heap()
            self._heap = -1
        self._db.close()
        self._folder.cleanup()

    def __enter__(self) -> SpillStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


# A spilled SpillMap's filter of the keys it may hold: 2**23 bits (1 MiB), two bits a key. A key not
# in the filter is not in the map, so most lookups of a walk (every file is new) never ask SQLite;
# at 200,000 keys ~0.2 % of the absent keys still do (~4.5 % at a million).
FILTER_BITS = 1 << 23
# Keys a spilled map keeps before writing them to SQLite in one statement.
MAP_PENDING = 1024


class SpillMap:
    """A str -> str map for bookkeeping that grows with the input (the walker's files and contents
    seen): a dict for the first `memory_entries` keys, then an SQLite table in a temporary folder,
    with a Bloom filter of its keys in front (FILTER_BITS, fixed size) and new keys written in
    batches of MAP_PENDING, so a lookup of a key never seen asks SQLite only on a false positive.

    Only setdefault and get, what a "seen before?" check needs. close() removes the folder (a
    map left open is removed when it is garbage-collected, by TemporaryDirectory's finalizer).
    """

    def __init__(self, memory_entries: int | None = None) -> None:
        self._memory: dict[str, str] | None = {}
        self._limit = MEMORY_ENTRIES if memory_entries is None else memory_entries
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None
        self._filter = bytearray()
        self._pending: dict[str, str] = {}
        self._pending_limit = min(MAP_PENDING, self._limit)
        self.queries = 0  # lookups that asked SQLite (the filter could not rule the key out)

    def get(self, key: str) -> str | None:
        if self._memory is not None:
            return self._memory.get(key)
        found = self._pending.get(key)
        if found is not None:
            return found
        first, second = self._bits(key)
        bits = self._filter
        if bits[first >> 3] >> (first & 7) & 1 and bits[second >> 3] >> (second & 7) & 1:
            return self._stored(key)
        return None

    def add(self, key: str, value: str) -> str | None:
        """Store value under key unless the key is there: None when it was stored, else the value
        already stored (one lookup where get then setdefault take two). The filter's two bits are
        _bits's, read and set here rather than through it: a walk of 10,000 files adds 20,000
        keys (tests/test_stream_memory.py finds keys added here through get, which uses _bits)."""
        memory = self._memory
        if memory is not None:
            found = memory.get(key)
            if found is not None:
                return found
            memory[key] = value
            if len(memory) > self._limit:
                self._spill()
            return None
        pending = self._pending
        found = pending.get(key)
        if found is not None:
            return found
        digest = hash(key) & 0xFFFFFFFFFFFFFFFF
        first, second = digest & (FILTER_BITS - 1), (digest >> 32) & (FILTER_BITS - 1)
        bits = self._filter
        at_first, bit_first = first >> 3, 1 << (first & 7)
        at_second, bit_second = second >> 3, 1 << (second & 7)
        if bits[at_first] & bit_first and bits[at_second] & bit_second:
            found = self._stored(key)
            if found is not None:
                return found
        else:
            bits[at_first] |= bit_first
            bits[at_second] |= bit_second
        pending[key] = value
        if len(pending) >= self._pending_limit:
            self._write_pending()
        return None

    def setdefault(self, key: str, value: str) -> str:
        """The value stored under key; value, stored, when there is none."""
        found = self.add(key, value)
        return value if found is None else found

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def _stored(self, key: str) -> str | None:
        """The value written to SQLite under key (the filter could not rule it out)."""
        assert self._db is not None
        self.queries += 1
        row = self._db.execute("SELECT value FROM map WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @staticmethod
    def _bits(key: str) -> tuple[int, int]:
        digest = hash(key) & 0xFFFFFFFFFFFFFFFF
        return digest & (FILTER_BITS - 1), (digest >> 32) & (FILTER_BITS - 1)

    def _mark(self, key: str) -> None:
        first, second = self._bits(key)
        self._filter[first >> 3] |= 1 << (first & 7)
        self._filter[second >> 3] |= 1 << (second & 7)

    def _write_pending(self) -> None:
        assert self._db is not None
        # In key order: each insert lands next to the last in the table's B-tree (~30 % less time
        # than in arrival order for sha256 keys, which come in no order).
        self._db.executemany("INSERT INTO map (key, value) VALUES (?, ?)", sorted(self._pending.items()))
        self._pending.clear()

    def _spill(self) -> None:
        import tempfile

        assert self._memory is not None
        self._folder = tempfile.TemporaryDirectory(prefix="imx-seen-")
        self._db = _connect(Path(self._folder.name) / "seen.sqlite3", MAP_CACHE_KIB)
        self._db.execute("CREATE TABLE map (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        # One transaction for the map's life: nothing is written to the file until the cache is full,
        # and nothing needs to survive the run (the journal is off; the file is removed at close).
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO map (key, value) VALUES (?, ?)", self._memory.items())
        self._filter = bytearray(FILTER_BITS // 8)
        for key in self._memory:
            self._mark(key)
        self._memory = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self._memory = {}  # closed: empty
        self._pending = {}
        self._filter = bytearray()


# A folder of more names than a walk holds in memory is sorted in runs of that many, each written
# sorted to a temporary file, then merged: at most MERGE_RUNS runs at a time (more are merged into
# longer runs first), each read NAMES_BLOCK bytes at a time, so the memory is bounded either way.
MERGE_RUNS = 64
NAMES_BLOCK = 4096


def sorted_names(names: Iterable[str], memory_entries: int | None = None) -> Iterator[str]:
    """sorted(names), held in memory only up to `memory_entries` names; a longer list (a folder of
    100,000 files) is sorted in runs of that many, written to a temporary file, and merged as it is
    read back (~5x faster than sorting the names by SQLite, which this did before).

    Names compare by code point, as Python's sort does (each run is Python's sort, the merge
    compares the same strings; the surrogates of undecodable bytes are kept by "surrogatepass").
    A name holds no NUL (no file name can: it separates the names on disk; ValueError otherwise).
    Every name is read before the first is given, so a folder's listing is closed before its
    files are opened.
    """
    import itertools

    limit = MEMORY_ENTRIES if memory_entries is None else memory_entries
    names = iter(names)
    head = list(itertools.islice(names, limit + 1))
    if len(head) <= limit:
        yield from sorted(head)
        return
    import heapq
    import tempfile  # only here: a small folder's walk (every start-up) does not import it

    with tempfile.TemporaryFile(prefix="imx-names-") as file:
        runs: list[tuple[int, int]] = []  # each sorted run's offset and length in the file

        def write_run(run: Iterable[str]) -> None:
            offset = file.tell()
            for batch in iter(lambda: list(itertools.islice(run, limit)), []):
                joined = "\0".join(batch)
                if joined.count("\0") != len(batch) - 1:
                    raise ValueError("a name holds NUL")
                file.write(joined.encode("utf-8", "surrogatepass") + b"\0")
            runs.append((offset, file.tell() - offset))

        write_run(iter(sorted(head)))
        del head
        for chunk in iter(lambda: list(itertools.islice(names, limit)), []):
            write_run(iter(sorted(chunk)))
        file.flush()
        while len(runs) > MERGE_RUNS:  # a few read buffers at a time: merge the first runs into one
            first, runs = runs[:MERGE_RUNS], runs[MERGE_RUNS:]
            write_run(heapq.merge(*(_run_names(file.fileno(), *run) for run in first)))
            file.flush()
        yield from heapq.merge(*(_run_names(file.fileno(), *run) for run in runs))


def _read_at(descriptor: int, size: int, offset: int) -> bytes:
    """os.pread, or (Windows has none) a seek, a read and a seek back to where the file was: runs
    merged into a longer run are read while the file's buffered writer appends to it."""
    if _PREAD is not None:
        return _PREAD(descriptor, size, offset)
    here = os.lseek(descriptor, 0, os.SEEK_CUR)
    try:
        os.lseek(descriptor, offset, os.SEEK_SET)
        return os.read(descriptor, size)
    finally:
        os.lseek(descriptor, here, os.SEEK_SET)


_PREAD = getattr(os, "pread", None)


def _run_names(descriptor: int, offset: int, length: int) -> Iterator[str]:
    """The names of one sorted run of sorted_names's file, NAMES_BLOCK bytes read at a time (a
    block cut inside a name, or inside a character, keeps its tail for the next), each decoded
    as it is given: a run holds one block in memory, not its names."""
    end = offset + length
    rest = b""
    while offset < end:
        block = _read_at(descriptor, min(NAMES_BLOCK, end - offset), offset)
        if not block:
            raise OSError(f"a temporary file of names is shorter than written ({offset} of {end} bytes)")
        offset += len(block)
        block = rest + block
        start = 0
        while (stop := block.find(b"\0", start)) >= 0:  # one name at a time: no list of the block's
            yield block[start:stop].decode("utf-8", "surrogatepass")
            start = stop + 1
        rest = block[start:]
