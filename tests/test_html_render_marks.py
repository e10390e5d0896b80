"""The HTML reader's text assembly (issue 12, third pass): the same text as the previous code.

_collapse_runs now collapses each stretch between block marks on its own, _marker_places finds the
position markers with str.find instead of a character class, and an ASCII page is marked with DEL
instead of U+E000. Each is checked against the previous code (kept here as the reference) on
random texts with every kind of whitespace Python's str.split knows, and pages that hold the
marks themselves (DEL, private-use characters, as text or as character references) are read as
the element-by-element walk reads them.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import html_page
from imatinib_cli.load.html_page import (
    _ASCII_MARKING,
    _FIRST_MARKER,
    _PRIVATE_MARKING,
    _assemble,
    _collapse_runs,
    _marker_places,
)

_OLD_BLOCK = "\ue000"
_OLD_MARKER_RE = re.compile("[\ue100-\uf8ff]")
_OLD_RUN_RE = re.compile("[\\s\ue000-\uf8ff]*")


def _old_collapse_runs(piece: str) -> str:
    spaced = " ".join(piece.split())
    if _OLD_BLOCK not in spaced:
        return spaced
    marked = spaced.replace(" " + _OLD_BLOCK, _OLD_BLOCK).replace(_OLD_BLOCK + " ", _OLD_BLOCK)
    return "\n".join(filter(None, marked.split(_OLD_BLOCK)))


def _old_is_separator(char: str) -> bool:
    return char.isspace() or "\ue000" <= char <= "\uf8ff"


def _old_assemble(raw: str) -> tuple[str, dict[int, list[int]]]:
    """The previous _assemble (pieces are short here, so _collapse is _collapse_runs)."""
    lead = _OLD_RUN_RE.match(raw).end()  # type: ignore[union-attr]
    tail = len(raw)
    while tail > lead and _old_is_separator(raw[tail - 1]):
        tail -= 1
    positions: dict[int, list[int]] = {}

    def place(markers: list[str], at: int) -> None:
        for marker in markers:
            positions.setdefault(ord(marker) - _FIRST_MARKER, []).append(at)

    place(_OLD_MARKER_RE.findall(raw, 0, lead), 0)
    pieces: list[str] = []
    length = 0
    done = lead
    for match in _OLD_MARKER_RE.finditer(raw, lead, tail):
        if match.start() < done:
            continue
        start = match.start()
        while start > done and _old_is_separator(raw[start - 1]):
            start -= 1
        end = _OLD_RUN_RE.match(raw, match.start()).end()  # type: ignore[union-attr]
        run = raw[start:end]
        markers = _OLD_MARKER_RE.findall(run)
        piece = _old_collapse_runs(raw[done:start])
        pieces.append(piece)
        length += len(piece)
        place(markers, length)
        separator = "\n" if _OLD_BLOCK in run else " " if len(markers) < len(run) else ""
        pieces.append(separator)
        length += len(separator)
        done = end
    piece = _old_collapse_runs(raw[done:tail])
    pieces.append(piece)
    place(_OLD_MARKER_RE.findall(raw, tail), length + len(piece))
    return "".join(pieces), positions


# Every character str.split() splits on, some visible ones, and the block mark.
_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0"]
_SPACES += ["\u1680", "\u2000", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
_CHARS = [*_SPACES, "a", "b", "7", ".", "\u200b", "é", _OLD_BLOCK, _OLD_BLOCK]
_texts = st.lists(st.sampled_from(_CHARS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_collapse_runs_is_the_previous_collapse(piece: str) -> None:
    assert _collapse_runs(piece, "\ue000") == _old_collapse_runs(piece)
    if "\x7f" not in piece:
        assert _collapse_runs(piece.replace(_OLD_BLOCK, "\x7f"), "\x7f") == _old_collapse_runs(piece)


@st.composite
def _marked(draw: st.DrawFn) -> tuple[str, int, list[int]]:
    """A raw text as _render makes it: elements numbered in document order, each one's marker at
    its start and its end, text and marks around; with the order elements are left in."""
    count = 0
    leave: list[int] = []

    def element(depth: int) -> str:
        nonlocal count
        number = count
        count += 1
        parts = [draw(_texts)]
        for _ in range(draw(st.integers(0, 2 if depth < 3 else 0))):
            parts += [element(depth + 1), draw(_texts)]
        leave.append(number)
        marker = chr(_FIRST_MARKER + number)
        return marker + "".join(parts) + marker

    parts = [draw(_texts)]
    for _ in range(draw(st.integers(0, 3))):
        parts += [element(0), draw(_texts)]
    return "".join(parts), count, leave


@settings(max_examples=400, deadline=None)
@given(_marked())
def test_assemble_from_marker_places_is_the_previous_assemble(marked: tuple[str, int, list[int]]) -> None:
    raw, count, leave = marked
    expected = _old_assemble(raw)
    places, leave_order = _marker_places(raw, count)
    assert leave_order == leave  # the order of the end markers is the order elements are left in
    assert _assemble(raw, places, _PRIVATE_MARKING) == expected
    if "\x7f" not in raw:
        ascii_raw = raw.replace(_OLD_BLOCK, "\x7f")
        assert _assemble(ascii_raw, _marker_places(ascii_raw, count)[0], _ASCII_MARKING) == expected


_ARTICLE = (
    "<html><head><title>A trial of imatinib</title></head><body><article>"
    "<h1 class='article-title'>A trial of imatinib {0}</h1><h2>Intro</h2><p>First {0} line.<br>Second</p>"
    "<section class='abstract'><h2>Abstract</h2><ul><li>Of 40 patients, 20 responded {0}.</li>"
    "<li>Median PFS was 9 months.</li></ul></section>"
    "<h2>Results</h2><div><p>Eight had grade 3 rash{0}.</p></div></article></body></html>"
)


def test_pages_holding_the_marks_read_as_the_careful_walk_reads_them() -> None:
    for inner in (
        "",
        "x \x7f y",
        "&#127;",
        "&#x7F;",
        "\ue000",
        "&#xE000;",
        "&#xe9af;",
        "&#59648;",
        "&#x1F600;",
    ):
        text = _ARTICLE.format(inner)
        fast = html_page.read("page.html", "0" * 64, text)
        careful = html_page._read("page.html", "0" * 64, text, None)
        assert fast == careful
        assert fast.text.startswith("A trial of imatinib")
        assert "Of 40 patients, 20 responded" in fast.text


def test_a_private_use_character_reference_is_read_not_an_error() -> None:
    """An icon font's glyph written as a reference (&#xe900;) made the previous reader fail."""
    page = html_page.read("page.html", "0" * 64, _ARTICLE.format("<i class='icon'>&#xe900;</i>"))
    assert page.status == "ok"
    assert "Of 40 patients, 20 responded \ue900." in page.text
    abstract = next(part for part in page.sections if part.kind == "abstract")
    assert page.text[abstract.start : abstract.end].startswith("Abstract\nOf 40 patients")


# Text as pages have it: words joined by single spaces mostly (the fast path of _collapse_runs),
# now and then another whitespace character, a run, or a visible character str.isprintable
# rejects (a zero-width space, a control character), between block marks and runs around them.
_WORDS = st.lists(st.sampled_from(["a", "bc", "7.", "é", "\u2013", "\u200b", "\x01", "\x7e"]), min_size=1)
_GAPS = st.sampled_from([" "] * 12 + _SPACES + ["  ", " \n ", "\t"])


@st.composite
def _page_pieces(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        words = draw(_WORDS)
        parts.append(draw(_GAPS) if draw(st.booleans()) else "")
        parts.append(words[0])
        for word in words[1:]:
            parts += [draw(_GAPS), word]
        parts.append(draw(st.sampled_from(["", " ", "\n  ", "\x0c"])))
        parts.append(_OLD_BLOCK * draw(st.integers(0, 2)))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_page_pieces())
def test_collapse_runs_fast_path_is_the_previous_collapse(piece: str) -> None:
    """Stretches with single spaces only are taken as they are; any other whitespace is split."""
    assert _collapse_runs(piece, "\ue000") == _old_collapse_runs(piece)
    ascii_marked = piece.replace(_OLD_BLOCK, "\x7f")
    assert _collapse_runs(ascii_marked, "\x7f") == _old_collapse_runs(piece)


def test_collapse_runs_on_written_stretches() -> None:
    assert _collapse_runs("\x7f  Ivanova JW, et al. doi\x7f\n    \x7fPatel A.\x7f", "\x7f") == (
        "Ivanova JW, et al. doi\nPatel A."
    )
    assert _collapse_runs("\x7fa\u2009b\x7fc  d\x7f\xa0e\x7f", "\x7f") == "a b\nc d\ne"
    assert _collapse_runs("\ue000a\u2013b \x1fc\ue000", "\ue000") == "a\u2013b c"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["&", "#", "&#", "a", "amp;", "\u00e9"]), max_size=200).map("".join))
def test_has_reference_is_in(text: str) -> None:
    """_has_reference answers `"&#" in text`, past its scan of the first "&" characters too."""
    assert html_page._has_reference(text) == ("&#" in text)
    assert html_page._has_reference("&a" * 70 + text) == ("&#" in text)


_NEAR_PRIVATE_USE = ["a", "\xe9", "\u2013", "\ud7ff", "\ue000", "\ue900", "\uefff", "\uf000", "\uf8ff"]
_NEAR_PRIVATE_USE += [
    "\uf900",
    "\ufb01",
    "\ufeff",
    "\uff0c",
    "\ufffd",
    "\U00010000",
    "\U000e0001",
    "\U000f0000",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NEAR_PRIVATE_USE), max_size=12).map("".join))
def test_private_use_found_in_utf8_as_in_text(text: str) -> None:
    """The UTF-8 bytes' one-byte searches find a character of U+E000 to U+F8FF where `re` did."""
    expected = re.search("[\ue000-\uf8ff]", text) is not None
    assert html_page._private_use_literal(text, text.encode("utf-8")) == expected
    assert html_page._private_use_literal(text, None) == expected
    assert html_page._private_use_in(text, False) == expected
