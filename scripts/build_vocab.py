#!/usr/bin/env python3
"""Generate imatinib_cli/vocab/tumor_types.yaml and adverse_events.yaml.

Inputs: the shared OncoTree JSON and CTCAE v5.0 CSV (see ../shared/vocab/SOURCES.md) plus the
curated synonym files in scripts/vocab_sources/. The output is committed, so the installed package
never needs ../shared. Output is deterministic: same inputs, same bytes.

    python scripts/build_vocab.py --shared ../shared          # rewrite both files
    python scripts/build_vocab.py --shared ../shared --check  # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import itertools
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imatinib_cli.vocab import GROUP_GIST, GROUP_NON_GIST, british, normalize  # noqa: E402

SOURCES = ROOT / "scripts" / "vocab_sources"
OUT = ROOT / "imatinib_cli" / "vocab"
ONCOTREE = "oncotree_2025_10_03.json"
CTCAE = "CTCAE_v5.0.csv"

# Priorities when two entries claim the same phrase: curated beats a name, a name beats a phrase
# derived from a name (comma/parenthesis/slash variants, singulars, "increased X" forms).
CURATED, NAME, DERIVED = 0, 1, 2

SINGULAR_SKIP = re.compile(r"(ss|is|us|ous|as)$")
COMMA_QUALIFIER = re.compile(
    r"(?i)^(nos|other|unclassifiable|.*\btype|.*subtype|grade \d|idh-.*|h3.*|.*altered|.*mutant"
    r"|.*wildtype.*|bcr-abl1[+-]?|.*stage|group \d)$"
)
HEAD_NOUN = re.compile(
    r"(?i)(oma|tumor|carcinoma|sarcoma|leukemia|lymphoma|disease|neoplasm|cancer|fibromatosis"
    r"|syndrome)$"
)
LEUKEMIA_LYMPHOMA = re.compile(r"(?i)\b(leukemia)/(lymphoma)\b|\b(lymphoma)/(leukemia)\b")


@dataclass
class Claim:
    """One phrase proposed for one entry."""

    phrase: str
    owner: str
    priority: int
    level: int
    order: int


# --------------------------------------------------------------------------- phrase helpers


def expand(pattern: str) -> list[str]:
    """'{a|b} c' -> ['a c', 'b c']; whitespace tidied."""
    parts = re.split(r"\{([^{}]*)\}", pattern)
    choices = [[part] if i % 2 == 0 else part.split("|") for i, part in enumerate(parts)]
    return [" ".join("".join(combo).split()) for combo in itertools.product(*choices)]


def singular(phrase: str) -> str | None:
    """'myelodysplastic syndromes' -> 'myelodysplastic syndrome' (names are often plural)."""
    head, _, last = phrase.rpartition(" ")
    if len(last) < 4 or not last.endswith("s") or SINGULAR_SKIP.search(last):
        return None
    last = last[:-3] + "y" if last.endswith("ies") else last[:-1]
    return f"{head} {last}".strip()


def name_variants(name: str) -> list[str]:
    """Phrases derived from an OncoTree name (the lowercased name itself excluded)."""
    found: list[str] = []
    base = name.lower()
    forms = [base]
    head, comma, tail = base.rpartition(",")
    if comma and COMMA_QUALIFIER.match(tail.strip()):
        forms.append(head.strip())
    for form in list(forms):
        stripped = re.sub(r"\s+\([^()]*\)", "", form)
        if stripped != form:
            forms.append(stripped)
    for form in list(forms):
        if LEUKEMIA_LYMPHOMA.search(form):
            forms.append(LEUKEMIA_LYMPHOMA.sub(lambda m: m.group(1) or m.group(3), form))
            forms.append(LEUKEMIA_LYMPHOMA.sub(lambda m: m.group(2) or m.group(4), form))
        elif "/" in form and "," not in form:
            parts = [p.strip() for p in form.split("/")]
            if all(len(p.split()) >= 2 and HEAD_NOUN.search(p) for p in parts):
                forms.extend(parts)
    for form in list(forms):
        if (one := singular(form)) is not None:
            forms.append(one)
    for form in forms[1:]:
        if form not in found and form != base:
            found.append(form)
    return found


def ae_variants(term: str) -> list[str]:
    """Natural word orders for CTCAE's inverted terms ('Creatinine increased' -> 'increased ...')."""
    low = term.lower()
    found = [re.sub(r"\s+\([^()]*\)", "", low)] if "(" in low else []
    subject, _, verb = low.rpartition(" ")
    if subject:
        if verb == "increased":
            found += [f"increased {subject}", f"elevated {subject}", f"raised {subject}"]
            found += [f"{subject} elevation", f"{subject} increase"]
        elif verb == "decreased":
            found += [f"decreased {subject}", f"reduced {subject}", f"{subject} decrease"]
        elif verb == "prolonged":
            found += [f"prolonged {subject}"]
    return [f for f in found if f != low]


def phrase_key(phrase: str) -> str:
    """Case-insensitive identity of a phrase as the matcher sees it."""
    return normalize(phrase)[0]


# --------------------------------------------------------------------------- claims


Ambiguous = list[tuple[str, list[str]]]  # phrase, the entries that claimed it


def resolve(claims: list[Claim], exclude: set[str]) -> tuple[dict[str, list[str]], Ambiguous]:
    """Give each phrase to one entry; returns owner -> phrases and the ambiguous phrases.

    Highest priority wins, then the shallower OncoTree level; a tie between different entries
    makes the phrase ambiguous (the caller turns it into a stop phrase, so that "sex cord stromal
    tumor" yields nothing rather than "stromal tumor" -> GIST). A tie between two curated phrases
    is a curation error.
    """
    by_key: dict[str, list[Claim]] = {}
    for claim in claims:
        key = phrase_key(claim.phrase)
        if not key or (claim.priority != CURATED and key in exclude):
            continue
        by_key.setdefault(key, []).append(claim)
    owned: dict[str, list[tuple[int, str]]] = {}
    notes: Ambiguous = []
    for group in by_key.values():
        best = min((c.priority, c.level) for c in group)
        winners = [c for c in group if (c.priority, c.level) == best]
        owners = sorted({c.owner for c in winners})
        if len(owners) > 1:
            if best[0] == CURATED:
                raise SystemExit(f"curated phrase {winners[0].phrase!r} given to {owners}")
            notes.append((winners[0].phrase, owners))
            continue
        seen: set[str] = set()
        for claim in sorted(winners, key=lambda c: c.order):
            if claim.phrase not in seen:
                seen.add(claim.phrase)
                owned.setdefault(claim.owner, []).append((claim.order, claim.phrase))
    return {owner: [p for _, p in sorted(items)] for owner, items in owned.items()}, notes


def with_british(phrase: str, owner: str, priority: int, level: int, order: Iterator[int]) -> list[Claim]:
    return [Claim(p, owner, priority, level, next(order)) for p in [phrase, *british(phrase)]]


# --------------------------------------------------------------------------- tumor types


def oncotree_nodes(path: Path) -> list[dict[str, Any]]:
    tree = json.loads(path.read_text(encoding="utf-8"))
    nodes: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        nodes.append(node)
        for child in node.get("children", {}).values():
            walk(child)

    for root in tree.values():
        walk(root)
    return nodes


def build_tumors(shared: Path) -> tuple[dict[str, Any], Ambiguous]:
    nodes = oncotree_nodes(shared / "vocab" / ONCOTREE)
    curated = yaml.safe_load((SOURCES / "tumor_synonyms.yaml").read_text(encoding="utf-8"))
    entries: dict[str, dict[str, Any]] = {}
    levels: dict[str, int] = {}
    order = itertools.count()
    claims: list[Claim] = []
    codes = {node["code"] for node in nodes}

    for node in nodes:
        code = node["code"]
        level = int(node.get("level") or 0)
        levels[code] = level
        entries[code] = {
            "code": code,
            "name": node["name"],
            "group": GROUP_GIST if code == "GIST" else GROUP_NON_GIST,
            "main_type": node.get("mainType"),
            "tissue": node.get("tissue"),
            "parent": node.get("parent"),
            "source": "oncotree",
        }
        if level == 0:
            continue  # the root, "Tissue"
        # A tissue-level node's name is an organ ("Lung", "Other"); its main type is the disease.
        name = node["mainType"] if level == 1 else node["name"]
        for phrase in [name.lower(), *([] if level == 1 else name_variants(node["name"]))]:
            priority = NAME if phrase == name.lower() else DERIVED
            claims += with_british(phrase, code, priority, level, order)

    for item in curated.get("imx_types") or []:
        code = item["code"]
        if code in codes:
            raise SystemExit(f"imx type {code} clashes with an OncoTree code")
        levels[code] = 0
        entries[code] = {
            "code": code,
            "name": item["name"],
            "group": GROUP_GIST if code == "GIST" else GROUP_NON_GIST,
            "main_type": item.get("main_type"),
            "tissue": item.get("tissue"),
            "parent": item.get("parent"),
            "source": "imx",
        }
        for pattern in item.get("synonyms") or []:
            for phrase in expand(pattern):
                claims += with_british(phrase, code, CURATED, 0, order)

    for code, patterns in (curated.get("synonyms") or {}).items():
        if code not in entries:
            raise SystemExit(f"tumor_synonyms.yaml: unknown code {code}")
        for pattern in patterns:
            for phrase in expand(pattern):
                claims += with_british(phrase, code, CURATED, levels[code], order)

    exclude = {phrase_key(p) for p in curated.get("exclude") or []}
    owned, ambiguous = resolve(claims, exclude)
    tumor_types = [{**entry, "synonyms": owned.get(code, [])} for code, entry in entries.items()]
    stop = [
        p for pattern in curated.get("stop_phrases") or [] for q in expand(pattern) for p in [q, *british(q)]
    ]
    return {"tumor_types": tumor_types, "stop_phrases": stop + [p for p, _ in ambiguous]}, ambiguous


# --------------------------------------------------------------------------- adverse events


def ctcae_rows(path: Path) -> list[dict[str, str]]:
    # The grade headers carry broken bytes; decode leniently and address columns by name.
    text = path.read_bytes().decode("utf-8", errors="replace")
    return list(csv.DictReader(io.StringIO(text)))


def build_adverse_events(shared: Path) -> tuple[dict[str, Any], Ambiguous]:
    rows = ctcae_rows(shared / "vocab" / CTCAE)
    curated = yaml.safe_load((SOURCES / "ae_synonyms.yaml").read_text(encoding="utf-8"))
    entries: dict[str, dict[str, Any]] = {}
    order = itertools.count()
    claims: list[Claim] = []
    for row in rows:
        term = row["CTCAE Term"].strip()
        entries[term] = {
            "term": term,
            "soc": row["MedDRA SOC"].strip(),
            "meddra_code": int(row["MedDRA Code"]),
        }
        if term.endswith("- Other, specify"):
            continue  # a catch-all: only a reader can say what "other" was
        claims += with_british(term.lower(), term, NAME, 0, order)
        for phrase in ae_variants(term):
            claims += with_british(phrase, term, DERIVED, 0, order)
    for term, patterns in (curated.get("synonyms") or {}).items():
        if term not in entries:
            raise SystemExit(f"ae_synonyms.yaml: {term!r} is not a CTCAE v5.0 term")
        for pattern in patterns:
            for phrase in expand(pattern):
                claims += with_british(phrase, term, CURATED, 0, order)
    exclude = {phrase_key(p) for p in curated.get("exclude") or []}
    owned, ambiguous = resolve(claims, exclude)
    events = [{**entry, "synonyms": owned.get(term, [])} for term, entry in entries.items()]
    stop = [
        p for pattern in curated.get("stop_phrases") or [] for q in expand(pattern) for p in [q, *british(q)]
    ]
    data: dict[str, Any] = {"adverse_events": events}
    if stop or ambiguous:
        data["stop_phrases"] = stop + [p for p, _ in ambiguous]
    return data, ambiguous


# --------------------------------------------------------------------------- output


def digest(paths: Iterable[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def render(data: dict[str, Any], title: str, sources: list[Path]) -> str:
    header = [
        f"# {title}",
        "# GENERATED by scripts/build_vocab.py - do not edit by hand. To change it, edit",
        "# scripts/vocab_sources/*.yaml (or extend at run time with `imx --vocab DIR`), then run:",
        "#   python scripts/build_vocab.py --shared ../shared",
        f"# Sources: {', '.join(p.name for p in sources)} (sha256 {digest(sources)}).",
        "# Formats, matching rules and attribution: docs/vocabularies.md.",
    ]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return "\n".join(header) + "\n" + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help=f"folder holding vocab/{ONCOTREE} and vocab/{CTCAE} (default: ../shared)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: imatinib_cli/vocab)")
    parser.add_argument("--check", action="store_true", help="only report whether the files are current")
    parser.add_argument("--verbose", action="store_true", help="list the ambiguous phrases")
    args = parser.parse_args(argv)

    shared: Path = args.shared
    if not (shared / "vocab" / ONCOTREE).is_file():
        parser.error(f"{shared / 'vocab' / ONCOTREE} not found (pass --shared)")
    tumors, tumor_notes = build_tumors(shared)
    events, ae_notes = build_adverse_events(shared)
    outputs = {
        "tumor_types.yaml": render(
            tumors,
            "Tumor types: every OncoTree node plus imx umbrella groups, with matching phrases.",
            [shared / "vocab" / ONCOTREE, SOURCES / "tumor_synonyms.yaml"],
        ),
        "adverse_events.yaml": render(
            events,
            "Adverse events: the 837 CTCAE v5.0 terms with matching phrases.",
            [shared / "vocab" / CTCAE, SOURCES / "ae_synonyms.yaml"],
        ),
    }
    stale = []
    for filename, text in outputs.items():
        target = args.out / filename
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            stale.append(filename)
            if not args.check:
                target.write_text(text, encoding="utf-8")
    n_tumor = sum(len(e["synonyms"]) for e in tumors["tumor_types"])
    n_ae = sum(len(e["synonyms"]) for e in events["adverse_events"])
    print(
        f"tumor_types: {len(tumors['tumor_types'])} entries, {n_tumor} phrases; "
        f"adverse_events: {len(events['adverse_events'])} entries, {n_ae} phrases; "
        f"{len(tumor_notes) + len(ae_notes)} ambiguous phrases made stop phrases",
        file=sys.stderr,
    )
    if args.verbose:
        for phrase, owners in tumor_notes + ae_notes:
            print(f"  ambiguous: {phrase!r} ({', '.join(owners)})", file=sys.stderr)
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)}", file=sys.stderr)
            return 1
        return 0
    print(f"wrote {', '.join(stale) or 'nothing (already current)'}", file=sys.stderr)
    if args.out == OUT:
        from parse_vocab import write_parsed  # the pre-parsed forms of the files just written

        write_parsed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
