"""Shortcuts in extraction's per-document setup (issue 12): each reads what the form it replaces
reads, checked against that form on random text (hypothesis) with the characters case-blind
matching and Unicode whitespace treat apart ("ſ", "İ", "ı", the Kelvin sign, tabs, no-break and
other spaces, controls) and on written cases. A shortcut that ever answered differently would
change the output bytes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import context, cues, heme, numbers, sentences
from imatinib_cli.models import Evidence

_ODD = [
    "ſ",
    "İ",
    "ı",
    "\u212a",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\x1c",
    "\x1f",
    "\x0b",
    "\x0c",
    "\r",
    "\t",
    "\n",
]
_CHARS = st.sampled_from(list("aZk.s. ,;()-1") + _ODD) | st.characters()


@settings(max_examples=600, deadline=None)
@given(st.text(_CHARS, max_size=30))
def test_last_word_is_what_the_search_captured(head: str) -> None:
    """`_last_word(head)` is group 1 of `([A-Za-z][A-Za-z.]*)\\.\\s*$` searched in head + "." (""
    when it does not match): the word before a full stop, for the abbreviation test."""
    match = re.search(r"([A-Za-z][A-Za-z.]*)\.\s*$", head + ".")
    assert sentences._last_word(head) == (match.group(1) if match else "")


def test_last_word_written_cases() -> None:
    assert sentences._last_word("see Smith et al") == "al"
    assert sentences._last_word("given (b.i.d") == "b.i.d"
    assert sentences._last_word("a rate of 3") == ""
    assert sentences._last_word("end ..e.g") == "e.g"
    assert sentences._last_word("ſ") == ""


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b", " ", ".", "1", "  ", " \n", "\r\n", *_ODD]) | st.characters(), max_size=30
    ).map("".join)
)
def test_quote_is_the_text_with_its_whitespace_joined(text: str) -> None:
    """A sentence's quote is `" ".join(text.split())` (with the cut marks); the shortcut that
    returns the text itself when that join would not change it answers the same."""
    sentence = sentences.Sentence(0, len(text), text)
    assert sentences.quote(sentence) == " ".join(text.split())
    cut = sentences.Sentence(0, len(text), text, True, True)
    assert sentences.quote(cut) == f"{sentences.ELLIPSIS} {' '.join(text.split())} {sentences.ELLIPSIS}"


def test_quote_written_cases() -> None:
    assert sentences.quote(sentences.Sentence(0, 9, "12 of 30.")) == "12 of 30."
    assert sentences.quote(sentences.Sentence(0, 10, "12 of\n 30.")) == "12 of 30."
    assert sentences.quote(sentences.Sentence(0, 9, "12\x1cof 30")) == "12 of 30"
    assert sentences.quote(sentences.Sentence(0, 9, "12\u00a0of 30")) == "12 of 30"


_ASCII_PIECES = st.lists(
    st.sampled_from(["one", "twenty", "-", " and ", "four", "%", " percent", "none", "_", "1", "x", "."])
    | st.characters(max_codepoint=127),
    max_size=20,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_ASCII_PIECES, st.integers(0, 3))
def test_spelled_scan_for_ascii_text_finds_what_the_unicode_one_does(text: str, at: int) -> None:
    """numbers' after_gap_ascii ("[^0-9A-Za-z_]" for "\\W") finds the same matches, groups
    included, on ASCII text: the only text find_numbers scans with it."""
    patterns = numbers._patterns()
    assert patterns.after_gap is not None and patterns.after_gap_ascii is not None
    lowered = text.lower()
    found = [
        (m.span(), m.groupdict()) for m in patterns.after_gap_ascii.finditer(lowered, min(at, len(lowered)))
    ]
    assert found == [
        (m.span(), m.groupdict()) for m in patterns.after_gap.finditer(lowered, min(at, len(lowered)))
    ]


_CUE_LISTS = [
    ("cues", "design"), ("responses", "anaphora"), ("cues", "toxicity", "cues"), ("cues", "mutation_words"),
    ("cues", "evaluable"), ("responses", "negations"), ("responses", "cited_work"),
]  # fmt: skip
_CUE_PIECES = st.lists(
    st.sampled_from(
        ["random", "randomized", "non-randomized", "these", "the", "this", "grade", "mutations", "no", "not"]
        + ["evaluable", "assessable", "open-label", "multicenter", "_", "1", "-", " ", "x", "ſ", "\u212a"]
    )
    | st.characters(max_codepoint=127),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_CUE_PIECES, st.sampled_from(_CUE_LISTS))
def test_cue_word_search_for_ascii_text_answers_as_the_unicode_one(
    text: str, cue_list: tuple[str, ...]
) -> None:
    """SentenceInfo.has_word searches an ASCII sentence with the cue pattern's ASCII twin (its
    word-start tests as ASCII sets): the same matches there, and the pattern itself elsewhere."""
    pattern = cues.any_word(cue_list[0], *cue_list[1:])
    twin = context._ascii_twin(pattern)
    assert twin.pattern != pattern.pattern
    lowered = text.lower()
    expected = [m.span() for m in pattern.finditer(lowered)]
    if lowered.isascii():
        assert [m.span() for m in twin.finditer(lowered)] == expected
    info = context.SentenceInfo(
        sentences.Sentence(0, len(text), text), "abstract", "", [], [], [], Evidence("x", 0, 0, "")
    )
    assert info.has_word(pattern) is bool(expected)


_TIME_PIECES = [
    "at", "At", "by", "within", "after", "in the first", "at the end of", "and", "or", "12", "3", "6.5", "٣",
    "month", "Months", "mo", "MOS", "mg", "d", "D", "days", "week", "wee\u212a", "wk", "wks", "year", "yr",
    "course", "cour\u017fe", "Cycle", "cycles", "-", "–", " ", "  ", "\n", ",", ".", "to", "x", "İ", "ı", "ſ",
]  # fmt: skip


# A time point's parts in order (an opener, a gap, a number, a gap, a unit or period, an end), so
# that most examples hold one or nearly one, among the loose pieces.
_TIME_POINT = st.tuples(
    st.sampled_from(["at", "By", "within", "after", "at the end of", "and", "", "x"]),
    st.sampled_from([" ", "  ", "\n", "", "-", "\x1c"]),
    st.sampled_from(["12", "3.5", "6 and 12", "3, 6", "٣", "", "month", "Cycle", "wee\u212a"]),
    st.sampled_from(["", " ", "-", " - ", "\t", "–"]),
    st.sampled_from(
        ["months", "MO", "mos", "d", "days", "wk", "Yr", "year", "mg", "cour\u017fe", "cycle", "2"]
    ),
    st.sampled_from(["", "s", " 2", ".", "x", " 4 weeks"]),
).map("".join)


_PERIOD_POINT = st.tuples(
    st.sampled_from(["at", "By", "in the first", "", "x"]),
    st.sampled_from([" ", "\n ", ""]),
    st.sampled_from(["month", "Cycle", "COURSE", "wee\u212a", "cour\u017fe", "year", "mo"]),
    st.sampled_from(["", "s"]),
    st.sampled_from([" ", "  ", "", "-"]),
    st.sampled_from(["2", "12", "٣", "x"]),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_TIME_POINT | _PERIOD_POINT | st.sampled_from(_TIME_PIECES), max_size=8),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_time_points_behind_their_gate_are_those_the_pattern_finds(
    parts: list[str], start: int, cut: int
) -> None:
    """heme._find_timepoints skips the time-point pattern in an ASCII span without a digit and a
    unit's first letters or a period word: wherever the pattern matches, the gate does."""
    text = "".join(parts)
    start = min(start, len(text))
    end = max(start, len(text) - cut)
    assert heme._timepoint_gate() is not None
    matches = list(heme._timepoint_pattern().finditer(text, start, end))
    if matches and text[start:end].isascii():
        assert _gate_passes(text, start, end)
    spans = [(m.start(), m.start() + len(m.group(0).rstrip(". "))) for m in matches]
    assert [(a, b) for a, b, _ in heme._find_timepoints(text, start, end)] == spans


def _gate_passes(text: str, start: int, end: int) -> bool:
    """heme._timepoint_gate's two tests, as heme._find_timepoints asks them of an ASCII span."""
    gate = heme._timepoint_gate()
    assert gate is not None
    digit_unit, periods = gate
    lower = text[start:end].lower()
    return digit_unit.search(text, start, end) is not None or any(word in lower for word in periods)


def test_time_point_gate_written_cases() -> None:
    for text in ("at 12 months", "by 3-mo", "after 7 d", "at the end of cycle 2", "MMR at 18 MOS"):
        assert _gate_passes(text, 0, len(text)) and heme._find_timepoints(text, 0, len(text))
    text = "12 patients received 400 mg daily"
    assert not _gate_passes(text, 0, len(text))


_ASCII_NUMERAL = st.lists(
    st.sampled_from(["0", "1", "10", "07", "45", "123", "1234", ".", ",", "5", "e", "E", "+", "-", "x", "X"])
    | st.sampled_from(["*", "^", " ", "  ", "\n", "\x1c", "\x1f", "\t", "%", " %", " percent", " PerCent"])
    | st.sampled_from(["mg", "T", "v", "_", "(", ")", "a", " 234", "1.234.567", "2E-4", "1.5 x 10^3"])
    | st.characters(max_codepoint=127),
    max_size=16,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_ASCII_NUMERAL, st.integers(0, 4), st.integers(0, 4))
def test_numeral_scan_for_ascii_text_finds_what_the_unicode_one_does(text: str, start: int, cut: int) -> None:
    """numbers' digits_ascii (re.ASCII, "\\s" written out) finds the same numerals, every group
    included, in ASCII text with random slice bounds: find_numbers uses it for ASCII sections."""
    patterns = numbers._patterns()
    assert patterns.digits_ascii is not None
    start = min(start, len(text))
    end = max(start, len(text) - cut)
    found = [(m.span(), m.groupdict()) for m in patterns.digits_ascii.finditer(text, start, end)]
    assert found == [(m.span(), m.groupdict()) for m in patterns.digits.finditer(text, start, end)]


def test_ascii_twin_writes_out_spaces_in_and_out_of_sets() -> None:
    twin = numbers._ascii_twin(re.compile(r"a\s+b|[\s\-]+c|[]\s]d|\bE\d"))
    assert twin is not None and twin.flags & re.ASCII
    for text in ("a\x1cb", "\x1f-c", "]d", " d", "x E5", "\u00a0c"):
        assert [m.span() for m in twin.finditer(text)] == [
            m.span() for m in re.finditer(r"a\s+b|[\s\-]+c|[]\s]d|\bE\d", text)
        ] or not text.isascii()
    assert numbers._ascii_twin(re.compile(r"\S")) is None


_NUMERALS = st.lists(
    st.sampled_from(["0", "1", "10", "07", "45", "1234", ".", "·", ",", "5", "e", "+", "-", "x", "^", "²"])
    | st.sampled_from(
        [" ", "\u2009", "%", " percent", "mg", "٣", "(", "12.5", "3.14159265358979", "1,234.5"]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_NUMERALS, st.integers(0, 3), st.integers(0, 3))
def test_numerals_read_without_read_numeral_as_with_it(text: str, start: int, cut: int) -> None:
    """find_numbers reads a numeral of digits, or digits, a point and digits, itself; every
    numeral read (value, span, percent, decimals) and dropped is what _read_numeral gives."""
    start = min(start, len(text))
    end = max(start, len(text) - cut)
    dropped: list[numbers.Dropped] = []
    found = [n for n in numbers.find_numbers(text, start, end, dropped) if not n.spelled]
    expected, expected_dropped = [], []
    patterns = numbers._patterns()
    for match in patterns.digits.finditer(text, start, end):
        read = numbers._read_numeral(match)
        if isinstance(read, numbers.Dropped):
            expected_dropped.append(read)
        else:
            value, decimals = read
            expected.append(numbers.Num(value, *match.span(), bool(match.group("pct")), decimals=decimals))
    assert found == expected
    assert dropped == expected_dropped


def test_word_or_hyphen_test_reads_what_the_regex_reads() -> None:
    """_label_spans tests the character before a section with str.isalnum, "_" and "-" instead of
    a match of "[\\w-]": the same answer for every code point (surrogates included)."""
    word_or_hyphen = re.compile(r"[\w-]")
    differ = [
        code
        for code in range(0x110000)
        if (chr(code).isalnum() or chr(code) in "_-") != bool(word_or_hyphen.match(chr(code)))
    ]
    assert differ == []


_NUMBER_WORDS = st.lists(
    st.sampled_from(["one", "ten", "often", "twenty", "-", "four", " and ", "hundred", "six", "teen", " "])
    | st.sampled_from(
        ["Five", "SIXTY", "percent", " per cent", "%", "ſix", "\u212aa", "İ", "\ud800", "é", "1"]
    )
    | _CHARS,
    max_size=12,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(_NUMBER_WORDS, st.integers(0, 3))
def test_spelled_numbers_from_word_starts_are_those_of_every_gap(text: str, at: int) -> None:
    """_spelled tried only before where word_finder (Aho-Corasick) finds a number word yields what
    trying after_gap at every character does; no number word found: nothing at all."""
    patterns = numbers._patterns()
    lowered = text.lower()
    at = min(at, len(lowered))
    starts = numbers._word_starts(patterns, lowered)
    everywhere = list(numbers._spelled(patterns, lowered, at))
    assert list(numbers._spelled(patterns, lowered, at, starts)) == everywhere
    if starts == []:
        assert everywhere == []


def test_word_starts_written_cases() -> None:
    patterns = numbers._patterns()
    assert numbers._word_starts(patterns, "often two") == [2, 6]
    assert numbers._word_starts(patterns, "no numbers") == []
    assert numbers._word_starts(patterns, "\ud800 one") == [2]  # a lone surrogate read as U+FFFD
    assert numbers.find_numbers("x Twenty-one and 3", 1) == [
        numbers.Num(21.0, 2, 12, False, True),
        numbers.Num(3.0, 17, 18, False),
    ]


_DECIMALS = st.lists(
    st.sampled_from(["0", "1", "10", "07", "45", "1234", ".", "·", ",", "5", "e", "E", "+", "-", "x", "^"])
    | st.sampled_from([" ", "\u2009", "%", " %", " percent", "mg", "a", "٣", "²", "⁻", "×", "*", "\n", "_"])
    | st.sampled_from(["12.5", "0.5", "3.14159265358979", "1,234.5", "1.234.567", "1.5 x 10^3", " 234", "·4"])
    | _CHARS,
    max_size=14,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(_DECIMALS, st.integers(0, 3), st.integers(0, 3))
def test_numeral_scan_reads_decimals_first_as_the_last_option_would(text: str, start: int, cut: int) -> None:
    """numbers' digits pattern reads a decimal part in its first option (_DECIMAL_PART): the same
    numerals, every group included, as the pattern without it (where the decimal was read by the
    last option, after the others had been tried)."""
    pattern = numbers._patterns().digits
    assert pattern.pattern.count(numbers._DECIMAL_PART) == 1
    without = re.compile(pattern.pattern.replace(numbers._DECIMAL_PART, ""), pattern.flags)
    start = min(start, len(text))
    end = max(start, len(text) - cut)
    found = [(m.span(), m.groupdict()) for m in pattern.finditer(text, start, end)]
    assert found == [(m.span(), m.groupdict()) for m in without.finditer(text, start, end)]
