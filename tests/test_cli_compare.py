"""`imx compare` options and outputs, and `imx schema`.

pipeline.compare is stubbed with the hand-built Comparisons of conftest.py (the tumor-type view with
intervals and pooling, the study view, the toxicity view), so these tests pin the command line: which
options reach the pipeline, which output goes where, and which mistakes are usage errors.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import (
    ROOT,
    load_schema,
    make_interval_comparison,
    make_report,
    make_study_comparison,
    make_toxicity_comparison,
    strict,
)
from typer.testing import CliRunner

from imatinib_cli import pipeline
from imatinib_cli.cli import app
from imatinib_cli.models import Comparison, Report

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"
MISSING_MATPLOTLIB = (
    "imx: error: --plot needs matplotlib: "
    "pip install '.[plot]' in the imx checkout (or pip install matplotlib)\n"
)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Stub pipeline.compare; record the options each call received (not the store and the
    progress callback, which every run gets)."""
    seen: list[dict[str, object]] = []

    def compare(paths: list[str], **options: object) -> tuple[Report, Comparison]:
        seen.append(
            {"paths": list(paths), **{k: v for k, v in options.items() if k not in ("store", "progress")}}
        )
        by = options.get("by")
        if by == "study":
            return make_report(), make_study_comparison()
        if by == "toxicity":
            return make_report(), make_toxicity_comparison()
        return make_report(), make_interval_comparison()

    monkeypatch.setattr(pipeline, "compare", compare)
    monkeypatch.chdir(ROOT)
    return seen


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["compare", *args], env=env)


# --- options reach the pipeline ------------------------------------------------------------------


def test_defaults_are_left_to_the_pipeline(calls: list) -> None:
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert calls == [{"paths": ["seeds/"], "by": "tumor-type"}]


def test_statistics_options_are_passed_through(calls: list) -> None:
    result = invoke(
        "seeds/", "--by", "study", "--ci", "wilson", "--level", "0.9", "--transform", "freeman-tukey"
    )
    assert result.exit_code == 0, result.stderr
    assert calls == [
        {"paths": ["seeds/"], "by": "study", "ci": "wilson", "level": 0.9, "transform": "freeman-tukey"}
    ]


def test_alpha_is_the_complement_of_level(calls: list) -> None:
    assert invoke("--alpha", "0.05").exit_code == 0
    assert invoke("--alpha", "0.1", "--ci", "exact").exit_code == 0
    assert [c.get("level") for c in calls] == [0.95, 0.9]
    assert calls[1]["ci"] == "exact"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "95"], "imx: error: --level 95: expected a number between 0 and 1, e.g. 0.95\n"),
        (["--level", "0"], "imx: error: --level 0: expected a number between 0 and 1, e.g. 0.95\n"),
        (["--level", "1"], "imx: error: --level 1: expected a number between 0 and 1, e.g. 0.95\n"),
        (["--alpha", "1.5"], "imx: error: --alpha 1.5: expected a number between 0 and 1, e.g. 0.05\n"),
        (["--alpha", "-0.05"], "imx: error: --alpha -0.05: expected a number between 0 and 1, e.g. 0.05\n"),
        (
            ["--level", "0.9", "--alpha", "0.1"],
            "imx: error: --level and --alpha say the same thing: give one of them\n",
        ),
    ],
)
def test_out_of_range_confidence_is_a_usage_error(calls: list, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr == message and result.stdout == ""
    assert calls == []


@pytest.mark.parametrize(
    ("option", "value"), [("--ci", "bayes"), ("--transform", "arcsine"), ("--level", "x")]
)
def test_unknown_values_are_usage_errors(calls: list, option: str, value: str) -> None:
    result = invoke(option, value)
    assert result.exit_code == 2 and value in result.stderr and result.stdout == ""
    assert calls == []


@pytest.mark.parametrize(
    ("by", "title"),
    [
        ("tumor-type", "Objective response by tumor-type"),
        ("dose", "Objective response by tumor-type"),  # the stub answers every response view alike
        ("study", "Objective response by study"),
        ("toxicity", "Toxicities by tumor group and dose"),
    ],
)
def test_every_grouping_is_accepted(calls: list, by: str, title: str) -> None:
    result = invoke("--by", by)
    assert result.exit_code == 0, result.stderr
    assert calls[-1]["by"] == by
    assert title in result.stdout


# --- output formats ------------------------------------------------------------------------------


def test_table_on_stdout_with_intervals_pooling_and_bars(calls: list) -> None:
    result = invoke("seeds/", env={"COLUMNS": "140"})
    assert result.exit_code == 0
    out = result.stdout
    assert "45.3–62.0" in out and "0.0–14.2" in out
    assert "●" in out and "◆" in out  # 140 columns: the text forest plot is drawn
    assert "59.9 (43.4–74.5)" in out and "DerSimonian-Laird" in out
    assert "Test for subgroup differences (GIST vs non-GIST)" in out
    assert "NCT00764595: no results posted" in out
    assert "imx: warning: inputs/scan.pdf" in result.stderr and "imx: warning" not in out
    assert "\x1b[" not in out


def test_json_validates_against_the_schema(calls: list) -> None:
    result = invoke("--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(strict(load_schema("compare"))).validate(data)
    assert data["schema_version"] == "1.3"
    assert (data["rows"][0]["ci_low"], data["rows"][0]["ci_high"]) == (45.3, 62.0)
    assert data["pooled"][0]["k"] == 2 and data["subgroup_test"]["df"] == 1


def test_csv_one_row_per_study_population(calls: list) -> None:
    result = invoke("--by", "study", "--csv")
    assert result.exit_code == 0, result.stderr
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    populations = [r for r in records if r["kind"] == "row"]
    assert [(r["label"], int(r["events"]), int(r["n"])) for r in populations] == [
        ("doi:10.1056/NEJMoa020461 / GIST (400 or 600 mg/day)", 79, 147),
        ("eortc-62005 / GIST", 19, 27),
        ("eortc-62005 / other STS", 0, 24),
    ]
    assert [r["label"] for r in records if r["kind"] == "pooled"] == [
        "GIST random effects (k=2)",
        "non-GIST random effects (k=1)",
    ]


def test_markdown_is_a_pipe_table(calls: list) -> None:
    result = invoke("--by", "study", "--markdown")
    assert result.exit_code == 0, result.stderr
    table = result.stdout.split("\n\n", 1)[0].splitlines()
    assert table[0].startswith("| kind | study | label |") and table[0].endswith(" |")
    assert set(table[1].replace("|", "").split()) <= {"---", "---:"}
    assert len(table) == 2 + 3 + 2
    assert all(line.count(" | ") == table[0].count(" | ") for line in table)


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "--csv"],
        ["--csv", "--markdown"],
        ["--json", "--markdown"],
        ["--json", "--csv", "--markdown"],
    ],
)
def test_output_formats_are_mutually_exclusive(calls: list, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("imx: error: --") and "cannot be combined" in result.stderr
    assert result.stdout == "" and calls == []


# --- --output ------------------------------------------------------------------------------------


def test_output_file_from_the_extension_leaves_stdout_empty(calls: list, tmp_path: Path) -> None:
    target = tmp_path / "compare.json"
    result = invoke("--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(strict(load_schema("compare"))).validate(data)


def test_output_csv_and_markdown_by_extension(calls: list, tmp_path: Path) -> None:
    assert invoke("--by", "study", "-o", str(tmp_path / "studies.csv")).stdout == ""
    records = list(csv.DictReader((tmp_path / "studies.csv").open(encoding="utf-8", newline="")))
    assert sum(r["kind"] == "row" for r in records) == 3
    assert invoke("--by", "study", "--output", str(tmp_path / "studies.md")).stdout == ""
    assert (tmp_path / "studies.md").read_text(encoding="utf-8").startswith("| kind | study | label |")


def test_output_flag_wins_over_the_extension(calls: list, tmp_path: Path) -> None:
    target = tmp_path / "studies.txt"
    result = invoke("--by", "study", "--csv", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("kind,study,label,")


def test_output_other_extension_is_the_plain_table(calls: list, tmp_path: Path) -> None:
    target = tmp_path / "compare.txt"
    result = invoke("--output", str(target), env={"TERM": "xterm-256color"})
    assert result.exit_code == 0 and result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert "Objective response by tumor-type" in written and "45.3–62.0" in written
    assert "\x1b[" not in written


def test_output_into_a_missing_folder_is_a_usage_error(calls: list, tmp_path: Path) -> None:
    result = invoke("--output", str(tmp_path / "no" / "such" / "out.csv"))
    assert result.exit_code == 2 and "no such directory" in result.stderr
    result = invoke("--output", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert calls == []


# --- --plot --------------------------------------------------------------------------------------


def test_plot_svg_alongside_the_table(calls: list, tmp_path: Path) -> None:
    target = tmp_path / "forest.svg"
    result = invoke("--by", "study", "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert "Objective response by study" in result.stdout  # the normal output still goes to stdout
    root = ET.parse(target).getroot()
    ids = [g.get("id", "") for g in root.iter(f"{SVG}g")]
    assert sum(i.startswith("imx-row-") for i in ids) == 3  # one mark per study population
    assert sum(i.startswith("imx-pooled-") for i in ids) == 2  # one diamond per pooled group


def test_plot_png_with_csv_on_stdout(calls: list, tmp_path: Path) -> None:
    target = tmp_path / "forest.png"
    result = invoke("--by", "study", "--csv", "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("kind,study,label,")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_and_output_together_leave_stdout_empty(calls: list, tmp_path: Path) -> None:
    result = invoke("--output", str(tmp_path / "c.json"), "--plot", str(tmp_path / "f.svg"))
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "c.json").exists() and (tmp_path / "f.svg").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plot", "forest.pdf"], "imx: error: --plot forest.pdf: the file name must end in .svg or .png\n"),
        (["--plot", "forest"], "imx: error: --plot forest: the file name must end in .svg or .png\n"),
        (
            ["--by", "toxicity", "--plot", "forest.svg"],
            "imx: error: --plot draws response rates; there are none with --by toxicity\n",
        ),
    ],
)
def test_plot_usage_errors(calls: list, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2 and result.stderr == message and result.stdout == ""
    assert calls == []


def test_plot_without_matplotlib(calls: list, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    result = invoke("--plot", str(tmp_path / "forest.svg"))
    assert result.exit_code == 1
    assert result.stderr == MISSING_MATPLOTLIB
    assert result.stdout == "" and calls == []  # checked before any document is read
    assert not (tmp_path / "forest.svg").exists()


# --- imx schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["compare", "summarize"])
def test_schema_prints_the_package_file(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0 and result.stderr == ""
    shipped = (resources.files("imatinib_cli") / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(shipped) == load_schema(name)
    assert result.stdout.rstrip("\n") == shipped.rstrip("\n")


def test_schema_needs_a_known_name() -> None:
    assert runner.invoke(app, ["schema", "nonsense"]).exit_code == 2
    assert runner.invoke(app, ["schema"]).exit_code == 2


def test_help_has_examples_and_every_option() -> None:
    result = runner.invoke(app, ["schema", "--help"])
    assert result.exit_code == 0 and "imx schema compare" in result.stdout
    help_text = runner.invoke(app, ["compare", "--help"], env={"COLUMNS": "200"}).stdout
    for option in ("--by", "--ci", "--level", "--alpha", "--transform", "--json", "--csv", "--markdown"):
        assert option in help_text
    assert "--output" in help_text and "--plot" in help_text
    assert "imx compare seeds/ --by study" in help_text


# --- real processes ------------------------------------------------------------------------------


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def test_installed_imx_schema_compare() -> None:
    script = Path(sys.executable).with_name("imx")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "imatinib_cli"]
    result = run([*command, "schema", "compare"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == load_schema("compare")


def test_compare_without_plot_does_not_import_matplotlib() -> None:
    code = (
        "import sys; sys.path.insert(0, 'tests');"
        "import conftest; from imatinib_cli import pipeline;"
        "pipeline.compare = lambda paths, **o: (conftest.make_report(), conftest.make_interval_comparison());"
        "from imatinib_cli.cli import app\n"
        "try:\n    app(['compare', '--json'], prog_name='imx')\n"
        "except SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)"
    )
    result = run([sys.executable, "-c", code])
    assert json.loads(result.stdout)["by"] == "tumor-type"
    assert result.stderr.strip().splitlines()[-1] == "False"
