"""render: JSON values and table text from hand-built Reports (see conftest.py)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from conftest import EORTC, NEJM_CATALOG, NEJM_PUBMED, ROOT, make_report
from rich.console import Console

from imatinib_cli import __version__, render
from imatinib_cli.models import Comparison, Population, Quantity, Report, ResponseCount
from imatinib_cli.render import text

ANSI = re.compile(r"\x1b\[")
COLOR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7])(?:;[0-9;]*)?m")


def plain_console() -> Console:
    return Console(file=io.StringIO(), width=120, color_system=None)


def rendered(report: Report, *, evidence: bool = False) -> str:
    console = plain_console()
    render.print_summary(report, console, evidence=evidence)
    return console.file.getvalue()


def study_json(report: Report, study_id: str) -> dict:
    data = render.summary_json(report)
    return next(s for s in data["studies"] if s["id"] == study_id)


# --- JSON ----------------------------------------------------------------------------------------


def test_summary_json_header_and_documents(report: Report) -> None:
    data = render.summary_json(report)
    assert data["schema_version"] == "1.1"
    assert data["imx_version"] == __version__
    assert [d["path"] for d in data["documents"]][:2] == [EORTC, NEJM_PUBMED]
    statuses = {d["path"]: (d["status"], d["reason"]) for d in data["documents"]}
    assert statuses["inputs/scan.pdf"] == ("skipped", "PDF is not a supported format")
    assert statuses["inputs/broken.html"] == ("error", "not valid UTF-8 at byte 12")
    assert len(data["documents"][0]["sha256"]) == 64


def test_stated_counts_are_ints_and_percents_keep_their_decimal(report: Report) -> None:
    population = study_json(report, "doi:10.1056/NEJMoa020461")["populations"][0]
    pr = population["response"]["pr"]
    assert pr["count"] == 79 and type(pr["count"]) is int
    assert pr["percent"] == 53.7
    assert pr["derived"] is False and pr["derived_fields"] == [] and pr["derivation"] is None
    assert population["n"]["value"] == 147 and type(population["n"]["value"]) is int
    assert population["response"]["pd"] is None  # not stated, not derivable: null


def test_derived_values_are_flagged(report: Report) -> None:
    gist = study_json(report, "eortc-62005")["populations"][0]
    cr = gist["response"]["cr"]
    assert (cr["count"], cr["percent"]) == (1, 4.0)
    assert cr["derived"] is True and cr["derived_fields"] == ["count"]
    assert cr["derivation"] == "4% of 27 = 1.08, rounded to 1"
    orr = gist["response"]["orr"]
    assert orr["derived_fields"] == ["count", "percent"]
    assert orr["percent"] == 70.4  # 19/27 rounded to one decimal
    nejm_cr = study_json(report, "doi:10.1056/NEJMoa020461")["populations"][0]["response"]["cr"]
    assert nejm_cr["count"] == 0 and nejm_cr["derived_fields"] == ["percent"]


def test_pooled_arms_and_doses(report: Report) -> None:
    population = study_json(report, "doi:10.1056/NEJMoa020461")["populations"][0]
    assert population["pooled_arms"] is True
    assert population["doses_mg_per_day"] == [400, 600]
    assert all(type(v) is int for v in population["doses_mg_per_day"])
    assert population["doses"][0]["as_written"] == "400 mg"
    eortc = study_json(report, "eortc-62005")["populations"][0]
    assert eortc["doses_mg_per_day"] == [800] and eortc["doses"][0]["schedule"] == "bid"


def test_evidence_points_at_the_sentence_in_the_document(report: Report) -> None:
    pr = study_json(report, "doi:10.1056/NEJMoa020461")["populations"][0]["response"]["pr"]
    evidence = pr["evidence"]
    source = (ROOT / evidence["document"]).read_text(encoding="utf-8")
    assert source[evidence["start"] : evidence["end"]] == evidence["quote"]
    assert evidence["quote"].startswith("Overall, 79 patients (53.7 percent) had a partial")


def test_study_metadata_design_and_citation(report: Report) -> None:
    study = study_json(report, "doi:10.1056/NEJMoa020461")
    assert study["citation"] == (
        "Demetri GD et al. N Engl J Med. 2002;347(7):472-80. doi:10.1056/NEJMoa020461. PMID:12181401."
    )
    assert (study["doi"], study["pmid"], study["year"]) == ("10.1056/NEJMoa020461", "12181401", 2002)
    assert study["sources"] == [NEJM_PUBMED, NEJM_CATALOG]
    assert study["design"]["randomized"]["value"] is True
    assert study["design"]["single_arm"] is None
    assert study["n_enrolled"]["value"] == 147
    tox = study["toxicities"][0]
    assert (tox["term"], tox["percent"], tox["approximate"], tox["derived"]) == (
        "Gastrointestinal hemorrhage",
        5.0,
        True,
        False,
    )
    outcome = study["outcomes"][0]
    assert (outcome["kind"], outcome["value"], outcome["denominator"], outcome["derived"]) == (
        "early_resistance",
        20,
        147,
        True,
    )
    assert study["warnings"][0]["evidence"][0]["quote"] == "Vol.347 (7), p.472-480"


def test_registry_study_without_results(report: Report) -> None:
    study = study_json(report, "NCT00764595")
    assert study["nct"] == "NCT00764595"
    assert study["registry_status"] == "Completed" and study["results_posted"] is False
    assert study["populations"] == [] and study["toxicities"] == []
    assert study["design"]["phase"] == "Phase 2"
    assert study["design"]["evidence"][0]["quote"] == "Phase 2 |"
    assert study["citation"] == "NCT00764595."


def test_comparison_json(comparison: Comparison) -> None:
    data = render.comparison_json(comparison)
    assert data["by"] == "tumor-type"
    assert [row["kind"] for row in data["rows"]] == ["row", "row", "subtotal", "row", "subtotal", "total"]
    first = data["rows"][0]
    assert first["doses_mg_per_day"] == [400, 600] and first["pooled_arms"] is True
    assert (first["n"], first["responders"], first["orr_percent"]) == (147, 79, 53.7)
    assert data["rows"][2]["orr_percent"] == 56.3
    assert data["excluded"] == [{"study": "NCT00764595", "reason": "no results posted"}]


def test_write_json_is_one_document_with_unicode_kept() -> None:
    out = io.StringIO()
    render.write_json({"dash": "–", "n": 1}, out)
    assert out.getvalue() == '{\n  "dash": "–",\n  "n": 1\n}\n'


# --- text helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(4.0, "4"), (53.7, "53.7"), (4.7619, "4.8"), (0.0, "0"), (99.96, "100")]
)
def test_format_percent(value: float, expected: str) -> None:
    assert text.format_percent(value) == expected


def test_format_response_cells() -> None:
    def q(value: float, derived: bool = False) -> Quantity:
        return Quantity(value=value, evidence=None, derived=derived)

    assert text.format_response(None) == "–"
    assert text.format_response(ResponseCount("pr", q(79), q(53.7), "", None)) == "79 (53.7%)"
    assert text.format_response(ResponseCount("cr", q(1, True), q(4), "", None)) == "1* (4%)"
    assert text.format_response(ResponseCount("sd", None, q(18), "", None)) == "18%"
    assert text.format_response(ResponseCount("pd", q(3), None, "", None)) == "3"
    assert text.format_response(ResponseCount("orr", q(19), None, "", None, derived=True)) == "19*"


def test_population_doses_show_pooled_arms_and_unconverted_doses() -> None:
    from conftest import nejm_study

    pooled = nejm_study().populations[0]
    assert text.population_doses(pooled) == "400/600 (pooled arms)"
    assert text.population_doses(Population("x", None, None, None, None)) == "–"


def test_short_authors() -> None:
    assert text.short_authors(()) is None
    assert text.short_authors(("Heinrich MC",)) == "Heinrich MC"
    assert text.short_authors(("A", "B")) == "A, B"
    assert text.short_authors(("Demetri GD", "von Mehren M", "Blanke CD")) == "Demetri GD et al."


# --- tables --------------------------------------------------------------------------------------


def test_summary_table(report: Report) -> None:
    out = rendered(report)
    assert "Citation: Demetri GD et al. N Engl J Med. 2002;347(7):472-80." in out
    assert "Design: phase not stated · randomized · open-label · multicenter · N enrolled 147" in out
    assert "Design: Phase II · N enrolled 51" in out
    assert "400/600 (pooled arms)" in out
    row = next(line for line in out.splitlines() if "79 (53.7%)" in line)
    assert re.search(
        r"│\s+147 │\s+0 \(0%\*\) │\s+79 \(53\.7%\) │\s+41 \(27\.9%\) │\s+– │\s+7 \(4\.8%\) │", row
    )
    assert "1* (4%)" in out and "18* (67%)" in out and "19* (70.4%*)" in out
    assert "* derived from other stated numbers" in out
    assert "~5%" in out  # approximate toxicity
    assert "Registry: status Completed; no results posted" in out
    assert "Responses: no response data reported" in out
    assert "Sources: seeds/002_ab544946733a2db7.txt, seeds/004_1673242aef2fa753.txt" in out
    assert "Warning: the catalog record gives pages as 472-480" in out
    assert '"Overall, 79 patients' not in out  # quotes only with --evidence


def test_summary_evidence_lines(report: Report) -> None:
    out = rendered(report, evidence=True)
    pr = report.studies[1].populations[0].response("pr")
    assert pr is not None and pr.evidence is not None
    where = f"[{pr.evidence.document}:{pr.evidence.start}-{pr.evidence.end}]"
    assert (
        '  PR 79 (53.7%): "Overall, 79 patients (53.7 percent) had a partial response, 41 patients '
        "(27.9 percent) had stable disease, and for technical reasons, response could not be evaluated "
        f'in 7 patients (4.8 percent)." {where}'
    ) in out.splitlines()
    assert "  CR 1* (4%): " in out and "(derived: 4% of 27 = 1.08, rounded to 1)" in out
    assert '  multicenter: "OUTLINE: This is a multicenter study."' in out
    assert '  Anemia 92%: "The most frequent side-effects were anaemia (92%)' in out
    assert '  pfs_rate 73 %: "73% of GIST patients are free from progression at 1 year."' in out


def test_quotes_are_not_read_as_markup(report: Report) -> None:
    from dataclasses import replace

    from imatinib_cli.models import Evidence, Warning

    study = replace(
        report.studies[0],
        warnings=(Warning("odd [bold]text[/bold]", (Evidence("a.txt", 0, 5, "[Indexed for MEDLINE]"),)),),
    )
    out = rendered(Report(documents=(), studies=(study,)), evidence=True)
    assert "odd [bold]text[/bold]" in out
    assert '"[Indexed for MEDLINE]" [a.txt:0-5]' in out


def test_empty_report() -> None:
    assert rendered(Report(documents=(), studies=())) == "No studies found.\n"


def test_comparison_table(comparison: Comparison) -> None:
    console = plain_console()
    render.print_comparison(comparison, console)
    out = console.file.getvalue()
    assert "Objective response by tumor-type" in out
    assert re.search(r"GIST\s+│ Gastrointestinal\s+│ 400/600 \(pooled arms\) │", out)
    assert re.search(r"│ GIST\s+│ crude \(sum of\s+│ 400/600/800\s+│.*│ 174 │\s+98 │\s+56\.3 │", out)
    assert re.search(r"│ non-GIST │ crude \(sum of\s+│.*│\s+24 │\s+0 │\s+0\.0 │", out)
    assert re.search(r"│ all\s+│ total .*│ 198 │\s+98 │\s+49\.5 │", out)
    assert "Excluded studies\n  NCT00764595: no results posted\n" in out


def test_document_warnings(report: Report) -> None:
    console = plain_console()
    assert render.print_document_warnings(report, console) == 2
    assert console.file.getvalue().splitlines() == [
        "imx: warning: inputs/scan.pdf: PDF is not a supported format",
        "imx: warning: inputs/broken.html: not valid UTF-8 at byte 12",
    ]


# --- terminals, pipes and NO_COLOR ---------------------------------------------------------------


def test_no_escapes_when_not_a_terminal(report: Report) -> None:
    console = Console(file=io.StringIO(), width=120)  # a StringIO is not a terminal
    render.print_summary(report, console, evidence=True)
    assert not ANSI.search(console.file.getvalue())


def test_colors_on_a_terminal_but_not_with_no_color(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty = Console(file=io.StringIO(), width=120, force_terminal=True, color_system="standard")
    render.print_summary(report, tty, evidence=True)
    assert COLOR.search(tty.file.getvalue())

    monkeypatch.setenv("NO_COLOR", "1")
    no_color = Console(file=io.StringIO(), width=120, force_terminal=True, color_system="standard")
    render.print_summary(report, no_color, evidence=True)
    assert not COLOR.search(no_color.file.getvalue())


def test_stdout_console_in_a_pipe_reads_on_an_80_column_pager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert render.stdout_console().width == 80
    assert render.file_console(io.StringIO()).width == 80
    monkeypatch.setenv("COLUMNS", "90")
    assert render.stdout_console().width == 90
    assert render.file_console(io.StringIO()).width == 90


def test_render_never_prints_to_real_stdout(report: Report, capsys: pytest.CaptureFixture[str]) -> None:
    render.summary_json(report)
    render.comparison_json(Comparison(by="tumor-type", rows=()))
    assert capsys.readouterr() == ("", "")


def test_make_report_is_consistent() -> None:
    # Every fixture quote is the real slice of its seed file: the fixtures stay honest.
    for study in make_report().studies:
        for population in study.populations:
            for response in population.responses:
                if response.evidence:
                    source = (ROOT / response.evidence.document).read_text(encoding="utf-8")
                    ev = response.evidence
                    assert source[ev.start : ev.end] == ev.quote


def test_document_warnings_make_a_console_only_for_a_line() -> None:
    """A run with nothing to warn about never imports rich (~40 ms); the first line makes the console."""
    script = (
        "import sys\n"
        "from imatinib_cli.models import Document, Metadata\n"
        "from imatinib_cli.render import DocumentWarnings\n"
        "warnings = DocumentWarnings()\n"
        "ok = Document('a.txt', '0' * 64, 'text', 'body', Metadata())\n"
        "skipped = Document('b.pdf', '', 'pdf', '', Metadata(), status='skipped',\n"
        "                   reason='PDF is not a supported format')\n"
        "print(warnings.print(ok), any(m == 'rich' for m in sys.modules))\n"
        "print(warnings.print(skipped), any(m == 'rich' for m in sys.modules), warnings.printed)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False False", "True True 1"]
    assert done.stderr == "imx: warning: b.pdf: PDF is not a supported format\n"
