"""The JSON output is a public interface: it must validate against the shipped JSON Schemas, and
every key it emits must be declared (and documented) there."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, load_schema, make_comparison, make_report, strict
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import render
from imatinib_cli.models import (
    GIST,
    NON_GIST,
    RESPONSE_CATEGORIES,
    AdverseEvent,
    Design,
    Dose,
    Evidence,
    Flag,
    Metadata,
    Outcome,
    Population,
    Quantity,
    Report,
    ResponseCount,
    Study,
)


def validate(data: dict[str, Any], name: str) -> None:
    # Round-trip through text first: what is validated is what a pipe would receive.
    data = json.loads(json.dumps(data, ensure_ascii=False))
    jsonschema.Draft202012Validator(strict(load_schema(name))).validate(data)


@pytest.mark.parametrize("name", ["summarize", "compare", "summarize-jsonl"])
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_summary_json_validates(report: Report) -> None:
    validate(render.summary_json(report), "summarize")


def test_comparison_json_validates() -> None:
    validate(render.comparison_json(make_comparison()), "compare")


def test_schema_rejects_a_float_count() -> None:
    data = render.summary_json(make_report())
    data["studies"][1]["populations"][0]["response"]["pr"]["count"] = 79.5
    with pytest.raises(jsonschema.ValidationError):
        validate(data, "summarize")


def test_schema_rejects_an_undeclared_key() -> None:
    data = render.summary_json(make_report())
    data["studies"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validate(data, "summarize")


def _keys(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        found.update(node.get("properties", {}))
        for value in node.values():
            found |= _keys(value)
    elif isinstance(node, list):
        for value in node:
            found |= _keys(value)
    return found


@pytest.mark.parametrize("name", ["summarize", "compare", "summarize-jsonl"])
def test_every_schema_key_is_documented(name: str) -> None:
    doc = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z0-9_]+)`", doc))
    missing = sorted(_keys(load_schema(name)) - documented)
    assert not missing, f"keys missing from docs/json-schema.md: {missing}"


# --- property: any well-formed Report renders to valid JSON --------------------------------------

texts = st.text(min_size=0, max_size=20)
evidences = st.builds(
    Evidence,
    document=st.just("x.txt"),
    start=st.integers(0, 10_000),
    end=st.integers(0, 10_000),
    quote=texts,
)
counts = st.integers(0, 5000).map(float)
percents = st.floats(0, 100, allow_nan=False)


def quantities(values: st.SearchStrategy[float]) -> st.SearchStrategy[Quantity]:
    return st.builds(
        Quantity,
        value=values,
        evidence=st.none() | evidences,
        derived=st.booleans(),
        derivation=st.none() | texts,
    )


responses = st.builds(
    ResponseCount,
    category=st.sampled_from(RESPONSE_CATEGORIES),
    count=st.none() | quantities(counts),
    percent=st.none() | quantities(percents),
    as_written=texts,
    evidence=st.none() | evidences,
    derived=st.booleans(),
)
populations = st.builds(
    Population,
    label=texts,
    tumor_type=st.none() | texts,
    tumor_name=st.none() | texts,
    tumor_group=st.sampled_from([GIST, NON_GIST, None]),
    n=st.none() | quantities(counts),
    doses=st.lists(
        st.builds(
            Dose,
            mg_per_day=st.none() | st.sampled_from([100.0, 400.0, 600.0, 800.0, 262.5]),
            as_written=texts,
            schedule=st.none() | texts,
            evidence=evidences,
        ),
        max_size=3,
    ).map(tuple),
    responses=st.lists(responses, max_size=6, unique_by=lambda r: r.category).map(tuple),
    pooled_arms=st.booleans(),
    evidence=st.none() | evidences,
)
studies = st.builds(
    Study,
    id=texts,
    title=st.none() | texts,
    metadata=st.builds(
        Metadata,
        authors=st.lists(texts, max_size=4).map(tuple),
        year=st.none() | st.integers(1990, 2030),
        results_posted=st.none() | st.booleans(),
    ),
    sources=st.lists(texts, max_size=3).map(tuple),
    design=st.builds(
        Design,
        phase=st.none() | texts,
        randomized=st.none() | st.builds(Flag, value=st.booleans(), evidence=evidences),
        n_enrolled=st.none() | quantities(counts),
    ),
    populations=st.lists(populations, max_size=3).map(tuple),
    adverse_events=st.lists(
        st.builds(
            AdverseEvent,
            term=st.none() | texts,
            as_written=texts,
            soc=st.none() | texts,
            percent=st.none() | quantities(percents),
            count=st.none() | quantities(counts),
            grade=st.none() | texts,
            evidence=evidences,
            approximate=st.booleans(),
        ),
        max_size=3,
    ).map(tuple),
    outcomes=st.lists(
        st.builds(
            Outcome,
            kind=texts,
            value=st.none() | quantities(st.floats(0, 1000, allow_nan=False)),
            unit=st.none() | texts,
            as_written=texts,
            evidence=evidences,
            denominator=st.none() | quantities(counts),
        ),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(studies, max_size=3))
def test_any_report_renders_valid_json(studies_: list[Study]) -> None:
    data = render.summary_json(Report(documents=(), studies=tuple(studies_)))
    validate(data, "summarize")
    for study in data["studies"]:
        for population in study["populations"]:
            for response in population["response"].values():
                if response is not None and response["count"] is not None:
                    assert isinstance(response["count"], int)
