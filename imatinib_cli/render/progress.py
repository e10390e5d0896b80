"""The progress bar on stderr while files are read: files done / total, percent, rate, time left.

Shown only on a terminal (the CLI decides; see cli._progress_display) and only once a run is long
(PROGRESS_MIN_FILES files or PROGRESS_MIN_SECONDS seconds), so a short run stays quiet. The walk
reads files as it goes and never knows the total in advance, so the total comes from a second,
cheap walk in a background thread that only lists folders (count_files: no file is opened). Until
it is known the bar pulses and shows the count so far; once known:

    ⠹ reading ━━━━━━━━━━━━━━━━━━━━━━━━╺━━━━━━━━  1,234/5,000 files  25%  310 files/s  0:00:12 left

rich.progress is imported only when the bar starts (this module itself costs nothing to import).
The total counts every regular file under the paths; the files the walk skips (duplicates, files
over --max-bytes) are not counted as read, so the bar may end short of 100% before it is cleared.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from imatinib_cli.execute import ProgressUpdate

# Progress appears once a run has read this many files or run this long (a short run stays quiet).
PROGRESS_MIN_FILES = 300
PROGRESS_MIN_SECONDS = 1.0
# Below this console width the documents and cache counts are left off the line, so it fits.
COUNTS_MIN_WIDTH = 110
STDIN = "-"


def count_files(
    paths: Sequence[str], *, follow_links: bool = False, stop: threading.Event | None = None
) -> int | None:
    """The number of regular files the walk would read under paths (standard input counts as one),
    listing folders only; None if stop was set first. Links to folders are followed with
    follow_links, each folder once (a link loop ends); unreadable entries are left out.

    Example: count_files(["seeds/"]) == 5.
    """
    count = 0
    seen: set[tuple[int, int]] = set()
    for path in paths:
        if path == STDIN:
            count += 1
            continue
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            count += 1
        if not stat.S_ISDIR(info.st_mode) or (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        stack = [path]
        while stack:
            if stop is not None and stop.is_set():
                return None
            try:
                with os.scandir(stack.pop()) as entries:
                    for entry in entries:
                        count += _entry(entry, follow_links, seen, stack)
            except OSError:
                continue
    return count


def _entry(entry: os.DirEntry[str], follow_links: bool, seen: set[tuple[int, int]], stack: list[str]) -> int:
    """1 for a regular file (or a link to one); a folder to go into is pushed on stack."""
    try:
        if entry.is_dir(follow_symlinks=follow_links):
            info = entry.stat(follow_symlinks=True)
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                stack.append(entry.path)
            return 0
        return 1 if entry.is_file(follow_symlinks=True) else 0
    except OSError:
        return 0


class ProgressDisplay:
    """The pipeline's progress callback: a rich progress bar on console, started once the run is
    long; close() clears it (it is transient: nothing stays on the terminal)."""

    def __init__(
        self,
        console: Console,
        paths: Sequence[str] = (),
        *,
        follow_links: bool = False,
        clock: Callable[[], float] = time.monotonic,
        min_files: int = PROGRESS_MIN_FILES,
        min_seconds: float = PROGRESS_MIN_SECONDS,
    ) -> None:
        self._console = console
        self._paths = list(paths)
        self._follow_links = follow_links
        self._clock = clock
        self._started = clock()
        self._min_files = min_files
        self._min_seconds = min_seconds
        self._progress: Any = None
        self._task: Any = None
        self._stop = threading.Event()
        self._total: int | None = None

    def __call__(self, update: ProgressUpdate) -> None:
        if self._progress is None:
            if not self._console.is_terminal:  # a file or a pipe: a bar there is only noise
                return
            if update.files < self._min_files and self._clock() - self._started < self._min_seconds:
                return
            self._start()
        total = None if self._total is None else max(self._total, update.files)
        counts = f"{update.documents:,} documents"
        if update.cached:
            counts += f", {update.cached:,} from the cache"
        self._progress.update(
            self._task,
            total=total,
            completed=update.files,
            done=f"{update.files:,}/{total:,} files" if total is not None else f"{update.files:,} files",
            counts=counts,
        )
        self._progress.refresh()

    def _start(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RateColumn(ProgressColumn):
            """'310 files/s', once rich has an estimate."""

            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text("" if speed is None else f"{speed:,.0f} files/s", style="progress.data.speed")

        class LeftColumn(TimeRemainingColumn):
            """'0:00:12 left' once the total is known, nothing before."""

            def render(self, task: Any) -> Text:
                if task.total is None:
                    return Text("")
                shown = super().render(task)
                return Text(f"{shown.plain} left", style="progress.remaining")

        columns: list[Any] = [
            SpinnerColumn(),
            TextColumn("reading"),
            BarColumn(bar_width=None),
            TextColumn("{task.fields[done]}"),
            TaskProgressColumn(),
            RateColumn(),
            LeftColumn(),
        ]
        if self._console.width >= COUNTS_MIN_WIDTH:
            columns.append(TextColumn("{task.fields[counts]}", style="dim"))
        self._progress = Progress(*columns, console=self._console, transient=True, expand=True)
        self._task = self._progress.add_task("read", total=None, done="", counts="")
        self._progress.start()
        if self._paths:
            threading.Thread(target=self._count, name="imx-count-files", daemon=True).start()

    def _count(self) -> None:
        self._total = count_files(self._paths, follow_links=self._follow_links, stop=self._stop)

    @property
    def total(self) -> int | None:
        """The files counted under the paths (None until the count is done)."""
        return self._total

    def close(self) -> None:
        self._stop.set()
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
