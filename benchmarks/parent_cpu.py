"""The calling process's CPU time per document in `imx summarize`, beside its workers' (issue 12:
"the parent is never the bound").

Runs the CLI in this process (its output to the null device) and reads resource.getrusage:
RUSAGE_SELF is the parent (the walk, the cache, merging and writing, and start-up), RUSAGE_CHILDREN
the worker processes, reaped when the pool closes. Not a test: nothing here asserts a time.

    python benchmarks/parent_cpu.py --documents 10000 -- /tmp/imx-text10k --json --no-cache --jobs 2

(with a snapshot of other code first on PYTHONPATH to measure that code the same way).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--documents", type=int, required=True, help="documents in the corpus (for per-document)"
    )
    parser.add_argument("args", nargs="+", help="arguments of `imx summarize`")
    options = parser.parse_args()
    wall = time.perf_counter()
    from imatinib_cli.cli import app

    with (
        open(os.devnull, "w", encoding="utf-8") as sink,
        contextlib.redirect_stdout(sink),
        contextlib.suppress(SystemExit),
    ):
        app(["summarize", *options.args], standalone_mode=False)
    wall = time.perf_counter() - wall
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    parent = own.ru_utime + own.ru_stime
    children = workers.ru_utime + workers.ru_stime
    count = options.documents
    print(
        f"parent CPU {parent:.2f} s ({parent / count * 1000:.3f} ms/document), workers CPU {children:.2f} s "
        f"({children / count * 1000:.3f} ms/document), wall {wall:.2f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
