"""`imx compare --by hematologic`: blood diseases' responses in a view of their own, never pooled."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import load_schema
from typer.testing import CliRunner

from imatinib_cli.cli import app

runner = CliRunner()

CML = """\
Imatinib in chronic-phase chronic myeloid leukemia: a phase II study.

RESULTS: Sixty patients with chronic-phase CML received imatinib 400 mg daily. A complete hematologic \
response was achieved in 54 patients (90%). The rate of major cytogenetic response was 60% at 12 months.
"""
GIST = """\
Imatinib in advanced gastrointestinal stromal tumors: a phase II study.

RESULTS: Forty patients with advanced GIST received imatinib 400 mg daily. An objective response was seen \
in 20 patients (50%).
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "cml.txt").write_text(CML, encoding="utf-8")
    (tmp_path / "gist.txt").write_text(GIST, encoding="utf-8")
    return tmp_path


def test_the_view_lists_each_response_as_stated_and_pools_nothing(folder: Path) -> None:
    result = runner.invoke(app, ["compare", str(folder), "--by", "hematologic", "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, load_schema("compare"))
    assert data["by"] == "hematologic" and data["rows"] == [] and data["pooled"] == []
    stated = {(r["category"], r["count"], r["percent"], r["timepoint"]) for r in data["hematologic_rows"]}
    assert stated == {("chr", 54, 90.0, None), ("mcyr", None, 60.0, "at 12 months")}


def test_the_csv_has_one_row_per_response(folder: Path) -> None:
    result = runner.invoke(app, ["compare", str(folder), "--by", "hematologic", "--csv", "--no-cache"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["category"], r["count"], r["percent"], r["timepoint"]) for r in rows] == [
        ("CHR", "54", "90", ""),
        ("MCyR", "", "60", "at 12 months"),
    ]
    assert all(r["doses_mg_per_day"] == "400" for r in rows)


def test_the_table_and_a_plot_request(folder: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(folder), "--by", "hematologic", "--no-cache"])
    assert result.exit_code == 0
    assert "CHR 54 (90%)" in result.stdout and "not pooled" in result.stdout
    plot = runner.invoke(
        app, ["compare", str(folder), "--by", "hematologic", "--plot", str(tmp_path / "f.svg"), "--no-cache"]
    )
    assert plot.exit_code == 2
