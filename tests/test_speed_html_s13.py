"""The thirteenth session's HTML text assembly (issue 12): a run of plain list items (_cut_runs) is
collapsed apart and put in its placeholder's place as the text is assembled (_spliced), where its
marked text was written into the page's marked text and collapsed with it. Checked against that
form on generated marked texts: position markers nested as elements, whitespace of every ASCII
kind, block marks, and run placeholders flanked by marks as the block-mark XSLT writes them (or
with a blank tail between the mark before and the marker, as _mark_blocks leaves it). And
_collapse_runs, which now gives back a piece that needs no collapse (no whitespace but single
spaces, none beside a mark or at an end) with its marks replaced, against the definition."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from imatinib_cli.load.html_page import (
    _ASCII_MARKING,
    _FIRST_MARKER,
    _FIRST_RUN_MARKER,
    _assemble,
    _collapse_runs,
    _marker_places,
    _runs_to_splice,
)

_BLOCK = "\x7f"
# ASCII whitespace str.split() splits on, visible characters, the block mark
_CHARS = [" ", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "a", "b", "7", ".", _BLOCK, _BLOCK]
_texts = st.lists(st.sampled_from(_CHARS), max_size=12).map("".join)
_blanks = st.lists(st.sampled_from([" ", "\n", "\t"]), max_size=3).map("".join)


@st.composite
def _marked_with_runs(draw: st.DrawFn) -> tuple[str, int, dict[str, str]]:
    """A marked text as _render has it before the runs are written in: elements' position
    markers, text, marks, and run placeholders' markers (a mark, maybe a blank tail, the marker,
    a mark); with the count of elements and each placeholder's run text (marked, as _cut_runs
    gives it)."""
    count = 0
    runs: dict[str, str] = {}

    def run() -> str:
        marker = chr(_FIRST_RUN_MARKER + len(runs))
        runs[marker] = draw(st.lists(_texts, min_size=1, max_size=4).map(_BLOCK.join))
        return _BLOCK + draw(_blanks) + marker + _BLOCK

    def content(depth: int) -> str:
        nonlocal count
        parts = [draw(_texts)]
        for _ in range(draw(st.integers(0, 3 if depth < 3 else 0))):
            if draw(st.booleans()):
                parts.append(run())
            else:
                number = count
                count += 1
                marker = chr(_FIRST_MARKER + number)
                parts.append(marker + content(depth + 1) + marker)
            parts.append(draw(_texts))
        return "".join(parts)

    return content(0), count, runs


@settings(max_examples=1500, deadline=None)
@given(_marked_with_runs())
@example(("a\ue100\x7f\ue001\x7f c\ue100", 1, {"\ue001": " b\x7f\x7f c "}))
@example(("\x7f\ue001\x7f\ue100x\ue100", 1, {"\ue001": "\x7f b \x7f"}))
def test_runs_spliced_as_assembled_read_as_written_into_the_text(
    marked: tuple[str, int, dict[str, str]],
) -> None:
    raw, count, runs = marked
    written = raw
    for marker, text in runs.items():
        written = written.replace(marker, text, 1)
    expected = _assemble(written, _marker_places(written, count)[0], _ASCII_MARKING)
    raw, spliced = _runs_to_splice(raw, tuple(runs.values()), _ASCII_MARKING)  # as _render has them
    assert _assemble(raw, _marker_places(raw, count)[0], _ASCII_MARKING, spliced) == expected


def test_a_reference_list_of_many_runs_spliced_as_written_into_the_text() -> None:
    """250 runs in one stretch of text (a page holds at most _MAX_RUNS, 255): a reference list
    whose items alternate plain and marked up, each plain one a run of its own. Each is read in
    its placeholder's place, in order, as writing them all into the text reads (_spliced cuts the
    text once at every marker)."""
    runs = {
        chr(_FIRST_RUN_MARKER + n): f" Ref {n}. Author A,\t et al.{_BLOCK}J Med. 20{n % 10}1 "
        for n in range(250)
    }
    raw = (
        "Results\ue100"
        + "".join(f"{_BLOCK}{marker}{_BLOCK} item {n} " for n, marker in enumerate(runs))
        + "\ue100"
    )
    written = raw
    for marker, text in runs.items():
        written = written.replace(marker, text, 1)
    expected = _assemble(written, _marker_places(written, 1)[0], _ASCII_MARKING)
    raw, spliced = _runs_to_splice(raw, tuple(runs.values()), _ASCII_MARKING)
    assert len(spliced) == 250
    text, positions = _assemble(raw, _marker_places(raw, 1)[0], _ASCII_MARKING, spliced)
    assert (text, positions) == expected
    assert text.count("Ref ") == 250 and text.index("Ref 249.") > text.index("item 248")
    assert text.startswith("Results\nRef 0. Author A, et al.\nJ Med. 2001\nitem 0\nRef 1.")


def _split_collapse(piece: str) -> str:
    """Each whitespace run one space, each run of whitespace and marks holding a mark one newline,
    the ends dropped: the definition, word by word."""
    return "\n".join(filter(None, (" ".join(stretch.split()) for stretch in piece.split(_BLOCK))))


_FEW = [" ", " ", " ", "a", "b", "c", _BLOCK, _BLOCK, "\t", "\n", "\xa0", "\u2009", "\x85", "\x01", "é"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_FEW), max_size=30).map("".join))
@example("a\x7fb c")
@example("a \x7fb")
@example("a\x7f\x7fb")
@example(" a\x7fb")
@example("a b")
@example("a  b")
@example("a b ")
@example("a\xa0b")
def test_collapse_runs_is_the_definition(piece: str) -> None:
    assert _collapse_runs(piece, _BLOCK) == _split_collapse(piece)
    assert _collapse_runs(piece.replace(_BLOCK, ""), _BLOCK) == " ".join(piece.replace(_BLOCK, "").split())
