#!/usr/bin/env python3
"""Check every value imx emits against its group's size and the 100% ceiling.

Runs `imx summarize --json` (in-process, without the cache) on the given paths and lists each value
that breaks an invariant of imatinib_cli.guard (a count above its group's N, a percent above 100, CR
or PR above ORR, categories adding up to more than N, a toxicity count above the enrollment).
Exit 0 when there is none, 1 otherwise. CI runs it on the real development corpus:

    python scripts/check_invariants.py ../shared/corpus/real-dev/texts
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imatinib_cli import guard, pipeline, render  # noqa: E402


def check(paths: list[str]) -> list[str]:
    """The violations in the summary of each document on its own (as `imx evaluate` reads them)."""
    problems: list[str] = []
    for path in _files(paths):
        report = pipeline.summarize([path], jobs=1)
        problems.extend(f"{path}: {line}" for line in guard.violations(render.summary_json(report)))
    return problems


def _files(paths: list[str]) -> list[str]:
    found: list[str] = []
    for item in map(Path, paths):
        found.extend(sorted(str(p) for p in item.rglob("*") if p.is_file()) if item.is_dir() else [str(item)])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="files or folders to summarize, each file on its own")
    args = parser.parse_args(argv)
    problems = check(args.paths)
    for line in problems:
        print(line)
    print(f"{len(problems)} values break an invariant", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
