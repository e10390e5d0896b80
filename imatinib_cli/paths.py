"""Where imx keeps files between runs (the extraction cache, the compiled vocabularies), and the
one way imx reads a file it did not write itself.

One rule for every cache so a user can find, size and delete them in one place: $IMX_CACHE_DIR
if set, else the platform's per-user cache folder plus "imx". And one rule for trusting what is
found there: the folder and each file read from it must be this user's, not writable by group or
others, and are never followed as symbolic links (docs/security.md).

Documents, --vocab files and the vocabulary snapshot are all read by `read_regular`: a FIFO, device
or folder is refused (never opened when stat says so, and the opened descriptor is checked again,
opened non-blocking, so a file swapped for a FIFO cannot hang the run), a size limit is checked
before the read, and the read stops at the size the file had when it was opened (docs/robustness.md,
"One way to read a file").
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

CACHE_DIR_VARIABLE = "IMX_CACHE_DIR"


def user_cache_dir() -> Path:
    """$IMX_CACHE_DIR, else $XDG_CACHE_HOME/imx or ~/.cache/imx (Linux and other Unix),
    ~/Library/Caches/imx (macOS), %LOCALAPPDATA%\\imx\\Cache (Windows). Not created here."""
    override = os.environ.get(CACHE_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "imx" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "imx"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "imx"


def check_private_dir(path: str | os.PathLike[str]) -> None:
    """Refuse a cache folder that is a symbolic link, belongs to another user, or that group or
    others can write: anyone who can write a folder can plant files in it (a database's `-wal`,
    a snapshot, a symbolic link named like one), and checking each file would not stop that.

    Raises PermissionError naming the problem (its `strerror`) and the folder (its `filename`), or
    the OSError of lstat (FileNotFoundError, ...). The folder itself is not followed if it is a link;
    its parents are (a home folder reached through a link is fine). No check on Windows.
    """
    if os.name != "posix":
        return
    _check(os.lstat(path), path, directory=True)


def open_private(path: str | os.PathLike[str], flags: int = os.O_RDONLY) -> int:
    """Open a file of imx's own without following a symbolic link and check the opened file (its
    fstat, so it cannot be swapped between the check and the read): a regular file of this user
    (the effective uid) that group and others cannot write. Returns the descriptor (blocking,
    close-on-exec); the caller closes it.

    Raises PermissionError naming the problem (a symbolic link, another owner, a mode others can
    write, not a regular file: a FIFO is opened non-blocking, so it cannot hang the check), or the
    OSError of open (FileNotFoundError, ...). On Windows: a plain open, no checks.
    """
    if os.name != "posix":
        return os.open(path, flags | getattr(os, "O_BINARY", 0))
    descriptor, _ = _open_private(path, flags)
    try:
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def check_private(path: str | os.PathLike[str], *, missing_ok: bool = False) -> None:
    """open_private's checks on a file that another library opens by name (SQLite's database and
    its `-wal`, `-shm`, `-journal`); with missing_ok, a file that does not exist passes.

    Checking by name then letting SQLite open the name is safe only inside a folder that passed
    check_private_dir: no one else can put or swap a file there.
    """
    try:
        descriptor = open_private(path)
    except FileNotFoundError:
        if missing_ok:
            return
        raise
    os.close(descriptor)


class NotRegularFile(ValueError):
    """read_regular's refusal of a FIFO, device, socket or folder; `kind` names it ("FIFO")."""

    def __init__(self, mode: int) -> None:
        self.kind = file_kind(mode)
        super().__init__(f"not a regular file ({self.kind})")


class FileTooLarge(ValueError):
    """read_regular's refusal of a file over its limit: `size` is the file's size by stat when
    `exact`, else what was read before the limit stopped the read (a file whose stat says 0)."""

    def __init__(self, size: int, limit: int, *, exact: bool) -> None:
        self.size, self.limit, self.exact = size, limit, exact
        stated = f"{size:,} bytes" if exact else f"more than {limit:,} bytes"
        super().__init__(f"file too large ({stated}; the limit is {limit:,})")


def read_regular(
    path: str | os.PathLike[str],
    limit: int,
    *,
    follow_links: bool = True,
    private: bool = False,
    status: os.stat_result | None = None,
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, as the file was when it was opened.

    A FIFO, socket, device or folder is refused from its stat, never opened (a link to /dev/zero
    too: links are followed unless follow_links is False); the open is non-blocking, close-on-exec
    and takes no controlling terminal, and the opened descriptor is checked again, so a file swapped
    for a FIFO after the stat is refused and cannot block. A file over `limit` is refused from its
    size, unread. The read stops at the size fstat gave at the open, so a file that grows while it
    is read (a log, a download) is read as that snapshot, never chased; a size of 0 is not believed
    (/proc files have content) and then the read stops one byte past the limit. With `private`, the
    file must also pass open_private's checks (this user's, not writable by others, not a link).
    `status`: the caller's stat of path (a folder walk's), checked in place of a fresh stat. It is
    older than a fresh stat, so a path swapped for a device or socket after the walk saw it is
    opened (non-blocking) before the descriptor check refuses it; a socket then fails at the open
    with its OSError. The same race exists between a fresh stat and the open, only narrower.

    >>> read_regular("/proc/self/comm", 4096)  # stat says 0 bytes: read up to the limit
    b'python3\\n'

    Raises NotRegularFile, FileTooLarge, PermissionError (private), or the OSError of stat, open or
    read.
    """
    if private and os.name == "posix":
        descriptor, opened = _open_private(path, os.O_RDONLY)
        if opened.st_size > limit:
            os.close(descriptor)
            raise FileTooLarge(opened.st_size, limit, exact=True)
    else:
        _refuse_unreadable(os.stat(path, follow_symlinks=follow_links) if status is None else status, limit)
        descriptor, opened = _open_checked(
            path,
            os.O_RDONLY,
            follow_links=follow_links,
            check=lambda opened_status: _refuse_unreadable(opened_status, limit),
        )
    try:
        size = opened.st_size
        # One read of the size fstat gave (no file object and buffer around it); a short read (a
        # file that shrank since) goes on as a stream's read would, to the size or the end.
        data = os.read(descriptor, size) if size > 0 else b""
        if len(data) < size or size == 0:
            with open(descriptor, "rb", closefd=False) as stream:
                data += stream.read(size - len(data) if size > 0 else limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise FileTooLarge(len(data), limit, exact=False)
    return data


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message: "FIFO", "character device", ..."""
    kinds = (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISLNK, "symbolic link"),
    )
    return next((kind for test, kind in kinds if test(mode)), "special file")


def _refuse_unreadable(status: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFile(status.st_mode)
    if status.st_size > limit:
        raise FileTooLarge(status.st_size, limit, exact=True)


# O_NONBLOCK: opening a FIFO does not wait for a writer (a regular file ignores it); O_NOCTTY: a
# terminal opened by mistake does not become the controlling one; O_CLOEXEC: no leak into a child.
_OPEN_FLAGS = (
    getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _open_checked(
    path: str | os.PathLike[str],
    flags: int,
    *,
    follow_links: bool,
    check: Callable[[os.stat_result], None],
) -> tuple[int, os.stat_result]:
    """Open without blocking and run `check` on the opened descriptor's fstat (what is read is what
    was checked, whatever the name points at by now); the descriptor is closed if the check raises."""
    no_follow = 0 if follow_links else getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags | _OPEN_FLAGS | no_follow)
    try:
        opened = os.fstat(descriptor)
        check(opened)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor, opened


def _open_private(path: str | os.PathLike[str], flags: int) -> tuple[int, os.stat_result]:
    """open_private's open and checks, the descriptor left non-blocking (POSIX only)."""
    try:
        return _open_checked(
            path, flags, follow_links=False, check=lambda status: _check(status, path, directory=False)
        )
    except OSError as exc:
        if exc.errno in _LINK_ERRNOS and os.path.islink(path):
            raise _unsafe(path, "is a symbolic link (not followed)") from None
        raise


# What open(O_NOFOLLOW) answers for a symbolic link: ELOOP (Linux, macOS), EMLINK (FreeBSD).
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK}


def _unsafe(path: str | os.PathLike[str], problem: str) -> PermissionError:
    return PermissionError(errno.EACCES, problem, os.fspath(path))


def _check(status: os.stat_result, path: str | os.PathLike[str], *, directory: bool) -> None:
    """Raise PermissionError unless status is a directory (or regular file) of this user that
    group and others cannot write."""
    if directory and stat.S_ISLNK(status.st_mode):
        raise _unsafe(path, "is a symbolic link (not followed)")
    if directory and not stat.S_ISDIR(status.st_mode):
        raise _unsafe(path, "is not a directory")
    if not directory and not stat.S_ISREG(status.st_mode):
        raise _unsafe(path, "is not a regular file")
    user = os.geteuid()
    if status.st_uid != user:
        raise _unsafe(path, f"belongs to another user (uid {status.st_uid}; this is uid {user})")
    writable = status.st_mode & 0o022
    if writable:
        who = {0o020: "group", 0o002: "others", 0o022: "group and others"}[writable]
        raise _unsafe(path, f"is writable by {who} (mode {stat.S_IMODE(status.st_mode):04o})")
