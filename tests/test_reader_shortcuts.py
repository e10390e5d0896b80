"""Work the response and adverse-event readers skip or do once (issue 12, fourth session).

Each shortcut says "this cannot change the answer" from what the reader's passes need (a clause
with no category cue gives no hit; ...). Each is checked against the reader without it on random
sentences built from the vocabulary's own words, with "ſ", "İ", "ı" and the Kelvin sign mixed in
(which re.I folds into ASCII letters where a lowercase test would miss them), with random clause
bounds, and on sentences written by hand. A shortcut that ever changed an answer would change the
output bytes.
"""

from __future__ import annotations

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import response

_WORDS = [
    "complete", "partial", "response", "responses", "Response", "RESPONSE", "reſponse", "CR", "PR",
    "SD", "PD", "ORR", "CHR", "MCyR", "stable", "disease", "progression", "progressed", "no", "None",
    "duration", "of", "time", "to", "median", "best", "was", "were", "not", "observed", "at", "12",
    "months", "month", "within", "3", "mo", "weeks", "by", "the", "end", "course", "2", "İ", "ı",
    "Kelvin\u212a", "patients", "had", "a", "an", "in", "and", "or", ",", ";", ":", "(", ")", "12%",
    "(12%)", "4/25", "(4/25)", "of 25", "95%", "CI", "(95% CI, 2% to 30%)", "respectively", "vs",
    "versus", "rate", "objective", "overall", "cytogenetic", "molecular", "major", "all",
    "remission", "seven", "Five", "n", "=", "9", "(n = 9)", "evaluable", "previous", "studies",
    "reported", "designed", "detect", "\n",
]  # fmt: skip

_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=24).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=300, deadline=None)
@given(_sentences, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_clause_responses_is_find_responses(sentence: str, cut: int, length: int) -> None:
    """The same hits and claimed numbers as find_responses, and, where the items were left unbuilt,
    no category cue in the clause and no hit from find_responses."""
    context = context_of(sentence)
    for info in context.sentences:
        start = min(info.start + cut, info.end)
        end = min(start + length, info.end)
        for bounds in ((info.start, info.end), (start, end)):
            expected = response.find_responses(context, info, *bounds)
            info.cached.clear()
            hits, items, claimed = response.clause_responses(context, info, *bounds)
            if items is None:
                assert not any(span[0] == "cue" for span in response.category_items(context, *bounds))
                items = expected[1]
            assert (hits, items, claimed) == expected


def test_clause_without_a_cue_is_not_tokenized() -> None:
    context = context_of(
        "Median duration of response was 15.1 months (95% CI, 10.6 to 21.1). "
        "The objective response rate was 48% (140/289) at 12 months."
    )
    blocker_only, with_cue = context.sentences
    assert response.clause_responses(context, blocker_only, blocker_only.start, blocker_only.end) == (
        [],
        None,
        set(),
    )
    assert [span[3] for span in response.category_items(context, blocker_only.start, blocker_only.end)] == [
        "duration of response"
    ]
    hits, items, _ = response.clause_responses(context, with_cue, with_cue.start, with_cue.end)
    assert [(hit.category, hit.percent and hit.percent.value) for hit in hits] == [("orr", 48.0)]
    assert items is not None and response.TIMEPOINT in items.texts
