#!/usr/bin/env python3
"""Dump the Documents the loader makes of HTML inputs, and compare two dumps.

Used to check that a change to the HTML reader leaves its output unchanged: dump before the
change, dump after, compare. Inputs are files and folders (every file in them), pickles of
(path, sha256, text) the reader was handed (read through the dispatcher, as a file's decoded text
is), and --mutations N variants of each input made with scripts/fuzz.py's byte mutations (from a
fixed seed, so the before and after runs see the same bytes). Only inputs read as HTML are kept.

    python benchmarks/html_identity.py dump /tmp/html-before/docs.pkl /tmp/html-bench ../shared/seeds \\
        ../shared/fixtures tests/fixtures --mutations 20
    python benchmarks/html_identity.py compare /tmp/html-before/docs.pkl /tmp/html-after/docs.pkl
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def _inputs(paths: list[str]) -> Iterator[tuple[str, bytes | tuple[str, str, str]]]:
    for name in paths:
        path = Path(name)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pkl":
                with file.open("rb") as handle:
                    yield str(file), pickle.load(handle)
            else:
                yield str(file), file.read_bytes()


def _documents(key: str, item: bytes | tuple[str, str, str]) -> list[Any]:
    from imatinib_cli.load import load_records
    from imatinib_cli.load._dispatch import read_records

    if isinstance(item, bytes):
        return load_records(key, item)
    path, sha256, text = item
    return read_records(path, sha256, text)


def _as_bytes(item: bytes | tuple[str, str, str]) -> bytes:
    return item if isinstance(item, bytes) else item[2].encode("utf-8", errors="surrogatepass")


def dump(out: str, paths: list[str], mutations: int, seed: int) -> None:
    from fuzz import _mutate

    result: dict[str, list[dict[str, Any]]] = {}
    for key, item in _inputs(paths):
        documents = _documents(key, item)
        if not any(doc.format == "html" for doc in documents):
            continue
        result[key] = [dataclasses.asdict(doc) for doc in documents]
        for number in range(mutations):
            rng = random.Random(f"{seed}:{key}:{number}")
            variant_key = f"{key}#mutation{number}"
            variant = _mutate(rng, _as_bytes(item))
            docs = _documents(variant_key, variant)
            if any(doc.format == "html" for doc in docs):
                result[variant_key] = [dataclasses.asdict(doc) for doc in docs]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        pickle.dump(result, handle)
    statuses: dict[str, int] = {}
    for docs in result.values():
        for doc in docs:
            statuses[doc["status"]] = statuses.get(doc["status"], 0) + 1
    print(f"{len(result)} HTML inputs dumped to {out}; statuses {statuses}")


def _first_difference(a: Any, b: Any, where: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            found = _first_difference(a.get(key), b.get(key), f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{where}: {len(a)} items vs {len(b)}"
        for index, (left, right) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(left, right, f"{where}[{index}]")
            if found:
                return found
        return None
    if a != b:
        if isinstance(a, str) and isinstance(b, str):
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return f"{where} at {at}: {a[max(0, at - 60) : at + 60]!r} vs {b[max(0, at - 60) : at + 60]!r}"
        return f"{where}: {a!r} vs {b!r}"
    return None


def compare(before: str, after: str, show: int) -> int:
    with open(before, "rb") as handle:
        old = pickle.load(handle)
    with open(after, "rb") as handle:
        new = pickle.load(handle)
    differing = []
    for key in sorted(set(old) | set(new)):
        if key not in old or key not in new:
            differing.append((key, "only in " + ("after" if key in new else "before")))
            continue
        found = _first_difference(old[key], new[key])
        if found:
            differing.append((key, found))
    for key, found in differing[:show]:
        print(f"{key}\n    {found}")
    print(f"{len(differing)} of {len(set(old) | set(new))} inputs differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("out")
    dumping.add_argument("paths", nargs="+")
    dumping.add_argument("--mutations", type=int, default=0)
    dumping.add_argument("--seed", type=int, default=0)
    comparing = commands.add_parser("compare")
    comparing.add_argument("before")
    comparing.add_argument("after")
    comparing.add_argument("--show", type=int, default=20)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.out, args.paths, args.mutations, args.seed)
        return 0
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
