"""`imx evaluate`: the gold format, the scoring (counts worked out by hand), the converted abstracts
gold end to end, malformed gold files and the JSON output."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, load_schema, strict
from rich.console import Console
from typer.testing import CliRunner

from imatinib_cli.cli import app
from imatinib_cli.evaluate import FIELDS, HEME_FIELDS, GoldError, evaluate, read_gold
from imatinib_cli.models import (
    GIST,
    AdverseEvent,
    Design,
    Document,
    Dose,
    Evidence,
    Population,
    Quantity,
    Report,
    ResponseCount,
    Study,
)
from imatinib_cli.render.evaluation import evaluation_json, print_evaluation

runner = CliRunner()
ABSTRACTS_GOLD = ROOT / "tests" / "gold" / "abstracts.gold.yaml"

# Two short abstracts in the phrasing every extractor reads; the gold below is deliberately partly
# wrong, so each kind of outcome (TP, FP, FN, wrong, derived, not annotated) occurs.
GIST_TEXT = """\
Imatinib in advanced gastrointestinal stromal tumors: a phase II study.

RESULTS: Forty patients with advanced GIST received imatinib 400 mg daily. A partial response was seen in \
20 patients (50%) and stable disease in 12 patients (30%). The most common adverse events were nausea \
(40%) and fatigue (25%).
"""
MELANOMA_TEXT = """\
Imatinib for metastatic melanoma with KIT mutations: a phase II trial.

RESULTS: Twenty patients with metastatic melanoma were treated with imatinib 800 mg daily. Two patients \
(10%) had a complete response, three (15%) had a partial response and eight (40%) had progressive \
disease. Grade 3 anemia occurred in 5% of patients.
"""
SMALL_GOLD = """\
gold_version: 1
documents:
  - path: docs/gist.txt
    populations:
      - label: advanced GIST
        tumor_type: GIST
        n: 40                        # TP
        doses_mg_per_day: [400, 600] # 400 TP; 600 FN
        cr: null                     # imx states none: nothing to count
        pr: [20, 50]                 # TP, TP
        sd: [12, 35]                 # count TP; percent wrong (imx 30): FP + FN
        orr: null                    # PR alone, CR never mentioned: ORR unknown, imx states none
    toxicities:
      - {term: Nausea, percent: 40}          # term TP, percent TP
      - {as_written: fatigue, percent: 30}   # term TP (by its words); percent wrong (imx 25): FP + FN
      - {term: Diarrhea, percent: 10}        # term FN, percent FN
  - path: docs/melanoma.txt
    populations:
      - label: melanoma
        tumor_type: MEL
        n: 25                        # wrong (imx 20): FP + FN
        doses_mg_per_day: [800]      # TP
        cr: [2, 10]                  # TP, TP
        pr: {count: 3}               # count TP; percent not annotated (imx 15 not scored)
        pd: null                     # imx 8 (40%): FP, FP
        orr: [6, 25]                 # count wrong (imx 5, derived): FP + FN; percent TP (derived)
    toxicities: []                   # imx anemia 5%: term FP, percent FP
"""
# field: (TP, FP, FN), worked out from the comments above.
SMALL_EXPECTED = {
    "n": (1, 1, 1),
    "dose": (2, 0, 1),
    "cr": (1, 0, 0),
    "cr_percent": (1, 0, 0),
    "pr": (2, 0, 0),
    "pr_percent": (1, 0, 0),
    "sd": (1, 0, 0),
    "sd_percent": (0, 1, 1),
    "pd": (0, 1, 0),
    "pd_percent": (0, 1, 0),
    "ne": (0, 0, 0),
    "ne_percent": (0, 0, 0),
    "orr": (0, 1, 1),
    "orr_percent": (1, 0, 0),
    "toxicity_term": (2, 1, 1),
    "toxicity_percent": (1, 2, 2),
    # The hematologic fields are not annotated in this gold file: nothing is scored there.
    **{field: (0, 0, 0) for field in HEME_FIELDS},
}


@pytest.fixture
def small_gold(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gist.txt").write_text(GIST_TEXT, encoding="utf-8")
    (folder / "melanoma.txt").write_text(MELANOMA_TEXT, encoding="utf-8")
    gold = tmp_path / "small.gold.yaml"
    gold.write_text(SMALL_GOLD, encoding="utf-8")
    return gold


def counts(evaluation) -> dict[str, tuple[int, int, int]]:
    return {score.field: (score.tp, score.fp, score.fn) for score in evaluation.fields}


def check_consistent(evaluation) -> None:
    """Precision, recall, F1 and the micro average follow from the counts; the listing matches them."""
    assert [score.field for score in evaluation.fields] == list(FIELDS)
    for score in (*evaluation.fields, evaluation.micro):
        tp, fp, fn = score.tp, score.fp, score.fn
        assert score.precision == (pytest.approx(tp / (tp + fp)) if tp + fp else None)
        assert score.recall == (pytest.approx(tp / (tp + fn)) if tp + fn else None)
        if score.precision and score.recall:
            harmonic = 2 * score.precision * score.recall / (score.precision + score.recall)
            assert score.f1 == pytest.approx(harmonic)
    for index, name in enumerate(("tp", "fp", "fn")):
        assert getattr(evaluation.micro, name) == sum(counts(evaluation)[f][index] for f in FIELDS)
    for field, (_, fp, fn) in counts(evaluation).items():
        items = [d for d in evaluation.discrepancies if d.field == field]
        assert fp == sum(1 for d in items if d.kind in ("false", "wrong")), field
        assert fn == sum(1 for d in items if d.kind in ("missed", "wrong")), field
        for item in items:
            assert (item.gold is None) == (item.kind == "false")
            assert (item.imx is None) == (item.kind == "missed")


# --- the hand-made gold, through the real pipeline ------------------------------------------------


def test_small_gold_counts_worked_out_by_hand(small_gold: Path) -> None:
    evaluation = evaluate(small_gold)
    assert counts(evaluation) == SMALL_EXPECTED
    assert (evaluation.micro.tp, evaluation.micro.fp, evaluation.micro.fn) == (13, 8, 7)
    assert evaluation.micro.precision == pytest.approx(13 / 21)
    assert evaluation.micro.recall == pytest.approx(13 / 20)
    assert evaluation.micro.f1 == pytest.approx(26 / 41)
    check_consistent(evaluation)

    by_field = {(d.document.rsplit("/", 1)[-1], d.field, d.kind): d for d in evaluation.discrepancies}
    assert len(evaluation.discrepancies) == 11
    wrong_n = by_field["melanoma.txt", "n", "wrong"]
    assert (wrong_n.gold, wrong_n.imx, wrong_n.population) == (25, 20, "melanoma")
    assert wrong_n.evidence is not None and "Twenty patients" in wrong_n.evidence.quote
    assert MELANOMA_TEXT[wrong_n.evidence.start : wrong_n.evidence.end]  # a real span of the document
    derived_orr = by_field["melanoma.txt", "orr", "wrong"]
    assert (derived_orr.gold, derived_orr.imx, derived_orr.derived) == (6, 5, True)
    false_pd = by_field["melanoma.txt", "pd", "false"]
    assert false_pd.gold is None and false_pd.imx == 8 and "progressive disease" in false_pd.evidence.quote
    assert by_field["gist.txt", "dose", "missed"].gold == 600
    assert by_field["gist.txt", "toxicity_term", "missed"].term == "Diarrhea"
    assert by_field["melanoma.txt", "toxicity_term", "false"].imx == "Anemia"
    fatigue = by_field["gist.txt", "toxicity_percent", "wrong"]
    assert (fatigue.term, fatigue.gold, fatigue.imx) == ("fatigue", 30, 25)
    assert [(p.gold, p.imx) for p in evaluation.documents[0].populations] == [
        ("advanced GIST", "advanced GIST")
    ]


def test_small_gold_table(small_gold: Path) -> None:
    buffer = io.StringIO()
    print_evaluation(evaluate(small_gold), Console(file=buffer, width=200, color_system=None))
    out = buffer.getvalue()
    assert "micro average" in out and "population size" in out and "toxicity %" in out
    assert "0.619" in out  # micro precision 13/21
    assert "Misses and false values (3 missed, 4 false, 4 wrong)" in out
    assert "wrong   ORR              melanoma (imx: metastatic melanoma): imx 5* · gold 6" in out
    assert "missed  toxicity term    Diarrhea: not stated by imx" in out
    assert '"RESULTS: Twenty patients with metastatic melanoma' in out  # evidence quote and span
    assert "melanoma.txt:" in out


def test_cli_table_and_json(small_gold: Path) -> None:
    table = runner.invoke(app, ["evaluate", str(small_gold)])
    assert table.exit_code == 0, table.stderr
    assert "micro average" in table.stdout and table.stderr == ""

    result = runner.invoke(app, ["evaluate", str(small_gold), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)  # exactly one JSON document
    jsonschema.Draft202012Validator(strict(load_schema("evaluate"))).validate(data)
    assert {f["field"]: (f["tp"], f["fp"], f["fn"]) for f in data["fields"]} == SMALL_EXPECTED
    assert (data["micro"]["tp"], data["micro"]["fp"], data["micro"]["fn"]) == (13, 8, 7)
    assert len(data["discrepancies"]) == 11 and len(data["documents"]) == 2
    schema = runner.invoke(app, ["schema", "evaluate"])
    assert json.loads(schema.stdout)["title"] == "imx evaluate --json"


def test_scores_do_not_change_the_exit_code(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GIST_TEXT, encoding="utf-8")
    gold = tmp_path / "g.yaml"
    gold.write_text("documents:\n  - path: a.txt\n    populations: [{tumor_type: GIST, n: 99, pr: [1, 2]}]\n")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 0
    assert "wrong   population size" in result.stdout


# --- the 20 annotated abstracts, end to end --------------------------------------------------------


def test_abstracts_gold_runs_end_to_end() -> None:
    evaluation = evaluate(ABSTRACTS_GOLD)
    assert len(evaluation.documents) == 20
    assert all(document.studies >= 1 for document in evaluation.documents)
    for score in evaluation.fields:  # every tumor field is scored: the gold has values for each
        if score.field in HEME_FIELDS:
            continue  # only the leukemia abstracts annotate the hematologic fields
        assert score.tp + score.fn > 0, score.field
        assert score.f1 is not None and 0 <= score.f1 <= 1
    check_consistent(evaluation)
    for item in evaluation.discrepancies:
        assert (
            item.document.startswith("tests/cases/abstracts/") or "/tests/cases/abstracts/" in item.document
        )
        if item.evidence is not None:
            assert item.evidence.quote and item.evidence.end >= item.evidence.start
    data = json.loads(json.dumps(evaluation_json(evaluation)))
    jsonschema.Draft202012Validator(strict(load_schema("evaluate"))).validate(data)


def test_abstracts_gold_is_the_conversion_of_the_annotations() -> None:
    """tests/gold/abstracts.gold.yaml is generated: it must match the annotations it came from."""
    spec = importlib.util.spec_from_file_location(
        "convert_abstracts", ROOT / "tests/gold/convert_abstracts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.convert()
    module.check(text)  # the annotator's values, unchanged
    assert text == ABSTRACTS_GOLD.read_text(encoding="utf-8"), (
        "an annotation changed: run .venv/bin/python tests/gold/convert_abstracts.py"
    )


# --- malformed gold files and unreadable documents -------------------------------------------------

MALFORMED = [
    ("documents: [", "not valid YAML"),
    ("- just a list", "expected a mapping with 'documents'"),
    ("documents: []", "documents: expected a non-empty list of documents"),
    ("gold_version: 2\ndocuments: [{path: a.txt}]", "gold_version: 2 is not supported"),
    ("documents: [{pathh: a.txt}]", "documents[0]: unknown key 'pathh'"),
    ("documents: [{path: a.txt, populations: [{tumor_type: GIST, cr: [1, 2, 3]}]}]",
     "documents[0].populations[0].cr: expected [count, percent]"),
    ("documents: [{path: a.txt, populations: [{tumor_type: GIST, n: 12.5}]}]",
     "documents[0].populations[0].n: expected a whole number, not 12.5"),
    ("documents: [{path: a.txt, populations: [{tumor_type: GIST, orr: [3, 120]}]}]",
     "a percent cannot exceed 100"),
    ("documents: [{path: a.txt, populations: [{n: 3}], toxicities: [{percent: 4}]}]",
     "documents[0].toxicities[0]: a toxicity needs a term (CTCAE v5) or as_written"),
    ("documents: [{path: a.txt, populations: [{group: sarcoma}]}]",
     "documents[0].populations[0].group: expected GIST or non-GIST"),
    ("documents: [{path: a.txt}, {path: ./a.txt}]", "documents[1].path: './a.txt' is listed twice"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "problem"), MALFORMED)
def test_malformed_gold_is_a_usage_error_with_one_line(tmp_path: Path, content: str, problem: str) -> None:
    gold = tmp_path / "bad.gold.yaml"
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as raised:
        read_gold(gold)
    assert problem in str(raised.value)
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"imx: error: {gold}: ")
    assert problem in lines[0]


def test_missing_gold_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"imx: error: {tmp_path / 'nope.yaml'}: no such file\n"


def test_unreadable_document_exits_1(tmp_path: Path) -> None:
    gold = tmp_path / "g.yaml"
    gold.write_text("documents:\n  - path: missing.txt\n    populations: [{tumor_type: GIST, n: 3}]\n")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"imx: error: {tmp_path / 'missing.txt'}: listed in the gold file but no such file\n"
    )

    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    gold.write_text("documents:\n  - path: empty.txt\n    populations: [{tumor_type: GIST, n: 3}]\n")
    result = runner.invoke(app, ["evaluate", str(gold), "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"imx: error: {tmp_path / 'empty.txt'}: cannot be read")
    assert len(result.stderr.splitlines()) == 1


# --- pairing and scoring rules, on hand-built Reports (no extractor involved) ------------------------


def ev(quote: str) -> Evidence:
    return Evidence("trial.txt", 0, len(quote), quote)


def q(value: float, derived: bool = False) -> Quantity:
    return Quantity(value, ev(f"{value:g}"), derived=derived)


def pop(
    label: str, n: float | None, doses: tuple[float, ...], arm: str | None = None, **responses
) -> Population:
    return Population(
        label=label,
        tumor_type="GIST",
        tumor_name="Gastrointestinal Stromal Tumor",
        tumor_group=GIST,
        n=None if n is None else q(n),
        doses=tuple(Dose(d, f"{d:g} mg", None, ev(f"{d:g} mg")) for d in doses),
        responses=tuple(
            ResponseCount(c, q(count), q(percent), f"{c} {count}", ev(c))
            for c, (count, percent) in responses.items()
        ),
        arm=arm,
    )


def stub(populations: tuple[Population, ...], events: tuple[AdverseEvent, ...] = ()):
    def summarize(paths):
        document = Document(path=paths[0], sha256="0", format="text", text="x")
        study = Study("s", None, document.metadata, (paths[0],), Design(), populations, events, ())
        return Report(documents=(document,), studies=(study,))

    return summarize


def write_gold(tmp_path: Path, body: str) -> Path:
    (tmp_path / "trial.txt").write_text("x", encoding="utf-8")
    gold = tmp_path / "g.yaml"
    gold.write_text("documents:\n  - path: trial.txt\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return gold


def test_arms_pair_by_agreement_and_the_whole_study_population_is_not_false(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path,
        """\
        n_enrolled: 946
        populations:
          - {label: once daily, tumor_type: GIST, n: 473, doses_mg_per_day: [400], cr: [24, 5]}
          - {label: twice daily, tumor_type: GIST, n: 473, doses_mg_per_day: [800], cr: [28, 6]}
        """,
    )
    imx = (
        pop("all randomized", 946, (400, 800)),
        pop("twice-daily group", 473, (800,), arm="twice-daily group", cr=(28, 6)),
        pop("once-daily group", 473, (400,), arm="once-daily group", cr=(24, 5)),
    )
    evaluation = evaluate(gold, summarize=stub(imx))
    assert [(p.gold, p.imx) for p in evaluation.documents[0].populations] == [
        ("once daily", "once-daily group"),
        ("twice daily", "twice-daily group"),
        (None, "all randomized"),
    ]
    assert evaluation.micro.fp == evaluation.micro.fn == 0  # 946 and its doses are the study's, not false
    assert evaluation.micro.tp == 8


def test_unpaired_imx_population_values_are_false_and_tumor_type_must_match(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, "populations:\n  - {tumor_type: MEL, n: 20, pr: [2, 10]}\n")
    evaluation = evaluate(gold, summarize=stub((pop("GIST", 20, (400,), pr=(2, 10)),)))
    # A GIST population is not paired with a melanoma one, however well its numbers agree.
    assert [(p.gold, p.imx) for p in evaluation.documents[0].populations] == [("MEL", None), (None, "GIST")]
    assert counts(evaluation)["n"] == (0, 1, 1)
    assert counts(evaluation)["dose"] == (0, 0, 0)  # no gold population annotates doses
    assert counts(evaluation)["pr_percent"] == (0, 1, 1)
    assert {d.kind for d in evaluation.discrepancies} == {"missed", "false"}


def test_size_may_be_the_number_evaluable_and_percents_have_a_tolerance(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, "populations:\n  - {tumor_type: GIST, n: 35, orr: [19, 54.3]}\n")
    population = pop("GIST", 36, (), orr=(19, 54.2857))
    population = dataclasses.replace(population, n_evaluable=q(35))
    evaluation = evaluate(gold, summarize=stub((population,)))
    assert counts(evaluation)["n"] == (1, 0, 0)
    assert counts(evaluation)["orr_percent"] == (1, 0, 0)


def test_toxicities_without_a_frequency_are_not_stated_and_duplicates_merge(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path,
        """\
        toxicities:
          - {term: Neutrophil count decreased, as_written: neutropenia, percent: 30}
          - {term: Neutrophil count decreased, as_written: neutropenia, percent: 4, grade: "3/4"}
        """,
    )
    events = (
        AdverseEvent("Neutrophil count decreased", "neutropenia", None, q(30), None, None, ev("neutropenia")),
        AdverseEvent("Neutrophil count decreased", "neutropenia", None, q(4), None, "3/4", ev("grade 3/4")),
        AdverseEvent("Vomiting", "vomiting", None, None, None, None, ev("vomiting")),  # named, no frequency
    )
    evaluation = evaluate(gold, summarize=stub((), events))
    assert counts(evaluation)["toxicity_term"] == (1, 0, 0)
    assert counts(evaluation)["toxicity_percent"] == (2, 0, 0)
    assert evaluation.discrepancies == ()
