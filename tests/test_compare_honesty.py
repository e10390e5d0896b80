"""`imx compare` says what its numbers are (issue 13, item 3).

On the seeds, the EORTC GIST responders (19 from "4%" and "67%" of 27) and the NEJM ones (79, ORR
from CR 0 + PR 79) are derived, and so is the N of the two phase I strata: summarize marks them with
`*`, so compare's table, CSV and JSON must too. The GIST subtotal (98/174 = 56.3%) is a crude sum of
counts and the pooled estimate (59.9%) a random-effects model: each is labelled as such. And the CSV
carries what the README's R line needs to reproduce imx's own model.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT
from rich.console import Console

from imatinib_cli import pipeline, render
from imatinib_cli.analyze import stats
from imatinib_cli.models import Comparison
from imatinib_cli.render.csv import comparison_records, write_csv
from imatinib_cli.render.json import comparison_json


@pytest.fixture(scope="module")
def seeds_by() -> dict[str, Comparison]:
    """The real pipeline on seeds/, once per view."""
    seeds = str(ROOT / "seeds")
    return {by: pipeline.compare([seeds], by=by, jobs=1)[1] for by in ("tumor-type", "study")}


def _table(comparison: Comparison, width: int = 160) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    render.print_comparison(comparison, console)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_table_marks_derived_counts_as_summarize_does(seeds_by: dict[str, Comparison]) -> None:
    out = _table(seeds_by["tumor-type"])
    # GIST 800 mg/day (EORTC): N 27 stated, 19 responders derived.
    assert re.search(r"│\s+27 │\s+19\* │\s+70\.4 │", out)
    assert re.search(r"│\s+147 │\s+79\* │\s+53\.7 │", out)
    # Phase I strata: N and responders derived; the stated 0 of 24 (other STS) carries no mark.
    assert re.search(r"│\s+146\* │\s+13\* │\s+8\.9 │", out)
    assert re.search(r"│\s+24 │\s+0 │\s+0\.0 │", out)
    assert "* derived from other stated numbers" in out
    # The pooled table sums them too: 98* / 174 and 24* / 210*.
    assert "98* / 174" in out and "24* / 210*" in out


def test_crude_and_random_effects_are_named_and_told_apart(seeds_by: dict[str, Comparison]) -> None:
    out = _table(seeds_by["tumor-type"])
    assert re.search(
        r"│ GIST\s+│ crude \(sum of counts\)\s+│ 400/600/800 .*│\s+174 │\s+98\* │\s+56\.3 │", out
    )
    assert "Random effects % (95% CI)" in out
    assert re.search(r"│ GIST\s+│ 2 │\s+98\* / 174 │\s+59\.9 \(43\.4–74\.5\) │", out)
    why = (
        "crude (sum of counts): all responders / all patients, the largest study dominating; "
        "random effects: each study's logit rate weighted by 1/(its variance + tau²)"
    )
    assert why in out.replace("\n", " ")
    freeman = pipeline.compare([str(ROOT / "seeds")], transform="freeman-tukey", jobs=1)[1]
    assert "each study's double-arcsine rate" in _table(freeman)


def test_csv_has_a_derived_column(seeds_by: dict[str, Comparison]) -> None:
    columns, records = comparison_records(seeds_by["study"])
    assert columns.index("derived") == columns.index("n") + 1
    derived = {(r["kind"], r["label"]): r["derived"] for r in records}
    assert derived[("row", "cite:eur-j-cancer-2003-39-2006 / GIST")] == "events"
    assert derived[("row", "cite:eur-j-cancer-2003-39-2006 / other STS")] == ""
    assert derived[("row", "DOI:10.1158/1078-0432.CCR-07-4575 / solid tumors")] == "events;n"
    assert derived[("pooled", "GIST random effects (k=2)")] == "events"
    assert derived[("pooled", "non-GIST random effects (k=3)")] == "events;n"
    _, grouped = comparison_records(seeds_by["tumor-type"])
    crude = [r for r in grouped if r["kind"] == "subtotal"]
    assert [(r["label"], r["events"], r["n"], r["derived"]) for r in crude] == [
        ("GIST crude (sum of counts)", "98", "174", "events"),
        ("non-GIST crude (sum of counts)", "24", "210", "events;n"),
    ]


def test_json_rows_and_pooled_carry_derived_fields(seeds_by: dict[str, Comparison]) -> None:
    data = comparison_json(seeds_by["tumor-type"])
    assert data["schema_version"] == "1.3"
    rows = {(r["kind"], r["label"]): (r["derived"], r["derived_fields"]) for r in data["rows"]}
    assert rows[("row", "Gastrointestinal Stromal Tumor, 800")] == (True, ["responders"])
    assert rows[("row", "Solid Tumor, 800")] == (True, ["responders", "n"])
    assert rows[("row", "Soft Tissue Sarcoma, 800")] == (False, [])
    assert rows[("subtotal", "GIST crude (sum of counts)")] == (True, ["responders"])
    pooled = {p["group"]: (p["derived"], p["derived_fields"]) for p in data["pooled"]}
    assert pooled == {"GIST": (True, ["events"]), "non-GIST": (True, ["events", "n"])}


def test_the_csv_carries_what_the_r_line_needs(seeds_by: dict[str, Comparison]) -> None:
    """The README's metaprop call keeps the `row` records, takes events, n, label and tumor_group,
    and fits imx's model (logit, inverse variance, DerSimonian-Laird, 0.5 only for 0 or all
    events, Wald CI). Refitting those columns with analyze.stats (whose numbers match metafor's in
    test_analyze_stats.py) gives the CSV's own pooled records, digit for digit."""
    out = io.StringIO()
    write_csv(seeds_by["study"], out)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in records:
        if record["kind"] == "row":
            groups[record["tumor_group"]].append(record)
    pooled = {r["tumor_group"]: r for r in records if r["kind"] == "pooled"}
    assert set(groups) == set(pooled) == {"GIST", "non-GIST"}
    for group, rows in groups.items():
        fit = stats.pool_random_effects([int(r["events"]) for r in rows], [int(r["n"]) for r in rows])
        record = pooled[group]
        assert (round(fit.estimate, 3), round(fit.low, 3), round(fit.high, 3)) == (
            float(record["proportion"]),
            float(record["ci_low"]),
            float(record["ci_high"]),
        )
        assert round(fit.tau2, 6) == float(record["tau2"])
    assert (pooled["GIST"]["proportion"], pooled["GIST"]["ci_low"], pooled["GIST"]["ci_high"]) == (
        "0.599",
        "0.434",
        "0.745",
    )
    assert (pooled["non-GIST"]["proportion"], pooled["non-GIST"]["tau2"]) == (
        "0.121",
        "0.867244",
    )  # metafor: 0.8672443020


def test_readme_r_line_names_imx_model() -> None:
    """meta's defaults (a GLMM, REML tau²) are another model; the README's line must set imx's
    (docs/statistics.md): logit, inverse variance, DerSimonian-Laird, per tumor group."""
    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```r\n(.*?)```", readme, flags=re.S)
    call = next(block for block in blocks if "meta::metaprop(" in block)
    for argument in (
        "event = events",
        "n = n",
        "studlab = label",
        'sm = "PLOGIT"',
        'method = "Inverse"',
        'method.tau = "DL"',
        'method.ci = "CP"',
        "subgroup = tumor_group",
        "common = FALSE",
        'kind == "row"',
    ):
        assert argument in call, argument
