"""The four comparison views on the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from imatinib_cli.analyze import analyze
from imatinib_cli.errors import UsageError
from imatinib_cli.pipeline import summarize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def studies():
    return summarize([str(SEEDS)]).studies


def test_tumor_type_view_rows_intervals_and_subtotals(studies) -> None:
    comparison = analyze(studies, by="tumor-type")
    subtotals = {r.tumor_group: (r.responders, r.n) for r in comparison.rows if r.kind == "subtotal"}
    assert subtotals == {"GIST": (98, 174), "non-GIST": (24, 210)}
    pooled_arms = next(r for r in comparison.rows if r.pooled_arms)
    assert (pooled_arms.responders, pooled_arms.n) == (79, 147)
    assert (pooled_arms.ci_low, pooled_arms.ci_high) == (45.3, 62.0)
    sarcoma = next(r for r in comparison.rows if r.tumor_type == "STS")
    assert (sarcoma.responders, sarcoma.n, sarcoma.ci_low) == (0, 24, 0.0)
    assert sarcoma.ci_high == pytest.approx(14.2, abs=0.05)
    assert [study for study, _ in comparison.excluded] == ["NCT00764595"]


def test_pooled_estimates_name_their_method_and_test_the_difference(studies) -> None:
    comparison = analyze(studies, by="tumor-type")
    pooled = {p.group: p for p in comparison.pooled}
    assert set(pooled) == {"GIST", "non-GIST"}
    assert (pooled["GIST"].k, pooled["GIST"].events, pooled["GIST"].n) == (2, 98, 174)
    assert (pooled["non-GIST"].k, pooled["non-GIST"].events, pooled["non-GIST"].n) == (3, 24, 210)
    assert all(p.method and p.i2 is not None for p in pooled.values())
    assert pooled["GIST"].note  # k < 3
    assert comparison.subgroup_test is not None and comparison.subgroup_test.df == 1
    assert comparison.subgroup_test.p < 0.05


def test_wilson_intervals_differ_from_exact(studies) -> None:
    exact = analyze(studies, by="study")
    wilson = analyze(studies, by="study", ci="wilson", level=0.9)
    assert wilson.ci_method == "wilson" and wilson.level == 0.9
    assert [r.ci_low for r in exact.rows] != [r.ci_low for r in wilson.rows]


def test_study_view_has_one_row_per_study_population(studies) -> None:
    comparison = analyze(studies, by="study")
    assert len(comparison.rows) == 5
    assert all(r.kind == "row" and " / " in r.label for r in comparison.rows)
    assert all(r.evidence for r in comparison.rows)


def test_dose_view_splits_groups_at_each_dose(studies) -> None:
    comparison = analyze(studies, by="dose")
    rows = {(r.doses_mg_per_day, r.tumor_group): (r.responders, r.n) for r in comparison.rows}
    assert rows == {
        ((400.0,), "non-GIST"): (11, 40),
        ((400.0, 600.0), "GIST"): (79, 147),
        ((800.0,), "GIST"): (19, 27),
        ((800.0,), "non-GIST"): (13, 170),
    }


def test_toxicity_view_keeps_the_highest_frequency_and_its_studies(studies) -> None:
    comparison = analyze(studies, by="toxicity")
    assert comparison.rows == () and comparison.notes
    anemia = next(r for r in comparison.toxicity_rows if r.term == "Anemia")
    assert (anemia.max_percent, anemia.tumor_group, anemia.doses_mg_per_day) == (
        92,
        "GIST + non-GIST",
        (800.0,),
    )
    diarrhea = [r for r in comparison.toxicity_rows if r.term == "Diarrhea"]
    assert {r.max_percent for r in diarrhea} == {47, None}


def test_unknown_options_are_usage_errors(studies) -> None:
    for options in ({"by": "organ"}, {"ci": "bayes"}, {"transform": "arcsine"}, {"level": 1.5}):
        with pytest.raises(UsageError):
            analyze(studies, **options)


def _study_of(text: str):
    from imatinib_cli.extract import extract
    from imatinib_cli.models import Document
    from imatinib_cli.resolve import resolve

    document = Document(path="a.txt", sha256="0" * 64, format="text", text=text)
    (study,) = resolve([extract(document)])
    return study


def test_subgroups_at_the_whole_studys_dose_leave_the_whole_counted() -> None:
    # Biomarker subgroups are subsets of the whole: the whole is the unit, counted once.
    study = _study_of(
        "Imatinib in advanced gastrointestinal stromal tumors.\n\n"
        "RESULTS: Two hundred patients with advanced GIST received imatinib 400 mg daily. An objective "
        "response was seen in 110 patients (55%). Objective responses were seen in 12 of 40 patients "
        "(30%) with exon 9 mutations v 98 of 160 (61%) with exon 11 mutations."
    )
    assert sorted(p.arm or "" for p in study.populations) == ["", "exon 11", "exon 9"]
    comparison = analyze([study], by="study")
    assert [(row.n, row.responders) for row in comparison.rows if row.kind == "row"] == [(200, 110)]
    assert (
        sorted(reason for _, reason in comparison.excluded)
        == ["subgroup of a population counted as a whole (same dose)"] * 2
    )


def test_arms_at_different_doses_are_counted_instead_of_the_pooled_whole() -> None:
    study = _study_of(
        "Imatinib in advanced gastrointestinal stromal tumors.\n\n"
        "RESULTS: Eighty patients with advanced GIST were randomized to imatinib 400 mg daily (arm A) or "
        "600 mg daily (arm B); 40 patients were assigned to each arm. Overall, 20 of 80 patients had an "
        "objective response. An objective response was seen in 8 patients in arm A and 12 patients in arm B."
    )
    assert {p.arm: [d.mg_per_day for d in p.doses] for p in study.populations if p.arm} == {
        "arm A": [400],
        "arm B": [600],
    }
    comparison = analyze([study], by="study")
    rows = sorted((row.n, row.responders) for row in comparison.rows if row.kind == "row")
    assert rows == [(40, 8), (40, 12)]
    assert [reason for _, reason in comparison.excluded] == ["pooled result; its arms are counted"]


def test_a_population_size_that_is_not_a_whole_number_is_excluded_not_pooled() -> None:
    # Found by the fuzzer: a registry size of 0.4 passed "n > 0" and became 0 patients in the pool.
    import dataclasses

    study = _study_of(
        "Imatinib in advanced gastrointestinal stromal tumors.\n\n"
        "RESULTS: Thirty patients with advanced GIST received imatinib 400 mg daily. An objective "
        "response was seen in 12 patients (40%)."
    )
    (population,) = study.populations
    broken = dataclasses.replace(population, n=dataclasses.replace(population.n, value=0.4))
    study = dataclasses.replace(study, populations=(broken,))
    comparison = analyze([study], by="tumor-type")
    assert [row for row in comparison.rows if row.kind == "row"] == []
    assert [reason for _, reason in comparison.excluded] == [
        "population size or responders not a whole number"
    ]
