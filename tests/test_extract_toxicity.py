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


def test_count_then_percent_and_grade_at_least() -> None:
    result = findings(
        "Grade ≥3 skin rash occurred in one patient (4%); grade 3 neutropenia in 2 patients (8%)."
    )
    by_term = {e.term: e for e in result.adverse_events}
    rash = by_term["Rash maculo-papular"]
    assert (rash.percent.value, rash.count.value, rash.grade) == (4, 1, "≥3")
    assert (
        by_term["Neutrophil count decreased"].count.value,
        by_term["Neutrophil count decreased"].grade,
    ) == (
        2,
        "3",
    )


def test_respectively_pairs_events_with_their_percents() -> None:
    found = events(
        "Grade 3/4 neutropenia and thrombocytopenia occurred in 35% and 20% of patients, respectively."
    )
    assert found["Neutrophil count decreased"] == (35, "3/4")
    assert found["Platelet count decreased"] == (20, "3/4")


def test_an_event_missing_from_the_vocabulary_is_kept_without_a_term() -> None:
    result = findings("The most common adverse events were nausea (40%) and frobnitzitis (3%).")
    unknown = [e for e in result.adverse_events if e.term is None]
    assert [(e.as_written, e.percent.value) for e in unknown] == [("frobnitzitis", 3)]


def test_a_grade_does_not_cross_into_the_next_clause() -> None:
    found = events(
        "Grade 3 fatigue occurred in 9% of patients; one patient died of gastrointestinal hemorrhage."
    )
    assert found["Fatigue"] == (9, "3")
    assert [grade for term, (_, grade) in found.items() if "hemorrhage" in term.lower()] == [None]
