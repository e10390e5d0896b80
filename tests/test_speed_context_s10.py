"""The tenth session's shortcuts in the phrase index and the context (issue 12): each gives what the
form it replaced gave. The hand-out by pattern index is checked against the rules by
tests/test_vocab_index.py (find against a brute-force reading); here, the records `find` builds
through TermHit's own __new__ are the records the class call builds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.vocab import TermHit

_WORDS = [
    "gist",
    "GIST",
    "soft tissue",
    "soft-tissue",
    "sarcoma",
    "sarcomas",
    "kit",
    "of",
    "the",
    "12",
    ",",
    ".",
]
_TEXT = st.lists(st.sampled_from(_WORDS) | st.characters(), max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_find_builds_the_class_calls_records(text: str) -> None:
    matcher = vocab.tumor_matcher()
    for hit in matcher.find(text):
        made = TermHit(hit.start, hit.end, hit.as_written, hit.key, hit.entry)
        assert type(hit) is TermHit and hit == made and hash(hit) == hash(made) and repr(hit) == repr(made)
        assert hit.entry is made.entry and hit.as_written == text[hit.start : hit.end]


def test_find_hits_in_a_sentence() -> None:
    text = "Imatinib in 40 patients with GIST and soft-tissue sarcomas."
    hits = vocab.tumor_matcher().find(text)
    assert [(h.as_written, h.key) for h in hits] == [("GIST", "GIST"), ("soft-tissue sarcomas", "STS")]


def test_owners_follow_matchers_that_come_and_go() -> None:
    """A group's owner table (by pattern index) is made again after a matcher comes or goes: a
    matcher that shares an already compiled form finds it, and one that is gone hands nothing on."""
    import gc

    text = "Two zebrafish and a zebra fish were seen."
    first = vocab.Matcher([("zebra fish", "ZF", {"key": "ZF"})])
    assert [(h.start, h.end) for h in first.find(text)] == [(4, 13), (20, 30)]
    second = vocab.Matcher([("zebrafish", "Z2", {"key": "Z2"}), ("seen", "S", {"key": "S"})])
    assert [(h.key, h.as_written) for h in second.find(text)] == [
        ("Z2", "zebrafish"),
        ("Z2", "zebra fish"),
        ("S", "seen"),
    ]
    slot = first._slot
    del first
    gc.collect()
    assert [h.key for h in second.find(text)] == ["Z2", "Z2", "S"]
    other = "One zebra fish."  # a text read after the release: nothing is handed to the gone slot
    assert [h.key for h in second.find(other)] == ["Z2"]
    assert slot not in vocab._text_scan(other).hits.found
