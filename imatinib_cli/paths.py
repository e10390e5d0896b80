"""Where imx keeps files between runs (the extraction cache, the compiled vocabularies).

One rule for every cache so a user can find, size and delete them in one place: $IMX_CACHE_DIR
if set, else the platform's per-user cache folder plus "imx". And one rule for trusting what is
found there: the folder and each file read from it must be this user's, not writable by group or
others, and are never followed as symbolic links (docs/security.md).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

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
    try:
        descriptor = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in _LINK_ERRNOS and os.path.islink(path):
            raise _unsafe(path, "is a symbolic link (not followed)") from None
        raise
    try:
        _check(os.fstat(descriptor), path, directory=False)
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
