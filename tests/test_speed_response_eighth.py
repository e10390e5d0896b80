"""Gates in response reading (issue 12, eighth session), each checked against the search it skips
on random sentences of the readers' own words, with characters that case-blind matching folds into
ASCII letters ("ſ" into s, the Kelvin sign into k, "İ" and "ı"), and on written ones. A gate that
ever changed an answer would change the output bytes.
"""

from __future__ import annotations

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

import imatinib_cli.extract as extract_module
from imatinib_cli.extract import cues

_WORDS = [
    "50", "were", "was", "evaluable", "Evaluable", "EVALUABLE", "evaluated", "aſſessed", "assessable",
    "analyzable", "analysable", "measurable", "Meaſurable", "with", "patients", "inevaluable", "evalua",
    "unevaluable", "non-evaluable", "assessed", "assess", "evaluat", "measurab", "ble", "for", "response",
    "İ", "ı", "\u212a", "ſ", "12", "and", ";", "\n", "-", "",
]  # fmt: skip

# Words glued to their neighbours too ("evaluableness", "re-assessed"), so the substrings the gate
# tests meet the word starts the search asks for in every arrangement.
_sentences = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", "", "-"])), max_size=20).map(
    lambda parts: "".join(word + joint for word, joint in parts) + "."
)


@settings(max_examples=400, deadline=None)
@given(_sentences)
def test_evaluable_gate_passes_every_sentence_the_search_finds(sentence: str) -> None:
    """_read_evaluable searches only a sentence that holds one of _evaluable_firsts: the search
    never finds a word in a sentence the gate turns away."""
    for info in context_of(sentence).sentences:
        if info.has_word(extract_module._evaluable_words()):
            assert cues.holds_any(info.lower, extract_module._evaluable_firsts())


def test_evaluable_gate_on_written_sentences() -> None:
    for sentence, gate, found in [
        ("Fifty patients were enrolled and 46 were evaluable for response.", True, True),
        ("The 235 patients with measurable lesions were analysed.", True, True),
        ("Twelve patients had a partial response.", False, False),
        ("The unevaluable patients were 3.", True, False),  # the gate holds, the word start not
        ("In total 40 were aſſessed.", False, False),  # "ſ" stays "ſ" in the lowercase text
    ]:
        info = context_of(sentence).sentences[0]
        assert cues.holds_any(info.lower, extract_module._evaluable_firsts()) is gate
        assert info.has_word(extract_module._evaluable_words()) is found


def test_evaluable_firsts_are_the_searched_words_less_those_holding_another() -> None:
    words = extract_module._evaluable_first_words()
    firsts = extract_module._evaluable_firsts()
    assert set(firsts) <= words
    assert all(any(first in word for first in firsts) for word in words)
    assert cues.substring_gate(frozenset({"no", "none", "not", "zero", "neither"})) == (
        "neither",
        "no",
        "zero",
    )
