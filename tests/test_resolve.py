from imatinib_cli.extract import extract
from imatinib_cli.models import AdverseEvent, Document, Evidence, Metadata, Population, Quantity
from imatinib_cli.resolve import event_percents, resolve


def doc(path: str, text: str, **metadata: object) -> Document:
    return Document(path=path, sha256="0" * 64, format="text", text=text, metadata=Metadata(**metadata))


def test_documents_with_one_doi_are_one_study_and_conflicts_are_kept_as_warnings() -> None:
    first = doc(
        "a.txt",
        "Forty patients with GIST were treated. Ten patients (25%) had a partial response.",
        doi="10.1/X.1",
        title="Imatinib in advanced GIST: a phase II study",
    )
    second = doc(
        "b.txt",
        "Forty patients with GIST were treated. Twelve patients had a partial response.",
        doi="10.1/x.1",
    )
    (study,) = resolve([extract(first), extract(second)])
    assert study.sources == ("a.txt", "b.txt")
    (population,) = study.populations
    assert population.response("pr").count.value == 10
    assert any("PR count stated as 10 (a.txt) and 12 (b.txt)" in w.message for w in study.warnings)
    assert {e.document for w in study.warnings for e in w.evidence} == {"a.txt", "b.txt"}


def test_documents_join_on_normalized_title() -> None:
    one = doc(
        "a.txt",
        "Thirty patients with GIST were enrolled.",
        title="Imatinib for GIST: A Phase II Trial.",
        journal="J Clin Oncol",
        year=2004,
    )
    two = doc(
        "b.txt",
        "Five patients had a partial response.",
        title="imatinib for gist - a phase ii trial",
        year=2004,
    )
    assert len(resolve([extract(one), extract(two)])) == 1


def test_a_title_guessed_from_a_bare_text_file_does_not_merge() -> None:
    one = doc(
        "a.txt", "Thirty patients with GIST were enrolled.", title="Imatinib is a tyrosine kinase inhibitor"
    )
    two = doc(
        "b.txt", "Twelve patients with DFSP were enrolled.", title="Imatinib is a tyrosine kinase inhibitor"
    )
    assert len(resolve([extract(one), extract(two)])) == 2


def test_derived_values_are_marked_with_how_they_were_derived() -> None:
    (study,) = resolve(
        [
            extract(
                doc(
                    "a.txt",
                    "A total of 20 patients with GIST were treated. "
                    "The response rates were 10% complete response and 40% partial response.",
                )
            )
        ]
    )
    (population,) = study.populations
    cr, pr, orr = (population.response(c) for c in ("cr", "pr", "orr"))
    assert (cr.count.value, cr.count.derived, cr.count.derivation) == (2, True, "10% of 20")
    assert (pr.count.value, orr.count.value, orr.percent.value) == (8, 10, 50)
    assert orr.derived and orr.count.derivation == "CR 2 + PR 8"


def test_stated_count_and_percent_that_disagree_are_flagged() -> None:
    (study,) = resolve(
        [
            extract(
                doc(
                    "a.txt",
                    "Forty patients with GIST were enrolled. Ten patients (40%) had a partial response.",
                )
            )
        ]
    )
    assert any("10/40 is 25.0%, but 40% is stated" in w.message for w in study.warnings)


def test_a_document_without_any_fact_makes_no_study() -> None:
    assert resolve([extract(doc("notes.txt", "Shopping list: milk, eggs."))]) == []


def test_a_registry_record_and_its_publication_are_one_study() -> None:
    registry = doc(
        "reg.txt",
        "Imatinib in GIST. Actual Enrollment : | 40 participants |",
        nct_id="NCT01234567",
        reference_pmids=("99999999",),
        title="Imatinib in GIST (registry title)",
    )
    publication = doc(
        "pub.txt",
        "Forty patients with GIST were treated. Ten had a partial response.",
        pmid="99999999",
        title="Imatinib for advanced GIST: results of a phase II study",
    )
    alias = doc(
        "alias.txt",
        "Forty patients with GIST were treated.",
        other_ids=("NCT01234567",),
        nct_id="NCT07654321",
    )
    (study,) = resolve([extract(registry), extract(publication), extract(alias)])
    assert study.id == "NCT01234567"
    # Sources in precedence order: the publication states the most results (N, PR), then the
    # registry record (more metadata than the alias), whatever order they came in.
    assert study.sources == ("pub.txt", "reg.txt", "alias.txt")
    assert any("nct_id" in w.message for w in study.warnings)


def test_a_dose_without_mg_per_day_stated_by_two_documents_is_kept_once() -> None:
    text = (
        "Forty children with GIST received imatinib 260 mg/m2 daily. "
        "Ten patients (25%) had a partial response."
    )
    first, second = doc("a.txt", text, doi="10.1/y.2"), doc("b.txt", text, doi="10.1/y.2")
    (study,) = resolve([extract(first), extract(second)])
    (population,) = study.populations
    assert [(d.mg_per_day, d.as_written) for d in population.doses] == [
        (None, population.doses[0].as_written)
    ]
    assert "260" in population.doses[0].as_written


def _only(text: str):  # type: ignore[no-untyped-def]
    (study,) = resolve([extract(doc("a.txt", text))])
    return study, study.populations[0]


def test_not_evaluable_is_the_enrolled_minus_the_evaluable_without_a_percent() -> None:
    _, population = _only(
        "Thirty-two patients with advanced chordoma were enrolled and 29 were evaluable for response. "
        "Two patients (6.9%) had a partial response and 20 had stable disease."
    )
    ne = population.response("ne")
    assert ne.count.value == 3 and ne.count.derived
    assert ne.count.derivation == "32 - 29 evaluable"
    assert ne.percent is None  # a share of the evaluable means nothing for the not evaluable


def test_patients_with_measurable_disease_are_the_group_and_complete_categories_give_ne_zero() -> None:
    _, population = _only(
        "A total of 150 patients with metastatic GIST received imatinib 400 mg daily. The best responses "
        "of the 90 patients with measurable lesions were 5 complete responses, 50 partial responses, "
        "30 stable disease and 5 progressive disease."
    )
    ne = population.response("ne")
    assert ne.count.value == 0 and ne.percent.value == 0  # not 150 - 90: those were never measurable


def test_no_not_evaluable_count_when_some_patients_were_ineligible() -> None:
    _, population = _only(
        "Forty patients with ovarian cancer were registered; 9 were ineligible or not evaluable. "
        "Of 31 evaluable patients, 1 had a partial response and 12 had stable disease."
    )
    assert population.response("ne") is None


def test_a_zero_count_is_zero_percent_even_without_the_group_size() -> None:
    study, _ = _only(
        "Imatinib was given to patients with thymic carcinoma. No complete or partial responses "
        "were observed in the thymoma cohort."
    )
    values = [
        (r.count.value, r.percent.value)
        for p in study.populations
        for r in p.responses
        if r.category in ("cr", "pr")
    ]
    assert values and all(value == (0, 0) for value in values)


def test_a_stated_response_rate_is_the_partial_rate_when_no_complete_response() -> None:
    _, population = _only(
        "Forty-five patients with desmoid tumors were treated with imatinib 600 mg daily. The best "
        "response was eight partial responses, giving an overall response rate of 18%."
    )
    pr = population.response("pr")
    assert pr.count.value == 8 and not pr.count.derived
    assert pr.percent.value == 18 and pr.percent.derivation == "ORR 18% with CR 0"  # not 8/45 = 17.8
    assert population.response("cr").count.value == 0


def test_complete_response_named_in_a_clinical_benefit_definition_does_not_block_cr_zero() -> None:
    _, population = _only(
        "Among 40 patients with chordoma evaluable by RECIST, the best response was one partial response "
        "(ORR, 2.5%). Twenty-five patients had stable disease and the clinical benefit rate (complete "
        "response + PR + SD for 6 months) was 60%."
    )
    assert population.response("cr").count.value == 0
    assert population.response("orr").count.value == 1


# -- adverse events: a count over its group's size ---------------------------------------------


def _event(count: float | None, arm: str | None = None, percent: float | None = None) -> AdverseEvent:
    where = Evidence("x.txt", 0, 1, "")
    return AdverseEvent(
        term="Nausea",
        as_written="nausea",
        soc=None,
        percent=Quantity(percent, where) if percent is not None else None,
        count=Quantity(count, where) if count is not None else None,
        grade=None,
        evidence=where,
        arm=arm,
    )


def _group(n: float, arm: str | None = None, criterion: str | None = None, label: str = "GIST") -> Population:
    return Population(
        label=label,
        tumor_type="GIST",
        tumor_name="GIST",
        tumor_group="GIST",
        n=Quantity(n, Evidence("x.txt", 0, 1, "")),
        arm=arm,
        criterion=criterion,
    )


def test_a_count_in_a_single_group_study_gets_its_percent_over_the_treated_n() -> None:
    text = (
        "Twenty patients with advanced GIST were treated with imatinib 400 mg daily, and 16 were evaluable"
        " for response. Grade 3 neutropenia occurred in 2 patients."
    )
    (study,) = resolve([extract(doc("a.txt", text))])
    (event,) = [e for e in study.adverse_events if e.term == "Neutrophil count decreased"]
    assert (event.count.value, event.percent.value) == (2, 10.0)
    assert event.percent.derived and event.percent.derivation == "2/20"


def test_the_denominator_of_an_event_count_is_used_only_where_no_other_group_is_meant() -> None:
    total = Quantity(30.0, Evidence("x.txt", 0, 1, ""))
    # Subgroups of a stated total: the count is over the whole study.
    whole = [_group(30), _group(12, label="Ewing sarcoma")]
    assert event_percents([_event(3)], whole, total)[0].percent.value == 10.0
    # Two subgroups and no total: either could be meant.
    assert event_percents([_event(3)], whole, None)[0].percent is None
    # A second criterion on the same patients is not another group.
    by_pet = [_group(30), _group(19, criterion="PET")]
    assert event_percents([_event(3)], by_pet, None)[0].percent.value == 10.0
    # Arms: an event with its arm takes that arm's N; one without an arm takes none.
    arms = [_group(30), _group(14, arm="Arm A"), _group(16, arm="Arm B")]
    (with_arm,) = event_percents([_event(2, arm="B")], arms, total)
    assert (with_arm.percent.value, with_arm.percent.derivation) == (12.5, "2/16")
    assert event_percents([_event(2)], arms, total)[0].percent is None
    assert event_percents([_event(2, arm="2")], arms, total)[0].percent is None  # a place, not a name
    # Never over 100%, and a stated percent is never replaced.
    assert event_percents([_event(31)], [_group(30)], total)[0].percent is None
    assert event_percents([_event(3, percent=11.0)], [_group(30)], total)[0].percent.value == 11.0
