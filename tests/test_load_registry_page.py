"""Registry results pages saved as text: their tables read as registry results, never as prose.

Every page here is made up (invented arms, numbers and identifiers) in the three shapes such pages
take: pipe tables, cells separated by runs of spaces, and one cell per line (mirror sites).
"""

from __future__ import annotations

from imatinib_cli.extract import extract
from imatinib_cli.load import ctgov_page
from imatinib_cli.load._dispatch import read_records
from imatinib_cli.load._results_text import read_results_text
from imatinib_cli.models import Document
from imatinib_cli.resolve import resolve

PIPE_PAGE = """\
Imatinib at Two Doses in Advanced Widget Sarcoma
ClinicalTrials.gov Identifier: NCT09876543
Recruitment Status : Completed
Results First Posted : May 2, 2019

Participant Flow

| Measure | Low Dose Imatinib | High Dose Imatinib |
| --- | --- | --- |
| STARTED | 38 | 41 |
| COMPLETED | 30 | 29 |
| NOT COMPLETED | 8 | 12 |
| Adverse Event | 3 | 7 |
| Disease progression | 5 | 5 |

Reporting Groups
| Low Dose Imatinib | Imatinib 300 mg orally once daily. |
| High Dose Imatinib | Imatinib 300 mg orally twice daily. |

Baseline Characteristics
| Measure | Low Dose Imatinib | High Dose Imatinib |
| Age, years (mean) | 58 | 61 |

Outcome Measures

1. Primary: Best Overall Response   [ Time Frame: 12 months ]
Unit of Measure: participants
| Measure | Low Dose Imatinib | High Dose Imatinib |
| Number of Participants Analyzed | 36 | 40 |
| Complete Response | 1 | 2 |
| Partial Response | 9 | 14 |

2. Secondary: Disease Control Score   [ Time Frame: 12 months ]
| Measure | Low Dose Imatinib | High Dose Imatinib |
| Stable Disease | 12.5 | 20.0 |

Serious Adverse Events
| | Low Dose Imatinib | High Dose Imatinib |
| Total, serious adverse events | 4/38 (10.53%) | 6/41 (14.63%) |
| Blood and lymphatic system disorders | | |
| Anaemia * 1 | 2/38 (5.26%) | 3/41 (7.32%) |
"""

MIRROR_PAGE = """\
Trial Outcomes & Findings for Imatinib in Widget Tumors (NCT NCT01234567)

NCT ID: NCT01234567

Last Updated: 2021-03-04

Recruitment status

COMPLETED

Study phase

PHASE1, PHASE2

Participant Flow

Participant milestones

Participant milestones
Measure
Imatinib 600 mg
Patients took 300 mg imatinib twice daily (b.i.d.) by mouth, 600 mg imatinib being the daily total.
Imatinib 300 mg
Patients took 300 mg imatinib once daily.
Overall Study
STARTED
25
27
Overall Study
NOT COMPLETED
6
4

Reasons for withdrawal

Reasons for withdrawal
Measure
Imatinib 600 mg
Patients took 300 mg imatinib twice daily (b.i.d.) by mouth, 600 mg imatinib being the daily total.
Imatinib 300 mg
Patients took 300 mg imatinib once daily.
Overall Study
Progressive Disease
2
1
Overall Study
Physician Decision
4
3"""  # cut inside its last row, as a stored page is: "3" may be the start of "31"

SPACED_PAGE = """\
Imatinib in Rare Widget Tumors
ClinicalTrials.gov Identifier: NCT05555555
Recruitment Status : Completed

  Participant Flow

Reporting Groups
      Description
Widget cohort   Every patient took imatinib 500 mg once daily.

Participant Flow:   Overall Study
      Widget cohort
STARTED   19
COMPLETED   11
NOT COMPLETED   8
Disease progression   6
Death   2
"""


def _page(text: str, path: str = "page.txt") -> Document:
    (document,) = read_records(path, "0" * 64, text)
    return document


def test_pipe_tables_give_groups_flow_outcomes_and_adverse_events_with_spans() -> None:
    document = _page(PIPE_PAGE)
    assert document.format == "ctgov_page"
    results = document.registry_results
    assert results is not None
    groups = {g.title: g for g in results.groups}
    assert {t: g.n for t, g in groups.items()} == {"Low Dose Imatinib": 38, "High Dose Imatinib": 41}
    assert groups["High Dose Imatinib"].description == "Imatinib 300 mg orally twice daily."
    flow = {
        (m.category, groups_title(results, m.group_id)): m.value for m in results.measures if m.kind == "flow"
    }
    assert flow[("NOT COMPLETED: Adverse Event", "High Dose Imatinib")] == 7
    assert flow[("NOT COMPLETED: Disease progression", "Low Dose Imatinib")] == 5
    assert flow[("COMPLETED", "High Dose Imatinib")] == 29
    partial = [m for m in results.measures if m.category == "Partial Response"]
    assert [(m.value, m.denominator, m.param_type) for m in partial] == [
        (9, 36, "COUNT_OF_PARTICIPANTS"),
        (14, 40, "COUNT_OF_PARTICIPANTS"),
    ]
    # Every value's evidence is the number itself in the text.
    for measure in results.measures:
        assert document.text[measure.evidence.start : measure.evidence.end] == f"{measure.value:g}"
    # No unit stated: what 12.5 counts is unknown, so it is not read.
    assert not [m for m in results.measures if m.category == "Stable Disease"]
    # Baseline values are never results.
    assert not [m for m in results.measures if "Age" in (m.category or "")]
    anaemia = [(e.term, e.affected, e.at_risk, e.serious) for e in results.adverse_events]
    assert anaemia == [("Anaemia", 2, 38, True), ("Anaemia", 3, 41, True)]
    assert all(e.organ_system == "Blood and lymphatic system disorders" for e in results.adverse_events)


def groups_title(results: object, group_id: str) -> str:
    return next(g.title for g in results.groups if g.id == group_id)  # type: ignore[attr-defined]


def test_pipe_page_arms_become_populations_with_their_own_size_dose_and_responses() -> None:
    (study,) = resolve([extract(_page(PIPE_PAGE))])
    arms = {p.arm: p for p in study.populations if p.arm}
    low, high = arms["Low Dose Imatinib"], arms["High Dose Imatinib"]
    assert (low.n.value, high.n.value) == (38, 41)
    assert [d.mg_per_day for d in low.doses] == [300]
    assert [d.mg_per_day for d in high.doses] == [600]
    assert high.response("pr").count.value == 14 and high.response("cr").count.value == 2
    # Dropout reasons ("Disease progression 5") are flow counts, never progressive disease.
    assert all(p.response("pd") is None for p in study.populations)
    events = {(e.as_written, e.count.value) for e in study.adverse_events if e.term == "Anemia"}
    assert events == {
        ("Anaemia (Low Dose Imatinib, serious)", 2),
        ("Anaemia (High Dose Imatinib, serious)", 3),
    }


def test_mirror_page_one_cell_per_line_is_recognized_and_read() -> None:
    assert ctgov_page.sniff(MIRROR_PAGE)
    document = _page(MIRROR_PAGE)
    assert document.format == "ctgov_page" and document.metadata.nct_id == "NCT01234567"
    assert (document.metadata.registry_status, document.metadata.phase) == ("COMPLETED", "1/2")
    assert document.metadata.results_posted is True
    results = document.registry_results
    assert results is not None
    assert [(g.title, g.n) for g in results.groups] == [("Imatinib 600 mg", 25), ("Imatinib 300 mg", 27)]
    reasons = [(m.category, m.value) for m in results.measures if m.category.startswith("NOT COMPLETED:")]
    # The page ends inside the "Physician Decision" row: that half row is not read.
    assert reasons == [("NOT COMPLETED: Progressive Disease", 2), ("NOT COMPLETED: Progressive Disease", 1)]


def test_an_arm_titled_with_its_daily_total_gets_that_dose_once() -> None:
    (study,) = resolve([extract(_page(MIRROR_PAGE))])
    arms = {p.arm: p for p in study.populations if p.arm}
    assert [d.mg_per_day for d in arms["Imatinib 600 mg"].doses] == [600]
    assert [d.mg_per_day for d in arms["Imatinib 300 mg"].doses] == [300]
    assert arms["Imatinib 600 mg"].n.value == 25
    dose = arms["Imatinib 600 mg"].doses[0]
    assert "twice daily" in MIRROR_PAGE[dose.evidence.start : dose.evidence.end]
    # Nothing from the flow tables is a response.
    assert all(not p.responses for p in study.populations)


def test_spaced_page_with_one_group_is_the_study_population() -> None:
    document = _page(SPACED_PAGE)
    results = document.registry_results
    assert results is not None
    (group,) = results.groups
    assert (group.title, group.n) == ("Widget cohort", 19)
    assert group.description == "Every patient took imatinib 500 mg once daily."
    findings = extract(document)
    (population,) = findings.populations
    assert population.n.value == 19
    assert [d.mg_per_day for d in population.doses] == [500]
    assert population.responses == ()
    # The flow rows are not prose: "Death 2" and "Disease progression 6" are no toxicity or response.
    assert findings.adverse_events == ()


def test_table_rows_are_left_out_of_the_readable_sections() -> None:
    document = _page(SPACED_PAGE)
    started = SPACED_PAGE.index("STARTED")
    readable = [s for s in document.sections if s.kind != "boilerplate"]
    assert not any(s.start <= started < s.end for s in readable)


def test_a_row_with_fewer_values_than_groups_is_not_read() -> None:
    text = "Participant Flow\n| Measure | Arm One | Arm Two |\n| STARTED | 12 | 14 |\n| COMPLETED | 9 |\n"
    tables = read_results_text("t.txt", text)
    assert tables.results is not None
    assert [m.category for m in tables.results.measures] == ["STARTED", "STARTED"]


def test_a_page_without_an_identifier_or_flow_is_not_a_registry_page() -> None:
    abstract = "Participant Flow was not reported.\nSTARTED treatment in 2004, 40 patients took imatinib.\n"
    assert not ctgov_page.sniff(abstract)
    assert read_results_text("a.txt", "Patients had stable disease in 12 of 30.\n").results is None


def test_arm_group_title_and_description_rows_and_a_period_title() -> None:
    text = (
        "Imatinib for Widget Disease\nNCT Number: NCT04444444\n\nParticipant Flow\n"
        "| Arm/Group Title | Cohort Red | Cohort Blue |\n"
        "| Arm/Group Description | Imatinib 200 mg once daily. | Imatinib 200 mg twice daily. |\n"
        "Period Title: Overall Study\n"
        "| STARTED | 16 | 17 |\n"
        "| COMPLETED | 10 | 12 |\n"
        "| NOT COMPLETED | 6 | 5 |\n"
    )
    document = _page(text)
    results = document.registry_results
    assert results is not None
    assert [(g.title, g.description, g.n) for g in results.groups] == [
        ("Cohort Red", "Imatinib 200 mg once daily.", 16),
        ("Cohort Blue", "Imatinib 200 mg twice daily.", 17),
    ]
    arms = {p.arm: p for p in extract(document).populations if p.arm}
    assert [d.mg_per_day for d in arms["Cohort Blue"].doses] == [400]


def test_one_cell_per_line_with_a_title_block_then_a_description_block() -> None:
    text = (
        "NCT ID: NCT03333333\n\nParticipant Flow\n\nArm/Group Title\nArm North\nArm South\n"
        "Arm/Group Description\nImatinib 400 mg daily.\nPlacebo tablets daily.\n"
        "Period Title: Overall Study\nSTARTED\n21\n20\nCOMPLETED\n18\n15\n"
    )
    results = _page(text).registry_results
    assert results is not None
    assert [(g.title, g.n) for g in results.groups] == [("Arm North", 21), ("Arm South", 20)]
    assert [m.value for m in results.measures if m.category == "COMPLETED"] == [18, 15]
