"""The progress bar on stderr: files done / total, percent, rate and time left once the total is
known; on a terminal only."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from imatinib_cli.execute import ProgressUpdate
from imatinib_cli.render.progress import ProgressDisplay, count_files


def folder_of(tmp_path: Path, files: int) -> Path:
    root = tmp_path / "docs"
    (root / "sub" / "deeper").mkdir(parents=True)
    for index in range(files):
        where = root if index % 3 == 0 else root / "sub" if index % 3 == 1 else root / "sub" / "deeper"
        (where / f"{index}.txt").write_text("imatinib\n", encoding="utf-8")
    return root


def terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)


def wait_for_total(display: ProgressDisplay) -> int:
    for _ in range(200):
        if display.total is not None:
            return display.total
        time.sleep(0.01)
    raise AssertionError("the files were not counted")


def test_count_files_lists_folders_only(tmp_path: Path) -> None:
    root = folder_of(tmp_path, 10)
    (tmp_path / "alone.txt").write_text("x", encoding="utf-8")
    os.symlink(root / "sub", root / "link-to-sub")  # a link to a folder: not followed by default
    os.symlink(root / "0.txt", root / "link-to-file")  # a link to a file: read, so counted
    assert count_files([str(root)]) == 11
    assert count_files([str(root), str(tmp_path / "alone.txt"), "-"]) == 13
    assert count_files([str(root)], follow_links=True) == 11  # sub is read once, as the walk does
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text("x", encoding="utf-8")
    os.symlink(outside, root / "link-outside")
    assert count_files([str(root)]) == 11
    assert count_files([str(root)], follow_links=True) == 12
    os.symlink(root, root / "sub" / "loop")
    assert count_files([str(root)], follow_links=True) == 12  # each folder once: the loop ends


def test_the_bar_shows_the_total_percent_rate_and_time_left(tmp_path: Path) -> None:
    root = folder_of(tmp_path, 8)
    console = terminal()
    display = ProgressDisplay(console, [str(root)], min_files=2)
    display(ProgressUpdate(1, 1, 0))  # a short run so far: nothing shown
    assert console.file.getvalue() == ""
    display(ProgressUpdate(2, 2, 0))  # long enough: the bar starts and the count begins
    assert wait_for_total(display) == 8
    display(ProgressUpdate(4, 5, 1))
    time.sleep(0.05)
    display(ProgressUpdate(6, 7, 1))
    shown = console.file.getvalue()
    display.close()
    assert "4/8 files" in shown and "50%" in shown
    assert "6/8 files" in shown and "75%" in shown
    assert "files/s" in shown and "left" in shown
    assert "7 documents, 1 from the cache" in shown  # 120 columns: the counts fit on the line


def test_nothing_is_written_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from imatinib_cli import cli

    monkeypatch.setattr("sys.stderr", io.StringIO())
    # No bar: the callback only stops a run that a swallowed SIGTERM did not, and writes nothing.
    with cli._progress_display(["seeds/"]) as progress:
        assert progress == {"progress": cli._stop_if_terminated}
        progress["progress"](ProgressUpdate(3, 3, 0))
    monkeypatch.setenv("TERM", "dumb")
    with cli._progress_display(["seeds/"]) as progress:
        assert progress == {"progress": cli._stop_if_terminated}
    assert sys.stderr.getvalue() == ""


def test_a_bar_on_a_console_that_is_not_a_terminal_writes_nothing(tmp_path: Path) -> None:
    console = Console(file=io.StringIO(), width=120)  # a StringIO: not a terminal
    display = ProgressDisplay(console, [str(folder_of(tmp_path, 3))], min_files=1)
    display(ProgressUpdate(3, 3, 0))
    display.close()
    assert console.file.getvalue() == ""
