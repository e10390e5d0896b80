"""Text load shortcuts (issue 12, eighth session), each checked against the form it replaced.

- read_records skips the five markup readers' sniffs for a text whose first visible character is
  not "<", "{" or "[": each of them must say no to every such text.
- plain_text._label_cuts is one finditer of a newline before a label (the label in a lookahead):
  the same cuts as the `^`-under-re.M pattern (also checked in tests/test_load_speed.py).
- pubmed_legacy_page.sniff searches for a citation's ". 2004" first (tests/test_speed_lines.py
  holds the comparison with the old sniff).

Random texts are built from pieces that open each format, near-misses, blank runs and the letters
whose case-blind matches leave ASCII ("ſ", "İ", "ı", the Kelvin sign).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import _dispatch, plain_text
from imatinib_cli.load._dispatch import READERS, read_records

_PIECES = [
    "<?xml version='1.0'?>",
    "<!-- note -->",
    "<!DOCTYPE html>",
    "<PubmedArticleSet>",
    "<PubmedArticle>",
    "<clinical_study>",
    "<html>",
    "<p>",
    "{",
    '{"protocolSection": {}}',
    "[",
    "[{}]",
    "}",
    "]",
    '"',
    "PMID- 123\n",
    "TY  - JOUR\n",
    "ER  -\n",
    "---\n",
    "title: x\n",
    "RESULTS: ",
    "A:\nB: x",
    "BACKGROUND\n: y",
    "METHODS / DESIGN:\n",
    "Blood. 2004 Jan;103(1):1-5.\n",
    "PMID: 1\n",
    " ",
    "\t",
    "\n",
    "\n\n",
    "\u00a0",
    "\u2028",
    "\x1c",
    "\u017f",
    "\u0130",
    "\u0131",
    "\u212a",
    "x",
    "Abstract",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_markup_readers_refuse_other_first_characters(text: str) -> None:
    first = text.lstrip()[:1]
    if not first or first in _dispatch._MARKUP_FIRSTS:
        return
    for reader in _dispatch._MARKUP_READERS:
        assert not reader.sniff(text), reader.__name__


def test_markup_readers_are_the_first_five() -> None:
    markup = _dispatch._MARKUP_READERS
    assert READERS[: len(markup)] == markup and READERS[len(markup) :] == _dispatch._TEXT_READERS
    assert [reader.FORMAT for reader in markup] == ["pubmed_xml", "ctgov_xml", "ctgov_json", "html", "data"]
    assert read_records("a.xml", "0", " \n<clinical_study><x/></clinical_study>")[0].format == "ctgov_xml"
    assert read_records("a.txt", "0", "Plain words.")[0].format == "text"


@settings(max_examples=500, deadline=None)
@given(_TEXTS, st.integers(0, 60), st.integers(0, 60))
def test_label_cuts_as_the_line_start_pattern(text: str, a: int, b: int) -> None:
    pattern = re.compile("^" + plain_text._LINE_LABEL_BODY, re.M)
    begin, stop = sorted((min(a, len(text)), min(b, len(text))))
    for start, end in ((0, len(text)), (begin, stop), (begin, len(text))):
        expected = [(m.start(), m.group("label").upper()) for m in pattern.finditer(text, start, end)]
        assert plain_text._label_cuts(text, start, end) == expected


def test_label_cuts_real_values() -> None:
    text = "Title\n\nRESULTS:\nMETHODS / DESIGN: x\n  CONCLUSIONS : y"
    assert plain_text._label_cuts(text, 0, len(text)) == [
        (7, "RESULTS"),
        (16, "METHODS / DESIGN"),
        (36, "CONCLUSIONS"),
    ]
    assert plain_text._label_cuts(text, 16, len(text)) == [(16, "METHODS / DESIGN"), (36, "CONCLUSIONS")]
    assert plain_text._label_cuts(text, 17, len(text)) == [(36, "CONCLUSIONS")]
