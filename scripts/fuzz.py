#!/usr/bin/env python3
"""Fuzz the whole pipeline in-process: generated inputs through load -> extract -> resolve -> JSON.

Inputs are mutations of the seed documents (seeds/) and of the format fixtures (tests/fixtures/load/),
splices of two of them, random bytes and random text. Every input is generated from (seed, index)
alone, so any one can be replayed with --replay INDEX. For each input the script checks that:

- nothing raises (load_records, extract, resolve, summary_json, json.dumps, UTF-8 encoding);
- nothing hangs (an input running longer than --timeout seconds is stopped and counted);
- every input is accounted for: at least one Document, each with a known status, and a one-line
  reason for every document that is not ok.

It also counts the Python warnings libraries raise while reading (bs4's are silenced in the HTML
reader; the CLI silences the rest unless --debug), for information.

Every --batch inputs, the findings of the batch are also resolved together (studies merged across
documents). The run prints its figures and exits 1 if any check failed; failing inputs are written to
--save (default fuzz-failures/) as INDEX.bin. docs/robustness.md has the command and the last figures.

    python scripts/fuzz.py                      # 100,000 inputs, seed 0, one worker per CPU
    python scripts/fuzz.py --count 2000 --jobs 1
    python scripts/fuzz.py --replay 4711        # run one input again, with its traceback
"""

from __future__ import annotations

import argparse
import codecs
import collections
import json
import multiprocessing
import os
import random
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATUSES = ("ok", "skipped", "error")

# Fragments that steer mutations into the readers' corners: markup, entities, front matter, record
# tags, encodings, numbers and response phrases.
TOKENS: tuple[bytes, ...] = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b"&lol2;",
    b"&xxe;",
    b"<![CDATA[",
    b"]]>",
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>",
    b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>",
    b"<clinical_study>",
    b'<AbstractText Label="RESULTS">',
    b"<html><body>",
    b"<div>" * 50,
    b"<script>",
    b'<meta charset="koi8-r">',
    b'{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}',
    b'{"studies": [',
    b"[" * 200,
    b'"resultsSection":',
    b"---\n",
    b"title: x\n",
    b"a: &a [1, *a]\n",
    b'x: !!python/object/apply:os.system ["true"]\n',
    b"PMID- 12345\n",
    b"AB  - RESULTS: 5 of 10 (50%) responded.\n",
    b"TY  - JOUR\n",
    b"ER  -\n",
    b"ClinicalTrials.gov Identifier: NCT00000001\n",
    b"Abstract\n",
    b"PubMed Disclaimer\n",
    b"RESULTS: ",
    b"complete response",
    b"partial response",
    b"stable disease",
    b"grade 3/4",
    b"400 mg twice daily",
    b"n = 40",
    b"12 (30%)",
    b"one hundred and twenty",
    b"95% CI, 12.1-45.3",
    b"%",
    b"\x00",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xc3\xa9",
    b"\xe9",
    b"\xed\xa0\x80",
    b"\xef\xbf\xbd",
    "\u00b9\u00b2".encode(),
    b"%PDF-1.4\n",
    b"%%EOF\n",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"\x1f\x8b",
)


def corpus() -> list[tuple[str, bytes]]:
    files = sorted((ROOT / "seeds").glob("*")) + sorted((ROOT / "tests" / "fixtures" / "load").glob("*"))
    return [(path.name, path.read_bytes()) for path in files if path.is_file()]


# --- generators --------------------------------------------------------------------------------


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 5, 10))):
        choice = rng.randrange(9)
        position = rng.randrange(len(out) + 1)
        if choice == 0 and out:  # flip bits
            index = rng.randrange(len(out))
            out[index] ^= 1 << rng.randrange(8)
        elif choice == 1:  # random bytes
            out[position:position] = rng.randbytes(rng.randrange(1, 16))
        elif choice == 2 and out:  # delete a span
            del out[position : position + rng.randrange(1, 200)]
        elif choice == 3:  # an interesting token
            out[position:position] = rng.choice(TOKENS)
        elif choice == 4 and out:  # duplicate a span
            start = rng.randrange(len(out))
            out[position:position] = out[start : start + rng.randrange(1, 400)]
        elif choice == 5:  # truncate
            del out[position:]
        elif choice == 6 and out:  # replace a byte with an ASCII digit or punctuation
            out[rng.randrange(len(out))] = rng.choice(b"0123456789%()/.,;:-<>&\"' \n")
        elif choice == 7 and out:  # repeat a short span many times (long lines, deep nesting)
            start = rng.randrange(len(out))
            out[position:position] = out[start : start + rng.randrange(1, 8)] * rng.randrange(2, 2000)
        elif choice == 8 and out:  # swap two spans
            a, b = sorted((rng.randrange(len(out)), rng.randrange(len(out))))
            width = rng.randrange(1, 100)
            out[a : a + width], out[b : b + width] = out[b : b + width], out[a : a + width]
    return bytes(out)


def _reencode(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    codec = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"))
    encoded = text.encode(codec, errors="replace")
    if codec in ("utf-16-le", "utf-16-be") and rng.random() < 0.5:
        encoded = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + encoded
    return encoded


def _random_text(rng: random.Random) -> bytes:
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:%()[]/<>&=-+\n\t\r\"'#*|"
        "\u00e9\u00fc\u00df\u2013\u2014\u00b1\u2264\u2265\u00b9\u00b2\u00b3\u2070\u00bd\u2153\u03b1\u03b2"
        "\u4e2d\U0001f600\ufffd\u200b\u00a0\u2028\ufeff"
    )
    length = rng.choice((0, 1, 5, 50, 500, 5000))
    words = rng.choices(alphabet, k=length)
    if rng.random() < 0.5:
        words.extend(
            rng.choice(TOKENS).decode("utf-8", errors="replace") for _ in range(rng.randrange(1, 20))
        )
        rng.shuffle(words)
    return "".join(words).encode(rng.choice(("utf-8", "utf-8", "utf-16")), errors="surrogatepass")


def generate(seed: int, index: int, documents: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """(kind, bytes) of input number index; depends on (seed, index) and the corpus only."""
    rng = random.Random(f"{seed}:{index}")
    roll = rng.random()
    name, base = rng.choice(documents)
    if roll < 0.55:
        return f"mutation:{name}", _mutate(rng, base)
    if roll < 0.65:
        other_name, other = rng.choice(documents)
        cut_a, cut_b = rng.randrange(len(base) + 1), rng.randrange(len(other) + 1)
        return f"splice:{name}+{other_name}", _mutate(rng, base[:cut_a] + other[cut_b:])
    if roll < 0.72:
        return f"reencode:{name}", _reencode(rng, _mutate(rng, base) if rng.random() < 0.5 else base)
    if roll < 0.80:
        start = rng.randrange(len(base) + 1)
        return f"window:{name}", base[start : start + rng.randrange(1, 3000)]
    if roll < 0.90:
        return "random-bytes", rng.randbytes(rng.choice((1, 2, 16, 256, 4096, 65536)))
    return "random-text", _random_text(rng)


# --- running -----------------------------------------------------------------------------------


class Timeout(BaseException):
    """Raised by SIGALRM inside an input that runs too long."""


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout


def check(data: bytes, path: str = "fuzz-input") -> tuple[list[Any], list[Any], list[str]]:
    """Documents, findings and the accounting problems of one input (raises on a crash)."""
    from imatinib_cli import render
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_records
    from imatinib_cli.models import Report
    from imatinib_cli.resolve import resolve

    documents = load_records(path, data)
    problems = []
    if not documents:
        problems.append("no document for the input")
    for document in documents:
        if document.status not in STATUSES:
            problems.append(f"unknown status {document.status!r}")
        if document.status != "ok" and not document.reason:
            problems.append(f"{document.status} document without a reason")
        if document.reason is not None and ("\n" in document.reason or "\r" in document.reason):
            problems.append("reason spans several lines")
        if document.reason is not None and " reader failed: " in document.reason:
            # the dispatcher kept the run going, but a reader raised: a bug to fix
            problems.append(document.reason)
    findings = [extract(document) for document in documents if document.status == "ok"]
    studies = resolve(findings)
    report = Report(documents=tuple(documents), studies=tuple(studies))
    json.dumps(render.summary_json(report), ensure_ascii=False).encode("utf-8")
    return documents, findings, problems


def run_range(args: tuple[int, int, int, int, float, str | None]) -> dict[str, Any]:
    seed, start, stop, batch, timeout, save = args
    from imatinib_cli.resolve import resolve

    documents = corpus()
    signal.signal(signal.SIGALRM, _alarm)
    counts: collections.Counter[str] = collections.Counter()
    formats: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    failures: list[dict[str, Any]] = []
    slowest = (0.0, -1, "")
    pending: list[Any] = []
    for index in range(start, stop):
        kind, data = generate(seed, index, documents)
        kinds[kind.split(":")[0]] += 1
        counts["inputs"] += 1
        began = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                found, findings, problems = check(data)
            counts["python warnings"] += len(caught)
        except Timeout:
            failures.append(
                {"index": index, "kind": kind, "error": f"timeout after {timeout:g} s", "where": "timeout"}
            )
            counts["timeouts"] += 1
            _save(save, index, data)
            continue
        except Exception as exc:  # noqa: BLE001 - counting crashes is the point
            failures.append(
                {
                    "index": index,
                    "kind": kind,
                    "error": f"{type(exc).__name__}: {exc}"[:300],
                    "where": _where(exc),
                }
            )
            counts["exceptions"] += 1
            _save(save, index, data)
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - began
        if elapsed > slowest[0]:
            slowest = (elapsed, index, kind)
        counts["bytes"] += len(data)
        counts["documents"] += len(found)
        for document in found:
            counts[document.status] += 1
            formats[document.format] += 1
        if problems:
            counts["accounting"] += 1
            failures.append({"index": index, "kind": kind, "error": "; ".join(problems)})
            _save(save, index, data)
        pending.extend(findings)
        if (index + 1 - start) % batch == 0 or index + 1 == stop:
            try:
                resolve(pending)
            except Exception as exc:  # noqa: BLE001
                failures.append(
                    {"index": index, "kind": "batch", "error": f"{type(exc).__name__}: {exc}"[:300]}
                )
                counts["exceptions"] += 1
            pending = []
    return {
        "counts": dict(counts),
        "formats": dict(formats),
        "kinds": dict(kinds),
        "failures": failures,
        "slowest": slowest,
    }


def _where(exc: BaseException) -> str:
    """The innermost frame inside the package: where the crash is, for grouping."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if "imatinib_cli" in frame.filename]
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} ({frame.name})"


def _save(folder: str | None, index: int, data: bytes) -> None:
    if folder:
        os.makedirs(folder, exist_ok=True)
        Path(folder, f"{index}.bin").write_bytes(data)


def replay(seed: int, index: int) -> int:
    kind, data = generate(seed, index, corpus())
    print(f"input {index} ({kind}, {len(data)} bytes): {data[:200]!r}")
    try:
        found, _findings, problems = check(data)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return 1
    for document in found:
        print(f"  {document.format} {document.status} {document.reason}")
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="number of inputs (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--batch", type=int, default=50, help="inputs whose findings are resolved together")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one input may take")
    parser.add_argument("--save", default="fuzz-failures", help="folder for failing inputs ('' to not save)")
    parser.add_argument("--replay", type=int, metavar="INDEX", help="run input INDEX alone and show it")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args.seed, args.replay)

    began = time.perf_counter()
    jobs = max(1, args.jobs)
    step = max(1, min(2000, args.count // (jobs * 4) or 1))
    ranges = [
        (args.seed, start, min(start + step, args.count), args.batch, args.timeout, args.save or None)
        for start in range(0, args.count, step)
    ]
    totals: collections.Counter[str] = collections.Counter()
    formats: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    failures: list[dict[str, Any]] = []
    slowest = (0.0, -1, "")
    if jobs == 1:
        results = map(run_range, ranges)
    else:
        pool = multiprocessing.get_context("fork").Pool(jobs)
        results = pool.imap_unordered(run_range, ranges)
    for result in results:
        totals.update(result["counts"])
        formats.update(result["formats"])
        kinds.update(result["kinds"])
        failures.extend(result["failures"])
        slowest = max(slowest, tuple(result["slowest"]))
    elapsed = time.perf_counter() - began

    print(f"seed {args.seed}, {jobs} worker(s)")
    print(f"inputs       {totals['inputs']:>9,}  ({totals['bytes'] / 1e6:,.1f} MB)")
    print("  by kind    " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(kinds.items())))
    print(f"documents    {totals['documents']:>9,}")
    for status in STATUSES:
        print(f"  {status:<10} {totals[status]:>9,}")
    print("  by format  " + ", ".join(f"{name} {count:,}" for name, count in formats.most_common()))
    print(f"exceptions   {totals['exceptions']:>9,}")
    print(f"timeouts     {totals['timeouts']:>9,}  (limit {args.timeout:g} s per input)")
    print(f"unaccounted  {totals['accounting']:>9,}")
    print(f"py warnings  {totals['python warnings']:>9,}  (from libraries; the CLI hides them)")
    print(f"slowest      {slowest[0]:>9.2f} s  (input {slowest[1]}, {slowest[2]})")
    print(f"elapsed      {elapsed:>9.1f} s  ({totals['inputs'] / max(elapsed, 1e-9):,.0f} inputs/s)")
    groups: dict[tuple[str, str], list[dict[str, Any]]] = collections.defaultdict(list)
    for failure in sorted(failures, key=lambda item: item["index"]):
        kind = failure["error"].split(":")[0]
        groups[(failure.get("where", ""), kind)].append(failure)
    for (where, _kind), members in sorted(groups.items(), key=lambda item: -len(item[1])):
        first = members[0]
        print(
            f"FAIL x{len(members)} {where or 'accounting'}: {first['error']}"
            f" (first: input {first['index']}, {first['kind']}; --replay {first['index']})"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
