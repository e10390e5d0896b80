"""What an HTML page costs in-process: loading (decode, parse, text, sections) and extraction.

    python benchmarks/html_pages.py /tmp/imx-bench
    python benchmarks/html_pages.py /tmp/imx-bench --root /tmp/imx-main     # another checkout

Reads every `.html` file's bytes first (not timed), then, `--repeat` times, loads each page
(`load_records`) and extracts its documents, timing the two parts apart with the process's CPU
clock; prints the fastest round's CPU time per page for each part and their sum (whole-process
figures, start-up and output included, come from timing `imx summarize DIR --json --no-cache
--jobs 1`). --root times the imatinib_cli of another checkout (a `git archive main` export) the
same way, to compare before and after. Not a test; docs/performance.md ("HTML pages (issue 12)")
holds the figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, help="another checkout whose imatinib_cli to time")
    args = parser.parse_args()
    if args.root is not None:
        sys.path.insert(0, str(args.root))
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_records

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
