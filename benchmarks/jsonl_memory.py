"""Peak memory of `imx summarize --jsonl` against the number of documents (issue 12: flat to 100,000).

    python benchmarks/jsonl_memory.py                          # 1,000 / 10,000 / 100,000, both shapes
    python benchmarks/jsonl_memory.py --counts 1000,10000 --shape files
    python benchmarks/jsonl_memory.py --keep /tmp/corpora      # reuse (or keep) the generated corpora

For each count and shape it generates a corpus with benchmarks/generate.py (seed 1) and runs

    imx summarize CORPUS --jsonl --no-cache --jobs 1 > /dev/null

under /usr/bin/time -f %M (the peak RSS of the process, KiB), then prints a table with the growth
per document over the first count and the ratio to it. A first row, "start-up", is the same run
over a copy of seeds/ (5 documents): what any run costs before the corpus matters, so a reader can
tell how much of the first count's peak is the corpus's. Two shapes, because many files and many
records are different work:

    files    the generator's mix (text, PubMed pages, Markdown, HTML, PubMed XML of 50 records,
             ClinicalTrials.gov JSON): ~80 % of documents one file each, all in one folder (the
             walk: its listing, its duplicate checks)
    records  PubMed XML only, 1,000 records per file: few files, many documents (the stream: the
             spill store, grouping, merging)

The imx run is `python -m imatinib_cli` of the interpreter running this script, so PYTHONPATH picks
the code measured (a snapshot of another version: PYTHONPATH=/tmp/snapshot). 100,000 documents of
the files shape are ~580 MB in ~80,000 files and take ~5 minutes to extract at ~350 documents/s;
without --keep the corpora go to a temporary folder removed at the end. Nothing here asserts:
tests/test_stream_memory.py bounds what is held per document.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHAPES = {"files": [], "records": ["--kinds", "xml", "--xml-records", "1000"]}


def generate(out: Path, count: int, shape: str) -> None:
    """The corpus, unless a complete one is there already (its marker file sits beside the folder,
    not in it: imx would read it)."""
    done = out.parent / f"{out.name}.complete"
    if out.is_dir() and done.is_file():
        return
    command = [sys.executable, str(HERE / "generate.py"), "--out", str(out), "--count", str(count)]
    subprocess.run([*command, "--seed", "1", *SHAPES[shape]], check=True, capture_output=True)
    done.write_text("")


def peak_rss_kib(corpus: Path) -> tuple[int, float]:
    """The peak RSS (KiB) and wall seconds of one --jsonl run over corpus (run from the corpus's
    parent folder: `python -m` puts the working folder first on sys.path, before PYTHONPATH)."""
    command = [sys.executable, "-m", "imatinib_cli", "summarize", str(corpus), "--jsonl", "--no-cache"]
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%M", *command, "--jobs", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=corpus.parent,
            check=False,
        )
        return int(report.read().split()[-1]), time.perf_counter() - started


def startup_rss_kib() -> tuple[int, float]:
    """peak_rss_kib of a copy of seeds/ (a copy: run from the checkout, `python -m` would import the
    checkout's code whatever PYTHONPATH says)."""
    with tempfile.TemporaryDirectory(prefix="imx-jsonl-startup-") as folder:
        seeds = Path(folder) / "seeds"
        shutil.copytree(HERE.parent / "seeds", seeds)
        return peak_rss_kib(seeds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000,100000", help="comma-separated document counts")
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both")
    parser.add_argument("--keep", type=Path, help="folder for the corpora, kept (and reused) after the run")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if shutil.which("/usr/bin/time") is None:
        parser.error("/usr/bin/time is needed (it reports the peak RSS)")
    counts = [int(count) for count in args.counts.split(",")]
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    root = args.keep or Path(tempfile.mkdtemp(prefix="imx-jsonl-memory-"))
    rows = []
    try:
        print("| shape | documents | files | MB | peak RSS (MiB) | over the first | per document | wall s |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        kib, wall = startup_rss_kib()
        rows.append({"shape": "start-up", "documents": 5, "peak_rss_kib": kib, "wall_s": round(wall, 1)})
        print(f"| start-up (seeds/) | 5 | 5 | 0.0 | {kib / 1024:.1f} | | | {wall:.0f} |", flush=True)
        for shape in shapes:
            first = None
            for count in counts:
                corpus = root / f"{shape}-{count}"
                generate(corpus, count, shape)
                files = list(corpus.iterdir())
                size = sum(path.stat().st_size for path in files) / 1e6
                kib, wall = peak_rss_kib(corpus)
                first = first or (count, kib)
                growth = kib / first[1] - 1
                per_document = (kib - first[1]) * 1024 / (count - first[0]) if count != first[0] else 0.0
                rows.append(
                    {"shape": shape, "documents": count, "files": len(files), "mb": round(size, 1)}
                    | {
                        "peak_rss_kib": kib,
                        "wall_s": round(wall, 1),
                        "bytes_per_document": round(per_document),
                    }
                )
                print(
                    f"| {shape} | {count:,} | {len(files):,} | {size:.1f} | {kib / 1024:.1f} | {growth:+.1%}"
                    f" | {per_document:.0f} B | {wall:.0f} |",
                    flush=True,
                )
                if args.keep is None:
                    shutil.rmtree(corpus)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
