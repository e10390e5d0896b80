"""Shortcuts in the population, dose, outcome, design and arm readers (issue 12, sixth session).

Each shortcut reads the same answer another way; each is checked here against the plain way it
replaced, on random input and on sentences written by hand. A shortcut that ever changed an
answer would change the output bytes.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import heme


def _lines_by_split(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """heme._lines as it was: split a copy of the region at every line break."""
    lines, offset = [], start
    for line in (text if start == 0 and end is None else text[start:end]).split("\n"):
        if line.rstrip(" \t")[-1:].isdigit():
            lines.append((offset, line))
        offset += len(line) + 1
    return lines


_LINE_TEXT = st.text(alphabet=st.sampled_from("ab 1\t\n.%²٣"), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_LINE_TEXT, st.integers(0, 45), st.one_of(st.none(), st.integers(0, 45)))
def test_lines_without_copies_match_split(text: str, start: int, end: int | None) -> None:
    if end is None and start:
        end = len(text)  # the callers pass both bounds, or neither
    assert heme._lines(text, start, end) == _lines_by_split(text, start, end)


def test_lines_keep_rows_that_end_with_a_value() -> None:
    text = "Estimated cumulative MCyR % at 30 mos. 90 \nPatients in CCyR\nMMR at 12 mos. (%)\t40"
    assert heme._lines(text) == [
        (0, "Estimated cumulative MCyR % at 30 mos. 90 "),
        (60, "MMR at 12 mos. (%)\t40"),
    ]
    assert heme._lines(text, 43, 59) == []
