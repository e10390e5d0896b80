"""The second round's load rewrites give the answers of the code they replaced (issue 12).

CITATION_RE's optional groups are written "(?:X|)" (no repeat context a try) and its journal
greedily, given back to its last character that is not a space or tab; a short text's
control check is one bytes.translate. Both are compared with the plain forms on generated input.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import _decode
from imatinib_cli.load._biblio import CITATION_RE, parse_citation

# CITATION_RE as it was written before (each optional part a "(...)?").
_PLAIN_CITATION_RE = re.compile(
    r"^[ \t]*(?:\d{1,4}\.[ \t]+)?(?P<journal>[^\W\d_][^.\n]{0,150}?)?[ \t]*\.[ \t]*"
    r"(?P<year>(?:1[89]|20)\d{2})"
    r"(?:[ \t]+(?P<month>[A-Z][a-z]{2,8}(?:[-/][A-Z][a-z]{2,8})?)(?:[ \t]+(?P<day>\d{1,2}(?:-\d{1,2})?))?)?"
    r"[ \t]*(?P<sep>[;:])[ \t]*"
    r"(?:(?P<volume>[^\s():;.]+)?(?:[ \t]*\((?P<issue>[^)\n]{1,30})\))?)?"
    r"(?:[ \t]*:[ \t]*(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:[-\u2013][A-Za-z]{0,2}\d+[A-Za-z]?)?))?"
    r"[ \t]*\.",
)
# Pieces a citation line is made of, and characters that test the classes' edges.
_PIECES = [
    "1. ",
    "12.\t",
    "Blood",
    "N Engl J Med",
    "J Clin Oncol",
    ". ",
    ".",
    " .",
    "2004",
    "1999",
    "1899",
    "2104",
    " Jan",
    " Aug-Sep",
    " Jan/Feb",
    " 15",
    " 1-3",
    ";",
    ":",
    " ; ",
    "103",
    "(1)",
    " (Suppl 2)",
    ":1-5",
    ": e12-e19",
    ":S1",
    "\u20131",
    "-11",
    " ",
    "\t",
    "\n",
    "doi: 10.1/x",
    "\u017f",
    "\u212a",
    "\u0130",
    "\u0661",
    "_",
    "x",
    "(",
    ")",
    "  ",
    " \t ",
    "Q" * 70,
    "a.",
    "\u00e9",
]


def _spans(pattern: re.Pattern[str], line: str) -> tuple[tuple[int, int], dict[str, str | None]] | None:
    match = pattern.match(line)
    return None if match is None else (match.span(), match.groupdict())


def test_citation_pattern_has_no_optional_group_repeat() -> None:
    assert re.search(r"(?<!\\)\)\?(?!\?)", CITATION_RE.pattern) is None
    assert parse_citation("Blood. 2004 Jan;103(1):1-5.") == {
        "year": 2004,
        "journal": "Blood",
        "volume": "103",
        "issue": "1",
        "pages": "1-5",
    }


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_citation_pattern_matches_as_the_plain_one(pieces: list[str]) -> None:
    line = "".join(pieces)
    assert _spans(CITATION_RE, line) == _spans(_PLAIN_CITATION_RE, line)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab. ;:()1-9\t", max_size=60))
def test_citation_pattern_matches_random_lines_as_the_plain_one(line: str) -> None:
    assert _spans(CITATION_RE, line) == _spans(_PLAIN_CITATION_RE, line)


def _plain_too_many(text: str) -> bool:
    sample = text[: _decode._CONTROL_SAMPLE]
    return len(_decode._CONTROL_RE.findall(sample)) > max(1, len(sample) * _decode._MAX_CONTROL_SHARE)


_CONTROLS = "".join(map(chr, _decode._ASCII_CONTROLS))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab \n\t\r\x0b\x0c" + _CONTROLS + "\x80\x85\x9f\xe9\u2028", max_size=60),
    st.integers(min_value=0, max_value=2200),
    st.booleans(),
)
def test_short_text_control_check_answers_as_the_regex(extra: str, filler: int, give_utf8: bool) -> None:
    # filler puts texts on both sides of the 2,048-character switch
    text = "x" * filler + extra
    utf8 = text.encode("utf-8") if give_utf8 else None
    assert _decode._too_many_controls(text, utf8) == _plain_too_many(text)


def test_translate_flags_mark_exactly_the_controls() -> None:
    flagged = bytes(range(256)).translate(_decode._CONTROL_FLAGS)
    assert [i for i, flag in enumerate(flagged) if flag] == list(_decode._ASCII_CONTROLS)
    assert _decode._too_many_controls("a\x01b\x02" * 10) and not _decode._too_many_controls(
        "a\x01" + "b" * 300
    )
