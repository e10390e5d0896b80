from extract_helpers import findings


def events(text: str) -> dict[str, tuple]:
    return {e.term: (e.percent.value if e.percent else None, e.grade) for e in findings(text).adverse_events}


def test_listed_side_effects_with_frequencies_and_british_spellings() -> None:
    text = (
        "The most frequent side-effects were anaemia (92%), periorbital oedema (84%), skin rash (69%), "
        "fatigue (76%), nausea (57%), granulocytopenia (47%) and diarrhoea (47%)."
    )
    assert events(text) == {
        "Anemia": (92, None),
        "Periorbital edema": (84, None),
        "Rash maculo-papular": (69, None),
        "Fatigue": (76, None),
        "Nausea": (57, None),
        "Neutrophil count decreased": (47, None),
        "Diarrhea": (47, None),
    }


def test_events_named_without_a_frequency() -> None:
    found = events(
        "Therapy was well tolerated, although mild-to-moderate edema, diarrhea, and fatigue were common."
    )
    assert found["Diarrhea"] == (None, None)
    assert found["Fatigue"] == (None, None)
    assert len(found) == 3


def test_frequency_after_occurred_in() -> None:
    result = findings(
        "Gastrointestinal or intraabdominal hemorrhage occurred in approximately 5 percent of patients."
    )
    (event,) = result.adverse_events
    assert event.percent.value == 5 and event.approximate
    assert event.as_written.lower() == "gastrointestinal or intraabdominal hemorrhage"


def test_grade_three_four_percent() -> None:
    found = events("Grade 3/4 toxicities included neutropenia (12%) and grade 3 or 4 thrombocytopenia (5%).")
    assert found["Neutrophil count decreased"] == (12, "3/4")
    assert found["Platelet count decreased"] == (5, "3/4")


def test_adverse_event_words_outside_toxicity_context_are_ignored() -> None:
    assert events("Patients with anemia were excluded from the analysis of 30 patients.") == {}
