"""Print imx's extraction next to the hand-written expectations for the abstracts in this folder.

Usage (from the repository root):  .venv/bin/python tests/cases/abstracts/show_cases.py [FILTER ...]

Not a pytest module on purpose: the cases document known failures, they do not gate CI.
Run imx on the *.txt files only; the *.yaml files next to them are expectations, not inputs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CATEGORIES = ("cr", "pr", "sd", "pd", "ne", "orr")


def _resp(item: dict | None) -> str:
    if item is None:
        return "-"
    mark = "*" if item["derived"] else ""
    return f"{item['count']}/{item['percent']}{mark}"


def _value(quantity: dict | None) -> float | None:
    return quantity["value"] if quantity else None


def _show(path: Path) -> None:
    expected = yaml.safe_load(path.with_suffix(".yaml").read_text())
    run = subprocess.run(
        [sys.executable, "-m", "imatinib_cli", "summarize", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    print("=" * 100)
    print(path.name, "exit", run.returncode)
    if run.returncode:
        print(run.stderr)
        return
    report = json.loads(run.stdout)
    for study in report["studies"]:
        print(
            f"  design phase={study['design']['phase']} N={_value(study['n_enrolled'])}"
            f"  | expected phase={expected.get('phase')} N={expected.get('n_enrolled')}"
        )
        for pop in study["populations"]:
            responses = " ".join(f"{c.upper()}={_resp(pop['response'][c])}" for c in CATEGORIES)
            print(
                f"  GOT {pop['label']!r} [{pop['tumor_type']}] n={_value(pop['n'])} "
                f"doses={pop['doses_mg_per_day']} {responses}"
            )
        for pop in expected["populations"]:
            responses = " ".join(f"{c.upper()}={pop.get(c)}" for c in CATEGORIES)
            print(
                f"  EXP {pop['tumor_type_words']!r} n={pop['n']} doses={pop['doses_mg_per_day']} {responses}"
            )
        got_tox = [(t["as_written"], t["percent"], t["grade"]) for t in study["toxicities"]]
        exp_tox = [(t["as_written"], t.get("percent"), t.get("grade")) for t in expected["toxicities"]]
        print(f"  GOT tox {got_tox}\n  EXP tox {exp_tox}")
        got_out = [(o["kind"], o["value"], o["timepoint"], o["population"]) for o in study["outcomes"]]
        exp_out = [
            (o["kind"], o.get("value"), o.get("timepoint"), o.get("population")) for o in expected["outcomes"]
        ]
        print(f"  GOT outcomes {got_out}\n  EXP outcomes {exp_out}")
        for warning in study["warnings"]:
            print("  WARN", warning["message"])


def main(filters: list[str]) -> None:
    for path in sorted(HERE.glob("*.txt")):
        if not filters or any(f in path.name for f in filters):
            _show(path)


if __name__ == "__main__":
    main(sys.argv[1:])
