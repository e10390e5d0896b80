import pytest
from extract_helpers import findings, only_population, response

from imatinib_cli.models import Population
from imatinib_cli.resolve import resolve


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("Two of 30 patients (6.7%) achieved a partial response.", "pr", (2, 6.7)),
        ("The response rate was 12% (3/25).", "orr", (3, 12)),
        ("Overall, 79 patients (53.7 percent) had a partial response.", "pr", (79, 53.7)),
        ("Stable disease was seen in 41 patients (27.9%).", "sd", (41, 27.9)),
        ("Complete response (CR) was observed in 4 patients.", "cr", (4, None)),
        ("No patient had a complete response.", "cr", (0, None)),
        ("No objective responses were observed.", "orr", (0, None)),
        ("There were no objective responses.", "orr", (0, None)),
        (
            "The current response rates are 4% complete remission (CR) and 67% partial remission (PR).",
            "pr",
            (None, 67),
        ),
        ("Response could not be evaluated in 7 patients (4.8 percent).", "ne", (7, 4.8)),
        ("Five patients responded to imatinib.", "orr", (5, None)),
        ("The ORR was 50% (CR 2, PR 8).", "orr", (None, 50)),
        ("The ORR was 50% (CR 2, PR 8).", "pr", (8, None)),
        ("None of the 15 evaluable patients achieved an objective response.", "orr", (0, None)),
        ("Twenty (74%) of the 27 evaluable patients had stable disease.", "sd", (20, 74)),
        ("Objective response (CR + PR) was 12/40 (30%).", "orr", (12, 30)),
        ("The remaining 14 patients (28%) progressed.", "pd", (14, 28)),
        ("Two patients had disease progression.", "pd", (2, None)),
        ("Stable disease was the best response in two patients (10%).", "sd", (2, 10)),
        ("The overall response rate was 33·3% (5/15).", "orr", (5, 33.3)),
        ("Two were excluded from the response analysis because of missing imaging.", "ne", (2, None)),
    ],
)
def test_response_phrasings(text: str, category: str, expected: tuple) -> None:
    assert response(only_population(text), category) == expected


def test_a_definition_in_brackets_is_not_a_result() -> None:
    population = only_population("Objective response (CR + PR) was 12/40 (30%).")
    assert population.response("pr") is None and population.response("cr") is None
    assert population.n.value == 40


def test_counts_in_brackets_after_a_rate() -> None:
    population = only_population("Confirmed response occurred in 8.9% of patients (4 complete, 9 partial).")
    assert response(population, "orr") == (None, 8.9)
    assert response(population, "cr") == (4, None)
    assert response(population, "pr") == (9, None)


@pytest.mark.parametrize(
    "text",
    [
        "71% of the patients had received prior chemotherapy.",
        "Patients had a median age of 53 years and a WHO performance score of 1.",
        "The primary end point was tumor response at 48 weeks.",
        "One patient with systemic mastocytosis and a partial response to therapy had a KIT mutation.",
        "There were no significant differences in toxic effects or response between the two doses.",
    ],
)
def test_numbers_that_are_not_responses(text: str) -> None:
    assert all(not p.responses for p in findings(text).populations)


def test_responses_attach_to_the_population_named_in_each_clause() -> None:
    text = (
        "One hundred eighty-six patients were enrolled (78.5% solid tumors, 21.5% hematologic "
        "malignancies). Confirmed response occurred in 8.9% of solid tumor patients (4 complete, "
        "9 partial) and 27.5% of hematologic malignancy patients (8 complete, 3 partial)."
    )
    by_code = {p.tumor_type: p for p in findings(text).populations}
    assert set(by_code) == {"SOLID", "HEME"}
    assert response(by_code["SOLID"], "cr") == (4, None)
    assert response(by_code["SOLID"], "orr") == (None, 8.9)
    assert response(by_code["HEME"], "pr") == (3, None)
    assert response(by_code["HEME"], "orr") == (None, 27.5)
    assert by_code["SOLID"].n_share.value == 78.5


def test_a_reference_back_uses_the_previous_population() -> None:
    text = (
        "A total of 40 patients (20 GIST, 20 other soft tissue sarcomas) were entered. "
        "In GIST patients, 10 had a partial response. In the soft tissue sarcoma group, there were no "
        "objective responses. The median time to progression in this subgroup was 58 days."
    )
    result = findings(text)
    by_code = {p.tumor_type: p for p in result.populations}
    assert response(by_code["GIST"], "pr") == (10, None)
    sarcoma = next(p for code, p in by_code.items() if code != "GIST")
    assert response(sarcoma, "orr") == (0, None)
    ttp = [o for o in result.outcomes if o.kind == "median_ttp"]
    assert ttp and ttp[0].value.value == 58 and ttp[0].unit == "day"
    assert ttp[0].population == sarcoma.label


def test_evaluable_patients_are_the_denominator() -> None:
    from imatinib_cli.resolve import resolve

    result = findings(
        "Fifty-six patients with desmoid tumors were enrolled and 50 were evaluable for response. "
        "A partial response was seen in 8 patients (16%), and stable disease in 35 (70%)."
    )
    (study,) = resolve([result])
    (population,) = study.populations
    assert population.n.value == 56 and population.n_evaluable.value == 50
    assert not study.warnings
    assert response(population, "sd") == (35, 70)


BASKET = (
    "Sixty patients were treated: angiosarcoma (n = 16), leiomyosarcoma (n = 28), liposarcoma (n = 12) "
    "and synovial sarcoma (n = 4). "
)


def test_respectively_follows_the_order_populations_were_introduced() -> None:
    result = findings(BASKET + "Stable disease was seen in 5, 9, 4 and 3 patients, respectively.")
    sd = {p.tumor_type: response(p, "sd")[0] for p in result.populations}
    assert sd == {"ANGS": 5, "LMS": 9, "LIPO": 4, "SYNS": 3}


def test_a_negation_covers_every_population_named_together() -> None:
    result = findings(
        BASKET + "Partial responses were observed in one angiosarcoma patient and two leiomyosarcoma "
        "patients, with no responses in liposarcoma or synovial sarcoma."
    )
    by_type = {p.tumor_type: p for p in result.populations}
    assert response(by_type["ANGS"], "pr")[0] == 1 and response(by_type["LMS"], "pr")[0] == 2
    assert response(by_type["LIPO"], "orr")[0] == 0 and response(by_type["SYNS"], "orr")[0] == 0


def test_any_other_stratum_means_every_population_not_named() -> None:
    result = findings(
        BASKET + "One partial response was observed in a patient with angiosarcoma (1 of 16); no objective "
        "responses were seen in any other stratum."
    )
    by_type = {p.tumor_type: p for p in result.populations}
    assert by_type["ANGS"].response("orr") is None and response(by_type["ANGS"], "pr")[0] == 1
    assert {code: response(p, "orr")[0] for code, p in by_type.items() if code != "ANGS"} == {
        "LMS": 0,
        "LIPO": 0,
        "SYNS": 0,
    }


def test_a_plan_is_not_a_result() -> None:
    population = only_population(
        "METHODS: Patients with melanoma without a response could escalate to 800 mg daily.\n"
        "RESULTS: Twenty-five patients were treated. The overall response rate was 16% (4 of 25)."
    )
    assert response(population, "orr") == (4, 16)


def test_evaluable_counts_are_not_responses() -> None:
    population = only_population(
        "Twenty-eight patients with melanoma were enrolled and 25 were evaluable for response."
    )
    assert population.responses == ()


def test_a_shorter_name_refers_to_the_population_already_known() -> None:
    result = findings(
        "A total of 40 patients (36 GIST, 4 other soft tissue sarcomas) were treated. "
        "No responses were seen in the sarcoma patients."
    )
    assert {p.tumor_type for p in result.populations} == {"GIST", "STS"}
    sts = next(p for p in result.populations if p.tumor_type == "STS")
    assert response(sts, "orr") == (0, None)


def test_all_partial_means_pr_is_the_objective_response() -> None:
    population = only_population(
        "Forty patients with GIST were treated. The overall response rate was 52.5% (21/40), all partial "
        "responses, and 17 patients (42.5%) had stable disease."
    )
    assert response(population, "pr") == (21, 52.5)
    assert response(population, "cr") == (0, None)
    assert response(population, "sd") == (17, 42.5)


def test_one_category_counted_in_parts_is_summed() -> None:
    population = only_population(
        "Twenty-five patients with melanoma were treated. Best responses included 2 durable partial "
        "responses and 2 transient partial responses."
    )
    assert response(population, "pr") == (4, None)


def test_courses_are_not_counts() -> None:
    population = only_population(
        "Thirty patients with osteosarcoma were treated. Stable disease for at least two courses occurred "
        "in 3 patients."
    )
    assert response(population, "sd") == (3, None)


# --- issue 10, item 4: phrasings real documents use -------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("Three of 14 patients achieved a partial response.", "pr", (3, None)),
        ("4/16 patients had a partial response.", "pr", (4, None)),
        ("In all, 6/24 (25%) responded.", "orr", (6, 25)),
        ("Best responses were 6.7% CR, 40.0% PR, 33.3% SD and 20.0% PD.", "pr", (None, 40.0)),
        ("Best responses were 6.7% CR, 40.0% PR, 33.3% SD and 20.0% PD.", "pd", (None, 20.0)),
        ("CR, PR, SD and PD were 5.0%, 30.0%, 45.0% and 20.0%, respectively.", "sd", (None, 45.0)),
        ("CR, PR, SD and PD were 5.0%, 30.0%, 45.0% and 20.0%, respectively.", "cr", (None, 5.0)),
        ("Nine patients were stable after three months.", "sd", (9, None)),
        ("The best overall response rate (BORR) was 18%.", "orr", (None, 18)),
        ("The radiographic response rate was 21%.", "orr", (None, 21)),
        ("The objective tumour response rate was 9%.", "orr", (None, 9)),
        ("There was no tumour progression during treatment.", "pd", (0, None)),
        ("None progressed while on imatinib.", "pd", (0, None)),
        ("There were no complete responses.", "cr", (0, None)),
        ("No radiographic responses were seen.", "orr", (0, None)),
        ("There were no objective responders.", "orr", (0, None)),
        ("The trial gave a response rate of 0%.", "orr", (0, 0)),
        ("Eight patients (40%) had increasing disease.", "pd", (8, 40)),
        ("Except for 2 patients who developed primary imatinib resistance, all responded.", "pd", (2, None)),
        ("The best response was a single partial response (PR) at 3 months (ORR, 4%).", "orr", (None, 4)),
    ],
)
def test_more_response_phrasings(text: str, category: str, expected: tuple) -> None:
    assert response(only_population(text), category) == expected


def test_values_first_then_categories_respectively() -> None:
    population = only_population(
        "Tumor control was 60%: 6 patients (20.0%; 95% CI, 8% to 39%) and 12 patients (40.0%; 95% CI, "
        "23% to 59%) achieved partial response (PR) and stable disease (SD), respectively."
    )
    assert response(population, "pr") == (6, 20.0)
    assert response(population, "sd") == (12, 40.0)
    assert population.response("orr") is None  # tumor control is not ORR


def test_a_non_category_keeps_its_place_in_a_row_of_categories() -> None:
    population = only_population(
        "Of 80 patients, the response rate and the clinical benefit with imatinib were 45.0% and 80.0%, "
        "respectively."
    )
    assert response(population, "orr") == (None, 45.0)
    assert [r.category for r in population.responses] == ["orr"]


def test_a_breakdown_in_brackets_after_a_rate() -> None:
    population = only_population(
        "The response rate at 600 mg was 5% (0 complete response, 1 partial response)."
    )
    assert response(population, "orr") == (None, 5)
    assert response(population, "cr") == (0, None)
    assert response(population, "pr") == (1, None)


def test_a_subset_of_a_category_counts_the_category() -> None:
    population = only_population("Seven of the 8 PRs occurred in patients with exon 11 mutations.")
    assert response(population, "pr") == (8, None)


def test_the_evaluable_count_of_a_fraction_and_its_denominator() -> None:
    population = only_population(
        "Ten of 13 patients were evaluable for response. Rates were complete response 0/10, partial "
        "response 3/10 and stable disease 5/10."
    )
    assert population.n_evaluable.value == 10
    assert response(population, "pr") == (3, None)


# --- issue 10, item 2: numbers with another role ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "There were no other objective responses.",  # the rest, not everyone: no zero
        "A minor response (shrinkage under 30%) was seen in seven patients.",
        "Disease control was achieved in 14 patients (70%).",
        "The progression arrest rate at 6 months was 40%.",
        "Two patients (8%) had unconfirmed partial responses.",
        "Earlier studies reported response rates of 45% with this drug.",
        "In a previous trial, 12 patients had a partial response.",
        "Partial response was defined as a decrease of at least 30% in the sum of diameters.",
        "Complete responses were similar in the two arms at 3, 6 and 12 months.",
        "NOT COMPLETED 20 Adverse Event 9 Withdrawal by Subject 6 Disease progression 5",
        "Of these, 11 were ineligible or not evaluable (6 because of missing scans).",
        "Response was assessed with a two-stage design in 3 strata.",
        "Evaluable for toxicity but not response 2",
    ],
)
def test_numbers_with_another_role_are_not_results(text: str) -> None:
    for population in findings(text).populations:
        assert not population.responses, population.responses


def test_no_progression_at_a_time_point_is_not_a_zero() -> None:
    for population in findings("No patient had progression at 12 months.").populations:
        assert population.response("pd") is None


def test_a_label_inside_the_text_decides_whether_a_sentence_states_results() -> None:
    population = only_population(
        "Background: in earlier work, 5 of 10 patients had a partial response. Results: Of 20 patients with "
        "desmoid tumors, 3 had a partial response."
    )
    assert response(population, "pr") == (3, None)


# --- issue 10, item 3: arithmetic only on stated numbers --------------------------------------


def _resolved(text: str) -> Population:
    (study,) = resolve([findings(text)])
    (population,) = study.populations
    return population


def test_pr_alone_leaves_cr_and_orr_unknown() -> None:
    population = _resolved("Forty patients with GIST were treated. Twelve patients had a partial response.")
    assert response(population, "pr") == (12, 30.0)
    assert population.response("cr") is None and population.response("orr") is None


def test_categories_that_add_up_to_n_make_the_others_zero() -> None:
    population = _resolved(
        "Twenty patients with chordoma were treated. Four had a partial response, 12 had stable disease and "
        "4 had progressive disease."
    )
    assert response(population, "cr") == (0, 0)
    assert response(population, "ne") == (0, 0)
    assert response(population, "orr") == (4, 20.0)
    assert population.response("cr").count.derivation == "PR 4 + SD 12 + PD 4 = 20: no other category"


def test_the_best_response_bounds_the_better_categories() -> None:
    population = only_population("The best reported response was five partial responses (an ORR of 16%).")
    assert response(population, "pr") == (5, None)
    assert response(population, "cr") == (0, None)


def test_the_best_response_says_nothing_when_a_better_one_is_named_elsewhere() -> None:
    population = only_population(
        "In the first cohort, the best response was one partial response. Two complete responses "
        "were seen later."
    )
    assert response(population, "cr") == (2, None)


def test_time_points_in_a_list_are_not_counts_for_each_arm() -> None:
    result = findings(
        "Patients were randomized to arm A (400 mg daily) or arm B (800 mg daily). Complete response rates "
        "were similar in both arms at 3, 6 and 12 months."
    )
    assert all(population.response("cr") is None for population in result.populations)


def test_progression_at_a_time_point_is_a_rate_not_pd() -> None:
    for population in findings("Overall, 18% progression by 24 months was estimated.").populations:
        assert population.response("pd") is None
    population = only_population("Three patients had progression after 2 cycles.")
    assert response(population, "pd") == (3, None)


@pytest.mark.parametrize(
    "text",
    [
        "Fourteen patients responded (3 partial responses and 11 stable disease).",
        "The response rate (CR + PR + SD) was 55%.",
        "Responses (PR or SD) were seen in 11 of 18 patients.",
    ],
)
def test_a_response_that_counts_stable_disease_is_not_orr(text: str) -> None:
    for population in findings(text).populations:
        assert population.response("orr") is None


def test_the_categories_that_explain_a_rate_are_not_results() -> None:
    for population in findings("Responses (PR or SD) were seen in 11 of 18 patients.").populations:
        assert population.response("sd") is None and population.response("pr") is None


def test_an_explained_orr_reads_its_rate() -> None:
    assert response(only_population("The ORR (CR or PR) was 15%."), "orr") == (None, 15)


def test_labels_of_a_page_that_is_not_a_structured_abstract_are_ignored() -> None:
    population = only_population(
        "Study Design: one group. Condition: GIST. Partial response in 4 participants."
    )
    assert response(population, "pr") == (4, None)


def test_a_participle_clause_between_commas_is_stepped_over() -> None:
    population = only_population(
        "Four of 25 patients (16%, 95% CI 5-36), enrolled on an intention-to-treat basis, had an "
        "objective response."
    )
    assert response(population, "orr") == (4, 16)


def test_two_groups_side_by_side_are_not_one_populations_value() -> None:
    for population in findings(
        "Patients with exon 9 mutations had a lower response rate (30.0% vs. 60.5%, p = 0.02) than others."
    ).populations:
        assert population.response("orr") is None
