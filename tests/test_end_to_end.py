"""Both commands on the real seed documents, through the CLI and through the installed entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
from conftest import load_schema, strict
from typer.testing import CliRunner

from imatinib_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_summarize_json_on_the_seeds_is_schema_valid() -> None:
    result = invoke("summarize", str(ROOT / "seeds"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, strict(load_schema("summarize")))
    assert len(data["documents"]) == 5 and {d["status"] for d in data["documents"]} == {"ok"}
    assert len(data["studies"]) == 4
    eortc = next(s for s in data["studies"] if any("001_" in p for p in s["sources"]))
    gist = next(p for p in eortc["populations"] if p["tumor_group"] == "GIST")
    assert gist["doses_mg_per_day"] == [800]
    assert gist["response"]["orr"]["count"] == 19 and gist["response"]["orr"]["derived"] is True
    assert gist["response"]["pr"]["evidence"]["quote"].startswith("In GIST patients, the current response")
    sts = next(p for p in eortc["populations"] if p["tumor_group"] == "non-GIST")
    assert sts["response"]["orr"]["count"] == 0 and sts["response"]["orr"]["derived_fields"] == ["percent"]
    anaemia = next(t for t in eortc["toxicities"] if t["as_written"] == "anaemia")
    assert (anaemia["term"], anaemia["percent"]) == ("Anemia", 92)


def test_summarize_table_with_evidence() -> None:
    result = invoke("summarize", str(ROOT / "seeds"), "--evidence")
    assert result.exit_code == 0, result.output
    assert "Overall, 79 patients (53.7 percent) had a partial response" in result.stdout
    assert "NCT00764595" in result.stdout and "no results posted" in result.stdout


def test_compare_json_on_the_seeds_is_schema_valid() -> None:
    result = invoke("compare", str(ROOT / "seeds"), "--by", "tumor-type", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, strict(load_schema("compare")))
    subtotals = {r["tumor_group"]: (r["responders"], r["n"]) for r in data["rows"] if r["kind"] == "subtotal"}
    assert subtotals == {"GIST": (98, 174), "non-GIST": (24, 210)}
    solid = next(r for r in data["rows"] if r["tumor_type"] == "SOLID")
    assert (solid["doses_mg_per_day"], solid["n"], solid["responders"], solid["orr_percent"]) == (
        [800],
        146,
        13,
        8.9,
    )
    assert [e["study"] for e in data["excluded"]] == ["NCT00764595"]


def test_installed_imx_summarizes_the_seeds() -> None:
    imx = shutil.which("imx", path=os.path.dirname(sys.executable)) or shutil.which("imx")
    command = [imx] if imx else [sys.executable, "-m", "imatinib_cli"]
    result = subprocess.run(
        [*command, "summarize", "seeds/", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["studies"]) == 4
