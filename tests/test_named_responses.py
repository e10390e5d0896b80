"""Responses closed by the document's own words, sizes of analysis sets and arms, and event counts
over the whole study (issue 10, second wave). Every sentence here is invented for the test."""

from __future__ import annotations

from extract_helpers import findings, response

from imatinib_cli.extract.numbers import find_numbers
from imatinib_cli.models import Study
from imatinib_cli.resolve import resolve


def study(text: str) -> Study:
    studies = resolve([findings(text)])
    assert len(studies) == 1
    return studies[0]


def by_label(s: Study, word: str):
    return next(p for p in s.populations if word in p.label)


def test_a_subject_described_by_a_with_phrase_is_counted() -> None:
    s = study(
        "Results: Six patients were enrolled and evaluated. One patient with 2+/3+ KIT staining and 3+ "
        "PDGFRB expression had a partial response lasting 5 cycles. Three patients had progression after "
        "2 cycles. Two patients were not evaluable because of withdrawal."
    )
    (population,) = s.populations
    assert response(population, "pr") == (1, 16.7)
    # 1 PR + 3 PD + 2 NE = 6: nobody else, so CR and SD are 0 and ORR is the PR.
    assert response(population, "cr") == (0, 0.0)
    assert response(population, "sd") == (0, 0.0)
    assert response(population, "orr") == (1, 16.7)


def test_a_group_size_before_a_comparison_is_not_a_count() -> None:
    s = study(
        "Forty patients with melanoma were treated. The 12 patients with KIT mutations had a higher "
        "response rate than the others."
    )
    (population,) = s.populations
    assert population.response("orr") is None


def test_no_other_objective_responses_closes_the_named_ones() -> None:
    s = study(
        "Fifty eligible patients with relapsed solid tumors were enrolled and 44 were evaluable for "
        "response. Only one partial "
        "response was seen among 18 patients with osteosarcoma. There were no other objective responses."
    )
    whole = next(p for p in s.populations if p.n is not None and p.n.value == 50)
    sub = by_label(s, "osteosarcoma")
    assert response(sub, "cr") == (0, 0.0)
    assert response(sub, "orr") == (1, 5.6)
    # The whole study: the one PR is all there was, over the 44 evaluable.
    assert response(whole, "pr") == (1, 2.3)
    assert response(whole, "cr") == (0, 0.0)
    assert response(whole, "orr") == (1, 2.3)


def test_without_that_sentence_an_unstated_cr_stays_unknown() -> None:
    s = study(
        "Fifty eligible patients were enrolled. Only one partial response was seen among 18 patients "
        "with osteosarcoma."
    )
    sub = by_label(s, "osteosarcoma")
    assert sub.response("cr") is None
    assert sub.response("orr") is None


def test_the_full_analysis_set_is_the_population_size() -> None:
    s = study(
        "A total of 60 patients were enroled in this study. In the full analysis set of 57 patients, "
        "treatment was completed in 50. The response rate by RECIST was 40%."
    )
    (population,) = s.populations
    assert population.n is not None and population.n.value == 57
    assert s.design.n_enrolled is not None and s.design.n_enrolled.value == 60
    assert response(population, "orr") == (23, 40.0)
    assert population.response("ne") is None  # 60 - 57 are not said to be unevaluable


def test_a_section_label_glued_to_a_number_word() -> None:
    text = "METHODSThirty-six cases of advanced disease were included."
    assert [(n.value, text[n.start : n.end]) for n in find_numbers(text)] == [(36.0, "Thirty-six")]


def test_arm_sizes_and_counts_over_all_patients() -> None:
    s = study(
        "Methods: Patients were either newly diagnosed (arm A) or had progressed after initial therapy "
        "(arm B). "
        "Patients in arm A received 400 mg/day imatinib in combination with radiotherapy. Patients in "
        "arm B received 400 mg/day imatinib alone. Results: Forty patients with glioma were enrolled, "
        "of which 15 "
        "were included in arm A and 25 in arm B. The main grade 3 events were fatigue (present in 8 "
        "patients) and rash (4 patients)."
    )
    arms = {
        p.arm: (p.n.value if p.n else None, [d.mg_per_day for d in p.doses]) for p in s.populations if p.arm
    }
    assert arms == {"arm A": (15, [400]), "arm B": (25, [400])}
    whole = [p for p in s.populations if p.arm is None]
    assert len(whole) == 1 and whole[0].n is not None and whole[0].n.value == 40
    percents = {e.as_written.lower(): e.percent.value for e in s.adverse_events if e.percent}
    assert percents == {"fatigue": 20.0, "rash": 10.0}


def test_an_arm_sentence_keeps_its_count_without_a_percent() -> None:
    s = study(
        "Forty patients were enrolled: 15 in arm A and 25 in arm B. Grade 3 fatigue occurred in 6 "
        "patients in arm B."
    )
    fatigue = [e for e in s.adverse_events if "fatigue" in e.as_written.lower()]
    assert fatigue and all(e.percent is None or e.arm is not None for e in fatigue)


def test_event_counts_over_the_enrolled_in_a_study_with_a_cohort() -> None:
    s = study(
        "Thirty patients with plexiform tumours were enrolled; four of 30 (13%) had a partial response. "
        "Of the 20 patients who received imatinib for at least 6 months, "
        "five (25%) had a partial response. The most common adverse events were skin rash (six patients) "
        "and oedema (three)."
    )
    percents = {e.as_written.lower(): e.percent.value for e in s.adverse_events if e.percent}
    assert percents == {"skin rash": 20.0, "oedema": 10.0}
