"""Plain-text formatting shared by the table and the JSON renderers, so both say the same thing.

Nothing here prints; these helpers turn model values into strings and JSON-ready numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from imatinib_cli.models import (
    CRUDE_LABEL,
    HEME_LABELS,
    RANDOM_EFFECTS_LABEL,
    STATUS_OK,
    AdverseEvent,
    Comparison,
    ComparisonRow,
    Design,
    Document,
    Evidence,
    Flag,
    HemeResponse,
    Outcome,
    PooledEstimate,
    Population,
    Quantity,
    ResponseCount,
    Study,
    SubgroupTest,
)

DASH = "–"  # shown where the document states no number
DERIVED_MARK = "*"  # appended to a number computed from other stated numbers

# How each design flag reads when it is stated true / false.
FLAG_WORDS: dict[str, tuple[str, str]] = {
    "randomized": ("randomized", "non-randomized"),
    "single_arm": ("single-arm", "multi-arm"),
    "open_label": ("open-label", "blinded"),
    "multicenter": ("multicenter", "single-center"),
}


def document_warning(document: Document) -> str | None:
    """The `imx: warning:` line for an input that was skipped or failed, or was read with a warning
    (an "ok" document with a reason); None for a document read cleanly."""
    if document.status == STATUS_OK and not document.reason:
        return None
    where = document.path if not document.record else f"{document.path}#{document.record}"
    return f"imx: warning: {where}: {document.reason or document.status}"


def whole(value: float) -> int | float:
    """Counts are floats in the model; print 27.0 as 27 so JSON consumers get an int."""
    return int(value) if float(value).is_integer() else value


def count_or_none(quantity: Quantity | None) -> int | float | None:
    """whole(quantity.value), or None: written out, not a call of whole (~8 a study's text)."""
    if quantity is None:
        return None
    value = quantity.value
    return int(value) if float(value).is_integer() else value


def percent_or_none(quantity: Quantity | None) -> float | None:
    """Percents keep at most one decimal: a derived 4.7619 becomes 4.8, a stated 53.7 stays 53.7.

    A percent above zero that one decimal would show as 0.0 (a stated "0.001%") keeps its value:
    it is not 0%."""
    if quantity is None:
        return None
    value = float(quantity.value)
    # One decimal or none already (stated percents, and derived ones, rounded so): its own rounding,
    # told by a whole number of tenths (k / 10 is the float nearest k tenths, which round(value, 1)
    # gives back), ~0.1 µs where round(value, 1) is ~0.25 (a decimal conversion and back).
    if -1e15 < value < 1e15 and round(value * 10) / 10 == value:
        return value
    rounded = round(value, 1)
    return value if rounded == 0 and quantity.value != 0 else rounded


def format_number(value: float) -> str:
    """A number without spurious zeros: 27.0 -> '27', 12.5 -> '12.5'."""
    value = whole(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}".rstrip("0").rstrip(".")


def format_percent(value: float) -> str:
    """'53.7', '4' for 4.0; a percent above zero too small for one decimal keeps its digits: '0.001'."""
    if value and round(float(value), 1) == 0:
        return f"{float(value):.2g}" if abs(value) < 1e-4 else f"{float(value):.4f}".rstrip("0")
    return f"{round(float(value), 1):.1f}".removesuffix(".0")


def format_quantity(quantity: Quantity | None, *, percent: bool = False) -> str:
    """One number as shown in a table cell, with the derived marker; a dash when missing."""
    if quantity is None:
        return DASH
    text = format_percent(quantity.value) + "%" if percent else format_number(quantity.value)
    return text + DERIVED_MARK if quantity.derived else text


def any_derived(first: Quantity | None, second: Quantity | None) -> bool:
    """Whether either quantity is derived (a response's count and percent, an event's percent and
    count, an outcome's value and denominator); no generator: render/json asks it per item."""
    return bool((first is not None and first.derived) or (second is not None and second.derived))


def is_derived(response: ResponseCount) -> bool:
    return response.derived or any_derived(response.count, response.percent)


def format_response(response: ResponseCount | None) -> str:
    """'count (percent%)', e.g. '79 (53.7%)' or '1* (4%)'; a dash when nothing is stated."""
    if response is None or (response.count is None and response.percent is None):
        return DASH
    if response.count is None:
        text = format_quantity(response.percent, percent=True)
    elif response.percent is None:
        text = format_quantity(response.count)
    else:
        text = f"{format_quantity(response.count)} ({format_quantity(response.percent, percent=True)})"
    # A response flagged derived as a whole, with neither number flagged, still gets the marker.
    if response.derived and DERIVED_MARK not in text:
        text += DERIVED_MARK
    return text


def format_heme(item: HemeResponse) -> str:
    """'CCyR 49 (70%) at 12 months', 'MMR 38%', 'CHR 41 (80%) by the end of course 2'."""
    if item.count is not None and item.percent is not None:
        value = f"{format_quantity(item.count)} ({format_quantity(item.percent, percent=True)})"
    elif item.count is not None:
        value = format_quantity(item.count)
    else:
        value = format_quantity(item.percent, percent=True)
    label = HEME_LABELS.get(item.category, item.category)
    return f"{label} {value}{' ' + item.timepoint if item.timepoint else ''}"


def derivation(*quantities: Quantity | None) -> str | None:
    """The derivations of the given quantities joined into one sentence, or None."""
    parts = [q.derivation for q in quantities if q is not None and q.derived and q.derivation]
    return "; ".join(parts) if parts else None


def derivation_note(quantity: Quantity | None) -> str | None:
    """What a derived number's quote is annotated with: 'derived: 19 = 4% of 27 + 67% of 27', or
    'derived' when no derivation was recorded; None for a stated number (or none)."""
    if quantity is None or not quantity.derived:
        return None
    return f"derived: {quantity.derivation}" if quantity.derivation else "derived"


def response_note(response: ResponseCount | None) -> str | None:
    """derivation_note for a response's count and percent together: 'derived: 1 = 4% of 27'; None
    when neither carries a derivation (a response derived as a whole shows only its marker)."""
    if response is None:
        return None
    note = derivation(response.count, response.percent)
    return f"derived: {note}" if note else None


def doses_mg_per_day(population: Population) -> list[int | float]:
    """Distinct daily doses in mg, ascending; body-surface doses (mg_per_day None) are left out."""
    doses = population.doses
    if len(doses) == 1:  # most populations: no set, sort and two comprehensions for one value
        value = doses[0].mg_per_day
        return [] if value is None else [whole(value)]
    return [whole(v) for v in sorted({d.mg_per_day for d in doses if d.mg_per_day is not None})]


def format_doses(values: Sequence[float], pooled_arms: bool, unconverted: Iterable[str] = ()) -> str:
    """'400', '400/800', '400/600 (pooled arms)'; doses not in mg/day are shown as written."""
    parts = [format_number(v) for v in values] + list(unconverted)
    if not parts:
        return DASH
    text = "/".join(parts)
    return f"{text} (pooled arms)" if pooled_arms else text


def population_doses(population: Population) -> str:
    unconverted = [d.as_written for d in population.doses if d.mg_per_day is None]
    return format_doses(doses_mg_per_day(population), population.pooled_arms, unconverted)


def short_authors(authors: Sequence[str]) -> str | None:
    """'A', 'A, B' or 'A et al.', the way PubMed abbreviates an author list."""
    if not authors:
        return None
    if len(authors) <= 2:
        return ", ".join(authors)
    return f"{authors[0]} et al."


def citation(study: Study) -> str:
    """One line a reader can find the paper with: authors, journal, year;volume(issue):pages, ids."""
    md = study.metadata
    location = ""
    if md.volume:
        location = md.volume + (f"({md.issue})" if md.issue else "")
    if md.pages:
        location = f"{location}:{md.pages}" if location else md.pages
    when = ";".join([str(part) for part in (md.year, location) if part])
    pieces = [
        short_authors(md.authors),
        md.journal,
        when,
        f"doi:{md.doi}" if md.doi else None,
        f"PMID:{md.pmid}" if md.pmid else None,
        md.nct_id,
    ]
    kept = [piece.strip().rstrip(".") for piece in pieces if piece and piece.strip()]
    if not kept:
        return study.title or study.id
    return ". ".join(kept) + "."


def phase_label(phase: str | None) -> str:
    if not phase:
        return "phase not stated"
    return phase if phase.lower().startswith("phase") else f"Phase {phase}"


def design_line(study: Study) -> str:
    """'Phase II · randomized · open-label · multicenter · N enrolled 147'."""
    design = study.design
    parts = [phase_label(design.phase), *(word for word, _flag in stated_flags(design))]
    parts.append(f"N enrolled {format_quantity(design.n_enrolled)}")
    return " · ".join(parts)


def stated_flags(design: Design) -> list[tuple[str, Flag]]:
    """The design flags the document states, in FLAG_WORDS order, each with the word it reads as:
    [('randomized', Flag(True, ...)), ('blinded', Flag(False, ...))]."""
    stated = []
    for name, (yes, no) in FLAG_WORDS.items():
        flag: Flag | None = getattr(design, name)
        if flag is not None:
            stated.append((yes if flag.value else no, flag))
    return stated


def registry_line(study: Study) -> str | None:
    """'status Completed; no results posted' for registry records, None for papers."""
    md = study.metadata
    parts = []
    if md.registry_status:
        parts.append(f"status {md.registry_status}")
    if md.results_posted is not None:
        parts.append("results posted" if md.results_posted else "no results posted")
    return "; ".join(parts) if parts else None


def tumor_label(name: str | None, code: str | None) -> str:
    """A tumor as the tables name it: 'gastrointestinal stromal tumor (GIST)' when the name and its
    code differ, else whichever is known ('GIST'), else a dash."""
    if name and code and code != name:
        return f"{name} ({code})"
    return name or code or DASH


def toxicity_value(event: AdverseEvent) -> str:
    """An adverse event's frequency as read: '~12%', '35% n=7', 'n=3'; a dash when neither is stated."""
    parts = []
    if event.percent is not None:
        parts.append(("~" if event.approximate else "") + format_quantity(event.percent, percent=True))
    if event.count is not None:
        parts.append(f"n={format_quantity(event.count)}")
    return " ".join(parts) or DASH


def arm_note(arm: str | None) -> str:
    """' (placebo group)', or ' (arm 2)' for the second value of an unlabelled comparison; '' for
    a value that belongs to no arm."""
    if not arm:
        return ""
    return f" (arm {arm})" if arm.isdigit() else f" ({arm})"


def outcome_value(outcome: Outcome) -> str:
    """An outcome's value with its unit and denominator as summarize prints it: '73%', '58 days',
    '5 of 106' (not '5 count of 106')."""
    value = with_unit(format_quantity(outcome.value), outcome.value, outcome.unit)
    if outcome.denominator is not None:
        value = f"{value} of {format_quantity(outcome.denominator)}"
    return value


def outcome_detail(outcome: Outcome) -> str:
    """The gene and variant an outcome is about ('KIT exon 11'), or a dash."""
    return " ".join(part for part in (outcome.gene, outcome.variant) if part) or DASH


def one_line(quote: str) -> str:
    """Collapse the line breaks and runs of spaces a page's layout left inside a sentence."""
    return " ".join(quote.split())


def location(evidence: Evidence) -> str:
    return f"{evidence.document}:{evidence.start}-{evidence.end}"


# --- comparisons: intervals, methods and the text forest plot -------------------------------------

CI_NAMES = {"exact": "exact (Clopper-Pearson)", "wilson": "Wilson score"}
BAR_WIDTH = 11  # characters for 0-100 %: one every 10 %
BAR_POINT = "●"
BAR_DIAMOND = "◆"
BAR_LINE = "─"


def level_percent(level: float) -> str:
    """0.95 -> '95%', 0.975 -> '97.5%'."""
    return format_percent(100 * level) + "%"


def ci_label(comparison: Comparison) -> str:
    """'95% CI exact (Clopper-Pearson)': how the row intervals were computed."""
    return f"{level_percent(comparison.level)} CI {CI_NAMES.get(comparison.ci_method, comparison.ci_method)}"


def pooling_method(comparison: Comparison) -> str | None:
    """The pooling method(s) the pooled estimates name, in order, or None when nothing is pooled."""
    methods = list(dict.fromkeys(p.method for p in comparison.pooled if p.method))
    return "; ".join(methods) if methods else None


def pooling_description(comparison: Comparison) -> str | None:
    """pooling_method, naming the transform too when the method text does not already."""
    method = pooling_method(comparison)
    if method and comparison.transform.lower() not in method.lower():
        method = f"{method}, {comparison.transform} transform"
    return method


def subgroup_method(test: SubgroupTest) -> str:
    """The test's method without a leading 'test for subgroup differences', which the line names."""
    method = test.method
    lead = "test for subgroup differences"
    if method.lower().startswith(lead):
        method = method[len(lead) :].lstrip(" :;,")
    return method


def p_text(p: float | None) -> str:
    """A p-value with its relation, as a statistic reads: 'p = 0.114', 'p < 0.001'."""
    formatted = format_p(p)
    return f"p {formatted}" if formatted.startswith("<") else f"p = {formatted}"


def q_cell(pooled: PooledEstimate) -> str:
    """Cochran's Q of a pooled estimate with its degrees of freedom and p, read whole:
    '2.49 (1, p = 0.114)'; a dash when Q was not computed."""
    if pooled.q is None:
        return DASH
    return f"{pooled.q:.2f} ({pooled.q_df}, {p_text(pooled.q_p)})"


def pooled_note(pooled: PooledEstimate) -> str:
    """The pooled estimate's own note, else for fewer than three populations 'k = 2 < 3: tau², I²
    and Q are unreliable'; '' when there is nothing to say."""
    if pooled.note:
        return pooled.note
    if pooled.k < 3:
        return f"k = {pooled.k} < 3: tau², I² and Q are unreliable"
    return ""


def subgroup_statistic(test: SubgroupTest) -> str:
    """'Test for subgroup differences (GIST vs non-GIST): Q = 2.49, df = 1, p = 0.114', without the
    method (each format escapes and closes it its own way)."""
    groups = " vs ".join(test.groups)
    statistic = f"Q = {test.q_between:.2f}, df = {test.df}, {p_text(test.p)}"
    return f"Test for subgroup differences ({groups}): {statistic}"


def subgroup_line(test: SubgroupTest) -> str:
    """subgroup_statistic with the method in parentheses when there is one: '... p = 0.114
    (Cochran's Q between the random-effects subgroup estimates ...)'."""
    method = subgroup_method(test)
    line = subgroup_statistic(test)
    return f"{line} ({method})" if method else line


def marked(value: int, field: str, derived: tuple[str, ...]) -> str:
    """A comparison count with the derived marker when its field is derived: (19, 'responders',
    ('responders',)) -> '19*', as summarize shows the same count."""
    return f"{value}{DERIVED_MARK}" if field in derived else str(value)


def crude_versus_random(comparison: Comparison) -> str:
    """The one line that says why a crude row and the random-effects estimate of the same group
    differ (GIST 56.3% crude, 59.9% random effects on the seeds)."""
    scale = "double-arcsine" if comparison.transform == "freeman-tukey" else comparison.transform
    return (
        f"{CRUDE_LABEL}: all responders / all patients, the largest study dominating; "
        f"{RANDOM_EFFECTS_LABEL}: each study's {scale} rate weighted by 1/(its variance + tau²)"
    )


def format_interval(low: float | None, high: float | None) -> str:
    """'45.3–62.0', or a dash when there is no interval."""
    if low is None or high is None:
        return DASH
    return f"{low:.1f}–{high:.1f}"


def format_estimate(estimate: float | None, low: float | None, high: float | None) -> str:
    """'53.7 (45.3–62.0)', the way a forest plot's right-hand column reads."""
    if estimate is None:
        return DASH
    if low is None or high is None:
        return f"{estimate:.1f}"
    return f"{estimate:.1f} ({format_interval(low, high)})"


def format_p(p: float | None) -> str:
    """p-values the way a paper prints them: '0.042', '< 0.001'."""
    if p is None:
        return DASH
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


def format_stat(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def row_estimate(row: ComparisonRow) -> float | None:
    """The row's response rate in percent, unrounded (the bar and the plot place it exactly)."""
    return 100.0 * row.responders / row.n if row.n else None


def text_bar(
    estimate: float | None,
    low: float | None,
    high: float | None,
    *,
    width: int = BAR_WIDTH,
    mark: str = BAR_POINT,
) -> str:
    """A one-line forest plot on a 0-100 % scale: '    ───●────         '.

    The interval is drawn with a line, the estimate with a mark; an empty string when there is
    no estimate. Every result is exactly `width` characters so the bars line up in a column.
    """
    if estimate is None:
        return " " * width

    def at(percent: float) -> int:
        return min(width - 1, max(0, round(percent / 100 * (width - 1))))

    cells = [" "] * width
    if low is not None and high is not None:
        for index in range(at(low), at(high) + 1):
            cells[index] = BAR_LINE
    cells[at(estimate)] = mark
    return "".join(cells)


def bar_scale(width: int = BAR_WIDTH) -> str:
    """The header over text_bar's column: '0' at the left, '50' in the middle, '100' at the right."""
    middle = (width - 1) // 2
    left = "0".ljust(middle - 1)
    return (left + "50").ljust(width - 3) + "100"


PLURAL_UNITS = frozenset({"day", "week", "month", "year"})


def with_unit(shown: str, value: object, unit: str | None) -> str:
    """'73%', '58 days', '1 month', '5' (a count); the value alone when it or its unit is unknown."""
    if value is None or not unit or unit == "count":
        return shown
    if unit == "%":
        return f"{shown}%"
    return f"{shown} {unit}s" if unit in PLURAL_UNITS and shown != "1" else f"{shown} {unit}"
