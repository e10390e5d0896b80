"""What reading files costs through paths.read_regular: the folder walk alone (list, stat, open,
fstat, read, sha256; no decoding or parsing) over generated files, and the terminal escaping of
file names (safe_text over printable).

    python benchmarks/read_files.py --count 20000 --size 4096
    python benchmarks/read_files.py --count 20000 --size 4096 --root /path/to/another/checkout

--root runs the same walk with the imatinib_cli of another checkout (a `git archive main` export),
to compare before and after. Generates its files (our own sentences) in a temporary folder. Not a
test; docs/robustness.md ("One way to read a file") holds the figures.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def write_files(folder: Path, count: int, size: int) -> None:
    line = b"Imatinib 400 mg daily was given to 40 patients with stromal tumors.\n"
    body = (line * (size // len(line) + 1))[:size]
    for index in range(count):
        (folder / f"doc{index:06d}.txt").write_bytes(b"%06d " % index + body)  # no two alike


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    from imatinib_cli.load._walk import Walker  # the checkout's own

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_files(folder, args.count, args.size)
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            read = sum(1 for item in Walker(follow_links=False, max_bytes=1 << 20).path(str(folder)))
            best = min(best, time.perf_counter() - started)
        assert read == args.count, read
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from imatinib_cli.load._walk import printable
    from imatinib_cli.render.safe_text import safe_text  # in both checkouts

    print(sys.modules["imatinib_cli.load._walk"].__file__, sys.modules[safe_text.__module__].__file__)
    print(f"walk of {args.count:,} files of {args.size:,} bytes: {best:.3f} s (best of {args.repeat}),")
    print(f"  {best / args.count * 1e6:.1f} us a file; peak RSS {peak:.0f} MiB")
    names = [f"/data/trials/report {index:06d}\u200b\u202e.txt" for index in range(100_000)]
    started = time.perf_counter()
    for name in names:
        safe_text(printable(name))
    print(f"safe_text(printable(name)), 100,000 names: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
