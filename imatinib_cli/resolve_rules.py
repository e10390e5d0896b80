"""The few extraction rules that resolve and analyze apply too, in a module that imports no extractor.

Importing anything under imatinib_cli.extract runs the package's __init__, which imports every
extractor and compiles their patterns (~20 ms). A warm `imx summarize` (every document from the
extraction cache) extracts nothing, yet resolve asks which blood disease a tumor code is
(`disease_kind("CML")` -> "leukemia"), which cue words cite an evaluable size, and whether a quote
names an arm; so those live here (extract.heme, extract.cues and extract import theirs from here)
(tests/test_startup.py checks that a warm run imports no extract module).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from imatinib_cli import vocab

LEUKEMIA = "leukemia"
RESTRICTED = "restricted"  # a myeloid disease that is not a leukemia (HES, mastocytosis, MPN)
BLOOD = "blood"  # another blood disease (lymphoma): tumor responses as usual, the axis kept


@vocab.cached
def words(file: str, *path: str) -> frozenset[str]:
    """A plain word list from a vocab file, lowercased, for membership tests:
    `words("cues", "evaluable_with")` -> frozenset({"measurable", ...})."""
    node: Any = vocab.load(file)
    for part in path:
        node = node[part]
    return frozenset(str(item).lower() for item in node)


@vocab.cached
def _tumor_types() -> dict[str, Mapping[str, Any]]:
    entries = vocab.load("tumor_types")["tumor_types"]
    return {str(entry["code"]): entry for entry in entries if "code" in entry}


@vocab.cached
def disease_kind(code: str | None) -> str | None:
    """LEUKEMIA, RESTRICTED, BLOOD or None (not a blood disease, or no tumor type) for a tumor code:
    `disease_kind("CML")` -> "leukemia", `disease_kind("GIST")` -> None. Read from the
    vocabularies once per code (extraction, resolve and grouping ask it per population)."""
    if code is None:
        return None
    entry = _tumor_types().get(code)
    if entry is None:
        return None
    data = vocab.load("hematologic")
    name = str(entry.get("name") or "").lower()  # not main_type: OncoTree files HES-like neoplasms under it
    if any(str(word).lower() in name for word in data["leukemia_words"]):
        return LEUKEMIA
    tissue = str(entry.get("tissue") or "")
    if tissue in {str(t) for t in data["restricted_tissues"]}:
        return RESTRICTED
    if tissue in {str(t) for t in data["axis_tissues"]}:
        return BLOOD
    return None


_GROUP_NOUNS = re.compile(r"\b(?:arms?|groups?|cohorts?|strat(?:a|um)|versus|vs)\b", re.IGNORECASE)


def names_no_arm(quote: str, arms: list[str]) -> bool:
    """True when a sentence names no arm, cohort or comparison: 'The major grade 3 events were
    seizure (present in 17 patients)' speaks of every patient treated, in a study with arms."""
    lowered = quote.lower()
    if not lowered or _GROUP_NOUNS.search(lowered):
        return False
    return not any(arm.lower() in lowered for arm in arms)
