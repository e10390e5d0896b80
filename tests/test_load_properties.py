"""Load stage properties: never crash, never lose a file, sections always well formed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import load_bytes
from imatinib_cli.load._text import layout
from imatinib_cli.models import Section

KINDS = ("title", "abstract", "body", "registry")
# Fragments of every shape the readers recognize, so random documents reach every reader.
FRAGMENTS = (
    "---\n",
    "title: x\n",
    "# Title\n",
    "## Results\n",
    "**Authors:** A, B\n",
    "Abstract\n",
    "PubMed Disclaimer\n",
    "Skip to main page content\n",
    "Eur J Cancer. 2003 Sep;39(14):2006-11.\n",
    ". 2008 May 1;14(9):2717-25.\n",
    "Author information\n",
    "Comment in\n",
    "RESULTS: 5 of 10 (50%).\n",
    "Results: 3 responded.\n",
    "[Indexed for MEDLINE]\n",
    "PMID: 123\n",
    "doi: 10.1/x.\n",
    "ClinicalTrials.gov Identifier: NCT00000001 |\n",
    "Recruitment Status :\n",
    "Actual Enrollment : | 5 participants |\n",
    "Masking: | None |\n",
    "- Study Details\n",
    "Condition | Intervention | Phase |\n",
    "- PFS [ Time Frame: 1 year ]\n",
    "Inclusion Criteria:\n",
    "Contacts and Locations\n",
    "Veröffentlicht in:J 2002-08, Vol.1 (2), p.3-4\n",
    "Hauptverfasser: A, B, C\n",
    "Zusammenfassung:Text.\n",
    "Sprache:eng\n",
    "Ausführliche Beschreibung\n",
    "<html><body>",
    "<h1 class='heading-title'>T</h1>",
    "<div id='eng-abstract'><p>A</p></div>",
    "<nav>menu</nav>",
    "</body></html>",
    "\r\n",
    "\n\n",
    "   ",
)
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=30).map("".join)


def check(data: bytes) -> None:
    document = load_bytes("doc", data)
    assert document.status in ("ok", "skipped", "error")
    if document.status != "ok":
        assert document.reason and "\n" not in document.reason
        assert document.text == ""
        return
    assert "\r" not in document.text
    end = 0
    for section in document.sections:
        assert end <= section.start < section.end <= len(document.text)
        chunk = document.text[section.start : section.end]
        assert chunk == chunk.strip()
        end = section.end


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_text_loads_without_crashing(text: str) -> None:
    check(text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_load_without_crashing(data: bytes) -> None:
    check(data)


def naive_paint(size: int, spans: list[Section]) -> list[tuple[str, str] | None]:
    cells: list[tuple[str, str] | None] = [None] * size
    for span in spans:
        for position in range(max(0, span.start), min(size, span.end)):
            cells[position] = (span.kind, span.label)
    return cells


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from(KINDS), st.sampled_from(("", "R"))),
        max_size=12,
    )
)
def test_layout_matches_painting_cell_by_cell(raw: list[tuple[int, int, str, str]]) -> None:
    text = "abcdefghij" * 4
    spans = [Section(kind, start, end, label) for start, end, kind, label in raw]
    expected = naive_paint(len(text), spans)
    got: list[tuple[str, str] | None] = [None] * len(text)
    for section in layout(text, spans, fill=None):
        for position in range(section.start, section.end):
            got[position] = (section.kind, section.label)
    assert got == expected
