"""`imx report`: the HTML page's content, self-containment and escaping, without a browser.

The real pipeline runs on seeds/ (and on a hostile document written here); the page is parsed with
the standard library's HTMLParser. tests/test_report_browser.py loads the same page in Chromium.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from imatinib_cli import pipeline
from imatinib_cli.cli import app
from imatinib_cli.models import RESPONSE_CATEGORIES, Report
from imatinib_cli.render import text
from imatinib_cli.render.report import CRUDE_LABEL, POOLED_LABEL, forest_svg, report_html

runner = CliRunner()
HOSTILE = (
    "Imatinib for advanced gastrointestinal stromal tumors: a <script>alert(1)</script> phase II trial\n\n"
    "Forty patients with gastrointestinal stromal tumor received imatinib 400 mg daily "
    '<img src="http://evil.example/x.png" onerror="alert(2)">. Ten patients had a partial response '
    '</td></table><iframe src="https://evil.example/"></iframe> and two had a complete response.\n'
)


class _Page(HTMLParser):
    """Tags, attributes, visible text and the text of each id'd footnote, as a browser would parse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.style = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.style += data
        elif not (self._in and self._in[-1] in ("title", "script")):
            self.text.append(data)

    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def seeds_page() -> tuple[Report, str]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        report, by_tumor, by_study = pipeline.report(["seeds/"], jobs=1, store=None)
        return report, report_html(report, by_tumor, by_study, link_base=ROOT)
    finally:
        os.chdir(cwd)


def expected_values(report: Report) -> list[str]:
    """Every population label and every number the summary shows for it, as the tables print them."""
    values = []
    for study in report.studies:
        values.append(study.id)
        for population in study.populations:
            values.append(population.label)
            values.append(text.format_quantity(population.n))
            for category in RESPONSE_CATEGORIES:
                values.append(text.format_response(population.response(category)))
    return [v for v in values if v != text.DASH]


def test_every_study_population_and_number_is_in_the_page(seeds_page: tuple[Report, str]) -> None:
    report, page = seeds_page
    visible = parse(page).visible()
    assert len(report.studies) == 4
    for value in expected_values(report):
        assert value in visible, value
    # The seeds' own numbers, as `imx summarize seeds/` prints them.
    for value in ("146*", "13* (8.9%)", "19* (71%*)", "79 (53.7%)", "41 (27.9%)", "1* (4%)", "18* (67%)"):
        assert value in visible, value
    for study_id in ("DOI:10.1158/1078-0432.CCR-07-4575", "PMID:12181401", "NCT00764595"):
        assert study_id in visible


def test_comparison_rows_keep_derived_markers_and_honest_labels(seeds_page: tuple[Report, str]) -> None:
    _, page = seeds_page
    visible = parse(page).visible()
    # GIST: 79/147 (PMID:12181401, ORR derived from CR 0 + PR 79) and 19*/27 (counts from percents).
    for value in ("147", "79*", "27", "19*", "98*", "210*", "24*"):  # N and responders, derived marked
        assert f'">{value}</span>' in page, value
    assert f"{CRUDE_LABEL} 400/600/800" in visible
    assert "174" in visible and "98*" in visible and "56.3" in visible and "48.6–63.8" in visible
    assert f"GIST, {POOLED_LABEL}" in visible and "59.9 (43.4–74.5)" in visible
    assert f"non-GIST, {POOLED_LABEL}" in visible and "12.1 (3.7–32.8)" in visible
    assert "Test for subgroup differences (GIST vs non-GIST): Q = 10.66, df = 1, p = 0.001" in visible
    assert "NCT00764595: registered study without posted results" in visible
    assert "crude rate adds every population" in visible


def test_every_number_carries_its_quote_and_a_footnote(seeds_page: tuple[Report, str]) -> None:
    report, page = seeds_page
    parser = parse(page)
    notes = {a["id"]: a for tag, a in parser.tags if tag == "li" and (a.get("id") or "").startswith("fn-")}
    values = [a for tag, a in parser.tags if tag == "span" and a.get("class") in ("v", "w")]
    refs = [a["href"] for tag, a in parser.tags if tag == "a" and (a.get("href") or "").startswith("#fn-")]
    assert len(values) > 60 and len(notes) == 29  # one per quoted sentence
    assert {ref[1:] for ref in refs} == set(notes)  # every footnote is cited, every citation exists
    assert all(a.get("title") for a in values)
    # The quote of the PR count of the advanced GIST population is both on hover and in a footnote.
    population = next(s for s in report.studies if s.id == "PMID:12181401").populations[0]
    quote = text.one_line(population.response("pr").evidence.quote)
    assert any(quote in (a["title"] or "") for a in values)
    assert quote in parser.visible()
    # Footnotes link to the documents, relative to the report's folder (here the project root).
    links = [a["href"] for tag, a in parser.tags if tag == "a" and (a.get("href") or "").startswith("seeds/")]
    assert links and all((ROOT / unquote(link)).is_file() for link in links)
    assert re.search(r"seeds/001_c0d7af0a8ff736a2\.txt</a>, characters \d+–\d+", page)


def test_page_is_self_contained(seeds_page: tuple[Report, str]) -> None:
    _, page = seeds_page
    parser = parse(page)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {
        "script",
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "audio",
        "video",
        "source",
        "base",
    }
    assert not any(name in ("src", "srcset", "background") for _, attrs in parser.tags for name in attrs)
    assert "url(" not in parser.style and "@import" not in parser.style and "@font-face" not in parser.style
    csp = [a["content"] for tag, a in parser.tags if tag == "meta" and a.get("http-equiv")]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    # The only absolute links are the study records' pages, built from their identifiers.
    external = [a["href"] for tag, a in parser.tags if tag == "a" and "://" in (a.get("href") or "")]
    assert external and all(
        href.startswith(
            ("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/", "https://clinicaltrials.gov/")
        )
        for href in external
    )
    assert "@media print" in parser.style


def test_forest_plot_is_inline_svg_with_a_mark_per_population(seeds_page: tuple[Report, str]) -> None:
    _, page = seeds_page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert len(re.findall(r'<rect id="imx-row-\d+"', svg)) == 5  # five countable study populations
    assert len(re.findall(r'<line id="imx-ci-\d+"', svg)) == 5
    assert len(re.findall(r'<polygon id="imx-pooled-\d+"', svg)) == 2  # GIST and non-GIST
    assert "53.7 (45.3–62.0)  79*/147" in svg and "GIST, random effects (k = 2)" in svg
    # derived counts keep their mark beside the plot, as in the tables; the diamonds are named
    # as the compare table names them
    assert "0.0 (0.0–14.2)  0/24" in svg and "12.1 (3.7–32.8)  24*/210*  I² 82%" in svg
    assert "non-GIST, random effects (k = 3)" in svg and "pooled (k" not in svg


def test_document_markup_is_shown_as_text_never_run(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / 'trial <b>x&"y.txt').write_text(HOSTILE, encoding="utf-8")
    report, by_tumor, by_study = pipeline.report([str(folder)], jobs=1, store=None)
    page = report_html(report, by_tumor, by_study, link_base=tmp_path)
    parser = parse(page)
    assert {tag for tag, _ in parser.tags}.isdisjoint({"script", "img", "iframe", "b"})
    assert "evil.example" not in " ".join(
        v or "" for _, attrs in parser.tags for k, v in attrs.items() if k != "title"
    )
    visible = parser.visible()
    assert "a <script>alert(1)</script> phase II trial" in visible  # the title, as written
    assert '<img src="http://evil.example/x.png" onerror="alert(2)">' in visible  # in the footnotes
    assert "10 (25%*)" in visible and "2 (5%*)" in visible
    # The link to the file is percent-quoted, relative, and names the file.
    link = next(
        a["href"] for tag, a in parser.tags if tag == "a" and (a.get("href") or "").startswith("docs/")
    )
    assert link == "docs/trial%20%3Cb%3Ex%26%22y.txt" and (tmp_path / unquote(link)).is_file()


def test_forest_svg_with_nothing_to_plot() -> None:
    from imatinib_cli.models import Comparison

    assert forest_svg(Comparison(by="study", rows=())) == "<p>No study population to plot.</p>"


def test_cli_writes_the_report_and_keeps_startup_lazy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "seeds/", "-o", str(target), "--no-cache", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<article class="study"') == 4
    # Links are relative to the report's folder, so they reach seeds/ from tmp_path.
    href = re.search(r'<a href="([^"#]*seeds/002_ab544946733a2db7\.txt)"', page)
    assert href and (tmp_path / unquote(href.group(1))).resolve() == ROOT / "seeds/002_ab544946733a2db7.txt"
    result = runner.invoke(app, ["report", "seeds/", "--no-cache", "--jobs", "1", "--ci", "wilson"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "95% CI Wilson score" in result.stdout
    assert runner.invoke(app, ["report", "seeds/", "-o", str(tmp_path)]).exit_code == 2  # a folder
    code = "import sys, imatinib_cli.cli; print([m for m in sys.modules if 'render' in m or 'pipe' in m])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
