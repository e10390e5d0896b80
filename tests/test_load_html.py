"""Load stage: HTML pages (PubMed current and legacy, journal article pages, error pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imatinib_cli.load import load_paths
from imatinib_cli.models import Document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "load"
SHARED_ERROR_PAGE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "fixtures"
    / "html_ctgov_invalid_nct_id_error_page.html"
)
CONTENT_KINDS = frozenset(("title", "abstract", "body", "results", "registry"))


def load(path: Path) -> Document:
    (document,) = load_paths([str(path)])
    return document


def load_html(tmp_path: Path, html: str) -> Document:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return load(path)


def texts(document: Document, kind: str, label: str | None = None) -> list[str]:
    return [
        document.text[s.start : s.end]
        for s in document.sections
        if s.kind == kind and (label is None or s.label == label)
    ]


def content(document: Document) -> str:
    return "\n".join(document.text[s.start : s.end] for s in document.sections if s.kind in CONTENT_KINDS)


def test_pubmed_abstract_page() -> None:
    doc = load(FIXTURES / "pubmed_abstract.html")
    meta = doc.metadata
    assert (doc.status, doc.format) == ("ok", "html")
    assert meta.title == "Imatinib for recurrent chordoma: a multicentre phase II study"
    assert (meta.doi, meta.pmid, meta.year) == ("10.9999/example.2011.0042", "99900042", 2011)
    assert (meta.volume, meta.issue, meta.pages) == ("29", "8", "1001-9")
    assert meta.authors == ("Anna B Example", "Carlos D Sample")
    assert meta.publication_types == ("Clinical Trial",)
    assert texts(doc, "title") == ["Imatinib for recurrent chordoma: a multicentre phase II study"]
    labels = [s.label for s in doc.sections if s.kind == "abstract"]
    assert labels == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSION"]
    (results,) = texts(doc, "abstract", "RESULTS")
    assert results == (
        "Results: Fifty-six patients were enrolled. One patient (1.8%) had a partial response and 35 (62.5%) "
        "had stable disease."
    )
    body = content(doc)
    for chrome in (
        "Skip to main page content",
        "official website",
        "NCBI Homepage",
        "Send to",
        "52% response",
        "PubMed Disclaimer",
        "Keywords",
        "Support Center",
        "window.ncbi",
        "font-size",
    ):
        assert chrome not in body
    assert "window.ncbi" not in doc.text and "font-size" not in doc.text  # scripts and styles are dropped
    assert "NCBI Homepage" not in doc.text  # navigation is dropped


def test_journal_article_page_with_citation_meta() -> None:
    doc = load(FIXTURES / "journal_article.html")
    meta = doc.metadata
    assert (doc.status, doc.format) == ("ok", "html")
    assert meta.title == (
        "Imatinib rechallenge after failure of later-line therapy in advanced GIST: "
        "a randomised phase 3 trial"
    )
    assert meta.authors == ("Kim, Jae-Won", "Okafor, Ngozi", "Lindqvist, Erik")
    assert (meta.journal, meta.year, meta.volume, meta.issue, meta.pages) == (
        "Example Oncology Reports",
        2013,
        "14",
        "11",
        "1175-1182",
    )
    assert (meta.doi, meta.language) == ("10.9999/eor.2013.0177", "en")
    (abstract,) = texts(doc, "abstract")
    assert "Median progression-free survival was 1.8 months" in abstract
    assert texts(doc, "results") == [
        "Results\nDisease control at 12 weeks was 32% with imatinib versus 5% with placebo."
    ]
    body = "\n".join(texts(doc, "body"))
    assert "Rechallenge is a reasonable option." in body
    everything = content(doc)
    assert "Earlier" not in everything and "472-80" not in everything  # references are back matter
    assert (
        "7% response" not in everything
        and "Subscribe" not in everything
        and "rights reserved" not in everything
    )


def test_legacy_pubmed_page() -> None:
    doc = load(FIXTURES / "legacy_pubmed.html")
    meta = doc.metadata
    assert (doc.status, doc.format) == ("ok", "html")
    assert meta.title == "Imatinib in desmoid tumours: results of a phase II trial."
    assert (meta.journal, meta.year, meta.volume, meta.issue, meta.pages) == (
        "Example J Surg Oncol",
        2006,
        "93",
        "7",
        "555-61",
    )
    assert (meta.pmid, meta.doi) == ("99900777", "10.9999/jso.20560")
    assert meta.authors == ("Moreau L", "Tanaka H", "Brown K")
    (abstract,) = texts(doc, "abstract")
    assert "Three patients (7.5%) achieved a partial response" in abstract
    everything = content(doc)
    assert (
        "Paris" not in everything and "Display Settings" not in everything and "Help Desk" not in everything
    )


def test_clinicaltrials_error_page_is_skipped() -> None:
    if not SHARED_ERROR_PAGE.exists():
        pytest.skip("shared fixtures not available")
    doc = load(SHARED_ERROR_PAGE)
    assert (doc.status, doc.format, doc.text) == ("skipped", "html", "")
    assert doc.reason is not None and doc.reason.startswith("error page:")
    assert "An Error Has Occurred" in doc.reason


@pytest.mark.parametrize(
    "heading",
    ["404 Not Found", "Page not found", "Access Denied", "Error", "503", "HTTP 500 - Internal Server Error"],
)
def test_generic_error_pages_are_skipped(tmp_path: Path, heading: str) -> None:
    html = (
        f"<html><head><title>{heading}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<h1>{heading}</h1><p>The requested page could not be found.</p></body></html>"
    )
    doc = load_html(tmp_path, html)
    assert doc.status == "skipped" and heading in (doc.reason or "")


def test_article_titled_with_error_word_is_not_an_error_page(tmp_path: Path) -> None:
    html = (
        "<html><head><meta name='citation_title' content='Error rates in imatinib dosing'>"
        "<meta name='citation_doi' content='10.9999/err.1'></head>"
        "<body><h1>Error rates in imatinib dosing</h1><p>We audited 300 prescriptions.</p></body></html>"
    )
    doc = load_html(tmp_path, html)
    assert doc.status == "ok"
    assert texts(doc, "title") == ["Error rates in imatinib dosing"]
    assert texts(doc, "body") == ["We audited 300 prescriptions."]


def test_page_without_markup_cues_is_all_body(tmp_path: Path) -> None:
    html = (
        "<html><body><div><p>Imatinib    was given\n to 12 patients.</p>"
        "<p>Four responded.</p></div></body></html>"
    )
    doc = load_html(tmp_path, html)
    assert doc.text == "Imatinib was given to 12 patients.\nFour responded."
    assert texts(doc, "body") == [doc.text]


def test_abstract_found_by_heading_and_dublin_core_meta(tmp_path: Path) -> None:
    html = """<html><head>
      <meta name="DC.title" content="Imatinib in mastocytosis">
      <meta name="DC.creator" content="Lee, A"><meta name="DC.creator" content="Patel, R">
      <meta name="DC.date" content="2004-07-01"><meta name="DC.identifier" content="doi:10.9999/dc.77.">
      </head><body><h2>Abstract</h2><p>Ten patients; 3 responded.</p>
      <h2>Introduction</h2><p>More.</p></body></html>"""
    doc = load_html(tmp_path, html)
    meta = doc.metadata
    assert (meta.title, meta.year, meta.doi) == ("Imatinib in mastocytosis", 2004, "10.9999/dc.77")
    assert meta.authors == ("Lee, A", "Patel, R")
    assert texts(doc, "abstract") == ["Ten patients; 3 responded."]
    assert texts(doc, "title") == ["Imatinib in mastocytosis"]  # not on the page: prepended to the text
    assert doc.text.startswith("Imatinib in mastocytosis\n")


@pytest.mark.parametrize("name", ["pubmed_abstract.html", "journal_article.html", "legacy_pubmed.html"])
def test_beautifulsoup_fallback_reads_like_lxml(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tree BeautifulSoup's html.parser gives (for pages lxml refuses) makes the same Document."""
    from imatinib_cli.load import html_page

    expected = load(FIXTURES / name)
    monkeypatch.setattr(html_page, "_parse", lambda text, data: (html_page._soup_tree(text), True))
    fallback = load(FIXTURES / name)
    assert fallback == expected
    assert fallback.status == "ok" and fallback.metadata.title


def test_lone_surrogate_is_read_through_the_fallback() -> None:
    from imatinib_cli.load import html_page

    text = (
        "<html><head><title>Imatinib \ud800 in GIST</title></head>"
        "<body><p>5 of 9 responded.</p></body></html>"
    )
    doc = html_page.read("page.html", "0" * 64, text)
    assert doc.status == "ok"
    assert doc.metadata.title == "Imatinib \ufffd in GIST"
    assert "5 of 9 responded." in doc.text


def test_markup_after_closing_html_is_kept(tmp_path: Path) -> None:
    """lxml puts it in further top-level elements; their meta tags count (the text is the <body>'s)."""
    html = (
        "<html><head><title>Imatinib in GIST</title></head><body><p>First part.</p></body></html>"
        '<meta name="citation_doi" content="10.9999/after.1"><p>Appended.</p>'
    )
    doc = load_html(tmp_path, html)
    assert doc.metadata.doi == "10.9999/after.1"
    assert doc.text == "Imatinib in GIST\nFirst part."


def test_xml_declaration_with_encoding_in_decoded_text(tmp_path: Path) -> None:
    """lxml refuses a str with an encoding declaration; the reader hands it UTF-8 bytes instead."""
    path = tmp_path / "page.html"
    html = (
        '<?xml version="1.0" encoding="koi8-r"?>\n<!DOCTYPE html><html><head><title>Иматиниб</title>'
        "</head><body><p>Иматиниб 400 мг: 5 из 9.</p></body></html>"
    )
    path.write_bytes(html.encode("koi8-r"))
    doc = load(path)
    assert doc.metadata.title == "Иматиниб"
    assert "Иматиниб 400 мг: 5 из 9." in doc.text


def test_strings_in_ruby_text_and_scripts_are_not_text(tmp_path: Path) -> None:
    html = (
        "<html><body><h1>Imatinib<rt>im</rt> study<script>var x = 1;</script></h1>"
        "<p>Five <!-- note -->patients<rp>(</rp> responded.</p></body></html>"
    )
    doc = load_html(tmp_path, html)
    assert doc.text == "Imatinib study\nFive patients responded."
    assert doc.metadata.title == "Imatinib study"


def test_deeply_nested_html_does_not_recurse(tmp_path: Path) -> None:
    html = "<html><body>" + "<div>" * 3000 + "<p>Deep text 5%.</p>" + "</div>" * 3000 + "</body></html>"
    doc = load_html(tmp_path, html)
    assert doc.status == "ok"
    assert "Deep text 5%." in doc.text


def test_non_utf8_html_uses_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    html = '<html><head><meta charset="iso-8859-2"></head><body><p>Łódź: 12 chorych</p></body></html>'
    path.write_bytes(html.encode("iso-8859-2"))
    doc = load(path)
    assert "Łódź: 12 chorych" in doc.text


def test_short_page_starting_with_a_dose_is_not_an_error_page(tmp_path: Path) -> None:
    html = (
        "<html><head><title>400 mg imatinib in GIST</title></head>"
        "<body><p>Short note: 5 of 9 responded.</p></body></html>"
    )
    doc = load_html(tmp_path, html)
    assert doc.status == "ok"
    assert texts(doc, "title") == ["400 mg imatinib in GIST"]


def test_site_name_heading_is_not_taken_as_the_title(tmp_path: Path) -> None:
    html = """<html><head><meta name="citation_title" content="Imatinib in chordoma.">
      <meta name="citation_pmid" content="PMID: 99900999"></head>
      <body><h1>Example Journal Online</h1><article><h2>Imatinib in chordoma</h2>
      <section class="abstract"><p>Eight of 50 patients responded.</p></section></article></body></html>"""
    doc = load_html(tmp_path, html)
    assert doc.metadata.pmid == "99900999"
    assert texts(doc, "title") == ["Imatinib in chordoma"]
    assert "Example Journal Online" not in content(doc)


def test_entities_declared_in_html_are_not_expanded(tmp_path: Path) -> None:
    html = (
        '<!DOCTYPE x [<!ENTITY lol "lolololol"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<html><body><p>Imatinib &lol; &xxe; 5 of 9.</p></body></html>"
    )
    doc = load_html(tmp_path, html)
    assert doc.status == "ok"
    assert doc.text.endswith("Imatinib &lol; &xxe; 5 of 9.")
    assert "lolololol" not in doc.text and "root:" not in doc.text
