"""Populations: every group with its own size, doses and values (sentences written for these tests)."""

from extract_helpers import findings, response

from imatinib_cli.models import Population


def by_label(text: str) -> dict[str, Population]:
    return {p.label: p for p in findings(text).populations}


def test_tumor_subgroups_listed_inline_with_their_sizes() -> None:
    pops = by_label(
        "A total of 52 patients with advanced sarcomas received imatinib 400 mg twice daily. Partial "
        "responses were seen in one leiomyosarcoma (n = 15), no synovial sarcomas (n = 8) and two "
        "liposarcomas (n = 11)."
    )
    assert pops["leiomyosarcoma"].n.value == 15
    assert response(pops["leiomyosarcoma"], "pr") == (1, None)
    assert pops["synovial sarcomas"].n.value == 8
    assert response(pops["synovial sarcomas"], "pr") == (0, None)
    assert pops["liposarcomas"].n.value == 11
    assert response(pops["liposarcomas"], "pr") == (2, None)
    # the bracketed sizes are never counts of the whole study
    assert pops["advanced sarcomas"].response("pr") is None
    assert [d.mg_per_day for d in pops["liposarcomas"].doses] == [800]


def test_tumor_subgroup_sizes_in_prose() -> None:
    pops = by_label(
        "We enrolled 88 patients (38 with melanoma, 29 with renal cell carcinoma and 21 with sarcoma) "
        "and treated them with imatinib 600 mg daily. One renal cell carcinoma patient had a partial "
        "response."
    )
    assert {label: p.n.value for label, p in pops.items()} == {
        "melanoma": 38,
        "renal cell carcinoma": 29,
        "sarcoma": 21,
    }
    assert response(pops["renal cell carcinoma"], "pr") == (1, None)


def test_biomarker_subgroups_side_by_side() -> None:
    pops = by_label(
        "Clinical data of 300 patients with advanced GIST treated with imatinib 400 mg/day were "
        "reviewed. Of the 271 genotyped, KIT mutations were 190 (70.1%) in exon 11 and 30 (11.1%) in exon 9. "
        "Patients with KIT exon 9 mutations, compared with patients with KIT exon 11 mutations, had a "
        "lower objective response rate (33.3% vs. 61.1%, p = 0.01)."
    )
    exon9 = pops["advanced GIST, exon 9"]
    exon11 = pops["advanced GIST, exon 11"]
    assert (exon9.arm, exon9.n.value, response(exon9, "orr")) == ("exon 9", 30, (None, 33.3))
    assert (exon11.arm, exon11.n.value, response(exon11, "orr")) == ("exon 11", 190, (None, 61.1))
    assert [d.mg_per_day for d in exon9.doses] == [400]
    assert pops["advanced GIST"].response("orr") is None


def test_a_negated_variant_is_the_complement_subgroup() -> None:
    pops = by_label(
        "Twenty patients with PDGFRA-mutant GIST received imatinib. The response rate differed between "
        "patients with the D842V mutation and those with non-D842V mutations (0% [0/4] vs. 75% [6/8])."
    )
    assert response(pops["GIST, D842V"], "orr") == (0, 0)
    assert pops["GIST, D842V"].n.value == 4
    assert response(pops["GIST, non-D842V"], "orr") == (6, 75)
    assert pops["GIST, non-D842V"].n.value == 8


def test_counts_with_a_v_between_subgroups() -> None:
    pops = by_label(
        "Forty patients with GIST received imatinib 400 mg daily. A partial response occurred in 6 of "
        "12 (50%) with exon 11 mutations v none of 7 with wild-type tumors."
    )
    assert response(pops["GIST, exon 11"], "pr") == (6, 50)
    assert pops["GIST, exon 11"].n.value == 12
    assert response(pops["GIST, wild-type"], "pr") == (0, None)
    assert pops["GIST, wild-type"].n.value == 7


def test_a_subgroup_named_in_passing_does_not_take_the_result() -> None:
    pops = by_label(
        "We treated 30 adults with advanced GIST with imatinib 400 mg once daily. Overall, 6 of "
        "30 patients (20%) had a partial response, all among the 8 patients without D842V."
    )
    assert list(pops) == ["advanced GIST"]
    assert response(pops["advanced GIST"], "pr") == (6, 20)


def test_a_blood_disease_that_responded_gets_no_tumor_orr() -> None:
    # "responded" says nothing about which kind of response a mastocytosis had (hematologic axis).
    pops = by_label(
        "We treated 30 adults with systemic mastocytosis with imatinib 400 mg once daily. Overall, 6 of "
        "30 patients (20%) responded, all among the 8 patients without D816V."
    )
    assert list(pops) == ["systemic mastocytosis"]
    assert pops["systemic mastocytosis"].response("orr") is None


def test_screened_total_and_measurable_denominator() -> None:
    population = findings(
        "Genotyping in 640 patients identified 21 patients with PDGFRA mutations who were treated with "
        "imatinib. The best responses of the 17 patients with measurable disease were: 1 complete "
        "response and 9 partial responses."
    ).populations[0]
    assert population.n.value == 21
    assert population.n_evaluable.value == 17


def test_assessed_for_genotype_is_not_evaluable_for_response() -> None:
    population = findings(
        "In all, 150 patients with GIST were treated with imatinib. Of 120 patients assessed for "
        "genotype, 90 had KIT exon 11 mutations."
    ).populations[0]
    assert population.n_evaluable is None


def test_numbered_arms_capitalized() -> None:
    pops = by_label(
        "Sixty patients with GIST were randomized between two schedules. Arm 1: 14% partial response; "
        "Arm 2: 8% partial response."
    )
    assert response(pops["GIST, Arm 1"], "pr") == (None, 14)
    assert response(pops["GIST, Arm 2"], "pr") == (None, 8)


def test_a_second_criterion_is_kept_apart() -> None:
    pops = by_label(
        "Twelve patients with advanced chordoma were treated with imatinib 400 mg daily. Of 11 patients "
        "evaluable, we had two RECIST partial responses, eight stable disease and one progressive "
        "disease. By Choi criteria we had six partial responses, four stable disease and one "
        "progressive disease."
    )
    main = pops["advanced chordoma"]
    choi = pops["advanced chordoma (by Choi)"]
    assert (main.criterion, response(main, "pr"), response(main, "sd")) == (None, (2, None), (8, None))
    assert (choi.criterion, response(choi, "pr"), response(choi, "sd")) == ("Choi", (6, None), (4, None))


def test_a_cohort_defined_inside_an_outcome_sentence() -> None:
    pops = findings(
        "We reviewed 37 patients with localized rectal GIST treated at six centres. Of 14 patients who "
        "received neoadjuvant imatinib for a median of 6 months, 10 had a partial response, 3 had stable "
        "disease and 1 had a complete response. Nine patients received adjuvant imatinib."
    ).populations
    whole = next(p for p in pops if p.arm is None)
    neoadjuvant = next(p for p in pops if p.arm and "neoadjuvant" in p.arm)
    adjuvant = next(p for p in pops if p.arm and "adjuvant imatinib" in p.arm and p is not neoadjuvant)
    assert whole.n.value == 37 and whole.response("pr") is None
    assert neoadjuvant.n.value == 14
    assert [response(neoadjuvant, c) for c in ("pr", "sd", "cr")] == [(10, None), (3, None), (1, None)]
    assert adjuvant.n.value == 9 and not adjuvant.responses


def test_an_escalated_cohort_keeps_its_own_dose_and_result() -> None:
    pops = findings(
        "Forty patients with metastatic melanoma received imatinib 400 mg/d. Eight patients had a partial "
        "response. Twelve patients who progressed were allowed to escalate the dose to 800 mg/d; only two "
        "of the 12 patients who received dose escalation to 800 mg/d achieved stable disease."
    ).populations
    whole = next(p for p in pops if p.arm is None)
    escalated = next(p for p in pops if p.arm is not None)
    assert [d.mg_per_day for d in whole.doses] == [400]
    assert response(whole, "pr") == (8, None) and whole.response("sd") is None
    assert escalated.n.value == 12 and [d.mg_per_day for d in escalated.doses] == [800]
    assert response(escalated, "sd") == (2, None)


def test_a_result_after_a_dose_increase_with_its_fraction() -> None:
    pops = findings(
        "Thirty patients with sarcoma received imatinib 600 mg/day. One patient had a partial response. "
        "There were no further objective responses after raising imatinib to 800 mg/day (0/9)."
    ).populations
    escalated = next(p for p in pops if p.arm is not None)
    assert escalated.n.value == 9 and [d.mg_per_day for d in escalated.doses] == [800]
    assert response(escalated, "orr") == (0, None)
    whole = next(p for p in pops if p.arm is None)
    assert [d.mg_per_day for d in whole.doses] == [600]


def test_the_evaluable_patients_are_not_a_cohort() -> None:
    pops = findings(
        "Forty-four patients with GIST were enrolled and received imatinib 400 mg daily. Of the 40 "
        "patients who were evaluable, 12 had a partial response."
    ).populations
    assert len(pops) == 1 and response(pops[0], "pr") == (12, None)


def test_confirmed_subset_of_the_enrolled_is_the_population() -> None:
    found = findings(
        "A total of 210 patients with CML were enrolled, of whom 187 had a confirmed diagnosis of blast "
        "crisis. Imatinib was given at 600 mg/d."
    )
    assert [p.n.value for p in found.populations] == [187]
    assert found.design.n_enrolled.value == 210


def test_an_arm_without_imatinib_takes_no_imatinib_dose() -> None:
    pops = findings(
        "Between 2011 and 2014, 17 patients with meningioma were randomized to receive HU plus imatinib "
        "(N = 9; Arm A) or HU alone (N = 8; Arm B). Imatinib was given at 400 mg daily."
    ).populations
    assert {p.arm: (p.n.value, [d.mg_per_day for d in p.doses]) for p in pops} == {
        "Arm A": (9, [400]),
        "Arm B": (8, []),
    }


def test_arms_named_after_their_doses_in_brackets() -> None:
    pops = findings(
        "180 patients with pretreated CML were randomized, comparing standard dose imatinib (400 mg/d; "
        "arm A) with high dose imatinib (800 mg/d for 3 months) followed by imatinib 400 mg/d (arm B). "
        "Major cytogenetic response at 6 months was 30% in arm A and 45% in arm B."
    ).populations
    doses = {p.arm: sorted(d.mg_per_day for d in p.doses) for p in pops}
    assert doses == {"arm A": [400], "arm B": [400, 800]}  # the 180 randomized are not a third group
