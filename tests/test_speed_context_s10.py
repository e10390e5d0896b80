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


def test_owners_made_while_a_matcher_comes_are_made_again() -> None:
    """A group's owner table being made when another thread registers a matcher (a Dask worker
    runs documents on threads; matchers are built lazily on the first documents) is marked with
    the count of changes it was made at, so the next read makes it again: the new matcher finds
    the forms it shares with an older one. Stood in for here by registering in the middle of the
    table's making."""
    text = "now zyxwv alpha, qqq beta."
    first = vocab.Matcher([("zyxwv alpha", "A1", {"key": "A1"}), ("qqq beta", "B1", {"key": "B1"})])
    assert [h.key for h in first.find(text)] == ["A1", "B1"]
    index = vocab._INDEX
    group = next(group for group in index.groups if index.numbers["zyxwvalpha"] in group.numbers)
    late: list[vocab.Matcher] = []

    class RegistersMidway(list):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            for position, number in enumerate(list.__iter__(self)):
                if position == 1 and not late:  # the first form's owners are read
                    late.append(
                        vocab.Matcher(
                            [("zyxwv alpha", "A2", {"key": "A2"}), ("qqq beta", "B2", {"key": "B2"})]
                        )
                    )
                yield number

    group.numbers = RegistersMidway(group.numbers)
    group.owners = None  # the table is made on the next read, and the matcher comes meanwhile
    first.find("qqq beta again")
    assert late, "the stand-in for the other thread did not run"
    group.numbers = list(group.numbers)
    assert [h.key for h in late[0].find(text)] == ["A2", "B2"]
    assert [h.key for h in first.find(text)] == ["A1", "B1"]
