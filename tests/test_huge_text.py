"""Huge plain texts and long sentences (issue 11, items 3 and 6): linear work, bounded output.

Every input is generated here (nothing big is committed). The tests assert statuses, the warnings
that name each limit, bounded sizes and quotes, and a bound on work: the number of Python calls
(cProfile) and the characters tokenized grow like the text, and the regexes that used to backtrack
take about four times as long on four times the input. Wall-clock figures for the full-size cases
are in benchmarks/huge_text.py and docs/robustness.md, not here.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from imatinib_cli import guard, pipeline, render, vocab
from imatinib_cli.extract import context as context_module
from imatinib_cli.extract import extract
from imatinib_cli.extract.design import _OF_PEOPLE, _opens_with_people
from imatinib_cli.extract.heme import _find_timepoints
from imatinib_cli.extract.sentences import (
    ELLIPSIS,
    MAX_QUOTE_CHARS,
    MAX_SENTENCE_CHARS,
    quote,
    split_sentences,
)
from imatinib_cli.extract.toxicity import _aggregate_pattern
from imatinib_cli.load import plain_text
from imatinib_cli.models import Evidence, Warning

_CATEGORIES = ("a partial response", "a complete response", "stable disease", "progressive disease")


def _sentence(lines: int) -> str:
    """LINES lines of 'N patients had a partial response', no full stop: one sentence."""
    return "".join(f"{n % 50 + 1} patients had a partial response\n" for n in range(lines))


def _lines(lines: int) -> str:
    """Short clinical lines, every other one with a full stop, numbers and categories varied."""
    out = []
    for index in range(lines):
        n = index * 7 % 59 + 1
        category = _CATEGORIES[index % len(_CATEGORIES)]
        if index % 3 == 0:
            line = f"{n} patients had {category}"
        elif index % 3 == 1:
            line = f"{n} of {n + 11} patients ({100 * n / (n + 11):.0f}%) had {category}"
        else:
            line = f"Grade 3 neutropenia occurred in {n}% of patients"
        out.append(line + ("." if index % 2 else ""))
    return "\n".join(out) + "\n"


def _numbers(size: int) -> str:
    """One line of SIZE characters of numbers: integers, decimals, percents, fractions."""
    parts, total, i = [], 0, 0
    while total < size:
        kind = i % 4
        if kind == 0:
            item = str(i * 31 % 997)
        elif kind == 1:
            item = f"{i % 100}.{i % 7}"
        elif kind == 2:
            item = f"{i % 100}%"
        else:
            item = f"{i % 19 + 1}/{i % 40 + 20}"
        parts.append(item)
        total += len(item) + 1
        i += 1
    return " ".join(parts)[:size] + "\n"


def _summarize(tmp_path: Path, text: str) -> tuple[dict, int]:
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    report = pipeline.summarize([str(path)], jobs=1)
    data = render.summary_json(report)
    return data, len(json.dumps(data))


def _quotes(data: object) -> list[str]:
    found: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("quote"), str):
                found.append(item["quote"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _calls(work: Callable[[], object]) -> int:
    """Python calls made by work(): a count of operations that does not depend on the machine."""
    profiler = cProfile.Profile()
    profiler.runcall(work)
    return pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]


def _best_seconds(work: Callable[[], object], runs: int = 5) -> float:
    """The least CPU time of this thread over runs: time spent waiting for a core on a busy machine
    does not count, so a ratio of two of these measures the work, not the load."""
    best = float("inf")
    for _ in range(runs):
        began = time.thread_time()
        work()
        best = min(best, time.thread_time() - began)
    return best


def _document(text: str):
    return plain_text.read("huge.txt", "0" * 64, text)


# -- the cases of the issue, small enough to run here --------------------------------------------


def test_one_long_sentence_gives_a_small_output_with_the_limit_named(tmp_path: Path) -> None:
    # 2,000 lines with no full stop: 274 MB of JSON before (~1,960 warnings each quoting the text).
    data, size = _summarize(tmp_path, _sentence(2000))
    assert data["documents"][0]["status"] == "ok"
    assert size < 64_000
    (study,) = data["studies"]
    messages = [w["message"] for w in study["warnings"]]
    assert messages[0] == (
        "1 sentence longer than 4,000 characters was read in pieces of at most 4,000 (cut at line "
        "breaks, clause ends or spaces; a value split across a cut is not read)"
    )
    repeated = "all patients: PR stated twice with different values; kept the first"
    assert messages.count(repeated) == 3
    assert f"{repeated} (and 1,957 more like this, not listed)" in messages
    assert len(messages) == 5
    quotes = _quotes(data)
    assert quotes and max(len(q) for q in quotes) <= MAX_QUOTE_CHARS
    pr = study["populations"][0]["response"]["pr"]
    assert pr["count"] == 1  # the first stated value is kept, read from the first piece
    assert pr["evidence"]["quote"].startswith("1 patients had a partial response 2 patients had")


def test_short_clinical_lines_give_a_small_output(tmp_path: Path) -> None:
    data, size = _summarize(tmp_path, _lines(2000))
    assert data["documents"][0]["status"] == "ok"
    assert size < 64_000
    (study,) = data["studies"]
    assert len(study["warnings"]) <= guard.MAX_WARNINGS
    assert any(w["message"].endswith("more like this, not listed)") for w in study["warnings"])
    assert max(len(q) for q in _quotes(data)) <= MAX_QUOTE_CHARS


def test_a_line_of_numbers_is_read_in_pieces(tmp_path: Path) -> None:
    text = _numbers(60_000)
    data, size = _summarize(tmp_path, text)
    assert data["documents"][0]["status"] == "ok"
    assert size < 16_000
    findings = extract(_document(text))
    assert any(
        w.message.startswith("1 sentence longer than 4,000 characters was read in pieces of at most 4,000")
        for w in findings.warnings
    )


def test_a_text_file_beyond_the_limit_is_read_up_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # 1,000,000 characters; 30,000 here. The document stays ok, with a warning naming the limit.
    monkeypatch.setattr(plain_text, "MAX_TEXT_CHARS", 30_000)
    text = _lines(2000)
    document = plain_text.read("big.txt", "0" * 64, text)
    assert document.status == "ok"
    assert len(document.text) <= 30_000 and text.startswith(document.text)
    assert document.reason == (
        f"only the first {len(document.text):,} of {len(text):,} characters read "
        "(the limit is 30,000 characters a text)"
    )
    assert text[len(document.text)] == "\n"  # cut at a line break


def test_a_document_beyond_the_limit_is_read_up_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # The limit is 1,000,000 characters; 20,000 here so the test stays fast. What is past it is not
    # read, and is not even tokenized.
    monkeypatch.setattr(context_module, "MAX_DOCUMENT_CHARS", 20_000)
    head = _lines(300)
    assert len(head) < 20_000
    text = head + "x" * (20_000 - len(head)) + "\n" + "47 patients had a complete response.\n" * 5_000
    scanned: list[int] = []
    real_scan = vocab._scan

    def counting_scan(text: str, start: int = 0, end: int | None = None):  # noqa: ANN202
        scanned.append((len(text) if end is None else end) - start)
        return real_scan(text, start, end)

    monkeypatch.setattr(vocab, "_scan", counting_scan)
    findings = extract(_document(text))
    assert findings.warnings[0].message == (
        f"the document's text is {len(text.strip()):,} characters: only the first 20,000 were read "
        "(the limit per document)"
    )
    assert sum(scanned) <= 20_000 + 10_000  # the text read, and short labels; never the 205,000
    complete = [r for p in findings.populations for r in p.responses if r.category == "cr"]
    assert all(r.count is None or r.count.value != 47 for r in complete)


# -- sentences and quotes ----------------------------------------------------------------------


def test_a_long_sentence_is_cut_at_line_breaks_clause_ends_or_spaces() -> None:
    text = _sentence(500)
    pieces = split_sentences(text)
    assert len(pieces) == 5
    assert all(len(p.text) <= MAX_SENTENCE_CHARS and p.text == text[p.start : p.end] for p in pieces)
    assert all(p.text.endswith("partial response") for p in pieces)  # cut at a line break
    assert [(p.cut_before, p.cut_after) for p in pieces] == [(False, True)] + [(True, True)] * 3 + [
        (True, False)
    ]
    assert quote(pieces[1]).startswith(ELLIPSIS + " 16 patients") and quote(pieces[1]).endswith(
        "response " + ELLIPSIS
    )
    assert len(quote(pieces[1])) <= MAX_QUOTE_CHARS
    clauses = "12 patients had stable disease, " * 300
    assert all(p.text.endswith(",") for p in split_sentences(clauses)[:-1])
    solid = "x" * 9000
    assert [len(p.text) for p in split_sentences(solid)] == [4000, 4000, 1000]


def test_real_sentences_are_not_touched() -> None:
    text = "Of 147 patients, 79 (53.7%) had a partial response, vs. 41 with stable disease. No CR was seen."
    assert [s.text for s in split_sentences(text)] == [
        "Of 147 patients, 79 (53.7%) had a partial response, vs. 41 with stable disease.",
        "No CR was seen.",
    ]
    assert all(not (s.cut_before or s.cut_after) for s in split_sentences(text))


def test_the_caps_are_one_figure_each() -> None:
    assert guard.MAX_WARNING_QUOTE_CHARS == MAX_QUOTE_CHARS == MAX_SENTENCE_CHARS + 4
    assert plain_text.MAX_TEXT_CHARS == context_module.MAX_DOCUMENT_CHARS


# -- warnings ----------------------------------------------------------------------------------


def test_repeated_warnings_are_collapsed() -> None:
    evidence = (Evidence("a.txt", 0, 10, "q" * 9000),)
    warnings = [Warning("PR stated twice", evidence)] * 2000 + [Warning("N stated as 3 and 5")]
    bounded = guard.bound_warnings(warnings)
    assert [w.message for w in bounded] == [
        "PR stated twice",
        "PR stated twice",
        "PR stated twice",
        "PR stated twice (and 1,997 more like this, not listed)",
        "N stated as 3 and 5",
    ]
    assert len(bounded[0].evidence[0].quote) <= guard.MAX_WARNING_QUOTE_CHARS
    assert bounded[0].evidence[0].quote.endswith(ELLIPSIS)


def test_many_distinct_warnings_are_bounded() -> None:
    warnings = [Warning(f"arm {i}: N stated as {i} and {i + 1}") for i in range(300)]
    bounded = guard.bound_warnings(warnings)
    assert len(bounded) == guard.MAX_WARNINGS
    assert bounded[-1].message == "and 201 more warnings, not listed"
    long = guard.bound_warnings([Warning("documents disagree on title: " + "word " * 400)])
    assert len(long[0].message) <= guard.MAX_WARNING_CHARS and long[0].message.endswith(ELLIPSIS)


def test_warnings_within_the_bounds_are_left_as_they_are() -> None:
    warnings = [Warning("registered study: no results posted"), Warning("enrollment stated as 40 and 41")]
    assert guard.bound_warnings(warnings) == warnings
    assert all(a is b for a, b in zip(guard.bound_warnings(warnings), warnings, strict=True))


# -- work grows like the text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "small"),
    [(_sentence, 300), (_lines, 300), (lambda n: _numbers(n * 40), 300)],
    ids=["long sentence", "short lines", "line of numbers"],
)
def test_extraction_calls_grow_linearly(make: Callable[[int], str], small: int) -> None:
    one = _calls(lambda: extract(_document(make(small))))
    four = _calls(lambda: extract(_document(make(4 * small))))
    assert four / one < 5.5  # 16 or more when quadratic


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("grade modifiers", lambda n: "grade 3/4 " * n),  # 2^n before: 25 took two minutes
        ("time point list", lambda n: "at " + " and ".join(str(i % 90) for i in range(n))),
    ],
)
def test_regexes_take_linear_time_on_long_runs(name: str, make: Callable[[int], str]) -> None:
    pattern = _aggregate_pattern()

    def run(text: str) -> Callable[[], object]:
        if name == "grade modifiers":
            return lambda: list(pattern.finditer(text))
        return lambda: _find_timepoints(text, 0, len(text))

    one = _best_seconds(run(make(400)))
    four = _best_seconds(run(make(1600)))
    assert four / max(one, 1e-4) < 8  # 16 when quadratic


def test_enrollment_opening_is_looked_for_in_a_window() -> None:
    text = "Results: " + "the 12 patients, " * 30 + "of the 40 patients"
    end = text.rindex("40")
    assert _opens_with_people(text, 0, end) == (_OF_PEOPLE.search(text[:end]) is not None) is True
    assert not _opens_with_people(text, 0, text.rindex("12"))
