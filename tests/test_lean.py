"""The lean path of `summarize --json` / `--jsonl` (issue 12): what a worker returns and what the
extraction cache keeps are ready to write, and a rerun from the cache decodes no Findings for a
study of one document. Counted, not timed (the times are in docs/performance.md)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imatinib_cli import cache, codec, execute
from imatinib_cli.cli import app
from imatinib_cli.models import Document
from imatinib_cli.render.json import RenderedStudy, line_from_piece, study_line_text, study_piece
from imatinib_cli.resolve import merge_group

runner = CliRunner()

ABSTRACT = (
    "Imatinib in {tumor}: a phase II study\n\n"
    "We treated {n} patients with {tumor} with imatinib 400 mg daily. "
    "{pr} patients had a partial response and 1 had a complete response. "
    "Grade 3 neutropenia occurred in 2 patients.\n"
)


def _corpus(folder: Path, *, shared_doi: bool = False) -> Path:
    """Four abstracts, each its own study; with shared_doi the last two name the same DOI (one study)."""
    folder.mkdir()
    tumors = ["gastrointestinal stromal tumor", "melanoma", "chordoma", "desmoid tumor"]
    for index, tumor in enumerate(tumors):
        text = ABSTRACT.format(tumor=tumor, n=20 + index, pr=3 + index)
        if shared_doi and index >= 2:
            text += "doi: 10.1000/imx.shared\n"
        (folder / f"abstract_{index}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("IMX_CACHE_DIR", str(folder))
    return folder


def _run(*args: str) -> str:
    result = runner.invoke(app, ["summarize", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often a stored Findings is taken from its decoded entry (StoredFindings.pick) in a run."""
    calls: list[int] = []
    original = execute.StoredFindings.pick

    def counting(self: execute.StoredFindings, result: object) -> object:
        calls.append(self.index)
        return original(self, result)

    monkeypatch.setattr(execute.StoredFindings, "pick", counting)
    return calls


@pytest.mark.parametrize("form", ["--json", "--jsonl"])
def test_a_warm_run_decodes_no_findings_for_studies_of_one_document(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    corpus = _corpus(tmp_path / "docs")
    plain = _run(form, "--no-cache", str(corpus))
    assert _run(form, str(corpus)) == plain  # cold: fills the cache
    decoded = _count_decodes(monkeypatch)
    extracted: list[str] = []
    monkeypatch.setattr(execute, "process_file", lambda *args: extracted.append(args[0]))
    assert _run(form, str(corpus)) == plain  # warm: the heads only
    assert decoded == [] and extracted == []
    assert plain.count('"sources"') == 4


def test_a_study_of_two_documents_is_merged_from_their_findings(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs", shared_doi=True)
    plain = _run("--json", "--no-cache", str(corpus))
    assert plain.count('"sources"') == 3  # the two with one DOI are one study
    assert _run("--json", str(corpus)) == plain
    decoded = _count_decodes(monkeypatch)
    assert _run("--json", str(corpus)) == plain
    assert sorted(decoded) == [0, 0]  # each of the two files' only record, decoded once


def test_what_a_worker_returns_round_trips_to_the_same_output(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs")
    path = corpus / "abstract_0.txt"
    data = path.read_bytes()
    result = execute.process_file(str(path), data, "0" * 64)
    lean = execute.made_lean(result, form="json", entry=True)
    (findings,) = result.findings
    assert findings is not None
    item = lean.items[0]
    assert item is not None and item.keys is not None
    # The pickled Findings are the Findings without text; the study text is what --json writes.
    assert pickle.loads(item.findings) == execute.without_text(findings)  # noqa: S301 - made here
    study = merge_group([execute.without_text(findings)])
    assert item.study == RenderedStudy(study_piece(study).encode(), "json")  # UTF-8, as it is written
    assert line_from_piece(item.study.text) == study_line_text(study).encode()
    assert line_from_piece(study_piece(study)) == study_line_text(study)
    assert lean.documents == (execute.text_dropped(result.documents[0]),)
    # The cache entry made by the worker: its head gives the same LeanResult, its body the FileResult.
    assert lean.entry is not None and lean.entry.value is not None
    assert cache.Entry.parse(lean.entry.value).head is not None and codec.decode(lean.entry.body) == result
    body = lean.entry.body

    class Source:  # the cache, as get_entries leaves the body on disk for get_body
        def get_body(self, key: str) -> bytes:
            assert key == "k" * 64
            return body

    entry = cache.Entry.parse(lean.entry.value)
    again = execute.lean_from_entry(entry, str(path), "0" * 64, "k" * 64, Source())
    assert again is not None
    assert again.documents == lean.documents
    stored = again.items[0]
    assert stored is not None and stored.keys == item.keys and stored.study is not None
    # The study text stays in the cache's `studies` table: the head gives its length alone.
    assert stored.study == RenderedStudy(len(item.study.text), "json")
    assert lean.entry.studies == ((0, str(path), item.study.text),)
    assert stored.findings.pick(stored.findings.decoded()) == execute.without_text(findings)  # type: ignore[attr-defined]
    # Found under another path, the head does not serve: the FileResult is relocated instead.
    assert execute.lean_from_entry(entry, str(tmp_path / "elsewhere.txt"), "0" * 64) is None
    # Bytes after the head (the body read with it: not what get_entries gives) are a damaged entry.
    with pytest.raises(ValueError, match="bytes after the entry's head"):
        cache.Entry.parse(lean.entry.value + body)


def test_jsonl_form_is_made_by_the_worker(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs")
    path = corpus / "abstract_1.txt"
    result = execute.process_file(str(path), path.read_bytes(), "1" * 64)
    lean = execute.made_lean(result, form="jsonl", entry=False)
    item = lean.items[0]
    assert item is not None and lean.entry is None
    findings = result.findings[0]
    assert findings is not None
    assert item.study == RenderedStudy(
        study_line_text(merge_group([execute.without_text(findings)])).encode(), "jsonl"
    )


def test_an_entry_found_under_another_path_is_relocated(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes at a new path: the head does not serve (its texts name the old path), the
    FileResult is decoded and relocated, and nothing is extracted again."""
    first = _corpus(tmp_path / "first")
    _run("--json", str(first))
    moved = tmp_path / "moved"
    first.rename(moved)
    extracted: list[str] = []
    original = execute._extracted  # what process_file and a serial --no-cache run's documents go through

    def counting(path: str, sha256: str, documents: list[Document]) -> execute.FileResult:
        extracted.extend(document.path for document in documents)
        return original(path, sha256, documents)

    monkeypatch.setattr(execute, "_extracted", counting)
    assert _run("--json", str(moved)) == _run("--json", "--no-cache", str(moved))
    assert len(extracted) == 4  # the --no-cache run only


@pytest.mark.parametrize(
    "value",
    [
        {"id": "a", "quote": 'she said "yes": then left', "n": [1, 2.5, None], "empty": [], "map": {}},
        {"id": "b\\", "t": "x: y", "nested": {"k\\": ['\\": ', "\u009b", "\u2028"]}},
        {"id": "c", "t": "ends with a backslash \\", "u": 'quote then colon \\": space'},
        {"id": "d", ": opens": ": a string that opens with a colon", "big": 2**70, "n": 1e19},
        {},
    ],
)
def test_a_line_from_a_piece_is_the_study_line(value: dict[str, object]) -> None:
    """line_from_piece writes the indented text compactly (orjson's round trip, or the standard
    library's exact parse for escapes for terminals and integers beyond 64 bits); either way the
    line is what the study's --jsonl line would be (a string opening with `: ` included)."""
    from imatinib_cli.render import json as render_json

    piece = render_json._dumps(value, indent=True).replace("\n", render_json._ITEM_NEWLINE)
    line = render_json._dumps({"type": "study", **value}, indent=False)
    assert line_from_piece(piece) == line
    assert line_from_piece(piece.encode()) == line.encode()
