"""Shortcuts in the population, dose, outcome, design and arm readers (issue 12, sixth session).

Each shortcut reads the same answer another way; each is checked here against the plain way it
replaced, on random input and on sentences written by hand. A shortcut that ever changed an
answer would change the output bytes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from extract_helpers import context_of, subgroups_with_and_without_skip
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import heme, populations
from imatinib_cli.extract.context import build_context
from imatinib_cli.models import Document, Section


def _lines_by_split(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """heme._lines as it was: split a copy of the region at every line break."""
    lines, offset = [], start
    for line in (text if start == 0 and end is None else text[start:end]).split("\n"):
        if line.rstrip(" \t")[-1:].isdigit():
            lines.append((offset, line))
        offset += len(line) + 1
    return lines


_LINE_TEXT = st.text(alphabet=st.sampled_from("ab 1\t\n.%²٣"), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_LINE_TEXT, st.integers(0, 45), st.one_of(st.none(), st.integers(0, 45)))
def test_lines_without_copies_match_split(text: str, start: int, end: int | None) -> None:
    if end is None and start:
        end = len(text)  # the callers pass both bounds, or neither
    assert heme._lines(text, start, end) == _lines_by_split(text, start, end)


def test_lines_keep_rows_that_end_with_a_value() -> None:
    text = "Estimated cumulative MCyR % at 30 mos. 90 \nPatients in CCyR\nMMR at 12 mos. (%)\t40"
    assert heme._lines(text) == [
        (0, "Estimated cumulative MCyR % at 30 mos. 90 "),
        (60, "MMR at 12 mos. (%)\t40"),
    ]
    assert heme._lines(text, 43, 59) == []


_TUMOR_WORDS = [
    "GIST", "gastrointestinal", "stromal", "tumors", "advanced", "metastatic", "other", "Advanced",
    "soft", "tissue", "sarcoma", "sarcomas", "DFSP", "dermatofibrosarcoma", "protuberans", "CML",
    "patients", "with", "the", "in", "and", "of", "30", "(n", "=", "12)", ",", ".", "-", "unresectable",
]  # fmt: skip

_DOCUMENTS = st.lists(
    st.lists(st.sampled_from(_TUMOR_WORDS), min_size=1, max_size=12).map(" ".join), min_size=1, max_size=4
).map(lambda sentences: ". ".join(sentences) + ".")


def _dominant_by_labels(context: Any) -> Any:
    """populations.dominant_tumor as it was: a Counter, a list of candidates, a label built for each."""
    counts: Counter[str] = Counter()
    first: dict[str, Any] = {}
    for info in context.sentences:
        for mention in info.tumors:
            counts[mention.code] += 2 if info.kind == "title" else 1
            first.setdefault(mention.code, mention)
    if not counts:
        return None
    best = max(counts.items(), key=lambda item: (item[1], -first[item[0]].evidence.start))[0]
    candidates = [
        m for info in context.sentences if info.kind != "title" for m in info.tumors if m.code == best
    ]
    for mention in candidates:
        if populations._label(context, mention) != " ".join(mention.as_written.split()):
            return mention
    return (candidates or [first[best]])[0]


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS, st.sampled_from(["", "Imatinib in advanced GIST", "Imatinib in CML and GIST"]))
def test_dominant_tumor_without_labels_matches_labels(text: str, title: str) -> None:
    whole = f"{title}\n{text}" if title else text
    sections = (
        (Section("title", 0, len(title)), Section("abstract", len(title) + 1, len(whole))) if title else ()
    )
    document = Document(path="inline.txt", sha256="0" * 64, format="text", text=whole, sections=sections)
    context = build_context(document)
    assert populations.dominant_tumor(context) == _dominant_by_labels(context)


def test_dominant_tumor_prefers_a_qualified_mention() -> None:
    text = "Imatinib in GIST. We treated 30 patients with GIST. Of those with advanced GIST, 12 responded."
    mention = populations.dominant_tumor(context_of(text))
    assert mention is not None and mention.code == "GIST" and mention.evidence.start == 75
    assert populations._label(context_of(text), mention) == "advanced GIST"


_SUBGROUP_WORDS = [
    "NCT01234567", "NCT00", "D842V", "D842V.", "D842Vx", "D842", "d842v", "V560del", "V560dels",
    "V560dup", "T670I", "T6701", "A1234B", "Y12345C", "K642E,", "E12ins", "q12h", "A12", "patients",
    "with", "the", "exon", "11", "mutation", "non-D842V", "wild-type", "in", "12", "(", ")", "Kelvin\u212a",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SUBGROUP_WORDS), min_size=1, max_size=12).map(" ".join))
def test_protein_change_gate_changes_nothing(sentence: str) -> None:
    """The subgroup pattern runs on a sentence with a whole protein change only ('D842V', not the
    'T01' of 'NCT01234567'), or a numbered noun or listed name; the same subgroups as always running it."""
    context = context_of(sentence + ".")
    for info in context.sentences:
        fast, slow = subgroups_with_and_without_skip(context, info)
        assert fast == slow


def test_protein_change_gate_on_written_sentences() -> None:
    context = context_of("The trial (NCT01234567) enrolled 40 patients. Nine carried D842V.")
    registry, variant = context.sentences
    assert populations._VARIANT_OPENING.search(registry.sentence.text) is None
    assert populations._find_subgroups(context, registry) == []
    assert [m.key for m in populations._find_subgroups(context, variant)] == ["D842V"]
