"""The phrase index behind Matcher.find: one Aho-Corasick pass per region for every matcher.

Matcher.find answers from the hits of that pass; here it is checked against a brute-force reader of
the same rules (every token start, every token end, longest first) on random phrases and texts,
and the index's own work (how often forms are compiled, how many passes a region takes) is bounded.
"""

from __future__ import annotations

import gc
import pickle
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab


def _reference(matcher: vocab.Matcher, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The matching rules read the slow way: the slice tokenized on its own, each token start
    (left to right, after the last hit) tried against every token end (longest first), at each
    end "-es" before "-s" before the exact phrase, acronyms in their case, stop phrases silent."""
    scan = vocab._tokens(text, start, end)
    phrases = matcher._phrases
    found: list[tuple[int, int, str]] = []
    resume = 0
    for index in range(scan.first, len(scan.tokens)):
        first = scan.starts[index]
        if first < resume:
            continue
        pick = None
        for following in range(len(scan.tokens), index, -1):
            stop = scan.starts[following] if following < len(scan.starts) else len(scan.low)
            if stop not in scan.ends:
                continue
            for cut in (2, 1, 0):
                if cut and (stop - cut <= first or stop - cut in scan.ends):
                    continue
                if scan.low[stop - cut : stop] != ("es", "s", "")[2 - cut]:
                    continue
                terminal = phrases.get(scan.low[first : stop - cut])
                item = terminal and vocab._accept(terminal, scan.orig, first, cut > 0)
                if item:
                    pick = (stop, item)
                    break
            if pick:
                break
        if pick is None:
            continue
        resume, item = pick
        if item[1] is not None:
            found.append((scan.origin[index], scan.ends[resume], item[1]))
    return found


def _found(matcher: vocab.Matcher, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(hit.start, hit.end, hit.key) for hit in matcher.find(text, start, end)]


# Words that share beginnings and endings, acronyms, digits, plural-looking endings and hyphens, so
# that phrases overlap, nest and run into each other.
_WORDS = ["gist", "GIST", "gists", "es", "s", "soft", "tissue", "sarcoma", "CML", "cml", "1", "14", "day",
          "days", "ies", "body", "bodies", "a", "an", "anemia", "-", "(", ")", "’s", "x"]  # fmt: skip
_SEPARATORS = [" ", "", "-", "\n", " - ", "  ", ",", "."]
_phrase = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)


def _text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_WORDS) + rng.choice(_SEPARATORS) for _ in range(length))


# A matcher of random phrases (keys A, B, C, some stop phrases) and a seed for its text and slices.
_matcher_cases = given(
    st.lists(st.tuples(_phrase, st.sampled_from(["A", "B", "C"])), min_size=1, max_size=8),
    st.lists(_phrase, max_size=2),
    st.integers(0, 2**32),
)


def _matcher_and_text(
    pairs: list[tuple[str, str]], stop: list[str], rng: random.Random
) -> tuple[vocab.Matcher, str]:
    matcher = vocab.Matcher([(phrase, key, {"key": key}) for phrase, key in pairs], stop=stop)
    return matcher, _text(rng, rng.randrange(1, 40))


def _slices(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """`count` random (start, end) slices of text, empty ones and the ends included."""
    slices = []
    for _ in range(count):
        start = rng.randrange(len(text) + 1)
        slices.append((start, rng.randrange(start, len(text) + 1)))
    return slices


@settings(max_examples=60, deadline=None)
@_matcher_cases
def test_find_gives_the_brute_force_hits(pairs: list[tuple[str, str]], stop: list[str], seed: int) -> None:
    rng = random.Random(seed)
    matcher, text = _matcher_and_text(pairs, stop, rng)
    assert _found(matcher, text, 0, len(text)) == _reference(matcher, text, 0, len(text))
    for start, end in _slices(rng, text, 8):
        assert _found(matcher, text, start, end) == _reference(matcher, text, start, end), (start, end)


def test_packaged_matchers_give_the_brute_force_hits() -> None:
    """The tumor and adverse-event vocabularies (~11,500 forms) on sentences of their own phrases."""
    rng = random.Random(7)
    matchers = [vocab.tumor_matcher(), vocab.adverse_event_matcher()]
    phrases = [phrase for matcher in matchers for phrase in list(matcher._phrases)[::40]]
    for _ in range(20):
        text = " ".join(rng.choice(phrases + ["and", "of", "grade 3", "GISTs", "-"]) for _ in range(30))
        for matcher in matchers:
            assert _found(matcher, text, 0, len(text)) == _reference(matcher, text, 0, len(text))
            start = rng.randrange(len(text))
            end = rng.randrange(start, len(text) + 1)
            assert _found(matcher, text, start, end) == _reference(matcher, text, start, end)


@settings(max_examples=60, deadline=None)
@_matcher_cases
def test_any_is_whether_find_finds(pairs: list[tuple[str, str]], stop: list[str], seed: int) -> None:
    """Matcher.any answers bool(find) on every slice, with and without stop phrases."""
    rng = random.Random(seed)
    matcher, text = _matcher_and_text(pairs, stop, rng)
    assert matcher.any(text) is bool(matcher.find(text))
    for start, end in _slices(rng, text, 12):
        assert matcher.any(text, start, end) is bool(matcher.find(text, start, end)), (start, end)


def test_any_on_the_packaged_matchers() -> None:
    """The packaged vocabularies (tumors with their stop phrases, adverse events, response and
    schedule cues) on sentences of their own phrases: any(slice) is bool(find(slice))."""
    from imatinib_cli.extract import cues

    rng = random.Random(11)
    matchers = [
        vocab.tumor_matcher(),
        vocab.adverse_event_matcher(),
        cues.matcher("responses", "versus"),
        cues.matcher("schedules", "other_drugs"),
        cues.matcher("responses", "responses", key_field="category"),
    ]
    assert matchers[0]._stops and not matchers[2]._stops  # both ways of answering
    phrases = [phrase for matcher in matchers for phrase in list(matcher._phrases)[::25]]
    answers = set()
    for _ in range(30):
        text = " ".join(
            rng.choice(phrases + ["and", "of", "grade 3", "GISTs", "-", "vs."]) for _ in range(20)
        )
        for matcher in matchers:
            for _ in range(6):
                start = rng.randrange(len(text) + 1)
                end = rng.randrange(start, len(text) + 1)
                answer = matcher.any(text, start, end)
                assert answer is bool(matcher.find(text, start, end)), (text, start, end)
                answers.add(answer)
    assert answers == {True, False}


def test_one_pass_serves_every_matcher() -> None:
    """Two matchers, one text: the automaton reads the region once, and each answer is its own."""
    tumors = vocab.Matcher([("gastrointestinal stromal tumor", "GIST", {})])
    events = vocab.Matcher([("anemia", "Anemia", {}), ("tumor", "T", {})])
    text = "Gastrointestinal stromal tumors and grade 3 anemia."
    for _ in range(2):  # a new matcher's forms may sit in a group of their own: merge them now
        vocab._INDEX.extra_chars = 10**12
        vocab._INDEX.read(vocab._scan("x"))
    passes = 0
    real = vocab._INDEX.read

    def counted(scan: vocab._Scan) -> None:
        nonlocal passes
        passes += 1
        real(scan)

    vocab._INDEX.read = counted  # type: ignore[method-assign]
    try:
        assert _found(tumors, text, 0, len(text)) == [(0, 31, "GIST")]
        assert _found(events, text, 0, len(text)) == [(25, 31, "T"), (44, 50, "Anemia")]
        assert _found(events, text, 0, 30) == []  # the slice cuts "tumors": no part of a word
    finally:
        del vocab._INDEX.read
    assert passes == 1 and len(vocab._INDEX.groups) == 1


def test_forms_are_compiled_a_logarithmic_number_of_times() -> None:
    """Matchers come one by one while documents are read; each new one must not recompile all."""
    index = vocab._PhraseIndex()
    readings = ((0, [((), "k", None, True)]),)
    for matcher in range(200):
        index.register({f"w{matcher}x{n}": readings for n in range(10)})
        for group in index.groups:
            if group.automaton is None:
                index._compile(group)
    assert len(index.numbers) == 2_000
    assert len(index.groups) <= 9  # log2(200) + 1
    assert index.builds <= 2_000 * 9


def test_passes_merge_into_one_once_they_cost_more_than_a_rebuild() -> None:
    index = vocab._PhraseIndex()
    readings = ((0, [((), "k", None, True)]),)
    index.register({f"big{n}": readings for n in range(100)})
    index.register({"small": readings})
    assert len(index.groups) == 2
    scan = vocab._scan("big1 small " * 50)
    reads = 0
    while len(index.groups) > 1:
        index.read(scan)
        reads += 1
    assert reads == 101 * vocab._MERGE_CHARS_PER_FORM // len(scan.low) + 1
    index.read(scan)
    assert len(scan.hits.found[1]) == 50 and len(scan.hits.found[0]) == 50


def test_a_collected_matcher_leaves_the_index() -> None:
    matcher = vocab.Matcher([("zyxwv phrase", "Z", {})])
    assert "zyxwvphrase" in vocab._INDEX.numbers
    del matcher
    gc.collect()
    assert "zyxwvphrase" not in vocab._INDEX.numbers


def test_a_matcher_sent_to_another_process_finds_the_same() -> None:
    """Pickled (what a worker receives): the phrase tables travel, the automaton is rebuilt."""
    matcher = vocab.Matcher([("soft tissue sarcoma", "STS", {"key": "STS"}), ("GIST", "GIST", {})])
    blob = pickle.dumps(matcher)
    assert b"ahocorasick" not in blob
    back = pickle.loads(blob)
    text = "GISTs, gists and soft-tissue sarcomas."
    assert _found(back, text, 0, len(text)) == _found(matcher, text, 0, len(text))
    assert _found(back, text, 0, len(text)) == [(0, 5, "GIST"), (17, 37, "STS")]


# -- the region scan: _scan (no object per token) reads as _tokens (token by token) -------------

# Letters and digits of several kinds, every kind of separator (spaces, no-break and ideographic
# spaces, line breaks, hyphen, soft hyphen, dashes), punctuation, "_", NUL (the digit-gap mark),
# curly quotes, a letter that grows when lowered ("İ"), "ſ" and the Kelvin sign.
_PIECES = ["gist", "GIST", "s", "es", "1", "14", "٣", "x²", "İ", "ſ", "\u212a", "’", "“", "(", ")", ".",
           "_", "\x00", "é", "β", " ", "  ", "\n", "\t", "-", "\u00ad", "\u2010", "\u2013", "\xa0",
           "\u3000", "\u2028", "\x1c", "%", "/"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(0, 60), st.integers(0, 60))
def test_the_region_scan_reads_as_the_tokenizer(pieces: list[str], a: int, b: int) -> None:
    """Same compact strings; a token boundary exactly where a token starts or ends (a word the
    slice cuts neither starts nor ends a phrase); every token's text offsets."""
    text = "".join(pieces)
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    tokens = vocab._tokens(text, start, end)
    scan = vocab._scan(text, start, end)
    assert (scan.low, scan.orig) == (tokens.low, tokens.orig)
    if not tokens.tokens:
        return
    bounds = set(tokens.ends) | ({0} if tokens.first == 0 else set())
    assert {p for p in range(len(scan.low) + 1) if scan.bounds[p]} == bounds

    def text_offset(position: int) -> int:  # the rule _found applies inline
        return scan.start + position + scan.word_of()[position]

    assert [text_offset(p) for p in tokens.starts] == tokens.origin
    ends_at = [p + len(token) for p, token in zip(tokens.starts, tokens.tokens, strict=True)]
    ends = [tokens.origin[i] + len(token) for i, token in enumerate(tokens.tokens)]
    assert [text_offset(p - 1) + 1 for p in ends_at] == ends


def test_the_separators_listed_are_the_pattern_s() -> None:
    """_SEP_CHARS is the class [{_SEP}] over every code point; and a "letter or digit" of the
    tokenizer ([^\\W_]) is what str.isalnum() says."""
    import re
    import sys

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert sorted(re.findall(rf"[{vocab._SEP}]", every)) == sorted(vocab._SEP_CHARS)
    assert re.findall(r"[^\W_]", every) == [ch for ch in every if ch.isalnum()]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "٣", "x", " ", "  ", "-", "\n", "\u2013", "\x00", "é"]), max_size=30))
def test_digit_gaps_are_marked_as_by_the_tokenizer(pieces: list[str]) -> None:
    """The two literal-first passes mark what _DIGIT_GAP marks (every separator a space first)."""
    text = "".join(pieces)
    spaced = text.translate(vocab._TO_SPACE)
    expected = vocab._DIGIT_GAP.sub(vocab._mark_gap, text).translate(vocab._TO_SPACE)
    assert vocab._SPACES_GAP.sub(vocab._mark_gap, vocab._ONE_SPACE_GAP.sub(vocab._GAP, spaced)) == expected


def test_a_lone_surrogate_in_a_region_reads_as_any_other_character() -> None:
    """A registry record may keep an unpaired "\\ud800" escape; the automaton reads UTF-8, so the
    region is searched with U+FFFD in its place: the same phrases at the same offsets."""
    matcher = vocab.Matcher([("gastrointestinal stromal tumor", "GIST", {}), ("CML", "CML", {})])
    text = "Imatinib in CML \ud800 and gastrointestinal stromal tumor\udc00s."
    found = [(hit.start, hit.end, hit.key) for hit in matcher.find(text)]
    assert found == [(12, 15, "CML"), (22, 52, "GIST")]
    assert matcher.any(text, 16, 20) is False
    assert [(h.start, h.key) for h in matcher.find(text.replace("\ud800", "\ufffd"))] == [
        (12, "CML"),
        (22, "GIST"),
    ]


def test_a_region_whose_forms_the_rules_turn_away_answers_nothing() -> None:
    """ "gist" in lowercase is a form of the acronym GIST that the rules reject: find gives [],
    any False, and the region keeps that answer (None) for the next call, as for a matcher with
    no form there at all (no key)."""
    acronym = vocab.Matcher([("GIST", "GIST", {})])
    other = vocab.Matcher([("imatinib", "I", {})])
    text = "a gist, not the acronym; gist again."
    assert acronym.find(text) == [] and acronym.any(text) is False
    assert other.find(text) == [] and other.any(text, 2, 20) is False
    found = vocab._text_scan(text).hits.found
    assert found[acronym._slot] is None and other._slot not in found
    assert [(h.start, h.end) for h in acronym.find("GISTs and gist")] == [(0, 5)]
