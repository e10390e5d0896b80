"""Standard input that holds several documents (`cat a.txt b.txt | imx summarize -`): refused.

Files joined by `cat` cannot be cut apart again reliably: a file need not end with a newline (the
last line of one is then glued to the first line of the next), and most formats have no mark that
opens a document (a plain-text abstract, a saved page). Read as one document, they would be merged
into one study (the design of one, the doses of all). So the text is searched for the labels a
record gives its own identity, and when two of one kind disagree the input is refused with the
reason, and every document is left to be given as a file of its own (`--files-from` takes a list).

The labels are those a document shows once, for itself (never a reference list's DOIs, nor a
trial number named in a sentence): a line opening with `doi:` / `DOI:`, a line opening with
`PMID:`, a ClinicalTrials.gov identifier label, a HTML page's `citation_doi` / `citation_pmid`
meta tags, and the `title:` of YAML front matter (a `---` line, `key: value` lines, `---`).
Formats that hold several records by design (PubMed XML sets, MEDLINE, RIS, registry lists) are
split by their readers and never come here.
"""

from __future__ import annotations

import re

from imatinib_cli.load._biblio import PMID_LINE_RE

# "doi: 10.1158/1078-0432.CCR-07-4575." / "DOI:10.1056/NEJMoa020461" at the start of a line.
_DOI_LINE_RE = re.compile(r"^[ \t]*doi[ \t]*:[ \t]*(10\.\d{4,9}/[^\s\"<>\]]+)", re.I | re.M)
# "ClinicalTrials.gov Identifier: NCT00764595", "| NCT Number: | NCT00764595 |".
_NCT_LABEL_RE = re.compile(
    r"(?:ClinicalTrials\.gov[ \t]+(?:Identifier|ID)|NCT[ \t]+(?:Number|ID))[ \t]*:?[ \t|]*(NCT\d{8})\b", re.I
)
# <meta name="citation_doi" content="10.1/x"> (either attribute order).
_META_RE = re.compile(
    r"<meta\b[^>]*?\bname\s*=\s*[\"']citation_(?P<kind>doi|pmid)[\"'][^>]*?\bcontent\s*=\s*[\"'](?P<value>[^\"']+)",
    re.I,
)
# A YAML front-matter block and its title: "---\ntitle: ...\n...\n---" at the start of a line.
_FRONT_MATTER_RE = re.compile(r"^---[ \t]*\r?\n((?:[^\n]*\n){0,200}?)---[ \t]*$", re.M)
_FRONT_TITLE_RE = re.compile(r"^title[ \t]*:[ \t]*[\"']?(.+?)[\"']?[ \t]*\r?$", re.M | re.I)

# Trailing punctuation that ends a sentence, not a DOI ("doi: 10.1/x." on a citation line).
_TRAILING = ".,;:)"


def several_documents(text: str) -> str | None:
    """Why text looks like several documents joined (to refuse it), or None.

    >>> several_documents("Title one\\ndoi: 10.1000/a\\nText.Title two\\ndoi: 10.1000/b\\n")
    '2 different DOIs (10.1000/a, 10.1000/b)'
    """
    found: dict[str, list[str]] = {"DOIs": [], "PMIDs": [], "NCT IDs": [], "titles": []}
    for match in _DOI_LINE_RE.finditer(text):
        _add(found["DOIs"], match.group(1).rstrip(_TRAILING), fold=True)
    for match in _META_RE.finditer(text):
        kind = "DOIs" if match.group("kind").lower() == "doi" else "PMIDs"
        _add(found[kind], match.group("value").strip().rstrip(_TRAILING), fold=True)
    for match in PMID_LINE_RE.finditer(text):
        _add(found["PMIDs"], match.group(1), fold=False)
    for match in _NCT_LABEL_RE.finditer(text):
        _add(found["NCT IDs"], match.group(1).upper(), fold=False)
    for block in _FRONT_MATTER_RE.finditer(text):
        title = _FRONT_TITLE_RE.search(block.group(1))
        if title:
            _add(found["titles"], " ".join(title.group(1).split()), fold=True)
    for kind, values in found.items():
        if len(values) > 1:
            shown = ", ".join(_short(value) for value in values[:3])
            more = f", +{len(values) - 3} more" if len(values) > 3 else ""
            return f"{len(values)} different {kind} ({shown}{more})"
    return None


def refusal(reason: str) -> str:
    """The skipped Document's reason: what was seen, what was not done, what to do instead."""
    return (
        f"standard input holds {reason}, so it looks like several documents joined; not read, so that "
        "they are not merged into one study: give each as a file, or list them with --files-from"
    )


def _add(values: list[str], value: str, *, fold: bool) -> None:
    key = value.casefold() if fold else value
    if all((seen.casefold() if fold else seen) != key for seen in values):
        values.append(value)


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
