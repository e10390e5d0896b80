"""`summarize --json` written as it is made: the same bytes as the whole-tree writer, with the
studies merged one group at a time and no document text held (issue 11: a file of 100,000
PubMed records took 2.0 GB, most of it the JSON tree and its text)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_huge_structured import pubmed_xml
from typer.testing import CliRunner

from imatinib_cli import pipeline
from imatinib_cli.cli import app
from imatinib_cli.render import json as render_json

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def whole_tree(data: dict) -> str:
    """What write_json printed before it streamed: the whole tree dumped at once."""
    return render_json._dumps(data, indent=True) + "\n"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"documents": []},
        {"a": 1, "documents": [{"b": [1, {"c": []}], "d": None}], "e": {"f": [2, 3]}},
        {"title\u202e": "x\u0085\u2028", "studies": [{"quote": "line\nbreak \x1b[2J"}]},
        {"big": [2**70, {"n": 2**65}]},  # past 64 bits: the standard library's encoder, per piece
    ],
)
def test_streamed_text_is_the_whole_tree_text(data: dict) -> None:
    written = io.StringIO()
    render_json.write_json(data, written)
    assert written.getvalue() == whole_tree(data)
    assert json.loads(written.getvalue()) == data


def test_summary_json_streamed_is_byte_identical() -> None:
    report = pipeline.summarize([str(SEEDS)], jobs=1)
    written = io.StringIO()
    render_json.write_summary_json(report, written)
    assert written.getvalue() == whole_tree(render_json.summary_json(report))
    assert len(json.loads(written.getvalue())["studies"]) == len(report.studies) == 4


def test_streamed_report_is_summarize_without_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(pubmed_xml(300))
    report = pipeline.summarize([str(path)], jobs=1)
    streamed = pipeline.summarize_streamed([str(path)], jobs=1)
    try:
        assert not isinstance(streamed.studies, (list, tuple))  # merged as they are read
        assert [d.path for d in streamed.documents] == [d.path for d in report.documents]
        assert len(streamed.documents) == 300
        assert all(d.text == "" and d.sections == () for d in streamed.documents)
        assert all(d.text for d in report.documents)
        studies = list(streamed.studies)
    finally:
        streamed.close()
    assert len(studies) == len(report.studies) == 300
    assert [render_json._study(s) for s in studies] == [render_json._study(s) for s in report.studies]


def test_closing_early_removes_the_store(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(pubmed_xml(20))
    streamed = pipeline.summarize_streamed([str(path)], jobs=1)
    next(iter(streamed.studies))
    frame = streamed.studies.gi_frame  # type: ignore[attr-defined]
    assert frame is not None
    streamed.close()
    assert streamed.studies.gi_frame is None  # type: ignore[attr-defined]


def test_cli_json_equals_the_report(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(pubmed_xml(50))
    result = CliRunner().invoke(app, ["summarize", str(path), "--json", "--no-cache", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    report = pipeline.summarize([str(path)], jobs=1)
    assert result.stdout == whole_tree(render_json.summary_json(report))


DOCUMENT_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),  # past 64 bits: the standard library's encoder
    st.text(
        alphabet=st.sampled_from(["a", " ", '"', "\\", "\n", "\x1b", "\x7f", "\x85", "\u202e", "é", "😀"])
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(["path", "title", "record"]), DOCUMENT_VALUE, max_size=3), max_size=9
    ),
    st.integers(1, 4),
)
def test_a_batched_list_is_the_item_by_item_text(items: list[dict], batch: int) -> None:
    """The documents list is dumped a batch at a time (one orjson call for several items, or each
    alone where one needs escaping or the standard library): the same text as one item at a time."""
    one_by_one, batched = io.StringIO(), io.StringIO()
    render_json.write_json_streamed([("documents", render_json._Items(iter(items)))], one_by_one)
    render_json.write_json_streamed([("documents", render_json._Items(iter(items), batch=batch))], batched)
    assert batched.getvalue() == one_by_one.getvalue() == whole_tree({"documents": items})
