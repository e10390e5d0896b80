"""Walking the given paths: which files are read, which are reported, in a deterministic order.

A folder is walked depth first, entries sorted by name (so the order is that of the relative paths
compared component by component), with an explicit stack (a folder tree deeper than Python's
recursion limit is fine). Only regular files are read; everything else met on the way becomes a
Document with a reason, so nothing is silently left out:

- FIFOs, sockets and devices: skipped ("not a regular file (FIFO)"), never opened, so a FIFO can never
  block the run; a file that turns into one between the listing and the reading is caught by
  opening with O_NONBLOCK and checking the opened descriptor;
- symbolic links to files are followed; links to folders only with follow_links, and then a folder
  already on the way down (a loop) or already read (two links to one folder) is recognized by its
  (device, inode) and skipped with the path it leads to; dangling links and ELOOP links are reported;
- folders and files that cannot be listed or opened: errors with the system's reason;
- files larger than max_bytes: skipped from their size alone, before they are opened;
- a file that grows while it is read: read up to its size when it was opened (a snapshot);
- files with the same bytes (sha256), or the same file reached twice (hard link, link, the same path
  given twice): read once, the others skipped as "duplicate of PATH".

The walker only reads bytes: a file to decode and parse comes out as a RawFile (its printable path,
its bytes and their sha256), so the caller decides where the heavy work runs (load_paths reads it
at once; imatinib_cli.execute may send it to another process).

Paths in Documents and reasons are made printable: bytes of a file name that are not valid UTF-8 and
control characters (a newline in a file name) are written as backslash escapes, so each warning stays
one line and the JSON output stays valid UTF-8. A backslash in the name that could be read as the
start of such an escape is doubled, so two different names never print alike: the Latin-1 name
`caf<0xE9>.txt` prints `caf\\xe9.txt`, a file really named `caf\\xe9.txt` prints `caf\\\\xe9.txt`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from imatinib_cli.load._build import skipped
from imatinib_cli.models import STATUS_ERROR, Document
from imatinib_cli.paths import FileTooLarge, NotRegularFile, file_kind, read_regular
from imatinib_cli.safe_text import CONTROL_CHARACTERS, escape_controls
from imatinib_cli.spill import SpillMap, sorted_names

if TYPE_CHECKING:
    from imatinib_cli.cache import StatIndex

UNKNOWN_FORMAT = "unknown"
STDIN = "-"

# A backslash followed by what could make it read as an escape: another backslash, x, u, U, or a
# character printable() escapes (a control, an undecodable byte kept as a surrogate).
_AMBIGUOUS_BACKSLASH = re.compile(f"\\\\(?=[\\\\xuU{CONTROL_CHARACTERS}\ud800-\udfff])")

Key = tuple[int, int]


class RawFile(NamedTuple):
    """A file's bytes, read and checked by the walker, still to be decoded and parsed."""

    path: str  # printable, as it will appear in every Document and Evidence
    data: bytes
    sha256: str


class UnreadFile(NamedTuple):
    """A regular file the walk leaves unread (Walker(unread_below=...)): whoever does the work reads
    and hashes it with read_later, and finds its duplicates by content (the walk does not)."""

    path: str  # printable, as RawFile.path
    source: str  # the path to open
    size: int  # by stat (the read checks the limit again)
    limit: int  # the walk's max_bytes


# The sha256 of no bytes: an empty file is never a "duplicate" of another.
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def duplicate(shown: str, sha256: str, first: str) -> Document:
    """The Document of a file whose bytes were already read as `first`."""
    return skipped(shown, sha256, UNKNOWN_FORMAT, f"duplicate of {first}")


class KnownFile(NamedTuple):
    """A file whose sha256 the stat index gave (cache.StatIndex): not read by the walk. Whoever
    needs its bytes (a file the extraction cache does not hold) reads it with read_later."""

    path: str  # printable, as RawFile.path
    sha256: str  # as recorded with the file's stat
    source: str  # the path to open
    size: int  # by stat, at most the walk's max_bytes
    limit: int  # the walk's max_bytes


# A file is recorded in the stat index only when its mtime and ctime are older than the start of
# the walk by this much: a change within the file system's timestamp granularity (1 s on some, 2 s
# on FAT) of the moment it was hashed would leave its stat as recorded (git's "racy" entries).
RACY_NS = 2_000_000_000


def _now_ns() -> int:
    """The clock the racy rule reads (a test moves it)."""
    return time.time_ns()


def read_later(item: KnownFile | UnreadFile) -> RawFile | Document:
    """The bytes of a file the walk listed but did not read, and their sha256, read and checked as
    the walk reads a file (the walk's Document saying why not when it cannot be read now). A
    KnownFile is read by the process walking the paths when the extraction cache lacks it; an
    UnreadFile where the work runs, so the walking process neither reads nor hashes it."""
    data = _read_checked(item.path, item.source, item.limit)
    if isinstance(data, Document):
        return data
    return RawFile(item.path, data, hashlib.sha256(data).hexdigest())


# glibc's malloc gives a block of 128 KiB or more its own mapping, returned to the system when freed.
MMAP_THRESHOLD_BYTES = 128 * 1024
# A file this large has its bytes and text mapped (keep_large_buffers_mapped). Smaller ones are not
# worth it: ~130 KB buffers fit the heap's free space, and mapping them cost the generated corpus
# of 100,000 documents (85 such XML files, nothing larger) ~0.5 MiB of peak RSS.
LARGE_FILE_BYTES = 1 << 20
# mallopt(3) parameters (glibc's malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_large_buffers_mapped = False


def _read_checked(
    shown: str, path: str, max_bytes: int, status: os.stat_result | None = None
) -> bytes | Document:
    """read_regular's bytes, or the Document of its refusal (status: the walk's stat of the file,
    just taken: not taken again). The first file of LARGE_FILE_BYTES or more fixes glibc's
    malloc thresholds (keep_large_buffers_mapped)."""
    try:
        # paths.read_regular: refused from its stat when over max_bytes or no longer a regular
        # file (never opened), checked again on the opened descriptor (a FIFO swapped in since the
        # listing); a file that grows while it is read is read up to its size when opened.
        data = read_regular(path, max_bytes, status=status)
    except NotRegularFile as refused:
        return skipped(shown, "", UNKNOWN_FORMAT, f"not a regular file ({refused.kind})")
    except FileTooLarge as refused:
        return skipped(shown, "", UNKNOWN_FORMAT, _too_large(max_bytes, refused.size, exact=refused.exact))
    except OSError as exc:
        return skipped(shown, "", UNKNOWN_FORMAT, f"cannot read file: {_strerror(exc)}", STATUS_ERROR)
    if len(data) >= LARGE_FILE_BYTES and not _large_buffers_mapped:
        keep_large_buffers_mapped()
    return data


def keep_large_buffers_mapped() -> bool:
    """Fix glibc's mmap and trim thresholds at their defaults (128 KiB), once per process; False
    where malloc is not glibc's (nothing is changed there).

    By default glibc raises the mmap threshold to the size of any mapped block that is freed (up
    to 32 MiB; the trim threshold to twice that). A file's bytes and its decoded text are such
    blocks, and so is the 7.4 MB the vocabulary snapshot's parse frees: after it a 2.6 MB file of
    1,000 PubMed records had its bytes and text served from the heap, whose freed space stays
    resident and fragments (peak RSS +5.5 MiB over the first 20 such files; docs/performance-log.md,
    "The twelfth session: --jsonl memory"). Fixed, each large buffer is mapped and unmapped again.
    Called when the walk has read its first document of LARGE_FILE_BYTES or more, so a run of
    smaller files never imports ctypes and keeps glibc's behaviour.
    """
    global _large_buffers_mapped
    _large_buffers_mapped = True
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # a Python built without _ctypes raises ImportError: glibc's defaults stay

        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl's mallopt does nothing
        mallopt = libc.mallopt
    except (ImportError, OSError, AttributeError):
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) and mallopt(_M_TRIM_THRESHOLD, MMAP_THRESHOLD_BYTES)
    )


def _too_large(limit: int, size: int, *, exact: bool = True) -> str:
    stated = f"{_size(size)}" if exact else f"more than {_size(limit)}"
    return f"file too large ({stated}; the limit is {_size(limit)}, --max-bytes raises it)"


def printable(path: str) -> str:
    """A file name as one printable line of valid UTF-8: undecodable bytes and controls escaped (the
    Latin-1 name caf<0xE9>.txt gives caf\\xe9.txt), a backslash that could read as an escape doubled
    (a name typed as caf\\xe9.txt gives caf\\\\xe9.txt)."""
    if path.isascii() and path.isprintable() and "\\" not in path:
        return path  # the common name: nothing to escape (one pass in C, ~10x faster)
    path = _AMBIGUOUS_BACKSLASH.sub(r"\\\\", path)
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        path = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return escape_controls(path)  # the escaping every terminal printer shares (imatinib_cli.safe_text)


def missing(path: str) -> str:
    """Why a path given by the user cannot be found: no such file, a dangling link, a link loop."""
    if not os.path.lexists(path):
        return "no such file or directory"
    try:
        target = printable(os.readlink(path))
    except OSError:
        return "no such file or directory"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"symbolic link loop (to {target})"
    return f"dangling symbolic link (to {target}, which does not exist)"


def _key(info: os.stat_result) -> Key:
    return (info.st_dev, info.st_ino)


def _strerror(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _size(count: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= factor:
            return f"{count / factor:.1f} {unit}"
    return f"{count} bytes"


class Walker:
    """One run over the given paths; remembers folders, files and contents already seen.

    The files and contents seen (two entries per file read) are a SpillMap: past a thousand files
    they move to a temporary SQLite file, so a walk over 100,000 files holds no entry per file in
    memory. Folders stay in a dict (one entry per folder). close() removes the maps' files.
    """

    def __init__(
        self,
        *,
        follow_links: bool,
        max_bytes: int,
        index: StatIndex | None = None,
        unread_below: int = 0,
    ) -> None:
        self._follow_links = follow_links
        self._max_bytes = max_bytes
        # Without an index: a regular file smaller than this (by stat) is yielded unread
        # (UnreadFile), and no file's duplicates by content are looked for here: the caller claims
        # each file's sha256 in walk order (execute's dedupe) as the walk would have.
        self._unread_below = unread_below if index is None else 0
        # With an index: files whose stat is as recorded are not read (KnownFile); files read and
        # older than the racy window are recorded.
        self._index = index
        self._recordable_before = _now_ns() - RACY_NS
        self._absolute: dict[str, bytes] = {}  # a folder as given -> its absolute path, as bytes
        self._folders: dict[Key, str] = {}
        # "file:DEVICE:INODE" -> the path that file was first read as; "sha256:HEX" -> the path of the
        # first file with those bytes. One map: one SQLite connection once it is on disk.
        self._seen = SpillMap()

    def paths(self, paths: Sequence[str]) -> Iterator[Document | RawFile | KnownFile | UnreadFile]:
        """path() for each of paths in turn; closes the walker when done (or closed early)."""
        try:
            for path in paths:
                yield from self.path(path)
        finally:
            self.close()

    def close(self) -> None:
        self._seen.close()
        if self._index is not None:
            self._index.flush()

    # --- entry points ----------------------------------------------------------------------------

    def path(self, path: str) -> Iterator[Document | RawFile | KnownFile | UnreadFile]:
        """Files to read and Documents saying why not, for one path given by the user.

        A symbolic link given by name is followed. Bytes are read only as the iterator advances.
        """
        if path == STDIN:
            yield from self._stdin()
            return
        shown = printable(path)
        try:
            info = os.stat(path)
        except OSError as exc:
            yield self._problem(shown, exc, "cannot read")
            return
        if stat.S_ISDIR(info.st_mode):
            found = False
            for document in self._folder(path, info):
                found = True
                yield document
            if not found:
                yield skipped(shown, "", UNKNOWN_FORMAT, "empty folder (no files in it)")
        elif stat.S_ISREG(info.st_mode):
            yield from self._file(path, info)
        else:
            yield skipped(shown, "", UNKNOWN_FORMAT, self._special(file_kind(info.st_mode)))

    # --- folders ---------------------------------------------------------------------------------

    def _folder(
        self, root: str, info: os.stat_result
    ) -> Iterator[Document | RawFile | KnownFile | UnreadFile]:
        key = _key(info)
        if key in self._folders:
            yield skipped(printable(root), "", UNKNOWN_FORMAT, f"folder already read as {self._folders[key]}")
            return
        self._folders[key] = printable(root)
        stack: list[Iterator[Document | tuple[str, tuple[Key, ...]]]] = [self._children(root, (key,))]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, Document):
                yield item
            else:
                full, chain = item
                shown = printable(full)
                found = self._entry(full, chain, shown)
                if isinstance(found, Document):
                    yield found
                elif stat.S_ISDIR(found.st_mode):
                    key = _key(found)
                    self._folders[key] = shown
                    stack.append(self._children(full, (*chain, key)))
                else:
                    yield from self._file(full, found, shown)

    def _children(
        self, folder: str, chain: tuple[Key, ...]
    ) -> Iterator[Document | tuple[str, tuple[Key, ...]]]:
        try:
            with os.scandir(folder) as entries:
                # Sorted on disk when the folder is large: no list of 100,000 names in memory.
                names = sorted_names(entry.name for entry in entries)
                first = next(names, None)  # every name read, the listing closed
        except OSError as exc:
            yield skipped(
                printable(folder), "", UNKNOWN_FORMAT, f"cannot list folder: {_strerror(exc)}", STATUS_ERROR
            )
            return
        if first is None:
            return
        yield os.path.join(folder, first), chain
        for name in names:
            yield os.path.join(folder, name), chain

    def _entry(self, full: str, chain: tuple[Key, ...], shown: str) -> os.stat_result | Document:
        """The stat of a folder or regular file to go into, or a Document saying why not (shown:
        printable(full))."""
        try:
            info = os.lstat(full)
        except OSError as exc:
            return self._problem(shown, exc, "cannot read")
        if stat.S_ISLNK(info.st_mode):
            try:
                target = printable(os.readlink(full))
            except OSError:
                target = "?"
            try:
                info = os.stat(full)
            except FileNotFoundError:
                return skipped(
                    shown, "", UNKNOWN_FORMAT, f"dangling symbolic link (to {target}, which does not exist)"
                )
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return skipped(shown, "", UNKNOWN_FORMAT, f"symbolic link loop (to {target})")
                return self._problem(shown, exc, "cannot follow symbolic link")
            if stat.S_ISDIR(info.st_mode):
                if not self._follow_links:
                    return skipped(
                        shown,
                        "",
                        UNKNOWN_FORMAT,
                        f"symbolic link to a folder ({target}), not followed (use --follow-links)",
                    )
                key = _key(info)
                if key in chain:
                    return skipped(
                        shown, "", UNKNOWN_FORMAT, f"symbolic link loop: leads back to {self._folders[key]}"
                    )
                if key in self._folders:
                    return skipped(shown, "", UNKNOWN_FORMAT, f"folder already read as {self._folders[key]}")
                return info
        if stat.S_ISDIR(info.st_mode):
            key = _key(info)
            if key in self._folders:  # a bind mount or a loop made some other way
                return skipped(shown, "", UNKNOWN_FORMAT, f"folder already read as {self._folders[key]}")
            return info
        if stat.S_ISREG(info.st_mode):
            return info
        return skipped(shown, "", UNKNOWN_FORMAT, self._special(file_kind(info.st_mode)))

    # --- files -----------------------------------------------------------------------------------

    def _special(self, kind: str) -> str:
        return f"not a regular file ({kind})"

    def _too_large(self, size: int, *, exact: bool = True) -> str:
        return _too_large(self._max_bytes, size, exact=exact)

    def _file(
        self, path: str, info: os.stat_result, shown: str | None = None
    ) -> Iterator[Document | RawFile | KnownFile | UnreadFile]:
        if shown is None:
            shown = printable(path)
        first = self._seen.add(f"file:{info.st_dev}:{info.st_ino}", shown)
        if first is not None:  # a hard link, a link, or the same path given twice
            yield skipped(shown, "", UNKNOWN_FORMAT, f"duplicate of {first} (the same file)")
            return
        index = self._index
        where = self._where(path) if index is not None else (b"", b"")
        if index is not None and info.st_size <= self._max_bytes:
            sha256 = index.known(*where, info)
            if sha256 is not None:
                if info.st_size and (first := self._seen.setdefault("sha256:" + sha256, shown)) != shown:
                    yield duplicate(shown, sha256, first)
                    return
                yield KnownFile(shown, sha256, path, info.st_size, self._max_bytes)
                return
        if info.st_size < self._unread_below:
            yield UnreadFile(shown, path, info.st_size, self._max_bytes)
            return
        data = _read_checked(shown, path, self._max_bytes, info)
        if isinstance(data, Document):
            yield data
            return
        for item in self._bytes(shown, data):
            if (
                index is not None
                and item.sha256
                and len(data) == info.st_size
                and max(info.st_mtime_ns, info.st_ctime_ns) < self._recordable_before
            ):
                index.record(*where, info, item.sha256)
            yield item

    def _where(self, path: str) -> tuple[bytes, bytes]:
        """A file's absolute folder and name, as bytes (the stat index's key)."""
        folder, name = os.path.split(path)
        absolute = self._absolute.get(folder)
        if absolute is None:
            if len(self._absolute) >= 256:
                self._absolute.clear()
            absolute = self._absolute[folder] = os.fsencode(os.path.abspath(folder or os.curdir))
        return absolute, os.fsencode(name)

    def _stdin(self) -> Iterator[Document | RawFile]:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            yield skipped(STDIN, "", UNKNOWN_FORMAT, "standard input is not available", STATUS_ERROR)
            return
        try:
            data = stream.read(self._max_bytes + 1)
        except (OSError, ValueError) as exc:
            reason = _strerror(exc) if isinstance(exc, OSError) else str(exc)
            yield skipped(STDIN, "", UNKNOWN_FORMAT, f"cannot read standard input: {reason}", STATUS_ERROR)
            return
        yield from self._bytes(STDIN, data)

    def _bytes(self, shown: str, data: bytes) -> Iterator[Document | RawFile]:
        if len(data) > self._max_bytes:  # grew while it was read, or stdin
            yield skipped(shown, "", UNKNOWN_FORMAT, self._too_large(len(data), exact=False))
            return
        sha256 = hashlib.sha256(data).hexdigest()
        if data and not self._unread_below:
            first = self._seen.setdefault("sha256:" + sha256, shown)
            if first != shown:
                yield duplicate(shown, sha256, first)
                return
        yield RawFile(shown, data, sha256)

    def _problem(self, shown: str, exc: OSError, what: str) -> Document:
        return skipped(shown, "", UNKNOWN_FORMAT, f"{what}: {_strerror(exc)}", STATUS_ERROR)


# A list of paths (--files-from) larger than this is refused: 64 MiB is some 600,000 paths of 100
# characters, and a list is held whole (the walk then reads its paths one at a time).
MAX_PATH_LIST_BYTES = 64 << 20


def read_path_list(source: str, *, null: bool = False, max_bytes: int = MAX_PATH_LIST_BYTES) -> list[str]:
    """The paths listed in a file (or on stdin for '-'), one per line, or NUL-separated when null.

    As tar's -T and rsync's --files-from read them: a path per line, relative to the current folder;
    empty lines are left out and a line's CR before its LF is dropped (a list written on Windows);
    nothing else is trimmed, so a name may hold spaces. With null (find -print0, xargs -0) only NUL
    separates, so a name may hold a newline. Bytes that are not UTF-8 are kept as the system gives
    them (os.fsdecode). The list file is opened as it is (a FIFO such as `<(find ...)` works).
    Raises UsageError for a list that cannot be read, is over max_bytes, or lists no path:
    read_path_list("papers.txt") -> ["papers/a.txt", "papers/b.xml"].
    """
    from imatinib_cli.errors import UsageError

    shown = "standard input" if source == STDIN else printable(source)
    try:
        if source == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                raise UsageError("the list of paths: standard input is not available")
            data = stream.read(max_bytes + 1)
        else:
            with open(source, "rb") as file:
                data = file.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read the list of paths: {_strerror(exc)}") from None
    if len(data) > max_bytes:
        raise UsageError(f"{shown}: the list of paths is over {_size(max_bytes)}; split it")
    if null:
        entries = data.split(b"\0")
    else:
        entries = [line[:-1] if line.endswith(b"\r") else line for line in data.split(b"\n")]
    paths = [os.fsdecode(entry) for entry in entries if entry]
    if not paths:
        separated = "NUL-separated " if null else ""
        raise UsageError(f"{shown}: the list of paths is empty (expected {separated}paths, one per entry)")
    return paths
