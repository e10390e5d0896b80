"""What making the output safe costs, and how soon a run stops when its reader goes away.

1. A closed pipe: `imx summarize DIR --jsonl | head -1` (worker processes, no cache) against the
   whole `--jsonl` run, and `--json | head -c 100`, each with imx's status (141: ended by SIGPIPE).
2. Rendering: the tables of `imx summarize` for DIR rendered into a buffer by imx's console (every
   string through safe_text, and the render hook on every segment) and by a plain rich Console, and
   the JSON text with and without the escaping of terminal controls.

    python benchmarks/output_safety.py --count 3000

Generates its documents (our own sentences) in a temporary folder. Not a test; docs/robustness.md
("Output safe to show and to open") holds the figures.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from imatinib_cli import pipeline, render  # noqa: E402
from imatinib_cli.render import json as json_render  # noqa: E402

IMX = Path(sys.executable).with_name("imx")


def write_corpus(folder: Path, count: int) -> None:
    for index in range(count):
        (folder / f"doc{index:05d}.txt").write_text(
            f"Imatinib in advanced gastrointestinal stromal tumor: cohort {index}\n\n"
            f"We enrolled {30 + index % 50} patients with gastrointestinal stromal tumor who received "
            f"imatinib 400 mg daily. {3 + index % 9} patients had a partial response and 1 patient had a "
            "complete response. Grade 3 neutropenia occurred in 12% of patients.\n",
            encoding="utf-8",
        )


def timed_shell(script: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip()


def best(seconds: list[float]) -> str:
    return f"{min(seconds) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="documents to generate")
    parser.add_argument("--repeat", type=int, default=5, help="renderings to time (the best is shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        write_corpus(folder, args.count)

        full, _ = timed_shell(f'"{IMX}" summarize {folder} --jsonl --no-cache > /dev/null')
        head, status = timed_shell(
            f'"{IMX}" summarize {folder} --jsonl --no-cache | head -1 > /dev/null; echo ${{PIPESTATUS[0]}}'
        )
        print(f"documents                      {args.count:,}")
        print(f"--jsonl, whole run             {full:.2f} s")
        print(f"--jsonl | head -1              {head:.2f} s  (imx status {status})")
        whole, status = timed_shell(
            f'"{IMX}" summarize {folder} --json --no-cache | head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}}'
        )
        print(f"--json | head -c 100           {whole:.2f} s  (imx status {status}; stops at the write)")

        report = pipeline.summarize([str(folder)], jobs=1)
        safe, plain = [], []
        for _ in range(args.repeat):
            buffer = io.StringIO()
            started = time.perf_counter()
            render.print_summary(report, render.file_console(buffer))
            safe.append(time.perf_counter() - started)
            buffer = io.StringIO()
            console = Console(
                file=buffer, width=140, highlight=False, color_system=None, force_terminal=False
            )
            started = time.perf_counter()
            render.print_summary(report, console)
            plain.append(time.perf_counter() - started)
        print(f"tables, imx console            {best(safe)}")
        print(f"tables, plain rich Console     {best(plain)}")

        data = render.summary_json(report)
        text = json_render._dumps(data, indent=True)
        escaped, unescaped = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            json_render._dumps(data, indent=True)
            escaped.append(time.perf_counter() - started)
            started = time.perf_counter()
            json_render._escape_for_terminals(text)
            unescaped.append(time.perf_counter() - started)
        size = f"({len(text) / 1e6:.1f} MB)"
        print(f"--json text {size}          {best(escaped)}, of which the scan {best(unescaped)}")


if __name__ == "__main__":
    main()
