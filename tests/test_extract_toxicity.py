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


def rows(text: str) -> list[tuple]:
    """(term or words, percent, count, grade, arm, derived) per event, in text order."""
    return [
        (
            e.term or e.as_written,
            e.percent.value if e.percent else None,
            e.count.value if e.count else None,
            e.grade,
            e.arm,
            bool(e.percent and e.percent.derived),
        )
        for e in findings(text).adverse_events
    ]


def test_per_grade_pairs_take_the_grades_of_their_header() -> None:
    found = rows("Toxicities (all grades; grade 3): fatigue (41%; 6%), oedema (33%; 2%).")
    assert found == [
        ("Fatigue", 41, None, None, None, False),
        ("Fatigue", 6, None, "3", None, False),
        ("Generalized edema", 33, None, None, None, False),
        ("Generalized edema", 2, None, "3", None, False),
    ]


def test_per_arm_pairs_keep_one_value_per_arm_and_carry_the_arm_names() -> None:
    found = rows(
        "Grade 3 or worse adverse events included neutropenia (9 [22%] of 41 patients in the imatinib "
        "group vs two [5%] of 39 in the placebo group) and nausea (three [7%] vs none)."
    )
    assert found == [
        ("Neutrophil count decreased", 22, 9, "≥3", "imatinib group", False),
        ("Neutrophil count decreased", 5, 2, "≥3", "placebo group", False),
        ("Nausea", 7, 3, "≥3", "imatinib group", False),
        ("Nausea", 0, 0, "≥3", "placebo group", True),
    ]


def test_per_arm_pairs_without_arm_names_are_numbered() -> None:
    assert rows("The commonest side effect was anaemia 31% vs 12%.") == [
        ("Anemia", 31, None, None, "1", False),
        ("Anemia", 12, None, None, "2", False),
    ]


def test_per_arm_percents_labelled_by_the_arm_letter() -> None:
    found = rows(
        "Grade 3/4 hematological toxicities were more common in arm B [neutropenia: 15% (A), 36% (B); "
        "thrombocytopenia: 9% (A), 28% (B)]."
    )
    assert [(term, percent, arm) for term, percent, _, _, arm, _ in found] == [
        ("Neutrophil count decreased", 15, "A"),
        ("Neutrophil count decreased", 36, "B"),
        ("Platelet count decreased", 9, "A"),
        ("Platelet count decreased", 28, "B"),
    ]


def test_a_count_over_a_stated_n_gets_a_derived_percent() -> None:
    (event,) = findings("Grade 3 neutropenia occurred in 5 of 48 patients.").adverse_events
    assert (event.count.value, event.percent.value, event.grade) == (5, 10.4, "3")
    assert event.percent.derived and event.percent.derivation == "5/48"


def test_a_count_larger_than_its_n_is_no_frequency() -> None:
    assert [
        e for e in findings("Nausea occurred in 7 of 5 patients.").adverse_events if e.count or e.percent
    ] == []


def test_aggregate_rates_are_kept_with_their_words() -> None:
    text = (
        "Nine (18%) patients had grade 3–4 toxicities. Twelve percent of patients experienced grade 4 "
        "haematological toxicity and 29% experienced grade 3 nonhematologic toxicity. Mild to moderate "
        "or severe toxic reactions were recorded in 24/60 patients."
    )
    events = findings(text).adverse_events
    assert [(e.term, e.as_written, e.percent.value, e.count and e.count.value, e.grade) for e in events] == [
        (None, "grade 3–4 toxicities", 18, 9, "3/4"),
        (None, "grade 4 haematological toxicity", 12, None, "4"),
        (None, "grade 3 nonhematologic toxicity", 29, None, "3"),
        (None, "Mild to moderate or severe toxic reactions", 40.0, 24, None),
    ]
    assert events[-1].percent.derived


def test_an_aggregate_compared_between_arms() -> None:
    found = rows("Serious adverse events were more frequent with chemotherapy (72% vs 25%; P = .01).")
    assert found == [
        ("Serious adverse events", 72, None, None, "1", False),
        ("Serious adverse events", 25, None, None, "2", False),
    ]


def test_a_count_of_patients_stopping_for_adverse_events_is_not_a_toxicity() -> None:
    text = (
        "Ten patients (45%) had progressive disease, and four (18%) stopped treatment early because of "
        "adverse events."
    )
    assert findings(text).adverse_events == ()


def test_bounds_are_not_frequencies() -> None:
    text = "Adverse events occurring in at least 15% of patients were nausea and oedema (more than 20%)."
    assert all(e.percent is None for e in findings(text).adverse_events)


def test_a_toxicity_table_saved_as_text() -> None:
    text = (
        "Table 2. Adverse events in the study. Patients N (%) Event All grades Grade 3–4 "
        "Nausea 18 (40) 2 (4) Periorbital oedema 25 (56) Treatment stopped 6 (13)"
    )
    assert rows(text) == [
        ("Nausea", 40, 18, None, None, False),
        ("Nausea", 4, 2, "3/4", None, False),
        ("Periorbital edema", 56, 25, None, None, False),
    ]


def test_respectively_with_an_aggregate_and_a_qualified_event() -> None:
    events = findings(
        "In the combination cohort, grades III and IV cytopenias and transient hepatotoxicity led to dose "
        "delays in 70% and 35% of patients, respectively."
    ).adverse_events
    assert [(e.term, e.as_written, e.percent.value, e.grade) for e in events] == [
        (None, "grades III and IV cytopenias", 70, "3/4"),
        ("Alanine aminotransferase increased", "transient hepatotoxicity", 35, None),
    ]


def test_counts_in_a_list_and_an_unknown_event_with_a_count() -> None:
    found = rows(
        "The main grade 3 events were seizure (present in 9 patients), pneumonia (3 pts), dyspnoea (1pt) "
        "and memory complaints (4 patients)."
    )
    assert [(term, count) for term, _, count, _, _, _ in found] == [
        ("Seizure", 9),
        ("Lung infection", 3),
        ("Dyspnea", 1),
        ("memory complaints", 4),
    ]


def test_lay_synonyms_map_to_ctcae_terms() -> None:
    found = events(
        "Side effects were leg swelling (20%), itchy skin (11%), a rise in creatinine increment (4%) and "
        "pulmonary emboli (2%)."
    )
    assert found["Edema limbs"] == (20, None)
    assert found["Pruritus"] == (11, None)
    assert found["Thromboembolic event"] == (2, None)


def test_an_aggregate_per_named_arm_and_a_list_after_a_linking_verb() -> None:
    found = rows(
        "Grade 3 or 4 adverse events occurred in 41.5% of patients in the imatinib group and 22.1% in the "
        "control group; the most frequent were frobnitzitis (4%) and nausea (3%)."
    )
    assert found == [
        ("Grade 3 or 4 adverse events", 41.5, None, "3/4", "imatinib group", False),
        ("Grade 3 or 4 adverse events", 22.1, None, "3/4", "control group", False),
        ("frobnitzitis", 4, None, None, None, False),
        ("Nausea", 3, None, None, None, False),
    ]


def test_a_sentence_whose_subject_is_the_patients_left_unsaid() -> None:
    text = (
        "Five patients died on study. Three with a treatment-unrelated fatal MI. One patient developed"
        " bowel perforation not related to therapy."
    )
    assert rows(text) == [
        ("Myocardial infarction", None, 3.0, None, None, False),
        ("bowel perforation", None, 1.0, None, None, False),
    ]


def test_mi_alone_is_not_read_as_an_event() -> None:
    # In GIST papers "MI" is also the mitotic index.
    assert rows("A high MI was seen in 14 patients, and grade 3 toxicities were rare.") == []


def test_an_event_without_a_ctcae_term_needs_a_frequency() -> None:
    assert rows("Side effects included migraine and nausea.") == [("Nausea", None, None, None, None, False)]


def test_one_percent_shared_by_coordinated_events() -> None:
    text = "Nausea and migraine were the most frequent events, occurring both in 30% of patients."
    assert rows(text) == [
        ("Nausea", 30.0, None, None, None, False),
        ("migraine", 30.0, None, None, None, False),
    ]
    text = "The most frequent side effects were fatigue, rash and myalgia, each in 12% of patients."
    assert [row[:2] for row in rows(text)] == [
        ("Fatigue", 12.0),
        ("Rash maculo-papular", 12.0),
        ("Myalgia", 12.0),
    ]
    # 'both' with three events names none of them for certain.
    assert all(
        row[1] is None for row in rows("Rash, fatigue and nausea were frequent side effects, both in 30%.")
    )


def test_an_elided_count_takes_its_siblings_noun_and_a_with_pair_is_one_event() -> None:
    text = "The most common adverse events were rash (four patients) and oedema with weight gain (seven)."
    assert rows(text) == [
        ("Rash maculo-papular", None, 4.0, None, None, False),
        ("oedema with weight gain", None, 7.0, None, None, False),
    ]
    # Without a sibling that wrote the noun, a bracketed number is no count (it may be a reference).
    assert rows("Common side effects were fatigue (3) and nausea.")[0][2] is None


def test_as_many_cases_as_events_named_is_one_each_but_not_for_patients() -> None:
    text = "Serious complications occurred in three cases: agranulocytosis, tumour perforation and sepsis."
    found = findings(text).adverse_events
    assert [(e.as_written, e.count.value, e.count.derived) for e in found] == [
        ("agranulocytosis", 1.0, True),
        ("tumour perforation", 1.0, True),
        ("sepsis", 1.0, True),
    ]
    assert found[0].count.derivation == "3 cases, 3 events named"
    # Two cases but three events, or patients (one may have had two events): no count.
    assert all(e.count is None for e in findings(text.replace("three cases", "two cases")).adverse_events)
    two_patients = "Two patients had grade 3 toxicities: agranulocytosis and sepsis."
    assert all(e.count is None for e in findings(two_patients).adverse_events if e.term)


def test_per_arm_slash_counts_after_a_legend() -> None:
    text = (
        "Twenty patients were randomized to arm A (n = 9) or arm B (n = 11). Median PFS (A/B) was 3/5"
        " months. Grade 3-4 toxicities were: neutropenia in 2/0 and headache in 1/1."
    )
    assert rows(text) == [
        ("Neutrophil count decreased", None, 2.0, "3/4", "A", False),
        ("Neutrophil count decreased", 0.0, 0.0, "3/4", "B", True),
        ("Headache", None, 1.0, "3/4", "A", False),
        ("Headache", None, 1.0, "3/4", "B", False),
    ]
    # Without the legend, '1/12' is a count over a total.
    assert rows("Grade 3 neutropenia occurred in 1/12 patients.") == [
        ("Neutrophil count decreased", 8.3, 1.0, "3", None, True)
    ]


def test_a_table_whose_rows_hold_every_event_in_a_sentence_with_no_cue() -> None:
    # Every hit is a table row (none is left for the per-hit passes) and nothing says "adverse":
    # the rows are read all the same.
    text = "Table 3. Patients N (%) All grades Grade 1–2 Nausea 18 (40) 16 (36) Fatigue 9 (20) 8 (18)"
    assert rows(text) == [
        ("Nausea", 40, 18, None, None, False),
        ("Nausea", 36, 16, "1/2", None, False),
        ("Fatigue", 20, 9, None, None, False),
        ("Fatigue", 18, 8, "1/2", None, False),
    ]
