"""Shared helpers for extractor tests: a one-document extraction from an inline string."""

from __future__ import annotations

from imatinib_cli.extract import extract
from imatinib_cli.models import Document, Findings, Population


def findings(text: str) -> Findings:
    return extract(Document(path="inline.txt", sha256="0" * 64, format="text", text=text))


def only_population(text: str) -> Population:
    populations = findings(text).populations
    assert len(populations) == 1, populations
    return populations[0]


def response(population: Population, category: str) -> tuple[float | None, float | None]:
    item = population.response(category)
    assert item is not None, f"no {category} in {population}"
    return (
        item.count.value if item.count else None,
        item.percent.value if item.percent else None,
    )
