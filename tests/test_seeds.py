"""End-to-end values on the seed documents, as the end-to-end issue lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

from imatinib_cli.pipeline import compare, summarize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def report():
    return summarize([str(SEEDS)])


def study_with(report, fragment: str):
    matches = [s for s in report.studies if any(fragment in source for source in s.sources)]
    assert len(matches) == 1, [s.sources for s in report.studies]
    return matches[0]


def cell(population, category):
    item = population.response(category)
    if item is None:
        return None
    return (
        int(item.count.value) if item.count else None,
        item.percent.value if item.percent else None,
    )


def by_type(study):
    return {p.tumor_type: p for p in study.populations}


def test_four_studies_from_five_documents(report) -> None:
    assert len(report.documents) == 5
    assert all(d.status == "ok" for d in report.documents)
    assert len(report.studies) == 4
    merged = study_with(report, "002_")
    assert len(merged.sources) == 2 and any("004_" in s for s in merged.sources)


def test_heinrich_solid_and_hematologic(report) -> None:
    study = study_with(report, "000_")
    populations = by_type(study)
    solid, heme = populations["SOLID"], populations["HEME"]
    assert solid.tumor_group == heme.tumor_group == "non-GIST"
    assert (solid.n.value, solid.n.derived) == (146, True)
    assert (heme.n.value, heme.n.derived) == (40, True)
    assert [d.mg_per_day for d in solid.doses] == [800]
    assert [d.mg_per_day for d in heme.doses] == [400]
    assert cell(solid, "cr")[0] == 4 and cell(solid, "pr")[0] == 9
    assert cell(solid, "orr") == (13, 8.9)
    assert cell(heme, "cr")[0] == 8 and cell(heme, "pr")[0] == 3
    assert cell(heme, "orr") == (11, 27.5)
    assert study.design.phase == "2" and study.design.open_label.value and study.design.single_arm.value
    assert study.design.n_enrolled.value == 186
    kit = [o for o in study.outcomes if o.kind == "mutation" and o.gene == "KIT" and o.value]
    assert kit[0].value.value == 5 and kit[0].denominator.value == 106


def test_eortc_gist_and_other_sarcomas(report) -> None:
    study = study_with(report, "001_")
    populations = by_type(study)
    gist = populations["GIST"]
    other = next(p for code, p in populations.items() if code != "GIST")
    assert other.tumor_group == "non-GIST"
    assert gist.n.value == 27 and other.n.value == 24
    assert [d.mg_per_day for d in gist.doses] == [800] == [d.mg_per_day for d in other.doses]
    assert cell(gist, "cr") == (1, 4) and cell(gist, "pr") == (18, 67)
    assert cell(gist, "sd") == (5, 18) and cell(gist, "pd") == (3, 11)
    assert cell(gist, "orr") == (19, 71)
    assert gist.response("orr").derived
    assert cell(other, "orr")[0] == 0 and cell(other, "cr")[0] == 0 and cell(other, "pr")[0] == 0
    toxicities = {e.term: e.percent.value for e in study.adverse_events if e.percent}
    assert toxicities == {
        "Anemia": 92,
        "Periorbital edema": 84,
        "Rash maculo-papular": 69,
        "Fatigue": 76,
        "Nausea": 57,
        "Neutrophil count decreased": 47,
        "Diarrhea": 47,
    }
    pfs = [o for o in study.outcomes if o.kind == "pfs_rate"]
    assert pfs[0].value.value == 73 and pfs[0].population == gist.label
    ttp = [o for o in study.outcomes if o.kind == "median_ttp"]
    assert ttp[0].value.value == 58 and ttp[0].population == other.label
    assert study.design.n_enrolled.value == 51


def test_demetri_pooled_arms_merged_from_two_documents(report) -> None:
    study = study_with(report, "002_")
    (gist,) = study.populations
    assert gist.tumor_type == "GIST" and gist.n.value == 147
    assert sorted(d.mg_per_day for d in gist.doses) == [400, 600] and gist.pooled_arms
    assert cell(gist, "cr")[0] == 0 and cell(gist, "pr") == (79, 53.7)
    assert cell(gist, "sd") == (41, 27.9) and cell(gist, "ne") == (7, 4.8)
    assert cell(gist, "pd") == (20, 13.6)
    assert cell(gist, "orr")[0] == 79
    assert study.design.randomized.value and study.design.multicenter.value
    terms = {e.term: e for e in study.adverse_events}
    hemorrhage = [e for e in study.adverse_events if "hemorrhage" in e.as_written.lower()]
    assert hemorrhage and hemorrhage[0].percent.value == 5 and hemorrhage[0].approximate
    for named in ("Diarrhea", "Fatigue"):
        assert terms[named].percent is None
    assert study.metadata.pmid == "12181401"


def test_registry_record_without_results(report) -> None:
    study = study_with(report, "003_")
    assert study.id == "NCT00764595"
    (population,) = study.populations
    assert population.tumor_group == "GIST" and population.n.value == 5
    assert [d.mg_per_day for d in population.doses] == [400]
    assert not population.responses
    assert any("no results" in w.message for w in study.warnings)


def test_numbers_that_are_not_results(report) -> None:
    values = {
        (r.count.value if r.count else None, r.percent.value if r.percent else None)
        for s in report.studies
        for p in s.populations
        for r in p.responses
    }
    assert not any(v in values for v in [(None, 78.5), (None, 71.0), (53, None)])
    demetri = study_with(report, "004_")
    assert not [o for o in demetri.outcomes if o.unit == "month" and o.value and o.value.value in (12, 18)]


def test_every_value_has_evidence_inside_its_document(report) -> None:
    texts = {d.path: d.text for d in report.documents}
    for study in report.studies:
        for population in study.populations:
            for item in population.responses:
                for quantity in (item.count, item.percent):
                    if quantity is not None and quantity.evidence is not None:
                        evidence = quantity.evidence
                        assert evidence.document in texts
                        assert 0 <= evidence.start < evidence.end <= len(texts[evidence.document])


def test_compare_tumor_type_subtotals() -> None:
    _, comparison = compare([str(SEEDS)], by="tumor-type")
    subtotals = {r.tumor_group: (r.responders, r.n) for r in comparison.rows if r.kind == "subtotal"}
    assert subtotals == {"GIST": (98, 174), "non-GIST": (24, 210)}
    assert any(study == "NCT00764595" for study, _ in comparison.excluded)
