"""Time issue 12's last \\b-opening patterns against their rewrites, sentence by sentence.

    python benchmarks/last_b_patterns.py ../shared/corpus/real-dev/texts [--rounds 5]

Every sentence (the project's own splitter) of the .txt files under the folder. Prints, for
each pair, the total CPU seconds (best of the rounds) of searching every sentence with the old
pattern and with the new, their ratio and the matches each found.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from imatinib_cli.extract import heme, outcomes
from imatinib_cli.extract.sentences import split_sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from extract_helpers import old_time_parts  # noqa: E402


def _old_timepoint() -> re.Pattern[str]:
    number, unit_alt = old_time_parts()  # the tests' copy of the patterns before issue 12
    return re.compile(
        rf"(?:\b(?:at|after|by|within)\s+(?P<value>{number})\s*(?P<unit>{unit_alt})\b)"
        rf"|(?:\b(?P<value2>{number})-(?P<unit2>{unit_alt})\b)",
        re.I,
    )


def _best(run: Callable[[], int], rounds: int) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(rounds):
        began = time.process_time()
        found = run()
        best = min(best, time.process_time() - began)
    return best, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    spans = []
    for path in sorted(args.folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        spans.extend((text, s.start, s.end) for s in split_sentences(text))
    old_time, new_time = _old_timepoint(), outcomes._time_patterns()[1]
    group, gate = heme._of_the_group_pattern(), heme._of_the_group_gate()
    pairs = {
        "outcomes time point": (
            lambda: sum(len(old_time.findall(t, a, b)) for t, a, b in spans),
            lambda: sum(len(new_time.findall(t, a, b)) for t, a, b in spans),
        ),
        "heme of-the-group": (
            lambda: sum(len(group.findall(t, a, b)) for t, a, b in spans),
            lambda: sum(len(group.findall(t, a, b)) for t, a, b in spans if gate.search(t, a, b)),
        ),
    }
    print(f"{len(spans)} sentences")
    for name, (old, new) in pairs.items():
        (old_s, old_n), (new_s, new_n) = _best(old, args.rounds), _best(new, args.rounds)
        print(
            f"{name}: old {old_s:.4f} s, new {new_s:.4f} s, "
            f"ratio {old_s / new_s:.1f}x, matches {old_n}/{new_n}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
