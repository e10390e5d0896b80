"""What extraction alone costs per document, and the phrase matcher's part of it.

    python benchmarks/generate.py --out /tmp/imx-bench --count 2000 --seed 1
    python benchmarks/extract_time.py /tmp/imx-bench
    python benchmarks/extract_time.py /tmp/imx-bench --kind .txt --root /path/to/another/checkout

Reads every file first (not timed), then extracts every document `--repeat` times and prints the
CPU time per document of the fastest round; with --profile, the share of `Matcher.find` (with
what it calls) under cProfile instead. --root runs the same with the imatinib_cli of another
checkout (a `git archive main` export), to compare before and after. Not a test;
docs/performance-log.md ("One pass over each text") holds the figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kind", default="", help="only files whose path contains this (.txt, .html)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--root", type=Path, help="another checkout whose imatinib_cli to time")
    args = parser.parse_args()
    if args.root is not None:
        sys.path.insert(0, str(args.root))
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_records

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and args.kind in str(p))
    documents = [d for f in files for d in load_records(str(f), f.read_bytes()) if d.status == "ok"]
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: [extract(document) for document in documents])
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        total = max(row[3] for row in stats.values())
        find = sum(row[3] for key, row in stats.items() if key[0].endswith("vocab.py") and key[2] == "find")
        print(f"{len(documents)} documents: Matcher.find with what it calls {find / total:.1%} of extraction")
        return
    rounds = []
    for _ in range(args.repeat):
        began = time.process_time()
        for document in documents:
            extract(document)
        rounds.append((time.process_time() - began) * 1e3 / len(documents))
    print(
        f"{len(documents)} documents: extraction {min(rounds):.3f} ms CPU a document (best of {args.repeat})"
    )


if __name__ == "__main__":
    main()
