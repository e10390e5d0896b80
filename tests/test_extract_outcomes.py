from extract_helpers import findings


def outcomes(text: str) -> list:
    return list(findings(text).outcomes)


def test_progression_free_rate_at_a_time_point() -> None:
    (rate,) = [
        o
        for o in outcomes("73% of GIST patients are free from progression at 1 year.")
        if o.kind == "pfs_rate"
    ]
    assert rate.value.value == 73 and rate.timepoint == "1 year"


def test_one_year_pfs_written_before_the_number() -> None:
    (rate,) = [
        o for o in outcomes("The 1-year progression-free survival rate was 64%.") if o.kind == "pfs_rate"
    ]
    assert rate.value.value == 64 and rate.timepoint == "1 year"


def test_medians_and_not_reached() -> None:
    found = outcomes(
        "Median overall survival was 20.5 months. The median duration of response had not been "
        "reached after a median follow-up of 24 weeks."
    )
    kinds = {o.kind: o for o in found}
    assert kinds["median_os"].value.value == 20.5 and kinds["median_os"].unit == "month"
    assert kinds["median_dor"].value is None and kinds["median_dor"].as_written == "not reached"


def test_early_resistance() -> None:
    found = [
        o
        for o in outcomes("Early resistance to imatinib was noted in 20 patients (13.6 percent).")
        if o.kind == "early_resistance"
    ]
    assert {(o.value.value, o.unit) for o in found} == {(20, "patients"), (13.6, "%")}


def test_mutations_with_counts_and_denominator() -> None:
    found = outcomes(
        "A total of 106 tumors were screened for activating mutations: five KIT mutations and no "
        "platelet-derived growth factor receptor mutations were found."
    )
    mutations = {o.gene: (o.value.value, o.denominator.value) for o in found if o.kind == "mutation"}
    assert mutations == {"KIT": (5, 106), "PDGFR": (0, 106)}


def test_eligibility_like_numbers_are_not_outcomes() -> None:
    assert outcomes("Gastrointestinal stromal tumors are usually fatal within 12 to 18 months.") == []


def test_mutation_counted_after_the_gene() -> None:
    found = [
        o for o in outcomes("KIT D816V was detected in 14 of 20 patients (70%).") if o.kind == "mutation"
    ]
    assert [(o.gene, o.variant, o.value.value, o.denominator.value) for o in found] == [
        ("KIT", "D816V", 14, 20)
    ]


def test_an_exon_number_is_not_a_count() -> None:
    found = [
        o for o in outcomes("KIT exon 11 mutations were found in 20 of 30 patients.") if o.kind == "mutation"
    ]
    assert [(o.gene, o.value.value, o.denominator.value) for o in found] == [("KIT", 20, 30)]


def test_rate_with_the_time_point_in_its_name() -> None:
    found = [o for o in outcomes("PFS6 was 16% (95% CI, 7%-28%).") if o.kind == "pfs_rate"]
    assert [(o.value.value, o.timepoint) for o in found] == [(16, "6 month")]


def test_a_mid_dot_decimal_is_one_number() -> None:
    """Lancet style: "18·2 months" is 18.2 months, never 2 months."""
    (median,) = [
        o for o in outcomes("Median progression-free survival was 18·2 months.") if o.kind == "median_pfs"
    ]
    assert median.value.value == 18.2 and median.as_written.endswith("18·2 months")
    (early,) = [o for o in outcomes("Early resistance was seen in 4·5% of patients.") if o.value is not None]
    assert early.value.value == 4.5


def test_a_decimal_comma_gives_no_duration() -> None:
    """ "18,2 months" (a decimal comma) is no duration imx can read: no 2 months, no 18."""
    found = [
        o for o in outcomes("Median progression-free survival was 18,2 months.") if o.kind == "median_pfs"
    ]
    assert all(o.value is None or o.value.value not in (2, 18) for o in found)
