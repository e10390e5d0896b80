"""Shared by test_execute.py and test_dask.py: inputs to run every executor on, and a run's bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imatinib_cli import render
from imatinib_cli.cli import app
from imatinib_cli.models import Report

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
GENERATE = ROOT / "benchmarks" / "generate.py"

runner = CliRunner()


def generate_corpus(out: Path, count: int = 200, seed: int = 3) -> Path:
    """benchmarks/generate.py's corpus of `count` documents (five records per PubMed XML file)."""
    subprocess.run(
        [sys.executable, str(GENERATE), "--out", str(out), "--count", str(count), "--seed", str(seed)]
        + ["--xml-records", "5"],
        check=True,
        capture_output=True,
    )
    return out


def summary_bytes(report: Report) -> str:
    """What `imx summarize --json` prints for the report."""
    import io

    buffer = io.StringIO()
    render.write_json(render.summary_json(report), buffer)
    return buffer.getvalue()


def cli_json(*args: str) -> str:
    """stdout of `imx summarize --json ARGS...` (asserting exit 0 and nothing on stderr)."""
    result = runner.invoke(app, ["summarize", "--json", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def extension_corpus(tmp_path: Path, documents: int) -> tuple[Path, Path]:
    """A --vocab folder that alone names "gut pacemaker tumour" as GIST, and `documents` inputs
    that use the name: (the folder, the inputs' folder)."""
    extra = tmp_path / "vocab"
    extra.mkdir()
    (extra / "tumor_types.yaml").write_text(
        "tumor_types:\n  - code: GIST\n    synonyms: [gut pacemaker tumour]\n", encoding="utf-8"
    )
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for index in range(documents):
        (inputs / f"{index}.txt").write_text(
            f"Imatinib 400 mg daily was given to {20 + index} patients with gut pacemaker tumours; "
            f"{index + 2} had a partial response.\n",
            encoding="utf-8",
        )
    return extra, inputs


def count_extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths execute.process_file is called with from now on: a warm cache run leaves it empty
    (the pool's "warm-up" call aside)."""
    from imatinib_cli import execute

    calls: list[str] = []
    real = execute.process_file

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(str(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(execute, "process_file", counted)
    return calls
