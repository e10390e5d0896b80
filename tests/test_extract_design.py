import pytest
from extract_helpers import findings


def enrolled(text: str) -> float | None:
    design = findings(text).design
    return design.n_enrolled.value if design.n_enrolled else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One hundred eighty-six patients with 40 different malignancies were enrolled.", 186),
        ("A total of 51 patients (27 GIST, 24 other STS), median age 53 years, were entered.", 51),
        ("Forty patients with GIST were given imatinib 400 mg daily.", 40),
        ("Of 30 patients with GIST, 10 (33.3%) had a partial response.", 30),
        ("Actual Enrollment : | 5 participants |", 5),
        ("The dose was increased to 400 mg daily in patients who progressed.", None),
        ("Patients 18 years or older were enrolled.", None),
        ("In 2004, patients were enrolled at 12 centres.", None),
    ],
)
def test_number_enrolled(text: str, expected: float | None) -> None:
    assert enrolled(text) == expected


def test_design_flags_and_phase() -> None:
    design = findings(
        "This was a phase I/II, open-label, single-arm, multicentre study of imatinib in 30 patients."
    ).design
    assert design.phase == "1/2"
    assert design.open_label.value and design.single_arm.value and design.multicenter.value
    assert design.randomized is None


def test_non_randomized_is_a_stated_no() -> None:
    design = findings("In this non-randomized phase II trial, 20 patients were treated.").design
    assert design.randomized is not None and design.randomized.value is False
    assert design.phase == "2"


def test_responders_in_n_patients_are_not_the_enrolled() -> None:
    text = "Partial response was observed in 45 patients (45%) and stable disease in 32 (32%)."
    assert enrolled(text) is None


def test_administered_to_n_patients_is_enrollment() -> None:
    text = "Imatinib 400 mg/day was administered orally to 54 patients with chronic phase CML."
    assert enrolled(text) == 54


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mutation screening in 640 patients found 21 patients with BRAF mutations who were treated.", 21),
        ("In all, 310 patients were genotyped, and 27 patients with the fusion were treated.", 27),
        ("We analyzed the records of 44 Caucasian patients treated with imatinib.", 44),
        ("Results: Twenty-two fully evaluable patients were enrolled.", 22),
    ],
)
def test_a_screened_total_is_not_the_enrolled(text: str, expected: float) -> None:
    design = findings(text).design
    assert design.n_enrolled is not None and design.n_enrolled.value == expected
