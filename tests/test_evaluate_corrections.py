"""`imx evaluate --corrections`: gold values scored in place of a gold file's, each with its proof."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import load_schema
from typer.testing import CliRunner

from imatinib_cli.cli import app
from imatinib_cli.evaluate import GoldError, evaluate
from imatinib_cli.render.evaluation import evaluation_json

runner = CliRunner()

TEXT = """\
Imatinib in advanced gastrointestinal stromal tumors: a phase II study.

RESULTS: Thirty patients with advanced GIST received imatinib 400 mg daily. A partial response was seen \
in 12 patients (40%). Edema occurred in 30% of patients.
"""
GOLD = """\
documents:
  - path: gist.txt
    populations:
      - label: advanced GIST
        group: GIST
        n: 30
        pr: [15, 50]      # wrong on purpose: the text says 12 (40%)
    toxicities:
      - {as_written: edema, percent: 35}
"""
CORRECTIONS = """\
corrections:
  - path: gist.txt
    population: advanced GIST
    field: pr
    value: [12, 40]
    proof: "A partial response was seen in 12 patients (40%)."
  - path: gist.txt
    toxicity: edema
    field: percent
    value: 30
    proof: "Edema occurred in 30% of patients."
    why: the gold copied another number
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "gist.txt").write_text(TEXT, encoding="utf-8")
    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD, encoding="utf-8")
    corrections = tmp_path / "corrections.yaml"
    corrections.write_text(CORRECTIONS, encoding="utf-8")
    return gold, corrections


def scores(evaluation) -> dict[str, tuple[int, int, int]]:
    return {s.field: (s.tp, s.fp, s.fn) for s in evaluation.fields if s.tp + s.fp + s.fn}


def test_corrected_values_are_scored_in_place_of_the_gold_ones(files: tuple[Path, Path]) -> None:
    gold, corrections = files
    plain = scores(evaluate(gold))
    assert plain["pr"] == (0, 1, 1) and plain["pr_percent"] == (0, 1, 1)
    assert plain["toxicity_percent"] == (0, 1, 1)
    corrected = evaluate(gold, corrections=corrections)
    assert scores(corrected)["pr"] == (1, 0, 0) and scores(corrected)["pr_percent"] == (1, 0, 0)
    assert scores(corrected)["toxicity_percent"] == (1, 0, 0)
    assert [(c.target, c.field, c.gold, c.corrected) for c in corrected.corrections] == [
        ("population: advanced GIST", "pr", [15, 50], [12, 40]),
        ("toxicity: edema", "percent", 35, 30),
    ]
    assert corrected.corrections[0].proof == "A partial response was seen in 12 patients (40%)."


def test_the_json_lists_the_corrections_and_follows_its_schema(files: tuple[Path, Path]) -> None:
    gold, corrections = files
    result = runner.invoke(app, ["evaluate", str(gold), "--corrections", str(corrections), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, load_schema("evaluate"))
    assert data["corrections_file"] == str(corrections)
    assert [c["field"] for c in data["corrections"]] == ["pr", "percent"]
    assert evaluation_json(evaluate(gold))["corrections"] == []


def test_the_table_says_how_many_values_were_corrected(files: tuple[Path, Path]) -> None:
    gold, corrections = files
    result = runner.invoke(app, ["evaluate", str(gold), "--corrections", str(corrections)])
    assert result.exit_code == 0
    assert f"Scored with 2 corrected gold values from {corrections}" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{path: other.txt, population: advanced GIST, field: pr, value: 1, proof: x}", "not a document"),
        ("{path: gist.txt, population: melanoma, field: pr, value: 1, proof: x}", "names 0 of"),
        ("{path: gist.txt, population: advanced GIST, field: pr, value: 1}", "missing 'proof'"),
        ("{path: gist.txt, field: pr, value: 1, proof: x}", "exactly one of"),
        (
            "{path: gist.txt, population: advanced GIST, field: pr, value: 1, proof: x, who: me}",
            "unknown key",
        ),
    ],
)
def test_a_malformed_correction_is_a_usage_error_naming_the_file(
    files: tuple[Path, Path], entry: str, problem: str
) -> None:
    gold, corrections = files
    corrections.write_text(f"corrections:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=problem) as caught:
        evaluate(gold, corrections=corrections)
    assert str(corrections) in str(caught.value)
    result = runner.invoke(app, ["evaluate", str(gold), "--corrections", str(corrections)])
    assert result.exit_code == 2
