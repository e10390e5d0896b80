"""How many objects each document costs, stage by stage, and what each `--json` key costs.

    python benchmarks/generate.py --out /tmp/imx-bench --count 2000 --seed 1
    pip install memray      # optional: the total allocations (tracemalloc sees only what is kept)
    python benchmarks/objects_per_doc.py /tmp/imx-bench
    python benchmarks/objects_per_doc.py /tmp/imx-bench --keys        # also the --json key-cost tables

Reads every file first (not counted), warms up on the first documents, then runs the worker's
path one stage at a time over every document: load (load_records), extract, resolve (the
Findings without text, its link keys and merge_group of that document alone, as execute.made_lean
does) and render (study_piece: the study's `--json` text). Per document and stage it prints:
Python calls (cProfile's call count, C builtins included), allocations (memray's count of every
malloc and pymalloc block, freed or not; "-" without memray), blocks still held when the stage ends
(tracemalloc), and the median peak of traced memory within one document. Then the objects a
Findings holds (a gc.get_referents walk; classes not counted), how many of its strings are equal
copies, and the size of the pickled Findings (without text, as a worker sends it) and of the study's
`--json` text. --keys adds what each key of a study's `--json` object costs in bytes per document
(indentation, key and separators included), and what the repeated quotes cost. Runs whatever
imatinib_cli the interpreter imports: run it with another venv's python to compare two versions.
Not a test; docs/performance-log.md ("Objects per document") holds the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pickle
import statistics
import sys
import tempfile
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = ("load", "extract", "resolve", "render")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=2000, help="first N files (sorted); default 2000")
    parser.add_argument("--keys", action="store_true", help="also the --json key-cost tables")
    args = parser.parse_args()
    import imatinib_cli

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())[: args.limit]
    inputs = [(str(p), p.read_bytes()) for p in files]
    stages = _stages()
    outputs = _run_all(stages, inputs)  # also the warm-up: regexes compiled, vocabularies read
    count = len(outputs["extract"])
    print(f"imatinib_cli from {Path(imatinib_cli.__file__).parent}")
    print(f"{len(inputs)} files, {count} ok documents ({args.corpus})")
    print(f"{'stage':<8} {'calls':>8} {'allocs':>8} {'held':>7} {'peak KB':>8}   (per document)")
    for stage in STAGES:
        items = outputs["load_in"] if stage == "load" else outputs[_INPUT_OF[stage]]
        calls = _calls(stages[stage], items) / count
        allocations = _allocations(stages[stage], items)
        held, peak = _traced(stages[stage], items)
        shown = "-" if allocations is None else f"{allocations / count:.0f}"
        print(f"{stage:<8} {calls:>8.0f} {shown:>8} {held / count:>7.0f} {peak / 1024:>8.1f}")
    _kept(outputs)
    if args.keys:
        _key_costs(outputs["render"], count)


_INPUT_OF = {"extract": "load", "resolve": "extract", "render": "resolve"}


def _stages() -> dict[str, Callable[[Any], Any]]:
    from imatinib_cli.execute import without_text
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_records
    from imatinib_cli.render.json import study_piece
    from imatinib_cli.resolve import link_keys, merge_group

    def load(item: tuple[str, bytes]) -> list[Any]:
        return [d for d in load_records(*item) if d.status == "ok"]

    def resolve(findings: Any) -> Any:
        lean = without_text(findings)
        return (lean, merge_group([lean]) if link_keys(lean) is not None else None)

    def render(resolved: Any) -> Any:
        return None if resolved[1] is None else study_piece(resolved[1])

    return {"load": load, "extract": extract, "resolve": resolve, "render": render}


def _run_all(
    stages: dict[str, Callable[[Any], Any]], inputs: list[tuple[str, bytes]]
) -> dict[str, list[Any]]:
    loaded = [stages["load"](item) for item in inputs]
    documents = [d for ds in loaded for d in ds]
    findings = [stages["extract"](d) for d in documents]
    resolved = [stages["resolve"](f) for f in findings]
    rendered = [stages["render"](r) for r in resolved]
    return {
        "load_in": inputs,
        "load": documents,
        "extract": findings,
        "resolve": resolved,
        "render": rendered,
    }


def _calls(stage: Callable[[Any], Any], items: list[Any]) -> int:
    profile = cProfile.Profile()
    profile.enable()
    for item in items:
        stage(item)
    profile.disable()
    profile.create_stats()
    return sum(row[1] for row in profile.stats.values()) - 2  # type: ignore[attr-defined]


def _allocations(stage: Callable[[Any], Any], items: list[Any]) -> int | None:
    try:
        import memray
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.bin"
        kept = []
        with memray.Tracker(path, trace_python_allocators=True):
            for item in items:
                kept.append(stage(item))
        del kept
        return memray.FileReader(path).metadata.total_allocations


def _traced(stage: Callable[[Any], Any], items: list[Any]) -> tuple[int, float]:
    """Blocks still allocated after the stage (its outputs, kept) and the median peak in one call."""
    gc.collect()
    tracemalloc.start()
    before = sys.getallocatedblocks()
    peaks = []
    kept = []
    for item in items:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        kept.append(stage(item))
        peaks.append(tracemalloc.get_traced_memory()[1] - start)
    gc.collect()
    held = sys.getallocatedblocks() - before
    tracemalloc.stop()
    del kept
    return held, statistics.median(peaks)


def _walk(root: object) -> list[object]:
    """Every object reachable from root (classes, modules and functions not counted)."""
    seen: dict[int, object] = {}
    stack = [root]
    while stack:
        item = stack.pop()
        if (
            id(item) in seen
            or isinstance(item, type)
            or callable(item)
            and not hasattr(item, "__dataclass_fields__")
        ):
            continue
        seen[id(item)] = item
        stack.extend(gc.get_referents(item))
    return list(seen.values())


def _kept(outputs: dict[str, list[Any]]) -> None:
    findings = outputs["extract"]
    objects = strings = copies = copy_bytes = lean_bytes = 0
    pieces = [p for p in outputs["render"] if p is not None]
    for item, (lean, _) in zip(findings, outputs["resolve"], strict=True):
        reached = _walk(item)
        objects += len(reached)
        texts = [o for o in reached if isinstance(o, str)]
        strings += len(texts)
        by_value = Counter(texts)
        copies += sum(n - 1 for n in by_value.values())
        copy_bytes += sum((n - 1) * sys.getsizeof(s) for s, n in by_value.items())
        lean_bytes += len(pickle.dumps(lean, pickle.HIGHEST_PROTOCOL))
    count = len(findings)
    print(
        f"Findings: {objects / count:.0f} objects a document ({strings / count:.0f} strings, of which "
        f"{copies / count:.1f} equal copies of another, {copy_bytes / count:.0f} bytes)"
    )
    print(
        f"pickled Findings without text {lean_bytes / count:.0f} bytes; study --json text "
        f"{sum(len(p.encode()) for p in pieces) / count:.0f} bytes a document ({len(pieces)} studies)"
    )


def _key_costs(pieces: list[str | None], count: int) -> None:
    """Bytes of each member of a study's --json object, by top-level key and by name at any depth,
    as written (indented at a list item's depth inside "studies"); then the quotes' share."""
    top: Counter[str] = Counter()
    named: Counter[str] = Counter()
    quotes = unique_quotes = total = documents = unique_documents = 0
    seen_documents: set[str] = set()
    for piece in pieces:
        if piece is None:
            continue
        data = json.loads(piece)
        size = _size(data, 2, "", top, named)
        if size != len(piece.encode()):
            raise SystemExit(f"sizes disagree: {size} counted, {len(piece.encode())} written")
        total += size
        seen: set[str] = set()
        for quote, document in _quotes(data):
            length = len(_scalar(quote))
            quotes += length
            if quote not in seen:
                seen.add(quote)
                unique_quotes += length
            if document is not None:
                documents += len(_scalar(document))
                if document not in seen_documents:
                    seen_documents.add(document)
                    unique_documents += len(_scalar(document))
        seen_documents.clear()
    print(f"\n--json study object: {total / count:.0f} bytes a document; by top-level key")
    print("| key | bytes a document | share |\n| --- | ---: | ---: |")
    for key, size in top.most_common():
        print(f"| `{key}` | {size / count:.0f} | {size / total:.1%} |")
    print("\nby member name at any depth (nested members counted in their parents too)")
    print("| member | bytes a document | share |\n| --- | ---: | ---: |")
    for key, size in named.most_common(16):
        print(f"| `{key}` | {size / count:.0f} | {size / total:.1%} |")
    print(
        f"\nquotes: {quotes / count:.0f} bytes a document, of which {unique_quotes / count:.0f} "
        f"distinct within their study; repeats {(quotes - unique_quotes) / count:.0f} bytes "
        f"({(quotes - unique_quotes) / total:.1%} of the study text)"
    )
    print(
        f"evidence document names: {documents / count:.0f} bytes a document, of which "
        f"{unique_documents / count:.0f} distinct within their study; repeats "
        f"{(documents - unique_documents) / count:.0f} bytes ({(documents - unique_documents) / total:.1%})"
    )


_NULL = "(every member whose value is null)"


def _size(value: Any, depth: int, path: str, top: Counter[str], named: Counter[str]) -> int:
    """Bytes of value written by orjson with indent 2 at depth (a member's own line not counted)."""
    if isinstance(value, dict):
        if not value:
            return 2
        inner = "  " * (depth + 1)
        size = 2 + len(value) + 1 + 2 * depth  # "{", "\n" per member, "}" after the indentation
        for key, item in value.items():
            member = len(inner) + len(json.dumps(key, ensure_ascii=False).encode()) + 2
            member += _size(item, depth + 1, f"{path}.{key}", top, named) + 1  # "," or not
            if depth == 2:
                top[key] += member
            named[key] += member
            if item is None:
                named[_NULL] += member
            size += member
        return size - 1  # no comma after the last member
    if isinstance(value, list):
        if not value:
            return 2
        inner_size = len("  " * (depth + 1))
        items = sum(inner_size + _size(item, depth + 1, f"{path}[]", top, named) + 1 for item in value)
        return 2 + len(value) + 1 + 2 * depth + items - 1
    return len(_scalar(value))


def _scalar(value: Any) -> bytes:
    try:
        import orjson

        return orjson.dumps(value)
    except (ImportError, TypeError):
        return json.dumps(value, ensure_ascii=False).encode()


def _quotes(value: Any) -> list[tuple[str, str | None]]:
    """Each Evidence's quote with its document name, as written."""
    out = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("quote"), str):
                out.append((item["quote"], item.get("document")))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


if __name__ == "__main__":
    main()
