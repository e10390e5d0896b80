"""Lean-path shortcuts (issue 12, tenth session), each checked against the form it replaced.

- resolve's evaluable-size cue words ("measurable") are searched by a pattern that opens with the
  first letter it consumes (`_whole_word_pattern`), not `\\bword\\b`: the same matches.
- A document's order key is made from its path at once (spill.document_order_key), not from
  document_order's parts: the same bytes, for paths with NULs, lone surrogates and empty parts.
- How pickle writes a record class is kept per class (models._ClassReduced, copyreg's entry for
  RecordClass): the same reduce value as models._class_reduce, twice; a class no module holds is
  refused every time and never kept.
- A study's piece is cut out of orjson's `{"": [study]}` (render.json._IN_LIST_HEAD/_TAIL), not
  its own text moved right line by line: the same bytes for any JSON object.
- An ASCII title's words (resolve.normalize_title) come from one byte translation and a split, not
  a regex: the same words as the lowercased title's runs of letters and digits.

Random texts are built from the words themselves, near-misses, word characters on either side and
the letters whose case-blind matches leave ASCII ("ſ", "İ", "ı", the Kelvin sign).
"""

from __future__ import annotations

import copyreg
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import models, resolve, resolve_rules, spill
from imatinib_cli.models import Document, RecordClass, record
from imatinib_cli.render import json as render_json

_WORDS = sorted(resolve_rules.words("cues", "evaluable_with")) + ["kinase", "is", "sit", "1st", "-x", "é t"]
_PIECES = [
    " ", "  ", "\n", ".", ",", "-", "_", "(", "x", "7", "é",
    "measurable", "MEASURABLE", "Measurable", "meaſurable", "immeasurable", "measurables", "measur",
    "kinase", "\u212aINASE", "is", "İS", "ıs", "ſit", "SIT", "1st", "1ST", "-x", "-X", "é t", "É T",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(_texts)
def test_whole_word_pattern_matches_what_word_boundaries_matched(text: str) -> None:
    for word in _WORDS:
        plain = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        fast = re.compile(resolve._whole_word_pattern(word), re.IGNORECASE)
        assert _spans(fast, text) == _spans(plain, text), word


def test_the_evaluable_patterns_open_with_their_letter() -> None:
    assert resolve._whole_word_pattern("measurable") == r"(?-i:[Mm])(?<!\w.)easurable\b"
    assert resolve._whole_word_pattern("-x") == r"\b\-x\b"
    assert [p.pattern for p in resolve._evaluable_with()] == [
        resolve._whole_word_pattern(word) for word in resolve_rules.words("cues", "evaluable_with")
    ]
    quote = "The best responses of the 235 patients with MEASURABLE lesions were"
    assert resolve._evaluable_with()[0].search(quote).span() == (44, 54)  # type: ignore[union-attr]


_PATH_PARTS = [
    "a",
    "b.txt",
    "a-b.txt",
    "/",
    "//",
    "\x00",
    "\x00\xff",
    "é",
    "\ud800",
    "\U0001f600",
    ".",
    " ",
    "",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PATH_PARTS), max_size=12).map("".join), st.integers(0, 2**40))
def test_document_order_key_is_order_key_of_document_order(path: str, record: int) -> None:
    document = Document(path, "0" * 64, "text", "", record=record)
    assert spill.document_order_key(document) == spill.order_key(resolve.document_order(document))


def test_a_record_class_reduces_as_class_reduce_once_kept() -> None:
    reduced = copyreg.dispatch_table[RecordClass]
    assert reduced.__self__.__class__ is models._ClassReduced  # type: ignore[attr-defined]
    for cls in (value for value in vars(models).values() if type(value) is RecordClass):
        assert (
            reduced(cls)
            == models._class_reduce(cls)
            == (models.record_class, ("imatinib_cli.models", cls.__qualname__))
        )
        assert (
            reduced(cls) is reduced(cls) and pickle.loads(pickle.dumps(cls, pickle.HIGHEST_PROTOCOL)) is cls
        )


def test_a_class_no_module_holds_is_refused_each_time_and_not_kept() -> None:
    @record
    class Local:
        """A record class no module holds under its name."""

        value: int

    kept = copyreg.dispatch_table[RecordClass].__self__  # type: ignore[attr-defined]
    for _ in range(2):
        with pytest.raises((AttributeError, pickle.PicklingError)):
            pickle.dumps(Local(1))
    assert Local not in kept


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=4), _JSON, max_size=4))
def test_an_object_cut_out_of_a_list_is_its_text_moved_right(data: dict) -> None:
    orjson = pytest.importorskip("orjson")
    alone = orjson.dumps(data, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
    wrapped = orjson.dumps({"": [data]}, option=orjson.OPT_INDENT_2)
    assert wrapped[render_json._IN_LIST_HEAD : render_json._IN_LIST_TAIL] == alone


# ASCII titles: any characters, or words and numbers between any separators (most reach the four
# words a title needs to have key words).
_ASCII = st.characters(max_codepoint=127)
_ASCII_TITLES = st.text(alphabet=_ASCII, max_size=60) | st.lists(
    st.tuples(
        st.text(alphabet=st.sampled_from("abcXYZ019"), min_size=1, max_size=6),
        st.text(alphabet=_ASCII.filter(lambda c: not c.isalnum()), min_size=1, max_size=3),
    ),
    max_size=8,
).map(lambda parts: "".join(word + between for word, between in parts))


@settings(max_examples=400, deadline=None)
@given(_ASCII_TITLES)
def test_an_ascii_titles_words_are_its_runs_of_letters_and_digits(title: str) -> None:
    words = resolve._WORD.findall(title.lower())
    assert resolve.normalize_title(title) == (" ".join(words) if len(words) >= 4 else None)
