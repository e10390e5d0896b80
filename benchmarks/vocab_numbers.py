"""Time and memory of issue 11's number reading and --vocab checks (docs/robustness.md).

    python benchmarks/vocab_numbers.py

Numbers: find_numbers and find_dropped over a generated 5 MB text of words and numbers (the kinds a
document holds, plus scientific notation, powers and unreadable numerals). --vocab: set_extra_dir on a
folder holding a 4 MiB extension file (the size limit) and on an alias bomb.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from imatinib_cli import vocab
from imatinib_cli.errors import UsageError
from imatinib_cli.extract.numbers import find_dropped, find_numbers


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def numbers() -> None:
    random.seed(1)
    words = ["patients", "had", "a", "partial", "response", "12", "45.3%", "(3/25)", "400", "mg", "1,234"]
    words += ["0.5", "1.5e+3", "10^4", "1 234", "07/2014", "12345678901234567890"]
    text = " ".join(random.choice(words) for _ in range(800_000))
    start = time.perf_counter()
    found = find_numbers(text)
    middle = time.perf_counter()
    dropped = find_dropped(text)
    end = time.perf_counter()
    print(
        f"numbers: {len(text) / 1e6:.1f} MB text, {len(found):,} numbers in {middle - start:.2f} s, "
        f"{len(dropped):,} not read in {end - middle:.2f} s; peak {peak_mb():.0f} MB"
    )


def folder() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp)
        synonyms = "".join(f"    - made-up phrase {i}\n" for i in range(10**6))
        body = "tumor_types:\n  - code: XYZ\n    name: Made-up\n    synonyms:\n" + synonyms
        data = body.encode()[: vocab.MAX_VOCAB_FILE_BYTES].rsplit(b"\n", 1)[0] + b"\n"
        (extra / "tumor_types.yaml").write_bytes(data)
        start = time.perf_counter()
        vocab.set_extra_dir(extra)
        print(
            f"--vocab: a {len(data) / 2**20:.1f} MiB tumor_types.yaml checked in "
            f"{time.perf_counter() - start:.2f} s; peak {peak_mb():.0f} MB"
        )
        vocab.set_extra_dir(None)
        bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=False)
        )
        (extra / "tumor_types.yaml").write_text(bomb, encoding="utf-8")
        start = time.perf_counter()
        try:
            vocab.set_extra_dir(extra)
        except UsageError as exc:
            print(f"--vocab: alias bomb (10^9 values) refused in {time.perf_counter() - start:.3f} s: {exc}")


if __name__ == "__main__":
    numbers() if "--vocab-only" not in sys.argv else None
    folder()
