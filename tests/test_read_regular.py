"""paths.read_regular, the one way imx reads a file it did not write (documents, --vocab files, the
vocabulary snapshot): what it refuses unopened, what it checks on the opened descriptor, and what a
file that changes under it reads as. The callers' messages are tested with them (test_robustness.py,
test_vocab_folder.py, test_cache_security.py, test_huge_structured.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from imatinib_cli import paths
from imatinib_cli.paths import FileTooLarge, NotRegularFile, read_regular

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs, links and modes are POSIX")


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths os.open was asked for."""
    names: list[str] = []
    real_open = os.open

    def spy(path: str | os.PathLike[str], *args: object, **kwargs: object) -> int:
        names.append(os.fspath(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    return names


def test_a_regular_file_within_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"Imatinib 400 mg daily.\n")
    assert read_regular(path, 23) == b"Imatinib 400 mg daily.\n"
    if os.name == "posix":
        (tmp_path / "link.txt").symlink_to(path)  # a link to a regular file is followed ...
        assert read_regular(tmp_path / "link.txt", 23) == b"Imatinib 400 mg daily.\n"
        with pytest.raises(NotRegularFile, match=r"\(symbolic link\)"):  # ... unless told not to
            read_regular(tmp_path / "link.txt", 23, follow_links=False)


@posix
@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: os.mkfifo(path), "FIFO"),
        (lambda path: path.symlink_to("/dev/zero"), "character device"),
        (lambda path: path.mkdir(), "folder"),
    ],
)
def test_anything_but_a_regular_file_is_refused_unopened(
    tmp_path: Path, opened: list[str], make, kind: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "input"
    make(path)
    with pytest.raises(NotRegularFile, match=rf"^not a regular file \({kind}\)$") as refused:
        read_regular(path, 1 << 20)
    assert refused.value.kind == kind
    assert str(path) not in opened


def test_a_file_over_the_limit_is_refused_unopened(tmp_path: Path, opened: list[str]) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(1001)  # sparse
    with pytest.raises(FileTooLarge) as refused:
        read_regular(path, 1000)
    assert (refused.value.size, refused.value.limit, refused.value.exact) == (1001, 1000, True)
    assert str(path) not in opened
    assert read_regular(path, 1001) == bytes(1001)


@posix
def test_a_file_swapped_for_a_fifo_after_the_stat_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stat sees a regular file; by the open it is a FIFO with no writer: the non-blocking open
    returns at once and the descriptor's fstat refuses it."""
    path = tmp_path / "swapped"
    path.write_bytes(b"text")
    real_stat = os.stat

    def stat_then_swap(target: object, *args: object, **kwargs: object) -> os.stat_result:
        info = real_stat(target, *args, **kwargs)  # type: ignore[arg-type]
        if os.fspath(target) == str(path):  # type: ignore[arg-type]
            path.unlink()
            os.mkfifo(path)
        return info

    monkeypatch.setattr(os, "stat", stat_then_swap)
    with pytest.raises(NotRegularFile, match=r"\(FIFO\)"):
        read_regular(path, 1 << 20)


def test_a_growing_file_is_read_as_it_was_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.txt"
    path.write_bytes(b"first line\n")
    real_fstat = os.fstat

    def fstat_then_grow(descriptor: int) -> os.stat_result:
        info = real_fstat(descriptor)
        with path.open("ab") as out:
            out.write(b"more\n" * 1000)
        return info

    monkeypatch.setattr(os, "fstat", fstat_then_grow)
    assert read_regular(path, 100) == b"first line\n"  # neither chased nor over the limit


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_a_size_of_zero_is_not_believed() -> None:
    assert os.stat("/proc/self/status").st_size == 0
    assert read_regular("/proc/self/status", 1 << 20).startswith(b"Name:")
    with pytest.raises(FileTooLarge) as refused:
        read_regular("/proc/self/status", 10)
    assert (refused.value.size, refused.value.exact) == (11, False)  # the read stops one byte past


@posix
def test_private_files_pass_open_privates_checks(tmp_path: Path) -> None:
    own = tmp_path / "own.json"
    own.write_bytes(b"{}")
    own.chmod(0o600)
    assert read_regular(own, 2, private=True) == b"{}"
    with pytest.raises(FileTooLarge):
        read_regular(own, 1, private=True)
    own.chmod(0o622)
    with pytest.raises(PermissionError, match=r"is writable by group and others \(mode 0622\)"):
        read_regular(own, 2, private=True)
    own.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(own)  # to the user's own private file: still not followed
    with pytest.raises(PermissionError, match="is a symbolic link"):
        read_regular(link, 2, private=True)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(PermissionError, match="is not a regular file"):
        read_regular(tmp_path / "fifo", 2, private=True)  # opened non-blocking: no hang
    descriptor = paths.open_private(own)
    try:
        assert os.get_blocking(descriptor) and stat.S_ISREG(os.fstat(descriptor).st_mode)
    finally:
        os.close(descriptor)
