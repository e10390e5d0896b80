#!/usr/bin/env python3
"""Write imatinib_cli/vocab/parsed/{name}.json: each packaged vocabulary YAML, pre-parsed.

imx reads a vocabulary from its pre-parsed form (orjson, ~1 ms for tumor_types) instead of parsing
the YAML (~70 ms, plus ~10 ms to import yaml) whenever the form was made from the YAML's present
bytes (its sha256 is in the form); otherwise it parses the YAML as before. The YAML stays the file
people edit: run this after editing one (scripts/build_vocab.py runs it after regenerating), and
tests/test_vocab_parsed.py fails while a form is stale. Deterministic: same YAML, same bytes.

A YAML whose values JSON cannot hold exactly (a date, a non-text key, an alias shared between two
places) gets no form, and is parsed at run time as before.

    python scripts/parse_vocab.py          # rewrite the forms that are out of date
    python scripts/parse_vocab.py --check  # exit 1 if any is out of date
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

import orjson
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imatinib_cli.vocab import PARSED_DIR, PARSED_FORMAT, VOCAB_DIR  # noqa: E402


def same(one: Any, other: Any) -> bool:
    """Equal and of the same types all the way down (1 is not 1.0 nor True; key order counts)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return list(one) == list(other) and all(same(one[key], other[key]) for key in one)
    if isinstance(one, list):
        return len(one) == len(other) and all(same(a, b) for a, b in zip(one, other, strict=True))
    return bool(one == other)


def parsed_form(path: Path) -> bytes | None:
    """The pre-parsed form of the YAML file `path`, or None when JSON cannot hold its values exactly."""
    source = path.read_bytes()
    text = source.decode("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # as imatinib_cli.vocab reads it
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=loader)):
        return None  # an alias is one object in two places; JSON would make two
    data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader, on a packaged file
    form = {
        "format": PARSED_FORMAT,
        "source": path.name,
        "sha256": hashlib.sha256(source).hexdigest(),
        "data": data,
    }
    try:
        blob = orjson.dumps(form) + b"\n"
    except TypeError:  # a date, a non-text key
        return None
    return blob if same(orjson.loads(blob)["data"], data) else None


def write_parsed(*, check: bool = False) -> list[str]:
    """Bring every form up to date (with check, only list them); the names that were out of date.
    A form whose YAML is gone, or whose YAML gets none, is removed."""
    stale: list[str] = []
    wanted: set[Path] = set()
    for path in sorted(VOCAB_DIR.glob("*.yaml")):
        target = PARSED_DIR / f"{path.stem}.json"
        blob = parsed_form(path)
        if blob is None:
            continue
        wanted.add(target)
        if not target.is_file() or target.read_bytes() != blob:
            stale.append(target.name)
            if not check:
                PARSED_DIR.mkdir(exist_ok=True)
                target.write_bytes(blob)
    for extra in sorted(set(PARSED_DIR.glob("*.json")) - wanted):
        stale.append(extra.name)
        if not check:
            extra.unlink()
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report whether the forms are current")
    args = parser.parse_args(argv)
    stale = write_parsed(check=args.check)
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)} (run python scripts/parse_vocab.py)", file=sys.stderr)
            return 1
        return 0
    print(f"wrote {', '.join(stale) or 'nothing (already current)'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
