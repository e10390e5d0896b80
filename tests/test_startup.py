"""What keeps `imx summarize` quick to start (issue 12): the structure, not the time.

A warm run (every document from the extraction cache, the vocabulary snapshot in place) must not
import the extractors (imatinib_cli.extract runs every extractor's module and compiles their
patterns), build a phrase matcher, import yaml, or import rich's tables before it has something to
print; and it never imports the JSON, CSV and Markdown writers. The data model's records are built
without dataclasses' machinery (`models.record`, `models.mutable_record`: the same classes, each
`__new__` compiled on first use), and `imx COMMAND` builds that command's click parameters alone
(`cli._app_for`): both are checked against what they replace. The timings themselves are in
docs/performance-log.md ("Start-up closed"), measured side by side, never here.
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
from typing import Any

import pytest
from record_helpers import record_body
from typer.testing import CliRunner

from imatinib_cli.cli import _app_for, app
from imatinib_cli.models import RecordClass, mutable_record, record

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
    from imatinib_cli import models

    lazy = [  # records whose constructor (__new__) was never asked for (so never compiled)
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and type(value.__dict__.get("__new__")).__name__ == "_Lazy"
    ]
    sys.stderr.write("EXIT " + json.dumps({"modules": sorted(sys.modules), "lazy": lazy}) + "\\n")


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


def _run(folder: Path, cache: Path) -> tuple[str, dict[str, Any], dict[str, Any]]:
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
    assert "rich.table" in at_exit["modules"]  # the table was printed after the pipeline ...
    writers = ["imatinib_cli.render.json", "imatinib_cli.render.csv", "imatinib_cli.render.markdown"]
    assert [name for name in writers if name in at_exit["modules"]] == []  # ... and no other writer
    # Records a summary never makes kept their __new__ uncompiled; those it made did not.
    assert {"Comparison", "ComparisonRow", "PooledEstimate", "SubgroupTest", "ToxicityRow"} <= set(
        at_exit["lazy"]
    )
    assert not {"Document", "Evidence", "Findings", "Study", "Report"} & set(at_exit["lazy"])


def _twins() -> tuple[type, type]:
    plain = dataclasses.dataclass(frozen=True, slots=True)(type("Twin", (), record_body()))
    cheap = record(type("Twin", (), record_body()))
    return plain, cheap


def _same_fields(cheap: type, plain: type) -> None:
    """dataclasses.fields() alike, attribute by attribute (a default_factory is its own lambda)."""
    slots = [name for name in dataclasses.Field.__slots__ if name != "default_factory"]
    mine, theirs = dataclasses.fields(cheap), dataclasses.fields(plain)
    assert [[getattr(f, name) for name in slots] for f in mine] == [
        [getattr(f, name) for name in slots] for f in theirs
    ]
    assert [f.default_factory is dataclasses.MISSING for f in mine] == [
        f.default_factory is dataclasses.MISSING for f in theirs
    ]
    assert repr(cheap.__dataclass_params__) == repr(plain.__dataclass_params__)  # type: ignore[attr-defined]
    assert cheap.__match_args__ == plain.__match_args__  # type: ignore[attr-defined]
    assert (cheap.__name__, cheap.__qualname__, cheap.__bases__) == (
        plain.__name__,
        plain.__qualname__,
        plain.__bases__,
    )
    # The class of a record class is type with nothing added but how pickle writes the class
    # (models.RecordClass, found through copyreg.dispatch_table); a mutable record's is type.
    frozen = cheap.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert type(plain) is type and type(cheap) is (RecordClass if frozen else type)
    assert RecordClass.__bases__ == (type,)
    assert set(vars(RecordClass)) <= {"__module__", "__doc__", "__qualname__"}


def test_record_behaves_as_a_frozen_slotted_dataclass() -> None:
    plain, cheap = _twins()
    assert type(cheap.__dict__["__new__"]).__name__ == "_Lazy"  # not compiled yet ...
    assert str(inspect.signature(cheap)) == str(inspect.signature(plain))  # ... until asked for
    assert isinstance(cheap.__dict__["__new__"], staticmethod)
    assert cheap.__match_args__ == plain.__match_args__ == ("name", "values", "note", "extra", "hidden")
    assert cheap.__slots__ == plain.__slots__
    assert dataclasses.is_dataclass(cheap)
    _same_fields(cheap, plain)
    for args in [("a",), ("a", (1, 2)), ("a", (1,), "x", (2, 3)), ("a", (), None, (0,), [1])]:
        one, other = cheap(*args), plain(*args)
        assert repr(one) == repr(other)
        assert one == cheap(*args) and one != other  # equal within a class only, as dataclasses
        assert hash(one) == hash(other) == hash(dataclasses.astuple(other)[:4])
        changed = dataclasses.replace(other, note="y")
        assert dataclasses.replace(one, note="y") == cheap(*dataclasses.astuple(changed))
    assert cheap("a", hidden=1) == cheap("a", hidden=2)  # compare=False, as in plain:
    assert plain("a", hidden=1) == plain("a", hidden=2)
    assert cheap("a").extra == (0,)  # the default_factory
    frozen = cheap("a")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        frozen.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del frozen.note  # type: ignore[misc]
    with pytest.raises(AttributeError):
        frozen.__dict__  # noqa: B018 - slotted: no instance dict


def test_mutable_record_behaves_as_a_dataclass() -> None:
    plain = dataclasses.dataclass(type("Twin", (), record_body()))
    cheap = mutable_record(type("Twin", (), record_body()))
    assert str(inspect.signature(cheap)) == str(inspect.signature(plain))
    _same_fields(cheap, plain)
    assert cheap.__hash__ is None and plain.__hash__ is None
    assert {k: v for k, v in vars(cheap).items() if k in ("values", "note", "extra", "hidden")} == {
        k: v for k, v in vars(plain).items() if k in ("values", "note", "extra", "hidden")
    }
    one, other = cheap("a", (1,)), plain("a", (1,))
    assert repr(one) == repr(other) and vars(one) == vars(other)
    assert one == cheap("a", (1,)) and one != cheap("b") and one != other
    one.note = "changed"
    assert one.note == "changed" and dataclasses.replace(one, name="b").note == "changed"


def test_records_pickle_as_their_field_values() -> None:
    from imatinib_cli.cache import Encoded
    from imatinib_cli.execute import FilePart, FileResult, ProgressUpdate
    from imatinib_cli.models import Design, Document, Evidence, Findings, Metadata, Quantity
    from imatinib_cli.vocab import TermHit

    evidence = Evidence("d1", 3, 9, "n = 40", "a.txt")
    document = Document("a.txt", "0" * 64, "text", "body", Metadata(title="T"))
    values = [
        evidence,
        Quantity(40.0, evidence),
        document,
        FileResult("a.txt", "0" * 64, (document,), (Findings(document, Design(), (), (), ()),), crashed=True),
        FilePart("a.xml", "1" * 64, "/tmp/copy", 2, 4),
        ProgressUpdate(3, 4, cached=1),
        Encoded(b"4\nnull", b"{}"),
        TermHit(0, 4, "GIST", "gist", {"term": "GIST"}),
    ]
    for value in values:
        assert value.__reduce__() == (
            type(value),
            tuple(getattr(value, f.name) for f in dataclasses.fields(value)),
        )
        back = pickle.loads(pickle.dumps(value))
        assert back == value and hash(back) == hash(value) and type(back) is type(value)
        assert repr(back) == repr(value)


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


@pytest.mark.parametrize(
    "args",
    [
        ["summarize", "--help"],
        ["summarize", "--jsn"],  # a close option is suggested
        ["compare", "-h"],
        ["compare", "seeds/", "--by", "colour"],
        ["report", "--no-such-option"],
        ["evaluate"],  # the GOLD argument is missing
        ["schema", "--help"],
        ["schema", "nonesuch"],
        ["completion", "tcsh"],
    ],
)
def test_a_command_alone_prints_and_exits_as_in_the_whole_app(args: list[str]) -> None:
    alone = _app_for(["imx", *args])
    assert alone is not app and [info.callback.__name__ for info in alone.registered_commands] == [args[0]]  # type: ignore[union-attr]
    runner = CliRunner()
    whole = runner.invoke(app, args, prog_name="imx", env={"COLUMNS": "100"})
    one = runner.invoke(alone, args, prog_name="imx", env={"COLUMNS": "100"})
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output)
    assert whole.output


def test_anything_but_a_command_runs_the_whole_app(monkeypatch: pytest.MonkeyPatch) -> None:
    for argv in (
        ["imx"],
        ["imx", "--version"],
        ["imx", "cache", "info"],
        ["imx", "summarise"],
        ["imx", "-h"],
    ):
        assert _app_for(argv) is app
    monkeypatch.setenv("_IMX_COMPLETE", "complete_bash")  # the shell asks for the words
    assert _app_for(["imx", "summarize"]) is app
