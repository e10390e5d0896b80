"""Start-up of imx beside the minimal Typer app, as CPU time of alternated pairs (issue 12's targets).

    python3 -m venv /tmp/reg && /tmp/reg/bin/pip install . && /tmp/reg/bin/python -m compileall -q \\
        /tmp/reg/lib/python3.*/site-packages/imatinib_cli
    /tmp/reg/bin/python benchmarks/startup_pairs.py --venv /tmp/reg --pairs 11

Targets: `imx --help` ≤ 1.2x and `imx summarize seeds/` ≤ 1.5x the yardstick
(benchmarks/minimal_typer_app.py, run by the same venv's python), warm and with no vocabulary
snapshot yet. Each imx run is alternated with a yardstick run, after one warm-up of each (which
fills a fresh cache folder, `IMX_CACHE_DIR`, with the seeds' extraction results and the snapshot);
"no snapshot" deletes the snapshot before every imx run. The figure is whole-process CPU time
(user + sys, from getrusage), which a busy 2-core machine moves less than wall time; medians of
the runs and of the pairs' ratios are printed. Run it from a regular install (`pip install .`):
an editable install loads an import hook in every process, the yardstick's too. Not a test;
docs/performance.md holds the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _cpu(command: list[str], env: dict[str, str], before: Callable[[], None] | None = None) -> float:
    """CPU seconds (user + sys) of one run of command, run from the temporary folder."""
    if before is not None:
        before()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        command,
        env=env,
        cwd=tempfile.gettempdir(),  # not the checkout: `python` there would import ./imatinib_cli
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=Path, required=True, help="a venv with imatinib_cli installed")
    parser.add_argument("--seeds", type=Path, default=_HERE.parent / "seeds")
    parser.add_argument("--pairs", type=int, default=11)
    args = parser.parse_args()
    imx, python = str(args.venv / "bin" / "imx"), str(args.venv / "bin" / "python")
    yardstick = str(_HERE / "minimal_typer_app.py")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "IMX_CACHE_DIR": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def no_snapshot() -> None:
            for snapshot in Path(cache).glob("vocab-*.json"):
                snapshot.unlink()

        cases = [
            ("imx --help", [imx, "--help"], [python, yardstick, "--help"], None, 1.2),
            (
                "imx summarize seeds/, warm",
                [imx, "summarize", str(args.seeds)],
                [python, yardstick],
                None,
                1.5,
            ),
            (
                "imx summarize seeds/, no snapshot",
                [imx, "summarize", str(args.seeds)],
                [python, yardstick],
                no_snapshot,
                1.5,
            ),
        ]
        for name, ours, theirs, before, target in cases:
            _cpu(ours, env)  # warm-up: the cache and the snapshot filled
            _cpu(theirs, env)
            mine, yard = [], []
            for _ in range(args.pairs):
                mine.append(_cpu(ours, env, before))
                yard.append(_cpu(theirs, env))
            ratio = statistics.median(mine) / statistics.median(yard)
            pairs = statistics.median(a / b for a, b in zip(mine, yard, strict=True))
            print(
                f"{name}: {statistics.median(mine):.3f} s against {statistics.median(yard):.3f} s CPU, "
                f"ratio {ratio:.2f} (median of pairs {pairs:.2f}; target ≤ {target})"
            )


if __name__ == "__main__":
    main()
