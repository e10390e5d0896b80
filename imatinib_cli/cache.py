"""A content-addressed cache of per-document extraction results in one SQLite file.

A rerun over a large folder should only extract what changed. Entries are keyed by the file's
sha256 and a *context*: the cache format, the imx version, a fingerprint of every vocabulary file
the run reads (`vocab.fingerprint()`) and one of imx's own source files (so a development checkout,
whose version does not change with every edit, never reads results of older code). An entry of
another context is never returned; `imx cache clear --stale` removes such entries.

Values are records of the data model (a `FileResult` with its Documents and Findings), stored as
JSON through `imatinib_cli.codec`, after a head (`encode_entry`, `Entry`): the head's length on one
line, then the head (JSON: the file's path, and per document the codec JSON of the Document
without its text, its link keys and the byte length of its study text); the FileResult's codec
JSON (the body) is in a column of its own, and the `summarize --json` text of each document's
study as if the study had no other document is a row of its own in the `studies` table (raw UTF-8,
with the path it was made for). A rerun that writes JSON reads the heads alone (`get_entries`), a
study text when it writes that study (`get_studies`: the spill store keeps where it is, not a
copy), and reads and decodes the body (`get_body`) only for a study of several documents or an
entry found under another path. Codec JSON: a tag per record from an allow-list of the project's own
classes and their field values, rebuilt by those classes alone. Reading an entry can build wrong
records at worst, never run code (docs/security.md). Not compressed: zlib halves the file but
costs more time than it saves (docs/performance-log.md "Cache").

Before the database is opened, its folder and every file of it that exists (the database, its
`-wal`, `-shm` and `-journal`) are checked without following symbolic links to belong to this
user and be unwritable by group and others (`paths.check_private_dir`, `paths.check_private`);
a folder others can write could hold anything planted there, so then the cache is not used for
the run (one warning). The folder is created with mode 0o700 and the database with 0o600.

The cache never breaks a run. An unwritable directory, a damaged or locked database or an entry
that no longer decodes makes the cache step aside (the entry is a miss, or the cache is not used
for the rest of the run) and leaves one message in `ExtractionCache.warnings` for the caller to show;
nothing here prints or raises for those. Only `clear()` raises (`CacheError`), because clearing is
what the user asked for.

Safe under concurrent runs: WAL journal (readers never wait for a writer), a busy timeout for two
writers, one transaction per stored batch, `INSERT OR REPLACE`. `sqlite3` is imported when a cache
is opened, never at import time of this module.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imatinib_cli.errors import ImxError
from imatinib_cli.models import record
from imatinib_cli.paths import check_private, check_private_dir

if TYPE_CHECKING:
    import sqlite3
    from types import TracebackType

# Bump when the encoding of values changes: every older entry becomes stale (and is never decoded:
# entries are looked up by a context key that includes this number). 1: pickle; 2: codec JSON;
# 3: a head (each document without its text, its link keys and its study's `--json` text) before
# the codec JSON, so a rerun writing JSON decodes neither the Findings nor the text (Entry);
# 4: the head's Documents embedded as JSON (not as strings) and the study texts after the head as
# raw UTF-8 (sliced out, never unescaped); 5: the FileResult's codec JSON in a column of its own
# (`body`), so a rerun writing JSON reads the head and the texts only, and the first line gives
# both lengths (where the body starts, without parsing the head); 6: each study text a row of the
# `studies` table (the first line the head's length alone), so a rerun's first pass reads the heads
# alone and the text is read once, when its study is written (not copied to the spill store's file
# and read back). A file of an older format gets the table when it is opened; its entries are stale.
CACHE_FORMAT = 6
# The database file; its name changes only if the table layout does.
DB_NAME = "extraction-v1.sqlite3"
# Placeholders per `IN (...)` query: below SQLite's variable limit (999 before SQLite 3.32).
_CHUNK = 500
_TIMEOUT = 10.0  # seconds a writer waits for another run's transaction
# The database and the files SQLite keeps beside it.
_FILES = ("", "-wal", "-shm", "-journal")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS contexts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    cache_format INTEGER NOT NULL,
    imx_version TEXT NOT NULL,
    vocabulary TEXT NOT NULL,
    code TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    context INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    stored INTEGER NOT NULL,
    value BLOB NOT NULL,
    body BLOB,
    PRIMARY KEY (context, sha256)
);
CREATE TABLE IF NOT EXISTS studies (
    context INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    item INTEGER NOT NULL,
    path TEXT NOT NULL,
    text BLOB NOT NULL,
    PRIMARY KEY (context, sha256, item)
);
CREATE TABLE IF NOT EXISTS stats (
    folder BLOB NOT NULL,
    name BLOB NOT NULL,
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (folder, name)
) WITHOUT ROWID;
"""


class CacheError(ImxError):
    """The cache could not do what the user asked of it (`imx cache clear`)."""


@record
class CacheInfo:
    """What `imx cache info` reports."""

    path: Path
    exists: bool
    entries: int
    current_entries: int  # usable by this version, vocabulary and code
    stale_entries: int  # written by another version, vocabulary, code or cache format
    bytes_on_disk: int  # the database file and its WAL, shared-memory (and journal) files
    key: str  # the context key of this run
    imx_version: str
    vocabulary: str  # vocab.fingerprint()
    cache_format: int
    file_stats: int = 0  # files whose sha256 a rerun may take from their stat (StatIndex)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "exists": self.exists,
            "entries": self.entries,
            "current_entries": self.current_entries,
            "stale_entries": self.stale_entries,
            "bytes_on_disk": self.bytes_on_disk,
            "key": self.key,
            "imx_version": self.imx_version,
            "vocabulary": self.vocabulary,
            "cache_format": self.cache_format,
            "file_stats": self.file_stats,
        }


def default_dir() -> Path:
    """$IMX_CACHE_DIR, else the user's cache directory (see imatinib_cli.paths)."""
    from imatinib_cli.paths import user_cache_dir

    return user_cache_dir()


def default_path() -> Path:
    return default_dir() / DB_NAME


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file's bytes: the cache key of its extraction."""
    import hashlib

    with open(path, "rb") as file:
        if hasattr(hashlib, "file_digest"):  # Python 3.11+
            return hashlib.file_digest(file, "sha256").hexdigest()
        digest = hashlib.sha256()
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()


def code_fingerprint() -> str:
    """A sha256 over imx's own source files (every `*.py` under the package, as `Path.rglob` finds
    them, in sorted order, each with its relative path and length), read once per process (~1 ms:
    os.scandir and plain reads, half of what pathlib's walk and reads cost)."""
    global _code_fingerprint
    if _code_fingerprint is None:
        import hashlib

        digest = hashlib.sha256()
        package = os.path.dirname(os.path.realpath(__file__))
        try:
            for parts, path in sorted(_sources(package, ())):
                with open(path, "rb", buffering=0) as file:
                    data = file.readall()
                digest.update(f"{'/'.join(parts)}/{len(data)}\n".encode())
                digest.update(data)
        except OSError:  # a zip or a bytecode-only install: the version alone keys the code
            digest.update(b"unreadable")
        _code_fingerprint = digest.hexdigest()
    return _code_fingerprint


def _sources(folder: str, parts: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(relative parts, path) of each `*.py` under folder: what `Path(folder).rglob("*.py")` gives
    (symbolic links to folders not followed), with the parts to sort by as it sorts its paths."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".py") and not entry.is_dir():
                yield (*parts, entry.name), entry.path
            elif entry.is_dir() and not entry.is_symlink():
                yield from _sources(entry.path, (*parts, entry.name))


_code_fingerprint: str | None = None


def _context_key(fmt: int, version: str, vocabulary: str, code: str) -> str:
    import hashlib

    return hashlib.sha256(f"{fmt}\n{version}\n{vocabulary}\n{code}".encode()).hexdigest()


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ExtractionCache:
    """Per-document results by file sha256, for this imx version, vocabulary and code.

    path: the database file, or a folder to keep it in (None: `default_path()`). Open it in the
    process that uses it: a forked child does not reuse its parent's connection. Thread-safe.
    Problems are never raised by get_many/put_many/info: read `warnings` (each message once).
    """

    def __init__(self, path: Path | None = None, *, timeout: float = _TIMEOUT) -> None:
        import imatinib_cli
        from imatinib_cli import vocab

        self.warnings: list[str] = []
        self._timeout = timeout
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._disabled = False  # nothing is read or written any more
        self.stopped = ""  # why it was disabled during this run (the warning given), if it was
        self._read_only = False  # entries are read, no longer written
        self._unreadable = 0
        self.imx_version = str(imatinib_cli.__version__)
        try:
            resolved = default_path() if path is None else Path(path)
            if resolved.is_dir():
                resolved = resolved / DB_NAME
        except (OSError, RuntimeError) as exc:  # RuntimeError: no home directory
            resolved = Path(DB_NAME)
            self._disable(f"extraction cache not used: no cache directory: {exc}")
        self.path = resolved
        try:
            self.vocabulary = vocab.fingerprint()
        except OSError as exc:
            self.vocabulary = ""
            self._disable(f"extraction cache not used: cannot read a vocabulary file: {exc}")
        self.code = code_fingerprint()
        self.key = _context_key(CACHE_FORMAT, self.imx_version, self.vocabulary, self.code)

    # ----------------------------------------------------------------------- the protocol

    def get_many(self, sha256s: Sequence[str], *, eager: bool = True) -> dict[str, object]:
        """The cached values among sha256s (hits only). A value that fails to decode is a miss.

        eager=False: each value is an Entry whose head is read and whose FileResult is not read
        (its `body` column stays on disk; get_body reads it when a study of
        several documents needs it)."""
        import sqlite3

        wanted = list(dict.fromkeys(sha256s))
        if not wanted:
            return {}
        columns = "sha256, value, body" if eager else "sha256, value, NULL"
        with self._lock:
            db = self._connection(create=False)
            if db is None:
                return {}
            rows: list[tuple[str, bytes, bytes | None]] = []
            try:
                context = self._context_read(db)
                if context is None:
                    return {}
                for chunk in _chunks(wanted, _CHUNK):
                    marks = ",".join("?" * len(chunk))
                    rows += db.execute(
                        f"SELECT {columns} FROM entries WHERE context = ? AND sha256 IN ({marks})",
                        (context, *chunk),
                    ).fetchall()
            except sqlite3.Error as exc:
                self._fail(exc, reading=True)
                return {}
        hits: dict[str, object] = {}
        first_error = ""
        for sha256, blob, body in rows:
            try:
                hits[sha256] = _loads(blob, body) if eager else Entry.parse(blob)
            except Exception as exc:  # noqa: BLE001 - types changed, a damaged blob: a miss
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                self._unreadable += 1
        if first_error:
            self._note_unreadable(first_error)
        return hits

    def get_body(self, key: str) -> bytes | None:
        """The FileResult's codec JSON of the entry under key (what get_entries leaves on disk),
        or None when there is none now (removed since, or the cache stepped aside)."""
        import sqlite3

        with self._lock:
            db = self._connection(create=False)
            if db is None:
                return None
            try:
                context = self._context_read(db)
                if context is None:
                    return None
                row = db.execute(
                    "SELECT body FROM entries WHERE context = ? AND sha256 = ?", (context, key)
                ).fetchone()
            except sqlite3.Error as exc:
                self._fail(exc, reading=True)
                return None
        return None if row is None or type(row[0]) is not bytes else row[0]

    def get_studies(self, refs: Sequence[tuple[str, str, int]]) -> list[bytes | None]:
        """The study texts of (key, path, item) refs (document `item` of the entry under key,
        stored for `path`: what a cached item's StoredFindings say), in their order, each None
        when there is none now: removed since, stored again for another path (by another run: the
        text names its document's path), or the cache stepped aside. One query for the lot (a row
        of VALUES each, joined to the table's key, _CHUNK // 2 refs at most: two parameters each):
        a query a text cost ~12,000 instructions more."""
        import sqlite3

        if not refs:
            return []
        with self._lock:
            db = self._connection(create=False)
            if db is None:
                return [None] * len(refs)
            try:
                context = self._context_read(db)
                if context is None:
                    return [None] * len(refs)
                rows = []
                for chunk in _chunks(refs, _CHUNK // 2):  # type: ignore[arg-type]
                    wanted: list[object] = []
                    for key, _, item in chunk:
                        wanted += (key, item)
                    wanted.append(context)
                    marks = ",".join(["(?, ?)"] * len(chunk))
                    rows += db.execute(
                        f"WITH wanted (sha256, item) AS (VALUES {marks}) SELECT studies.sha256, studies.item,"
                        " studies.path, studies.text FROM wanted JOIN studies ON studies.context = ?"
                        " AND studies.sha256 = wanted.sha256 AND studies.item = wanted.item",
                        wanted,
                    ).fetchall()
            except sqlite3.Error as exc:
                self._fail(exc, reading=True)
                return [None] * len(refs)
        found = {(key, item): (path, text) for key, item, path, text in rows}
        texts: list[bytes | None] = []
        for key, path, item in refs:
            row = found.get((key, item))
            texts.append(row[1] if row is not None and row[0] == path and type(row[1]) is bytes else None)
        return texts

    def _context_read(self, db: sqlite3.Connection) -> int | None:
        """This run's context id, None while it has none. Read at each lookup, never kept: another
        run's `imx cache clear` may remove it, and SQLite may give its id to another context."""
        found = db.execute("SELECT id FROM contexts WHERE key = ?", (self.key,)).fetchone()
        return None if found is None else int(found[0])

    def stat_index(self) -> StatIndex | None:
        """The index of file stats to sha256s kept in this cache's database, for the walk
        (load.walk_paths(index=...)); None when the cache is not used or $IMX_REHASH is set."""
        if self._disabled or os.environ.get(REHASH_VARIABLE, "") not in ("", "0"):
            return None
        return StatIndex(self)

    def get_entries(self, sha256s: Sequence[str]) -> dict[str, object]:
        """get_many(sha256s, eager=False): Entry values, heads read, FileResults not decoded."""
        return self.get_many(sha256s, eager=False)

    def read_stats(self, query: str, parameters: tuple[bytes, ...]) -> list[Any]:
        """The rows a query of the stats table gives (StatIndex); [] when there is no database or
        it cannot be read (then the cache steps aside, as for entries)."""
        import sqlite3

        with self._lock:
            db = self._connection(create=False)
            if db is None:
                return []
            try:
                return db.execute(query, parameters).fetchall()
            except sqlite3.Error as exc:
                self._fail(exc, reading=True)
                return []

    def store_stats(self, rows: list[tuple[bytes, bytes, int, int, int, int, int, str]]) -> None:
        """Stat rows (folder, name, device, inode, size, mtime_ns, ctime_ns, sha256) written in one
        transaction (StatIndex.flush); nothing when the cache is not used or is read-only."""
        if not (self._disabled or self._read_only):
            self._write(
                lambda db: db.executemany(
                    "INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
                )
            )

    def _write(self, write: Callable[[sqlite3.Connection], object]) -> None:
        """write(db) in one transaction, the database created if need be; an error makes the cache
        step aside (one warning), as every write does."""
        import sqlite3

        with self._lock:
            db = self._connection(create=True)
            if db is None:
                return
            try:
                with self._transaction(db):
                    write(db)
            except sqlite3.Error as exc:
                self._fail(exc, reading=False)

    def put_many(self, items: Iterable[tuple[str, object]]) -> None:
        """Store values (codec JSON) in one transaction; a value the codec refuses is skipped."""

        if self._disabled or self._read_only:
            return
        now = int(time.time())
        rows: list[tuple[str, int, bytes, bytes]] = []
        studies: list[tuple[str, int, str, bytes]] = []  # (sha256, item, path, text)
        unstorable = 0
        for sha256, value in items:
            try:
                if isinstance(value, Encoded):
                    if value.value is None:
                        raise EncodeRefused(value.error or "refused")
                    columns = value.value, value.body
                    studies.extend((sha256, *study) for study in value.studies)
                else:
                    columns = encode_entry(value, None)[:2]
            except Exception as exc:  # noqa: BLE001 - a value the codec cannot store is simply not cached
                if not unstorable:
                    detail = str(exc) if isinstance(exc, EncodeRefused) else f"{type(exc).__name__}: {exc}"
                    self._warn(f"extraction cache: a result could not be stored ({detail})")
                unstorable += 1
                continue
            rows.append((sha256, now, *columns))
        if not rows:
            return

        def insert(db: sqlite3.Connection) -> None:
            context = self._context_id(db)
            db.executemany(
                "INSERT OR REPLACE INTO entries (context, sha256, stored, value, body)"
                " VALUES (?, ?, ?, ?, ?)",
                [(context, *row) for row in rows],
            )
            # An entry stored again (another run, another path) replaces its study texts whole.
            db.executemany(
                "DELETE FROM studies WHERE context = ? AND sha256 = ?", [(context, row[0]) for row in rows]
            )
            db.executemany(
                "INSERT INTO studies (context, sha256, item, path, text) VALUES (?, ?, ?, ?, ?)",
                [(context, *study) for study in studies],
            )

        self._write(insert)

    def info(self) -> CacheInfo:
        """Where the cache is and how many of its entries this run can use."""
        import sqlite3

        entries = current = stats = 0
        with self._lock:
            exists = self.path.is_file()
            db = self._connection(create=False) if exists else None
            if db is not None:
                try:
                    entries = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
                    current = db.execute(
                        "SELECT COUNT(*) FROM entries JOIN contexts ON contexts.id = entries.context "
                        "WHERE contexts.key = ?",
                        (self.key,),
                    ).fetchone()[0]
                    stats = db.execute("SELECT COUNT(*) FROM stats").fetchone()[0]
                except sqlite3.Error as exc:
                    self._fail(exc, reading=True)
        return CacheInfo(
            path=self.path,
            exists=exists,
            entries=entries,
            current_entries=current,
            stale_entries=entries - current,
            bytes_on_disk=self._bytes_on_disk(),
            key=self.key,
            imx_version=self.imx_version,
            vocabulary=self.vocabulary,
            cache_format=CACHE_FORMAT,
            file_stats=stats,
        )

    def clear(self, *, stale: bool = False) -> int:
        """Remove every entry (stale=True: only those of other versions, vocabularies or code).

        Returns how many were removed. A damaged file is deleted (0 removed, with a warning).
        Raises CacheError when the cache cannot be cleared (locked, unwritable).
        """
        import sqlite3

        with self._lock:
            if not self.path.exists():
                return 0
            self._disabled = self._read_only = False  # the user asks explicitly: try again
            try:
                db = self._open()
                with self._transaction(db):
                    if stale:
                        where = "WHERE context NOT IN (SELECT id FROM contexts WHERE key = ?)"
                        removed = db.execute(f"DELETE FROM entries {where}", (self.key,)).rowcount
                        db.execute(f"DELETE FROM studies {where}", (self.key,))
                        db.execute("DELETE FROM contexts WHERE key != ?", (self.key,))
                        # A file whose bytes have no entry left is read again anyway: its row goes. A
                        # large file's entries are its parts' ("SHA256:part:K:N"): their first 64
                        # characters are its sha256.
                        db.execute(
                            "DELETE FROM stats WHERE sha256 NOT IN"
                            " (SELECT substr(sha256, 1, 64) FROM entries)"
                        )
                    else:
                        removed = db.execute("DELETE FROM entries").rowcount
                        db.execute("DELETE FROM studies")
                        db.execute("DELETE FROM contexts")
                        db.execute("DELETE FROM stats")
            except sqlite3.OperationalError as exc:  # locked, read-only, disk full, ...
                raise CacheError(f"cannot clear the extraction cache {self.path}: {exc}") from None
            except sqlite3.DatabaseError as exc:  # not a database, malformed: start anew
                self._close_connection()
                self._remove_files()
                self._warn(f"extraction cache {self.path} was damaged ({exc}); removed")
                return 0
            except OSError as exc:  # an unsafe folder or file (paths.check_private), a read-only disk
                detail = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
                raise CacheError(f"cannot clear the extraction cache {self.path}: {detail}") from None
            try:  # give the space back; another run reading the cache may delay this: not an error
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            return removed

    def close(self) -> None:
        with self._lock:
            self._close_connection()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------------- the database

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The open connection, opening it on first use; None when the cache is not used."""
        import sqlite3

        if self._disabled:
            return None
        if self._pid != os.getpid():  # a forked child: never touch the parent's connection
            self._db, self._pid = None, os.getpid()
        if self._db is not None:
            return self._db
        if not create and not self.path.is_file():
            return None
        try:
            return self._open()
        except sqlite3.Error as exc:
            self._fail(exc, reading=True)
        except OSError as exc:
            where = exc.filename if exc.filename and exc.strerror else self.path
            self._disable(f"extraction cache not used: {where}: {exc.strerror or exc}")
        return None

    def _open(self) -> sqlite3.Connection:
        """Connect, creating the folder (0o700) and the file (0o600) when missing; raise on failure."""
        import sqlite3

        if self._db is not None:
            return self._db
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        check_private_dir(self.path.parent)  # first: no one else can then add or swap a file there
        with contextlib.suppress(FileExistsError):  # O_EXCL: an existing name, even a link, is left alone
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600))
        for suffix in _FILES:  # what SQLite opens by name (a hot -journal is even replayed)
            check_private(f"{self.path}{suffix}", missing_ok=bool(suffix))
        db = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        try:
            _switch_to_wal(db, deadline=time.monotonic() + self._timeout)
            db.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent; a cache may lose its last batch
            present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"entries", "stats", "studies"} <= present:  # a new file, or an older format's
                with self._transaction(db):
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
            if not _has_body(db):  # a file of cache format 4 or older: its entries are all stale
                with self._transaction(db):
                    if not _has_body(db):  # another run may have added it meanwhile
                        db.execute("ALTER TABLE entries ADD COLUMN body BLOB")
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _context_id(self, db: sqlite3.Connection) -> int:
        db.execute(
            "INSERT OR IGNORE INTO contexts (key, cache_format, imx_version, vocabulary, code, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self.key, CACHE_FORMAT, self.imx_version, self.vocabulary, self.code, int(time.time())),
        )
        return int(db.execute("SELECT id FROM contexts WHERE key = ?", (self.key,)).fetchone()[0])

    @staticmethod
    def _begin(db: sqlite3.Connection) -> None:
        # IMMEDIATE takes the write lock up front, so two writers wait (busy timeout) instead of
        # deadlocking on a read lock each.
        db.execute("BEGIN IMMEDIATE")

    @classmethod
    @contextlib.contextmanager
    def _transaction(cls, db: sqlite3.Connection) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        cls._begin(db)
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            cls._rollback(db)
            raise

    @staticmethod
    def _rollback(db: sqlite3.Connection) -> None:
        import sqlite3

        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _close_connection(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _bytes_on_disk(self) -> int:
        total = 0
        for suffix in _FILES:
            with contextlib.suppress(OSError):
                total += os.lstat(f"{self.path}{suffix}").st_size
        return total

    def _remove_files(self) -> None:
        for suffix in _FILES:
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise CacheError(f"cannot remove the damaged extraction cache {self.path}: {exc}") from None

    # ----------------------------------------------------------------------- problems as data

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _disable(self, message: str) -> None:
        self._disabled = True
        self.stopped = message
        self._close_connection()
        self._warn(message)

    def _fail(self, exc: Exception, *, reading: bool) -> None:
        """A database error: a failed write stops writing; anything else stops using the cache."""
        import sqlite3

        detail = str(exc) or type(exc).__name__
        if isinstance(exc, sqlite3.OperationalError) and not reading:
            self._read_only = True
            self._warn(f"extraction cache {self.path}: results not stored: {detail}")
            return
        hint = ""
        if type(exc) is sqlite3.DatabaseError:  # not a database, malformed
            hint = " (`imx cache clear` starts a new one)"
        self._disable(f"extraction cache not used: {self.path}: {detail}{hint}")

    def _note_unreadable(self, first_error: str) -> None:
        prefix = "extraction cache: "
        self.warnings[:] = [w for w in self.warnings if not w.startswith(prefix + "entries that")]
        self._warn(
            f"{prefix}entries that could not be read back were recomputed ({self._unreadable}; "
            f"first: {first_error})"
        )


# Set (to anything but 0) to read and hash every file, trusting no stored stat (StatIndex).
REHASH_VARIABLE = "IMX_REHASH"
# A folder with more rows than this is looked up a file at a time instead of read whole.
_FOLDER_ROWS = 65536
_STAT_BATCH = 4096  # rows recorded per transaction


class StatIndex:
    """What a rerun may know of a file without reading it, as git's index does: per path (its
    absolute folder and name) the (device, inode, size, mtime_ns, ctime_ns) it had when its bytes
    were hashed, and that sha256. The walk trusts the stored sha256 when all five match the file's
    stat now, and reads the file when one differs.

    A stat match trusts that the file's content cannot change without its mtime or ctime changing;
    ctime cannot be set back by anyone but the system clock (os.utime sets it to now), so a file
    changed and its mtime restored (tar, rsync -t, touch -d) is read again. The racy case (a change
    within the timestamps' granularity of the moment the file was hashed, which leaves the stat
    as it was) is avoided by recording only files whose mtime and ctime are older than the start
    of the walk by RACY_NS: a newer file is read again on every run until it is that old. So the
    index trusts the system clock and the file system's clock to agree within RACY_NS (2 s, FAT's
    granularity; a network file system with a clock behind by more can fool it: $IMX_REHASH=1 or
    --no-cache then). A folder's rows are read with one query when the walk first meets it.
    Problems with the database make it step aside like the cache (every file is read).
    """

    def __init__(self, cache: ExtractionCache) -> None:
        self._cache = cache
        self._folders: dict[bytes, dict[bytes, tuple[int, int, int, int, int, str]] | None] = {}
        self._pending: list[tuple[bytes, bytes, int, int, int, int, int, str]] = []

    def known(self, folder: bytes, name: bytes, info: os.stat_result) -> str | None:
        """The stored sha256 of the file `name` in `folder` (absolute, as bytes) when its stat
        `info` is the one recorded with it, else None."""
        rows = self._folders.get(folder, False)
        if rows is False:
            rows = self._read_folder(folder)
        row = rows.get(name) if rows is not None else self._read_one(folder, name)
        if row is None or row[:5] != (
            info.st_dev,
            info.st_ino,
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
        ):
            return None
        return row[5]

    def record(self, folder: bytes, name: bytes, info: os.stat_result, sha256: str) -> None:
        """Remember that the file with this stat has these bytes (the caller has checked that its
        mtime and ctime are old enough)."""
        self._pending.append(
            (folder, name, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, sha256)
        )
        if len(self._pending) >= _STAT_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the recorded rows (one transaction)."""
        rows, self._pending = self._pending, []
        if rows:
            self._cache.store_stats(rows)

    def _read_folder(self, folder: bytes) -> dict[bytes, tuple[int, int, int, int, int, str]] | None:
        """A folder's rows by name (None: more than _FOLDER_ROWS, looked up one at a time); the
        last few folders are kept (a walk comes back to a folder after each subfolder)."""
        rows = {row[0]: row[1:] for row in self._query(folder, None)}
        if len(self._folders) >= 64:
            del self._folders[next(iter(self._folders))]
        self._folders[folder] = found = None if len(rows) > _FOLDER_ROWS else rows
        return found

    def _read_one(self, folder: bytes, name: bytes) -> tuple[int, int, int, int, int, str] | None:
        for row in self._query(folder, name):
            return row[1:]  # type: ignore[no-any-return]
        return None

    def _query(self, folder: bytes, name: bytes | None) -> list[Any]:
        columns = "name, device, inode, size, mtime_ns, ctime_ns, sha256"
        if name is None:
            query = f"SELECT {columns} FROM stats WHERE folder = ? LIMIT {_FOLDER_ROWS + 1}"
            return self._cache.read_stats(query, (folder,))
        return self._cache.read_stats(
            f"SELECT {columns} FROM stats WHERE folder = ? AND name = ?", (folder, name)
        )


class EncodeRefused(Exception):
    """Where an entry was encoded, the codec refused a value (the message says why)."""


@record
class Encoded:
    """An entry already encoded (encode_entry), e.g. by the worker that extracted the file:
    put_many stores its columns and its study texts as they are."""

    value: bytes | None  # the head; None: the codec refused a value
    body: bytes = b""  # the FileResult's codec JSON
    error: str | None = None  # why there is no value
    studies: tuple[tuple[int, str, bytes], ...] = ()  # (item, path, text): the `studies` rows


# What a head says of one document: the codec JSON of the Document without its text, whether it
# has Findings (it is ok), its link keys (None: it makes no study) and its study's `--json` text
# as UTF-8 (None: not made).
HeadItem = tuple[bytes, bool, "list[str] | None", "bytes | None"]


def encode_entry(
    result: object, head: Sequence[HeadItem | None] | None
) -> tuple[bytes, bytes, tuple[tuple[int, str, bytes], ...]]:
    """The stored form of a FileResult: its two columns and its `studies` rows. `value` is `HEAD\n`
    (the head's byte length) then the head's JSON: what a rerun writing JSON reads first. `body` is
    the FileResult's codec JSON, read only when needed. Each study text is a row (item, path, text)
    of its own, read when its study is written.

    The head's JSON is {"path", "items"}: per document [its codec JSON embedded as JSON, not as a
    string; whether it has Findings; its link keys; the byte length of its study text or None]; the
    texts are kept out of the JSON so they are written as they are (no escaping either way).
    head[i] belongs to result.documents[i]. Raises what codec.encode raises for a value outside
    the data model. E.g. (b'812\n{"path": ...}', b'{"strings": ...}', ((0, "a.txt", b'{\n  ...'),)).
    """
    import orjson

    body = _dumps(result)
    if head is None:
        return b"4\nnull", body, ()
    path: str = result.path  # type: ignore[attr-defined]
    items: list[object] = []
    studies: list[tuple[int, str, bytes]] = []
    for index, (document, ok, keys, text) in enumerate(head):  # type: ignore[misc]
        items.append([orjson.Fragment(document), ok, keys, None if text is None else len(text)])
        if text is not None:
            studies.append((index, path, text))
    top = orjson.dumps({"path": path, "items": items})
    return b"%d\n" % len(top) + top, body, tuple(studies)


def _lengths(blob: bytes) -> tuple[int, int]:
    """Where an entry's head starts, and its byte length (its first line)."""
    end = blob.index(b"\n", 0, 24)
    size = int(blob[:end])
    if size < 0:
        raise ValueError("a negative length")
    return end + 1, size


@record
class Entry:
    """A stored entry read lazily: the head parsed (None when the entry has none; per document
    [the Document's codec JSON as parsed JSON, ok, link keys, the byte length of its study text
    (a row of `studies`: ExtractionCache.get_studies) or None]). The FileResult's codec JSON stays
    in the `body` column until a study of several documents needs it (ExtractionCache.get_body)."""

    path: str | None
    head: list[list[Any]] | None

    @classmethod
    def parse(cls, blob: bytes) -> Entry:
        """Read a stored `value` column (encode_entry's first column); raises codec.DecodeError (a
        ValueError) when it is not encode_entry's form, bytes after the head included (the body
        is a column of its own since format 5)."""
        import orjson

        from imatinib_cli.codec import DecodeError

        try:
            at, size = _lengths(blob)
            end = at + size
            top = orjson.loads(blob[at:end])
        except ValueError as exc:  # orjson.JSONDecodeError is one
            raise DecodeError(f"not JSON: {exc}") from None
        if end != len(blob):
            raise DecodeError("bytes after the entry's head")
        if top is None:
            return cls(None, None)
        if type(top) is not dict or type(top.get("path")) is not str or type(top.get("items")) is not list:
            raise DecodeError("not an entry head")
        items = top["items"]
        for item in items:
            if type(item) is not list or len(item) != 4:
                raise DecodeError("not an entry head")
            length = item[3]
            if length is not None and (type(length) is not int or length < 0):
                raise DecodeError("a study text's length that is not one")
        return cls(top["path"], items)


def _dumps(value: object) -> bytes:
    """A record of the data model as JSON (imatinib_cli/codec.py); raises for anything else."""
    from imatinib_cli import codec

    return codec.encode(value)


def _loads(value: bytes, body: bytes | None) -> object:
    """The FileResult encode_entry wrote, from its two columns; raises codec.DecodeError for
    anything else. Builds only the data model's classes: nothing in the blob can name code to run."""
    from imatinib_cli import codec

    Entry.parse(value)  # the value must be well formed too
    if type(body) is not bytes:
        raise codec.DecodeError("no body")
    return codec.decode(body)


def _has_body(db: sqlite3.Connection) -> bool:
    """Whether the entries table has its `body` column (cache format 5 and later)."""
    return any(row[1] == "body" for row in db.execute("PRAGMA table_info(entries)"))


def _switch_to_wal(db: sqlite3.Connection, *, deadline: float) -> None:
    """PRAGMA journal_mode = WAL, retried while another process holds the lock it needs.

    Two processes opening a new cache file at once race for it, and SQLite answers "database is
    locked" at once rather than waiting out the busy timeout; the pragma is retried until the
    deadline, then the error stands.
    """
    import sqlite3

    pause = 0.01
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
