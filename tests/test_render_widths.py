"""Every table imx prints reads at 80, 100, 120 and 200 columns: no column collapses to nothing, no
number or count is cut, a population label is printed whole somewhere (in its cell, or on a line of
its own), and no table line is wider than the console. The real pipeline on seeds/, and a case of
our own with long labels and large counts."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from imatinib_cli import pipeline, render
from imatinib_cli.evaluate import Evaluation, evaluate
from imatinib_cli.models import RESPONSE_CATEGORIES, Comparison, Quantity, Report
from imatinib_cli.render import text
from imatinib_cli.render.evaluation import print_evaluation
from imatinib_cli.render.layout import Col, FitTable, fit_widths, hang, pack

WIDTHS = (80, 100, 120, 200)
BYS = ("tumor-type", "dose", "study", "toxicity", "hematologic")
SEEDS = str(Path(__file__).resolve().parent.parent / "seeds")
ABSTRACTS_GOLD = Path(__file__).resolve().parent / "gold" / "abstracts.gold.yaml"
BOX = re.compile(r"[│┃┏┗┡└├]")


@pytest.fixture(scope="module")
def seeds_report() -> Report:
    return pipeline.summarize([SEEDS], jobs=1)


@pytest.fixture(scope="module")
def long_report(seeds_report: Report) -> Report:
    """seeds' studies with labels of 70 characters and counts in the tens of thousands."""
    labels = iter(
        (
            "adults with unresectable or metastatic gastrointestinal stromal tumour",
            "patients with recurrent dermatofibrosarcoma protuberans after surgery",
            "children and adolescents with refractory solid tumours of any kind",
        )
    )
    studies = []
    for study in seeds_report.studies:
        populations = []
        for population in study.populations:
            n = population.n
            big = dataclasses.replace(n, value=n.value * 1000) if isinstance(n, Quantity) else n
            populations.append(dataclasses.replace(population, label=next(labels, population.label), n=big))
        studies.append(dataclasses.replace(study, populations=tuple(populations)))
    return dataclasses.replace(seeds_report, studies=tuple(studies))


def printed(draw, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    draw(console)
    return console.file.getvalue()


def assert_fits(out: str, width: int, *, every_line: bool = True) -> None:
    """Nothing cut, and no line wider than the console (with --evidence, only the table lines:
    an evidence line is one line on purpose, so it can be grepped)."""
    assert "…" not in out
    for line in out.splitlines():
        if every_line or BOX.search(line):
            assert len(line.rstrip()) <= width, line


def assert_number(value: str, out: str) -> None:
    assert re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.%])", out), value


def assert_populations(report: Report, out: str) -> None:
    for study in report.studies:
        for population in study.populations:
            assert population.label in out, population.label
            if population.n is not None:
                assert_number(text.format_quantity(population.n), out)
            for category in RESPONSE_CATEGORIES:
                response = population.response(category)
                if response is not None:
                    assert text.format_response(response) in out, (population.label, category)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("evidence", [False, True])
def test_summary_reads_at_every_width(seeds_report: Report, width: int, evidence: bool) -> None:
    out = printed(lambda console: render.print_summary(seeds_report, console, evidence=evidence), width)
    assert_fits(out, width, every_line=not evidence)
    assert_populations(seeds_report, out)
    assert "19* (71%*)" in out and "1* (4%)" in out  # the counts the issue saw cut to `1* (4…`


@pytest.mark.parametrize("width", WIDTHS)
def test_long_labels_and_large_counts_stay_whole(long_report: Report, width: int) -> None:
    out = printed(lambda console: render.print_summary(long_report, console), width)
    assert_fits(out, width)
    assert_populations(long_report, out)
    assert_number("146000*", out) and assert_number("147000", out)


@pytest.fixture(scope="module")
def comparisons(seeds_report: Report) -> dict[str, Comparison]:
    from imatinib_cli.analyze import analyze

    return {by: analyze(seeds_report.studies, by=by) for by in BYS}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("by", BYS)
def test_compare_reads_at_every_width(comparisons: dict[str, Comparison], by: str, width: int) -> None:
    comparison = comparisons[by]
    out = printed(lambda console: render.print_comparison(comparison, console), width)
    assert_fits(out, width)
    for row in comparison.rows:
        assert_number(text.marked(row.n, "n", row.derived), out)
        assert_number(text.marked(row.responders, "responders", row.derived), out)
        assert text.format_interval(row.ci_low, row.ci_high) in out
        if by == "study":
            assert row.label in out  # "PMID:12181401 / advanced gastrointestinal stromal tumor"
        for study in row.studies:
            assert study in out  # a study id is never folded
    for row in comparison.toxicity_rows:
        assert all(word in out for word in row.term.split())  # a term may wrap in its cell
        if row.max_percent is not None:
            assert_number(text.format_percent(row.max_percent), out)
    for pooled in comparison.pooled:
        events = text.marked(pooled.events, "responders", pooled.derived)
        assert f"{events} / {text.marked(pooled.n, 'n', pooled.derived)}" in out
        assert text.format_estimate(pooled.estimate, pooled.ci_low, pooled.ci_high) in out
        if pooled.q is not None:
            assert f"{pooled.q:.2f} ({pooled.q_df}, p = " in out  # a statistic cell is never split
    if by in ("tumor-type", "study"):
        assert comparison.rows


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate(ABSTRACTS_GOLD, summarize=lambda paths: pipeline.summarize(paths, jobs=1))


@pytest.mark.parametrize("width", WIDTHS)
def test_evaluation_reads_at_every_width(evaluation: Evaluation, width: int) -> None:
    out = printed(lambda console: print_evaluation(evaluation, console), width)
    assert_fits(out, width, every_line=False)  # a miss's line holds its sentence whole
    for score in (*evaluation.fields, evaluation.micro):
        if score.tp + score.fp + score.fn:
            assert re.search(rf"│ {score.tp:>3} │ {score.fp:>2} │ {score.fn:>2} │", out) or (
                f"TP: {score.tp} · FP: {score.fp} · FN: {score.fn}" in out
            )


@pytest.mark.parametrize("width", range(80, 100, 2))
def test_a_pooled_statistic_is_never_split(comparisons: dict[str, Comparison], width: int) -> None:
    """Between 80 and 100 columns the pooled table once wrapped its Q cell inside itself
    ('2.49 (1, p =' over '0.114)'); now the cell is whole or the table becomes blocks."""
    out = printed(lambda console: render.print_comparison(comparisons["tumor-type"], console), width)
    assert_fits(out, width)
    assert "2.49 (1, p = 0.114)" in out and "10.90 (2, p = 0.004)" in out


# --- the layout steps, one by one -------------------------------------------------------------------


def three_steps() -> FitTable:
    table = FitTable(
        [Col("Population", whole=True), Col("N", justify="right", keep=True), Col("ORR", keep=True)],
        title="Populations",
        keyed=(0,),
    )
    table.add_row("a population label of exactly forty chars", "1234", "99* (12.5%*)")
    return table


def test_the_table_when_it_fits_keyed_rows_then_blocks() -> None:
    wide = printed(lambda console: console.print(three_steps()), 80)
    assert "│ a population label of exactly forty chars │ 1234 │ 99* (12.5%*) │" in wide
    keyed = printed(lambda console: console.print(three_steps()), 40)
    assert "│ 1 │ 1234 │ 99* (12.5%*) │" in keyed
    assert "  1  a population label of exactly forty" in keyed  # its own line, wrapped at a space
    blocks = printed(lambda console: console.print(three_steps()), 16)
    assert blocks.splitlines()[:2] == ["Populations", "a population"]
    assert "  N: 1234" in blocks and "  ORR: 99*" in blocks


def test_fit_widths_never_breaks_a_word() -> None:
    columns = [Col("Tumor type"), Col("N", keep=True)]
    cells = [["Gastrointestinal Stromal Tumor", "147"]]
    assert fit_widths(columns, cells, 200) == [30, 3]
    # the frame is 7 cells (a border before each column and after the last, a space each side)
    assert fit_widths(columns, cells, 29) == [19, 3]
    assert fit_widths(columns, cells, 26) == [16, 3]  # "Gastrointestinal" whole
    assert fit_widths(columns, cells, 25) is None


def test_pairs_and_labels_wrap_between_words() -> None:
    assert pack(["N: 147", "CR: 0 (0%*)", "PR: 79 (53.7%)"], 20) == ["N: 147 · CR: 0 (0%*)", "PR: 79 (53.7%)"]
    assert hang("  1  ", "advanced gastrointestinal stromal tumor", 30) == [
        "  1  advanced gastrointestinal",
        "     stromal tumor",
    ]


def test_a_pipe_is_80_columns_unless_columns_says(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from imatinib_cli.cli import app

    monkeypatch.delenv("COLUMNS", raising=False)
    result = CliRunner().invoke(app, ["summarize", SEEDS, "--jobs", "1", "--no-cache"])
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "advanced gastrointestinal stromal tumor" in result.stdout
    wide = CliRunner().invoke(app, ["summarize", SEEDS, "--jobs", "1", "--no-cache"], env={"COLUMNS": "200"})
    assert "│ advanced gastrointestinal stromal tumor │ GIST  │" in wide.stdout


def test_summary_lines_keep_a_label_with_its_number(seeds_report: Report) -> None:
    """At 80 columns the design line wraps between its items ('N enrolled' stays with 147), and an
    outcome's value reads as a reader writes it ('73%', '58 days', '5 of 106', not '5 count of 106')."""
    out = printed(lambda console: render.print_summary(seeds_report, console), 80)
    assert "Design: phase not stated · randomized · open-label · multicenter\n        N enrolled 147\n" in out
    assert "Design: Phase 2 · single-arm · open-label · N enrolled 186\n" in out
    for value in ("│ 73%", "│ 58 days", "│ 5 of 106", "│ 0 of 106", "│ 13.6%"):
        assert value in out, value
    assert " count of " not in out and " %" not in out
