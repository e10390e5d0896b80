"""The hematologic axis: CHR, MCyR, CCyR, MMR ... as their own records, never tumor CR/ORR.

Sentences are paraphrases in this project's own words (different numbers from any document)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import load_schema, strict
from extract_helpers import findings, only_population

from imatinib_cli import render
from imatinib_cli.analyze import analyze
from imatinib_cli.evaluate import HEME_FIELDS, evaluate
from imatinib_cli.extract import heme
from imatinib_cli.models import Document, Report
from imatinib_cli.resolve import resolve
from imatinib_cli.resolve_rules import LEUKEMIA, RESTRICTED, disease_kind

ROOT = Path(__file__).resolve().parents[1]
HEME_GOLD = ROOT / "tests" / "gold" / "real-dev-heme.yaml"


def values(population, category: str) -> list[tuple[float | None, float | None, str | None]]:
    return [
        (h.count.value if h.count else None, h.percent.value if h.percent else None, h.timepoint)
        for h in population.heme_responses
        if h.category == category
    ]


def test_leukemia_responses_are_their_own_records_and_never_tumor_responses() -> None:
    population = only_population(
        "Sixty adults with chronic myeloid leukemia in chronic phase received imatinib 400 mg daily. "
        "A complete hematologic response was reached by 55 patients (92%). The rate of major "
        "cytogenetic response was 71% (complete in 48%). A major molecular response at 12 months "
        "was seen in 38%."
    )
    assert population.responses == ()  # no tumor CR, PR or ORR for a leukemia
    assert values(population, "chr") == [(55, 92, None)]
    assert values(population, "mcyr") == [(None, 71, None)]
    assert values(population, "ccyr") == [(None, 48, None)]
    assert values(population, "mmr") == [(None, 38, "at 12 months")]
    assert {h.axis for h in population.heme_responses} == {"hematologic", "cytogenetic", "molecular"}


def test_time_points_and_slash_lists() -> None:
    population = only_population(
        "Ninety patients with CML were treated. Best observed CHR/MCyR/CCyR (%) 97/81/70. "
        "Complete cytogenetic responses were seen at 6 months (CCyR: 44%) and 18 months (CCyR: 66%)."
    )
    assert values(population, "chr") == [(None, 97, None)]
    assert values(population, "mcyr") == [(None, 81, None)]
    assert (None, 70, None) in values(population, "ccyr")
    assert (None, 44, "at 6 months") in values(population, "ccyr")
    assert (None, 66, "18 months") in values(population, "ccyr")


def test_respectively_over_listed_time_points() -> None:
    population = only_population(
        "In 20 patients with systemic mastocytosis and the FIP1L1-PDGFRA fusion, complete hematologic "
        "remission (CHR) was reached within 2 or 4 mo in 45% (9/20) and 95% (19/20), respectively."
    )
    assert values(population, "chr") == [(9, 45, "within 2 mo"), (19, 95, "within 4 mo")]
    # Counted up to each time point: the latest is the best response so far, the group's CR.
    cr = population.response("cr")
    assert cr is not None and cr.count.value == 19 and cr.percent.value == 95
    assert population.n_evaluable is not None and population.n_evaluable.value == 20


def test_remissions_at_points_in_time_give_no_cr() -> None:
    population = only_population(
        "In 20 patients with systemic mastocytosis, complete hematologic remission was seen at 2 and 4 "
        "months in 45% and 60% of patients, respectively."
    )
    assert population.response("cr") is None  # "at": a response may be lost; no best is said


def test_a_bound_a_comparison_and_a_time_point_give_no_value() -> None:
    population = only_population(
        "In 80 patients with chronic myeloid leukemia, those who reached a CCyR stayed in response at "
        "36 months in >90%. Patients on the higher dose had more cytogenetic responses (31% compared "
        "to 18%). Complete hematologic responses were similar at 3, 6 and 12 months."
    )
    assert population.heme_responses == ()
    assert population.responses == ()


def test_versus_list_after_the_arms_it_compares() -> None:
    result = findings(
        "Patients with newly diagnosed chronic myeloid leukemia were randomized to nilotinib 300 mg "
        "twice daily (n = 280) or imatinib 400 mg once daily (n = 281). By 12 months, rates in the "
        "nilotinib and imatinib arms were: MMR in 43% versus 22%, and CCyR in 78% versus 65%."
    )
    arms = {p.arm: p for p in result.populations if p.arm}
    nilotinib = next(p for arm, p in arms.items() if "nilotinib" in arm)
    imatinib = next(p for arm, p in arms.items() if "imatinib" in arm and "nilotinib" not in arm)
    assert values(nilotinib, "mmr") == [(None, 43, "by 12 months")]
    assert values(imatinib, "mmr") == [(None, 22, "by 12 months")]
    assert values(imatinib, "ccyr") == [(None, 65, "by 12 months")]


def test_hes_keeps_a_stated_complete_remission_but_no_unspecified_response() -> None:
    hes = only_population(
        "Eleven patients with FIP1L1-PDGFRA-positive hypereosinophilic syndrome received imatinib "
        "100 mg daily; 10 of 11 achieved a complete hematologic remission."
    )
    assert (hes.response("cr").count.value, hes.tumor_type) == (10, "MLNPDGFRA")
    assert values(hes, "chr") == [(10, 90.9, None)]  # the share over the 11 it names: derived
    mpn = only_population("Of 30 patients with myeloproliferative neoplasms, 27 (90%) responded to imatinib.")
    assert mpn.response("orr") is None


def test_ph_all_complete_remission_is_hematologic() -> None:
    population = only_population(
        "Forty patients with Ph-positive acute lymphoblastic leukemia received imatinib with "
        "chemotherapy; the complete remission rate was 93%."
    )
    assert population.response("cr") is None
    assert values(population, "chr") == [(None, 93, None)]


def test_no_axis_for_a_solid_tumor() -> None:
    population = only_population(
        "In 25 patients with GIST, complete metabolic response (CMR) on PET was seen in 12 (48%)."
    )
    assert population.heme_responses == ()


def test_disease_kinds_come_from_the_vocabulary() -> None:
    assert disease_kind("CML") == LEUKEMIA
    assert disease_kind("BLLBCRABL1") == LEUKEMIA
    assert disease_kind("HES") == RESTRICTED
    assert disease_kind("SM") == RESTRICTED
    assert disease_kind("GIST") is None
    assert disease_kind(None) is None


def _cml_report() -> Report:
    text = (
        "Seventy patients with chronic myeloid leukemia received imatinib 400 mg daily. A complete "
        "cytogenetic response at 12 months was achieved by 49 patients (70%)."
    )
    document = Document(path="cml.txt", sha256="1" * 64, format="text", text=text)
    from imatinib_cli.extract import extract

    studies = resolve([extract(document)])
    return Report(documents=(document,), studies=tuple(studies))


def test_json_output_validates_and_compare_excludes_leukemias() -> None:
    report = _cml_report()
    data = json.loads(json.dumps(render.summary_json(report)))
    jsonschema.Draft202012Validator(strict(load_schema("summarize"))).validate(data)
    (population,) = data["studies"][0]["populations"]
    (ccyr,) = population["cytogenetic"]
    assert (ccyr["category"], ccyr["label"], ccyr["count"], ccyr["percent"], ccyr["timepoint"]) == (
        "ccyr",
        "CCyR",
        49,
        70,
        "at 12 months",
    )
    assert population["hematologic"] == [] and population["molecular"] == []
    assert all(value is None for value in population["response"].values())
    comparison = analyze(list(report.studies))
    assert comparison.rows == ()
    assert any("hematologic disease" in reason for _, reason in comparison.excluded)
    compared = json.loads(json.dumps(render.comparison_json(comparison)))
    jsonschema.Draft202012Validator(strict(load_schema("compare"))).validate(compared)
    (row,) = compared["hematologic_rows"]
    assert (row["axis"], row["category"], row["percent"]) == ("cytogenetic", "ccyr", 70)
    assert row["doses_mg_per_day"] == [400]


def test_summary_table_shows_the_axis_within_80_columns() -> None:
    import io

    from rich.console import Console

    from imatinib_cli.render.table import print_comparison, print_summary

    buffer = io.StringIO()
    print_summary(_cml_report(), Console(file=buffer, width=80, no_color=True))
    shown = buffer.getvalue()
    assert "CCyR 49 (70%) at 12 months" in shown
    assert max(len(line) for line in shown.splitlines()) <= 80
    buffer = io.StringIO()
    print_comparison(analyze(list(_cml_report().studies)), Console(file=buffer, width=80, no_color=True))
    table = [line for line in buffer.getvalue().splitlines() if "│" in line]
    assert any("CCyR 49 (70%) at 12" in line for line in table)
    assert max(len(line) for line in table) <= 80


@pytest.mark.skipif(not HEME_GOLD.exists(), reason="the gold file is part of the project")
def test_real_dev_heme_gold_scores_above_its_floor() -> None:
    """The corpus's blood-disease documents on the new keys (CI has ../shared)."""
    evaluation = evaluate(HEME_GOLD)
    scores = {s.field: s for s in evaluation.fields if s.field in HEME_FIELDS}
    tp = sum(s.tp for s in scores.values())
    fp = sum(s.fp for s in scores.values())
    fn = sum(s.fn for s in scores.values())
    assert tp / (tp + fp) >= 0.97  # never a false hematologic value
    assert tp / (tp + fn) >= 0.90
    assert scores["ccyr_percent"].tp >= 13 and scores["mcyr_percent"].tp >= 10
    assert scores["chr_percent"].tp >= 11 and scores["mmr_percent"].tp >= 7
    assert scores["cmr"].tp >= 4 and scores["cmr_percent"].tp >= 4 and scores["ccyr"].tp >= 2


def _arms(text: str) -> dict[str, object]:
    return {p.arm: p for p in findings(text).populations if p.arm}


def test_group_percents_in_a_bracket_after_the_phrase() -> None:
    arms = _arms(
        "A total of 150 patients with imatinib-pretreated CML were randomized between standard-dose "
        "imatinib (400 mg/d; arm A) and high-dose imatinib (600 mg/d; arm B). Complete hematologic "
        "responses were alike in the two groups at 2, 4 and 8 months (77% arm A, 81% arm B). "
        "More patients reached a major molecular response at 9 months in arm B compared "
        "to arm A (19% vs 8%). "
        "At 18 months, after the dose was lowered at month 7 in arm B, MCyR rates (the main endpoint) "
        "were close (52% arm A, 56% arm B)."
    )
    arm_a, arm_b = arms["arm A"], arms["arm B"]
    assert values(arm_a, "chr") == [(None, 77, "at 2, 4 and 8 months")]
    assert values(arm_b, "chr") == [(None, 81, "at 2, 4 and 8 months")]
    assert [v[:2] for v in values(arm_b, "mmr")] == [(None, 19)]  # named first, its value first
    assert [v[:2] for v in values(arm_a, "mmr")] == [(None, 8)]
    # The sentence's opening time point, not the dose change's; "month 7 in arm B" sizes nothing.
    assert values(arm_a, "mcyr") == [(None, 52, "at 18 months")]
    assert values(arm_b, "mcyr") == [(None, 56, "at 18 months")]
    assert arm_a.n is None and arm_b.n is None


def test_a_bracket_of_another_shape_is_not_split() -> None:
    arms = _arms(
        "Patients with chronic myeloid leukemia were randomized to imatinib 400 mg/d (arm A) or "
        "imatinib 800 mg/d (arm B). Rates of complete cytogenetic response differed at 12 months "
        "(61% and 70%, p = 0.04 in arm A)."
    )
    assert all(values(p, "ccyr") == [] for p in arms.values())


def test_listed_time_points_after_a_definition_and_one_of_them() -> None:
    result = findings(
        "Our phase II trial enrolled patients with eosinophilic myeloproliferative disorders (n=30) "
        "carrying a rearranged PDGFRA (FIP1L1-PDGFRA fusion, n=24) or PDGFRB (several partner genes, "
        "n=6). Complete molecular remission (CMR), defined as a negative nested PCR for "
        "FIP1L1-PDGFRA transcripts in blood, was reached within 4 or 8 mo in 30% (6/20) and 80% "
        "(12/15) of pts, respectively. All six pts with PDGFRB rearrangement received 400 mg/d and "
        "achieved a CHR after a median of 1.1 mo (range 0.6-3), two of them achieved a CMR."
    )
    by_arm = {p.arm: p for p in result.populations}
    assert values(by_arm["FIP1L1-PDGFRA"], "cmr") == [(6, 30, "within 4 mo"), (12, 80, "within 8 mo")]
    pdgfrb = by_arm["PDGFRB"]
    assert values(pdgfrb, "chr") == [(6, 100, None)]  # all six: 6 of 6, the share derived
    assert values(pdgfrb, "cmr") == [(2, 33.3, None)]
    (cmr,) = [h for h in pdgfrb.heme_responses if h.category == "cmr"]
    assert cmr.percent.derived and not cmr.count.derived


def test_two_kinds_sharing_one_head_noun() -> None:
    population = only_population(
        "Of 40 patients with myeloproliferative neoplasms and PDGFRB fusions, 95% responded; no patient "
        "who achieved a complete cytogenetic (n = 17) or molecular (n = 9) remission relapsed."
    )
    assert values(population, "ccyr") == [(17, None, None)]
    assert values(population, "cmr") == [(9, None, None)]
    lost = only_population(
        "Of 40 patients with myeloproliferative neoplasms, some lost a complete cytogenetic (n = 3) "
        "or molecular (n = 2) remission."
    )
    assert lost.heme_responses == ()  # a loss, not a response


def test_results_table_rows() -> None:
    population = only_population(
        "This update covers first-line imatinib patients with CML (n=410).\n"
        "Estimated major molecular response at 18 mos. (%) 44\n"
        "Estimated cumulative CCyR % at 36 mos. 81\n"
        "Estimated rate of loss of MCyR % at 36 mos. 4\n"
        "Patients in CCyR at 36 mos. (n) 300\n"
        "Remaining in CCyR at 36 mos. (%) >90\n"
    )
    assert values(population, "mmr") == [(None, 44, "at 18 mos")]
    assert values(population, "ccyr") == [(None, 81, "at 36 mos")]  # no count, no bound
    assert values(population, "mcyr") == []


def test_table_rows_are_searched_in_the_sections_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A results-table row ('Estimated cumulative MCyR % at 30 mos. 90') is read from the sections
    extraction reads; a page's navigation and references are not searched for rows at all."""
    from imatinib_cli.extract import extract
    from imatinib_cli.models import Section

    text = (
        "Menu\nEstimated cumulative MCyR % at 12 mos. 50\n\n"
        "Imatinib in chronic myeloid leukemia: 40 patients were treated with 400 mg daily.\n"
        "Estimated cumulative MCyR % at 30 mos. 90\n\n"
        "References\nEstimated cumulative MCyR % at 24 mos. 70\n"
    )
    body_start = text.index("Imatinib")
    body_end = text.index("References") - 2
    document = Document(
        path="page.txt",
        sha256="0" * 64,
        format="text",
        text=text,
        sections=(
            Section("boilerplate", 0, body_start - 2),
            Section("body", body_start, body_end),
            Section("boilerplate", body_end + 2, len(text)),
        ),
    )
    searched: list[tuple[int, int]] = []
    real = heme.table_rows

    def recorded(text: str, start: int, end: int) -> list:
        searched.append((start, end))
        return real(text, start, end)

    monkeypatch.setattr(heme, "table_rows", recorded)
    found = extract(document)
    assert searched == [(body_start, body_end)]
    (population,) = found.populations
    responses = [(r.category, r.percent.value, r.timepoint) for r in population.heme_responses]
    assert responses == [("mcyr", 90.0, "at 30 mos")]
