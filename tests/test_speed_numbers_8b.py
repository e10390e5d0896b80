"""Records built through their own __new__ in the number scan and the sentence split (issue 12,
eighth session, second round): the same records, and the same sentences, as the class call and
`_append` give, on random text (hypothesis) with spaces, line breaks, stops and long runs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import numbers, sentences
from imatinib_cli.extract.numbers import Num
from imatinib_cli.extract.sentences import Sentence

_PIECES = [
    "a", "Z", "Et al", "al", "vs", "1", "12", "45.2", "7%", ".", ". ", "! ", "? ", ".\n", "\n", "\n\n",
    " ", "  ", "\t", "(", ")", '"', "'", "|", "|\n", "- ", "1. ", "Results: ", "\u00a0", "\u2028", "x" * 50,
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=40).map("".join)


def _split_by_append(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """split_sentences as it was: every sentence through `_append`."""
    end = len(text) if end is None else end
    out: list[Sentence] = []
    cursor = start
    begin = start - 1 if start > 0 and text[start - 1] in sentences._STOPS else start
    for match in sentences._BOUNDARY.finditer(text, begin, end):
        boundary = match.start()
        if text[boundary] in sentences._STOPS:
            boundary += 1
        if text[boundary - 1] == "." and "\n" not in match.group(0):
            word = sentences._last_word(
                text[max(cursor, boundary - sentences._LAST_WORD_WINDOW) : boundary - 1]
            )
            if word and word.lower().rstrip(".") in sentences._abbreviations():
                continue
        sentences._append(out, text, cursor, boundary)
        cursor = match.end()
    sentences._append(out, text, cursor, end)
    return out


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.integers(0, 5), st.integers(0, 5))
def test_split_matches_append_everywhere(text: str, cut_start: int, cut_end: int) -> None:
    start, end = min(cut_start, len(text)), max(min(cut_start, len(text)), len(text) - cut_end)
    got = sentences.split_sentences(text, start, end)
    assert got == _split_by_append(text, start, end)
    assert all(type(s) is Sentence and hash(s) == hash((s.start, s.end, s.text, False, False)) for s in got)


def test_split_long_sentence_and_edges() -> None:
    text = " Twelve patients responded.  Nine had a partial response.\n\n" + "word " * 900 + ". Last one "
    got = sentences.split_sentences(text)
    assert got == _split_by_append(text)
    assert [s.text for s in got[:2]] == ["Twelve patients responded.", "Nine had a partial response."]
    assert got[-1].text == "Last one"
    assert any(s.cut_after for s in got)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_numbers_are_plain_records(text: str) -> None:
    for number in numbers.find_numbers(text):
        assert type(number) is Num
        rebuilt = Num(number.value, number.start, number.end, number.percent, number.spelled, number.decimals)
        assert number == rebuilt and hash(number) == hash(rebuilt) and repr(number) == repr(rebuilt)


def test_numbers_written_values() -> None:
    found = numbers.find_numbers("Of 40 patients, 12 (30.5%) responded; twenty had 1,234 cells.")
    assert [(n.value, n.percent, n.spelled, n.decimals) for n in found] == [
        (40.0, False, False, 0),
        (12.0, False, False, 0),
        (30.5, True, False, 1),
        (20.0, False, True, 0),
        (1234.0, False, False, 0),
    ]


def test_context_evidence_and_mentions_are_plain_records() -> None:
    from imatinib_cli.extract.context import build_context
    from imatinib_cli.models import Document, Evidence, Section, TumorMention

    text = "Gastrointestinal stromal tumor in 40 patients. Twelve of 40 had a partial response."
    document = Document("doc.txt", "0" * 64, "text", text, sections=(Section("abstract", 0, len(text)),))
    context = build_context(document)
    first, second = context.sentences
    mention = first.tumors[0]
    assert type(mention) is TumorMention and type(mention.evidence) is Evidence
    assert mention.evidence == Evidence("doc.txt", 0, 30, mention.evidence.quote)
    assert mention.evidence.quote == "Gastrointestinal stromal tumor in 40 patients."
    cited = second.cite(47, 53)
    assert type(cited) is Evidence and cited == Evidence(
        "doc.txt", 47, 53, "Twelve of 40 had a partial response."
    )
    assert hash(cited) == hash(Evidence("doc.txt", 47, 53, "Twelve of 40 had a partial response."))
    assert second.evidence == Evidence("doc.txt", 47, 83, "Twelve of 40 had a partial response.")
