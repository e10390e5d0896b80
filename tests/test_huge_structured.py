"""Absurdly large structured files (issue 11): each is generated here, never committed.

Each test checks the status, the warning that names the limit, and a bound on the work: the size of
what is kept (elements held, items read), or that the CPU time at 4n stays under 8 times that at n
(a quadratic spot gives 16). benchmarks/huge_inputs.py measures the full sizes (1,000,000
conditions, ...) with wall time and peak memory.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from imatinib_cli.guard import ELLIPSIS, MAX_WARNING_QUOTE_CHARS
from imatinib_cli.load import limits, load_paths, load_records
from imatinib_cli.load._registry import ResultsBuilder
from imatinib_cli.load._structured import XmlStream
from imatinib_cli.models import Document, Evidence

ABSTRACT = "Twenty patients received imatinib 400 mg daily. Three patients had a partial response."


def _cpu(work: Callable[[], object]) -> float:
    """The smallest of three runs' CPU time (process_time: other processes on the machine do not
    count), with the garbage collector paused, so a full collection over whatever else the test
    session holds is not charged to one size and not the other."""
    best = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            work()
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best


def assert_linear(
    make: Callable[[int], bytes], n: int, read: Callable[[bytes], object] | None = None
) -> None:
    """Reading make(4n) costs under 8 times reading make(n)."""
    small, large = make(n), make(4 * n)
    run = read or (lambda data: load_records("huge", data))
    ratio = _cpu(lambda: run(large)) / max(_cpu(lambda: run(small)), 1e-3)
    assert ratio < 8, f"4x the input took {ratio:.1f}x the time"


def ctgov_json(conditions: int) -> bytes:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": "Imatinib in sarcoma"},
            "conditionsModule": {"conditions": [f"Sarcoma subtype {i}" for i in range(conditions)]},
            "descriptionModule": {"briefSummary": ABSTRACT},
        }
    }
    return json.dumps(study).encode()


def ctgov_xml(conditions: int, extra: str = "") -> bytes:
    body = "".join(f"<condition>Sarcoma subtype {i}</condition>" for i in range(conditions))
    return (
        '<?xml version="1.0"?>\n<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>'
        f"<brief_title>Imatinib in sarcoma</brief_title>{body}{extra}</clinical_study>\n"
    ).encode()


def pubmed_article(pmid: int, abstract: str) -> str:
    return (
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>Imatinib report {pmid}"
        f"</ArticleTitle><Abstract>{abstract}</Abstract></Article></MedlineCitation></PubmedArticle>"
    )


def pubmed_xml(records: int, parts: int = 1) -> bytes:
    abstract = "".join(f'<AbstractText Label="PART {i}">Part {i}.</AbstractText>' for i in range(parts))
    body = "".join(pubmed_article(i + 1, abstract) for i in range(records))
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>{body}</PubmedArticleSet>\n'.encode()


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits low enough that a file over them is quick to make."""
    monkeypatch.setattr(limits, "MAX_RECORDS_PER_FILE", 1_000)
    monkeypatch.setattr(limits, "MAX_SIBLINGS", 1_000)


# --- one study with too many conditions ------------------------------------------------------


@pytest.mark.parametrize(("make", "fmt"), [(ctgov_json, "ctgov_json"), (ctgov_xml, "ctgov_xml")])
def test_conditions_past_the_limit_are_a_warning(make: Callable[[int], bytes], fmt: str) -> None:
    (doc,) = load_records("study", make(200_000))
    assert (doc.format, doc.status) == (fmt, "ok")
    assert doc.reason == "200,000 conditions; only the first 1,000 are read (the limit per record)"
    assert len(doc.metadata.conditions) == limits.MAX_CONDITIONS == 1_000
    assert doc.metadata.conditions[-1] == "Sarcoma subtype 999"
    assert len(doc.text) < 40_000


@pytest.mark.parametrize("make", [ctgov_json, ctgov_xml])
def test_reading_conditions_is_linear(make: Callable[[int], bytes]) -> None:
    assert_linear(make, 40_000)


def test_conditions_under_the_limit_give_no_warning() -> None:
    for make in (ctgov_json, ctgov_xml):
        (doc,) = load_records("study", make(1_000))
        assert doc.reason is None and len(doc.metadata.conditions) == 1_000


def test_dropped_xml_elements_are_never_held() -> None:
    """Past its cap an element is dropped as soon as it ends: the tree holds the cap, not the file."""
    text = ctgov_xml(100_000, extra="<overall_status>Completed</overall_status>").decode()
    stream = XmlStream(text, caps={"condition": 1_000})
    root = stream.tree()
    kept = [element.text for element in root.findall("condition")]
    assert kept == [f"Sarcoma subtype {i}" for i in range(1_000)]
    assert root.findtext("overall_status") == "Completed"  # what follows the dropped ones stays
    assert stream.dropped == {"condition": 99_000}


# --- PubMed XML ------------------------------------------------------------------------------


def test_abstract_parts_past_the_limit_are_a_warning() -> None:
    (doc,) = load_records("pubmed.xml", pubmed_xml(1, parts=100_000))
    assert (doc.format, doc.status) == ("pubmed_xml", "ok")
    assert doc.reason == (
        "100,000 AbstractText parts in one abstract; only the first 100 are read (the limit per record)"
    )
    assert sum(section.kind == "abstract" for section in doc.sections) == 100
    assert "PART 99: Part 99." in doc.text and "PART 100:" not in doc.text


def test_reading_abstract_parts_is_linear() -> None:
    assert_linear(lambda n: pubmed_xml(1, parts=n), 25_000)


def test_pubmed_records_are_released_as_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The root holds the records of one piece of text at most, never the whole file."""
    monkeypatch.setattr(limits, "XML_CHUNK_CHARS", 1_000)  # about 7 records of this file
    stream = XmlStream(pubmed_xml(2_000).decode())
    held, pmids = [], []
    for record in stream.children():
        assert stream.root is not None
        held.append(len(stream.root))
        pmids.append(record.findtext("MedlineCitation/PMID"))
    assert pmids == [str(i + 1) for i in range(2_000)]
    assert max(held) <= 10
    assert stream.root is not None and len(stream.root) == 0


def test_pubmed_records_past_the_limit_are_one_skipped_document(small_limits: None) -> None:
    docs = load_records("set.xml", pubmed_xml(1_500))
    assert len(docs) == 1_001
    assert all(doc.status == "ok" and doc.reason is None for doc in docs[:1_000])
    assert docs[999].metadata.pmid == "1000"
    last = docs[-1]
    assert (last.record, last.status, last.format) == (1_000, "skipped", "pubmed_xml")
    assert last.reason == "1,500 records; only the first 1,000 are read (the limit per file)"


def test_a_limit_warning_belongs_to_its_record() -> None:
    many = "".join(f"<AbstractText>Part {i}.</AbstractText>" for i in range(150))
    text = '<?xml version="1.0"?><PubmedArticleSet>' + pubmed_article(1, "<AbstractText>One.</AbstractText>")
    text += pubmed_article(2, many) + pubmed_article(3, "<AbstractText>Three.</AbstractText>")
    first, second, third = load_records("set.xml", (text + "</PubmedArticleSet>").encode())
    assert first.reason is None and third.reason is None
    assert (
        second.reason
        == "150 AbstractText parts in one abstract; only the first 100 are read (the limit per record)"
    )


def test_same_name_siblings_past_the_limit_are_a_warning(small_limits: None) -> None:
    sites = "".join(f"<location><facility><name>Site {i}</name></facility></location>" for i in range(1_500))
    (doc,) = load_records("study.xml", ctgov_xml(3, extra=sites))
    assert doc.status == "ok"
    assert doc.reason == (
        "1,500 <location> elements under one parent; only the first 1,000 are read (the limit per record)"
    )


def test_an_entity_declared_after_a_long_prolog_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety check reads the prolog in pieces until the root: a declaration pieces in is found."""
    monkeypatch.setattr(limits, "XML_CHUNK_CHARS", 1_000)
    comment = "<!--" + "x" * 10_000 + "-->"
    text = f'<?xml version="1.0"?>\n{comment}<!DOCTYPE clinical_study [<!ENTITY lol "lol">]>'
    text += "<clinical_study><brief_title>&lol;</brief_title></clinical_study>"
    (doc,) = load_records("study.xml", text.encode())
    assert (doc.status, doc.reason) == (
        "skipped",
        "XML refused for safety: it declares the entity 'lol' (entities are not expanded)",
    )


# --- ClinicalTrials.gov study lists ------------------------------------------------------------


def study_list(n: int, tail: str = "") -> bytes:
    studies = ",".join(ctgov_json(1).decode().replace("NCT00000001", f"NCT{i + 1:08d}") for i in range(n))
    return ('{"studies": [' + studies + "]" + tail + "}").encode()


def test_study_list_past_the_limit_is_one_skipped_document(small_limits: None) -> None:
    docs = load_records("list.json", study_list(1_200, ', "nextPageToken": "abc"'))
    assert len(docs) == 1_001
    assert docs[999].metadata.nct_id == "NCT00001000" and docs[999].status == "ok"
    assert (docs[-1].status, docs[-1].reason) == (
        "skipped",
        "1,200 records; only the first 1,000 are read (the limit per file)",
    )


def test_a_study_list_cut_short_is_one_error_with_json_s_reason() -> None:
    data = study_list(50)[:-30]
    (doc,) = load_records("list.json", data)
    try:
        json.loads(data)
    except ValueError as exc:
        expected = str(exc)
    assert (doc.status, doc.reason) == ("error", f"truncated or malformed JSON: {expected}")


def test_json_lists_past_the_limit_are_a_warning(small_limits: None) -> None:
    study = json.loads(ctgov_json(1))
    references = [{"pmid": str(i), "type": "BACKGROUND"} for i in range(1_500)]
    study["protocolSection"]["referencesModule"] = {"references": references}
    (doc,) = load_records("study.json", json.dumps(study).encode())
    assert doc.reason == (
        "1,500 items in protocolSection.referencesModule.references; only the first 1,000 are read "
        "(the limit per list)"
    )


def test_reading_a_study_list_is_linear() -> None:
    assert_linear(study_list, 1_000)


def test_registry_groups_are_found_in_constant_time() -> None:
    """Each outcome measure reuses the ids OG000, OG001 for other groups: one lookup per group."""

    def register(n: int) -> ResultsBuilder:
        out = ResultsBuilder("study")
        for outcome in range(n):
            for raw in ("OG000", "OG001"):
                out.group(raw, f"outcome{outcome}", f"Arm {outcome} {raw}", None, 10, "here", "analyzed")
        return out

    assert len(register(3).groups) == 6
    assert_linear(lambda n: n.to_bytes(4, "big"), 5_000, lambda data: register(int.from_bytes(data, "big")))


# --- MEDLINE and RIS -------------------------------------------------------------------------


def medline(records: int, lines: int = 0) -> bytes:
    continued = "".join(f"      line {i} of the abstract.\n" for i in range(lines))
    one = "PMID- {}\nTI  - Imatinib report\nAB  - " + ABSTRACT + "\n" + continued + "\n"
    return "".join(one.format(i + 1) for i in range(records)).encode()


def ris(records: int, lines: int = 0) -> bytes:
    continued = "".join(f"line {i} of the abstract.\n" for i in range(lines))
    one = "TY  - JOUR\nTI  - Imatinib report {}\nAB  - " + ABSTRACT + "\n" + continued + "ER  - \n\n"
    return "".join(one.format(i + 1) for i in range(records)).encode()


@pytest.mark.parametrize(("make", "fmt"), [(medline, "medline"), (ris, "ris")])
def test_a_value_continued_over_many_lines_is_linear(make: Callable[..., bytes], fmt: str) -> None:
    (doc,) = load_records("export", make(1, lines=10))
    assert (doc.format, doc.status) == (fmt, "ok")
    assert doc.text.endswith("line 8 of the abstract. line 9 of the abstract.\n")
    assert_linear(lambda n: make(1, lines=n), 25_000)


@pytest.mark.parametrize(("make", "fmt"), [(medline, "medline"), (ris, "ris")])
def test_tagged_records_past_the_limit_are_one_skipped_document(
    small_limits: None, make: Callable[..., bytes], fmt: str
) -> None:
    docs = load_records("export", make(1_100))
    assert len(docs) == 1_001 and {doc.format for doc in docs} == {fmt}
    assert (docs[-1].status, docs[-1].reason) == (
        "skipped",
        "1,100 records; only the first 1,000 are read (the limit per file)",
    )


# --- a file that grows while it is read --------------------------------------------------------


def test_a_growing_file_is_read_as_it_was_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.ris"
    first = ris(3)
    path.write_bytes(first)
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        with path.open("ab") as out:  # the file grows by 1.4 MB right after it was opened
            out.write(ris(10_000))
        return info

    monkeypatch.setattr(os, "fstat", fstat_then_grow)
    docs: list[Document] = load_paths([str(path)])
    assert [doc.status for doc in docs] == ["ok"] * 3
    assert [doc.metadata.title for doc in docs] == [f"Imatinib report {i}" for i in (1, 2, 3)]
    assert path.stat().st_size > 1_000_000


def _quotes(value: object) -> list[str]:
    """Every Evidence quote inside a Report, Document or Study (dataclasses, tuples, lists)."""
    if isinstance(value, Evidence):
        return [value.quote]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [q for f in dataclasses.fields(value) for q in _quotes(getattr(value, f.name))]
    if isinstance(value, (list, tuple)):
        return [q for item in value for q in _quotes(item)]
    if isinstance(value, dict):
        return [q for item in value.values() for q in _quotes(item)]
    return []


def study_with_results(group_title: str) -> bytes:
    """An API v2 study whose posted results name one arm group_title in every module."""
    group = {"id": "G0", "title": group_title, "description": "Imatinib 400 mg daily."}
    results = {
        "participantFlowModule": {
            "groups": [{**group, "id": "FG000"}],
            "periods": [
                {
                    "title": "Overall Study",
                    "milestones": [
                        {"type": "STARTED", "achievements": [{"groupId": "FG000", "numSubjects": "20"}]}
                    ],
                }
            ],
        },
        "outcomeMeasuresModule": {
            "outcomeMeasures": [
                {
                    "type": "PRIMARY",
                    "title": "Overall response",
                    "paramType": "COUNT_OF_PARTICIPANTS",
                    "unitOfMeasure": "Participants",
                    "groups": [{**group, "id": "OG000"}],
                    "denoms": [{"units": "Participants", "counts": [{"groupId": "OG000", "value": "20"}]}],
                    "classes": [{"categories": [{"measurements": [{"groupId": "OG000", "value": "3"}]}]}],
                }
            ]
        },
        "adverseEventsModule": {
            "eventGroups": [{**group, "id": "EG000", "seriousNumAtRisk": 20, "otherNumAtRisk": 20}],
            "otherEvents": [
                {
                    "term": "Nausea",
                    "organSystem": "Gastrointestinal disorders",
                    "stats": [{"groupId": "EG000", "numAffected": 5, "numAtRisk": 20}],
                }
            ],
        },
    }
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": "Imatinib in sarcoma"},
            "statusModule": {"overallStatus": "COMPLETED"},
            "descriptionModule": {"briefSummary": ABSTRACT},
        },
        "resultsSection": results,
        "hasResults": True,
    }
    return json.dumps(study).encode()


def test_registry_quotes_are_capped(tmp_path: Path) -> None:
    """A 100,000-character group title is quoted capped, in the Document and in the Study."""
    from imatinib_cli.pipeline import summarize

    title = " ".join(f"Imatinib arm {i}" for i in range(8_000))[:100_000]
    path = tmp_path / "study.json"
    path.write_bytes(study_with_results(title))
    report = summarize([str(path)], jobs=1)
    (document,) = report.documents
    assert document.status == "ok"
    registry = _quotes(document.registry_results)
    assert len(registry) >= 4  # the group, its size, the response count, the adverse event
    assert any(quote.startswith("Imatinib arm 0 Imatinib arm 1") for quote in registry)
    quotes = _quotes(report)
    assert max(len(quote) for quote in quotes) <= MAX_WARNING_QUOTE_CHARS
    assert any(quote.endswith(ELLIPSIS) for quote in quotes)


def html_table(cells: int) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Imatinib in sarcoma</title>"
        '<meta name="citation_title" content="Imatinib in sarcoma"></head><body>'
        f'<h1>Imatinib in sarcoma</h1><div class="abstract"><p>{ABSTRACT}</p></div><table>'
        + "".join(("<tr>" if i % 10 == 0 else "") + f"<td>{i}</td>" for i in range(cells))
        + "</table></body></html>\n"
    )


def test_html_elements_past_the_limit_are_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PAGE_ELEMENTS", 1_000)
    (document,) = load_records("page.html", html_table(5_000).encode())
    assert document.status == "ok"
    # 5,000 cells, 500 rows and the page's 9 other elements
    assert document.reason == "5,509 elements; only the first 1,000 are read (the limit per page)"
    assert "Three patients had a partial response" in document.text
    # the 9 elements before the table, then 90 rows of 11 (<tr> and 10 cells) and one more <tr>: the
    # page is cut right before the cell of 900
    lines = document.text.splitlines()
    assert "899" in lines and "900" not in lines
    assert document.metadata.title == "Imatinib in sarcoma"


def test_html_index_holds_only_what_selectors_start_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of 5,000 plain cells: the index holds its few named or classed elements, not a proxy
    per cell, and never falls back to a full index; under the limit there is no warning."""
    from imatinib_cli.load import _dom_index, html_page

    built: list[_dom_index.Index] = []
    original = _dom_index.Index.__init__

    def record(self: _dom_index.Index, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        built.append(self)

    monkeypatch.setattr(_dom_index.Index, "__init__", record)
    document = html_page.read("page.html", "", html_table(5_000))
    assert document.status == "ok" and document.reason is None
    assert len(built) == 1  # no full index was needed
    assert built[0].held == 3  # <meta>, <h1> and div.abstract, of 5,511 elements
    assert "4999" in document.text.splitlines()
