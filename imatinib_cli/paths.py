"""Where imx keeps files between runs (the extraction cache, the compiled vocabularies).

One rule for every cache so a user can find, size and delete them in one place: $IMX_CACHE_DIR
if set, else the platform's per-user cache folder plus "imx".
"""

from __future__ import annotations

import os
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


def check_private(path: Path) -> None:
    """Refuse a file someone else could have written: unpickling it would run their code.

    Raises PermissionError for a file owned by another user or writable by group or others (POSIX).
    """
    if os.name != "posix":
        return
    status = os.stat(path)
    if status.st_uid != os.getuid():
        raise PermissionError("the file belongs to another user (unpickling it would be unsafe)")
    if status.st_mode & 0o022:
        raise PermissionError("the file is writable by other users (unpickling it would be unsafe)")
