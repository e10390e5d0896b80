"""What an HTML page costs in-process: loading (decode, parse, text, sections) and extraction.

    python benchmarks/html_pages.py /tmp/imx-bench
    python benchmarks/html_pages.py /tmp/imx-bench --root /tmp/imx-main     # another checkout
    python benchmarks/html_pages.py /tmp/imx-bench --against /tmp/imx-main --rounds 5   # side by side

Reads every `.html` file's bytes first (not timed), then, `--repeat` times, loads each page
(`load_records`) and extracts its documents, timing the two parts apart with the process's CPU
clock; prints the fastest round's CPU time per page for each part and their sum (whole-process
figures, start-up and output included, come from timing `imx summarize DIR --json --no-cache
--jobs 1`). --root times the imatinib_cli of another checkout (a `git archive main` export) the
same way, to compare before and after. --against ROOT does both in one run: --rounds pairs of
child processes, this checkout's and ROOT's in turn (the order swapped every round), then the
median of each part for each code and the median of the pairs' ratios (this / ROOT), the figures
to trust on a shared machine. Not a test; docs/performance-log.md ("HTML pages (issue 12)") holds the
figures.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

_FIGURES_RE = re.compile(r"load ([\d.]+) ms .* extract ([\d.]+) ms .* both ([\d.]+) ms")


def _side_by_side(args: argparse.Namespace) -> None:
    """Alternate child runs of this checkout and of args.against; print medians and ratios."""
    here = str(Path(__file__).resolve().parent.parent)
    figures: dict[str, list[tuple[float, ...]]] = {"this": [], "against": []}
    for round_ in range(args.rounds):
        order = [("this", here), ("against", str(args.against))]
        for name, root in order if round_ % 2 == 0 else order[::-1]:
            command = [
                sys.executable,
                __file__,
                str(args.corpus),
                "--repeat",
                str(args.repeat),
                "--root",
                root,
            ]
            run = subprocess.run(command, capture_output=True, text=True, cwd="/")
            if run.returncode != 0:
                raise SystemExit(f"{root}: the child run failed:\n{run.stderr[-2000:]}")
            output = run.stdout
            found = _FIGURES_RE.search(output)
            if found is None:
                raise SystemExit(f"no figures in: {output!r}")
            figures[name].append(tuple(float(value) for value in found.groups()))
    for index, part in enumerate(("load", "extract", "both")):
        this = [row[index] for row in figures["this"]]
        against = [row[index] for row in figures["against"]]
        ratios = [a / b for a, b in zip(this, against, strict=True)]
        print(
            f"{part}: this {statistics.median(this):.2f} ms, against {statistics.median(against):.2f} ms"
            f" CPU a page (medians of {args.rounds}); ratio {statistics.median(ratios):.2f}"
            f" ({min(ratios):.2f}-{max(ratios):.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, help="another checkout whose imatinib_cli to time")
    parser.add_argument("--against", type=Path, help="time this checkout and that one, side by side")
    parser.add_argument("--rounds", type=int, default=5, help="pairs of runs for --against")
    args = parser.parse_args()
    if args.against is not None:
        # the children run from "/" (so neither checkout's folder shadows the other's code)
        args.corpus, args.against = args.corpus.resolve(), args.against.resolve()
        _side_by_side(args)
        return
    if args.root is not None:
        sys.path.insert(0, str(args.root))
    import imatinib_cli
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_records

    if args.root is not None and args.root.resolve() not in Path(imatinib_cli.__file__).resolve().parents:
        raise SystemExit(f"imported {imatinib_cli.__file__}, not the code of {args.root}")

    pages = [(str(p), p.read_bytes()) for p in sorted(args.corpus.rglob("*.html")) if p.is_file()]
    if not pages:
        raise SystemExit(f"no .html files in {args.corpus}")
    best: tuple[float, float] | None = None
    for _ in range(args.repeat):
        loading = extracting = 0.0
        for path, data in pages:
            began = time.process_time()
            documents = load_records(path, data)
            loaded = time.process_time()
            for document in documents:
                if document.status == "ok":
                    extract(document)
            extracting += time.process_time() - loaded
            loading += loaded - began
        if best is None or loading + extracting < sum(best):
            best = (loading, extracting)
    assert best is not None
    count = len(pages)
    load_ms, extract_ms = (part * 1e3 / count for part in best)
    print(
        f"{count} pages: load {load_ms:.2f} ms ({1e3 / load_ms:.0f}/s), extract {extract_ms:.2f} ms "
        f"({1e3 / extract_ms:.0f}/s), both {load_ms + extract_ms:.2f} ms "
        f"({1e3 / (load_ms + extract_ms):.0f}/s) CPU a page (best of {args.repeat})"
    )


if __name__ == "__main__":
    main()
