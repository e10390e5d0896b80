"""Load stage: PubMed XML, MEDLINE, RIS, ClinicalTrials.gov JSON / legacy XML, PDF, unsafe and broken data.

The real files under tests/fixtures/load/ are listed with their sources in ATTRIBUTION.md; the values
checked here are the ones those files state.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imatinib_cli.load import load_bytes, load_paths, load_records
from imatinib_cli.models import Document, RegistryMeasure, RegistryResults

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "load"
ROOT = Path(__file__).resolve().parent.parent

PUBMED_METRIC = FIXTURES / "pubmed_efetch_22663011_trametinib_melanoma.xml"
PUBMED_TWO = FIXTURES / "pubmed_efetch_biopython_pubmed1.xml"
MEDLINE_ONE = FIXTURES / "medline_biopython_pubmed_result1.nbib"
MEDLINE_HIFU = FIXTURES / "medline_biopython_pubmed_result3_hifu.nbib"
RIS_TWO = FIXTURES / "ris_rispy_example_full.ris"
RIS_BOM = FIXTURES / "ris_rispy_example_utf_chars_bom.ris"
CTGOV_JSON_RESULTS = FIXTURES / "ctgov_v2_NCT00763412_with_results.json"
CTGOV_JSON_NO_RESULTS = FIXTURES / "ctgov_v2_NCT06382129_no_results_nsclc.json"
CTGOV_JSON_TWO = FIXTURES / "ctgov_v2_two_studies_handwritten.json"
CTGOV_XML_ALIAS = FIXTURES / "ctgov_legacy_NCT00980226_alias_crlf.xml"
CTGOV_XML_RESULTS = FIXTURES / "ctgov_legacy_NCT01065844_with_results_adenoid_cystic.xml"
CTGOV_XML_NO_RESULTS = FIXTURES / "ctgov_legacy_NCT03599518_no_results_egfr_nsclc.xml"
ERROR_PAGE = FIXTURES / "html_ctgov_invalid_nct_id_error_page.html"


def read(path: Path) -> list[Document]:
    return load_paths([str(path)])


def one(path: Path) -> Document:
    (document,) = read(path)
    return document


def sections(document: Document, kind: str, label: str | None = None) -> list[str]:
    return [
        document.text[s.start : s.end]
        for s in document.sections
        if s.kind == kind and (label is None or s.label == label)
    ]


def check_well_formed(document: Document) -> None:
    assert document.status in ("ok", "skipped", "error")
    if document.status != "ok":
        assert document.reason and "\n" not in document.reason
        assert document.text == "" and document.sections == ()
        return
    assert "\r" not in document.text
    end = 0
    for section in document.sections:
        assert end <= section.start < section.end <= len(document.text)
        end = section.end


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Any attempt to open a connection is recorded and fails."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


# --- PubMed efetch XML ----------------------------------------------------------------------


def test_pubmed_xml_metadata_and_structured_abstract() -> None:
    doc = one(PUBMED_METRIC)
    assert (doc.format, doc.status, doc.record) == ("pubmed_xml", "ok", 0)
    md = doc.metadata
    assert md.title == "Improved survival with MEK inhibition in BRAF-mutated melanoma."
    assert md.pmid == "22663011"
    assert md.doi == "10.1056/NEJMoa1203421"
    assert (md.journal, md.year, md.volume, md.issue, md.pages) == (
        "N Engl J Med",
        2012,
        "367",
        "2",
        "107-14",
    )
    assert md.language == "eng"
    assert md.nct_id == "NCT01245062"  # from DataBankList (and named again in the abstract)
    assert md.other_ids == ()
    assert "Clinical Trial, Phase III" in md.publication_types
    assert "Randomized Controlled Trial" in md.publication_types
    assert md.phase == "3"  # from the NLM publication type
    # Article authors only: the investigators listed after the collective name are not authors.
    assert md.authors[:2] == ("Flaherty KT", "Robert C") and md.authors[-1] == "METRIC Study Group"
    assert len(md.authors) == 26
    assert sections(doc, "title") == [md.title]
    labels = [s.label for s in doc.sections if s.kind == "abstract"]
    assert labels == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    (results,) = sections(doc, "abstract", "RESULTS")
    assert results.startswith(
        "RESULTS: Median progression-free survival was 4.8 months in the trametinib group"
    )
    assert "P<0.001" in results
    assert "<" not in doc.text.replace("P<0.001", "")  # clean text, no markup


def test_pubmed_xml_two_records_with_external_dtd_parse_offline(no_network: list[object]) -> None:
    documents = read(PUBMED_TWO)
    assert [(d.format, d.status, d.record) for d in documents] == [
        ("pubmed_xml", "ok", 0),
        ("pubmed_xml", "ok", 1),
    ]
    first, second = documents
    assert first.metadata.pmid == "12091962"
    assert first.metadata.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert first.metadata.authors == ("Olivero JM",)
    assert (first.metadata.journal, first.metadata.year, first.metadata.pages) == (
        "Soc Justice",
        1990,
        "113-25",
    )
    assert first.metadata.publication_types == ("Journal Article", "Review")
    assert second.metadata.pmid == "9997"
    assert second.metadata.doi == "10.1016/0005-2795(76)90109-4"
    assert second.metadata.journal == "Biochim Biophys Acta"
    assert first.sha256 == second.sha256 and first.path == second.path
    assert no_network == []


def test_pubmed_xml_is_sniffed_from_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    shutil.copy(PUBMED_METRIC, path)
    assert one(path).format == "pubmed_xml"


def test_pubmed_xml_nct_from_abstract_and_unlabelled_abstract(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_text(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>Imatinib in <i>KIT</i>-mutant melanoma</ArticleTitle>"
        "<Abstract><AbstractText>Twenty patients (NCT00424515) received imatinib 400 mg twice daily."
        "</AbstractText></Abstract>"
        "<PublicationTypeList><PublicationType>Clinical Trial, Phase II</PublicationType>"
        "</PublicationTypeList></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    doc = one(path)
    assert doc.metadata.title == "Imatinib in KIT-mutant melanoma"
    assert doc.metadata.nct_id == "NCT00424515" and doc.metadata.phase == "2"
    assert sections(doc, "abstract", "") == [
        "Twenty patients (NCT00424515) received imatinib 400 mg twice daily."
    ]


def test_empty_pubmed_set_is_still_unrecognized_data(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text("<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>\n")
    doc = one(path)
    assert (doc.status, doc.reason) == (
        "skipped",
        "unrecognized format (XML, root element <PubmedArticleSet>)",
    )


# --- MEDLINE / nbib -------------------------------------------------------------------------


def test_medline_single_record() -> None:
    doc = one(MEDLINE_ONE)
    assert (doc.format, doc.status) == ("medline", "ok")
    md = doc.metadata
    assert md.pmid == "12230038"
    assert md.title == "The Bio* toolkits--a brief overview."
    assert md.authors == ("Mangalam H",)
    assert (md.journal, md.year, md.volume, md.issue, md.pages) == (
        "Brief Bioinform",
        2002,
        "3",
        "3",
        "296-302",
    )
    assert md.publication_types == ("Journal Article",) and md.language == "eng"
    (abstract,) = sections(doc, "abstract")
    assert abstract.startswith(
        "Bioinformatics research is often difficult to do with commercial software. The Open"
    )
    assert "  " not in abstract  # continuation lines joined


def test_medline_leading_blank_line_doi_and_labelled_abstract() -> None:
    doc = one(MEDLINE_HIFU)
    md = doc.metadata
    assert (md.pmid, md.doi) == ("23039619", "10.1118/1.4748329")
    assert md.authors == ("Qiao S", "Shen G", "Bai J", "Chen Y")
    assert (md.journal, md.year, md.volume, md.issue, md.pages) == ("Med Phys", 2012, "39", "10", "5795-813")
    assert [s.label for s in doc.sections if s.kind == "abstract"] == [
        "PURPOSE",
        "METHODS",
        "RESULTS",
        "CONCLUSIONS",
    ]
    (methods,) = sections(doc, "abstract", "METHODS")
    assert methods.startswith("METHODS: Two transducers, six scanning paths")
    assert methods.endswith("to simulate the heating procedure.")


def test_medline_many_records_with_registry_ids(tmp_path: Path) -> None:
    path = tmp_path / "pubmed.nbib"
    path.write_text(
        "PMID- 11111111\nTI  - Imatinib in hypereosinophilic syndrome.\nAB  - BACKGROUND: Rare.\n"
        "      RESULTS: Nine of 11 patients (82%) had a complete hematologic response.\n"
        "PT  - Clinical Trial, Phase II\nPT  - Journal Article\nSI  - ClinicalTrials.gov/NCT00044304\n"
        "AU  - Doe J\nTA  - Blood\nDP  - 2003 Mar 1\n\n"
        "PMID- 22222222\nTI  - Second record without an abstract.\nDP  - 2004\n",
        encoding="utf-8",
    )
    first, second = read(path)
    assert (first.record, second.record) == (0, 1)
    assert first.metadata.nct_id == "NCT00044304" and first.metadata.phase == "2"
    assert first.metadata.year == 2003 and first.metadata.journal == "Blood"
    (results,) = sections(first, "abstract", "RESULTS")
    assert results == "RESULTS: Nine of 11 patients (82%) had a complete hematologic response."
    assert second.metadata.pmid == "22222222" and second.metadata.year == 2004
    assert sections(second, "abstract") == []


# --- RIS ------------------------------------------------------------------------------------


def test_ris_two_records_after_a_stray_line() -> None:
    first, second = read(RIS_TWO)
    assert [(d.format, d.status, d.record) for d in (first, second)] == [("ris", "ok", 0), ("ris", "ok", 1)]
    assert first.metadata.title == "Title of reference"
    assert first.metadata.authors == ("Marx, Karl", "Lindgren, Astrid")  # A2 (editor) is not an author
    assert (first.metadata.journal, first.metadata.year, first.metadata.volume) == ("Lorem", 2014, "9")
    assert (first.metadata.issue, first.metadata.pages) == ("3", "e0815")
    assert first.metadata.pmid is None  # "ID  - 12345" is the library's own number
    assert [s.label for s in first.sections if s.kind == "abstract"] == [
        "BACKGROUND",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert second.metadata.title == "The title of the reference"
    assert second.metadata.authors[0] == "Marxus, Karlus"
    assert (second.metadata.year, second.metadata.volume, second.metadata.pages) == (2006, "6", "e0815341")


def test_ris_with_byte_order_mark() -> None:
    data = RIS_BOM.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfTY  -")
    doc = one(RIS_BOM)
    assert (doc.format, doc.status) == ("ris", "ok")
    md = doc.metadata
    assert md.authors == (
        "Dobrokhotova, Yu E.",
        "Yusupova, R. O.",
        "Ozerova, R. I.",
        "Fayzullin, L. Z.",
        "Karnaukhov, V. N.",
    )
    assert (md.journal, md.year, md.volume, md.issue, md.pages) == (
        "Gynecology, Obstetrics and Perinatology",
        2009,
        "8",
        "3",
        "52-57",
    )
    assert md.title and md.title.startswith("Состояние рецепторного аппарата эндометрия")
    (abstract,) = sections(doc, "abstract")
    assert abstract.startswith("Состояние") and "The state of the receptor apparatus" in abstract


def test_ris_pubmed_accession_and_doi(tmp_path: Path) -> None:
    path = tmp_path / "refs.ris"
    path.write_text(
        "TY  - JOUR\nTI  - Imatinib in systemic mastocytosis\nAU  - Doe, Jane\nJO  - Cancer\nPY  - 2009\n"
        "DO  - https://doi.org/10.1002/cncr.12345\nDB  - PubMed\nAN  - 19012345\n"
        "AB  - Ten patients were treated; trial NCT00171912.\nER  - \n",
        encoding="utf-8",
    )
    doc = one(path)
    assert (doc.metadata.pmid, doc.metadata.doi, doc.metadata.nct_id) == (
        "19012345",
        "10.1002/cncr.12345",
        "NCT00171912",
    )


# --- ClinicalTrials.gov API v2 JSON ---------------------------------------------------------


def measure(results: RegistryResults, **want: object) -> RegistryMeasure:
    found = [m for m in results.measures if all(getattr(m, k) == v for k, v in want.items())]
    assert len(found) == 1, found
    return found[0]


def test_ctgov_json_with_results_metadata_and_text() -> None:
    doc = one(CTGOV_JSON_RESULTS)
    assert (doc.format, doc.status) == ("ctgov_json", "ok")
    md = doc.metadata
    assert md.nct_id == "NCT00763412"
    assert md.title == (
        "Pilot and Feasibility Study for the Treatment of Pre-diabetes in Patients With Cystic Fibrosis"
    )
    assert (md.registry_status, md.enrollment, md.phase) == ("COMPLETED", 31, None)  # phases: ["NA"]
    assert (md.allocation, md.masking, md.results_posted) == ("RANDOMIZED", "QUADRUPLE", True)
    assert md.conditions == ("Cystic Fibrosis Related Diabetes", "Pancreatic Insufficiency")
    assert md.other_ids == ("05-1109",)  # the NIH grant number is not an identifier of the trial
    arms = " ".join(sections(doc, "registry", "arms_interventions"))
    assert "repaglinide 0.5 mg before each meal 3-4 times a day for 2 years" in arms
    assert any(
        text.startswith("Primary outcome: BMI") for text in sections(doc, "registry", "outcome_measures")
    )
    (criteria,) = sections(doc, "eligibility")
    assert criteria.startswith("Inclusion Criteria:") and "12 -24 years old" in criteria
    assert not any("Inclusion Criteria" in text for text in sections(doc, "registry"))


def test_ctgov_json_results_as_data() -> None:
    results = one(CTGOV_JSON_RESULTS).registry_results
    assert results is not None
    groups = {g.id: g for g in results.groups}
    assert (groups["FG000"].title, groups["FG000"].n) == ("Placebo", 8)
    assert groups["FG000"].evidence is not None
    assert groups["FG000"].evidence.path == (
        "resultsSection.participantFlowModule.periods[0].milestones[0].achievements[0].numSubjects"
    )
    assert (groups["OG001"].title, groups["OG001"].n) == ("2. Repaglinide", 4)
    fasting = measure(results, outcome="Glucose Tolerance", category="fasting glucose", group_id="OG000")
    assert (fasting.kind, fasting.param_type, fasting.unit) == ("secondary", "MEAN", "mg/dl")
    assert (fasting.value, fasting.denominator) == (101.5, 4)
    assert fasting.evidence.path == (
        "resultsSection.outcomeMeasuresModule.outcomeMeasures[3].classes[0].categories[0].measurements[0].value"
    )
    assert (fasting.evidence.start, fasting.evidence.end) == (0, 0)
    assert (
        fasting.evidence.quote
        == "Glucose Tolerance / fasting glucose: mean 101.5 mg/dl (1 Placebo; 4 analyzed)"
    )
    completed = measure(results, kind="flow", category="COMPLETED", group_id="FG001")
    assert completed.value == 4 and completed.outcome == "Overall Study"
    assert results.adverse_events == ()  # the record posts group totals only, no event terms


def test_ctgov_json_without_results() -> None:
    doc = one(CTGOV_JSON_NO_RESULTS)
    md = doc.metadata
    assert (doc.format, md.nct_id, md.phase, md.enrollment) == ("ctgov_json", "NCT06382129", "3", 698)
    assert md.registry_status == "ACTIVE_NOT_RECRUITING"
    assert md.results_posted is None  # neither hasResults nor resultsSection in this partial record
    assert doc.registry_results is None
    assert md.conditions == ("Non-small Cell Lung Cancer",)
    (summary,) = sections(doc, "registry", "brief_summary")
    assert summary.startswith("This trial is a registered phase III, randomized, open-label")
    (criteria,) = sections(doc, "eligibility")
    assert "Urine protein ≤2+ or < 1000mg/24h" in criteria  # Markdown escape "\<" undone


def test_ctgov_json_study_list() -> None:
    first, second = read(CTGOV_JSON_TWO)
    assert [(d.format, d.status, d.record) for d in (first, second)] == [
        ("ctgov_json", "ok", 0),
        ("ctgov_json", "ok", 1),
    ]
    md = first.metadata
    assert (md.nct_id, md.phase, md.enrollment, md.results_posted) == ("NCT00000001", "1/2", 40, True)
    assert md.other_ids == ("IMX-DEMO-01", "2004-000001-11", "NCT00000011")
    assert md.reference_pmids == ("11111111",)  # the RESULT reference; the BACKGROUND one is not linked
    assert md.conditions == ("Desmoid Tumor", "Aggressive Fibromatosis")
    (arms,) = sections(first, "registry", "arms_interventions")  # adjacent paragraphs form one section
    assert "Arm Imatinib 800 mg (experimental): Imatinib 400 mg orally twice daily." in arms

    results = first.registry_results
    assert results is not None
    nausea = [e for e in results.adverse_events if e.term == "Nausea" and e.group_id == "EG000"][0]
    assert (nausea.affected, nausea.at_risk, nausea.serious) == (5, 20, False)
    assert nausea.organ_system == "Gastrointestinal disorders"
    assert (
        nausea.evidence.path
        == "studies[0].resultsSection.adverseEventsModule.otherEvents[2].stats[0].numAffected"
    )
    assert nausea.evidence.quote == "Nausea: 5 of 20 affected (Imatinib 400 mg)"
    febrile = [e for e in results.adverse_events if e.serious and e.group_id == "EG001"][0]
    assert (febrile.term, febrile.affected, febrile.at_risk) == ("Febrile neutropenia", 2, 20)
    assert febrile.evidence.quote == "Febrile neutropenia (serious): 2 of 20 affected (Imatinib 800 mg)"

    partial = measure(results, category="Partial Response", group_id="OG001")
    assert (partial.kind, partial.param_type, partial.value, partial.denominator) == (
        "primary",
        "COUNT_OF_PARTICIPANTS",
        4.0,
        18,
    )
    assert (
        partial.evidence.quote
        == "Objective Response / Partial Response: 4 of 18 Participants (Imatinib 800 mg)"
    )
    # The same group id in another measure names another group: it keeps its own id.
    groups = {g.id: g for g in results.groups}
    assert groups["OG000"].title == "Imatinib 400 mg" and groups["OG000@outcome1"].title == "All Participants"
    not_reached = measure(results, outcome="Time to Progression")
    assert (not_reached.group_id, not_reached.value, not_reached.denominator) == ("OG000@outcome1", None, 37)
    withdrawn = measure(results, category="NOT COMPLETED: Adverse Event", group_id="FG001")
    assert withdrawn.value == 5

    md2 = second.metadata
    assert (md2.nct_id, md2.phase, md2.enrollment, md2.results_posted) == ("NCT00000002", "0", None, False)
    assert second.registry_results is None


# --- legacy ClinicalTrials.gov XML ----------------------------------------------------------


def test_ctgov_xml_alias_crlf() -> None:
    assert b"\r\n" in CTGOV_XML_ALIAS.read_bytes()
    doc = one(CTGOV_XML_ALIAS)
    assert (doc.format, doc.status) == ("ctgov_xml", "ok")
    md = doc.metadata
    assert md.nct_id == "NCT00081588"  # the record's own ID, not the file name's
    assert "NCT00980226" in md.other_ids and "TMC114-C215" in md.other_ids
    assert (md.registry_status, md.phase, md.enrollment) == ("Completed", "2", 555)
    assert (md.allocation, md.masking, md.results_posted) == ("Non-Randomized", "None (Open Label)", False)
    assert md.reference_pmids == ("17621237",)
    assert md.conditions == ("HIV Infection",)
    assert "\r" not in doc.text


def test_ctgov_xml_with_results() -> None:
    doc = one(CTGOV_XML_RESULTS)
    md = doc.metadata
    assert md.nct_id == "NCT01065844" and md.results_posted is True
    assert md.reference_pmids == ("24596143",)  # results_reference only; "reference" is background
    assert (md.phase, md.enrollment, md.masking) == ("2", 15, "None (Open Label)")
    (arms,) = sections(doc, "registry", "arms_interventions")
    assert arms.startswith("Arm Nelfinavir (experimental): 1250 mg Nelfinavir twice daily Monday-Sunday\n")
    assert "Carcinoma, Adenoid Cystic" in sections(doc, "registry", "conditions")[0]
    criteria = " ".join(sections(doc, "eligibility"))
    assert "absolute neutrophil count ≥ 1,500/mm3" in criteria

    results = doc.registry_results
    assert results is not None
    assert [(g.id, g.n) for g in results.groups] == [("P1", 15), ("O1", 11), ("E1", 15)]
    stable = measure(results, category="Stable disease (SD)")
    assert (stable.outcome, stable.kind, stable.group_id) == ("Tumor Progression", "primary", "O1")
    assert (stable.param_type, stable.unit, stable.value, stable.denominator) == (
        "COUNT_OF_PARTICIPANTS",
        "Participants",
        7.0,
        11,
    )
    assert stable.evidence.path == (
        "clinical_results/outcome_list/outcome[1]/measure/class_list/class[1]/category_list/category[3]"
        "/measurement_list/measurement[1]@value"
    )
    assert (
        stable.evidence.quote == "Tumor Progression / Stable disease (SD): 7 of 11 Participants (Nelfinavir)"
    )
    assert measure(results, kind="flow", category="STARTED").value == 15
    assert measure(results, kind="flow", category="NOT COMPLETED: Adverse Event").value == 5

    # The "Total" rows are sums, not event terms.
    assert [(e.term, e.affected, e.at_risk, e.serious) for e in results.adverse_events] == [
        ("platelet count decreased", 1, 15, False),
        ("Investigations - Other, liver enzymes increased, grade 3", 2, 15, False),
        ("hyponatremia, grade 4", 1, 15, False),
        ("dizziness, grade 3", 1, 15, False),
    ]
    platelets = results.adverse_events[0]
    assert platelets.organ_system == "Blood and lymphatic system disorders"
    assert platelets.evidence.path == (
        "clinical_results/reported_events/other_events/category_list/category[2]/event_list/event[1]"
        "/counts[1]@subjects_affected"
    )
    assert platelets.evidence.quote == "platelet count decreased: 1 of 15 affected (Nelfinavir)"


def test_ctgov_xml_without_results() -> None:
    doc = one(CTGOV_XML_NO_RESULTS)
    md = doc.metadata
    assert (md.nct_id, md.phase, md.registry_status) == ("NCT03599518", "1", "Not yet recruiting")
    assert md.enrollment is None  # "Anticipated" enrollment is a plan, not a count
    assert (md.results_posted, doc.registry_results) == (False, None)
    assert md.other_ids == ("DS1205-A-J102",)
    assert sections(doc, "title") == [md.title]


# --- error page, broken and unsafe data -----------------------------------------------------


def test_error_page_saved_as_a_record_is_skipped() -> None:
    doc = one(ERROR_PAGE)
    assert (doc.format, doc.status) == ("html", "skipped")
    assert doc.reason and doc.reason.startswith("error page")


def test_truncated_json_is_an_error(tmp_path: Path) -> None:
    data = CTGOV_JSON_RESULTS.read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    doc = one(path)
    assert (doc.format, doc.status) == ("ctgov_json", "error")
    assert doc.reason and doc.reason.startswith("truncated or malformed JSON: ")
    other = tmp_path / "cut-other.json"
    other.write_text('{"results": [{"id": 1}, {"id": ')
    assert one(other).status == "error"
    assert (one(other).reason or "").startswith("truncated or malformed JSON: ")


def test_truncated_xml_is_an_error(tmp_path: Path) -> None:
    for source in (CTGOV_XML_RESULTS, PUBMED_METRIC):
        data = source.read_bytes()
        path = tmp_path / source.name
        path.write_bytes(data[: len(data) // 2])
        doc = one(path)
        assert doc.status == "error" and doc.format in ("ctgov_xml", "pubmed_xml")
        assert doc.reason and doc.reason.startswith("truncated or malformed XML: ")
        assert "\n" not in doc.reason


@pytest.mark.parametrize(
    ("payload", "fmt", "reason"),
    [
        ('{"FullStudiesResponse": {"FullStudies": []}}', "json", "unrecognized format (JSON)"),
        ('[{"nctId": "NCT00000001"}]', "json", "unrecognized format (JSON)"),
        (
            '{"data": {"protocolSection": {}}}',
            "ctgov_json",
            "JSON is not a ClinicalTrials.gov API v2 study or study list (top level: data)",
        ),
    ],
)
def test_json_of_the_wrong_shape_is_skipped(tmp_path: Path, payload: str, fmt: str, reason: str) -> None:
    path = tmp_path / "data.json"
    path.write_text(payload)
    doc = one(path)
    assert (doc.format, doc.status, doc.reason) == (fmt, "skipped", reason)


def test_study_list_entry_that_is_not_a_study_is_its_own_skipped_record(tmp_path: Path) -> None:
    study = json.loads(CTGOV_JSON_NO_RESULTS.read_text(encoding="utf-8"))
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"studies": [study, {"nctId": "NCT00000003"}]}))
    first, second = read(path)
    assert (first.status, first.metadata.nct_id) == ("ok", "NCT06382129")
    assert (second.record, second.status, second.reason) == (
        1,
        "skipped",
        "studies[1] is not a study (no protocolSection)",
    )


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS)
    started = time.perf_counter()
    doc = one(path)
    assert time.perf_counter() - started < 5
    assert (doc.format, doc.status) == ("pubmed_xml", "skipped")
    assert doc.reason == "XML refused for safety: it declares the entity 'lol' (entities are not expanded)"


@pytest.mark.parametrize(
    ("doctype", "entity"),
    [
        ('<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>', "xxe"),
        ('<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "xxe"),
        (
            '<!DOCTYPE clinical_study [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>',
            "remote",
        ),
    ],
)
def test_external_entities_are_refused_and_nothing_is_fetched(
    tmp_path: Path, no_network: list[object], doctype: str, entity: str
) -> None:
    path = tmp_path / "study.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n{doctype}\n<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>'
        "<brief_title>&xxe;</brief_title></clinical_study>\n"
    )
    doc = one(path)
    assert (doc.format, doc.status) == ("ctgov_xml", "skipped")
    assert doc.reason and doc.reason.startswith(f"XML refused for safety: it declares the entity '{entity}'")
    assert "/etc/passwd" not in doc.text and "root:" not in doc.text
    assert no_network == []


def test_undefined_entity_is_malformed_xml(tmp_path: Path) -> None:
    path = tmp_path / "study.xml"
    path.write_text("<clinical_study><brief_title>&nbsp;</brief_title></clinical_study>")
    doc = one(path)
    assert doc.status == "error" and (doc.reason or "").startswith(
        "truncated or malformed XML: undefined entity"
    )


# --- PDF ------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal valid PDF: one Helvetica text line per string, one content stream per page."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    contents = []
    for lines in pages:
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        contents.append(add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))
    pages_id = len(objects) + len(pages) + 1
    page_ids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (pages_id, font, content)
        )
        for content in contents
    ]
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (%s) >>" % title.encode("latin-1")) if title else None
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


ARTICLE_PDF = [
    [
        "Imatinib in desmoid tumors: a phase II trial",
        "doi: 10.1000/imx.2024.001",
        "Forty patients received imatinib 400 mg daily.",
    ],
    ["Five of 40 patients (13%) had a partial response."],
]


def test_pdf_text_and_metadata(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "article.bin"  # the extension says nothing; the bytes do
    path.write_bytes(make_pdf(ARTICLE_PDF, title="Imatinib in desmoid tumors"))
    doc = one(path)
    assert (doc.format, doc.status) == ("pdf", "ok")
    assert doc.metadata.title == "Imatinib in desmoid tumors"
    assert doc.metadata.doi == "10.1000/imx.2024.001"
    assert [s.kind for s in doc.sections] == ["body"]
    assert "Forty patients received imatinib 400 mg daily." in doc.text
    assert "Five of 40 patients (13%) had a partial response." in doc.text
    assert doc.text.index("400 mg") < doc.text.index("Five of 40")  # pages in order


def test_pdf_without_the_extra_is_skipped_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)  # `import pypdf` now raises ImportError
    doc = load_bytes("article.pdf", make_pdf(ARTICLE_PDF))
    assert (doc.format, doc.status) == ("pdf", "skipped")
    assert (
        doc.reason
        == "PDF needs the pdf extra: pip install '.[pdf]' in the imx checkout (or pip install pypdf)"
    )


def test_pdf_without_text_damaged_or_cut_short(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    empty = load_bytes("scan.pdf", make_pdf([[]]))
    assert (empty.status, empty.reason) == ("skipped", "PDF has no text layer (scanned pages need OCR first)")
    damaged = load_bytes("bad.pdf", b"%PDF-1.7 not really a pdf\n%%EOF\n")
    assert damaged.status == "error" and (damaged.reason or "").startswith("PDF could not be read: ")
    cut = make_pdf(ARTICLE_PDF)
    cut_short = load_bytes("cut.pdf", cut[: len(cut) // 2])  # no %%EOF trailer: not a complete PDF
    assert (cut_short.status, cut_short.reason) == ("skipped", "binary file (PDF signature)")


# --- the whole folder, records and imports ----------------------------------------------------

EXPECTED_FORMATS = {
    "ctgov_legacy_NCT00980226_alias_crlf.xml": ["ctgov_xml"],
    "ctgov_legacy_NCT01065844_with_results_adenoid_cystic.xml": ["ctgov_xml"],
    "ctgov_legacy_NCT03599518_no_results_egfr_nsclc.xml": ["ctgov_xml"],
    "ctgov_v2_NCT00763412_with_results.json": ["ctgov_json"],
    "ctgov_v2_NCT06382129_no_results_nsclc.json": ["ctgov_json"],
    "ctgov_v2_two_studies_handwritten.json": ["ctgov_json", "ctgov_json"],
    "html_ctgov_invalid_nct_id_error_page.html": ["html"],
    "medline_biopython_pubmed_result1.nbib": ["medline"],
    "medline_biopython_pubmed_result3_hifu.nbib": ["medline"],
    "pubmed_efetch_22663011_trametinib_melanoma.xml": ["pubmed_xml"],
    "pubmed_efetch_biopython_pubmed1.xml": ["pubmed_xml", "pubmed_xml"],
    "ris_rispy_example_full.ris": ["ris", "ris"],
    "ris_rispy_example_utf_chars_bom.ris": ["ris"],
}


def test_every_fixture_format_is_read_with_records_numbered(tmp_path: Path) -> None:
    for name in EXPECTED_FORMATS:
        shutil.copy(FIXTURES / name, tmp_path / name)
    documents = load_paths([str(tmp_path)])
    by_file: dict[str, list[Document]] = {}
    for doc in documents:
        by_file.setdefault(Path(doc.path).name, []).append(doc)
        check_well_formed(doc)
    assert {name: [d.format for d in docs] for name, docs in by_file.items()} == EXPECTED_FORMATS
    for docs in by_file.values():
        assert [d.record for d in docs] == list(range(len(docs)))
    assert [Path(d.path).name for d in documents] == [  # files in sorted order, records in file order
        name for name in sorted(EXPECTED_FORMATS) for _ in EXPECTED_FORMATS[name]
    ]


def test_load_records_and_load_bytes_agree() -> None:
    data = RIS_TWO.read_bytes()
    records = load_records("refs.ris", data)
    assert len(records) == 2
    assert load_bytes("refs.ris", data) == records[0]


def test_structured_readers_import_their_libraries_lazily() -> None:
    code = (
        "import sys; import imatinib_cli.load;"
        "print([m for m in ('defusedxml', 'pypdf', 'xml.etree.ElementTree') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_documents_run_through_the_pipeline(tmp_path: Path) -> None:
    """Registry records and bibliographic records feed extract and resolve without errors."""
    from imatinib_cli.pipeline import summarize

    for name in EXPECTED_FORMATS:
        shutil.copy(FIXTURES / name, tmp_path / name)
    report = summarize([str(tmp_path)])
    assert len(report.documents) == sum(len(v) for v in EXPECTED_FORMATS.values())
    assert {d.status for d in report.documents} <= {"ok", "skipped"}
