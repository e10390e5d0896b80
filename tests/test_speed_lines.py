"""Shortcuts in the text load (issue 12, seventh session, second pass), checked against the old code.

`pubmed_legacy_page.sniff` used to split the first 6,000 characters into Lines (offsets and text,
~3,000 instructions each) and ask `find_citation` for a citation among the first 40; it now reads
plain strings and stops at the first citation. Both are run here on random texts built from cue
words, citation lines and near-misses, blank lines, runs of many lines (past the 40-line limit)
and long filler (past the 6,000-character cut), with "ſ", "İ", "ı" and the Kelvin sign among them.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import pubmed_legacy_page
from imatinib_cli.load._pubmed_text import find_citation
from imatinib_cli.load._text import split_lines


def _old_sniff(text: str) -> bool:
    """pubmed_legacy_page.sniff as the seventh session's first pass left it."""
    if not any(map(text.__contains__, pubmed_legacy_page._CUES)):
        return False
    return find_citation(split_lines(text[:6000]), limit=40) is not None


_PIECES = [
    "Eur J Cancer. 2003 Sep;39(14):2006-11.",
    "Blood. 2004 Jan 1;103(1):1-5.",
    "1. Leukemia. 2002;16:1-8. doi: 10.1038/sj.leu.2402412.",
    "J Clin Oncol. 2001 Jun;19(12):3040.",
    "Blood. 1999 May;",
    "Blood. 2004 Jan;.",
    "Blood. 2004 Jan 5: .",
    "Ann Oncol. 2005 Jan; 16(1):1-8",
    "Cancer.2003:1.",
    "Imatinib 400 mg daily; response: 53 of 60.",
    "A note. See also: nothing.",
    "PMID: 12345678",
    "[Indexed for MEDLINE]",
    "Author information",
    "Comment in",
    "Publication Types",
    "LinkOut",
    "Send to",
    "\n",
    "\n\n",
    "\n" * 45,
    "x" * 3000,
    " ",
    "\t",
    ".",
    ";",
    ":",
    "\u017f",
    "\u212a",
    "\u0130",
    "\u0131",
    "Ergebnisse. 2010 M\u00e4r;5(2):3-4.",
    # the year search before the cues (eighth session): tabs and spaces before the year, years it
    # must not take, a year on a line of its own or far down
    "Blood.\t 1899;12:3.",
    "Blood . 1799;12:3.",
    ". 2004",
    ".2004",
    " 2004;5:1.",
    "\u0662\u0660\u0660\u0664",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_legacy_sniff_equals_the_old_one(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert pubmed_legacy_page.sniff(text) is _old_sniff(text)


def test_legacy_sniff_real_values() -> None:
    assert pubmed_legacy_page.sniff("Blood. 2004 Jan 1;103(1):1-5.\n\nA title.\n\nPMID: 1")
    assert not pubmed_legacy_page.sniff("Blood. 2004 Jan 1;103(1):1-5.\n\nA title.")  # no cue
    past_limit = "\n" * 40 + "Blood. 2004 Jan 1;103(1):1-5.\nPMID: 1"
    assert not pubmed_legacy_page.sniff(past_limit)
    assert pubmed_legacy_page.sniff(past_limit[1:])  # the 40th line still counts
