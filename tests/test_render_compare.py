"""render for `imx compare`: JSON 1.1, the table with intervals and text bars, pooled estimates,
CSV, Markdown and the forest plot, from the hand-built Comparisons in conftest.py.

The numbers in the fixtures are real: Clopper-Pearson 95% intervals of the seeds' counts (79/147 ->
45.3-62.0, 19/27 -> 49.8-86.2, 0/24 -> 0.0-14.2) and DerSimonian-Laird pooling on the logit scale.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import NEJM_PUBMED, load_schema, make_comparison, strict
from rich.console import Console

from imatinib_cli import __version__, render
from imatinib_cli.errors import UsageError
from imatinib_cli.models import Comparison, ComparisonRow
from imatinib_cli.render import plot, text
from imatinib_cli.render.markdown import pipe_table

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OLD_ROW_KEYS = {
    "kind",
    "tumor_group",
    "tumor_type",
    "tumor_name",
    "doses_mg_per_day",
    "pooled_arms",
    "studies",
    "n",
    "responders",
    "orr_percent",
}


def validated(comparison: Comparison) -> dict:
    """The JSON as a pipe would receive it, checked against the strict schema."""
    data = json.loads(json.dumps(render.comparison_json(comparison), ensure_ascii=False))
    jsonschema.Draft202012Validator(strict(load_schema("compare"))).validate(data)
    return data


def table_text(comparison: Comparison, width: int = 140) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    render.print_comparison(comparison, console)
    return console.file.getvalue()


def csv_records(comparison: Comparison) -> list[dict[str, str]]:
    out = io.StringIO()
    render.write_csv(comparison, out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def markdown_table(markdown: str) -> list[list[str]]:
    """Parse the first pipe table of a Markdown text, checking it is well formed; rows of cells."""
    lines = markdown.split("\n\n", 1)[0].splitlines()
    assert len(lines) >= 2
    rows = []
    for line in lines:
        assert line.startswith("| ") and line.endswith(" |"), line
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line[1:-1])]
        rows.append(cells)
    header, separator, *body = rows
    assert all(re.fullmatch(r"-{3,}:?", cell) for cell in separator), separator
    assert all(len(row) == len(header) for row in [separator, *body])
    return [header, *body]


# --- JSON ----------------------------------------------------------------------------------------


def test_json_of_every_view_validates(
    interval_comparison: Comparison, study_comparison: Comparison, toxicity_comparison: Comparison
) -> None:
    for comparison in (make_comparison(), interval_comparison, study_comparison, toxicity_comparison):
        data = validated(comparison)
        assert data["schema_version"] == "1.3" and data["imx_version"] == __version__
        assert data["by"] == comparison.by


def test_json_keeps_every_1_0_key_and_adds_intervals(interval_comparison: Comparison) -> None:
    data = validated(interval_comparison)
    first = data["rows"][0]
    assert set(first) >= OLD_ROW_KEYS
    assert (first["n"], first["responders"], first["orr_percent"]) == (147, 79, 53.7)
    assert (first["ci_low"], first["ci_high"]) == (45.3, 62.0)
    sts = data["rows"][3]
    assert (sts["tumor_type"], sts["responders"], sts["n"], sts["ci_low"], sts["ci_high"]) == (
        "STS",
        0,
        24,
        0.0,
        14.2,
    )
    assert data["excluded"] == [{"study": "NCT00764595", "reason": "no results posted"}]
    assert data["notes"] == [
        "Groups with fewer than three study populations give unreliable heterogeneity estimates."
    ]


def test_json_method_pooled_and_subgroup_test(interval_comparison: Comparison) -> None:
    data = validated(interval_comparison)
    assert data["method"]["ci"] == "exact" and data["method"]["level"] == 0.95
    assert data["method"]["transform"] == "logit"
    assert "DerSimonian-Laird" in data["method"]["pooling"] and "logit" in data["method"]["pooling"]
    gist, non_gist = data["pooled"]
    assert (gist["group"], gist["k"], gist["events"], gist["n"]) == ("GIST", 2, 98, 174)
    assert (gist["estimate"], gist["ci_low"], gist["ci_high"]) == (59.9, 43.4, 74.5)
    assert round(gist["i2"], 1) == 59.9 and round(gist["tau2"], 4) == 0.1532
    assert (round(gist["q"], 2), gist["q_df"], round(gist["q_p"], 3)) == (2.49, 1, 0.114)
    assert gist["note"] == "k < 3: heterogeneity estimates are unreliable"
    assert non_gist["k"] == 1 and non_gist["tau2"] is None and non_gist["i2"] is None
    test = data["subgroup_test"]
    assert test["groups"] == ["GIST", "non-GIST"] and test["df"] == 1
    assert round(test["q_between"], 2) == 8.55 and round(test["p"], 4) == 0.0035


def test_json_without_pooling_has_nulls(comparison: Comparison) -> None:
    data = validated(comparison)
    assert data["pooled"] == [] and data["subgroup_test"] is None and data["toxicity_rows"] == []
    assert data["method"]["pooling"] is None
    assert data["rows"][0]["label"] == "" and data["rows"][0]["ci_low"] is None


def test_json_study_view_carries_labels_and_evidence(study_comparison: Comparison) -> None:
    data = validated(study_comparison)
    labels = [row["label"] for row in data["rows"]]
    assert labels == [
        "doi:10.1056/NEJMoa020461 / GIST (400 or 600 mg/day)",
        "eortc-62005 / GIST",
        "eortc-62005 / other STS",
    ]
    evidence = data["rows"][0]["evidence"][0]
    assert evidence["document"] == NEJM_PUBMED
    assert text.one_line(evidence["quote"]).startswith("Overall, 79 patients (53.7 percent) had a partial")


def test_json_toxicity_view(toxicity_comparison: Comparison) -> None:
    data = validated(toxicity_comparison)
    assert data["rows"] == [] and data["pooled"] == []
    anemia = next(row for row in data["toxicity_rows"] if row["term"] == "Anemia")
    assert anemia["max_percent"] == 92 and anemia["doses_mg_per_day"] == [800]
    assert anemia["studies"] == ["eortc-62005"] and anemia["reports"] == 1
    assert "anaemia" in anemia["evidence"][0]["quote"]
    assert "not pooled" in data["notes"][0]


def test_schema_rejects_an_unknown_grouping_and_a_string_interval(interval_comparison: Comparison) -> None:
    validator = jsonschema.Draft202012Validator(strict(load_schema("compare")))
    data = validated(interval_comparison)
    data["by"] = "country"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)
    data = validated(interval_comparison)
    data["rows"][0]["ci_low"] = "45.3"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)


# --- text helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("estimate", "low", "high", "bar"),
    [
        (53.7, 45.3, 62.0, "     ●─    "),
        (70.4, 49.8, 86.2, "     ──●── "),
        (0.0, 0.0, 14.2, "●─         "),
        (100.0, 86.0, 100.0, "         ─●"),
        (30.0, None, None, "   ●       "),
        (None, None, None, "           "),
    ],
)
def test_text_bar(estimate: float | None, low: float | None, high: float | None, bar: str) -> None:
    assert text.text_bar(estimate, low, high) == bar
    assert len(text.bar_scale()) == len(bar) == text.BAR_WIDTH


def test_number_formats() -> None:
    assert text.format_estimate(53.7, 45.3, 62.0) == "53.7 (45.3–62.0)"
    assert text.format_interval(None, 1.0) == text.DASH
    assert (text.format_p(0.0004), text.format_p(0.11426)) == ("< 0.001", "0.114")
    assert text.level_percent(0.95) == "95%" and text.level_percent(0.975) == "97.5%"


# --- table ---------------------------------------------------------------------------------------


def test_table_rows_have_intervals_and_bars(interval_comparison: Comparison) -> None:
    out = table_text(interval_comparison)
    assert re.search(r"│ 147 │\s+79 │\s+53\.7 │ 45\.3–62\.0 │ \s*●─\s*│", out)
    assert re.search(r"│\s+24 │\s+0 │\s+0\.0 │\s+0\.0–14\.2 │ ●─\s+│", out)
    assert "95% CI exact (Clopper-Pearson)" in out
    assert text.bar_scale() in out


def test_table_drops_the_bars_on_a_narrow_console(interval_comparison: Comparison) -> None:
    out = table_text(interval_comparison, width=100)
    assert "45.3–62.0" in out and "●─" not in out and text.bar_scale() not in out


def test_table_pooled_estimates_with_method_and_heterogeneity(interval_comparison: Comparison) -> None:
    out = table_text(interval_comparison)
    assert "Pooled estimates" in out
    assert re.search(r"│ GIST\s+│ 2 │\s+98 / 174 │\s+59\.9 \(43\.4–74\.5\) │ .*◆.*│ 0\.1532 │ 59\.9 │", out)
    assert "2.49 (1, p = 0.114)" in out
    assert "  GIST: k < 3: heterogeneity estimates are unreliable\n" in out
    assert "  non-GIST: k = 1: no pooling, the study's own estimate\n" in out
    method = " ".join(out.split())
    assert "Method: random effects (inverse variance, DerSimonian-Laird tau²) on the logit scale" in method
    assert "rows: 95% CI exact (Clopper-Pearson)" in method
    assert (
        "Test for subgroup differences (GIST vs non-GIST): Q = 8.55, df = 1, p = 0.003 "
        "(Q test for subgroup differences)"
    ) in out
    assert "Excluded studies\n  NCT00764595: no results posted\n" in out
    assert "Notes\n  Groups with fewer than three study populations" in out


def test_subgroup_line_does_not_repeat_the_test_name(interval_comparison: Comparison) -> None:
    test = dataclasses.replace(
        interval_comparison.subgroup_test, method="test for subgroup differences: Cochran's Q between groups"
    )
    out = table_text(dataclasses.replace(interval_comparison, subgroup_test=test))
    assert "p = 0.003 (Cochran's Q between groups)\n" in out


def test_table_names_a_wilson_interval_and_its_level(interval_comparison: Comparison) -> None:
    wilson = dataclasses.replace(interval_comparison, ci_method="wilson", level=0.9)
    out = table_text(wilson)
    assert "90% CI Wilson score" in out and "Random effects % (90% CI)" in out


def test_table_pooled_note_when_analyze_gives_none(interval_comparison: Comparison) -> None:
    pooled = tuple(dataclasses.replace(p, note=None) for p in interval_comparison.pooled)
    out = table_text(dataclasses.replace(interval_comparison, pooled=pooled))
    assert "  GIST: k = 2 < 3: tau², I² and Q are unreliable\n" in out
    assert "non-GIST: k = 1 < 3" in out


def test_table_study_view_shows_the_population(study_comparison: Comparison) -> None:
    out = table_text(study_comparison)
    assert "Objective response by study" in out and "Study population" in out
    assert "eortc-62005 / other STS" in out


def test_table_toxicity_view(toxicity_comparison: Comparison) -> None:
    out = table_text(toxicity_comparison)
    assert "Toxicities by tumor group and dose" in out
    assert re.search(r"│ Anemia\s+│ Blood and\s+│ GIST \+ non-GIST │ 800\s+│\s+92 │", out)
    assert "frequencies are not pooled where the denominator is unknown" in out
    assert "Pooled estimates" not in out


def test_table_without_rows() -> None:
    out = table_text(Comparison(by="study", rows=(), excluded=(("NCT1", "no results posted"),)))
    assert "No study population with a stated N and number of responders." in out
    assert "NCT1: no results posted" in out


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_study_view_one_record_per_study_population(study_comparison: Comparison) -> None:
    records = csv_records(study_comparison)
    rows = [r for r in records if r["kind"] == "row"]
    assert [(r["study"], r["events"], r["n"]) for r in rows] == [
        ("doi:10.1056/NEJMoa020461", "79", "147"),
        ("eortc-62005", "19", "27"),
        ("eortc-62005", "0", "24"),
    ]
    nejm = rows[0]
    assert (nejm["proportion"], nejm["ci_low"], nejm["ci_high"]) == ("0.5374", "0.453", "0.62")
    assert nejm["doses_mg_per_day"] == "400;600" and nejm["pooled_arms"] == "true"
    assert nejm["tumor_group"] == "GIST" and nejm["tumor_type"] == "GIST"
    assert nejm["ci_method"] == "exact" and nejm["level"] == "0.95"
    assert nejm["evidence"].startswith("Overall, 79 patients (53.7 percent) had a partial response")
    assert nejm["source"].startswith(f"{NEJM_PUBMED}:")
    assert (rows[2]["proportion"], rows[2]["ci_low"], rows[2]["ci_high"]) == ("0", "0", "0.142")


def test_csv_marks_pooled_records(study_comparison: Comparison) -> None:
    pooled = [r for r in csv_records(study_comparison) if r["kind"] == "pooled"]
    assert [(r["label"], r["tumor_group"], r["events"], r["n"], r["k"]) for r in pooled] == [
        ("GIST random effects (k=2)", "GIST", "98", "174", "2"),
        ("non-GIST random effects (k=1)", "non-GIST", "0", "24", "1"),
    ]
    assert (pooled[0]["proportion"], pooled[0]["ci_low"], pooled[0]["ci_high"]) == ("0.599", "0.434", "0.745")
    assert pooled[0]["i2"] == "59.9" and pooled[0]["tau2"] == "0.153156"
    assert "DerSimonian-Laird" in pooled[0]["ci_method"]
    assert pooled[1]["i2"] == "" and pooled[1]["study"] == ""


def test_csv_tumor_type_view_exports_the_rows_as_shown(interval_comparison: Comparison) -> None:
    records = csv_records(interval_comparison)
    assert [r["kind"] for r in records] == [
        "row",
        "row",
        "subtotal",
        "row",
        "subtotal",
        "total",
        "pooled",
        "pooled",
    ]
    subtotal = records[2]
    assert (subtotal["label"], subtotal["events"], subtotal["n"]) == (
        "GIST crude (sum of counts)",
        "98",
        "174",
    )
    assert subtotal["study"] == "doi:10.1056/NEJMoa020461; eortc-62005"
    assert records[0]["label"] == "Gastrointestinal Stromal Tumor, 400/600 (pooled arms) mg/day"


def test_csv_quotes_commas_quotes_and_line_breaks() -> None:
    label = 'Smith, "phase II"\ncohort | A'
    row = ComparisonRow("GIST", "GIST", None, (400.0,), ("s1",), 10, 3, label=label)
    records = csv_records(Comparison(by="study", rows=(row,)))
    assert len(records) == 1 and records[0]["label"] == label
    assert records[0]["evidence"] == "" and records[0]["proportion"] == "0.3"


def test_csv_toxicity_view(toxicity_comparison: Comparison) -> None:
    records = csv_records(toxicity_comparison)
    assert list(records[0]) == list(render.csv.TOXICITY_COLUMNS)
    assert [(r["term"], r["max_percent"]) for r in records][:2] == [
        ("Gastrointestinal hemorrhage", "5"),
        ("Anemia", "92"),
    ]
    assert records[0]["doses_mg_per_day"] == "400;600" and records[0]["grades"] == "3-4"


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_is_a_pipe_table_with_the_csv_columns(study_comparison: Comparison) -> None:
    out = io.StringIO()
    render.write_markdown(study_comparison, out)
    markdown = out.getvalue()
    header, *body = markdown_table(markdown)
    assert tuple(header) == render.csv.RESPONSE_COLUMNS
    assert len(body) == 3 + 2  # three study populations, two pooled estimates
    first = dict(zip(header, body[0], strict=True))
    assert (first["events"], first["n"], first["ci_low"], first["ci_high"]) == ("79", "147", "0.453", "0.62")
    assert "| ---: |" in markdown.splitlines()[1] and markdown.splitlines()[1].startswith("| --- |")
    assert "Rows: 95% CI exact (Clopper-Pearson)" in markdown
    assert "Test for subgroup differences (GIST vs non-GIST): Q = 8.55, df = 1, p = 0.003" in markdown
    assert "- NCT00764595: no results posted" in markdown


def test_markdown_escapes_pipes_and_line_breaks() -> None:
    table = pipe_table(["label", "n"], [["arm A | arm B\nboth", "12"]])
    assert table.splitlines()[2] == "| arm A \\| arm B both | 12 |"
    header, row = markdown_table(table)
    assert row == ["arm A | arm B both", "12"]


def test_markdown_toxicity_view(toxicity_comparison: Comparison) -> None:
    out = io.StringIO()
    render.write_markdown(toxicity_comparison, out)
    header, *body = markdown_table(out.getvalue())
    assert header[0] == "term" and len(body) == len(toxicity_comparison.toxicity_rows)
    assert "not pooled where the denominator is unknown" in out.getvalue()


# --- forest plot ---------------------------------------------------------------------------------


def svg_groups(path: Path, prefix: str) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(prefix)]


@pytest.mark.parametrize("fixture", ["study_comparison", "interval_comparison"])
def test_svg_forest_plot_one_mark_per_row_and_a_diamond_per_group(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    comparison: Comparison = request.getfixturevalue(fixture)
    path = tmp_path / "forest.svg"
    plot.write_forest_plot(comparison, path)
    rows = [row for row in comparison.rows if row.kind == "row"]
    marks = svg_groups(path, "imx-row-")
    assert len(marks) == len(rows) == 3
    assert all(len(list(mark.iter(f"{SVG}use"))) == 1 for mark in marks)  # one marker each
    assert len(svg_groups(path, "imx-ci-")) == 3
    assert len(svg_groups(path, "imx-pooled-")) == len(comparison.pooled) == 2
    svg = path.read_text(encoding="utf-8")
    assert "53.7 (45.3–62.0)" in svg and "0.0 (0.0–14.2)" in svg  # text kept as text
    assert "800 mg/day" in svg
    # the diamonds are named as the compare table names its pooled rows (models.RANDOM_EFFECTS_LABEL)
    assert all(f"{p.group}, random effects (k = {p.k})" in svg for p in comparison.pooled)
    assert "pooled (k" not in svg


def test_plot_numbers_keep_the_derived_mark(tmp_path: Path) -> None:
    """A count computed from stated numbers is '19*' beside the plot, as in the table and CSV (the
    real pipeline on seeds/, whose EORTC study states 4% and 67% of 27)."""
    from imatinib_cli import pipeline
    from imatinib_cli.analyze import analyze

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    comparison = analyze(pipeline.summarize([str(seeds)], jobs=1).studies, by="study")
    path = tmp_path / "forest.svg"
    plot.write_forest_plot(comparison, path)
    svg = path.read_text(encoding="utf-8")
    assert "70.4 (49.8–86.2)  19*/27" in svg and "27.5 (14.6–43.9)  11*/40*" in svg
    assert "0.0 (0.0–14.2)  0/24" in svg and "59.9 (43.4–74.5)  98*/174  I² 60%" in svg
    assert "* a count derived from other stated numbers" in svg


def test_svg_is_reproducible(study_comparison: Comparison, tmp_path: Path) -> None:
    plot.write_forest_plot(study_comparison, tmp_path / "a.svg")
    plot.write_forest_plot(study_comparison, tmp_path / "b.svg")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_png_forest_plot(study_comparison: Comparison, tmp_path: Path) -> None:
    path = tmp_path / "forest.PNG"
    plot.write_forest_plot(study_comparison, path)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000


def test_forest_plot_lines_group_rows_with_their_diamond(interval_comparison: Comparison) -> None:
    lines = plot.forest_lines(interval_comparison)
    assert [line.kind for line in lines] == ["heading", "row", "row", "pooled", "heading", "row", "pooled"]
    assert lines[1].label.startswith("Gastrointestinal Stromal Tumor · 400/600 mg/day (pooled arms)")


def test_plot_rejects_other_extensions_and_the_toxicity_view(
    toxicity_comparison: Comparison, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match=r"must end in \.svg or \.png"):
        plot.write_forest_plot(make_comparison(), tmp_path / "forest.pdf")
    with pytest.raises(UsageError, match="--by toxicity"):
        plot.write_forest_plot(toxicity_comparison, tmp_path / "forest.svg")


def test_missing_matplotlib_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now raises ImportError
    with pytest.raises(plot.PlotUnavailable) as raised:
        plot.require()
    assert (
        str(raised.value)
        == "--plot needs matplotlib: pip install '.[plot]' in the imx checkout (or pip install matplotlib)"
    )
    assert raised.value.exit_code == 1
    with pytest.raises(plot.PlotUnavailable):
        plot.write_forest_plot(make_comparison(), tmp_path / "forest.svg")
    assert not (tmp_path / "forest.svg").exists()


def test_csv_cells_that_would_run_as_formulas_are_neutralized() -> None:
    from imatinib_cli.render.csv import neutralize_formula

    assert neutralize_formula('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert neutralize_formula("+1+1") == "'+1+1"
    assert neutralize_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralize_formula("-2+3") == "'-2+3"
    assert neutralize_formula("\tcmd") == "'\tcmd"
    assert neutralize_formula("-0.25") == "-0.25"  # a number stays a number
    assert neutralize_formula("GIST") == "GIST"
    assert neutralize_formula("") == ""


def test_a_document_sentence_starting_with_a_formula_is_text_in_the_csv(tmp_path) -> None:
    import csv
    import io

    from typer.testing import CliRunner

    from imatinib_cli.cli import app

    (tmp_path / "a.txt").write_text(
        'Imatinib in advanced GIST.\n\n=HYPERLINK("http://example.invalid","x") Forty patients with '
        "advanced GIST received imatinib 400 mg daily and 20 of 40 patients had an objective response.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["compare", str(tmp_path), "--by", "study", "--csv", "--no-cache"])
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
