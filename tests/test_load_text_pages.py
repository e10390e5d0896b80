"""Load stage: the five seed documents and variants of each shape (text formats)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imatinib_cli.load import load_paths
from imatinib_cli.models import Document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CONTENT_KINDS = frozenset(("title", "abstract", "body", "results", "registry"))


def seed(prefix: str) -> Document:
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    (document,) = load_paths([str(path)])
    assert document.status == "ok", document.reason
    check_sections(document)
    return document


def load_text(tmp_path: Path, text: str, name: str = "doc.txt") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (document,) = load_paths([str(path)])
    assert document.status == "ok", document.reason
    check_sections(document)
    return document


def check_sections(document: Document) -> None:
    """Sections are ordered, disjoint, inside the text and trimmed."""
    previous_end = 0
    for section in document.sections:
        assert previous_end <= section.start < section.end <= len(document.text)
        chunk = document.text[section.start : section.end]
        assert chunk == chunk.strip()
        previous_end = section.end


def content(document: Document) -> str:
    """The text extraction reads: title, abstract, body, results and registry sections."""
    return "\n".join(document.text[s.start : s.end] for s in document.sections if s.kind in CONTENT_KINDS)


def texts(document: Document, kind: str, label: str | None = None) -> list[str]:
    return [
        document.text[s.start : s.end]
        for s in document.sections
        if s.kind == kind and (label is None or s.label == label)
    ]


def kind_at(document: Document, needle: str) -> str | None:
    offset = document.text.index(needle)
    return next((s.kind for s in document.sections if s.start <= offset < s.end), None)


# --- seeds -------------------------------------------------------------------------------------


def test_seed_000_pubmed_page() -> None:
    doc = seed("000")
    meta = doc.metadata
    assert doc.format == "pubmed_page"
    assert meta.doi == "10.1158/1078-0432.CCR-07-4575"
    assert (meta.year, meta.volume, meta.issue, meta.pages) == (2008, "14", "9", "2717-25")
    assert meta.journal == "Clin Cancer Res"
    assert meta.title is not None and meta.title.startswith("Phase II, open-label study evaluating")
    assert meta.publication_types == ("Clinical Trial",)
    assert meta.authors == ("Michael C Heinrich",)
    assert texts(doc, "title") == [meta.title]
    results = texts(doc, "abstract", "RESULTS")
    assert len(results) == 1 and "Confirmed response occurred in 8.9% of solid tumor patients" in results[0]
    assert {s.label for s in doc.sections if s.kind == "abstract"} == {
        "PURPOSE",
        "EXPERIMENTAL DESIGN",
        "RESULTS",
        "CONCLUSION",
    }
    body = content(doc)
    for chrome in (
        "Skip to main page content",
        "official website",
        "Send to",
        "PubMed Disclaimer",
        "MeSH terms",
    ):
        assert chrome not in body
    assert body.count("Phase II, open-label study evaluating") == 1  # the repeated title is chrome


def test_seed_001_pubmed_legacy_page() -> None:
    doc = seed("001")
    meta = doc.metadata
    assert doc.format == "pubmed_legacy_page"
    assert meta.journal == "Eur J Cancer"
    assert (meta.year, meta.volume, meta.issue, meta.pages) == (2003, "39", "14", "2006-11")
    assert meta.title is not None
    assert meta.title.startswith("Imatinib mesylate (STI-571 Glivec, Gleevec) is an active agent")
    assert meta.title.endswith("phase II study.")
    (abstract,) = texts(doc, "abstract")
    assert abstract.startswith("The aim of this study")
    assert "4% complete remission (CR), 67% partial remission (PR)" in abstract
    body = content(doc)
    for chrome in (
        "Send to",
        "Choose Destination",
        "Author information",
        "Erasmus MC",
        "Indexed for MEDLINE",
        "Supplemental Content",
        "Full text links",
        "Support Center",
    ):
        assert chrome not in body
    assert kind_at(doc, "Eur J Cancer. 2003") == "boilerplate"


def test_seed_002_markdown() -> None:
    doc = seed("002")
    meta = doc.metadata
    assert doc.format == "markdown"
    assert meta.pmid == "12181401"
    assert meta.doi == "10.1056/NEJMoa020461"
    assert (meta.year, meta.journal) == (2002, "N Engl J Med")
    assert (meta.volume, meta.issue, meta.pages) == ("347", "7", "472-80")
    assert len(meta.authors) == 21 and meta.authors[0] == "Demetri GD" and meta.authors[-1] == "Joensuu H"
    assert (
        meta.title == "Efficacy and safety of imatinib mesylate in advanced gastrointestinal stromal tumors."
    )
    labels = [s.label for s in doc.sections if s.kind == "abstract"]
    assert labels == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    (results,) = texts(doc, "abstract", "RESULTS")
    assert "79 patients (53.7 percent) had a partial \nresponse" in results
    body = content(doc)
    for chrome in (
        "reference_id",
        "**Authors:**",
        "Dana-Farber",
        "Comment in",
        "462-3",
        "Copyright 2002",
        "PMID: 12181401",
    ):
        assert chrome not in body
    assert len(texts(doc, "title")) == 1


def test_seed_003_ctgov_page() -> None:
    doc = seed("003")
    meta = doc.metadata
    assert doc.format == "ctgov_page"
    assert meta.nct_id == "NCT00764595"
    assert meta.registry_status == "Completed"
    assert meta.enrollment == 5
    assert meta.phase == "2"
    assert meta.title == (
        "Imatinib Mesylate in Treating Patients With Liver Metastasis "
        "From a Gastrointestinal Stromal Tumor (GISTs)"
    )
    assert (meta.allocation, meta.masking, meta.results_posted) == ("N/A", "None (Open Label)", False)
    registry = "\n".join(texts(doc, "registry", ""))
    assert "PURPOSE: This phase II trial" in registry
    assert "oral dose of 400 mg/d once daily" in registry
    assert "Actual Enrollment : | 5 participants |" in registry
    (outcomes,) = texts(doc, "registry", "outcome_measures")
    assert outcomes.startswith("- Progression-free survival [ Time Frame: 7.5 years ]")
    assert "CTCAE v3.0" in outcomes
    (eligibility,) = texts(doc, "eligibility")
    assert eligibility.startswith("Ages Eligible for Study")
    assert "Leukocyte count" in eligibility and "No other concurrent treatment" in eligibility
    body = content(doc)
    for chrome in (
        "Leukocyte count",
        "Platelet count",
        "ECOG performance status",
        "Choosing to participate",
        "Principal Investigator",
        "Last Verified",
        "Read our disclaimer",
        "No Results Posted",
    ):
        assert chrome not in body


def test_seed_004_catalog_record() -> None:
    doc = seed("004")
    meta = doc.metadata
    assert doc.format == "catalog_record"
    assert (
        meta.title == "Efficacy and Safety of Imatinib Mesylate in Advanced Gastrointestinal Stromal Tumors"
    )
    assert meta.journal == "The New England journal of medicine"
    assert (meta.year, meta.volume, meta.issue, meta.pages) == (2002, "347", "7", "472-480")
    assert meta.doi == "10.1056/NEJMoa020461"
    assert meta.language == "eng"
    assert len(meta.authors) == 21
    assert meta.authors[:2] == ("Demetri, George D", "von Mehren, Margaret")
    assert "Fletcher, Christopher D.M" in meta.authors
    (abstract,) = texts(doc, "abstract")
    assert abstract.startswith("Unresectable or metastatic")
    assert "studied in 147 patients with advanced gastrointestinal stromal tumors" in abstract
    assert kind_at(doc, "The abnormality prevents the death of the cell an...") == "boilerplate"
    body = content(doc)
    for chrome in (
        "ISSN",
        "0028-4793",
        "Hauptverfasser",
        "Veröffentlicht in",
        "Tag hinzufügen",
        "cell an...",
    ):
        assert chrome not in body


def test_seeds_folder_is_sorted_and_complete() -> None:
    documents = load_paths([str(SEEDS)])
    assert [Path(d.path).name[:3] for d in documents] == ["000", "001", "002", "003", "004"]
    assert [d.format for d in documents] == [
        "pubmed_page",
        "pubmed_legacy_page",
        "markdown",
        "ctgov_page",
        "catalog_record",
    ]
    assert all(len(d.sha256) == 64 for d in documents)


# --- variants: same shapes, other trials -------------------------------------------------------

PUBMED_PAGE_VARIANT = """\
Skip to main page content
An official website of the United States government
Here's how you know
Log in
Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation
Search:
Advanced Create alert Create RSS
Save
Email
Send to
Display options
Full text links
Randomized Controlled Trial
J Example Oncol
. 2010 Feb 1;28(4):612-19.
doi: 10.9999/jeo.2009.1234.
Epub 2009 Dec 28.
High-dose versus standard-dose imatinib in advanced dermatofibrosarcoma: a randomized phase II trial
Laura M Jensen 1, Pieter van der Berg 2, Amal Haddad 1
Affiliations
expand
PMID: 99900123
DOI: 10.9999/jeo.2009.1234
Abstract
Purpose: To compare two imatinib doses in dermatofibrosarcoma protuberans.
Patients and methods: Patients were randomly assigned to 400 mg or 800 mg daily.
Results: Sixty patients were randomized. The overall response rate was 46% (n = 28), with 3 CRs.
Conclusion: Both doses were active.
Trial registration: ClinicalTrials.gov NCT99900001.
PubMed Disclaimer
Comment in
Another commentary on imatinib. Other J. 2010;1:1-2.
Similar articles
Imatinib 600 mg in melanoma: 16% responded. Someone et al. Some J. 2011.
Publication types
Clinical Trial, Phase II
Multicenter Study
Randomized Controlled Trial
MeSH terms
Adult
Substances
Imatinib Mesylate
"""


def test_pubmed_page_variant(tmp_path: Path) -> None:
    doc = load_text(tmp_path, PUBMED_PAGE_VARIANT)
    meta = doc.metadata
    assert doc.format == "pubmed_page"
    assert meta.journal == "J Example Oncol"
    assert (meta.year, meta.volume, meta.issue, meta.pages) == (2010, "28", "4", "612-19")
    assert (meta.doi, meta.pmid) == ("10.9999/jeo.2009.1234", "99900123")
    assert meta.title == (
        "High-dose versus standard-dose imatinib in advanced dermatofibrosarcoma: a randomized phase II trial"
    )
    assert meta.authors == ("Laura M Jensen", "Pieter van der Berg", "Amal Haddad")
    assert meta.publication_types == (
        "Randomized Controlled Trial",
        "Clinical Trial, Phase II",
        "Multicenter Study",
    )
    labels = [s.label for s in doc.sections if s.kind == "abstract"]
    assert labels == ["PURPOSE", "PATIENTS AND METHODS", "RESULTS", "CONCLUSION", "TRIAL REGISTRATION"]
    (results,) = texts(doc, "abstract", "RESULTS")
    assert "overall response rate was 46% (n = 28)" in results
    body = content(doc)
    assert "16% responded" not in body and "Affiliations" not in body and "PMID" not in body


def test_pubmed_page_without_citation_journal_uses_card(tmp_path: Path) -> None:
    text = (
        "Skip to main page content\n\nAccess keys NCBI Homepage\nReview\n. 2019 Jan;20(1):e1-e9.\n\n"
        "Imatinib for everything: a review\n\nAffiliations\n\n"
        "Sam Q Writer et al. Example Rev Oncol. .\n\nAbstract\n\nWe review 12 trials.\n\nPubMed Disclaimer\n"
    )
    doc = load_text(tmp_path, text)
    assert doc.format == "pubmed_page"
    assert doc.metadata.journal == "Example Rev Oncol"
    assert doc.metadata.authors == ("Sam Q Writer",)
    assert doc.metadata.pages == "e1-e9"
    assert doc.metadata.publication_types == ("Review",)
    assert texts(doc, "abstract") == ["We review 12 trials."]


PUBMED_LEGACY_VARIANT = """\
Display Settings: Abstract
Send to:
Choose Destination
Ann Example Oncol. 2005 Jan;16(1):101-8. Epub 2004 Nov 15.
Imatinib mesylate in metastatic melanoma expressing KIT: a phase II study.
Nguyen T, Schmidt A, O'Brien P.
Author information
1Department of Medicine, Example Cancer Centre, Toronto, Canada.
Abstract
BACKGROUND: KIT is expressed in a subset of melanomas.
PATIENTS AND METHODS: Twenty-one patients received imatinib 400 mg twice daily.
RESULTS: Two patients (9.5%) had a partial response; median time to progression was 2.1 months.
CONCLUSIONS: Imatinib has limited activity in unselected melanoma.
Copyright \u00a9 2005 Example Society. Published by Example Press.
PMID: 99900555 [PubMed - indexed for MEDLINE]
Publication Types, MeSH Terms, Substances
Publication Types
Clinical Trial, Phase II
MeSH Terms
Humans
LinkOut - more resources
"""


def test_pubmed_legacy_variant(tmp_path: Path) -> None:
    doc = load_text(tmp_path, PUBMED_LEGACY_VARIANT)
    meta = doc.metadata
    assert doc.format == "pubmed_legacy_page"
    assert (meta.journal, meta.year, meta.volume, meta.issue, meta.pages) == (
        "Ann Example Oncol",
        2005,
        "16",
        "1",
        "101-8",
    )
    assert meta.pmid == "99900555"
    assert meta.authors == ("Nguyen T", "Schmidt A", "O'Brien P")
    assert meta.title == "Imatinib mesylate in metastatic melanoma expressing KIT: a phase II study."
    assert meta.publication_types == ("Clinical Trial, Phase II",)
    (results,) = texts(doc, "abstract", "RESULTS")
    assert results.startswith("RESULTS: Two patients (9.5%) had a partial response")
    body = content(doc)
    assert "Copyright" not in body and "Toronto" not in body and "Humans" not in body


def test_pubmed_text_export_without_front_matter(tmp_path: Path) -> None:
    """PubMed's "Abstract (text)" export: numbered citation, wrapped lines, labelled abstract."""
    text = """\
1. Example Leuk Res. 2007 Mar;31(3):301-7. doi: 10.9999/elr.2006.0456. Epub 2006 Oct
2.

Imatinib in chronic myelomonocytic leukaemia with PDGFRB fusion: a prospective
study.

Rossi M(1), Dubois C(2), Yamamoto K.

Author information:
(1)Example University, Milan, Italy.
(2)Other Institute, Lyon, France.

BACKGROUND: Fusions of PDGFRB are rare.
METHODS: Twelve patients received imatinib 400 mg daily and were followed for a
median of 47 months.
RESULTS: Eleven of 12 patients (92%) achieved complete haematological remission.
CONCLUSIONS: Imatinib is highly active in this setting.

DOI: 10.9999/elr.2006.0456
PMID: 99900321 [Indexed for MEDLINE]
"""
    doc = load_text(tmp_path, text)
    meta = doc.metadata
    assert doc.format == "pubmed_legacy_page"
    assert (
        meta.title == "Imatinib in chronic myelomonocytic leukaemia with PDGFRB fusion: a prospective study."
    )
    assert meta.authors == ("Rossi M", "Dubois C", "Yamamoto K")
    assert (meta.doi, meta.pmid, meta.volume, meta.pages) == (
        "10.9999/elr.2006.0456",
        "99900321",
        "31",
        "301-7",
    )
    (results,) = texts(doc, "abstract", "RESULTS")
    assert "Eleven of 12 patients (92%)" in results
    assert "Milan" not in content(doc)


MARKDOWN_VARIANT = """\
---
title: "Imatinib 400 mg in advanced chordoma: a phase 2 study"
authors: "Okafor N; Lindqvist E; Kim J"
journal: Example Journal of Sarcoma
date: 2015-06-01
volume: 7
issue: "2"
pages: 88-95
doi: "https://doi.org/10.9999/ejs.2015.0007"
pmid: 99900888
nct_id: NCT99900002
phase: Phase II
publication_types: [Clinical Trial, Multicenter Study]
---

# Imatinib 400 mg in advanced chordoma: a phase 2 study

**Authors:** Okafor N, Lindqvist E, Kim J
**Journal:** Example Journal of Sarcoma (2015)

## Abstract

Fifty patients were treated. The clinical benefit rate was 64%.

## Results

Partial response occurred in 2 of 50 patients (4%).

## Eligibility

Patients aged 18 years or older with a platelet count of at least 100,000/uL.

## References

1. Someone A. Earlier trial. J Old. 2001;1:1-10.
"""


def test_markdown_variant(tmp_path: Path) -> None:
    doc = load_text(tmp_path, MARKDOWN_VARIANT, name="notes.yaml")  # name/extension is irrelevant
    meta = doc.metadata
    assert doc.format == "markdown"
    assert meta.title == "Imatinib 400 mg in advanced chordoma: a phase 2 study"
    assert meta.authors == ("Okafor N", "Lindqvist E", "Kim J")
    assert (meta.journal, meta.year, meta.volume, meta.issue, meta.pages) == (
        "Example Journal of Sarcoma",
        2015,
        "7",
        "2",
        "88-95",
    )
    assert (meta.doi, meta.pmid, meta.nct_id, meta.phase) == (
        "10.9999/ejs.2015.0007",
        "99900888",
        "NCT99900002",
        "2",
    )
    assert meta.publication_types == ("Clinical Trial", "Multicenter Study")
    assert texts(doc, "abstract") == ["Fifty patients were treated. The clinical benefit rate was 64%."]
    assert texts(doc, "results") == ["Partial response occurred in 2 of 50 patients (4%)."]
    assert texts(doc, "eligibility") == [
        "Patients aged 18 years or older with a platelet count of at least 100,000/uL."
    ]
    body = content(doc)
    assert "Earlier trial" not in body and "**Journal:**" not in body and "nct_id" not in body


def test_markdown_bad_front_matter_is_still_read(tmp_path: Path) -> None:
    text = (
        "---\ntitle: [unclosed\nyear: 2001\n---\n\n# A title line\n\nSome abstract text with 12 patients.\n"
    )
    doc = load_text(tmp_path, text)
    assert doc.format == "markdown"
    assert doc.metadata.title == "A title line"
    assert texts(doc, "abstract") == ["Some abstract text with 12 patients."]


def test_markdown_front_matter_is_safe_loaded(tmp_path: Path) -> None:
    text = "---\ntitle: !!python/object/apply:os.system ['echo hacked']\nyear: 2001\n---\n\nText.\n"
    doc = load_text(tmp_path, text)
    assert doc.format == "markdown"
    assert doc.metadata.title is None  # the unsafe tag makes safe_load refuse the front matter


CTGOV_VARIANT = """\
Imatinib and Chemotherapy for Children With Ph+ Acute Leukemia
The safety and scientific validity of this study is the responsibility of the study sponsor and investigators.
ClinicalTrials.gov Identifier: NCT99900003 |
Recruitment Status :
Active, not recruiting
First Posted : May 5, 2011
Results First Posted : June 1, 2018
Last Update Posted : July 2, 2019
|
- Study Details
- Tabular View
- Study Results
- Disclaimer
Brief Summary:
This randomized trial compares two imatinib schedules combined with chemotherapy.
Condition or disease | Intervention/treatment | Phase |
---|---|---|
Acute Lymphoblastic Leukemia | Drug: imatinib mesylate Drug: cytarabine | Phase 1 Phase 2 |
Study Type : | Interventional (Clinical Trial) |
Actual Enrollment : | 1,042 participants |
Allocation: | Randomized |
Intervention Model: | Parallel Assignment |
Masking: | Double (Participant, Investigator) |
Primary Purpose: | Treatment |
Arm | Intervention/treatment |
---|---|
Experimental: Arm A
Imatinib 340 mg/m2/day continuously. |
Drug: imatinib mesylate |
Primary Outcome Measures :
- Event-free survival [ Time Frame: 5 years ]
Secondary Outcome Measures :
- Overall survival [ Time Frame: 5 years ]
Eligibility Criteria
Ages Eligible for Study: | 1 Year to 21 Years (Child, Adult) |
Inclusion Criteria:
- Hemoglobin >= 9 g/dL
- Creatinine clearance >= 60 mL/min
Exclusion Criteria:
- Prior imatinib for more than 14 days
Contacts and Locations
Study Chair: | Jane Doe, MD | Example Children's Hospital |
Responsible Party: | Example Oncology Group |
"""


def test_ctgov_page_variant(tmp_path: Path) -> None:
    doc = load_text(tmp_path, CTGOV_VARIANT)
    meta = doc.metadata
    assert doc.format == "ctgov_page"
    assert meta.title == "Imatinib and Chemotherapy for Children With Ph+ Acute Leukemia"
    assert (meta.nct_id, meta.registry_status, meta.enrollment) == (
        "NCT99900003",
        "Active, not recruiting",
        1042,
    )
    assert meta.phase == "1/2"
    assert (meta.allocation, meta.masking, meta.results_posted) == (
        "Randomized",
        "Double (Participant, Investigator)",
        True,
    )
    registry = "\n".join(texts(doc, "registry", ""))
    assert "compares two imatinib schedules" in registry and "340 mg/m2/day" in registry
    assert "Event-free survival" in "\n".join(texts(doc, "registry", "outcome_measures"))
    (eligibility,) = texts(doc, "eligibility")
    assert "Creatinine clearance" in eligibility and "Prior imatinib" in eligibility
    body = content(doc)
    assert (
        "Hemoglobin" not in body and "Jane Doe" not in body and "safety and scientific validity" not in body
    )


def test_ctgov_estimated_enrollment_is_not_taken(tmp_path: Path) -> None:
    text = CTGOV_VARIANT.replace(
        "Actual Enrollment : | 1,042 participants |", "Estimated Enrollment : | 90 |"
    )
    assert load_text(tmp_path, text).metadata.enrollment is None


CATALOG_VARIANT = """\
Imatinib in Kaposi Sarcoma: A Pilot Study

Ten patients with AIDS-related Kaposi sarcoma received imatinib. Three patients had a partial ...

Full description

Saved in:
Bibliographic Details
Published in: Journal of Example Medicine 2010-05, Vol.12 (3), p.45-52
Main Authors: Okoye, Chidi ; Park, Min-Ji ; Rossi, Marco
Format: Article
Language: English
Subjects:
Online Access: Full text
Description
Summary: Ten patients with AIDS-related Kaposi sarcoma received imatinib. Three patients had a partial
response (30%) and two had stable disease.
ISSN: 1234-5678
DOI: 10.9999/jem.2010.003
"""


def test_catalog_record_english_variant(tmp_path: Path) -> None:
    doc = load_text(tmp_path, CATALOG_VARIANT)
    meta = doc.metadata
    assert doc.format == "catalog_record"
    assert meta.title == "Imatinib in Kaposi Sarcoma: A Pilot Study"
    assert (meta.journal, meta.year, meta.volume, meta.issue, meta.pages) == (
        "Journal of Example Medicine",
        2010,
        "12",
        "3",
        "45-52",
    )
    assert meta.authors == ("Okoye, Chidi", "Park, Min-Ji", "Rossi, Marco")
    assert (meta.language, meta.doi) == ("English", "10.9999/jem.2010.003")
    (abstract,) = texts(doc, "abstract")
    assert abstract.endswith("response (30%) and two had stable disease.")
    assert kind_at(doc, "Three patients had a partial ...") == "boilerplate"
    assert "1234-5678" not in content(doc)


def test_catalog_record_german_variant(tmp_path: Path) -> None:
    text = (
        "Imatinib bei Chordomen\n\nKurzer Anrisstext ...\n\nAusführliche Beschreibung\n\n"
        "Bibliographische Detailangaben\n"
        "Veröffentlicht in:Annals of Example Oncology 2009-11, Vol.20 (11), p.1886-1894\n"
        "Hauptverfasser: Müller, Hans, Schmidt, Eva Maria\nSprache:ger\n"
        "Zusammenfassung:Bei 56 Patienten wurde ein partielles Ansprechen in 1 Fall beobachtet.\n"
        "ISSN:0923-7534\nDOI:10.9999/annonc.mdp123.\n"
    )
    doc = load_text(tmp_path, text)
    meta = doc.metadata
    assert doc.format == "catalog_record"
    assert meta.authors == ("Müller, Hans", "Schmidt, Eva Maria")
    assert (meta.year, meta.volume, meta.issue, meta.pages, meta.language) == (
        2009,
        "20",
        "11",
        "1886-1894",
        "ger",
    )
    assert meta.doi == "10.9999/annonc.mdp123"
    assert texts(doc, "abstract") == [
        "Bei 56 Patienten wurde ein partielles Ansprechen in 1 Fall beobachtet."
    ]


def test_plain_text_fallback(tmp_path: Path) -> None:
    text = "Imatinib was given to 30 patients.\nNine responded (30%).\n\ndoi: 10.9999/plain.1.\n"
    doc = load_text(tmp_path, text)
    assert doc.format == "text"
    assert texts(doc, "body") == [text.strip()]
    assert doc.metadata.doi == "10.9999/plain.1"
    assert doc.metadata.title is None


@pytest.mark.parametrize(
    "text",
    [
        "Abstract\n\nThis is a note about an abstract with 5 patients.\n",
        "Send to a colleague: results were 10%.\n",
        "Summary: 3 of 10 responded.\nLanguage: English\nFormat: note\n",
    ],
)
def test_loose_cues_fall_back_to_text(tmp_path: Path, text: str) -> None:
    """A cue word or two is not enough to claim a structured format."""
    assert load_text(tmp_path, text).format == "text"


def test_ctgov_sections_are_found_by_cue_not_by_order(tmp_path: Path) -> None:
    """Contacts and eligibility before the study plan (the current site's order) still work."""
    text = """\
Adjuvant Imatinib After Resection of High-Risk GIST
ClinicalTrials.gov Identifier: NCT99900004 |
Recruitment Status : Completed
Last Update Posted : January 5, 2020
- Study Details
- No Results Posted
Brief Summary:
This study compares imatinib 400 mg daily for 3 years with 1 year.
Contacts and Locations
Study Chair: | Alex Roe, MD | Example Hospital |
Eligibility Criteria
Inclusion Criteria:
- Tumor size > 10 cm
Study Design
Study Type : | Interventional (Clinical Trial) |
Actual Enrollment : | 400 participants |
Allocation: | Randomized |
- Recurrence-free survival [ Time Frame: 5 years ]
"""
    doc = load_text(tmp_path, text)
    assert doc.format == "ctgov_page"
    assert (doc.metadata.enrollment, doc.metadata.allocation, doc.metadata.results_posted) == (
        400,
        "Randomized",
        False,
    )
    registry = "\n".join(texts(doc, "registry", ""))
    assert "imatinib 400 mg daily for 3 years" in registry and "400 participants" in registry
    assert texts(doc, "eligibility") == ["Eligibility Criteria\nInclusion Criteria:\n- Tumor size > 10 cm"]
    assert "Recurrence-free survival" in "\n".join(texts(doc, "registry", "outcome_measures"))
    assert "Alex Roe" not in content(doc)


def test_wrapped_abstract_line_starting_with_a_footer_word_stays_in_the_abstract(tmp_path: Path) -> None:
    text = """\
1. Example Leuk Res. 2009 Jan;33(1):10-5.

Imatinib loading doses in leukaemia.

Lee A, Kim B.

METHODS: Thirty patients received a
loading dose of 800 mg; outcomes were
cited by investigators as favourable.
RESULTS: Twenty patients (67%) responded.

PMID: 99900444 [Indexed for MEDLINE]
"""
    doc = load_text(tmp_path, text)
    (results,) = texts(doc, "abstract", "RESULTS")
    assert results == "RESULTS: Twenty patients (67%) responded."
    (methods,) = texts(doc, "abstract", "METHODS")
    assert "loading dose of 800 mg" in methods and "cited by investigators" in methods


def test_every_publication_types_list_is_read_when_two_follow_each_other() -> None:
    from imatinib_cli.load._pubmed_text import _publication_types_footer
    from imatinib_cli.load._text import split_lines

    text = "Publication types\nClinical Trial\nPublication types\nReview\n"
    assert _publication_types_footer(split_lines(text, 0, len(text)), 0) == ["Clinical Trial", "Review"]


def test_a_labelled_note_with_subjects_is_not_a_catalog_record() -> None:
    from imatinib_cli.load import catalog_record, load_bytes

    note = (
        "Title: Imatinib in advanced GIST\nAuthors: A. Author, B. Author\nSubjects: GIST; imatinib\n"
        "Abstract: Forty patients received imatinib 400 mg daily; 10 had a partial response.\n"
    )
    assert not catalog_record.sniff(note)
    assert load_bytes("note.txt", note.encode()).format != catalog_record.FORMAT


def test_a_line_that_is_one_word_of_a_linkout_category_does_not_end_an_abstract() -> None:
    from imatinib_cli.load._pubmed_text import FOOTER_RE

    assert FOOTER_RE.match("Medical") is None and FOOTER_RE.match("Miscellaneous") is None
    assert FOOTER_RE.match("LinkOut - more resources") is not None
