#!/usr/bin/env python3
"""Fuzz the whole pipeline in-process: generated inputs through every reader, then extract, resolve,
analyze and every renderer.

Each input is generated from (seed, index) alone, so any one can be replayed with --replay INDEX.
An input starts from a seed document of one reader, the reader chosen in turn so that every reader
gets its share (plain text, Markdown front matter, HTML, ClinicalTrials.gov JSON/XML and saved pages,
PubMed XML and saved pages, MEDLINE, RIS, catalog records, other JSON/XML data, PDF). Seeds are
seeds/, tests/fixtures/load/, ../shared/fixtures/ when present, and small documents written here
for the readers no fixture covers. Mutations know the format: JSON keys and values deleted,
duplicated, swapped, retyped, set to huge/negative/NaN values or nested thousands deep; XML
elements the same; HTML tags and meta fields; tagged and labelled lines; YAML front-matter values;
numbers; encodings, BOMs and line ends; plus byte-level mutation, splices, windows, random bytes
and random text. Some inputs come under the name "-" (standard input) or an odd file name.

For each input the script checks that:

- nothing raises (load_records, extract, resolve, summary_json, json.dumps, UTF-8 encoding);
- nothing hangs (an input running longer than --timeout seconds is stopped and counted; a worker
  stuck in C code is killed after 3 x --timeout and its input counted as a hang);
- nothing exhausts memory (each worker runs under --memory-limit; a MemoryError is a crash);
- every input is accounted for: at least one Document, each with a known status, and a one-line
  reason for every document that is not ok, and no "reader failed" reason (a reader that raised).

Every --batch inputs, the findings of the batch are resolved together, analyzed (by tumor type and
by toxicity) and rendered as the CLI does: warning lines, JSON, CSV and Markdown, and for one batch
in ten the terminal tables too (summary with evidence, comparisons), the slowest renderer.

A run covers inputs [--start, --start + --count) in chunks of --chunk-size; with --results FILE each
finished chunk's figures are appended to FILE as one JSON line, and chunks already in FILE (same
seed, generator and seed corpus) are skipped, so the same command resumes an interrupted run.
--summarize-results FILE adds the lines up. docs/robustness.md ("Fuzzing") has the commands and the
last figures.

    python scripts/fuzz.py --count 20000 --jobs 1
    nice -n 10 python scripts/fuzz.py --count 1000000 --jobs 1 --results fuzz-1m.jsonl   # resumable
    python scripts/fuzz.py --summarize-results fuzz-1m.jsonl
    python scripts/fuzz.py --replay 4711        # run one input again, with its traceback
"""

from __future__ import annotations

import argparse
import codecs
import collections
import contextlib
import copy
import functools
import hashlib
import io
import json
import logging
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import xml.etree.ElementTree as ET
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Bump when generation changes, so results files of different generators are never mixed.
GENERATOR = 4
STATUSES = ("ok", "skipped", "error")
RANDOM_KINDS = ("random-bytes", "random-text")

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
    "\u202e\u2028\x1b[2J\x1b]8;;http://x\x07".encode(),
    b"%PDF-1.4\n",
    b"%%EOF\n",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"\x1f\x8b",
)

# Values a field should never hold, for structured mutations (strings are used as text too).
ODD_STRINGS: tuple[str, ...] = (
    "",
    " ",
    "NaN",
    "-1",
    "-0",
    "0",
    "1e309",
    "1e+3",
    "10^4",
    "0.00000000000001",
    "9" * 400,
    "99999999999999999999",
    "-2147483649",
    "\x00",
    "\x1b[2J",
    "\u202e\u2066x",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "\ufffd\ufeff",
    "NCT00000000",
    "NCT1",
    "10.1000/",
    "PMID:inf",
    "2024-02-30",
    "Phase 9",
    "PHASE1, PHASE2, PHASE3, PHASE4, NA, EARLY_PHASE1",
    "<b>x</b>&amp;&#0;&#xD800;",
    '=HYPERLINK("http://x")',
    "12 of 10 (120%) had a complete response",
    "-5 patients had a partial response",
    "imatinib 400 mg daily; 0 of 0 responded (NaN%)",
    "x" * 5000,
    "partial response " * 400,
    "a\nb\r\nc\rd\u2028e",
)
ODD_JSON: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    -(10**30),
    10**400,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    float("-inf"),
    0.5,
    [],
    {},
    [None],
    {"": None},
    *ODD_STRINGS,
)
ODD_NUMBERS: tuple[str, ...] = (
    "0",
    "-1",
    "-0",
    "1e+3",
    "1.5e+3",
    "1E-9",
    "10^4",
    "10\u2074",
    "0.00000000000001",
    "9" * 20,
    "9" * 400,
    "1,000,000",
    "1.000.000",
    "5 000",
    "\u0663\u0664",
    "\uff14\uff10",
    "\u00b9\u00b2",
    "\u00bd",
    "NaN",
    "Infinity",
    "\u22125",
    "05",
    "3.",
    ".5",
    "1/0",
    "0/0",
    "400/0",
    "12.5.6",
    "1-2-3-4",
    "100.0000000000000000001",
)
ODD_YAML: tuple[str, ...] = (
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "null",
    "[1, 2, [3, [4]]]",
    "{a: 1, b: {c: 2}}",
    "!!binary aGVsbG8=",
    "!!python/object/apply:os.system [true]",
    "!!str",
    "!custom x",
    "2024-02-30",
    "2024-01-01T00:00:00Z",
    "0x1F",
    "0o17",
    "1e400",
    "1_000",
    "9" * 400,
    "-1",
    "yes",
    "&a [*a]",
    "*undefined",
    '"\\x00\\u202e"',
    "'unterminated",
    '"' + "x" * 3000 + '"',
    "|\n  literal\n  block",
    ">\n  folded",
    "? complex\n: key",
    "\t tab",
)
# Lines readers look for, inserted by the line mutations.
LINES: tuple[str, ...] = (
    "PMID- 99900001",
    "TI  - A made-up trial of imatinib",
    "AB  - RESULTS: Of 40 patients, 12 (30%) had a partial response.",
    "      continued value line",
    "AU  - Writer SQ",
    "DP  - 2003 Sep",
    "SI  - ClinicalTrials.gov/NCT09999999",
    "LID - 10.9999/x.1 [doi]",
    "TY  - JOUR",
    "T1  - A title",
    "PY  - 2003///",
    "DO  - 10.9999/y",
    "UR  - https://pubmed.ncbi.nlm.nih.gov/99900002/",
    "ER  - ",
    "Veröffentlicht in:J Made Up 2002-08, Vol.1 (2), p.3-4",
    "Hauptverfasser: Writer, Sam, Author, Ann",
    "Zusammenfassung:Of 20 patients 5 responded.",
    "Ausführliche Beschreibung",
    "ClinicalTrials.gov Identifier: NCT09999999",
    "Recruitment Status : Completed",
    "Actual Enrollment : | 40 participants |",
    "| STARTED | 38 | 41 |",
    "| Measure | Arm A | Arm B |",
    "STARTED   38   41",
    "- PFS [ Time Frame: 1 year ]",
    "Inclusion Criteria:",
    "Contacts and Locations",
    "Abstract",
    "Affiliations",
    "PubMed Disclaimer",
    "Author information",
    "[Indexed for MEDLINE]",
    "Eur J Made Up. 2003 Sep;39(14):2006-11.",
    "RESULTS: 5 of 10 (50%) had a complete response.",
    "# Title",
    "## Results",
    "**Authors:** A, B",
    "---",
    "...",
)
HTML_INSERTS: tuple[str, ...] = (
    '<meta name="citation_title" content="A made-up trial">',
    '<meta name="citation_doi" content="10.9999/z">',
    '<meta name="citation_pmid" content="-1">',
    '<meta name="citation_publication_date" content="2024/13/45">',
    '<meta name="DC.identifier" content="NaN">',
    '<meta name="citation_author" content="">',
    '<meta charset="utf-16">',
    '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
    '<h1 class="heading-title">',
    '<div class="abstract-content">',
    '<div id="eng-abstract"><p>RESULTS: 3 of 9 (33%) responded.</p>',
    '<span class="cit">2003 Sep;39(14):2006-11.</span>',
    '<span class="identifier pubmed">PMID: 1</span>',
    "<script>document.write('x')</script>",
    "<style>p{}</style>",
    "<nav>menu</nav>",
    "<table><tr><td>12 (30%)</td></tr></table>",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "&nbsp;&#x202e;&#0;&bogus;",
    "</html>",
)
# Names as the folder walk passes them on (through load._walk.printable): stdin and odd file names.
ODD_NAMES = ("-", "-", "dir/caf\u00e9 \u202etxt.md", "a\u2028b.txt", "x\x1b[2J.xml", "\udce9.txt")


# --- seeds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes
    reader: str  # the reader module that reads the unmutated seed


def _pdf(lines: list[str]) -> bytes:
    """A small valid PDF whose one page shows lines (uncompressed, with a correct xref table)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 10 Tf 50 750 Td 12 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Title (A made-up imatinib trial) /Producer (fuzz.py) >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


# Small made-up documents (invented trials, numbers and identifiers) for the readers that no fixture
# covers or covers in one shape only.
SYNTHETIC: dict[str, bytes] = {
    "synthetic-article.pdf": _pdf(
        [
            "A made-up phase II trial of imatinib in widget sarcoma",
            "doi: 10.9999/made.up.1  PMID: 99900011",
            "ClinicalTrials.gov Identifier: NCT09999991",
            "RESULTS: Of 40 patients given imatinib 400 mg daily, 12 (30%) had a partial",
            "response and 2 (5%) a complete response. Grade 3/4 neutropenia occurred in 6 (15%).",
        ]
    ),
    "synthetic-data.json": b'{"items": [{"id": 1, "value": 2.5, "tags": ["a", "b"]}], "note": "made up"}\n',
    "synthetic-data-list.json": b'[{"name": "x", "count": 3}, {"name": "y", "count": null}]\n',
    "synthetic-data.xml": b'<?xml version="1.0"?>\n<catalog><item id="1">12 (30%)</item><item/></catalog>\n',
    "synthetic-abstract.txt": (
        b"A made-up trial of imatinib in widget tumours\n\n"
        b"BACKGROUND: Widget tumours respond to kinase inhibitors.\n"
        b"METHODS: Forty patients received imatinib 400 mg twice daily.\n"
        b"RESULTS: Twelve of 40 patients (30%) had a partial response and 2 (5%) a complete response;\n"
        b"stable disease in 15 (38%). Grade 3/4 anaemia occurred in 4 (10%). 95% CI, 16.6-46.5.\n"
        b"CONCLUSIONS: Imatinib is active.\ndoi: 10.9999/made.up.2\nPMID: 99900012\n"
    ),
    "synthetic-front-matter.md": (
        b"---\ntitle: A made-up trial\nauthors: [Writer SQ, Author A]\nyear: 2003\npmid: 99900013\n"
        b"doi: 10.9999/made.up.3\nnct: NCT09999993\nphase: 2\n---\n\n# A made-up trial\n\n"
        b"**Journal:** J Made Up\n\n## Results\n\nOf 30 patients, 9 (30%) had a partial response.\n"
    ),
    "synthetic-registry-pipes.txt": (
        b"Imatinib at Two Doses in a Made-Up Tumour\nClinicalTrials.gov Identifier: NCT09999994\n"
        b"Recruitment Status : Completed\nStudy Type : Interventional\nPhase : Phase 2\n\n"
        b"Participant Flow\n\n| Measure | Low Dose | High Dose |\n| STARTED | 20 | 22 |\n"
        b"| COMPLETED | 18 | 19 |\n\nOutcome Measures\n\n"
        b"1. Primary: Overall Response   [ Time Frame: 12 months ]\nUnit of Measure: participants\n"
        b"| Measure | Low Dose | High Dose |\n| Number of Participants Analyzed | 20 | 22 |\n"
        b"| Partial Response | 5 | 8 |\n\nSerious Adverse Events\n| | Low Dose | High Dose |\n"
        b"| Anaemia * 1 | 2/20 (10.00%) | 3/22 (13.64%) |\n"
    ),
    "synthetic-registry-spaces.txt": (
        b"A Made-Up Imatinib Study\nClinicalTrials.gov Identifier: NCT09999995\n"
        b"Recruitment Status : Completed\nActual Enrollment : 30 participants\n\n"
        b"Participant Flow\n\n                 Arm A     Arm B\nSTARTED            15        15\n"
        b"COMPLETED          12        13\n\n"
        b"Outcome Measures\n\nBest Response   [ Time Frame: 6 months ]\nUnit of Measure: participants\n"
        b"                 Arm A     Arm B\nComplete Response    1         2\n"
        b"Partial Response     4         6\n"
    ),
    "synthetic-pubmed-export.txt": (
        b"1. J Made Up. 2004 Sep 25;364(9440):1127-34.\n\nA made-up randomised trial of imatinib.\n\n"
        b"Writer SQ, Author A.\n\nAuthor information:\n(1)Somewhere.\n\n"
        b"RESULTS: Of 50 patients, 20 (40%) responded.\n\nPMID: 99900016 [Indexed for MEDLINE]\n"
    ),
    "synthetic-catalog.txt": (
        "Titel: Ein erfundener Versuch\nVeröffentlicht in:J Made Up 2002-08, Vol.1 (2), p.3-4\n"
        "Hauptverfasser: Writer, Sam, Author, Ann\nSprache:eng\nISSN:1234-5678\nDOI:10.9999/made.up.4\n"
        "Zusammenfassung:Of 20 patients 5 (25%) had a partial response.\nAusführliche Beschreibung\n"
    ).encode(),
}


def _seed_files() -> list[Path]:
    folders = (ROOT / "seeds", ROOT / "tests" / "fixtures" / "load", ROOT.parent / "shared" / "fixtures")
    return [
        path for folder in folders if folder.is_dir() for path in sorted(folder.iterdir()) if path.is_file()
    ]


def corpus() -> list[Seed]:
    """Every seed with the reader it reaches, in a fixed order (fixtures first, copies dropped)."""
    from imatinib_cli.load import load_records

    seen: set[bytes] = set()
    raw: list[tuple[str, bytes]] = []
    for path in _seed_files():
        data = path.read_bytes()
        if path.suffix.lower() in (".md",) and path.parent.name != "seeds":
            continue  # attribution and manifest notes, not documents
        digest = hashlib.sha256(data).digest()
        if digest not in seen:
            seen.add(digest)
            raw.append((path.name, data))
    raw.extend(sorted(SYNTHETIC.items()))
    count_readers()
    seeds = []
    for name, data in raw:
        _LAST_READER[0] = "none"
        load_records(name, data)
        seeds.append(Seed(name, data, _LAST_READER[0]))
    return seeds


# The formats each reader module gives its documents ("none": the bytes did not decode as text, so no
# reader saw them). The structured readers' unreadable files say "json" or "xml" too; they are
# counted under data_file, which gives those formats to the data it recognizes but does not read.
READER_FORMATS: dict[str, str | tuple[str, ...]] = {
    "catalog_record": "catalog_record",
    "ctgov_json": "ctgov_json",
    "ctgov_page": "ctgov_page",
    "ctgov_xml": "ctgov_xml",
    "data_file": ("data", "json", "xml"),
    "html_page": "html",
    "markdown_doc": "markdown",
    "medline": "medline",
    "pdf": "pdf",
    "plain_text": "text",
    "pubmed_legacy_page": "pubmed_legacy_page",
    "pubmed_page": "pubmed_page",
    "pubmed_xml": "pubmed_xml",
    "ris": "ris",
    "none": "unknown",
}
_LAST_READER = ["none"]  # the reader module that read the last input ("none": not decodable as text)


def count_readers() -> None:
    """Wrap every reader's read() so the run knows which reader each input reached."""
    from imatinib_cli.load import pdf
    from imatinib_cli.load._dispatch import READERS

    for module in (*READERS, pdf):
        if getattr(module.read, "fuzz_counted", False):
            continue
        name = module.__name__.rsplit(".", 1)[-1]

        def read(*args: Any, _original: Any = module.read, _name: str = name) -> Any:
            _LAST_READER[0] = _name
            return _original(*args)

        read.fuzz_counted = True  # type: ignore[attr-defined]
        module.read = read


def by_reader(seeds: list[Seed]) -> dict[str, list[Seed]]:
    groups: dict[str, list[Seed]] = collections.defaultdict(list)
    for seed in seeds:
        groups[seed.reader].append(seed)
    return dict(sorted(groups.items()))


def corpus_digest(seeds: list[Seed]) -> str:
    digest = hashlib.sha256()
    for seed in seeds:
        digest.update(seed.name.encode() + b"\0" + hashlib.sha256(seed.data).digest())
    return digest.hexdigest()[:16]


# --- byte-level generators ---------------------------------------------------------------------


def _mutate(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    out = bytearray(data)
    for _ in range(rounds or rng.choice((1, 1, 2, 3, 5, 10))):
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


# Inputs stay small enough for a million of them to run in hours: a repeated part grows an input by at
# most REPEAT_BUDGET characters, and no input is longer than MAX_INPUT bytes. Huge files are the
# subject of their own tests and benchmarks (docs/robustness.md), not of this script.
REPEAT_BUDGET = 50_000
MAX_INPUT = 256 * 1024


def _times(rng: random.Random, unit: int) -> int:
    """How many times to repeat a part of `unit` characters: 2 to 1000, within REPEAT_BUDGET."""
    return max(2, min(rng.choice((2, 2, 3, 10, 10, 100, 1000)), REPEAT_BUDGET // max(unit, 1)))


def _encoding(rng: random.Random, data: bytes) -> bytes:
    """Re-encoded, with a BOM that lies, mixed encodings, other line ends, or cut inside a character."""
    text = data.decode("utf-8", errors="replace")
    choice = rng.randrange(7)
    if choice == 0:
        codec = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"))
        encoded = text.encode(codec, errors="replace")
        if codec in ("utf-16-le", "utf-16-be") and rng.random() < 0.5:
            encoded = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + encoded
        return encoded
    if choice == 1:  # a BOM that does not match the bytes
        bom = rng.choice((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE))
        return bom + rng.choice(
            (data, text.encode("latin-1", "replace"), text.encode("utf-16-le", "replace"))
        )
    if choice == 2:  # part UTF-8, part Latin-1
        cut = rng.randrange(len(text) + 1)
        return text[:cut].encode("utf-8") + text[cut:].encode("latin-1", "replace")
    if choice == 3:  # other line ends
        ending = rng.choice((b"\r", b"\r\n", b"\n\r", b"\x0b", b"\x0c", "\u2028".encode(), b"\x85"))
        return data.replace(b"\r\n", b"\n").replace(b"\n", ending)
    if choice == 4:  # cut inside a multi-byte character
        encoded = (text + "\u00e9\u4e2d\U0001f600").encode("utf-8")
        return encoded[: len(encoded) - rng.randrange(1, 4)]
    if choice == 5:  # NULs between the bytes (UTF-16 without a BOM), or NULs scattered
        if rng.random() < 0.5:
            return bytes(byte for char in data[:20000] for byte in (char, 0))
        out = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            out.insert(rng.randrange(len(out) + 1), 0)
        return bytes(out)
    # an encoding declaration that lies
    declaration = rng.choice(
        (
            b'<?xml version="1.0" encoding="UTF-16"?>\n',
            b'<?xml version="1.0" encoding="bogus-8"?>\n',
            b'<?xml version="1.0" encoding="ISO-8859-1"?>\n',
            b'<meta charset="utf-32">',
            b"# -*- coding: latin-1 -*-\n",
        )
    )
    return declaration + re.sub(rb"\A\s*<\?xml[^>]*\?>\s*", b"", data)


def _random_text(rng: random.Random) -> bytes:
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:%()[]/<>&=-+\n\t\r\"'#*|"
        "\u00e9\u00fc\u00df\u2013\u2014\u00b1\u2264\u2265\u00b9\u00b2\u00b3\u2070\u00bd\u2153\u03b1\u03b2"
        "\u4e2d\U0001f600\ufffd\u200b\u00a0\u2028\ufeff\u202e\x1b\x85"
    )
    length = rng.choice((0, 1, 5, 50, 500, 5000))
    words = rng.choices(alphabet, k=length)
    if rng.random() < 0.5:
        words.extend(
            rng.choice(TOKENS).decode("utf-8", errors="replace") for _ in range(rng.randrange(1, 20))
        )
        rng.shuffle(words)
    return "".join(words).encode(rng.choice(("utf-8", "utf-8", "utf-16")), errors="surrogatepass")


_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(rng: random.Random, data: bytes) -> bytes:
    """Numbers in the text replaced by odd ones: exponents, powers, tiny decimals, long numerals."""
    text = data.decode("utf-8", errors="replace")
    matches = list(_NUMBER_RE.finditer(text))
    if not matches:
        return (text + " " + rng.choice(ODD_NUMBERS) + " patients").encode()
    everywhere = rng.random() < 0.2
    chosen = matches if everywhere else rng.sample(matches, min(len(matches), rng.randrange(1, 6)))
    replacement = rng.choice(ODD_NUMBERS)
    for match in sorted(chosen, key=lambda item: -item.start()):
        if not everywhere:
            replacement = rng.choice(ODD_NUMBERS)
        text = text[: match.start()] + replacement + text[match.end() :]
    return text.encode("utf-8", errors="surrogatepass")


# --- JSON ---------------------------------------------------------------------------------------

_SENTINEL = "\x00fuzz-deep\x00"


class _Obj(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs, so keys can be duplicated and reordered."""


def _json_dump(node: Any, out: list[str], ensure_ascii: bool) -> None:
    if isinstance(node, _Obj):
        out.append("{")
        for index, (key, value) in enumerate(node):
            out.append(("," if index else "") + json.dumps(key, ensure_ascii=ensure_ascii) + ":")
            _json_dump(value, out, ensure_ascii)
        out.append("}")
    elif isinstance(node, list):
        out.append("[")
        for index, value in enumerate(node):
            if index:
                out.append(",")
            _json_dump(value, out, ensure_ascii)
        out.append("]")
    else:
        out.append(json.dumps(node, ensure_ascii=ensure_ascii))


def _json_slots(node: Any, depth: int = 0) -> list[tuple[list[Any], int]]:
    """(container, index) of every value in the tree; an object's value is pair[1]."""
    slots: list[tuple[list[Any], int]] = []
    if depth > 200:
        return slots
    if isinstance(node, list):
        for index, item in enumerate(node):
            slots.append((node, index))
            value = item[1] if isinstance(node, _Obj) else item
            slots.extend(_json_slots(value, depth + 1))
    return slots


def _get(container: list[Any], index: int) -> Any:
    return container[index][1] if isinstance(container, _Obj) else container[index]


def _set(container: list[Any], index: int, value: Any) -> None:
    if isinstance(container, _Obj):
        container[index] = (container[index][0], value)
    else:
        container[index] = value


def _json(rng: random.Random, data: bytes) -> bytes | None:
    """A parsed JSON document with keys and values deleted, duplicated, swapped, retyped or nested."""
    try:
        tree = json.loads(data.decode("utf-8-sig"), object_pairs_hook=_Obj)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    deep = ""
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        slots = _json_slots(tree)
        if not slots:
            break
        container, index = rng.choice(slots)
        choice = rng.randrange(10)
        if choice == 0:  # delete
            del container[index]
        elif choice == 1:  # duplicate (a key twice, or a list element many times)
            item = container[index]
            times = _times(rng, len(str(item)))
            if isinstance(container, _Obj) and rng.random() < 0.5:
                item = (item[0], rng.choice(ODD_JSON))
                times = 1
            container[index + 1 : index + 1] = [item] * times
            if times >= 1000:
                break  # the tree is now large: no more rounds over it
        elif choice == 2:  # swap with another value anywhere
            other, other_index = rng.choice(slots)
            a, b = copy.deepcopy(_get(container, index)), copy.deepcopy(_get(other, other_index))
            _set(container, index, b)
            _set(other, other_index, a)
        elif choice in (3, 4):  # an odd value
            _set(container, index, rng.choice(ODD_JSON))
        elif choice == 5:  # another type holding the value
            value = _get(container, index)
            _set(
                container, index, rng.choice(([value], _Obj([("value", value)]), str(value), len(str(value))))
            )
        elif choice == 6 and not deep:  # nested thousands deep
            _set(container, index, _SENTINEL)
            depth = rng.choice((10, 10, 100, 100, 1000, 5000))
            opener, closer = rng.choice((("[", "]"), ('{"a":', "}")))
            deep = opener * depth + json.dumps(rng.choice(ODD_STRINGS[:12])) + closer * depth
        elif choice == 7 and isinstance(container, _Obj):  # a key renamed
            key = rng.choice([pair[0] for pair in container] + ["", "\x00", "k" * 1000, "nctId", "studies"])
            container[index] = (key, container[index][1])
        elif choice == 8:  # order shuffled
            rng.shuffle(container)
        else:  # the value replaced by a whole other subtree
            other, other_index = rng.choice(slots)
            _set(container, index, copy.deepcopy(_get(other, other_index)))
    out: list[str] = []
    _json_dump(tree, out, ensure_ascii=rng.random() < 0.3)
    text = "".join(out)
    if deep:
        text = text.replace(json.dumps(_SENTINEL), deep, 1)
    return text.encode("utf-8", errors="surrogatepass")


# --- XML ----------------------------------------------------------------------------------------


def _xml(rng: random.Random, data: bytes) -> bytes | None:
    """A parsed XML document with elements deleted, duplicated, swapped, moved, renamed or nested."""
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError):
        return None
    deep = ""
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        elements = list(root.iter())
        parents = {child: parent for parent in elements for child in parent}
        element = rng.choice(elements)
        parent = parents.get(element)
        choice = rng.randrange(9)
        if choice == 0 and parent is not None:  # delete
            parent.remove(element)
        elif choice == 1 and parent is not None:  # duplicate many times
            position = list(parent).index(element)
            times = _times(rng, len(ET.tostring(element)))
            for _ in range(times):
                parent.insert(position, element)
            if times >= 1000:
                break  # the tree is now large: no more rounds over it
        elif choice == 2 and parent is not None:  # swap with another element (copies: never a cycle)
            other = rng.choice(elements)
            other_parent = parents.get(other)
            if other_parent is not None and other is not element:
                a, b = copy.deepcopy(element), copy.deepcopy(other)
                parent[list(parent).index(element)] = b
                if other in list(other_parent):
                    other_parent[list(other_parent).index(other)] = a
        elif choice in (3, 4):  # odd text or attribute
            if rng.random() < 0.7:
                element.text = rng.choice(ODD_STRINGS)
            else:
                element.set(rng.choice(list(element.attrib) or ["Label"]), rng.choice(ODD_STRINGS))
        elif choice == 5 and not deep:  # nested thousands deep
            element.text = _SENTINEL
            depth = rng.choice((10, 10, 100, 100, 1000, 5000))
            tag = rng.choice((element.tag if "}" not in element.tag else "x", "x", "AbstractText"))
            deep = f"<{tag}>" * depth + "12 (30%)" + f"</{tag}>" * depth
        elif choice == 6:  # renamed to another tag of the document
            element.tag = rng.choice(elements).tag
        elif choice == 7 and parent is not None:  # moved under another element
            target = rng.choice(elements)
            if target not in list(element.iter()):  # never under itself: a cycle never ends
                parent.remove(element)
                target.append(element)
        else:  # emptied
            element.clear()
    try:
        text = ET.tostring(root, encoding="unicode")
    except (ValueError, TypeError, RecursionError):
        return None
    if deep:
        text = text.replace(_SENTINEL, deep, 1)
    prefix = rng.choice(
        (
            "",
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" '
            '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n',
            '<!DOCTYPE x [<!ENTITY e "12 (30%)">]>\n',
        )
    )
    return (prefix + text).encode("utf-8", errors="surrogatepass")


# --- HTML ---------------------------------------------------------------------------------------

_HTML_TOKEN_RE = re.compile(r"<[^<>]*>|[^<]+|<")


def _cut_repeat_or_swap(
    rng: random.Random,
    items: list[str],
    position: int,
    choice: int,
    *,
    cut: tuple[int, ...],
    repeat: tuple[int, ...],
    newline: int = 0,
) -> bool:
    """The edits every token or line mutator makes (choice 0, 1 and 2): a run of items cut at
    position, a run repeated in place, or two items swapped. True if choice was one of them.
    newline: characters each item adds once joined (1 for lines), so repeats stay under the cap."""
    if choice == 0:
        del items[position : position + rng.choice(cut)]
    elif choice == 1:
        span = items[position : position + rng.choice(repeat)]
        items[position:position] = span * _times(rng, sum(map(len, span)) + newline * len(span))
    elif choice == 2:
        other = rng.randrange(len(items))
        items[position], items[other] = items[other], items[position]
    else:
        return False
    return True


def _html(rng: random.Random, data: bytes) -> bytes:
    """Tags and text deleted, duplicated, swapped, nested, unclosed; meta fields added or odd."""
    tokens = _HTML_TOKEN_RE.findall(data.decode("utf-8", errors="replace"))
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        if not tokens:
            tokens = [""]
        position = rng.randrange(len(tokens))
        choice = rng.randrange(8)
        if _cut_repeat_or_swap(rng, tokens, position, choice, cut=(1, 1, 5, 50), repeat=(1, 3, 20)):
            pass
        elif choice == 3:
            tag = rng.choice(("div", "p", "span", "b", "table", "li"))
            depth = rng.choice((10, 100, 1000, 5000))
            tokens.insert(
                position,
                f"<{tag}>" * depth + ("RESULTS: 1 of 2 (50%)" + f"</{tag}>" * depth) * (rng.random() < 0.5),
            )
        elif choice == 4:
            tokens.insert(position, rng.choice(HTML_INSERTS))
        elif choice == 5 and not tokens[position].startswith("<"):
            tokens[position] = rng.choice(ODD_STRINGS)
        elif choice == 6:  # closing tags dropped
            tokens = [token for token in tokens if not token.startswith("</") or rng.random() < 0.7]
        else:  # an attribute made odd
            token = tokens[position]
            if token.startswith("<") and not token.startswith("</"):
                tokens[position] = token[:-1] + f' content="{rng.choice(ODD_STRINGS)[:200]}" class="x">'
    return "".join(tokens).encode("utf-8", errors="surrogatepass")


# --- lines and front matter ---------------------------------------------------------------------

_VALUE_LINE_RE = re.compile(
    r"^(?P<label>\s*[^:|\n]{1,60}?(?:[ \t]*-[ \t]|:[ \t]*\|?[ \t]*|\|[ \t]))(?P<value>.*)$"
)


def _lines(rng: random.Random, data: bytes) -> bytes:
    """Lines and records deleted, duplicated, swapped, joined, split, relabelled or given odd values."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        if not lines:
            lines = [""]
        position = rng.randrange(len(lines))
        choice = rng.randrange(10)
        if _cut_repeat_or_swap(rng, lines, position, choice, cut=(1, 1, 3, 20), repeat=(1, 1, 5), newline=1):
            pass
        elif choice == 3 and position + 1 < len(lines):  # joined
            lines[position : position + 2] = [
                lines[position] + rng.choice(("", " ", "\r")) + lines[position + 1]
            ]
        elif choice == 4:  # split
            line = lines[position]
            cut = rng.randrange(len(line) + 1)
            lines[position : position + 1] = [line[:cut], line[cut:]]
        elif choice == 5:
            lines.insert(position, rng.choice(LINES))
        elif choice == 6:  # an odd value after a label
            match = _VALUE_LINE_RE.match(lines[position])
            value = rng.choice(ODD_STRINGS + ODD_NUMBERS)
            lines[position] = (match.group("label") if match else lines[position] + " ") + value
        elif choice == 7:  # a whole record (a block between blank lines) repeated
            blocks = "\n".join(lines).split("\n\n")
            block = rng.randrange(len(blocks))
            blocks[block:block] = blocks[block : block + 1] * _times(rng, len(blocks[block]))
            lines = "\n\n".join(blocks).split("\n")
        elif choice == 8:  # indentation changed
            lines[position] = rng.choice(("      ", "\t", "", "   ")) + lines[position].lstrip()
        else:  # blank lines removed or added
            if rng.random() < 0.5:
                lines = [line for line in lines if line.strip()]
            else:
                lines.insert(position, "")
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


def _front_matter(rng: random.Random, data: bytes) -> bytes:
    """YAML front-matter values made odd, keys duplicated, anchors, tags, deep or huge mappings."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    close = next((index for index in range(1, len(lines)) if lines[index].strip() in ("---", "...")), None)
    if close is None or not lines or not lines[0].startswith("---"):
        return _lines(rng, data)
    for _ in range(rng.choice((1, 1, 2, 4))):
        position = rng.randrange(1, close + 1)
        choice = rng.randrange(6)
        if choice in (0, 1):
            match = re.match(r"^(\s*-?\s*[\w .-]*:?\s*)", lines[position])
            lines[position] = (match.group(1) if match else "") + rng.choice(ODD_YAML)
        elif choice == 2:  # a key given twice
            lines.insert(
                position,
                rng.choice(("title", "pmid", "doi", "year", "authors")) + ": " + rng.choice(ODD_YAML),
            )
            close += 1
        elif choice == 3:  # deep flow nesting
            depth = rng.choice((10, 100, 1000, 5000))
            lines.insert(position, "deep: " + "[" * depth + "1" + "]" * depth)
            close += 1
        elif choice == 4:  # many keys, or an alias fan-out
            if rng.random() < 0.5:
                lines[position:position] = [
                    f"k{number}: {number}" for number in range(rng.choice((10, 100, 2000)))
                ]
            else:
                lines[position:position] = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
                    f"{chr(98 + level)}: &{chr(98 + level)} [" + ", ".join([f"*{chr(97 + level)}"] * 9) + "]"
                    for level in range(8)
                ]
            close = next(
                (index for index in range(1, len(lines)) if lines[index].strip() in ("---", "...")), 0
            )
        else:  # the closing delimiter moved or dropped
            if rng.random() < 0.5:
                del lines[close]
            else:
                lines.insert(rng.randrange(1, len(lines) + 1), rng.choice(("---", "...", "--- ", "----")))
            break
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


def _pdf_mutation(rng: random.Random, data: bytes) -> bytes:
    """A PDF changed inside (text, objects, lengths, xref) with its header and trailer kept."""
    body = data[5:-7] if data.endswith(b"%%EOF\n") else data[5:]
    choice = rng.randrange(4)
    if choice == 0:
        body = _lines(rng, body)
    elif choice == 1:
        body = _numbers(rng, body)
    elif choice == 2:
        body = re.sub(
            rb"\(([^()]*)\)",
            lambda match: (
                b"(" + rng.choice(ODD_STRINGS).encode("latin-1", "replace")[:500] + b")"
                if rng.random() < 0.3
                else match.group(0)
            ),
            body,
        )
    else:
        body = _mutate(rng, body)
    return b"%PDF-" + body + b"%%EOF\n"


STRUCTURED = {
    "ctgov_json": _json,
    "ctgov_xml": _xml,
    "pubmed_xml": _xml,
    "html": _html,
    "markdown": _front_matter,
    "pdf": _pdf_mutation,
}


def _structured(rng: random.Random, seed: Seed) -> tuple[str, bytes]:
    if seed.reader in STRUCTURED:
        family, mutation = seed.reader.split("_")[-1], STRUCTURED[seed.reader]
    elif seed.reader == "data":
        family = "json" if seed.name.endswith(".json") else "xml"
        mutation = _json if family == "json" else _xml
    else:
        family, mutation = "lines", _lines
    if family == "markdown" and rng.random() < 0.5:
        family, mutation = "lines", _lines
    result = mutation(rng, seed.data)
    if result is None:  # a seed this family cannot parse: mutate its lines instead
        family, result = "lines", _lines(rng, seed.data)
    return family, result


def generate(seed: int, index: int, seeds: list[Seed]) -> tuple[str, str, bytes]:
    """(reader, kind, bytes) of input number index, at most MAX_INPUT bytes (see _generate)."""
    reader, kind, data = _generate(seed, index, seeds)
    return reader, kind, data[:MAX_INPUT]


def _generate(seed: int, index: int, seeds: list[Seed]) -> tuple[str, str, bytes]:
    """(reader, kind, bytes) of input number index; depends on (seed, index) and the seeds only.

    reader is the reader whose seed the input starts from (every reader gets an equal share of the
    inputs that start from a seed); kind says how it was made."""
    rng = random.Random(f"{seed}:{index}")
    roll = rng.random()
    if roll < 0.035:
        return "none", "random-bytes", rng.randbytes(rng.choice((1, 2, 16, 256, 4096, 65536)))
    if roll < 0.07:
        return "none", "random-text", _random_text(rng)
    groups = by_reader(seeds)
    reader = rng.choice(sorted(groups))
    base = rng.choice(groups[reader])
    roll = rng.random()
    if roll < 0.45:
        family, data = _structured(rng, base)
        if rng.random() < 0.15:
            data = _mutate(rng, data, rounds=1)
        return reader, f"{family}:{base.name}", data
    if roll < 0.65:
        return reader, f"bytes:{base.name}", _mutate(rng, base.data)
    if roll < 0.74:
        return reader, f"numbers:{base.name}", _numbers(rng, base.data)
    if roll < 0.84:
        return reader, f"encoding:{base.name}", _encoding(rng, base.data)
    if roll < 0.92:
        other = rng.choice(seeds)
        cut_a, cut_b = rng.randrange(len(base.data) + 1), rng.randrange(len(other.data) + 1)
        return (
            reader,
            f"splice:{base.name}+{other.name}",
            _mutate(rng, base.data[:cut_a] + other.data[cut_b:]),
        )
    start = rng.randrange(len(base.data) + 1)
    return reader, f"window:{base.name}", base.data[start : start + rng.randrange(1, 3000)]


def input_path(seed: int, index: int) -> str:
    """The name an input is read under: mostly a plain name, sometimes '-' (stdin) or an odd one."""
    from imatinib_cli.load._walk import printable

    rng = random.Random(f"{seed}:{index}:path")
    return printable(rng.choice(ODD_NAMES)) if rng.random() < 0.1 else "fuzz-input"


# --- running -----------------------------------------------------------------------------------


class _LogCounter(logging.Handler):
    """Counts what libraries log (pypdf on a damaged PDF); the CLI sends it to a NullHandler."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        _LogCounter.count += 1


def _quiet_logging() -> None:
    root = logging.getLogger()
    if not any(isinstance(handler, _LogCounter) for handler in root.handlers):
        root.addHandler(_LogCounter())


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


def render_batch(documents: list[Any], findings: list[Any], *, tables: bool = True) -> None:
    """Resolve a batch together and render it every way the CLI does (raises on a crash); the
    terminal tables (rich, the slowest part) only when tables is true."""
    from imatinib_cli import render
    from imatinib_cli.analyze import analyze
    from imatinib_cli.models import Report
    from imatinib_cli.resolve import resolve

    studies = resolve(findings)
    report = Report(documents=tuple(documents), studies=tuple(studies))
    buffer = io.StringIO()
    console = render.file_console(buffer)
    render.print_document_warnings(report, console)
    if tables:
        render.print_summary(report, console, evidence=True)
    for by in ("tumor-type", "toxicity"):
        comparison = analyze(report.studies, by=by)
        if tables:
            render.print_comparison(comparison, console)
        render.write_json(render.comparison_json(comparison), buffer)
        render.write_csv(comparison, buffer)
        render.write_markdown(comparison, buffer)
    buffer.getvalue().encode("utf-8")


def _new_result() -> dict[str, Any]:
    return {
        "counts": collections.Counter(),
        "readers": collections.Counter(),
        "read_by": collections.Counter(),
        "formats": collections.defaultdict(collections.Counter),
        "kinds": collections.Counter(),
        "failures": [],
        "slowest": [0.0, -1, ""],
    }


def run_range(task: tuple[int, int, int, int, float, str | None, str, frozenset[int]]) -> dict[str, Any]:
    """Run inputs [start, stop) but those in skip; the figures as a JSON-able dict."""
    seed, start, stop, batch, timeout, save, marker, skip = task
    seeds = _SEEDS or corpus()
    count_readers()
    _quiet_logging()
    signal.signal(signal.SIGALRM, _alarm)
    result = _new_result()
    counts, failures = result["counts"], result["failures"]
    pending_documents: list[Any] = []
    pending: list[Any] = []
    began_chunk = time.perf_counter()
    logged = _LogCounter.count
    marker_fd = os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600) if marker else -1
    for index in range(start, stop):
        if index in skip:
            continue
        try:
            reader, kind, data = generate(seed, index, seeds)
        except Exception as exc:  # noqa: BLE001 - a bug of this script: counted, the run goes on
            failures.append(
                {
                    "index": index,
                    "kind": "?",
                    "error": f"{type(exc).__name__}: {exc}"[:300],
                    "where": "generator",
                }
            )
            counts["generator errors"] += 1
            continue
        path = input_path(seed, index)
        result["readers"][reader] += 1
        result["kinds"][kind.split(":")[0]] += 1
        counts["inputs"] += 1
        if marker_fd >= 0:  # which input is running, for the parent should this process die or hang
            os.pwrite(marker_fd, f"{os.getpid()} {index} {time.time():.0f}".ljust(48).encode(), 0)
        began = time.perf_counter()
        _LAST_READER[0] = "none"
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                found, findings, problems = check(data, path)
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
            result["read_by"][_LAST_READER[0]] += 1
        elapsed = time.perf_counter() - began
        if elapsed > result["slowest"][0]:
            result["slowest"] = [elapsed, index, kind]
        counts["bytes"] += len(data)
        counts["documents"] += len(found)
        for document in found:
            counts[document.status] += 1
            result["formats"][document.format][document.status] += 1
        if problems:
            counts["unaccounted"] += 1
            failures.append(
                {"index": index, "kind": kind, "error": "; ".join(problems)[:300], "where": "accounting"}
            )
            _save(save, index, data)
        pending_documents.extend(found)
        pending.extend(findings)
        if (index + 1 - start) % batch == 0 or index + 1 == stop:
            signal.setitimer(signal.ITIMER_REAL, timeout * 3)
            try:
                render_batch(pending_documents, pending, tables=counts["batches"] % 10 == 0)
            except Timeout:
                failures.append(
                    {"index": index, "kind": "batch", "error": "batch timeout", "where": "timeout"}
                )
                counts["timeouts"] += 1
            except Exception as exc:  # noqa: BLE001
                failures.append(
                    {
                        "index": index,
                        "kind": "batch",
                        "error": f"{type(exc).__name__}: {exc}"[:300],
                        "where": _where(exc),
                    }
                )
                counts["exceptions"] += 1
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            counts["batches"] += 1
            pending_documents, pending = [], []
    if marker_fd >= 0:
        os.close(marker_fd)
    counts["library log records"] = _LogCounter.count - logged
    result["elapsed"] = time.perf_counter() - began_chunk
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _plain(result)


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    out = dict(result)
    for key in ("counts", "readers", "read_by", "kinds"):
        out[key] = dict(result[key])
    out["formats"] = {name: dict(statuses) for name, statuses in result["formats"].items()}
    return out


def _where(exc: BaseException) -> str:
    """The innermost frame inside the package: where the crash is, for grouping."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if "imatinib_cli" in frame.filename]
    if not frames:
        return "?"
    frame = frames[-1]
    try:
        name = str(Path(frame.filename).relative_to(ROOT))
    except ValueError:
        name = frame.filename
    return f"{name}:{frame.lineno} ({frame.name})"


def _save(folder: str | None, index: int, data: bytes) -> None:
    if folder:
        os.makedirs(folder, exist_ok=True)
        Path(folder, f"{index}.bin").write_bytes(data)


def replay(seed: int, index: int) -> int:
    reader, kind, data = generate(seed, index, corpus())
    path = input_path(seed, index)
    print(f"input {index} ({reader}, {kind}, {path!r}, {len(data)} bytes): {data[:200]!r}")
    try:
        found, findings, problems = check(data, path)
        render_batch(found, findings)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return 1
    for document in found:
        print(f"  {document.format} {document.status} {document.reason}")
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


# --- chunks, workers and results ---------------------------------------------------------------

_SEEDS: list[Seed] = []  # filled in the parent before the workers fork


def _init_worker(memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass
class Chunk:
    start: int
    stop: int
    skip: set[int]
    died: list[dict[str, Any]]
    solo: bool = False  # run alone: it was among several chunks running when a worker died
    deaths: int = 0


def _merge(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key in ("counts", "readers", "read_by", "kinds"):
        for name, value in part.get(key, {}).items():
            total[key][name] = total[key].get(name, 0) + value
    for name, statuses in part.get("formats", {}).items():
        bucket = total["formats"].setdefault(name, {})
        for status, value in statuses.items():
            bucket[status] = bucket.get(status, 0) + value
    total["failures"].extend(part.get("failures", []))
    if part.get("slowest") and part["slowest"][0] > total["slowest"][0]:
        total["slowest"] = part["slowest"]
    total["elapsed"] = total.get("elapsed", 0.0) + part.get("elapsed", 0.0)
    total["peak_rss_mb"] = max(total.get("peak_rss_mb", 0.0), part.get("peak_rss_mb", 0.0))


def _empty_total() -> dict[str, Any]:
    return {
        "counts": {},
        "readers": {},
        "read_by": {},
        "kinds": {},
        "formats": {},
        "failures": [],
        "slowest": [0.0, -1, ""],
    }


def _done_chunks(results: str | None, seed: int, generator: int, digest: str) -> set[tuple[int, int]]:
    done: set[tuple[int, int]] = set()
    if results and os.path.exists(results):
        for line in Path(results).read_text().splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue  # a line cut short by a kill: that chunk runs again
            if (item.get("seed"), item.get("generator"), item.get("corpus")) == (seed, generator, digest):
                done.add((item["start"], item["stop"]))
    return done


def run_chunks(args: argparse.Namespace) -> dict[str, Any]:
    """Run the chunks of [start, start + count) not yet in --results; the figures of those run."""
    global _SEEDS
    _SEEDS = corpus()
    digest = corpus_digest(_SEEDS)
    stop = args.start + args.count
    done = _done_chunks(args.results, args.seed, GENERATOR, digest)
    spans = [
        (start, min(start + args.chunk_size, stop)) for start in range(args.start, stop, args.chunk_size)
    ]
    chunks = [Chunk(start, end, set(), []) for start, end in spans if (start, end) not in done]
    if len(chunks) < len(spans):
        print(f"{len(spans) - len(chunks)} chunk(s) already in {args.results}: skipped", flush=True)
    total = _empty_total()
    state = tempfile.mkdtemp(prefix="imx-fuzz-")
    jobs = max(1, args.jobs)
    hang_after = args.timeout * 3 + 5
    began = time.perf_counter()
    context = multiprocessing.get_context("fork")
    queue = list(chunks)
    finished_chunks = 0
    while queue:
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(args.memory_limit,)
        )
        running: dict[Future[dict[str, Any]], Chunk] = {}
        lost: list[Chunk] = []
        while (queue or running) and not lost:
            while queue and len(running) < jobs and not any(chunk.solo for chunk in running.values()):
                if queue[0].solo and running:
                    break
                chunk = queue.pop(0)
                marker = os.path.join(state, f"chunk-{chunk.start}")
                task = (
                    args.seed,
                    chunk.start,
                    chunk.stop,
                    args.batch,
                    args.timeout,
                    args.save or None,
                    marker,
                    frozenset(chunk.skip),
                )
                running[pool.submit(run_range, task)] = chunk
            finished, _ = wait(running, timeout=5, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = running.pop(future)
                try:
                    part = future.result()
                except BrokenProcessPool:
                    lost.append(chunk)
                    continue
                except Exception as exc:  # noqa: BLE001 - a bug of this script: the chunk is lost, said so
                    error = f"chunk {chunk.start}-{chunk.stop} failed: {type(exc).__name__}: {exc}"[:300]
                    part = {
                        "counts": {},
                        "failures": [{"index": chunk.start, "kind": "?", "error": error, "where": "chunk"}],
                    }
                for died in chunk.died:
                    key = "hangs" if died["where"] == "hang" else "hard crashes"
                    part["failures"].append(died)
                    part["counts"][key] = part["counts"].get(key, 0) + 1
                    part["counts"]["inputs"] = part["counts"].get("inputs", 0) + 1
                _record(args, digest, chunk, part)
                _merge(total, part)
                finished_chunks += 1
                _progress(total, began, finished_chunks, len(chunks))
            if not lost:
                _watch(state, running, hang_after)
        pool.shutdown(wait=True, cancel_futures=True)
        if lost:
            # A worker died: a signal, the kernel's OOM killer, or _watch killing a hang. The input it
            # was on is counted and left out, and every chunk that was running runs again.
            lost.extend(running.values())
            for _chunk, died in _note_death(state, lost, hang_after):
                _reason, died["kind"], data = generate(args.seed, died["index"], _SEEDS)
                _save(args.save or None, died["index"], data)
            queue[:0] = lost
    total["wall"] = time.perf_counter() - began
    shutil.rmtree(state, ignore_errors=True)
    return total


def _marker(state: str, chunk: Chunk) -> tuple[int, int, float] | None:
    try:
        pid, index, when = Path(state, f"chunk-{chunk.start}").read_text().split()
        return int(pid), int(index), float(when)
    except (OSError, ValueError):
        return None


def _watch(state: str, running: dict[Future[dict[str, Any]], Chunk], hang_after: float) -> None:
    """Kill a worker whose input has run past hang_after (stuck where SIGALRM cannot reach it)."""
    for chunk in running.values():
        marker = _marker(state, chunk)
        if marker and time.time() - marker[2] > hang_after:
            pid, index, _when = marker
            Path(state, f"hang-{chunk.start}").write_text(str(index))
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _note_death(state: str, lost: list[Chunk], hang_after: float) -> list[tuple[Chunk, dict[str, Any]]]:
    """Find the input that killed a worker: the one _watch killed, or the only chunk running; with
    several running and none killed by _watch, each of them runs again alone to find out."""
    culprits = [chunk for chunk in lost if Path(state, f"hang-{chunk.start}").exists()]
    if not culprits and len(lost) == 1:
        culprits = lost
    if not culprits:
        for chunk in lost:
            chunk.solo = True
        return []
    found = []
    for chunk in culprits:
        chunk.deaths += 1
        marker = _marker(state, chunk)
        hang = Path(state, f"hang-{chunk.start}")
        if marker is None:
            if chunk.deaths > 3:  # it dies before its first input: give the chunk up
                chunk.died.append(
                    {
                        "index": chunk.start,
                        "kind": "?",
                        "error": "worker died before its first input",
                        "where": "hard crash",
                    }
                )
                chunk.skip.update(range(chunk.start, chunk.stop))
            continue
        _pid, index, _when = marker
        if hang.exists():
            died = {
                "index": index,
                "kind": "?",
                "error": f"hang: killed after {hang_after:g} s",
                "where": "hang",
            }
            hang.unlink()
        else:
            died = {"index": index, "kind": "?", "error": "worker process died", "where": "hard crash"}
        chunk.skip.add(index)
        chunk.died.append(died)
        found.append((chunk, died))
        Path(state, f"chunk-{chunk.start}").unlink()
    return found


def _record(args: argparse.Namespace, digest: str, chunk: Chunk, part: dict[str, Any]) -> None:
    if not args.results:
        return
    line = {
        "seed": args.seed,
        "generator": GENERATOR,
        "corpus": digest,
        "start": chunk.start,
        "stop": chunk.stop,
        "jobs": args.jobs,
        "timeout": args.timeout,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": _commit(),
        **part,
    }
    line["failures"] = line["failures"][:100]
    with open(args.results, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


@functools.cache
def _commit() -> str:
    """The commit the run tested (with '+' when the tree has changes), for the results file."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        )
    except OSError:
        return ""
    return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")


def _progress(total: dict[str, Any], began: float, done: int, chunks: int) -> None:
    counts = total["counts"]
    elapsed = time.perf_counter() - began
    bad = sum(
        counts.get(key, 0) for key in ("exceptions", "timeouts", "hangs", "hard crashes", "unaccounted")
    )
    print(
        f"[{time.strftime('%H:%M:%S')}] chunk {done}/{chunks}: {counts.get('inputs', 0):,} inputs,"
        f" {bad} failing, {counts.get('inputs', 0) / max(elapsed, 1e-9):,.1f} inputs/s",
        flush=True,
    )


def summarize_results(path: str) -> dict[str, Any]:
    """The figures of every chunk in a results file added up (a chunk recorded twice counts once)."""
    chunks: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line in Path(path).read_text().splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        chunks[(item["seed"], item["generator"], item["corpus"], item["start"], item["stop"])] = item
    total = _empty_total()
    for item in chunks.values():
        _merge(total, item)
    runs = sorted({key[:3] for key in chunks})
    spans = sorted((key[3], key[4]) for key in chunks)
    covered, gaps, end = 0, [], None
    for start, stop in spans:
        if end is not None and start > end:
            gaps.append((end, start))
        covered += stop - start
        end = stop if end is None else max(end, stop)
    total["wall"] = total.get("elapsed", 0.0)
    total["note"] = (
        f"{len(chunks)} chunk(s) from {path}; seed/generator/corpus {', '.join(map(str, runs))}; "
        f"inputs {spans[0][0] if spans else 0:,}-{end or 0:,}" + (f", gaps {gaps}" if gaps else ", no gaps")
    )
    total["seed"] = runs[0][0] if len(runs) == 1 else "several"
    return total


def report(total: dict[str, Any], *, jobs: int, timeout: float, title: str) -> int:
    """Print the figures; 1 if anything failed."""
    counts = collections.Counter(total["counts"])
    print(title)
    if total.get("note"):
        print(total["note"])
    print(f"inputs       {counts['inputs']:>10,}  ({counts['bytes'] / 1e6:,.1f} MB)")
    print("  by kind    " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(total["kinds"].items())))
    print(f"documents    {counts['documents']:>10,}")
    for status in STATUSES:
        print(f"  {status:<10} {counts[status]:>10,}")
    formats = total["formats"]
    heading = "documents of its format: ok, skipped, error"
    print(f"  {'reader (load/)':<20} {'seeded':>9} {'read by it':>11}   {heading}")
    names = sorted(set(total["readers"]) | set(total["read_by"]), key=lambda name: (name == "none", name))
    known: set[str] = set()
    for name in names:
        fmts = READER_FORMATS.get(name, "unknown")
        fmts = (fmts,) if isinstance(fmts, str) else fmts
        known.update(fmts)
        statuses: collections.Counter[str] = collections.Counter()
        for fmt in fmts:
            statuses.update(formats.get(fmt, {}))
        seeded, read = total["readers"].get(name, 0), total["read_by"].get(name, 0)
        print(
            f"  {name:<20} {seeded:>9,} {read:>11,}   {'/'.join(fmts)}:"
            f" {statuses['ok']:,}, {statuses['skipped']:,}, {statuses['error']:,}"
        )
    others = {name: statuses for name, statuses in formats.items() if name not in known}
    if others:
        print(
            "  other formats        "
            + "; ".join(
                f"{name}: {', '.join(f'{key} {value:,}' for key, value in sorted(item.items()))}"
                for name, item in sorted(others.items())
            )
        )
    print(f"crashes      {counts['exceptions']:>10,}  (exceptions)")
    print(f"hard crashes {counts['hard crashes']:>10,}  (a worker process died)")
    print(f"timeouts     {counts['timeouts']:>10,}  (limit {timeout:g} s per input)")
    print(f"hangs        {counts['hangs']:>10,}  (stuck past SIGALRM, killed)")
    print(f"unaccounted  {counts['unaccounted']:>10,}")
    if counts["generator errors"]:
        print(f"generator    {counts['generator errors']:>10,}  (errors of this script, not of imx)")
    print(
        f"batches      {counts['batches']:>10,}  (resolved together, rendered as JSON, CSV and Markdown;"
        " one in ten as tables too)"
    )
    print(f"py warnings  {counts['python warnings']:>10,}  (from libraries; the CLI hides them)")
    print(f"log records  {counts['library log records']:>10,}  (from libraries; the CLI hides them)")
    slowest = total["slowest"]
    print(f"slowest      {slowest[0]:>10.2f} s  (input {slowest[1]}, {slowest[2]})")
    print(f"peak memory  {total.get('peak_rss_mb', 0):>10,.0f} MB  (largest worker)")
    busy = total.get("elapsed", 0.0)
    wall = total.get("wall", busy)
    print(
        f"elapsed      {wall:>10,.1f} s  ({counts['inputs'] / max(wall, 1e-9):,.1f} inputs/s"
        f" with {jobs or 'the'} worker(s); {counts['inputs'] / max(busy, 1e-9):,.1f} inputs/s per worker)"
    )
    groups: dict[tuple[str, str], list[dict[str, Any]]] = collections.defaultdict(list)
    for failure in sorted(total["failures"], key=lambda item: item["index"]):
        groups[(failure.get("where", ""), failure["error"].split(":")[0])].append(failure)
    for (where, _kind), members in sorted(groups.items(), key=lambda item: -len(item[1])):
        first = members[0]
        print(
            f"FAIL x{len(members)} {where}: {first['error']}"
            f" (first: input {first['index']}, {first['kind']}; --replay {first['index']})"
        )
    return 1 if total["failures"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="number of inputs (default 100000)")
    parser.add_argument("--start", type=int, default=0, help="index of the first input (default 0)")
    parser.add_argument("--chunk-size", type=int, default=10_000, help="inputs per chunk (default 10000)")
    parser.add_argument(
        "--results", metavar="FILE", help="append each chunk's figures to FILE (JSON lines); resume"
    )
    parser.add_argument("--summarize-results", metavar="FILE", help="add up the chunks of a results file")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--batch", type=int, default=50, help="inputs whose findings are resolved together")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one input may take")
    parser.add_argument(
        "--memory-limit", type=int, default=3072, metavar="MB", help="address space per worker"
    )
    parser.add_argument("--save", default="fuzz-failures", help="folder for failing inputs ('' to not save)")
    parser.add_argument("--replay", type=int, metavar="INDEX", help="run input INDEX alone and show it")
    parser.add_argument("--seeds", action="store_true", help="list the seeds and the reader each reaches")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args.seed, args.replay)
    if args.seeds:
        seeds = corpus()
        for reader, members in by_reader(seeds).items():
            print(f"{reader:<20} {', '.join(seed.name for seed in members)}")
        print(f"corpus digest {corpus_digest(seeds)}")
        return 0
    if args.summarize_results:
        total = summarize_results(args.summarize_results)
        return report(total, jobs=0, timeout=args.timeout, title=f"seed {total['seed']}")
    if args.count < 1 or args.chunk_size < 1 or args.start < 0:
        parser.error("--count and --chunk-size must be at least 1, --start at least 0")
    total = run_chunks(args)
    return report(
        total,
        jobs=max(1, args.jobs),
        timeout=args.timeout,
        title=f"seed {args.seed}, {max(1, args.jobs)} worker(s)",
    )


if __name__ == "__main__":
    sys.exit(main())
