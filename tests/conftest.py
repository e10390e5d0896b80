"""Fixtures: Reports and Comparisons built by hand from the seed documents' own sentences.

They let render, the JSON Schema and the CLI be tested before load/extract/resolve/analyze land.
Every Evidence points at the real offsets of its sentence in the seed file, so the fixtures look
exactly like what the pipeline is meant to produce.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from imatinib_cli.models import (
    GIST,
    NON_GIST,
    STATUS_ERROR,
    STATUS_OK,
    STATUS_SKIPPED,
    AdverseEvent,
    Comparison,
    ComparisonRow,
    Design,
    Document,
    Dose,
    Evidence,
    Flag,
    Metadata,
    Outcome,
    PooledEstimate,
    Population,
    Quantity,
    Report,
    ResponseCount,
    Study,
    SubgroupTest,
    ToxicityRow,
    Warning,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _private_extraction_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty extraction cache: never the user's ~/.cache, never another
    test's entries (subprocesses inherit the variable)."""
    monkeypatch.setenv("IMX_CACHE_DIR", str(tmp_path / "imx-cache"))


EORTC = "seeds/001_c0d7af0a8ff736a2.txt"
NEJM_PUBMED = "seeds/002_ab544946733a2db7.txt"
REGISTRY = "seeds/003_876e63d0dccf54ca.txt"
NEJM_CATALOG = "seeds/004_1673242aef2fa753.txt"


def _text(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def span(path: str, first: str, last: str | None = None) -> Evidence:
    """Evidence for the text running from `first` to the end of `last` (or of `first`)."""
    text = _text(path)
    start = text.index(first)
    end = text.index(last, start) + len(last) if last else start + len(first)
    return Evidence(document=path, start=start, end=end, quote=text[start:end])


def stated(value: float, evidence: Evidence) -> Quantity:
    return Quantity(value=value, evidence=evidence)


def derived(value: float, how: str) -> Quantity:
    return Quantity(value=value, evidence=None, derived=True, derivation=how)


def document(
    path: str,
    *,
    status: str = STATUS_OK,
    reason: str | None = None,
    title: str | None = None,
    fmt: str = "text",
) -> Document:
    raw = (ROOT / path).read_bytes() if (ROOT / path).exists() else path.encode()
    return Document(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        format=fmt,
        text=raw.decode("utf-8", errors="replace") if status == STATUS_OK else "",
        metadata=Metadata(title=title),
        status=status,
        reason=reason,
    )


def eortc_study() -> Study:
    """Two populations (GIST, other STS) at 800 mg/day; percents stated, counts derived from N."""
    n_sentence = span(EORTC, "A total of 51 patients", "were entered.")
    rr = span(EORTC, "In GIST patients, the current response rates", "11% progression (PD).")
    sts_rr = span(EORTC, "In the other STS group, there were no objective responses.")
    dose = Dose(
        mg_per_day=800,
        as_written="400 mg twice daily (bid)",
        schedule="bid",
        evidence=span(EORTC, "They were treated with imatinib mesylate", "(bid)."),
    )

    def pct(category: str, percent: float, count: float, as_written: str) -> ResponseCount:
        return ResponseCount(
            category=category,
            count=derived(count, f"{percent:g}% of 27 = {27 * percent / 100:.2f}, rounded to {count:g}"),
            percent=stated(percent, rr),
            as_written=as_written,
            evidence=rr,
        )

    gist = Population(
        label="GIST",
        tumor_type="GIST",
        tumor_name="Gastrointestinal Stromal Tumor",
        tumor_group=GIST,
        n=stated(27, n_sentence),
        doses=(dose,),
        responses=(
            pct("cr", 4, 1, "4% complete remission (CR)"),
            pct("pr", 67, 18, "67% partial remission (PR)"),
            pct("sd", 18, 5, "18% stable disease (SD)"),
            pct("pd", 11, 3, "11% progression (PD)"),
            ResponseCount(
                category="orr",
                count=derived(19, "CR + PR = 1 + 18"),
                percent=derived(70.37037, "19 of 27"),
                as_written="4% complete remission (CR), 67% partial remission (PR)",
                evidence=rr,
                derived=True,
            ),
        ),
        evidence=n_sentence,
    )
    sts = Population(
        label="other STS",
        tumor_type="STS",
        tumor_name="Soft Tissue Sarcoma",
        tumor_group=NON_GIST,
        n=stated(24, n_sentence),
        doses=(dose,),
        responses=(
            ResponseCount(
                category="orr",
                count=stated(0, sts_rr),
                percent=derived(0, "0 of 24"),
                as_written="there were no objective responses",
                evidence=sts_rr,
            ),
        ),
        evidence=n_sentence,
    )
    side_effects = span(EORTC, "The most frequent side-effects were", "diarrhoea (47%).")
    toxicities = tuple(
        AdverseEvent(
            term=term,
            as_written=written,
            soc=soc,
            percent=stated(percent, side_effects),
            count=None,
            grade=None,
            evidence=side_effects,
        )
        for term, written, soc, percent in (
            ("Anemia", "anaemia", "Blood and lymphatic system disorders", 92),
            ("Periorbital edema", "periorbital oedema", "Eye disorders", 84),
            ("Rash maculo-papular", "skin rash", "Skin and subcutaneous tissue disorders", 69),
            ("Fatigue", "fatigue", "General disorders and administration site conditions", 76),
        )
    )
    pfs = span(EORTC, "73% of GIST patients are free from progression at 1 year.")
    ttp = span(EORTC, "The median time to progression in this subgroup was only 58 days.")
    return Study(
        id="eortc-62005",
        title="Imatinib mesylate (STI-571 Glivec, Gleevec) is an active agent for gastrointestinal stromal "
        "tumours, but does not yield responses in other soft-tissue sarcomas",
        metadata=Metadata(
            title="Imatinib mesylate is an active agent for gastrointestinal stromal tumours",
            journal="Eur J Cancer",
            year=2003,
            volume="39",
            issue="14",
            pages="2006-11",
        ),
        sources=(EORTC,),
        design=Design(
            phase="II",
            phase_evidence=span(
                EORTC, "Results from an EORTC Soft Tissue and Bone Sarcoma Group phase II study."
            ),
            n_enrolled=stated(51, n_sentence),
        ),
        populations=(gist, sts),
        adverse_events=toxicities,
        outcomes=(
            Outcome(
                kind="pfs_rate",
                value=stated(73, pfs),
                unit="%",
                as_written="73% ... free from progression",
                evidence=pfs,
                population="GIST",
                timepoint="1 year",
            ),
            Outcome(
                kind="median_ttp",
                value=stated(58, ttp),
                unit="days",
                as_written="only 58 days",
                evidence=ttp,
                population="other STS",
            ),
        ),
    )


def nejm_study() -> Study:
    """One GIST population, 400 and 600 mg/day arms reported pooled; counts and percents stated."""
    results = span(NEJM_PUBMED, "Overall, 79 patients", "(4.8 percent).")
    enrolled = span(NEJM_PUBMED, "A total of 147 patients", "daily.")
    no_cr = span(NEJM_PUBMED, "No patient \nhad a complete response to the treatment.")
    design = span(NEJM_PUBMED, "We conducted an open-label, randomized, multicenter trial", "tumor.")
    n = stated(147, enrolled)
    gist = Population(
        label="GIST (400 or 600 mg/day)",
        tumor_type="GIST",
        tumor_name="Gastrointestinal Stromal Tumor",
        tumor_group=GIST,
        n=n,
        doses=(
            Dose(mg_per_day=400, as_written="400 mg", schedule="daily", evidence=enrolled),
            Dose(
                mg_per_day=600, as_written="600 \nmg of imatinib daily", schedule="daily", evidence=enrolled
            ),
        ),
        pooled_arms=True,
        responses=(
            ResponseCount(
                "cr", stated(0, no_cr), derived(0, "0 of 147"), "No patient had a complete response", no_cr
            ),
            ResponseCount(
                "pr",
                stated(79, results),
                stated(53.7, results),
                "79 patients (53.7 percent) had a partial response",
                results,
            ),
            ResponseCount(
                "sd",
                stated(41, results),
                stated(27.9, results),
                "41 patients (27.9 percent) had stable disease",
                results,
            ),
            ResponseCount(
                "ne",
                stated(7, results),
                stated(4.8, results),
                "response could not be evaluated in 7 patients (4.8 percent)",
                results,
            ),
            ResponseCount(
                "orr",
                derived(79, "CR + PR = 0 + 79"),
                derived(53.74, "79 of 147"),
                "79 patients (53.7 percent) had a partial response",
                results,
                derived=True,
            ),
        ),
        evidence=enrolled,
    )
    bleeding = span(NEJM_PUBMED, "Gastrointestinal or intraabdominal hemorrhage", "of patients.")
    resistance = span(NEJM_PUBMED, "Early resistance to imatinib was noted in 20 patients", "percent).")
    return Study(
        id="doi:10.1056/NEJMoa020461",
        title="Efficacy and safety of imatinib mesylate in advanced gastrointestinal stromal tumors.",
        metadata=Metadata(
            title="Efficacy and safety of imatinib mesylate in advanced gastrointestinal stromal tumors.",
            authors=("Demetri GD", "von Mehren M", "Blanke CD", "Joensuu H"),
            journal="N Engl J Med",
            year=2002,
            volume="347",
            issue="7",
            pages="472-80",
            doi="10.1056/NEJMoa020461",
            pmid="12181401",
        ),
        sources=(NEJM_PUBMED, NEJM_CATALOG),
        design=Design(
            phase=None,
            randomized=Flag(True, design),
            open_label=Flag(True, design),
            multicenter=Flag(True, design),
            n_enrolled=n,
        ),
        populations=(gist,),
        adverse_events=(
            AdverseEvent(
                term="Gastrointestinal hemorrhage",
                as_written="Gastrointestinal or intraabdominal hemorrhage",
                soc="Gastrointestinal disorders",
                percent=stated(5, bleeding),
                count=None,
                grade=None,
                evidence=bleeding,
                approximate=True,
            ),
        ),
        outcomes=(
            Outcome(
                kind="early_resistance",
                value=stated(20, resistance),
                unit="patients",
                as_written="Early resistance to imatinib was noted in 20 patients (13.6 percent)",
                evidence=resistance,
                denominator=derived(147, "N of the population"),
            ),
        ),
        warnings=(
            Warning(
                "the catalog record gives pages as 472-480, PubMed as 472-80; kept PubMed's",
                (span(NEJM_CATALOG, "Vol.347 (7), p.472-480"),),
            ),
        ),
    )


def registry_study() -> Study:
    """A registry record with design facts but no results posted."""
    multicenter = span(REGISTRY, "OUTLINE: This is a multicenter study.")
    phase = span(REGISTRY, "Phase 2 |")
    enrollment = span(REGISTRY, "Actual Enrollment : | 5 participants |")
    return Study(
        id="NCT00764595",
        title="Imatinib Mesylate in Treating Patients With Liver Metastasis From a Gastrointestinal Stromal "
        "Tumor (GISTs)",
        metadata=Metadata(
            nct_id="NCT00764595",
            registry_status="Completed",
            results_posted=False,
            enrollment=5,
            phase="Phase 2",
        ),
        sources=(REGISTRY,),
        design=Design(
            phase="Phase 2",
            phase_evidence=phase,
            multicenter=Flag(True, multicenter),
            open_label=Flag(True, span(REGISTRY, "Masking: | None (Open Label) |")),
            n_enrolled=stated(5, enrollment),
        ),
        populations=(),
        adverse_events=(),
        outcomes=(),
    )


def make_report() -> Report:
    documents = (
        document(EORTC, title="Imatinib mesylate is an active agent for gastrointestinal stromal tumours"),
        document(
            NEJM_PUBMED,
            fmt="markdown",
            title="Efficacy and safety of imatinib mesylate in advanced gastrointestinal stromal tumors.",
        ),
        document(REGISTRY, fmt="registry"),
        document(NEJM_CATALOG),
        document(
            "inputs/scan.pdf", status=STATUS_SKIPPED, reason="PDF is not a supported format", fmt="unknown"
        ),
        document("inputs/broken.html", status=STATUS_ERROR, reason="not valid UTF-8 at byte 12", fmt="html"),
    )
    return Report(documents=documents, studies=(eortc_study(), nejm_study(), registry_study()))


def make_comparison() -> Comparison:
    rows = (
        ComparisonRow(
            GIST,
            "GIST",
            "Gastrointestinal Stromal Tumor",
            (400.0, 600.0),
            ("doi:10.1056/NEJMoa020461",),
            147,
            79,
            pooled_arms=True,
        ),
        ComparisonRow(GIST, "GIST", "Gastrointestinal Stromal Tumor", (800.0,), ("eortc-62005",), 27, 19),
        ComparisonRow(
            GIST,
            None,
            None,
            (400.0, 600.0, 800.0),
            ("doi:10.1056/NEJMoa020461", "eortc-62005"),
            174,
            98,
            kind="subtotal",
        ),
        ComparisonRow(NON_GIST, "STS", "Soft Tissue Sarcoma", (800.0,), ("eortc-62005",), 24, 0),
        ComparisonRow(NON_GIST, None, None, (800.0,), ("eortc-62005",), 24, 0, kind="subtotal"),
        ComparisonRow(
            "all",
            None,
            None,
            (400.0, 600.0, 800.0),
            ("doi:10.1056/NEJMoa020461", "eortc-62005"),
            198,
            98,
            kind="total",
        ),
    )
    return Comparison(by="tumor-type", rows=rows, excluded=(("NCT00764595", "no results posted"),))


# --- comparisons with intervals and pooling (issue 3) -------------------------------------------
# Intervals are Clopper-Pearson 95% (79/147 -> 45.3-62.0, 19/27 -> 49.8-86.2, 0/24 -> 0.0-14.2);
# the pooled values are metaprop-style DerSimonian-Laird on the logit scale (GIST: 2 studies,
# 98/174 -> 59.9 (43.4-74.5), tau2 0.1532, I2 59.9%, Q 2.49 on 1 df, p 0.114; non-GIST: 0/24 with
# 0.5 added -> 2.0 (0.1-25.1)), and the test of subgroup difference Q 8.55 on 1 df, p 0.0035.

LOGIT_DL = (
    "random effects (inverse variance, DerSimonian-Laird tau²) on the logit scale, "
    "0.5 added to studies with 0 or all events; 95% Wald CI back-transformed"
)
INTERVALS = {
    (79, 147): (45.3, 62.0),
    (19, 27): (49.8, 86.2),
    (0, 24): (0.0, 14.2),
    (98, 174): (48.6, 63.8),
    (98, 198): (42.3, 56.7),
}


def pooled_estimates() -> tuple[PooledEstimate, ...]:
    return (
        PooledEstimate(
            group=GIST,
            k=2,
            events=98,
            n=174,
            estimate=59.9,
            ci_low=43.4,
            ci_high=74.5,
            tau2=0.153155619556796,
            i2=59.9075080313859,
            q=2.4942325879439906,
            q_df=1,
            q_p=0.11426406112125695,
            method=LOGIT_DL,
            note="k < 3: heterogeneity estimates are unreliable",
        ),
        PooledEstimate(
            group=NON_GIST,
            k=1,
            events=0,
            n=24,
            estimate=2.0,
            ci_low=0.1,
            ci_high=25.1,
            tau2=None,
            i2=None,
            q=None,
            q_df=0,
            q_p=None,
            method=LOGIT_DL,
            note="k = 1: no pooling, the study's own estimate",
        ),
    )


def subgroup_test() -> SubgroupTest:
    return SubgroupTest(
        (GIST, NON_GIST), 8.546655367175191, 1, 0.003461576633525673, "Q test for subgroup differences"
    )


FEW_NOTE = "Groups with fewer than three study populations give unreliable heterogeneity estimates."


def make_interval_comparison() -> Comparison:
    """make_comparison() as analyze now fills it: row intervals, pooled estimates, subgroup test."""
    rows = tuple(
        dataclasses.replace(
            row,
            ci_low=INTERVALS[(row.responders, row.n)][0],
            ci_high=INTERVALS[(row.responders, row.n)][1],
        )
        for row in make_comparison().rows
    )
    return dataclasses.replace(
        make_comparison(),
        rows=rows,
        pooled=pooled_estimates(),
        subgroup_test=subgroup_test(),
        notes=(FEW_NOTE,),
    )


def make_study_comparison() -> Comparison:
    """The study view: one row per study population, with its label and the sentences behind it."""
    nejm, eortc = nejm_study(), eortc_study()
    rows = []
    for study in (nejm, eortc):
        for population in study.populations:
            orr = population.response("orr")
            assert orr is not None and orr.count is not None and population.n is not None
            n, responders = int(population.n.value), int(orr.count.value)
            low, high = INTERVALS[(responders, n)]
            rows.append(
                ComparisonRow(
                    tumor_group=population.tumor_group or NON_GIST,
                    tumor_type=population.tumor_type,
                    tumor_name=population.tumor_name,
                    doses_mg_per_day=tuple(sorted({d.mg_per_day for d in population.doses if d.mg_per_day})),
                    studies=(study.id,),
                    n=n,
                    responders=responders,
                    pooled_arms=population.pooled_arms,
                    label=f"{study.id} / {population.label}",
                    ci_low=low,
                    ci_high=high,
                    evidence=tuple(
                        dict.fromkeys(e for e in (orr.evidence, population.n.evidence) if e is not None)
                    ),
                )
            )
    return Comparison(
        by="study",
        rows=tuple(rows),
        excluded=(("NCT00764595", "no results posted"),),
        pooled=pooled_estimates(),
        subgroup_test=subgroup_test(),
        notes=(FEW_NOTE,),
    )


TOXICITY_NOTE = (
    "Frequencies are the highest each study reports; they are not pooled, because most abstracts do not "
    "state how many patients each percent is of."
)


def make_toxicity_comparison() -> Comparison:
    """The toxicity view: CTCAE terms by tumor group and dose, highest frequency and who reports it."""
    rows = [
        ToxicityRow(
            term=event.term or "",
            soc=event.soc,
            tumor_group="GIST + non-GIST",
            doses_mg_per_day=(800.0,),
            max_percent=event.percent.value if event.percent else None,
            studies=("eortc-62005",),
            reports=1,
            evidence=(event.evidence,),
        )
        for event in eortc_study().adverse_events
    ]
    bleeding = nejm_study().adverse_events[0]
    rows.insert(
        0,
        ToxicityRow(
            term="Gastrointestinal hemorrhage",
            soc=bleeding.soc,
            tumor_group=GIST,
            doses_mg_per_day=(400.0, 600.0),
            max_percent=5.0,
            studies=("doi:10.1056/NEJMoa020461",),
            reports=1,
            grades=("3-4",),
            evidence=(bleeding.evidence,),
        ),
    )
    return Comparison(by="toxicity", rows=(), toxicity_rows=tuple(rows), notes=(TOXICITY_NOTE,))


def load_schema(name: str) -> dict[str, Any]:
    """The schema as installed with the package (package data), not a copy in tests."""
    source = resources.files("imatinib_cli") / "schema" / f"{name}.schema.json"
    return json.loads(source.read_text(encoding="utf-8"))


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The published schema lets consumers meet newer keys; tests forbid undeclared ones."""
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


@pytest.fixture
def report() -> Report:
    return make_report()


@pytest.fixture
def comparison() -> Comparison:
    return make_comparison()


@pytest.fixture
def interval_comparison() -> Comparison:
    return make_interval_comparison()


@pytest.fixture
def study_comparison() -> Comparison:
    return make_study_comparison()


@pytest.fixture
def toxicity_comparison() -> Comparison:
    return make_toxicity_comparison()


@pytest.fixture
def unusable_report() -> Report:
    """Every input skipped or failed: the CLI must exit 1."""
    return Report(
        documents=(
            document("inputs/scan.pdf", status=STATUS_SKIPPED, reason="PDF is not a supported format"),
        ),
        studies=(),
    )
