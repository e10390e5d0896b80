"""Groups declared with their sizes, whole-group responses and a subgroup's share of a count.
Sentences are paraphrases in this project's own words (different numbers from any document)."""

from __future__ import annotations

from extract_helpers import findings

from imatinib_cli.models import Population


def by_arm(text: str) -> dict[str | None, Population]:
    return {p.arm: p for p in findings(text).populations}


def count(population: Population, category: str) -> float | None:
    response = population.response(category)
    return response.count.value if response and response.count else None


def test_groups_listed_with_their_sizes_become_populations() -> None:
    groups = by_arm(
        "We treated patients with eosinophilic MPD (EosMPD, n=25) carrying PDGFRA "
        "(FIP1L1-PDGFRA, n=19) or PDGFRB (n=6) rearrangements and idiopathic HES (no marker, n=11) "
        "with imatinib. Imatinib was given at 100 to 400 mg/d. "
        "In FIP1L1-PDGFRA positive patients, complete hematologic remission (CHR) was reached "
        "within 1 or 3 months in 58% (11/19) and 100% (16/16) of patients, respectively. "
        "All six pts with PDGFRB fusions received 400 mg/d imatinib and achieved a CHR."
    )
    assert {arm: p.n.value for arm, p in groups.items() if p.n} == {
        "EosMPD": 25,
        "FIP1L1-PDGFRA": 19,
        "PDGFRB": 6,
        "HES": 11,
    }
    fip = groups["FIP1L1-PDGFRA"]
    assert count(fip, "cr") == 16 and fip.n_evaluable is not None and fip.n_evaluable.value == 16
    assert count(groups["PDGFRB"], "cr") == 6
    assert [d.mg_per_day for d in groups["PDGFRB"].doses] == [400]  # said of that group only
    assert sorted(d.mg_per_day for d in groups["HES"].doses) == [100, 400]  # said of all
    assert groups["HES"].response("cr") is None and groups["EosMPD"].response("cr") is None


def test_one_sized_bracket_is_no_list_of_groups() -> None:
    populations = findings(
        "Patients (n=40) with systemic mastocytosis received imatinib 400 mg daily. "
        "Eight patients had a partial response."
    ).populations
    assert len(populations) == 1 and populations[0].arm is None


def test_the_patient_of_a_subgroup_has_the_response_said_of_it() -> None:
    groups = by_arm(
        "Of 18 patients with systemic mastocytosis treated with imatinib 400 mg daily, 15 had the "
        "D816V mutation. In the patient who carried the FIP1L1-PDGFRA fusion, a complete response "
        "was attained."
    )
    fip = next(p for arm, p in groups.items() if arm and "FIP1L1" in arm)
    assert count(fip, "cr") == 1 and fip.n is not None and fip.n.value == 1
    assert count(groups[None], "cr") is None  # the whole study's CR is not said


def test_a_subgroups_share_in_the_bracket_after_a_count() -> None:
    groups = by_arm(
        "We reviewed 40 patients with advanced DFSP treated with imatinib 800 mg daily. "
        "Fibrosarcomatous change (FS-DFSP) was confirmed in 18 patients (45%). "
        "Best responses were 25 partial responses (63%, including 9 FS-DFSP), 10 stable disease "
        "and 5 progressive disease."
    )
    assert count(groups[None], "pr") == 25
    fs = groups["FS-DFSP"]
    assert count(fs, "pr") == 9 and fs.n is not None and fs.n.value == 18
    assert count(fs, "sd") is None  # never derived by subtraction
    assert len(groups) == 2  # no "classic DFSP" group made of the rest
