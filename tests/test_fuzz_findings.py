"""Inputs scripts/fuzz.py found crashing, each as a small made-up document, and the fuzz script's
own machinery (generation is reproducible, every reader has seeds, results files add up)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from imatinib_cli.extract import extract
from imatinib_cli.load import load_records
from imatinib_cli.load._registry import to_float, to_int
from imatinib_cli.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent


def _study(started: Any, partial: Any) -> bytes:
    """A made-up ClinicalTrials.gov v2 study: one imatinib arm, its STARTED count and a response."""
    group = {"id": "FG000", "title": "Imatinib", "description": "Imatinib 400 mg daily."}
    outcome_group = {"id": "OG000", "title": "Imatinib", "description": "Imatinib 400 mg daily."}
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09999001", "briefTitle": "Imatinib in a made-up tumour"},
            "conditionsModule": {"conditions": ["Gastrointestinal Stromal Tumor"]},
        },
        "resultsSection": {
            "participantFlowModule": {
                "groups": [group],
                "periods": [
                    {
                        "title": "Overall Study",
                        "milestones": [
                            {
                                "type": "STARTED",
                                "achievements": [{"groupId": "FG000", "numSubjects": started}],
                            }
                        ],
                    }
                ],
            },
            "outcomeMeasuresModule": {
                "outcomeMeasures": [
                    {
                        "type": "PRIMARY",
                        "title": "Partial Response",
                        "paramType": "COUNT_OF_PARTICIPANTS",
                        "unitOfMeasure": "Participants",
                        "groups": [outcome_group],
                        "classes": [
                            {"categories": [{"measurements": [{"groupId": "OG000", "value": partial}]}]}
                        ],
                    }
                ],
            },
        },
    }
    return json.dumps(study).encode()


def _run(data: bytes) -> list[Any]:
    documents = load_records("study.json", data)
    assert [document.status for document in documents] == ["ok"]
    assert documents[0].format == "ctgov_json"
    findings = [extract(document) for document in documents]
    resolve(findings)  # no OverflowError on the way
    return documents


@pytest.mark.parametrize(
    "huge",
    [
        10**400,  # a JSON integer float() cannot hold
        "9" * 400,  # the same as a string
        "9" * 5000,  # int() refuses strings of over 4,300 digits
        "1e999",  # inf
    ],
    ids=["int-400-digits", "str-400-digits", "str-5000-digits", "1e999"],
)
def test_a_count_too_large_for_a_float_is_read_as_missing(huge: Any) -> None:
    (document,) = _run(_study(huge, "12"))
    results = document.registry_results
    assert results is not None
    assert [(group.id, group.n) for group in results.groups] == [("FG000", None), ("OG000", None)]
    assert [(measure.outcome, measure.value) for measure in results.measures] == [
        ("Overall Study", None),
        ("Partial Response", 12.0),
    ]


def test_a_measured_value_too_large_is_dropped_and_the_rest_read() -> None:
    (document,) = _run(_study("40", "9" * 400))
    results = document.registry_results
    assert results is not None
    assert [(group.id, group.n) for group in results.groups] == [("FG000", 40), ("OG000", None)]
    assert [(measure.category, measure.value) for measure in results.measures] == [
        ("STARTED", 40.0),
        (None, None),
    ]


def test_registry_numbers_beyond_fifteen_digits_are_not_numbers() -> None:
    assert (to_int("999999999999999"), to_int("9999999999999999"), to_int(10**15), to_int("9" * 5000)) == (
        999_999_999_999_999,
        None,
        None,
        None,
    )
    assert (to_float("1,024"), to_float("1e999"), to_float(float("nan")), to_float(10**400)) == (
        1024.0,
        None,
        None,
        None,
    )


def test_a_saved_results_page_with_a_huge_count_drops_that_cell() -> None:
    page = (
        "Imatinib in a Made-Up Tumour\nClinicalTrials.gov Identifier: NCT09999002\n"
        "Recruitment Status : Completed\nStudy Type : Interventional\n\nParticipant Flow\n\n"
        "| Measure | Low Dose | High Dose |\n| STARTED | 20 | 22 |\n\nOutcome Measures\n\n"
        "1. Primary: Overall Response   [ Time Frame: 12 months ]\nUnit of Measure: participants\n"
        "| Measure | Low Dose | High Dose |\n| Partial Response | 5 | " + "9" * 5000 + " |\n"
        "| Complete Response | 1 | " + "9" * 400 + "/22 |\n"
    )
    (document,) = load_records("page.txt", page.encode())
    assert (document.status, document.format) == ("ok", "ctgov_page")
    resolve([extract(document)])
    results = document.registry_results
    assert results is not None
    assert sorted(group.n for group in results.groups if group.n is not None) == [20, 22]
    assert all(abs(measure.value or 0) < 1e15 for measure in results.measures)


# --- the fuzz script ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_script", ROOT / "scripts" / "fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_script"] = module
    spec.loader.exec_module(module)
    return module


def test_every_reader_has_a_seed(fuzz: ModuleType) -> None:
    from imatinib_cli.load._dispatch import READERS

    readers = set(fuzz.by_reader(fuzz.corpus()))
    expected = {module.__name__.rsplit(".", 1)[-1] for module in READERS} | {"pdf"}
    assert readers == expected
    assert set(fuzz.READER_FORMATS) == expected | {"none"}


def test_inputs_are_reproducible_and_bounded(fuzz: ModuleType) -> None:
    seeds = fuzz.corpus()
    first = [fuzz.generate(0, index, seeds) for index in range(200)]
    assert first == [fuzz.generate(0, index, seeds) for index in range(200)]
    assert max(len(data) for _reader, _kind, data in first) <= fuzz.MAX_INPUT
    kinds = {kind.split(":")[0] for _reader, kind, _data in first}
    assert {"json", "xml", "lines", "bytes", "numbers", "encoding", "splice", "window"} <= kinds


def test_a_run_in_chunks_resumes_and_adds_up(fuzz: ModuleType, tmp_path: Path, capsys: Any) -> None:
    results = tmp_path / "results.jsonl"
    command = ["--count", "30", "--chunk-size", "10", "--jobs", "1", "--save", "", "--results", str(results)]
    assert fuzz.main(command[:1] + ["20"] + command[2:]) == 0  # inputs 0-19: two chunks
    assert len(results.read_text().splitlines()) == 2
    assert fuzz.main(command) == 0  # the same range of 30: only the third chunk runs
    assert "2 chunk(s) already in" in capsys.readouterr().out
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert [(line["start"], line["stop"]) for line in lines] == [(0, 10), (10, 20), (20, 30)]
    total = fuzz.summarize_results(str(results))
    assert total["counts"]["inputs"] == 30
    assert sum(total["readers"].values()) == 30 and sum(total["read_by"].values()) == 30
    assert "no gaps" in total["note"]


def test_an_html_tag_name_with_a_control_character_is_read_not_a_reader_failure() -> None:
    # Found by the fuzzer: lxml refuses to look up a tag name such as 'div\x04' it parsed itself.
    from imatinib_cli.load import html_page

    page = (
        "<!DOCTYPE html><html><head><title>Imatinib for chordoma</title></head><body>"
        "<h1>Imatinib for chordoma</h1><div\x04x class='c-article-body'><section><h2>Methods</h2>"
        "<p>Eighteen patients received imatinib 800 mg daily.</p></section></div>"
        "<p>Two patients had a partial response.</p></body></html>"
    )
    result = html_page.read("page.html", "0" * 64, page)
    document = result if not isinstance(result, list) else result[0]
    assert document.status == "ok"
    assert "Two patients had a partial response." in document.text


def test_a_long_run_of_spaces_after_a_registry_label_is_sniffed_in_linear_time() -> None:
    # Found by the fuzzer: "ClinicalTrials.gov Id" then thousands of spaces and no NCT number took
    # ~40 s (three optional space runs side by side backtrack cubically). Run apart, so a regression
    # fails on the ceiling instead of hanging the suite.
    import subprocess
    import sys

    code = (
        "from imatinib_cli.load import ctgov_page\n"
        "spaces = ' ' * 20000\n"
        "text = 'A study\\nClinicalTrials.gov Identifier' + spaces + 'x\\nAbstract' + spaces + 'x'\n"
        "print(ctgov_page.sniff(text))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False"
