"""Smoke tests for benchmarks/: the corpus generator is deterministic and the runner runs.

Not a timed test: nothing here asserts a speed (docs/performance.md holds the measured figures).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATE = ROOT / "benchmarks" / "generate.py"
RUN = ROOT / "benchmarks" / "run.py"


def _generate(out: Path, count: int, seed: int) -> dict[str, bytes]:
    subprocess.run(
        [
            sys.executable,
            str(GENERATE),
            "--out",
            str(out),
            "--count",
            str(count),
            "--seed",
            str(seed),
            "--xml-records",
            "5",
        ],
        check=True,
        capture_output=True,
    )
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def test_generator_is_deterministic_and_every_file_distinct(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", 40, 7)
    again = _generate(tmp_path / "b", 40, 7)
    other = _generate(tmp_path / "c", 40, 8)
    assert first == again
    assert first != other
    hashes = {hashlib.sha256(data).hexdigest() for data in first.values()}
    assert len(hashes) == len(first)
    # Rerunning into the same folder replaces the earlier corpus.
    assert _generate(tmp_path / "a", 40, 7) == first


def test_generator_covers_the_formats_and_counts_documents(tmp_path: Path) -> None:
    from imatinib_cli.load import load_paths

    _generate(tmp_path / "corpus", 60, 1)
    documents = load_paths([str(tmp_path / "corpus")])
    assert len(documents) == 60
    assert {d.status for d in documents} == {"ok"}
    formats = {d.format for d in documents}
    assert {"text", "pubmed_page", "markdown", "html", "pubmed_xml", "ctgov_json"} <= formats


def test_generator_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(GENERATE), "--out", str(tmp_path), "--count", "3"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "notes.txt" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_runner_on_a_tiny_corpus(tmp_path: Path) -> None:
    _generate(tmp_path / "corpus", 12, 3)
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--corpus",
            str(tmp_path / "corpus"),
            "--json",
            str(out),
            "--no-cli",
            "--startup-runs",
            "0",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "floor" in result.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["corpus"]["documents"] == 12
    assert set(results["stages"]) == {
        "load",
        "extract",
        "resolve",
        "analyze",
        "render",
        "end_to_end",
        "floor",
    }
    for row in results["stages"].values():
        assert row["seconds"] > 0
        assert row["docs_per_s"] > 0
        assert row["peak_rss_mb"] > 0
    assert results["startup"] is None
    assert results["machine"]["nproc"] >= 1


def _benchmark_module(name: str) -> object:
    """A benchmarks/ script imported by path (benchmarks/ is no package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_instruction_kinds_count_only_the_extra_round(tmp_path: Path) -> None:
    """`extract_instructions.py --by-kind` groups what the second cachegrind report ran beyond the
    first by the C file and function it ran in: here of 200 instructions the interpreter 60, re
    30, a dict look-up of str keys 40 (a dict's, not str's), a Py_DECREF inlined in the eval loop
    20 (refcounts), a Rust automaton 20, code without debug information 10, another library 20."""
    kinds = _benchmark_module("extract_instructions")
    header = "version: 1\ncmd: python child.py\nevents: Ir\n"
    once = tmp_path / "once.out"
    once.write_text(
        header + "fl=Python/ceval.c\nfn=_PyEval_EvalFrameDefault\n10 100\n"
        "fl=./Modules/_sre/sre_lib.h\nfn=sre_ucs1_match\n5 20\n",
        encoding="utf-8",
    )
    twice = tmp_path / "twice.out"
    twice.write_text(
        header + "fl=Python/ceval.c\nfn=_PyEval_EvalFrameDefault\n10 140\n11 20\n"
        "fl=./Include/object.h\nfn=_PyEval_EvalFrameDefault\n620 20\n"
        "fl=./Modules/_sre/sre_lib.h\nfn=sre_ucs1_match\n5 50\n"
        "fl=Objects/dictobject.c\nfn=unicodekeys_lookup_unicode\n9 40\n"
        "fl=???\nfn=aho_corasick::automaton::try_find_overlapping_fwd\n0 20\n"
        "fl=???\nfn=???\n0 10\n"
        "fl=/usr/lib/libfoo.c\nfn=foo\n1 20\n",
        encoding="utf-8",
    )
    shares = dict(kinds.kinds_of_round(once, twice))  # type: ignore[attr-defined]
    assert shares == {
        "interpreter: bytecode, frames, calls": 0.3,
        "int, tuple, list, dict, set": 0.2,
        "re (the _sre engine)": 0.15,
        "objects made and freed, refcounts, gc": 0.1,
        "aho-corasick (the phrase index's automata)": 0.1,
        "other": 0.1,
        "code without debug information (???)": 0.05,
    }


def test_startup_pairs_runs_each_case_beside_the_yardstick() -> None:
    """benchmarks/startup_pairs.py times imx --help and summarize seeds/ (warm and with no
    snapshot) beside the minimal Typer app, one line each with a ratio of CPU medians."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "startup_pairs.py"), "--venv", sys.prefix, "--pairs", "1"],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = run.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "imx --help",
        "imx summarize seeds/, warm",
        "imx summarize seeds/, no snapshot",
    ]
    for line in lines:
        ratio = float(line.split("ratio ")[1].split()[0])
        assert 0.2 < ratio < 20  # two real runs of each: neither command failed nor was skipped


def test_dask_task_reports_the_worker_and_the_client(tmp_path: Path) -> None:
    """benchmarks/dask_task.py runs one file's task as a worker would and loads its result as the
    client would: five PubMed records in, five records counted, a result of some KiB each."""
    import re

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GENERATE), "--out", str(corpus), "--count", "5", "--kinds", "xml"],
        check=True,
        capture_output=True,
    )
    (xml,) = corpus.glob("*.xml")  # five records, one file (--xml-records defaults to 50)
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "dask_task.py"), str(xml)],
        capture_output=True,
        text=True,
        check=True,
    )
    worker = re.search(r"worker: (\d+) records, .* result ([\d.]+) KiB a record", result.stdout)
    assert worker is not None, result.stdout
    assert int(worker.group(1)) == 5
    assert 1.0 < float(worker.group(2)) < 100.0
    assert re.search(r"client: peak RSS \d+ MB", result.stdout), result.stdout
