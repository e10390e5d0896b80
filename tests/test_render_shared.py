"""The formatters summarize, compare and report share (render/text.py), pinned with real values, and
analyze's row membership that the report's footnotes rest on."""

from __future__ import annotations

import io

import pytest
from conftest import ROOT
from rich.console import Console

from imatinib_cli import pipeline
from imatinib_cli.analyze import stats
from imatinib_cli.analyze.group import analyze, collect_units, pooled_units, row_units
from imatinib_cli.models import (
    AdverseEvent,
    Evidence,
    Outcome,
    PooledEstimate,
    Quantity,
    Report,
    ResponseCount,
    Study,
    SubgroupTest,
)
from imatinib_cli.render import print_comparison, text
from imatinib_cli.render.markdown import write_markdown
from imatinib_cli.render.report import esc, report_html

SENTENCE = Evidence("trial.txt", 0, 40, "Of 27 patients, 1 (4%) had a CR and 18 (67%) a PR.")


def pooled(*, q: float | None = 2.4873, q_p: float | None = 0.11474, k: int = 2, note: str | None = None):
    return PooledEstimate(
        group="GIST",
        k=k,
        events=98,
        n=174,
        estimate=59.9,
        ci_low=44.2,
        ci_high=73.8,
        tau2=0.0911,
        i2=59.8,
        q=q,
        q_df=k - 1,
        q_p=q_p,
        method="DerSimonian-Laird",
        note=note,
    )


def test_q_cell_reads_q_df_and_p_whole() -> None:
    assert text.q_cell(pooled()) == "2.49 (1, p = 0.115)"
    assert text.q_cell(pooled(q=31.06, q_p=0.00002, k=4)) == "31.06 (3, p < 0.001)"
    assert text.q_cell(pooled(q=None, q_p=None)) == "–"


def test_p_text_names_the_relation() -> None:
    assert text.p_text(0.042) == "p = 0.042"
    assert text.p_text(0.0004) == "p < 0.001"
    assert text.p_text(None) == "p = –"


def test_pooled_note_warns_below_three_populations() -> None:
    assert text.pooled_note(pooled(k=2)) == "k = 2 < 3: tau², I² and Q are unreliable"
    assert text.pooled_note(pooled(k=3)) == ""
    assert text.pooled_note(pooled(k=1, note="one study population: no heterogeneity")) == (
        "one study population: no heterogeneity"
    )


def test_subgroup_line_with_and_without_its_method() -> None:
    test = SubgroupTest(("GIST", "non-GIST"), 4.3167, 1, 0.03774, stats.SUBGROUP_TEST_METHOD)
    statistic = "Test for subgroup differences (GIST vs non-GIST): Q = 4.32, df = 1, p = 0.038"
    assert text.subgroup_statistic(test) == statistic
    assert text.subgroup_line(test) == (
        f"{statistic} (Cochran's Q between the random-effects subgroup estimates (tau² estimated "
        "within each subgroup), chi-square with groups - 1 df)"
    )
    bare = SubgroupTest(("GIST", "non-GIST"), 12.5, 1, 0.0004, "test for subgroup differences")
    assert text.subgroup_line(bare) == (
        "Test for subgroup differences (GIST vs non-GIST): Q = 12.50, df = 1, p < 0.001"
    )


def test_tumor_label() -> None:
    assert (
        text.tumor_label("dermatofibrosarcoma protuberans", "DFSP")
        == "dermatofibrosarcoma protuberans (DFSP)"
    )
    assert text.tumor_label("GIST", "GIST") == "GIST"
    assert text.tumor_label(None, "GIST") == "GIST"
    assert text.tumor_label(None, None) == "–"


def event(percent: float | None, count: float | None, *, approximate: bool = False, arm: str | None = None):
    return AdverseEvent(
        term="Edema",
        as_written="edema",
        soc=None,
        percent=None if percent is None else Quantity(percent, SENTENCE),
        count=None if count is None else Quantity(count, SENTENCE),
        grade=None,
        evidence=SENTENCE,
        approximate=approximate,
        arm=arm,
    )


def test_toxicity_value_and_arm_note() -> None:
    assert text.toxicity_value(event(74.0, None)) == "74%"
    assert text.toxicity_value(event(12.5, 7, approximate=True)) == "~12.5% n=7"
    assert text.toxicity_value(event(None, 3)) == "n=3"
    assert text.toxicity_value(event(None, None)) == "–"
    assert text.arm_note("placebo group") == " (placebo group)"
    assert text.arm_note("2") == " (arm 2)"
    assert text.arm_note(None) == text.arm_note("") == ""


def test_outcome_value_and_detail() -> None:
    def outcome(value: float, unit: str | None, **extra: object) -> Outcome:
        return Outcome("median_pfs", Quantity(value, SENTENCE), unit, "as written", SENTENCE, **extra)

    assert text.outcome_value(outcome(73.0, "%")) == "73%"
    assert text.outcome_value(outcome(58.0, "day")) == "58 days"
    assert text.outcome_value(outcome(1.0, "month")) == "1 month"
    assert text.outcome_value(outcome(5.0, "count", denominator=Quantity(106.0, SENTENCE))) == "5 of 106"
    assert text.outcome_detail(outcome(5.0, "count", gene="KIT", variant="exon 11")) == "KIT exon 11"
    assert text.outcome_detail(outcome(5.0, "count")) == "–"


def test_derivation_notes() -> None:
    stated = Quantity(27.0, SENTENCE)
    derived = Quantity(19.0, SENTENCE, derived=True, derivation="ORR = CR 1 + PR 18")
    assert text.derivation_note(stated) is None
    assert text.derivation_note(None) is None
    assert text.derivation_note(derived) == "derived: ORR = CR 1 + PR 18"
    assert text.derivation_note(Quantity(19.0, SENTENCE, derived=True)) == "derived"
    response = ResponseCount("orr", derived, Quantity(70.4, SENTENCE), "19 (70.4%)", SENTENCE)
    assert text.response_note(response) == "derived: ORR = CR 1 + PR 18"
    assert text.response_note(ResponseCount("pr", stated, None, "27", SENTENCE, derived=True)) is None
    assert text.response_note(None) is None


@pytest.fixture(scope="module")
def seeds() -> tuple[Study, ...]:
    return pipeline.report([str(ROOT / "seeds")], jobs=1, store=None)[0].studies


@pytest.mark.parametrize("by", ["tumor-type", "dose", "study"])
def test_row_units_are_the_populations_each_row_counts(seeds: tuple[Study, ...], by: str) -> None:
    comparison = analyze(seeds, by=by)
    units = collect_units(seeds)[0]
    members = row_units(units, by)
    assert len(members) == len(comparison.rows) > 0
    for row, counted in zip(comparison.rows, members, strict=True):
        assert sum(u.n for u in counted) == row.n
        assert sum(u.responders for u in counted) == row.responders
        assert {u.study for u in counted} == set(row.studies)
    pools = pooled_units(units)
    assert list(pools) == [p.group for p in comparison.pooled] == ["GIST", "non-GIST"]
    for estimate in comparison.pooled:
        assert len(pools[estimate.group]) == estimate.k
        assert sum(u.n for u in pools[estimate.group]) == estimate.n
    assert row_units(units, "toxicity") == row_units(units, "hematologic") == []


def test_compare_markdown_and_report_print_the_same_statistics(seeds: tuple[Study, ...]) -> None:
    """One formatter each: the Q cell, the k < 3 note and the subgroup line read the same in the
    compare table, its Markdown and the HTML report (seeds: GIST 98/174 over k = 2)."""
    comparison = analyze(seeds, by="tumor-type")
    console = Console(file=io.StringIO(), width=200, color_system=None)
    print_comparison(comparison, console)
    table = console.file.getvalue()
    markdown = io.StringIO()
    write_markdown(comparison, markdown)
    page = report_html(Report(documents=(), studies=seeds), comparison, analyze(seeds, by="study"))
    gist = comparison.pooled[0]
    assert (gist.group, gist.k, gist.events, gist.n) == ("GIST", 2, 98, 174)
    assert text.q_cell(gist) == "2.49 (1, p = 0.114)"
    assert text.q_cell(gist) in table and esc(text.q_cell(gist)) in page
    assert text.pooled_note(gist) == gist.note == "k < 3: heterogeneity estimates are unreliable"
    assert text.pooled_note(gist) in table and esc(text.pooled_note(gist)) in page
    statistic = text.subgroup_statistic(comparison.subgroup_test)
    assert statistic.startswith("Test for subgroup differences (GIST vs non-GIST): Q = ")
    assert statistic in table and statistic in markdown.getvalue() and esc(statistic) in page


def test_pack_and_hang_wrap_by_one_rule() -> None:
    from imatinib_cli.render.layout import hang, pack

    design = ["Phase 2", "single-arm", "N enrolled 186"]
    assert pack(design, 20) == ["Phase 2 · single-arm", "N enrolled 186"]
    assert pack(design, 80) == ["Phase 2 · single-arm · N enrolled 186"]
    assert pack([], 20) == []
    note = "NCT00764595: registered study without posted results"
    assert hang("  ", note, 30) == ["  NCT00764595: registered", "  study without posted results"]
    assert hang("1. ", "", 30) == ["1. "]


def test_stated_flags_read_as_words() -> None:
    from imatinib_cli.models import Design, Flag

    design = Design(phase="II", randomized=Flag(True, SENTENCE), open_label=Flag(False, SENTENCE))
    assert [word for word, _flag in text.stated_flags(design)] == ["randomized", "blinded"]
    assert text.stated_flags(Design()) == []
