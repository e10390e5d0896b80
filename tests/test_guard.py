"""The "never invent a number" invariant (imatinib_cli.guard): unit cases, random documents, the corpus.

The unit cases build studies by hand so that each rule is tested on the numbers it is about; the
property test runs the whole pipeline over random abstracts assembled from clinical sentences with
random (also absurd) numbers, and checks the emitted JSON with guard.violations.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imatinib_cli import guard, render
from imatinib_cli.extract import extract
from imatinib_cli.models import (
    AdverseEvent,
    Design,
    Document,
    Evidence,
    HemeResponse,
    Metadata,
    Population,
    Quantity,
    Report,
    ResponseCount,
    Study,
)
from imatinib_cli.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real-dev" / "texts"
EVIDENCE = Evidence("a.txt", 0, 1, "a sentence")


def stated(value: float) -> Quantity:
    return Quantity(value, EVIDENCE)


def derived(value: float, how: str) -> Quantity:
    return Quantity(value, EVIDENCE, True, how)


def study_with(
    *responses: ResponseCount,
    n: Quantity | None = None,
    enrolled: float | None = None,
    events: tuple[AdverseEvent, ...] = (),
) -> Study:
    population = Population("GIST", "GIST", "GIST", "GIST", n, responses=responses)
    design = Design(n_enrolled=stated(enrolled) if enrolled is not None else None)
    return Study("s", None, Metadata(), ("a.txt",), design, (population,), events, ())


def response(category: str, count: Quantity | None, percent: Quantity | None) -> ResponseCount:
    derived_flag = bool((count and count.derived) or (percent and percent.derived))
    return ResponseCount(category, count, percent, category, EVIDENCE, derived=derived_flag)


def values(study: Study) -> dict[str, tuple[float | None, float | None]]:
    (population,) = study.populations
    return {
        r.category: (r.count.value if r.count else None, r.percent.value if r.percent else None)
        for r in population.responses
    }


def test_fits_lists_every_whole_number_a_percent_can_stand_for() -> None:
    assert guard.fits(45, 11) == [5]  # 5/11 = 45.5%
    assert guard.fits(54, 235) == [126, 127, 128]  # 53.6%, 54.0% and 54.5% all read as 54%
    assert guard.fits(18, 27) == []  # 4/27 = 14.8%, 5/27 = 18.5% (reads 19%)
    assert guard.fits(53.5, 235) == []  # 126/235 = 53.6%
    assert guard.fits(0, 40) == [0]
    assert guard.fits(100, 7) == [7]


def test_a_count_comes_from_a_percent_only_when_one_whole_number_fits_it() -> None:
    assert guard.count_from_percent(45, 11) == 5
    assert guard.count_from_percent(54, 235) is None
    assert guard.count_from_percent(18, 27) == 5  # 18.5%, cut rather than rounded
    assert guard.count_from_percent(53.5, 235) is None  # 126/235 is 53.6%: off by more than 0.1
    assert guard.count_from_percent(53.5, 2350) is None  # 1257 and 1258 both round to 53.5%
    assert guard.count_from_percent(0, 40) == 0


def test_a_count_derived_from_a_percent_that_no_single_whole_number_fits_is_dropped() -> None:
    ambiguous = study_with(response("pr", derived(127, "54% of 235"), stated(54)), n=stated(235))
    assert values(guard.enforce(ambiguous)) == {"pr": (None, 54)}
    single = study_with(response("pr", derived(5, "45% of 11"), stated(45)), n=stated(11))
    assert values(guard.enforce(single)) == {"pr": (5, 45)}


def test_a_percent_above_100_is_dropped_with_a_warning_that_quotes_it() -> None:
    study = study_with(response("cr", stated(3), stated(150)), n=stated(40))
    enforced = guard.enforce(study)
    assert values(enforced) == {"cr": (3, None)}
    (warning,) = enforced.warnings
    assert "150% is not a share of patients" in warning.message
    assert warning.evidence == (EVIDENCE,)


def test_a_count_above_the_group_size_is_dropped_even_when_stated() -> None:
    study = study_with(response("pr", stated(40), None), response("sd", stated(9), None), n=stated(30))
    enforced = guard.enforce(study)
    assert values(enforced) == {"sd": (9, None)}
    assert any("count 40 is more than the group's 30" in w.message for w in enforced.warnings)


def test_without_a_group_size_the_enrollment_bounds_the_counts() -> None:
    study = study_with(response("pr", stated(60), None), enrolled=50)
    assert values(guard.enforce(study)) == {}


def test_a_derived_value_that_disagrees_with_the_stated_ones_is_not_emitted() -> None:
    # ORR 12 from CR 2 + PR 10, but 40% of 40 is stated: 12/40 = 30%.
    study = study_with(
        response("cr", stated(2), None),
        response("pr", stated(10), None),
        response("orr", derived(12, "CR 2 + PR 10"), stated(40)),
        n=stated(40),
    )
    assert values(guard.enforce(study))["orr"] == (None, 40)


def test_stated_values_that_disagree_stay() -> None:
    # 10 of 40 is 25%, 30% is stated: resolve warns, nobody can tell which is wrong, both stay.
    study = study_with(response("pr", stated(10), stated(30)), n=stated(40))
    assert values(guard.enforce(study)) == {"pr": (10, 30)}


def test_orr_below_a_stated_part_drops_the_derived_side() -> None:
    study = study_with(
        response("cr", stated(5), None),
        response("orr", derived(3, "3/40"), None),
        n=stated(40),
    )
    assert values(guard.enforce(study)) == {"cr": (5, None)}


def test_categories_that_add_up_to_more_than_the_group_lose_their_derived_counts_first() -> None:
    study = study_with(
        response("pr", stated(20), None),
        response("sd", derived(15, "50% of 30"), stated(50)),
        n=stated(30),
    )
    assert values(guard.enforce(study)) == {"pr": (20, None), "sd": (None, 50)}


def test_stated_categories_that_overflow_the_group_are_all_withheld() -> None:
    study = study_with(response("pr", stated(20), None), response("sd", stated(15), None), n=stated(30))
    enforced = guard.enforce(study)
    assert values(enforced) == {}
    assert any("add up to more than 30 patients" in w.message for w in enforced.warnings)


def test_a_toxicity_percent_above_100_or_a_count_above_the_enrollment_is_dropped() -> None:
    events = (
        AdverseEvent("Nausea", "nausea", None, stated(120), None, None, EVIDENCE),
        AdverseEvent("Fatigue", "fatigue", None, stated(30), stated(70), None, EVIDENCE),
    )
    enforced = guard.enforce(study_with(enrolled=50, events=events))
    assert [(e.percent and e.percent.value, e.count and e.count.value) for e in enforced.adverse_events] == [
        (None, None),
        (30, None),
    ]


def test_an_unchanged_study_is_returned_as_it_is() -> None:
    study = study_with(response("pr", stated(10), stated(25)), n=stated(40))
    assert guard.enforce(study) is study


def test_hematologic_responses_keep_the_same_bounds() -> None:
    heme = (
        HemeResponse("cytogenetic", "ccyr", stated(45), stated(90), None, "CCyR", EVIDENCE),
        HemeResponse("hematologic", "chr", stated(20), stated(104), "at 3 months", "CHR", EVIDENCE),
        HemeResponse("molecular", "mmr", None, stated(120), None, "MMR", EVIDENCE),
    )
    population = Population("CML", "CML", "CML", "non-GIST", stated(40), heme_responses=heme)
    study = Study("s", None, Metadata(), ("a.txt",), Design(), (population,), (), ())
    (kept,) = guard.enforce(study).populations
    assert [
        (h.category, h.count and h.count.value, h.percent and h.percent.value) for h in kept.heme_responses
    ] == [
        ("ccyr", None, 90),
        ("chr", 20, None),
    ]


def test_violations_reads_the_emitted_json() -> None:
    summary = {
        "studies": [
            {
                "id": "s",
                "n_enrolled": {"value": 20},
                "populations": [
                    {
                        "label": "GIST",
                        "n": {"value": 10},
                        "n_evaluable": None,
                        "response": {"cr": {"count": 4, "percent": 140.0}, "orr": {"count": 3}},
                        "cytogenetic": [{"label": "CCyR", "count": 12, "percent": 50.0}],
                    }
                ],
                "toxicities": [{"as_written": "rash", "percent": 101.0, "count": 25}],
            }
        ]
    }
    assert guard.violations(summary) == [
        "s / GIST / CR: percent 140 outside 0..100",
        "s / GIST / CCyR: count 12 more than the group's 10",
        "s / GIST: CR more than ORR",
        "s / toxicity rash: percent 101 outside 0..100",
        "s / toxicity rash: count 25 more than the 20 enrolled",
    ]


# -- the whole pipeline on random documents -----------------------------------------------------

NUMBER = st.one_of(
    st.integers(0, 400).map(str),
    st.sampled_from(["one", "two", "five", "twelve", "Thirty-eight", "none", "0.00000000000001"]),
)
PERCENT = st.one_of(
    st.integers(0, 180).map(str),
    st.floats(0, 150, allow_nan=False).map(lambda x: f"{x:.1f}"),
    st.just("0.00000000000001"),
)
SENTENCE = st.one_of(
    st.builds("{} patients with advanced GIST were enrolled.".format, NUMBER),
    st.builds("Of {} patients, {} were evaluable for response.".format, NUMBER, NUMBER),
    st.builds("{} patients ({}%) had a partial response.".format, NUMBER, PERCENT),
    st.builds("A complete response was seen in {} of {} patients.".format, NUMBER, NUMBER),
    st.builds("Stable disease was observed in {}% and progression in {}%.".format, PERCENT, PERCENT),
    st.builds("The objective response rate was {}% ({}/{}).".format, PERCENT, NUMBER, NUMBER),
    st.builds("{}% complete, {}% partial responses.".format, PERCENT, PERCENT),
    st.builds("Grade 3 neutropenia occurred in {} patients ({}%).".format, NUMBER, PERCENT),
    st.builds("Edema ({}%), nausea ({}%) and rash ({}%) were common.".format, PERCENT, PERCENT, PERCENT),
    st.builds(
        "In arm A (n = {}), {} patients responded; in arm B, {} had stable disease.".format,
        NUMBER,
        NUMBER,
        NUMBER,
    ),
    st.builds("Imatinib was given at {} mg twice daily.".format, NUMBER),
    st.just("No patient had a complete response."),
    st.just("There were no objective responses."),
)


@settings(
    max_examples=150,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(SENTENCE, min_size=1, max_size=8))
def test_no_emitted_value_breaks_an_invariant_on_random_documents(sentences: list[str]) -> None:
    text = "Imatinib in advanced gastrointestinal stromal tumors.\n\n" + " ".join(sentences)
    document = Document(path="random.txt", sha256="0" * 64, format="text", text=text)
    report = Report(documents=(document,), studies=tuple(resolve([extract(document)])))
    assert guard.violations(render.summary_json(report)) == []


def test_no_emitted_value_breaks_an_invariant_on_the_real_corpus() -> None:
    assert CORPUS.is_dir(), "the real corpus (../shared/corpus/real-dev) is beside every checkout and CI"
    sys.path.insert(0, str(ROOT / "scripts"))
    from check_invariants import check

    assert check([str(CORPUS)]) == []
