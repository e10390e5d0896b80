"""Load and lean-path shortcuts (issue 12, ninth session), each checked against the form it replaced.

- A record class pickles as `models.record_class(module, qualified name)` (its metaclass,
  models.RecordClass, is in copyreg.dispatch_table), not by pickle's own import and look-up: the
  same objects come back, of the same classes, and a class pickle cannot name is refused as before.
- LineStartPattern.finditer is one finditer of the "\\n" + body pattern in C again (the eighth
  session's loop of searches is kept here as the reference): the same matches, for every pattern
  that calls it with bounds or without (the catalog and registry sniffs' labels, the publication
  type badges), and the same as the `^`-under-re.M pattern.

Random texts are built from the labels and badges themselves, near-misses, blank runs, tabs and the
letters whose case-blind matches leave ASCII ("ſ", "İ", "ı", the Kelvin sign).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import models
from imatinib_cli.load import _biblio, catalog_record, ctgov_page
from imatinib_cli.load._text import LineStartPattern
from imatinib_cli.models import RecordClass, record, record_class

_PIECES = [
    "\n", "\n", "\n", "\n\n", " ", "\t", ":", " : ", "|", "x", ".", ",", "\r", "\u2028", "\x0b", "\u00a0",
    "Study Type", "ENROLLMENT", "Allocation", "Masking", "Last Verified", "Official Title", "Condition",
    "Published in", "Veröffentlicht in", "saved in", "ſaved in", "Hauptverfasser", "main author(s)",
    "Main Authors", "Sprache", "Schlagworte", "Title", "Titel", "Language", "ISSN",
    "Review", "review.", "Clinical Trial, Phase II.", "research support, n.i.h.", "Research Support,",
    "Multicenter Study", "Randomized Controlled Trial", "Comparative Study", "Journal Article",
    "İ", "ı", "ſ", "\u212a", "ab", "AB",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_FINDITER_PATTERNS = {
    "catalog labels": (catalog_record._LABEL_BODY, re.I),
    "registry labels": (ctgov_page._LABEL_BODY, re.I),
    "badges": (_biblio._BADGE_LINES.first.pattern, re.I),
    "a short one": (r"[ \t]*(?P<w>ab):", 0),
}


def _loop_finditer(
    pattern: LineStartPattern, text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """The eighth session's finditer: a search from where the last match ended, in Python."""
    end = len(text) if endpos is None else min(endpos, len(text))
    match = pattern.search(text, min(pos, len(text)), end)
    while match is not None:
        yield match
        after = match.end()
        if after == pattern.line_start(match):
            after += 1
        if after > end:
            return
        match = pattern.search(text, after, end)


def _spans(pattern: LineStartPattern, matches: Iterator[re.Match[str]]) -> list[tuple[int, int, tuple]]:
    return [(pattern.line_start(m), m.end(), m.groups()) for m in matches]


def test_the_patterns_are_the_modules_own() -> None:
    assert _biblio._BADGE_LINES.first.flags & re.I
    for name, module in (("catalog labels", catalog_record), ("registry labels", ctgov_page)):
        assert module._LABEL_LINES.first.pattern == _FINDITER_PATTERNS[name][0]


@settings(max_examples=400, deadline=None)
@given(_texts, st.integers(-2, 60), st.one_of(st.none(), st.integers(-2, 80)))
def test_finditer_in_c_finds_what_the_loop_and_caret_found(text: str, pos: int, endpos: int | None) -> None:
    for body, flags in _FINDITER_PATTERNS.values():
        pattern = LineStartPattern(body, flags)
        caret = re.compile("^(?:" + body + ")", flags | re.M)
        found = _spans(pattern, pattern.finditer(text, pos, endpos))
        assert found == _spans(pattern, _loop_finditer(pattern, text, pos, endpos))
        stop = len(text) if endpos is None else endpos
        assert found == [(m.start(), m.end(), m.groups()) for m in caret.finditer(text, max(pos, 0), stop)]
        assert _spans(pattern, pattern.finditer(text)) == _spans(pattern, _loop_finditer(pattern, text))


def test_finditer_examples() -> None:
    pattern = LineStartPattern(r"[ \t]*(?P<w>ab):")
    text = "ab: ab:\n\tab:\nx ab:\nab:"
    assert [pattern.line_start(m) for m in pattern.finditer(text)] == [0, 8, 19]
    assert [pattern.line_start(m) for m in pattern.finditer(text, 8)] == [8, 19]
    assert [pattern.line_start(m) for m in pattern.finditer(text, 9)] == [19]
    assert [pattern.line_start(m) for m in pattern.finditer(text, 1, 18)] == [8]
    assert list(pattern.finditer(text, 99)) == []


def _record_classes() -> list[type]:
    return [value for value in vars(models).values() if type(value) is RecordClass]


def test_record_classes_pickle_by_record_class() -> None:
    classes = _record_classes()
    assert len(classes) > 20 and models.Evidence in classes and models.Findings in classes
    for cls in classes:
        data = pickle.dumps(cls, pickle.HIGHEST_PROTOCOL)
        assert pickle.loads(data) is cls and b"record_class" in data
        assert record_class("imatinib_cli.models", cls.__qualname__) is cls
    with pytest.raises(TypeError):
        record_class("imatinib_cli.models", "Sequence")


def test_a_lean_findings_comes_back_the_same() -> None:
    from imatinib_cli.execute import without_text
    from imatinib_cli.extract import extract
    from imatinib_cli.load import load_records

    text = (
        b"Imatinib in GIST: a phase II study.\n\nMETHODS: 40 patients received imatinib 400 mg daily."
        b"\nRESULTS: 2 patients (5%) had a complete response and 20 (50%) a partial response. Grade"
        b" 3 neutropenia occurred in 4 patients (10%).\n"
    )
    lean = without_text(extract(load_records("a.txt", text)[0]))
    data = pickle.dumps(lean, pickle.HIGHEST_PROTOCOL)
    back = pickle.loads(data)
    assert back == lean and repr(back) == repr(lean) and lean.populations and lean.adverse_events
    assert type(back.populations[0].responses[0]) is models.ResponseCount
    assert data.count(b"Evidence") == 1 and data.count(b"imatinib_cli.models") == 1  # each named once


def test_a_class_pickle_cannot_name_is_refused_as_before() -> None:
    def local() -> type:
        @record
        class Local:
            """A record class no module holds under its name."""

            value: int

        return Local

    with pytest.raises((AttributeError, pickle.PicklingError)):
        pickle.dumps(local()(1))


def test_a_start_past_the_end_reads_as_the_end() -> None:
    """re clamps a start past the text's end to the end, and so does finditer: "a\n" from 9 still
    finds the empty last line, as the loop did."""
    pattern = LineStartPattern(r"[ \t]*$")
    spans = [match.span() for match in pattern.finditer("a\n", 9)]
    assert spans == [match.span() for match in _loop_finditer(pattern, "a\n", 9)]
    assert [pattern.line_start(match) for match in pattern.finditer("a\n", 9)] == [2]
