"""Benchmark imx on a corpus: each stage and end to end, beside a floor measured in the same run.

    python benchmarks/generate.py --out /tmp/imx-bench --count 2000 --seed 1
    python benchmarks/run.py --corpus /tmp/imx-bench [--json results.json]

What is measured (each part in a fresh Python process, so peak RSS is that part's own):

- stages, in-process through the library: load (imatinib_cli.load.load_paths), extract
  (imatinib_cli.extract.extract on every ok document), resolve (imatinib_cli.resolve.resolve),
  analyze (imatinib_cli.analyze.analyze, by tumor type) and render (imatinib_cli.render.summary_json
  plus json.dumps as `--json` writes it). Peak RSS is the process's peak after the stage (so it
  only grows from stage to stage).
- end to end in-process: imatinib_cli.pipeline.summarize + summary_json + json.dumps.
- end to end CLI: `imx summarize --json CORPUS` and `imx summarize --jsonl CORPUS` as subprocesses
  (start-up included).
- per file type: load_records + extract per file, grouped by file extension (html, xml, ...).
- the floor: read every file, decode it, and run one compiled regex over the text.
- start-up: `imx --help` and `imx summarize seeds/` beside a minimal Typer app printing a five-row
  rich table (benchmarks/minimal_typer_app.py), each run --startup-runs times; medians.

documents/s counts documents (records: a PubMed XML file of 50 records is 50 documents); MB/s is
the corpus's bytes over the stage's time, for every stage, so the figures compare directly.
The benchmark is not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The floor's one regex pass: numbers with the units and words extraction looks for.
FLOOR_PATTERN = re.compile(
    r"(?i)\b\d+(?:\.\d+)?\s*(?:%|mg|patients|months|weeks)|\b(?:complete|partial|stable|objective) response"
)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _files(corpus: Path) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(corpus):
        dirs.sort()
        found.extend(Path(folder) / name for name in sorted(names))
    return found


def _kind(path: str | Path) -> str:
    return Path(path).suffix.lstrip(".").lower() or "none"


# ---- workers: each runs in its own process and prints one JSON object ----------------------------


def worker_floor(corpus: Path) -> dict:
    start = time.perf_counter()
    matches = 0
    size = 0
    by_kind: dict[str, dict[str, float]] = {}
    files = _files(corpus)
    for path in files:
        t0 = time.perf_counter()
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        found = sum(1 for _ in FLOOR_PATTERN.finditer(text))
        elapsed = time.perf_counter() - t0
        matches += found
        size += len(data)
        entry = by_kind.setdefault(_kind(path), {"files": 0, "bytes": 0, "seconds": 0.0})
        entry["files"] += 1
        entry["bytes"] += len(data)
        entry["seconds"] += elapsed
    return {
        "seconds": time.perf_counter() - start,
        "files": len(files),
        "bytes": size,
        "matches": matches,
        "peak_rss_mb": _peak_rss_mb(),
        "by_kind": by_kind,
    }


def worker_stages(corpus: Path) -> dict:

    from imatinib_cli.analyze import analyze
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_paths, load_records
    from imatinib_cli.models import STATUS_OK, Report
    from imatinib_cli.render import summary_json
    from imatinib_cli.render.json import write_json
    from imatinib_cli.resolve import resolve

    stages: dict[str, dict] = {}
    baseline = _peak_rss_mb()

    t0 = time.perf_counter()
    documents = load_paths([str(corpus)])
    stages["load"] = {"seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}

    t0 = time.perf_counter()
    findings = []
    failed = 0
    for document in documents:
        if document.status != STATUS_OK:
            continue
        try:
            findings.append(extract(document))
        except Exception:  # noqa: BLE001 - counted, as the pipeline would list it
            failed += 1
    stages["extract"] = {"seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}

    t0 = time.perf_counter()
    studies = resolve(findings)
    stages["resolve"] = {"seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}

    t0 = time.perf_counter()
    comparison = analyze(studies, by="tumor-type")
    stages["analyze"] = {"seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}

    t0 = time.perf_counter()
    buffer = io.StringIO()
    write_json(summary_json(Report(documents=tuple(documents), studies=tuple(studies))), buffer)
    rendered = buffer.getvalue()
    stages["render"] = {"seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}

    # Per file type: load_records + extract, file by file (a second read of the same files).
    by_kind: dict[str, dict[str, float]] = {}
    for path in _files(corpus):
        data = path.read_bytes()
        entry = by_kind.setdefault(
            _kind(path), {"files": 0, "documents": 0, "bytes": 0, "load_seconds": 0.0, "extract_seconds": 0.0}
        )
        t0 = time.perf_counter()
        records = load_records(str(path), data)
        t1 = time.perf_counter()
        for record in records:
            if record.status == STATUS_OK:
                with contextlib.suppress(Exception):  # counted in the stage pass above
                    extract(record)
        t2 = time.perf_counter()
        entry["files"] += 1
        entry["documents"] += len(records)
        entry["bytes"] += len(data)
        entry["load_seconds"] += t1 - t0
        entry["extract_seconds"] += t2 - t1

    statuses: dict[str, int] = {}
    for document in documents:
        statuses[document.status] = statuses.get(document.status, 0) + 1
    return {
        "documents": len(documents),
        "statuses": statuses,
        "extract_failures": failed,
        "studies": len(studies),
        "groups": len(getattr(comparison, "groups", ()) or ()),
        "json_bytes": len(rendered.encode("utf-8")),
        "import_peak_rss_mb": baseline,
        "stages": stages,
        "by_kind": by_kind,
    }


def worker_end_to_end(corpus: Path) -> dict:

    from imatinib_cli import pipeline
    from imatinib_cli.render import summary_json
    from imatinib_cli.render.json import write_json

    t0 = time.perf_counter()
    report = pipeline.summarize([str(corpus)], jobs=1)  # one core, like the stages
    buffer = io.StringIO()
    write_json(summary_json(report), buffer)  # as --json writes it
    rendered = buffer.getvalue()
    return {
        "seconds": time.perf_counter() - t0,
        "documents": len(report.documents),
        "json_bytes": len(rendered.encode("utf-8")),
        "peak_rss_mb": _peak_rss_mb(),
    }


WORKERS = {"floor": worker_floor, "stages": worker_stages, "end_to_end": worker_end_to_end}


# ---- the parent: runs the workers and subprocesses, prints and saves ------------------------------


def _timed(
    command: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[float, float, int, bytes]:
    """Wall seconds, peak RSS (MB) and exit status of one subprocess; its stdout."""
    t0 = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - t0
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode, out


def _worker(name: str, corpus: Path) -> dict:
    _, _, code, out = _timed(
        [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--corpus", str(corpus)]
    )
    if code != 0:
        raise SystemExit(f"benchmark worker {name!r} failed with exit status {code}")
    return json.loads(out)


def _imx_command() -> list[str]:
    script = Path(sys.executable).parent / "imx"
    return [str(script)] if script.exists() else [sys.executable, "-m", "imatinib_cli"]


def _median_run(command: list[str], runs: int) -> dict:
    _timed(command)  # warm the page cache; not counted
    times = []
    codes = set()
    for _ in range(runs):
        elapsed, _, code, _ = _timed(command)
        times.append(elapsed)
        codes.add(code)
    return {
        "command": command,
        "runs": runs,
        "median_s": statistics.median(times),
        "times_s": times,
        "exit_codes": sorted(codes),
    }


def startup(runs: int, seeds: Path) -> dict:
    # An installed package has its bytecode compiled at install time; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run. Compile it once, as an
    # install would, so the timings are of imx and not of the compiler.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "imatinib_cli")], check=False)
    imx = _imx_command()
    minimal = [sys.executable, str(HERE / "minimal_typer_app.py")]
    pairs = {
        "help": (imx + ["--help"], minimal + ["--help"]),
        "summarize_seeds": (imx + ["summarize", str(seeds)], minimal),
    }
    results = {}
    for name, (ours, theirs) in pairs.items():
        mine = _median_run(ours, runs)
        base = _median_run(theirs, runs)
        results[name] = {"imx": mine, "minimal_typer": base, "ratio": mine["median_s"] / base["median_s"]}
    return results


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def run(corpus: Path, *, jobs: int, cli: bool, startup_runs: int, seeds: Path) -> dict:
    stages = _worker("stages", corpus)
    floor = _worker("floor", corpus)
    e2e = _worker("end_to_end", corpus)
    n_docs = stages["documents"]
    size = floor["bytes"]
    rows = {}
    for name, stage in stages["stages"].items():
        rows[name] = {
            "seconds": stage["seconds"],
            "docs_per_s": _rate(n_docs, stage["seconds"]),
            "mb_per_s": _rate(size / 1e6, stage["seconds"]),
            "peak_rss_mb": stage["peak_rss_mb"],
        }
    rows["end_to_end"] = {
        "seconds": e2e["seconds"],
        "docs_per_s": _rate(n_docs, e2e["seconds"]),
        "mb_per_s": _rate(size / 1e6, e2e["seconds"]),
        "peak_rss_mb": e2e["peak_rss_mb"],
    }
    # The CLI end to end, with --json and with --jsonl (streamed; its peak RSS should not grow with
    # the corpus: docs/performance-log.md, "Memory with --jsonl"). --jobs is always given: the CLI's
    # default is every core. The extraction cache lives in a fresh folder: the --json run starts
    # empty and fills it, the rerun reads every document from it, and --jsonl runs with --no-cache.
    cache_dir = tempfile.mkdtemp(prefix="imx-bench-cache-")
    runs = (
        ("cli_end_to_end", ["--json"]),
        ("cli_rerun_cached", ["--json"]),
        ("cli_jsonl", ["--jsonl", "--no-cache"]),
    )
    for name, output in runs if cli else ():
        command = _imx_command() + ["summarize", *output, str(corpus), "--jobs", str(jobs)]
        elapsed, rss, code, _ = _timed(command, env={**os.environ, "IMX_CACHE_DIR": cache_dir})
        rows[name] = {
            "seconds": elapsed,
            "docs_per_s": _rate(n_docs, elapsed),
            "mb_per_s": _rate(size / 1e6, elapsed),
            "peak_rss_mb": rss,
            "exit_code": code,
            "command": command,
        }
    shutil.rmtree(cache_dir, ignore_errors=True)
    rows["floor"] = {
        "seconds": floor["seconds"],
        "docs_per_s": _rate(n_docs, floor["seconds"]),
        "mb_per_s": _rate(size / 1e6, floor["seconds"]),
        "peak_rss_mb": floor["peak_rss_mb"],
    }
    kinds = {}
    for kind, entry in sorted(stages["by_kind"].items()):
        seconds = entry["load_seconds"] + entry["extract_seconds"]
        floor_kind = floor["by_kind"].get(kind, {"seconds": 0.0})
        kinds[kind] = {
            **entry,
            "docs_per_s": _rate(entry["documents"], seconds),
            "load_docs_per_s": _rate(entry["documents"], entry["load_seconds"]),
            "extract_docs_per_s": _rate(entry["documents"], entry["extract_seconds"]),
            "mb_per_s": _rate(entry["bytes"] / 1e6, seconds),
            "floor_docs_per_s": _rate(entry["documents"], floor_kind["seconds"]),
            "floor_mb_per_s": _rate(entry["bytes"] / 1e6, floor_kind["seconds"]),
        }
    return {
        "corpus": {
            "path": str(corpus),
            "files": floor["files"],
            "documents": n_docs,
            "bytes": size,
            "statuses": stages["statuses"],
            "extract_failures": stages["extract_failures"],
            "studies": stages["studies"],
            "json_bytes": stages["json_bytes"],
        },
        "jobs": jobs,
        "machine": machine(),
        "stages": rows,
        "by_kind": kinds,
        "startup": startup(startup_runs, seeds) if startup_runs > 0 else None,
    }


def report(results: dict) -> str:
    corpus = results["corpus"]
    m = results["machine"]
    lines = [
        f"corpus: {corpus['path']}: {corpus['documents']} documents in {corpus['files']} files, "
        f"{corpus['bytes'] / 1e6:.1f} MB; {corpus['studies']} studies; statuses {corpus['statuses']}",
        f"machine: {m['nproc']} CPUs ({m['cpus_available']} available), {m['cpu_model']}, "
        f"Python {m['python']}; jobs {results['jobs']}",
        "",
        f"{'stage':<16}{'seconds':>10}{'docs/s':>12}{'MB/s':>10}{'peak RSS MB':>13}",
    ]
    for name, row in results["stages"].items():
        lines.append(
            f"{name:<16}{row['seconds']:>10.3f}{row['docs_per_s']:>12.1f}{row['mb_per_s']:>10.2f}"
            f"{row['peak_rss_mb']:>13.1f}"
        )
    floor = results["stages"]["floor"]["docs_per_s"]
    e2e = results["stages"]["end_to_end"]["docs_per_s"]
    lines.append(f"end to end is {e2e / floor:.1%} of the floor's documents/s")
    lines += [
        "",
        "per file type (load_records + extract, file by file; the floor on the same files)",
        f"{'type':<8}{'files':>7}{'docs':>7}{'MB':>8}{'docs/s':>10}{'load/s':>10}{'extract/s':>11}"
        f"{'MB/s':>8}{'floor docs/s':>14}",
    ]
    for kind, row in results["by_kind"].items():
        lines.append(
            f"{kind:<8}{row['files']:>7}{row['documents']:>7}{row['bytes'] / 1e6:>8.2f}"
            f"{row['docs_per_s']:>10.1f}"
            f"{row['load_docs_per_s']:>10.1f}{row['extract_docs_per_s']:>11.1f}{row['mb_per_s']:>8.2f}"
            f"{row['floor_docs_per_s']:>14.0f}"
        )
    if results["startup"]:
        lines += ["", f"start-up (median of {results['startup']['help']['imx']['runs']} runs, seconds)"]
        for name, row in results["startup"].items():
            lines.append(
                f"{name:<16} imx {row['imx']['median_s']:.3f}  minimal Typer app "
                f"{row['minimal_typer']['median_s']:.3f}  ratio {row['ratio']:.2f}x"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path, help="folder written by benchmarks/generate.py")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="passed to the CLI end-to-end run as --jobs (the in-process stages are serial)",
    )
    parser.add_argument("--json", dest="json_file", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--no-cli", action="store_true", help="skip the `imx summarize --json` and `--jsonl` subprocess runs"
    )
    parser.add_argument("--startup-runs", type=int, default=5, help="runs per start-up command (0 skips)")
    parser.add_argument(
        "--seeds", type=Path, default=ROOT / "seeds", help="folder for `imx summarize` start-up"
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.corpus)))
        return 0
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    results = run(
        args.corpus, jobs=args.jobs, cli=not args.no_cli, startup_runs=args.startup_runs, seeds=args.seeds
    )
    print(report(results))
    if args.json_file:
        args.json_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
