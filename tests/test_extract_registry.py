from imatinib_cli.extract import extract
from imatinib_cli.models import (
    Document,
    Evidence,
    Metadata,
    RegistryAdverseEvent,
    RegistryGroup,
    RegistryMeasure,
    RegistryResults,
)
from imatinib_cli.resolve import resolve


def at(path: str, quote: str) -> Evidence:
    return Evidence("nct.json", 0, 0, quote, path=path)


RESULTS = RegistryResults(
    groups=(
        RegistryGroup(
            "OG000",
            "Imatinib 400 mg",
            None,
            20,
            at("resultsSection.outcomeMeasuresModule.outcomeMeasures[0].groups[0]", "Imatinib 400 mg"),
        ),
        RegistryGroup("OG001", "Imatinib 800 mg", None, None, None),
    ),
    measures=(
        RegistryMeasure(
            "Best Overall Response",
            "primary",
            "COUNT_OF_PARTICIPANTS",
            "Participants",
            "Partial Response",
            "OG000",
            6,
            20,
            at(
                "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].classes[0].categories[1].measurements[0].value",
                "Partial Response: 6",
            ),
        ),
        RegistryMeasure(
            "Best Overall Response",
            "primary",
            "COUNT_OF_PARTICIPANTS",
            "Participants",
            "Complete Response",
            "OG000",
            1,
            20,
            at(
                "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].classes[0].categories[0].measurements[0].value",
                "Complete Response: 1",
            ),
        ),
        RegistryMeasure(
            "Participant Flow",
            "flow",
            None,
            None,
            "STARTED",
            "OG001",
            22,
            None,
            at(
                "resultsSection.participantFlowModule.periods[0].milestones[0].achievements[1].numSubjects",
                "STARTED: 22",
            ),
        ),
        RegistryMeasure(
            "Quality of life score",
            "secondary",
            "MEAN",
            "units",
            None,
            "OG000",
            71.5,
            20,
            at(
                "resultsSection.outcomeMeasuresModule.outcomeMeasures[1].classes[0].categories[0].measurements[0].value",
                "71.5",
            ),
        ),
    ),
    adverse_events=(
        RegistryAdverseEvent(
            "Nausea",
            "Gastrointestinal disorders",
            "OG000",
            5,
            20,
            False,
            at("resultsSection.adverseEventsModule.otherEvents[0].stats[0].numAffected", "Nausea: 5 of 20"),
        ),
        RegistryAdverseEvent(
            "Nausea",
            "Gastrointestinal disorders",
            "OG001",
            9,
            22,
            False,
            at("resultsSection.adverseEventsModule.otherEvents[0].stats[1].numAffected", "Nausea: 9 of 22"),
        ),
    ),
)


def document() -> Document:
    return Document(
        path="nct.json",
        sha256="0" * 64,
        format="ctgov_json",
        text="Imatinib in advanced gastrointestinal stromal tumors.",
        metadata=Metadata(nct_id="NCT01234567", results_posted=True),
        registry_results=RESULTS,
    )


def test_posted_results_become_arm_populations_with_paths() -> None:
    (study,) = resolve([extract(document())])
    arms = {p.arm: p for p in study.populations if p.arm}
    low, high = arms["Imatinib 400 mg"], arms["Imatinib 800 mg"]
    assert low.tumor_type == "GIST" and low.n.value == 20 and high.n.value == 22
    assert low.response("pr").count.value == 6 and low.response("cr").count.value == 1
    assert low.response("orr").count.value == 7 and low.response("orr").count.derived
    assert low.response("pr").evidence.path.endswith("categories[1].measurements[0].value")
    assert high.responses == ()


def test_registry_adverse_events_keep_each_group_and_derive_percents() -> None:
    (study,) = resolve([extract(document())])
    nausea = sorted(
        (e.count.value, e.percent.value, e.percent.derived)
        for e in study.adverse_events
        if e.term == "Nausea"
    )
    assert nausea == [(5, 25.0, True), (9, 40.9, True)]
    assert all(e.evidence.path for e in study.adverse_events)


def test_total_groups_are_not_populations_and_other_drugs_give_no_imatinib_dose() -> None:
    results = RegistryResults(
        groups=(
            RegistryGroup("OG000", "Nelfinavir", None, 15, None),
            RegistryGroup("OG001", "All Participants", None, 15, None),
        )
    )
    nelfinavir = Document(
        path="other.xml",
        sha256="0" * 64,
        format="ctgov_xml",
        text="Nelfinavir 1250 mg twice daily in adenoid cystic carcinoma.",
        metadata=Metadata(title="Nelfinavir in adenoid cystic carcinoma", nct_id="NCT01065844"),
        registry_results=results,
    )
    result = extract(nelfinavir)
    # One group besides the total: that group is the study population itself, with its size.
    assert [p.arm for p in result.populations if p.arm] == []
    assert [p.n.value for p in result.populations] == [15]
    assert all(not p.doses for p in result.populations)
    assert any("does not name imatinib" in w.message for w in result.warnings)


def test_a_single_results_group_is_the_study_and_its_description_gives_the_dose() -> None:
    results = RegistryResults(
        groups=(
            RegistryGroup(
                "FG000",
                "Imatinib",
                "Participants took imatinib 600 mg once daily until progression.",
                33,
                at("resultsSection.participantFlowModule.groups[0]", "Imatinib: 33 started"),
            ),
        )
    )
    record = Document(
        path="one.json",
        sha256="0" * 64,
        format="ctgov_json",
        text="Imatinib in advanced gastrointestinal stromal tumors. 120 patients were screened.",
        metadata=Metadata(title="Imatinib in advanced GIST", nct_id="NCT01234567"),
        registry_results=results,
    )
    (population,) = extract(record).populations
    assert population.n.value == 33 and population.arm is None
    (dose,) = population.doses
    assert dose.mg_per_day == 600
    assert dose.evidence.path == "resultsSection.participantFlowModule.groups[0]"
