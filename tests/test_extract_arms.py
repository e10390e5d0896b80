from extract_helpers import findings, response

from imatinib_cli.analyze import analyze
from imatinib_cli.resolve import resolve

RANDOMIZED = (
    "In this randomised phase III trial, 600 patients with advanced GIST were randomly assigned to "
    "imatinib 400 mg once daily or 400 mg twice daily, 300 to each group. In the once-daily group, "
    "partial response was seen in 120 patients (40%) and stable disease in 90 (30%); in the "
    "twice-daily group the corresponding figures were 135 (45%) and 84 (28%). No patient had a "
    "complete response."
)


def test_each_arm_is_a_population_with_its_dose_and_size() -> None:
    result = findings(RANDOMIZED)
    arms = {p.arm: p for p in result.populations if p.arm}
    assert set(arms) == {"once-daily group", "twice-daily group"}
    once, twice = arms["once-daily group"], arms["twice-daily group"]
    assert [d.mg_per_day for d in once.doses] == [400] and [d.mg_per_day for d in twice.doses] == [800]
    assert once.n.value == 300 and twice.n.value == 300
    assert response(once, "pr") == (120, 40) and response(once, "sd") == (90, 30)
    assert response(twice, "pr") == (135, 45) and response(twice, "sd") == (84, 28)
    assert all(p.tumor_type == "GIST" for p in result.populations)


def test_compare_counts_arms_not_the_pooled_population() -> None:
    (study,) = resolve([findings(RANDOMIZED)])
    comparison = analyze([study])
    rows = {r.doses_mg_per_day: (r.responders, r.n) for r in comparison.rows if r.kind == "row"}
    assert rows == {(400.0,): (120, 300), (800.0,): (135, 300)}


def test_lettered_groups_and_sizes() -> None:
    text = (
        "Sixty patients with dermatofibrosarcoma protuberans were treated; 30 in group A and 30 in group B. "
        "In group A, 12 patients (40%) had a partial response, whereas in group B, 9 patients (30%) had a "
        "partial response."
    )
    arms = {p.arm: p for p in findings(text).populations if p.arm}
    assert {key: (p.n.value, response(p, "pr")) for key, p in arms.items()} == {
        "group A": (30, (12, 40)),
        "group B": (30, (9, 30)),
    }


def test_values_for_both_arms_follow_the_order_arms_were_introduced() -> None:
    text = (
        "METHODS: Patients with advanced GIST were randomly assigned to standard-dose imatinib "
        "(400 mg daily) "
        "or high-dose imatinib (400 mg twice a day); standard-dose arm patients could cross over to the "
        "high-dose arm.\nRESULTS: Response rates were similar in both arms: complete response 5% and 3%; "
        "partial response 40% and 42%."
    )
    arms = {p.arm: p for p in findings(text).populations if p.arm}
    standard, high = arms["standard-dose arm"], arms["high-dose arm"]
    assert [d.mg_per_day for d in standard.doses] == [400] and [d.mg_per_day for d in high.doses] == [800]
    assert (response(standard, "cr"), response(standard, "pr")) == ((None, 5), (None, 40))
    assert (response(high, "cr"), response(high, "pr")) == ((None, 3), (None, 42))


def test_a_comparator_arm_is_not_counted_as_imatinib() -> None:
    text = (
        "We randomly assigned 200 patients with chronic myeloid leukemia to imatinib (400 mg daily) or "
        "interferon plus cytarabine. The rates of complete cytogenetic response were 76.2 percent "
        "(95 percent confidence interval, 72.5 to 79.9) in the imatinib group and 14.5 percent "
        "(95 percent confidence interval, 10.5 to 18.5) in the combination-therapy group."
    )
    result = findings(text)
    arms = {p.arm: p for p in result.populations if p.arm}
    # A complete cytogenetic response is on the hematologic axis, never a tumor CR.
    assert arms["imatinib group"].responses == ()
    assert [(h.category, h.percent and h.percent.value) for h in arms["imatinib group"].heme_responses] == [
        ("ccyr", 76.2)
    ]
    assert [h.percent and h.percent.value for h in arms["combination-therapy group"].heme_responses] == [14.5]
    assert arms["combination-therapy group"].doses == ()
    (study,) = resolve([result])
    excluded = dict(analyze([study]).excluded)
    assert any("comparator" in reason for reason in excluded.values())
