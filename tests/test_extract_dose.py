import pytest
from extract_helpers import findings


def doses(text: str) -> list[float | None]:
    populations = findings(text).populations
    return sorted({d.mg_per_day for p in populations for d in p.doses}, key=lambda v: (v is None, v))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patients received imatinib 400 mg twice daily (bid).", [800]),
        ("They were treated with imatinib 400 mg b.i.d. until progression.", [800]),
        ("Imatinib was given at 600 mg once daily.", [600]),
        ("Imatinib 400 mg/d was given to all patients.", [400]),
        ("Patients were randomly assigned to receive 400 mg or 600 mg of imatinib daily.", [400, 600]),
        ("Dose levels were 400, 600, 800 and 1000 mg/day.", [400, 600, 800, 1000]),
        ("Imatinib 300 mg q12h was given.", [600]),
        ("Imatinib 260 mg/m2 daily was given to children.", [None]),
        ("Hemoglobin of at least 8.0 mg/dL was required.", []),
        ("Imatinib 800 mg/day was given; dose reduction to 600 mg/day was needed in 10 patients.", [800]),
        ("Imatinib 300 mg twice/day was given in 21-day cycles.", [600]),
        ("Patients took imatinib 400 mg/d; those who progressed could escalate the dose to 600 mg/d.", [400]),
        ("No responses were seen after raising imatinib to 800 mg/day in 9 patients.", []),
        ("Patients received HU 1000 mg twice daily plus imatinib 300 mg daily.", [300]),
        ("Imatinib was given at 340 mg/m(2)/day in 28-day courses.", [None]),
        ("Patients took imatinib 300 mg by mouth daily with letrozole.", [300]),
    ],
)
def test_doses_normalized_to_mg_per_day(text: str, expected: list) -> None:
    assert doses(text) == expected


def test_respectively_gives_each_population_its_dose() -> None:
    text = (
        "One hundred patients were enrolled (60% solid tumors, 40% hematologic malignancies). "
        "Patients were treated with 400 or 800 mg/d imatinib for hematologic malignancy and solid "
        "tumors, respectively."
    )
    by_code = {p.tumor_type: [d.mg_per_day for d in p.doses] for p in findings(text).populations}
    assert by_code == {"SOLID": [800], "HEME": [400]}


def test_randomized_arms_reported_together_are_pooled() -> None:
    text = (
        "In this randomized trial, 60 patients with GIST were randomly assigned to 400 mg or 800 mg "
        "imatinib daily. Overall, 30 patients (50%) had a partial response."
    )
    population = findings(text).populations[0]
    assert population.pooled_arms
    assert [d.mg_per_day for d in population.doses] == [400, 800]


def test_a_conclusion_about_dose_is_not_a_population_dose() -> None:
    text = (
        "A total of 40 patients (36 GIST, 4 other soft tissue sarcomas) were treated. Imatinib was given at "
        "400 mg once daily or 400 mg twice daily. In GIST, the recommended dose is 400 mg twice daily."
    )
    by_code = {p.tumor_type: sorted(d.mg_per_day for d in p.doses) for p in findings(text).populations}
    assert by_code == {"GIST": [400, 800], "STS": [400, 800]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Every name of imatinib in schedules.yaml counts: the dose after another drug is imatinib's.
        ("Patients previously given hydroxyurea then STI571 400 mg daily.", [400]),
        ("Patients on hydroxyurea and Glivec 400 mg daily were studied.", [400]),
        ("Hydroxyurea followed by Gleevec 600 mg daily was given.", [600]),
        ("Patients received 400 mg of Glivec twice daily.", [800]),
    ],
)
def test_any_name_of_imatinib_marks_its_dose(text: str, expected: list) -> None:
    assert doses(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A comparison a few words before the amount: not a dose this study assigned.
        (
            "Children received imatinib 260 mg/m2 daily; exposure was similar to that of adults "
            "treated with 400 mg daily.",
            [None],
        ),
        # A change in one clause does not reach past the ';' to the next one.
        ("Imatinib was escalated to 800 mg daily; the others received 400 mg daily.", [400]),
    ],
)
def test_a_modification_or_comparison_cue_covers_its_own_clause(text: str, expected: list) -> None:
    assert doses(text) == expected
