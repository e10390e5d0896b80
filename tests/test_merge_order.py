"""A study merged from several documents says the same whatever order its files come in.

resolve merges a study's documents in precedence order (the most complete record first, ties broken
by content, never by path or input order) and warns about every value two of them state differently;
reports list documents and studies in a canonical order. The abstracts below are made up for these
tests: small texts sharing a PMID or an NCT id, with N, CR, PR and a toxicity that vary.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from imatinib_cli import pipeline, render
from imatinib_cli.cli import app
from imatinib_cli.extract import extract
from imatinib_cli.models import Document, Metadata
from imatinib_cli.resolve import resolve

runner = CliRunner()

IDS = {"pmid": "PMID: 31415926", "nct": "ClinicalTrials.gov Identifier: NCT04242424"}
OTHER_ID = "PMID: 27182818"
TITLES = (
    "Imatinib for advanced gastrointestinal stromal tumour: a phase II study",
    "Daily imatinib in metastatic GIST: final results of a single-arm trial",
)


@dataclass(frozen=True)
class Abstract:
    """The facts of one made-up abstract; text() writes them in sentences."""

    id_line: str
    n: int
    cr: int | None
    pr: int | None
    toxicity: int | None
    title: str | None

    def text(self) -> str:
        lines = [self.title, ""] if self.title else []
        lines += [self.id_line, ""]
        sentences = [f"A total of {self.n} patients with GIST received imatinib 400 mg daily."]
        if self.cr is not None:
            sentences.append(f"A complete response was seen in {self.cr} patients.")
        if self.pr is not None:
            sentences.append(f"A partial response was seen in {self.pr} patients.")
        if self.toxicity is not None:
            sentences.append(f"Grade 3 neutropenia occurred in {self.toxicity}% of patients.")
        sentences.append("Treatment was generally well tolerated.")
        return "\n".join(lines) + "\n" + " ".join(sentences) + "\n"


@st.composite
def abstracts(draw: st.DrawFn, id_line: str) -> Abstract:
    n = draw(st.integers(20, 60))
    cr = draw(st.none() | st.integers(0, 4))
    pr = draw(st.none() | st.integers(0, 15))
    return Abstract(
        id_line,
        n,
        cr,
        pr,
        draw(st.none() | st.sampled_from((20, 25, 30, 35))),
        draw(st.none() | st.sampled_from(TITLES)),
    )


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Abstract], list[str], list[int]]:
    """2-4 abstracts of one trial (sometimes one of another trial too), file names whose sorted order
    is unrelated to the abstracts', and the order to give the files in."""
    shared = IDS[draw(st.sampled_from(sorted(IDS)))]
    docs = draw(st.lists(abstracts(shared), min_size=2, max_size=4, unique=True))
    if draw(st.booleans()):
        docs.append(draw(abstracts(OTHER_ID)))
    names = draw(
        st.lists(
            st.text("abcdefgh", min_size=5, max_size=5), min_size=len(docs), max_size=len(docs), unique=True
        )
    )
    order = draw(st.permutations(range(len(docs))))
    return docs, names, order


def _outputs(paths: list[str]) -> list[str]:
    """What the user sees: summarize --json, compare --json and the summary tables."""
    outputs = []
    for args in (["summarize", "--json"], ["compare", "--json"], ["summarize"]):
        result = runner.invoke(app, [*args, "--jobs", "1", *paths], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    return outputs


def _write(folder: str, docs: list[Abstract], names: list[str]) -> list[str]:
    paths = []
    for doc, name in zip(docs, names, strict=True):
        path = Path(folder, f"{name}.txt")
        path.write_text(doc.text(), encoding="utf-8")
        paths.append(str(path))
    return paths


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_the_output_is_identical_for_any_file_order(
    corpus: tuple[list[Abstract], list[str], list[int]],
) -> None:
    docs, names, order = corpus
    with tempfile.TemporaryDirectory() as folder:
        paths = _write(folder, docs, names)
        given_order = _outputs([paths[index] for index in order])
        assert given_order == _outputs([folder])
        summary = json.loads(given_order[0])
        assert [d["path"] for d in summary["documents"]] == sorted(paths)
        (study,) = [s for s in summary["studies"] if len(s["sources"]) >= 2]
        assert sorted(study["sources"]) == sorted(
            p for p, d in zip(paths, docs, strict=True) if d.id_line != OTHER_ID
        )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.randoms(use_true_random=False))
def test_values_follow_content_not_file_names(
    corpus: tuple[list[Abstract], list[str], list[int]], random: object
) -> None:
    """The same abstracts under names shuffled among them: the study says the same, each value still
    quoting the file its abstract is in."""
    docs, names, _ = corpus
    renamed = list(names)
    random.shuffle(renamed)  # type: ignore[attr-defined]
    studies = []
    for assigned in (names, renamed):
        with tempfile.TemporaryDirectory() as folder:
            paths = _write(folder, docs, assigned)
            report = pipeline.summarize(paths, jobs=1)
            # Studies are listed by their first file's name: compare them by id.
            by_id = {study["id"]: study for study in render.summary_json(report)["studies"]}
            text = json.dumps(by_id, sort_keys=True)
            for index, path in enumerate(paths):
                text = text.replace(path, f"<abstract {index}>")
            studies.append(text)
            for study in report.studies:  # every quote is found in the file it names
                for population in study.populations:
                    for response in population.responses:
                        for quantity in (response.count, response.percent):
                            if quantity is not None and quantity.evidence is not None:
                                source = Path(quantity.evidence.document).read_text(encoding="utf-8")
                                assert quantity.evidence.quote in source
    assert studies[0] == studies[1]


# -- the rule and its warnings, one case each ------------------------------------------------------


def _doc(path: str, text: str, sha: str) -> Document:
    return Document(path=path, sha256=sha * 64, format="text", text=text, metadata=Metadata(pmid="31415926"))


def _study(*docs: Document):  # type: ignore[no-untyped-def]
    (study,) = resolve([extract(doc) for doc in docs])
    return study


def test_two_toxicity_frequencies_of_one_study_are_a_warning_naming_both_documents() -> None:
    first = _doc(
        "a.txt",
        "Forty patients with GIST were treated. Grade 3 neutropenia occurred in 30% of patients.",
        "1",
    )
    second = _doc(
        "b.txt",
        "Forty patients with GIST were treated. Grade 3 neutropenia occurred in 35% of patients.",
        "2",
    )
    for order in ((first, second), (second, first)):
        study = _study(*order)
        messages = [w.message for w in study.warnings]
        # Equal completeness: the sha256 (content) decides which leads, not the order.
        assert messages == [
            "Neutrophil count decreased grade 3: percent stated as 30% (a.txt) and 35% (b.txt)"
        ]
        (event,) = study.adverse_events
        assert (event.percent.value, event.evidence.document) == (30, "a.txt")
        assert {e.document for e in study.warnings[0].evidence} == {"a.txt", "b.txt"}


def test_the_most_complete_record_leads_whatever_its_name_and_order() -> None:
    brief = _doc("a.txt", "A total of 44 patients with GIST received imatinib.", "0")
    full = _doc(
        "z.txt",
        "A total of 40 patients with GIST received imatinib. A complete response was seen in 2 patients. "
        "A partial response was seen in 18 patients.",
        "f",
    )
    for order in ((brief, full), (full, brief)):
        study = _study(*order)
        assert study.sources == ("z.txt", "a.txt")
        (population,) = study.populations
        assert (population.n.value, population.n.evidence.document) == (40, "z.txt")
        assert population.response("pr").count.evidence.document == "z.txt"
        assert "GIST: N stated as 40 (z.txt) and 44 (a.txt)" in [w.message for w in study.warnings]


def test_a_value_only_one_document_states_keeps_that_document_as_its_evidence() -> None:
    lead = _doc(
        "b.txt",
        "A total of 40 patients with GIST received imatinib. A complete response was seen in 2 patients. "
        "A partial response was seen in 18 patients.",
        "1",
    )
    other = _doc(
        "a.txt",
        "A total of 40 patients with GIST received imatinib. The median time to progression was 20 months.",
        "2",
    )
    study = _study(other, lead)
    assert study.sources == ("b.txt", "a.txt")
    (outcome,) = study.outcomes
    assert outcome.evidence.document == "a.txt"
    assert not study.warnings


def test_hematologic_responses_that_differ_are_a_warning_naming_both_documents() -> None:
    text = (
        "Forty patients with chronic myeloid leukemia in chronic phase received imatinib 400 mg daily. "
        "A complete cytogenetic response at 12 months was seen in {}% of patients."
    )
    study = _study(_doc("x.txt", text.format(45), "9"), _doc("y.txt", text.format(40), "3"))
    assert [w.message for w in study.warnings] == [
        "chronic myeloid leukemia: CCyR at 12 months percent stated as 40 (y.txt) and 45 (x.txt)"
    ]
