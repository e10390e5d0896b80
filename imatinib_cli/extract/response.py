"""Tumor responses (CR, PR, SD, PD, NE, ORR) stated in one clause, as counts and percents.

A number belongs to a response category only when filler words alone stand between them; a
negation ("no patient had a complete response") gives zero. Which population a clause speaks of is
decided by extract.populations, not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import Num
from imatinib_cli.extract.tokens import Group, Item, group_at, is_number, negated_total, tokenize

_MAX_STEPS = 10
_SHORT_BRIDGE = frozenset({"had", "have", "has", "experienced", "showed", "developed", ")", "]"})


@dataclass(slots=True)
class ResponseHit:
    category: str
    count: Num | None
    percent: Num | None
    total: Num | None
    negated: bool
    as_written: str
    start: int
    end: int
    # True when the category came before its number ("response rate was 12%"), which a
    # following parallel clause may share ("... and 27.5% of hematologic patients").
    leads: bool = False


def category_items(context: Context, start: int, end: int) -> list[Item]:
    """Category phrases in text[start:end]; blockers ('time to progression') hide shorter matches."""
    text = context.text
    items: list[Item] = []
    main = cues.matcher("responses", "responses", key_field="category")
    covered: list[tuple[int, int]] = []
    for hit in main.find(text, start, end):
        covered.append((hit.start, hit.end))
        if hit.key != "none":
            items.append(Item("cue", hit.start, hit.end, hit.as_written, (hit.key, False)))
        else:
            # A blocker reads as one word, so "best response" can be a filler but never a category.
            items.append(Item("word", hit.start, hit.end, " ".join(hit.as_written.lower().split())))
    short = cues.matcher("responses", "needs_number", key_field="category")
    for hit in short.find(text, start, end):
        if any(s <= hit.start < e for s, e in covered):
            continue
        items.append(Item("cue", hit.start, hit.end, hit.as_written, (hit.key, True)))
    return items


def find_responses(
    context: Context, info: SentenceInfo, start: int, end: int, extra: list[Item] | None = None
) -> tuple[list[ResponseHit], list[Item], set[int]]:
    """Response hits in one clause, the clause's items, and the indexes of numbers they used."""
    fillers = cues.words("responses", "fillers")
    people = cues.words("cues", "people")
    negations = cues.words("responses", "negations")
    spans = category_items(context, start, end) + list(extra or ())
    if not spans:
        return [], [], set()
    items = tokenize(context.text, start, end, info.numbers, info.fractions, spans)
    claimed: set[int] = set()
    hits: list[ResponseHit] = []
    cue_indexes = [
        i for i, item in enumerate(items) if item.kind == "cue" and isinstance(item.payload, tuple)
    ]
    done: set[int] = set()

    measures = _measure_words()

    def skippable(item: Item, leftward: bool = False) -> bool:
        if item.kind == "mark":
            return item.text in (")]" if leftward else "()[]")
        return (item.kind == "word" and item.text in fillers) or item.kind == "tumor"

    def a_measure(index: int) -> bool:
        """'48 weeks', '400 mg': a number with a unit is not a count of patients."""
        return (
            index + 1 < len(items) and items[index + 1].kind == "word" and items[index + 1].text in measures
        )

    explaining: set[int] = set()
    # Cues in brackets right after a cue explain it: "partial response (PR)", "ORR (CR + PR)".
    for index in cue_indexes:
        opening = index - 1
        while opening >= 0 and items[opening].kind == "cue":
            opening -= 1
        if opening >= 1 and items[opening].text == "(" and items[opening - 1].kind == "cue":
            done.add(index)
            explaining.add(index)

    # Pass 1: the number stands before its category.
    for index in cue_indexes:
        category, needs_number = items[index].payload
        found = None
        if needs_number:
            # Only people words, a verb like "had" and a bracket may stand between:
            # "4 complete", "14 (28%) progressed", "two patients had disease progression".
            probe, steps = index - 1, 0
            while probe >= 0 and steps < 4:
                item = items[probe]
                if is_number(item):
                    found = probe
                    break
                if not (item.text in people or item.text in _SHORT_BRIDGE):
                    break
                probe, steps = probe - 1, steps + 1
        else:
            probe, steps = index - 1, 0
            while probe >= 0 and steps < _MAX_STEPS:
                item = items[probe]
                if is_number(item):
                    found = probe
                    break
                if not skippable(item, leftward=True):
                    break
                probe, steps = probe - 1, steps + 1
        if found is None or found in claimed or a_measure(found):
            continue
        if negated_total(items, found, negations):
            # "None of the 15 evaluable patients achieved an objective response."
            total = items[found].payload
            hits.append(
                ResponseHit(
                    category, None, None, total, True, items[index].text, items[found].start, items[index].end
                )
            )
            claimed.add(found)
            done.add(index)
            continue
        group = group_at(items, found, people)
        if _claim(group, claimed):
            hits.append(_hit(category, group, items[index], False))
            done.add(index)

    # Pass 2: the category stands before its number.
    for index in cue_indexes:
        if index in done:
            continue
        category, needs_number = items[index].payload
        if needs_number:
            continue
        probe, steps = index + 1, 0
        while probe < len(items) and steps < _MAX_STEPS:
            item = items[probe]
            if is_number(item):
                if probe in claimed or a_measure(probe):
                    break
                group = group_at(items, probe, people)
                if group.first == probe and _claim(group, claimed):
                    hits.append(_hit(category, group, items[index], True))
                    done.add(index)
                break
            if item.kind == "cue" and isinstance(item.payload, tuple) and item.payload[0] == category:
                done.add(probe)  # an acronym after its phrase: "partial response (PR)"
            elif probe in explaining:
                pass
            elif not (skippable(item) or item.text in (":", "=")):
                break
            probe, steps = probe + 1, steps + 1

    # Negation: "no patient had a complete response", "there were no objective responses".
    for index in cue_indexes:
        if index in done:
            continue
        category, needs_number = items[index].payload
        if needs_number:
            continue
        probe, steps = index - 1, 0
        while probe >= 0 and steps < _MAX_STEPS:
            item = items[probe]
            if item.kind == "word" and item.text in negations:
                hits.append(
                    ResponseHit(
                        category, None, None, None, True, items[index].text, item.start, items[index].end
                    )
                )
                done.add(index)
                break
            if not (skippable(item) or item.text == "there"):
                break
            probe, steps = probe - 1, steps + 1
    hits.sort(key=lambda hit: hit.start)
    return hits, items, claimed


def carry_over(
    context: Context,
    info: SentenceInfo,
    span: tuple[int, int],
    leading: ResponseHit,
    items: list[Item],
    claimed: set[int],
) -> ResponseHit | None:
    """A parallel clause's bare number takes the category of the previous clause's leading cue."""
    people = cues.words("cues", "people")
    if not items:
        items = tokenize(context.text, span[0], span[1], info.numbers, info.fractions, [])
    for index, item in enumerate(items):
        if not is_number(item) or index in claimed:
            continue
        group = group_at(items, index, people)
        if group.first != index:
            continue
        if (leading.percent is not None) != (group.percent is not None):
            continue
        claimed.update(range(group.first, group.last + 1))
        return ResponseHit(
            leading.category,
            group.count,
            group.percent,
            group.total,
            False,
            leading.as_written,
            group.start,
            group.end,
        )
    return None


@vocab.cached
def _measure_words() -> frozenset[str]:
    units = vocab.load("cues")["time_units"]
    words = {str(w).lower() for synonyms in units.values() for w in synonyms}
    return frozenset(words | {"mg", "g", "ml", "kg", "mm", "cm", "years-old"})


def respectively_lists(context: Context, info: SentenceInfo) -> list[tuple[str, str, list[Group]]]:
    """'partial responses in 7% and 4.5% ... respectively': each category with its list of numbers."""
    people = cues.words("cues", "people")
    spans = [item for item in category_items(context, info.start, info.end) if item.kind == "cue"]
    items = tokenize(context.text, info.start, info.end, info.numbers, info.fractions, spans)
    measures = _measure_words()
    found: list[tuple[str, str, list[Group]]] = []
    used: set[int] = set()
    for index, item in enumerate(items):
        if item.kind != "cue" or not isinstance(item.payload, tuple) or item.payload[1]:
            continue
        groups: list[Group] = []
        probe = index + 1
        while probe < len(items) and probe - index < 14:
            current = items[probe]
            if current.kind == "cue":
                break
            if is_number(current) and probe not in used:
                follows = probe + 1 < len(items) and items[probe + 1].text in measures
                if follows:
                    probe += 1
                    continue
                group = group_at(items, probe, people)
                if group.first != probe:
                    probe += 1
                    continue
                groups.append(group)
                probe = group.last + 1
                if probe < len(items) and items[probe].text in (",", "and", "or", "vs", "versus"):
                    probe += 1
                    if probe < len(items) and items[probe].text in ("and", "or"):
                        probe += 1
                    continue
                if len(groups) >= 2:
                    break
                groups = []
                continue
            probe += 1
        if len(groups) >= 2:
            for group in groups:
                used.update(range(group.first, group.last + 1))
            found.append((item.payload[0], item.text, groups))
    return found


def carry_many(
    context: Context,
    info: SentenceInfo,
    span: tuple[int, int],
    previous: list[ResponseHit],
    items: list[Item],
    claimed: set[int],
) -> list[ResponseHit]:
    """A clause of bare numbers parallel to the clause before takes its categories in order."""
    people = cues.words("cues", "people")
    if not items:
        items = tokenize(context.text, span[0], span[1], info.numbers, info.fractions, [])
    groups = []
    index = 0
    while index < len(items):
        if is_number(items[index]) and index not in claimed:
            group = group_at(items, index, people)
            if group.first == index:
                groups.append(group)
                index = group.last + 1
                continue
        index += 1
    if len(groups) != len(previous):
        return []
    hits = []
    for hit, group in zip(previous, groups, strict=True):
        if (hit.percent is not None) != (group.percent is not None):
            return []
        claimed.update(range(group.first, group.last + 1))
        hits.append(
            ResponseHit(
                hit.category,
                group.count,
                group.percent,
                group.total,
                False,
                hit.as_written,
                group.start,
                group.end,
            )
        )
    return hits


def _claim(group: Group, claimed: set[int]) -> bool:
    indexes = set(range(group.first, group.last + 1))
    if indexes & claimed or (group.count is None and group.percent is None):
        return False
    claimed.update(indexes)
    return True


def _hit(category: str, group: Group, cue: Item, leads: bool) -> ResponseHit:
    start = min(group.start, cue.start)
    end = max(group.end, cue.end)
    return ResponseHit(category, group.count, group.percent, group.total, False, cue.text, start, end, leads)
