"""The gate on real documents (issue 10): `imx evaluate` on ../shared/corpus/real-dev and on the
project's own abstracts, asserting floors that only ever go up.

Not a timed test: it asserts scores. The corpus is third-party text and stays in ../shared (CI lays it
beside the checkout); nothing here copies it. Raise a floor when a change lifts the score for good;
lowering one needs a reason in the changelog.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from imatinib_cli.evaluate import Evaluation, FieldScore, evaluate

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = ROOT.parent / "shared" / "corpus" / "real-dev" / "gold.yaml"
ABSTRACTS = ROOT / "tests" / "gold" / "abstracts.gold.yaml"

# (precision, F1) floors: micro over the whole corpus, then per slice (the corpus's text folders).
REAL_DEV_MICRO = (0.98, 0.935)
REAL_DEV_SLICES = {
    "gist": (0.98, 0.98),
    "heme": (0.97, 0.85),
    # sarcoma precision 0.96, not 0.97: the gold of sarcoma/13 leaves out "Twenty patients experienced
    # an adverse event grade 1-2" (20 of 25, 80%), which the corpus README's rule ("every adverse
    # event with a frequency") and its other documents' aggregate entries include; imx keeps it.
    "sarcoma": (0.96, 0.90),
    "solid": (0.98, 0.975),
}
ABSTRACTS_MICRO = (0.98, 0.955)


def slice_scores(evaluation: Evaluation) -> dict[str, FieldScore]:
    """Micro scores per corpus slice (scripts/corpus_report.py's, which docs/evaluation.md quotes)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from corpus_report import slices

    return slices(evaluation)


@pytest.fixture(scope="module")
def real_dev() -> Evaluation:
    assert REAL_DEV.is_file(), "the real corpus (../shared/corpus/real-dev) is beside every checkout and CI"
    return evaluate(REAL_DEV)


def test_real_corpus_micro_scores_stay_above_their_floor(real_dev: Evaluation) -> None:
    precision, f1 = REAL_DEV_MICRO
    assert real_dev.micro.precision is not None and real_dev.micro.precision >= precision
    assert real_dev.micro.f1 is not None and real_dev.micro.f1 >= f1


@pytest.mark.parametrize("name", sorted(REAL_DEV_SLICES))
def test_each_corpus_slice_stays_above_its_floor(real_dev: Evaluation, name: str) -> None:
    score = slice_scores(real_dev)[name]
    precision, f1 = REAL_DEV_SLICES[name]
    assert score.precision is not None and score.precision >= precision, score
    assert score.f1 is not None and score.f1 >= f1, score


def test_the_projects_own_abstracts_do_not_fall() -> None:
    evaluation = evaluate(ABSTRACTS)
    precision, f1 = ABSTRACTS_MICRO
    assert evaluation.micro.precision is not None and evaluation.micro.precision >= precision
    assert evaluation.micro.f1 is not None and evaluation.micro.f1 >= f1


def test_no_field_falls_below_f1_080(real_dev: Evaluation) -> None:
    """Issue 10: no field of the real corpus below F1 0.80 (fields imx and the gold both leave empty
    have no F1)."""
    low = {s.field: s.f1 for s in real_dev.fields if s.f1 is not None and s.f1 < 0.80}
    assert low == {}


def test_the_projects_corrections_apply_to_the_real_corpus(real_dev: Evaluation) -> None:
    """tests/gold/real-dev-corrections.yaml names values of the corpus gold that are provably wrong;
    each must still match a gold entry, and scoring with them never lowers the score."""
    corrected = evaluate(REAL_DEV, corrections=ROOT / "tests" / "gold" / "real-dev-corrections.yaml")
    assert len(corrected.corrections) >= 1
    assert all(c.proof for c in corrected.corrections)
    assert corrected.micro.tp >= real_dev.micro.tp and corrected.micro.fp <= real_dev.micro.fp
