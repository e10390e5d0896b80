"""Worker processes end with the main process, so `imx ... | wc -c` always returns.

`imx summarize DIR --jobs 2` runs over generated abstracts with its stdout on a pipe; once both
workers are running, the main process gets SIGTERM (it stops the pool and exits 143, quietly) or
SIGKILL (no handler runs: the workers' parent-death signal ends them). Either way the pipe reaches
end of file within seconds, which it cannot while a worker holds it, and no worker survives.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

# Enough files for a local pool (execute.POOL_MIN_FILES is 48) and a run of several seconds even as
# extraction gets faster: each test signals the run as soon as its workers are seen, so the run
# must not end first on a busy machine.
FILES = 800
PARAGRAPHS = 12


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and brackets
    return fields[0], int(fields[1])


def _descendants(pid: int) -> set[int]:
    """Every live process under pid (a worker, or under forkserver the server and its workers)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found is not None and found[0] != "Z":
                parents[int(entry)] = found[1]
    below: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return below


def _alive(pid: int) -> bool:
    found = _stat(pid)
    return found is not None and found[0] not in ("Z", "X")  # a zombie has ended; only its entry is left


# Runs imx with the pool's start method forced (Linux picks fork; forkserver and spawn are what
# other platforms, or a process with threads running, get).
FORCED_METHOD = """
import sys

if __name__ == "__main__":
    from imatinib_cli import execute

    method = sys.argv.pop(1)
    execute._start_method = lambda: method
    from imatinib_cli.cli import main

    main()
"""


def _start(
    folder: Path, method: str | None = None, expected: int = 2
) -> tuple[subprocess.Popen[bytes], set[int]]:
    docs = folder / "docs"
    docs.mkdir()
    for index in range(FILES):
        sentences = (
            f"PMID: {20000000 + index}\n\nA total of {20 + index % 40} patients with GIST received imatinib "
            f"400 mg daily. A partial response was seen in {index % 15} patients. Grade 3 neutropenia "
            f"occurred in {index % 30}% of patients.\n"
        )
        (docs / f"d{index:04d}.txt").write_text(sentences * PARAGRAPHS, encoding="utf-8")
    # A process killed outright cannot remove its temporary folders: they go in the test's own.
    (folder / "tmp").mkdir()
    env = {**os.environ, "IMX_CACHE_DIR": str(folder / "cache"), "TMPDIR": str(folder / "tmp")}
    command = [sys.executable, "-m", "imatinib_cli"]
    if method is not None:
        (folder / "forced.py").write_text(FORCED_METHOD, encoding="utf-8")
        command = [sys.executable, str(folder / "forced.py"), method]
    command += ["summarize", str(docs), "--jobs", "2", "--no-cache", "--json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    try:
        while len(workers) < expected:
            assert process.poll() is None, "imx ended before its workers started"
            assert time.monotonic() < deadline, "no worker processes appeared"
            time.sleep(0.05)
            workers = _descendants(process.pid)
    except BaseException:
        _cleanup(process, _descendants(process.pid))
        raise
    return process, workers


def _reaches_eof(stream: object, seconds: float) -> bool:
    """Read the pipe until end of file; False if it is still open after `seconds`."""
    fd = stream.fileno()  # type: ignore[attr-defined]
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready and not os.read(fd, 1 << 16):
            return True
    return False


def _gone(pids: set[int], seconds: float) -> set[int]:
    """The pids still alive after waiting up to `seconds` for them to end."""
    deadline = time.monotonic() + seconds
    while (alive := {pid for pid in pids if _alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _ours(pid: int) -> bool:
    """The pid still runs imx or one of its multiprocessing helpers (not a reused pid)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"imatinib_cli" in command or b"multiprocessing" in command


def _cleanup(process: subprocess.Popen[bytes], workers: set[int]) -> None:
    """Whatever the test found, leave no process behind (the pids were ours, read before the kill)."""
    for pid in [process.pid, *workers]:
        if _alive(pid) and _ours(pid):
            os.kill(pid, signal.SIGKILL)
    process.wait(5)


def test_sigterm_stops_the_workers_and_exits_143_quietly(tmp_path: Path) -> None:
    process, workers = _start(tmp_path)
    try:
        process.send_signal(signal.SIGTERM)
        assert _reaches_eof(process.stdout, 15), "stdout still open: a worker holds it"
        assert process.wait(15) == 143
        assert process.stderr is not None and process.stderr.read() == b""
        assert _gone(workers, 10) == set()
    finally:
        _cleanup(process, workers)


def test_sigkill_of_the_main_process_ends_the_workers(tmp_path: Path) -> None:
    process, workers = _start(tmp_path)
    try:
        process.kill()
        assert process.wait(15) == -signal.SIGKILL
        assert _reaches_eof(process.stdout, 15), "stdout still open: a worker holds it"
        assert _gone(workers, 10) == set()
    finally:
        _cleanup(process, workers)


def test_workers_under_a_fork_server_end_with_the_main_process(tmp_path: Path) -> None:
    """The fork server ends when the main process does; its workers then get their parent-death
    signal. Waits for the resource tracker, the server and both workers."""
    process, workers = _start(tmp_path, "forkserver", expected=4)
    try:
        process.kill()
        assert _reaches_eof(process.stdout, 15), "stdout still open: a worker holds it"
        assert _gone(workers, 10) == set()
    finally:
        _cleanup(process, workers)


SIGTERM_IN_A_FORK_HOOK = """
import os
import signal
import time

if __name__ == "__main__":
    sent = []

    def terminate_here():
        # As if `kill` came while the parent ran its after-fork hooks (logging releases its lock
        # there): the handler runs inside the hook, where Python ignores what it raises. Once:
        # a second SIGTERM ends the process at once, by design.
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)

    os.register_at_fork(after_in_parent=terminate_here)
    from imatinib_cli.cli import main

    main()
"""


def test_a_sigterm_lost_in_a_fork_hook_still_exits_143_quietly(tmp_path: Path) -> None:
    """Python runs the SIGTERM handler wherever the main thread is; raised inside an after-fork
    hook, its exception is only printed as "ignored". The run must still stop with 143 and say
    nothing, not go on to the end."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for index in range(FILES):
        text = f"PMID: {30000000 + index}\n\n{20 + index % 40} patients with GIST received imatinib.\n"
        (docs / f"d{index:04d}.txt").write_text(text * PARAGRAPHS, encoding="utf-8")
    (tmp_path / "forked.py").write_text(SIGTERM_IN_A_FORK_HOOK, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "IMX_CACHE_DIR": str(tmp_path / "cache"), "TMPDIR": str(tmp_path / "tmp")}
    command = [sys.executable, str(tmp_path / "forked.py"), "summarize", str(docs), "--jobs", "2"]
    done = subprocess.run(command + ["--no-cache", "--json"], capture_output=True, env=env, timeout=120)
    assert done.stderr == b""
    assert done.returncode == 143
    assert b'"studies"' not in done.stdout or done.stdout.count(b'"document"') < FILES


def test_a_pool_stopped_before_its_manager_thread_started_closes_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A SIGTERM between the pool starting its worker processes and starting the thread that
    manages them: closing the pool on the way out must not fail on joining that thread."""
    from concurrent.futures import process as futures_process

    from imatinib_cli import execute
    from imatinib_cli.load._walk import RawFile

    class Stopped(BaseException):
        pass

    def stopped(self: object) -> None:
        raise Stopped

    monkeypatch.setattr(futures_process._ExecutorManagerThread, "start", stopped)
    pool = execute._LocalPool(1)
    with pytest.raises(Stopped):
        pool.submit([RawFile("a.txt", b"text", "0" * 64)])
    pool.close(abort=True)  # no RuntimeError: the workers are stopped, nothing is waited for
    assert all(not p.is_alive() for p in (pool._pool._processes or {}).values())


def test_sigterm_removes_the_workers_files(tmp_path: Path) -> None:
    """The pool's workers write into the spill store's private folder (spill.HeapWriter): a SIGTERM
    once they have leaves nothing of it in the temporary folder."""
    process, workers = _start(tmp_path)
    try:
        deadline = time.monotonic() + 30
        while not list((tmp_path / "tmp").glob("imx-spill-*/worker-*")):
            assert process.poll() is None and time.monotonic() < deadline, "no worker wrote a file"
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 143
        assert process.stderr is not None and process.stderr.read() == b""
        assert _gone(workers, 10) == set()
        assert list((tmp_path / "tmp").iterdir()) == []
    finally:
        _cleanup(process, workers)


ORPHANED_WORKER = """
import multiprocessing
import sys

from imatinib_cli import execute


def orphaned() -> None:
    if sys.argv[1] != "bare":
        execute._init_local_worker(None, sys.argv[1] == "initialized")
    raise EOFError  # what a pool worker's read of its closed task queue raises


if __name__ == "__main__":
    worker = multiprocessing.get_context("fork").Process(target=orphaned)
    worker.start()
    worker.join()
    print(worker.exitcode)
"""


@pytest.mark.parametrize("state", ["initialized", "bare", "debug"])
def test_a_worker_left_behind_prints_no_traceback(tmp_path: Path, state: str) -> None:
    """A worker the pool started but had not recorded when a SIGTERM unwound the parent is not
    stopped with the others; when the parent exits, its read of the task queue raises EOFError.
    multiprocessing prints that as "Process ...: Traceback ..." on stderr, the user's terminal:
    a worker set up by _init_local_worker prints nothing (a bare process, for contrast, does, and
    so does a worker set up for a --debug run, where the traceback is what the user asked for)."""
    script = tmp_path / "orphaned.py"
    script.write_text(ORPHANED_WORKER, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), state], capture_output=True, timeout=60)
    assert done.stdout == b"1\n"  # the worker failed, as it does when its queue closes
    if state == "initialized":
        assert done.stderr == b""
    else:
        assert b"Traceback (most recent call last)" in done.stderr and b"EOFError" in done.stderr


def test_a_worker_stopped_before_its_initializer_ends_quietly() -> None:
    """A process forked while a command runs has the CLI's SIGTERM handler until its pool
    initializer resets it (the window the suite once caught: "Process ForkProcess-2:" on stderr as
    the pool's terminate() stopped a worker still starting). In the forked process the handler
    ends it at once with 143, raising nothing and printing nothing; in the process that installed
    it, it still raises, so the run unwinds and cleans up."""
    from imatinib_cli import cli

    previous = cli._exit_on_sigterm()
    try:
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # the "worker": SIGTERM before anything resets the handler
            os.close(read_end)
            os.dup2(write_end, 2)  # what it would print reaches the pipe
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            except BaseException:  # noqa: BLE001 - anything raised is the failure being tested
                os.write(2, b"raised\n")
            os._exit(0)
        os.close(write_end)
        _, status = os.waitpid(child, 0)
        with os.fdopen(read_end, "rb") as printed:
            assert printed.read() == b""
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 143
        with pytest.raises(cli._Terminated):
            cli._on_sigterm(signal.SIGTERM, None)  # the installing process still unwinds
    finally:
        cli._restore_sigterm(previous)
        cli._SIGTERM_SEEN[0] = False
