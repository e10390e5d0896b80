"""Numbers read as what they are, or dropped with their role: never as another number (issue 11).

Each document goes through the whole pipeline (`imx summarize --json`); the sentences are made up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from imatinib_cli.cli import app
from imatinib_cli.extract.numbers import find_dropped, find_numbers

runner = CliRunner()

TITLE = "Imatinib for advanced chondroid tumours: a phase II study\n\n"


def summarize(tmp_path: Path, body: str) -> dict[str, Any]:
    path = tmp_path / "study.txt"
    path.write_text(TITLE + body, encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(path), "--json"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def population(data: dict[str, Any]) -> dict[str, Any]:
    (study,) = data["studies"]
    (found,) = study["populations"]
    return found


def responses(data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        category: (value["count"], value["percent"])
        for category, value in (population(data)["response"] or {}).items()
        if value
    }


def warnings(data: dict[str, Any]) -> list[str]:
    return [w["message"] for study in data["studies"] for w in study["warnings"]]


def test_a_percent_too_long_to_read_is_dropped_and_the_group_size_does_not_take_its_place(
    tmp_path: Path,
) -> None:
    data = summarize(
        tmp_path,
        "Forty patients were enrolled and given imatinib 400 mg daily. "
        "A partial response was seen in 0.00000000000001% of the 40 patients.",
    )
    assert population(data)["n"]["value"] == 40
    assert responses(data) == {}  # not PR 40 of 40 (100%)
    assert warnings(data) == ['number not read: "0.00000000000001%" (longer than 15 characters)']


def test_a_tiny_percent_is_that_percent_and_gives_no_count(tmp_path: Path) -> None:
    data = summarize(
        tmp_path,
        "Forty patients were enrolled and given imatinib 400 mg daily. "
        "A partial response was seen in 0.0000000001% of the 40 patients.",
    )
    # No whole number of 40 patients is 1e-10 percent: 0 would be 0%, 1 would be 2.5%.
    assert responses(data) == {"pr": (None, 1e-10)}


def test_a_small_percent_with_one_fitting_count_still_derives_it(tmp_path: Path) -> None:
    data = summarize(
        tmp_path,
        "Forty patients were enrolled and given imatinib 400 mg daily. "
        "A partial response was seen in 2.5% of the 40 patients.",
    )
    assert responses(data)["pr"] == (1, 2.5)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1.5e+3", 1500),
        ("1.5E3", 1500),
        ("10^4", 10000),
        ("10⁴", 10000),
        ("1.5 × 10^3", 1500),
        ("1.1 x 10^3", 1100),
    ],
)
def test_scientific_notation_and_powers_are_read_as_their_value(
    tmp_path: Path, written: str, value: int
) -> None:
    data = summarize(
        tmp_path,
        f"A total of {written} patients with chondrosarcoma were enrolled and took imatinib 400 mg daily. "
        "Twelve patients had a partial response.",
    )
    assert population(data)["n"]["value"] == value  # never the mantissa (1) or the exponent (3, 4)
    assert responses(data)["pr"][0] == 12


def test_a_power_beyond_any_count_is_dropped_with_a_reason(tmp_path: Path) -> None:
    data = summarize(
        tmp_path,
        "A total of 10^40 patients with chondrosarcoma were enrolled and took imatinib 400 mg daily. "
        "Twelve patients had a partial response.",
    )
    assert population(data)["n"] is None
    assert warnings(data) == ['number not read: "10^40" (a power of ten beyond 10^±15)']


def test_a_numeral_too_long_to_read_keeps_its_place_in_a_list(tmp_path: Path) -> None:
    data = summarize(
        tmp_path,
        "Thirty patients with chondrosarcoma took imatinib 400 mg daily. "
        "Partial response, stable disease and progressive disease were seen in "
        "1234567890123456789, 20 and 6 patients, respectively.",
    )
    # The list has a hole where the first value was: read as a whole it would shift 20 to PR and 6 to
    # SD, so none of it is read. With a readable first value all three are (see the next test).
    assert responses(data) == {}


def test_the_same_list_with_a_readable_numeral(tmp_path: Path) -> None:
    data = summarize(
        tmp_path,
        "Thirty patients with chondrosarcoma took imatinib 400 mg daily. "
        "Partial response, stable disease and progressive disease were seen in "
        "4, 20 and 6 patients, respectively.",
    )
    assert {k: v for k, v in responses(data).items() if k in ("pr", "sd", "pd")} == {
        "pr": (4, 13.3),
        "sd": (20, 66.7),
        "pd": (6, 20.0),
    }


@pytest.mark.parametrize(
    ("written", "count"),
    [("1,234", 1234), ("1\u2009234", 1234), ("1\u00a0234", 1234), ("1 234", None), ("1.234.567", None)],
)
def test_thousands_separators(tmp_path: Path, written: str, count: int | None) -> None:
    data = summarize(
        tmp_path,
        f"A total of {written} patients with chondrosarcoma were enrolled and took imatinib 400 mg daily.",
    )
    size = population(data)["n"]
    assert (size and size["value"]) == count  # "1 234" (plain space) and "1.234.567" are not guessed at


def test_numerals_read_or_dropped_one_by_one() -> None:
    text = "p = 2e-4; 1,234.5 mg; −5%; 07/2014; 1.234,5 mg; 3.5e; 1.2.3; 53,8%; 10^-3"
    assert [(n.value, n.percent) for n in find_numbers(text)] == [
        (0.0002, False),
        (1234.5, False),
        (2014.0, False),
        (53.8, True),
        (0.001, False),
    ]
    assert [(d.text, d.warn) for d in find_dropped(text)] == [("07", False), ("1.234,5", True)]


def test_many_unread_numerals_give_a_bounded_number_of_warnings(tmp_path: Path) -> None:
    body = "Forty patients took imatinib 400 mg daily. " + " ".join(
        f"Level {i}e99 was seen." for i in range(1, 200)
    )
    data = summarize(tmp_path, body)
    messages = warnings(data)
    assert len(messages) == 4
    assert messages[-1] == "196 more numbers not read (see above)"
