"""`imx summarize --jsonl`: every line valid, the same documents and studies as `--json`, written as
the run goes, and the on-disk spill store gone afterwards."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, load_schema, strict
from typer.testing import CliRunner

from imatinib_cli import __version__, cli, pipeline
from imatinib_cli.models import Design, Document, Findings, Metadata, Study
from imatinib_cli.resolve import group_by_keys
from imatinib_cli.spill import SpillStore

runner = CliRunner()
LINE_SCHEMA = "summarize-jsonl"
SEED_FILES = sorted((ROOT / "seeds").iterdir())


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(strict(load_schema(LINE_SCHEMA)))


def run_jsonl(*args: str) -> tuple[list[dict[str, Any]], Any]:
    result = runner.invoke(cli.app, ["summarize", "--jsonl", *args])
    assert result.stdout.endswith("\n")
    return [json.loads(line) for line in result.stdout.splitlines()], result


def without_type(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key != "type"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus, plus edited copies of some of its abstracts (same DOI and PMID, other
    bytes) under names sorting last, so some studies merge documents that are far apart."""
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--out", str(out), "--count", "60"]
        + ["--seed", "3", "--xml-records", "5"],
        check=True,
        capture_output=True,
    )
    texts = sorted(out.glob("text_*.txt"))[:3]
    assert texts
    for path in texts:
        (out / f"zz_again_{path.name}").write_text(path.read_text(encoding="utf-8") + "\nSee also.\n")
    return out


def corpus(name: str, generated: Path) -> str:
    return {"seeds": "seeds", "fixtures": "tests/fixtures", "generated": str(generated)}[name]


@pytest.mark.parametrize("name", ["seeds", "fixtures", "generated"])
def test_lines_validate_and_equal_json(name: str, generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = corpus(name, generated)
    lines, result = run_jsonl(path)
    whole = runner.invoke(cli.app, ["summarize", "--json", path])
    assert (result.exit_code, result.stderr) == (whole.exit_code, whole.stderr)
    expected = json.loads(whole.stdout)
    check = validator()
    for line in lines:
        check.validate(line)
    types = [line["type"] for line in lines]
    # Documents first, then studies, then exactly one summary line, last.
    assert types == ["document"] * len(expected["documents"]) + ["study"] * len(expected["studies"]) + [
        "summary"
    ]
    documents = [without_type(line) for line in lines if line["type"] == "document"]
    studies = [without_type(line) for line in lines if line["type"] == "study"]
    assert documents == expected["documents"]
    assert studies == expected["studies"]
    # Same keys in the same order, "type" first.
    for line, study in zip(
        (line for line in lines if line["type"] == "study"), expected["studies"], strict=True
    ):
        assert list(line) == ["type", *study]
    summary = lines[-1]
    assert summary["documents"] == len(documents)
    assert summary["studies"] == len(studies)
    assert sum(summary["by_status"].values()) == len(documents)
    assert (summary["schema_version"], summary["imx_version"]) == ("1.1", __version__)
    if name == "generated":
        assert any(len(study["sources"]) > 1 for study in studies)


def test_seed_study_lines_are_json_studies_element_by_element(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    lines, _ = run_jsonl("seeds/")
    studies = json.loads(runner.invoke(cli.app, ["summarize", "--json", "seeds/"]).stdout)["studies"]
    study_lines = [line for line in lines if line["type"] == "study"]
    assert len(study_lines) == len(studies) == 4
    for line, study in zip(study_lines, studies, strict=True):
        assert line == {"type": "study", **study}
    # The trial described by two seeds (PubMed page and catalog record) is one study.
    assert [line["sources"] for line in study_lines if line["id"] == "PMID:12181401"] == [
        ["seeds/002_ab544946733a2db7.txt", "seeds/004_1673242aef2fa753.txt"]
    ]


def test_every_input_file_has_a_document_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_FILES[1], folder / "a_good.txt")
    shutil.copy(SEED_FILES[1], folder / "b_copy.txt")  # a duplicate: skipped
    (folder / "c_binary.bin").write_bytes(b"\x00\x01\x02 not a document")
    (folder / "d_big.txt").write_text("imatinib " * 2000)
    (folder / "e_dangling").symlink_to(folder / "nowhere")
    (folder / "f_empty_folder").mkdir()
    lines, result = run_jsonl(str(folder), "--max-bytes", "10k")
    validator_ = validator()
    for line in lines:
        validator_.validate(line)
    documents = {Path(line["path"]).name: line for line in lines if line["type"] == "document"}
    files = sorted(path.name for path in folder.iterdir() if not path.name.startswith("f_"))
    assert sorted(documents) == files
    statuses = {name: (line["status"], line["reason"]) for name, line in documents.items()}
    assert statuses == {
        "a_good.txt": ("ok", None),
        "b_copy.txt": ("skipped", f"duplicate of {folder / 'a_good.txt'}"),
        "c_binary.bin": ("skipped", "binary file (NUL bytes)"),
        "d_big.txt": ("skipped", "file too large (17.6 KiB; the limit is 10.0 KiB, --max-bytes raises it)"),
        "e_dangling": ("skipped", f"dangling symbolic link (to {folder / 'nowhere'}, which does not exist)"),
    }
    assert lines[-1]["by_status"] == {"ok": 1, "skipped": 4, "error": 0}
    assert lines[-1]["warned"] == 4
    assert result.exit_code == 0
    assert len(result.stderr.splitlines()) == 4
    # Nothing usable: exit 1 as with --json, after the summary line.
    lines, result = run_jsonl(str(folder / "c_binary.bin"))
    assert [line["type"] for line in lines] == ["document", "summary"]
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "imx: error: no usable document among 1 input(s)"


def test_skipped_and_failed_files_warn_like_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_FILES[1], folder / "a_good.txt")
    shutil.copy(SEED_FILES[2], folder / "b_fails.txt")
    (folder / "c_binary.bin").write_bytes(b"\x00\x01\x02 not a document")
    from imatinib_cli import extract as extraction

    real = extraction.extract

    def flaky(document: Document) -> Findings:
        if document.path.endswith("b_fails.txt"):
            raise RuntimeError("boom")
        return real(document)

    monkeypatch.setattr(extraction, "extract", flaky)
    lines, result = run_jsonl(str(folder))
    whole = runner.invoke(cli.app, ["summarize", "--json", str(folder)])
    assert [line["status"] for line in lines if line["type"] == "document"] == ["ok", "error", "skipped"]
    assert [without_type(line) for line in lines if line["type"] == "document"] == json.loads(whole.stdout)[
        "documents"
    ]
    assert result.exit_code == whole.exit_code == 0
    assert result.stderr == whole.stderr
    assert len(result.stderr.splitlines()) == 2
    assert lines[-1]["by_status"] == {"ok": 1, "skipped": 1, "error": 1}
    strict_run = runner.invoke(cli.app, ["summarize", "--jsonl", "--strict", str(folder)])
    assert strict_run.exit_code == 1
    assert strict_run.stderr.splitlines()[-1] == "imx: error: --strict: 2 warning(s) above"


def test_json_with_jsonl_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli.app, ["summarize", "--json", "--jsonl", "seeds/"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "imx: error: --json and --jsonl cannot be combined: choose one output format\n"


# --- streaming -----------------------------------------------------------------------------------


def test_a_file_is_read_only_after_the_documents_before_it_are_handed_out(tmp_path: Path) -> None:
    """The first document comes out before the last file is read: a file changed after the first
    item was taken is read with its new bytes. Files are read a chunk at a time (execute.CHUNK_FILES),
    so the corpus is three chunks long."""
    from imatinib_cli.execute import CHUNK_FILES

    shutil.copy(SEED_FILES[1], tmp_path / "a.txt")
    for index in range(3 * CHUNK_FILES):
        (tmp_path / f"m{index:03d}.txt").write_text(f"Filler note {index}.\n", encoding="utf-8")
    later = SEED_FILES[3].read_bytes()
    streams = (
        lambda: pipeline.summarize_stream([str(tmp_path)], jobs=1),
        lambda: pipeline.iter_extracted([str(tmp_path)], jobs=1),
    )
    for make in streams:
        shutil.copy(SEED_FILES[2], tmp_path / "z.txt")
        stream = make()
        first = next(stream)
        first_document = first if isinstance(first, Document) else first[0]
        assert first_document.path.endswith("a.txt")
        (tmp_path / "z.txt").write_bytes(later)
        rest = [item[0] if isinstance(item, tuple) else item for item in stream]
        last = [item for item in rest if isinstance(item, Document)][-1]
        assert last.path.endswith("z.txt")
        assert last.sha256 == hashlib.sha256(later).hexdigest()


def test_each_line_is_written_before_the_next_document_is_processed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI writes (and flushes) a document's line as soon as the stream hands it over."""
    stdout = io.StringIO()
    seen_before: list[int] = []

    def stream(paths: list[str], **options: object) -> Iterator[Document | Study]:
        for index in range(3):
            seen_before.append(len(stdout.getvalue().splitlines()))
            yield Document(path=f"d{index}.txt", sha256="", format="text", text="", metadata=Metadata())
        seen_before.append(len(stdout.getvalue().splitlines()))

    monkeypatch.setattr(pipeline, "summarize_stream", stream)
    monkeypatch.setattr(sys, "stdout", stdout)
    status = cli._summarize_jsonl(["x"], {}, strict=False)
    assert seen_before == [0, 1, 2, 3]
    assert status == cli.ExitStatus.OK
    assert [json.loads(line)["type"] for line in stdout.getvalue().splitlines()] == ["document"] * 3 + [
        "summary"
    ]


def _spill_folders(root: Path) -> list[Path]:
    return sorted(root.glob("imx-spill-*"))


def test_the_spill_store_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spill_root = tmp_path / "tmp"
    spill_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))
    seeds = str(ROOT / "seeds")

    stream = pipeline.summarize_stream([seeds])
    items = [next(stream), next(stream)]
    assert sorted(path.name for path in _spill_folders(spill_root)[0].iterdir()) == [
        "findings.sqlite3",
        "heap",
    ]
    items.extend(stream)
    assert sum(isinstance(item, Study) for item in items) == 4
    assert _spill_folders(spill_root) == []

    stopped_early = pipeline.summarize_stream([seeds])
    next(stopped_early)
    assert len(_spill_folders(spill_root)) == 1
    stopped_early.close()
    assert _spill_folders(spill_root) == []

    monkeypatch.chdir(ROOT)
    lines, result = run_jsonl("seeds/")
    assert result.exit_code == 0 and lines[-1]["studies"] == 4
    assert os.listdir(spill_root) == []


def test_spill_store_round_trip_across_batches() -> None:
    items = [
        Findings(
            document=Document(path=f"{i}.txt", sha256="", format="text", text="", metadata=Metadata()),
            design=Design(),
            populations=(),
            adverse_events=(),
            outcomes=(),
        )
        for i in range(5)
    ]
    with SpillStore(batch=2) as store:
        for seq, item in enumerate(items):
            store.put(seq, item)
        assert store.get([4, 0, 2]) == [items[4], items[0], items[2]]
        folder = store.path.parent
        assert folder.is_dir()
    assert not folder.exists()


def test_group_by_keys_unites_shared_keys_and_keeps_first_member_order() -> None:
    keys = [["doi:a"], ["pmid:1"], [], ["nct:x", "pmid:1"], ["nct:x"], ["doi:a", "title:t"], ["title:t"]]
    assert group_by_keys(keys) == [[0, 5, 6], [1, 3, 4], [2]]
    # A later item that joins two earlier groups makes one group, placed where the first began.
    assert group_by_keys([["a"], ["b"], ["c"], ["a", "b"]]) == [[0, 1, 3], [2]]


# --- the schema of a line ------------------------------------------------------------------------


def test_line_schema_mirrors_the_summarize_schema() -> None:
    """The document and study lines are summarize.schema.json's objects plus "type": no drift."""
    summarize = load_schema("summarize")["$defs"]
    lines = load_schema(LINE_SCHEMA)["$defs"]
    for name in ("document", "study"):
        line = lines[f"{name}_line"]
        assert line["properties"]["type"] == {"const": name}
        assert {k: v for k, v in line["properties"].items() if k != "type"} == summarize[name]["properties"]
        assert line["required"] == ["type", *summarize[name]["required"]]
    shared = {name: value for name, value in summarize.items() if name not in ("document", "study")}
    assert {name: lines[name] for name in shared} == shared
    # "type" is reserved for the discriminator: the objects themselves never have such a key.
    assert "type" not in summarize["document"]["properties"]
    assert "type" not in summarize["study"]["properties"]


@pytest.mark.parametrize(
    "line",
    [
        {"type": "nonsense"},
        {"type": "summary", "documents": 1},
        {"type": "document", "path": "x"},
    ],
)
def test_line_schema_rejects_malformed_lines(line: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(line)


def test_imx_schema_prints_the_line_schema() -> None:
    result = runner.invoke(cli.app, ["schema", LINE_SCHEMA])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == load_schema(LINE_SCHEMA)
