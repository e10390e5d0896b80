"""How fast the extraction cache stores and finds per-document results.

Stores N entries whose values are real `Findings` (extracted from the seed documents, so each is the
size the executor stores), then reads them back in a new cache instance, then looks up N absent
keys. Prints entries/s for each (per wall-clock second, and per second of this process's CPU
time, which a busy machine disturbs less), the database size and the bytes per entry; with --zlib,
what compressing each entry (JSON through imatinib_cli/codec.py) would change.

    python benchmarks/cache_bench.py --count 10000 --batch 500

Not a test; docs/performance-log.md ("Cache") holds the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imatinib_cli import cache as cache_module  # noqa: E402
from imatinib_cli.cache import ExtractionCache  # noqa: E402
from imatinib_cli.extract import extract  # noqa: E402
from imatinib_cli.load import load_paths  # noqa: E402
from imatinib_cli.models import STATUS_OK  # noqa: E402

_PLAIN = (cache_module._dumps, cache_module._loads)


def _zlib_dumps(value: object) -> bytes:
    return zlib.compress(_PLAIN[0](value), 1)


def _zlib_loads(blob: bytes) -> object:
    return _PLAIN[1](zlib.decompress(blob))


def _batches(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def measure(count: int, batch: int, compress: bool) -> dict[str, float]:
    documents = [d for d in load_paths([str(ROOT / "seeds")]) if d.status == STATUS_OK]
    findings = [extract(d) for d in documents]
    started = time.perf_counter()
    for document in documents * 20:
        extract(document)
    extract_per_doc = (time.perf_counter() - started) / (len(documents) * 20)
    keys = [hashlib.sha256(f"document {n}".encode()).hexdigest() for n in range(count)]
    absent = [hashlib.sha256(f"absent {n}".encode()).hexdigest() for n in range(count)]
    items = [(key, findings[n % len(findings)]) for n, key in enumerate(keys)]
    # What the cache would cost with zlib (level 1, the fastest) around each entry.
    cache_module._dumps, cache_module._loads = (_zlib_dumps, _zlib_loads) if compress else _PLAIN
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / cache_module.DB_NAME
        with ExtractionCache(path) as cache:
            started, cpu = time.perf_counter(), time.process_time()
            for chunk in _batches(items, batch):
                cache.put_many(chunk)
            put_seconds, put_cpu = time.perf_counter() - started, time.process_time() - cpu
            assert not cache.warnings, cache.warnings
        size = sum(
            os.path.getsize(f"{path}{suffix}") for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}")
        )
        with ExtractionCache(path) as cache:  # a new run: a new connection
            started, cpu = time.perf_counter(), time.process_time()
            hits = 0
            for chunk in _batches(keys, batch):
                hits += len(cache.get_many(chunk))
            get_seconds, get_cpu = time.perf_counter() - started, time.process_time() - cpu
            started = time.perf_counter()
            for chunk in _batches(absent, batch):
                hits += len(cache.get_many(chunk))
            miss_seconds = time.perf_counter() - started
            assert hits == count and not cache.warnings
    return {
        "entries": count,
        "batch": batch,
        "zlib": compress,
        "puts_per_s": count / put_seconds,
        "gets_per_s": count / get_seconds,
        "puts_per_cpu_s": count / put_cpu,
        "gets_per_cpu_s": count / get_cpu,
        "misses_per_s": count / miss_seconds,
        "db_mb": size / 1e6,
        "bytes_per_entry": size / count,
        "extract_docs_per_s": 1 / extract_per_doc,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--zlib", action="store_true", help="measure with zlib around each entry")
    parser.add_argument("--repeat", type=int, default=3, help="runs; each rate is the best of them")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = [measure(args.count, args.batch, compress=args.zlib) for _ in range(max(1, args.repeat))]
    result = {
        key: max(run[key] for run in runs) if key.endswith("_per_s") else runs[0][key] for key in runs[0]
    }
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name:<20} {value:,.1f}" if isinstance(value, float) else f"{name:<20} {value}")


if __name__ == "__main__":
    main()
