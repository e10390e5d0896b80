"""Two figures of docs/robustness.md (issue 11): merging many documents of one study, and how soon
`imx ... | wc -c` returns when the main process is killed.

merge: COUNT made-up abstracts sharing one PMID, with N, CR, PR and a toxicity varying; prints the
time resolve() takes over their Findings (extraction excluded), the warnings it gives, the peak
memory of this process, and whether a shuffled order gives the same study.

kill: `imx summarize DIR --jobs 2 --json` over FILES generated abstracts, stdout on a pipe; once both
workers run, SIGTERM (then, in a second run, SIGKILL) to the main process; prints the seconds until
the pipe reaches end of file, the exit status, and how many workers are still alive 5 s later.

    python benchmarks/merge_and_kill.py --count 2000 --files 400

Not a test (tests/test_merge_order.py and tests/test_worker_lifetime.py assert the behaviour).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imatinib_cli import render  # noqa: E402
from imatinib_cli.extract import extract  # noqa: E402
from imatinib_cli.models import Document, Metadata, Report  # noqa: E402
from imatinib_cli.resolve import resolve  # noqa: E402


def abstract(index: int) -> str:
    n = 20 + index % 40
    return (
        f"A total of {n} patients with GIST received imatinib 400 mg daily. "
        f"A complete response was seen in {index % 3} patients. "
        f"A partial response was seen in {index % 17} patients. "
        f"Grade 3 neutropenia occurred in {10 + index % 25}% of patients."
    )


def merge(count: int) -> None:
    findings = []
    for index in range(count):
        text = abstract(index)
        sha = f"{index:064x}"
        document = Document(f"doc{index:05d}.txt", sha, "text", text, Metadata(pmid="31415926"))
        findings.append(extract(document))
    start = time.perf_counter()
    (study,) = resolve(findings)
    seconds = time.perf_counter() - start
    shuffled = list(findings)
    random.Random(1).shuffle(shuffled)
    same = render.summary_json(Report((), (study,))) == render.summary_json(
        Report((), tuple(resolve(shuffled)))
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"merge: {count} documents -> 1 study in {seconds:.2f} s, {len(study.warnings)} warnings, "
        f"peak RSS {peak:.0f} MB, shuffled order identical: {same}"
    )


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, parent = text[text.rindex(")") + 2 :].split()[:2]
            if int(parent) == pid and state != "Z":
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2 :].split()[0] not in ("Z", "X")


def kill(files: int, sig: signal.Signals) -> None:
    with tempfile.TemporaryDirectory() as folder:
        docs = Path(folder, "docs")
        docs.mkdir()
        for index in range(files):
            (docs / f"d{index:05d}.txt").write_text(f"PMID: {20000000 + index}\n\n{abstract(index)}\n" * 4)
        command = [
            sys.executable,
            "-m",
            "imatinib_cli",
            "summarize",
            str(docs),
            "--jobs",
            "2",
            "--no-cache",
            "--json",
        ]
        env = {**os.environ, "IMX_CACHE_DIR": str(Path(folder, "cache"))}
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        while len(workers := _children(process.pid)) < 2 and process.poll() is None:
            time.sleep(0.02)
        sent = time.perf_counter()
        process.send_signal(sig)
        fd = process.stdout.fileno()  # type: ignore[union-attr]
        eof = None
        while time.perf_counter() - sent < 60:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready and not os.read(fd, 1 << 16):
                eof = time.perf_counter() - sent
                break
        status = process.wait(60)
        time.sleep(5)
        alive = [pid for pid in workers if _alive(pid)]
        for pid in alive:  # only what this run started, if the behaviour broke
            os.kill(pid, signal.SIGKILL)
        shown = "never (60 s)" if eof is None else f"{eof:.2f} s"
        print(
            f"kill: {sig.name} -> pipe at EOF after {shown}, exit status {status}, "
            f"workers alive 5 s later: {len(alive)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="documents of the one study to merge")
    parser.add_argument("--files", type=int, default=400, help="files for the kill runs")
    args = parser.parse_args()
    merge(args.count)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        kill(args.files, sig)


if __name__ == "__main__":
    main()
