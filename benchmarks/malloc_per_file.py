"""The C heap at each file of an `imx summarize DIR --jsonl --no-cache --jobs 1` run (issue 12).

    python benchmarks/malloc_per_file.py /tmp/rec5k          # 5 files of 1,000 PubMed records
    PROBE_EVERY=10 python benchmarks/malloc_per_file.py DIR   # the first 5 files, then every 10th

Runs imx in this process and prints to stderr, at the start of each file, at its first document
and at its end: VmRSS and VmHWM (/proc/self/status), glibc's mallinfo2 (the main heap's size, the
bytes in separately mapped blocks, the heap's bytes in use and free, the free space at its top)
and SQLite's own memory (sqlite3_memory_used and its high-water mark, every connection's page
cache included). Python's objects are tracemalloc's business; this is what lies under them. A
heap that grows while its bytes in use do not is fragmentation ("The twelfth session: --jsonl
memory" in docs/performance-log.md). Linux with glibc 2.33 or later only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Iterator
from typing import Any

_FIELDS = [
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost",
]
MIB = 1 << 20


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _FIELDS]


libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
sqlite = ctypes.CDLL("libsqlite3.so.0")
sqlite.sqlite3_memory_used.restype = ctypes.c_int64
sqlite.sqlite3_memory_highwater.restype = ctypes.c_int64
sqlite.sqlite3_memory_highwater.argtypes = [ctypes.c_int]


def snapshot(tag: str) -> None:
    """One line: the process's RSS and high-water mark, the heap, SQLite's memory (MiB)."""
    status = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            key, value = line.split(":", 1)
            if key in ("VmRSS", "VmHWM"):
                status[key] = int(value.split()[0]) / 1024
    heap = libc.mallinfo2()
    print(
        f"{tag:22s} rss {status['VmRSS']:6.1f} hwm {status['VmHWM']:6.1f} | heap {heap.arena / MIB:5.1f}"
        f" mapped {heap.hblkhd / MIB:5.1f} ({heap.hblks}) in use {heap.uordblks / MIB:5.1f}"
        f" free {heap.fordblks / MIB:5.1f} top {heap.keepcost / MIB:4.1f} | sqlite"
        f" {sqlite.sqlite3_memory_used() / MIB:5.2f} (peak {sqlite.sqlite3_memory_highwater(0) / MIB:5.2f})",
        file=sys.stderr,
        flush=True,
    )


def main() -> None:
    import imatinib_cli.execute as execute
    from imatinib_cli.cli import main as imx

    every = int(os.environ.get("PROBE_EVERY", "1"))
    outputs = execute._lean_outputs
    files = [0]

    def probed(item: Any, form: str) -> Iterator[Any]:
        files[0] += 1
        shown = files[0] <= 5 or files[0] % every == 0
        if shown:
            snapshot(f"file {files[0]} start")
        for index, output in enumerate(outputs(item, form)):
            if shown and index == 0:
                snapshot(f"file {files[0]} first doc")
            yield output
        if shown:
            snapshot(f"file {files[0]} end")

    execute._lean_outputs = probed
    sys.argv = ["imx", "summarize", sys.argv[1], "--jsonl", "--no-cache", "--jobs", "1"]
    with contextlib.suppress(SystemExit):
        imx()
    snapshot("exit")


if __name__ == "__main__":
    main()
