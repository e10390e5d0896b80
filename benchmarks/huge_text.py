"""Time `imx summarize FILE --json` on huge generated plain texts (issue 11: linear time on any text).

    python benchmarks/huge_text.py            # the full sizes of issue 11 (minutes)
    python benchmarks/huge_text.py --quick    # small sizes, a few seconds each
    python benchmarks/huge_text.py --case lines --size 2000 --size 8000 --size 32000
    python benchmarks/huge_text.py --profile --case sentence --size 8000   # cProfile, in-process

The cases (each written to a temporary folder, never committed):

- `numbers`: one line of numbers ("12 4.5 67% 3/20 ..."), SIZE bytes (20,000,000 in full);
- `lines`: SIZE short clinical lines ("12 patients had a partial response.", "7 of 20 patients
  (35%) had stable disease", with and without full stops; 1,000,000 in full);
- `sentence`: SIZE lines of "N patients had a partial response" with no full stop, one long
  sentence (10,000 in full).

Each run is a fresh `imx summarize FILE --json --no-cache --jobs 1` process; the script reports its
wall time, its peak RSS (from wait4's rusage) and the size of what it printed. Nothing asserts a
time: tests/test_huge_text.py bounds the work instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

FULL = {"numbers": [20_000_000], "lines": [1_000_000], "sentence": [10_000]}
QUICK = {"numbers": [200_000, 800_000], "lines": [2_000, 8_000], "sentence": [2_000, 8_000]}

_CATEGORIES = ("a partial response", "a complete response", "stable disease", "progressive disease")


def numbers_text(size: int, seed: int = 1) -> Iterator[str]:
    """One line of SIZE characters of numbers: integers, decimals, percents and fractions (in chunks)."""
    rng = random.Random(seed)
    total = 0
    while total < size:
        parts: list[str] = []
        for _ in range(10_000):
            kind = rng.randrange(4)
            if kind == 0:
                parts.append(str(rng.randrange(1, 1000)))
            elif kind == 1:
                parts.append(f"{rng.randrange(100)}.{rng.randrange(10)}")
            elif kind == 2:
                parts.append(f"{rng.randrange(100)}%")
            else:
                parts.append(f"{rng.randrange(1, 20)}/{rng.randrange(20, 60)}")
        chunk = (" ".join(parts) + " ")[: size - total]
        total += len(chunk)
        yield chunk
    yield "\n"


def lines_text(count: int, seed: int = 1) -> Iterator[str]:
    """COUNT short clinical lines, some with a full stop and some without, numbers and categories varied."""
    rng = random.Random(seed)
    for index in range(count):
        n = rng.randrange(1, 60)
        category = _CATEGORIES[index % len(_CATEGORIES)]
        if index % 3 == 0:
            line = f"{n} patients had {category}"
        elif index % 3 == 1:
            total = n + rng.randrange(1, 40)
            line = f"{n} of {total} patients ({100 * n / total:.0f}%) had {category}"
        else:
            line = f"Grade 3 neutropenia occurred in {n}% of patients"
        yield line + ("." if index % 2 else "") + "\n"


def sentence_text(count: int, seed: int = 1) -> Iterator[str]:
    """COUNT lines of 'N patients had a partial response' and no full stop: one sentence."""
    for n in range(count):
        yield f"{n % 50 + 1} patients had a partial response\n"


GENERATORS: dict[str, Callable[[int], Iterator[str]]] = {
    "numbers": numbers_text,
    "lines": lines_text,
    "sentence": sentence_text,
}


def write_case(path: Path, case: str, size: int) -> None:
    """Write a case in pieces, so this process stays small (a child's peak RSS starts from its
    parent's at fork)."""
    with path.open("w", encoding="utf-8") as out:
        buffer: list[str] = []
        for piece in GENERATORS[case](size):
            buffer.append(piece)
            if len(buffer) >= 10_000:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))


def _imx() -> list[str]:
    found = shutil.which("imx", path=str(Path(sys.executable).parent)) or shutil.which("imx")
    return [found] if found else [sys.executable, "-m", "imatinib_cli"]


def run_case(path: Path, timeout: float) -> dict[str, object]:
    """One `imx summarize` process: wall seconds, peak RSS in MB, bytes printed, exit status."""
    command = [*_imx(), "summarize", str(path), "--json", "--no-cache", "--jobs", "1"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, code, usage = os.wait4(process.pid, 0)  # reaped here, so its rusage is its own
        timer.cancel()
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(code)
        status: int | str = "killed (timeout)" if elapsed >= timeout else process.returncode
        out.seek(0, io.SEEK_END)
        err.seek(0)
        warnings = err.read().decode("utf-8", "replace").splitlines()
        return {
            "seconds": elapsed,
            "peak_mb": usage.ru_maxrss / 1024,
            "output_bytes": out.tell(),
            "status": status,
            "stderr": warnings[:3],
        }


def profile_case(path: Path, top: int) -> None:
    """cProfile the in-process load + extract + resolve + JSON of one file, top functions by own time."""
    from imatinib_cli import pipeline, render

    profiler = cProfile.Profile()
    profiler.enable()
    report = pipeline.summarize([str(path)], jobs=1)
    render.summary_json(report)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds per case)")
    parser.add_argument("--case", action="append", choices=sorted(GENERATORS), help="only these cases")
    parser.add_argument("--size", action="append", type=int, help="sizes to run (bytes or lines)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a run is killed")
    parser.add_argument("--profile", action="store_true", help="cProfile in-process instead of timing")
    parser.add_argument("--top", type=int, default=25, help="functions shown with --profile")
    parser.add_argument("--keep", type=Path, help="write the cases into this folder and keep them")
    args = parser.parse_args(argv)

    sizes = QUICK if args.quick else FULL
    cases = args.case or sorted(GENERATORS)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="imx-huge-text-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        print(f"{'case':<9} {'size':>10} {'MB':>7} {'seconds':>8} {'peak MB':>8} {'out KB':>9}  status")
        for case in cases:
            for size in args.size or sizes[case]:
                path = folder / f"{case}-{size}.txt"
                write_case(path, case, size)
                megabytes = path.stat().st_size / 1e6
                if args.profile:
                    print(f"== {case} {size} ({megabytes:.1f} MB)")
                    profile_case(path, args.top)
                    continue
                result = run_case(path, args.timeout)
                print(
                    f"{case:<9} {size:>10,} {megabytes:>7.2f} {result['seconds']:>8.2f} "
                    f"{result['peak_mb']:>8.0f} {result['output_bytes'] / 1024:>9.1f}  {result['status']}",
                    flush=True,
                )
                for line in result["stderr"]:  # type: ignore[union-attr]
                    print(f"          {line[:150]}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
