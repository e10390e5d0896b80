#!/usr/bin/env python3
"""Print imx's scores on the real development corpus as Markdown: per field, per slice, micro.

    python scripts/corpus_report.py                                  # ../shared/corpus/real-dev
    python scripts/corpus_report.py --corrections tests/gold/real-dev-corrections.yaml
    python scripts/corpus_report.py --gold tests/gold/real-dev-heme.yaml

A slice is the folder under texts/ a document sits in (gist, heme, sarcoma, solid). What
docs/evaluation.md quotes comes from this script.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imatinib_cli.evaluate import Evaluation, FieldScore, evaluate  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "corpus" / "real-dev" / "gold.yaml"


def slices(evaluation: Evaluation) -> dict[str, FieldScore]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for document in evaluation.documents:
        name = Path(document.path).parent.name
        for score in document.scores:
            for index, value in enumerate((score.tp, score.fp, score.fn)):
                sums[name][index] += value
    return {name: FieldScore("micro", *counts) for name, counts in sorted(sums.items())}


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _row(name: str, score: FieldScore) -> str:
    cells = (score.tp, score.fp, score.fn, _ratio(score.precision), _ratio(score.recall), _ratio(score.f1))
    return f"| {name} | " + " | ".join(str(c) for c in cells) + " |"


def report(evaluation: Evaluation) -> str:
    header = "| {} | TP | FP | FN | P | R | F1 |\n|---|---|---|---|---|---|---|"
    lines = [header.format("field")]
    lines += [_row(s.label, s) for s in evaluation.fields if s.tp + s.fp + s.fn]
    lines.append(_row("**micro**", evaluation.micro))
    lines += ["", header.format("slice")]
    lines += [_row(name, score) for name, score in slices(evaluation).items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(DEFAULT_GOLD), help="the gold file (default: the real corpus)")
    parser.add_argument("--corrections", help="a corrections file (docs/evaluation.md, Corrections)")
    args = parser.parse_args(argv)
    print(report(evaluate(args.gold, corrections=args.corrections)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
