"""What keeps `imx summarize` quick to start (issue 12): the structure, not the time.

A warm run (every document from the extraction cache, the vocabulary snapshot in place) must not
import the extractors (imatinib_cli.extract runs every extractor's module and compiles their
patterns), build a phrase matcher, import yaml, or import rich's tables before it has something to
print; and it never imports the JSON, CSV and Markdown writers. The timings themselves are in
docs/performance.md ("Start-up closed"), measured by benchmarks/run.py, never here.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from imatinib_cli.models import record

# Runs the CLI as `imx` does (imatinib_cli.__main__), with pipeline.summarize wrapped so that what
# was imported when the pipeline returned (before anything is rendered) is written to stderr.
SPY = """
import json, sys
from imatinib_cli import pipeline, vocab
from imatinib_cli.__main__ import main

real = pipeline.summarize


def summarize(*args, **kwargs):
    report = real(*args, **kwargs)
    seen = sorted(sys.modules)
    sys.stderr.write("SPY " + json.dumps({"modules": seen, "matchers": len(vocab._matchers)}) + "\\n")
    return report


def at_exit():
    sys.stderr.write("EXIT " + json.dumps(sorted(sys.modules)) + "\\n")


import atexit
atexit.register(at_exit)
pipeline.summarize = summarize
sys.argv = ["imx", "summarize", *sys.argv[1:]]
main()
"""

ABSTRACT = (
    "Imatinib for advanced gastrointestinal stromal tumors: a phase II trial.\n\n"
    "Forty patients with metastatic GIST received imatinib 400 mg daily. A partial response was seen "
    "in 20 patients (50%) and stable disease in 12 patients (30%).\n"
)


def _run(folder: Path, cache: Path) -> tuple[str, dict[str, object], list[str]]:
    env = {**os.environ, "IMX_CACHE_DIR": str(cache), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", SPY, str(folder)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    spy = json.loads(next(line for line in lines if line.startswith("SPY "))[4:])
    at_exit = json.loads(next(line for line in lines if line.startswith("EXIT "))[5:])
    return done.stdout, spy, at_exit


def test_a_warm_summarize_imports_no_extractor_and_builds_no_matcher(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "trial.txt").write_text(ABSTRACT, encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    cold_output, cold, _ = _run(folder, cache)  # extracts, fills the cache, writes the snapshot
    assert "imatinib_cli.extract" in cold["modules"]
    assert list(cache.glob("vocab-*.json")) and list(cache.glob("extraction-*.sqlite3"))

    output, warm, at_exit = _run(folder, cache)
    assert output == cold_output and "GIST" in output and "50" in output
    before_render = [
        name
        for name in warm["modules"]  # type: ignore[union-attr]
        if name.startswith(("imatinib_cli.extract", "rich", "yaml")) or name == "imatinib_cli.render.table"
    ]
    assert before_render == []
    assert warm["matchers"] == 0  # tumor_types' entries were read from the snapshot, not its matcher
    assert "rich.table" in at_exit  # the table was printed after the pipeline ...
    writers = ["imatinib_cli.render.json", "imatinib_cli.render.csv", "imatinib_cli.render.markdown"]
    assert [name for name in writers if name in at_exit] == []  # ... and no other writer imported


def _twins() -> tuple[type, type]:
    def body() -> dict[str, object]:
        return {
            "__doc__": "A test record.",
            "__annotations__": {
                "name": "str",
                "values": "tuple[int, ...]",
                "note": "str | None",
                "extra": "dict",
            },
            "values": (),
            "note": None,
            "extra": dataclasses.field(default_factory=lambda: (0,)),
        }

    plain = dataclasses.dataclass(frozen=True, slots=True)(type("Twin", (), body()))
    cheap = record(type("Twin", (), body()))
    return plain, cheap


def test_record_behaves_as_a_frozen_slotted_dataclass() -> None:
    plain, cheap = _twins()
    assert str(inspect.signature(cheap)) == str(inspect.signature(plain))
    assert cheap.__match_args__ == plain.__match_args__ == ("name", "values", "note", "extra")
    assert cheap.__slots__ == plain.__slots__
    assert [f.name for f in dataclasses.fields(cheap)] == [f.name for f in dataclasses.fields(plain)]
    for args in [("a",), ("a", (1, 2)), ("a", (1,), "x", (2, 3))]:
        one, other = cheap(*args), plain(*args)
        assert repr(one) == repr(other)
        assert one == cheap(*args) and one != other  # equal within a class only, as dataclasses
        assert hash(one) == hash(other) == hash(dataclasses.astuple(other))
        changed = dataclasses.replace(other, note="y")
        assert dataclasses.replace(one, note="y") == cheap(*dataclasses.astuple(changed))
    assert cheap("a").extra == (0,)  # the default_factory
    frozen = cheap("a")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        frozen.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del frozen.note  # type: ignore[misc]
    with pytest.raises(AttributeError):
        frozen.__dict__  # noqa: B018 - slotted: no instance dict


def test_models_round_trip_through_pickle() -> None:
    from imatinib_cli.models import Document, Evidence, Metadata, Quantity

    evidence = Evidence("d1", 3, 9, "n = 40", "a.txt")
    document = Document("a.txt", "0" * 64, "text", "body", Metadata(title="T"))
    for value in (evidence, Quantity(40.0, evidence), document):
        back = pickle.loads(pickle.dumps(value))
        assert back == value and hash(back) == hash(value) and type(back) is type(value)
    assert Document("a.txt", "0", "text", "x").metadata == Metadata()  # the default_factory


def test_record_refuses_what_it_does_not_support() -> None:
    with pytest.raises(TypeError, match="docstring"):
        record(type("Bare", (), {"__annotations__": {"x": "int"}}))
