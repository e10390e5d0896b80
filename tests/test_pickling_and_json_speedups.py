"""The fast paths (dataclasses pickled as field values, orjson for --json) change speed, not results."""

from __future__ import annotations

import io
import json
import pickle

from conftest import make_comparison, make_report

from imatinib_cli import models
from imatinib_cli.render import summary_json
from imatinib_cli.render.json import write_json


def test_every_model_pickles_as_its_field_values() -> None:
    report = make_report()
    data = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(data) == report
    assert b"_dataclass_setstate" not in data  # the slow default is not used
    comparison = make_comparison()
    assert pickle.loads(pickle.dumps(comparison)) == comparison
    evidence = models.Evidence("a.txt", 1, 5, "quote", path="x[0]")
    assert evidence.__reduce__() == (models.Evidence, ("a.txt", 1, 5, "quote", "x[0]"))


def test_json_output_is_what_the_standard_library_writes() -> None:
    data = summary_json(make_report())
    out = io.StringIO()
    write_json(data, out)
    assert out.getvalue() == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_what_orjson_refuses_falls_back_to_the_standard_library() -> None:
    data = {"big": 2**70, "text": "é"}
    out = io.StringIO()
    write_json(data, out)
    assert out.getvalue() == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_json_and_jsonl_spell_a_small_float_alike() -> None:
    from imatinib_cli.render.json import JsonlWriter

    data = {"p": 1e-05, "n": 3}
    indented, line = io.StringIO(), io.StringIO()
    write_json(data, indented)
    JsonlWriter(line)._write(data)
    assert json.loads(indented.getvalue()) == json.loads(line.getvalue()) == data
    assert '"p": 0.00001' in indented.getvalue() and '"p":0.00001' in line.getvalue()
