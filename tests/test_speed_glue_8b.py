"""Matcher.find_each (issue 12, eighth session, second round): the hits of find over each span in
turn, whatever the regions, the scans kept and the spans (inside a region, across two, outside
all, empty or reversed)."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import cues, extract
from imatinib_cli.models import Document, Metadata, Section

_LINES = [
    "Title: imatinib in GIST\n",
    "Navigation | Home | Help\n",
    "Methods: patients with GIST were not eligible if pretreated.\n",
    "\n",
    "Results: of these, 15 were found to be ineligible; edema and nausea were seen.\n",
    "References: 1. An earlier trial of imatinib.\n",
    "Conclusions: no new adverse events; fatigue in 3.\n",
]


def _expected(matcher: vocab.Matcher, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    return [(h.start, h.end, h.key) for start, end in spans for h in matcher.find(text, start, end)]


def _hits(hits: list[vocab.TermHit]) -> list[tuple[int, int, str]]:
    return [(h.start, h.end, h.key) for h in hits]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.sampled_from(_LINES), min_size=1, max_size=7),
    seed=st.integers(0, 10**6),
    warm=st.booleans(),
    regions=st.booleans(),
)
def test_find_each_is_find_over_each_span(lines: list[str], seed: int, warm: bool, regions: bool) -> None:
    rng = random.Random(seed)
    text = "".join(lines)  # a distinct object: regions belong to one text object
    starts = [0, *[i + 1 for i, ch in enumerate(text) if ch == "\n"]]
    sections = [(start, start + len(line) - 1) for start, line in zip(starts, lines, strict=False)]
    if regions:
        vocab.scan_regions(text, rng.sample(sections, rng.randint(1, len(sections))))
    spans = list(sections)
    for _ in range(rng.randint(0, 4)):  # any slice at all: across regions, empty, reversed
        spans.insert(rng.randint(0, len(spans)), (rng.randint(0, len(text)), rng.randint(0, len(text))))
    matchers = [cues.matcher("cues", "ineligible"), vocab.adverse_event_matcher(), vocab.tumor_matcher()]
    if warm:  # some regions already scanned, as extraction leaves them
        for start, end in rng.sample(spans, min(2, len(spans))):
            matchers[0].find(text, start, end)
    for matcher in matchers:
        assert _hits(matcher.find_each(text, spans)) == _expected(matcher, text, spans)


def test_find_each_on_two_regions() -> None:
    text = "".join(_LINES)
    methods, results = text.index("Methods"), text.index("Results")
    spans = [(methods, results - 2), (results, text.index("References") - 1)]
    vocab.scan_regions(text, [(0, 24), *spans])
    matcher = cues.matcher("cues", "ineligible")
    matcher.find(text, *spans[0])  # both spans lie in one scanned region (only whitespace between)
    assert [h.as_written for h in matcher.find_each(text, spans)] == ["not eligible", "ineligible"]
    assert [h.as_written for h in vocab.adverse_event_matcher().find_each(text, spans)] == ["edema", "nausea"]
    assert matcher.find_each(text, [(0, 24)]) == []


def _document(text: str, sections: list[Section]) -> Document:
    return Document(
        path="t.txt",
        sha256="0" * 64,
        format="text",
        text=text,
        metadata=Metadata(title="Imatinib in GIST"),
        sections=tuple(sections),
    )


def test_a_count_of_ineligible_patients_in_a_later_section() -> None:
    text = "Methods: imatinib 400 mg daily was given.\nNavigation\nResults: Four were ineligible.\n"
    navigation = text.index("Navigation")
    results = text.index("Results")
    sections = [Section("abstract", 0, navigation - 1), Section("results", results, len(text) - 1)]
    assert extract(_document(text, sections)).counts_ineligible is True
    # An eligibility rule counts nobody.
    rule = "Methods: imatinib 400 mg daily.\nNavigation\nResults: patients were not eligible if pretreated.\n"
    rule_sections = [
        Section("abstract", 0, rule.index("Navigation") - 1),
        Section("results", rule.index("Results"), len(rule) - 1),
    ]
    assert extract(_document(rule, rule_sections)).counts_ineligible is False


def test_the_title_or_the_text_names_imatinib() -> None:
    """The title is searched first now; either naming the drug makes the doses readable."""
    warning = "the document does not name imatinib: its doses are not read"

    def warned(title: str, text: str) -> bool:
        document = _document(text, [Section("results", 0, len(text) - 1)])
        document = replace(document, metadata=Metadata(title=title))
        return warning in [w.message for w in extract(document).warnings]

    study_drug = "Results: patients received 400 mg daily of the study drug.\n"
    assert not warned("Imatinib in GIST", study_drug)
    assert warned("Sunitinib in GIST", study_drug)
    assert not warned("Sunitinib in GIST", "Results: patients received Gleevec 400 mg daily.\n")
