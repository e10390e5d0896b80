"""Gates and rewrites in response reading (issue 12, seventh session), each checked against what it
replaced on random sentences of the readers' own words, with characters that case-blind matching
folds into ASCII letters ("ſ" into s, the Kelvin sign into k, "İ" and "ı"), and on written ones. A
gate that ever changed an answer would change the output bytes.
"""

from __future__ import annotations

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

import imatinib_cli.extract as extract_module
from imatinib_cli.extract import cues, heme, response
from imatinib_cli.extract.tokens import NUMBER_KINDS, Group, Row, group_at, tokenize

_WORDS = [
    "50", "were", "was", "evaluable", "Evaluable", "EVALUABLE", "evaluated", "aſſessed", "assessable",
    "analyzable", "analysable", "measurable", "Meaſurable", "with", "patients", "pts", "inevaluable",
    "unevaluable", "non-evaluable", "assessed", "for", "response", "safety", "(", ")", "complete", "in",
    "Complete", "COMPLETE", "compleTe", "responses", "25%", "25", "%", "percent", "PERCENT", ",", "(complete",
    "in 17%)", "CHR", "MCyR", "CCyR", "cytogenetic", "hematologic", "major", "rate", "of", "the", "arm",
    "A", "B", "vs", "versus", "İ", "ı", "\u212a", "ſ", "12", "(82%", "90%", "arm B)", "and", ";", "\n",
]  # fmt: skip

_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=24).map(lambda ws: " ".join(ws) + ".")


def _evaluable_by_two_searches(info: object) -> bool:
    """_read_evaluable's test before this session: two cue-word searches of the sentence."""
    return info.has_word(cues.any_word("cues", "evaluable_with")) or info.has_word(  # type: ignore[attr-defined]
        cues.any_word("cues", "evaluable")
    )


@settings(max_examples=300, deadline=None)
@given(_sentences)
def test_evaluable_words_search_is_the_two_searches(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        assert info.has_word(extract_module._evaluable_words()) == _evaluable_by_two_searches(info)


def test_evaluable_words_search_on_written_sentences() -> None:
    for sentence, expected in [
        ("Fifty patients were enrolled and 46 were evaluable for response.", True),
        ("The 235 patients with measurable lesions were analysed.", True),
        ("Twelve patients had a partial response.", False),
        ("The unevaluable patients were 3.", False),  # a word start only: "unevaluable" is not one
        ("İn total 40 were aſſessed.", False),  # the lowercase text is searched: "ſ" stays "ſ"
    ]:
        info = context_of(sentence).sentences[0]
        assert info.has_word(extract_module._evaluable_words()) is expected
        assert _evaluable_by_two_searches(info) is expected


@settings(max_examples=300, deadline=None)
@given(_sentences, st.integers(0, 3), st.data())
def test_no_group_brackets_with_fewer_than_two_groups(sentence: str, count: int, data: st.DataObject) -> None:
    """_read_responses calls _read_group_brackets only with two anchors or more: with fewer,
    heme.arm_brackets (all that it reads) finds nothing."""
    points = sorted(
        data.draw(st.lists(st.integers(0, len(sentence)), min_size=2 * count, max_size=2 * count))
    )
    anchors = [(points[2 * i], points[2 * i + 1], f"key{i}") for i in range(count)]
    found = heme.arm_brackets(sentence, (0, len(sentence)), anchors)
    if count < 2:
        assert found == []


def test_group_brackets_read_with_two_groups() -> None:
    """The gate's other side: two groups named, the bracket is read (the gate does not hide it)."""
    text = "CHR rates were similar at 3, 6 and 12 months (82% arm A, 90% arm B)."
    a, b = text.index("arm A"), text.index("arm B")
    anchors = [(a, a + 5, "A"), (b, b + 5, "B")]
    found = heme.arm_brackets(text, (0, len(text)), anchors)
    assert [[key for key, _, _ in values] for _, values in found] == [["A", "B"]]
    assert heme.arm_brackets(text, (0, len(text)), anchors[:1]) == []


@settings(max_examples=300, deadline=None)
@given(_sentences, st.integers(0, 40), st.integers(0, 200))
def test_no_complete_bracket_without_a_bracket(sentence: str, start: int, end: int) -> None:
    """_complete_in asks heme.complete_in only where "(" stands in the clause."""
    end = max(start, min(end, len(sentence)))
    if sentence.find("(", start, end) < 0:
        assert heme.complete_in(sentence, start, end) == []


def test_complete_bracket_read() -> None:
    text = "The rate of major cytogenetic response was 24% (complete in 17%)."
    assert [found[:2] for found in heme.complete_in(text, 0, len(text))] == [("ccyr", 17.0)]
    context = context_of(text)
    assert [hit.category for hit in extract_module._complete_in(context, 0, len(text), [])] == ["ccyr"]


class _ReaderBeforeSession7(response._Reader):
    """The reader with its claim as it was before this session: three calls (the comparison test,
    the claim, the hit) and the unit test through a_measure."""

    def claim(
        self, category: str, index: int, cue_index: int, leads: bool, group: Group | None = None
    ) -> bool:
        if group is None:
            group = group_at(self.row, index, self.people)
        if self._compared_before(group):
            self.claimed.update(range(group.first, group.last + 1))
            return True
        indexes = range(group.first, group.last + 1)
        if (group.count is None and group.percent is None) or not self.claimed.isdisjoint(indexes):
            return False
        self.claimed.update(indexes)
        start, end = min(group.start, self.starts[cue_index]), max(group.end, self.ends[cue_index])
        hit = response.ResponseHit(
            category, group.count, group.percent, group.total, False, self.texts[cue_index], start, end, leads
        )
        if hit.percent is None and not leads:
            hit = self._percent_after(hit, cue_index)
        self.hits.append(hit)
        return True

    def _compared_before(self, group: Group) -> bool:
        after = group.last + 1
        return (
            after + 1 < self.size
            and self.texts[after] in self.versus_words
            and self.row.kinds[after + 1] in NUMBER_KINDS
            and not self.a_measure(after + 1)
        )


_CLAUSE_WORDS = [
    "12", "twelve", "patients", "pts", "(24%)", "24%", "(", ")", "%", "4/25", "(4/25)", "of", "the", "27",
    "had", "a", "partial", "response", "responses", "complete", "CR", "PR", "SD", "ORR", "objective",
    "stable", "disease", "progression", "progressed", "was", "were", "vs", "vs.", "versus", "36.7%",
    "63.6%", "weeks", "months", "mg", "400", "for", "at", "least", "6", "rate", "and", "or", ",", ";",
    "no", "not", "none", "evaluable", "(n", "=", "6)", "ſ", "\u212a", "İ", "ı", "respectively", "with",
]  # fmt: skip

_clauses = st.lists(st.sampled_from(_CLAUSE_WORDS), min_size=1, max_size=24).map(
    lambda ws: " ".join(ws) + "."
)


def _reader_items(text: str) -> list[Row]:
    """Each sentence's row as _read_clause builds it (the category items and the tumors)."""
    context = context_of(text)
    found = []
    for info in context.sentences:
        spans = response.category_items(context, info.start, info.end)
        found.append(tokenize(context.text, info.start, info.end, info.numbers, info.fractions, spans))
    return found


@settings(max_examples=400, deadline=None)
@given(_clauses)
def test_reader_claim_is_the_claim_before(text: str) -> None:
    for items in _reader_items(text):
        assert response._Reader(items, text).read() == _ReaderBeforeSession7(items, text).read()


def test_reader_claim_on_written_clauses() -> None:
    for text, categories in [
        ("12 patients (24%) had a partial response.", ["pr"]),
        ("The objective response rate was 24% vs. 63.6% in the other arm.", []),  # two groups' values
        ("Stable disease for at least 6 months was seen in 10 patients.", ["sd"]),
        ("A complete response was seen in 2 (4%) and a partial response in 10 (20%).", ["cr", "pr"]),
    ]:
        for items in _reader_items(text):
            hits, _, _ = response._Reader(items, text).read()
            assert [hit.category for hit in hits] == categories
            assert (hits, items) == _ReaderBeforeSession7(items, text).read()[:2]
