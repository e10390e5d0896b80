"""`imx report`: one self-contained HTML file a reader can open, share and print.

The page holds the summary of every study, the comparison by tumor type and dose (rows, the crude
subtotal, the random-effects pooled rate, the subgroup test), a forest plot drawn here as inline SVG
(no matplotlib, so the report needs no extra), and every number's quoted sentence: on hover (a
`title` attribute) and in a numbered footnote that names the document and the character span.

Nothing is fetched: no script, no external style, font or image; a Content-Security-Policy of
`default-src 'none'` says so to the browser too. Every string that comes from a document goes through
safe_text (controls and bidi overrides shown as escapes) and html.escape, so a document's markup is
shown as text, never run. Links are built here from a path or an identifier, percent-quoted, so a
document cannot choose their scheme. Imported only by `imx report`.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from imatinib_cli import __version__
from imatinib_cli.models import (
    CRUDE_LABEL,
    HEME_AXES,
    RANDOM_EFFECTS_LABEL,
    RESPONSE_CATEGORIES,
    STATUS_OK,
    Comparison,
    ComparisonRow,
    Evidence,
    Population,
    Report,
    Study,
)
from imatinib_cli.render import text
from imatinib_cli.render.safe_text import safe_text

if TYPE_CHECKING:
    from imatinib_cli.analyze.group import Unit

POOLED_LABEL = RANDOM_EFFECTS_LABEL  # the compare table's, the CSV's and the forest plot's name
WHY_THEY_DIFFER = (
    "The crude rate adds every population's responders and patients as if they were one study; the "
    "random-effects rate weighs each study population and lets the true rate differ between them, so "
    "the two are not the same number."
)
TITLE_LIMIT = 600  # characters of each quote in a hover title; the footnote has it whole
QUOTE_LIMIT = 4000  # characters of a quote in a footnote (a sentence is far shorter)

_NCT = re.compile(r"NCT\d{8}")
_DIGITS = re.compile(r"\d{1,10}")


def report_html(
    report: Report,
    comparison: Comparison,
    forest: Comparison,
    *,
    link_base: str | os.PathLike[str] | None = None,
) -> str:
    """The whole page as one string.

    comparison is the `--by tumor-type` view (its table, pooled rates and test are printed);
    forest the `--by study` view of the same studies (one square per study population in the plot).
    link_base: the folder the HTML file will be written in, so each footnote links to its document
    by a relative path (None: absolute file: links). E.g. `report_html(r, c, f, link_base="out/")`.
    """
    page = _Page(link_base=None if link_base is None else Path(link_base))
    return page.render(report, comparison, forest)


# --------------------------------------------------------------------------- escaping and links


def esc(value: object) -> str:
    """A string from a document, ready for HTML text or a quoted attribute."""
    return html.escape(safe_text(str(value)), quote=True)


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _file_href(path: str, base: Path | None) -> str | None:
    """A link to a document's file: relative to base when given, else a file: URL; None for stdin."""
    if not path or path == "-" or path.startswith("<"):
        return None
    absolute = Path(os.path.abspath(path))
    if base is not None:
        try:
            relative = os.path.relpath(absolute, os.path.abspath(base))
        except ValueError:  # another drive on Windows
            relative = None
        if relative is not None:
            return quote(Path(relative).as_posix(), safe="/")
    return "file://" + quote(absolute.as_posix(), safe="/")


def _study_links(study: Study) -> list[tuple[str, str]]:
    """(label, URL) of the study's public records; URLs built from identifiers only, quoted."""
    md = study.metadata
    links = []
    if md.doi:
        links.append((f"doi:{md.doi}", "https://doi.org/" + quote(md.doi, safe="/")))
    if md.pmid and _DIGITS.fullmatch(md.pmid):
        links.append((f"PMID:{md.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{md.pmid}/"))
    if md.nct_id and _NCT.fullmatch(md.nct_id):
        links.append((md.nct_id, f"https://clinicaltrials.gov/study/{md.nct_id}"))
    return links


# --------------------------------------------------------------------------- footnotes


@dataclass(slots=True)
class _Notes:
    """Numbered footnotes, one per quoted sentence of a document; each lists the character spans of
    the numbers read from it ("characters 1859–1894, 1920–1930")."""

    link_base: Path | None
    index: dict[tuple[str, str, str | None], int] = field(default_factory=dict)
    items: list[tuple[Evidence, list[tuple[int, int]]]] = field(default_factory=list)

    def number(self, evidence: Evidence) -> int:
        key = (evidence.document, evidence.quote, evidence.path)
        if key not in self.index:
            self.items.append((evidence, []))
            self.index[key] = len(self.items)
        spans = self.items[self.index[key] - 1][1]
        if (evidence.start, evidence.end) not in spans:
            spans.append((evidence.start, evidence.end))
        return self.index[key]

    def value(
        self,
        shown: str,
        evidence: Iterable[Evidence | None],
        *,
        note: str | None = None,
        cls: str = "v",
    ) -> str:
        """A number with its quotes on hover and its footnote markers: the one way a number is shown."""
        found = list(dict.fromkeys(e for e in evidence if e is not None))
        if shown == text.DASH and not found:
            return f'<span class="dash">{text.DASH}</span>'
        titles = [note] if note else []
        titles += [f"“{_shorten(text.one_line(e.quote), TITLE_LIMIT)}” ({text.location(e)})" for e in found]
        title = "\n".join(titles) if titles else "no sentence recorded"
        marks = ",".join(f'<a href="#fn-{n}">{n}</a>' for n in (self.number(e) for e in found))
        sup = f'<sup class="fn">{marks}</sup>' if marks else ""
        return f'<span class="{cls}" title="{esc(title)}">{esc(shown)}</span>{sup}'

    def render(self) -> str:
        if not self.items:
            return "<p>No number was quoted.</p>"
        rows = []
        for number, (evidence, spans) in enumerate(self.items, 1):
            href = _file_href(evidence.document, self.link_base)
            where = esc(evidence.document)
            source = f'<a href="{esc(href)}">{where}</a>' if href else where
            span = "characters " + ", ".join(f"{start}–{end}" for start, end in sorted(spans))
            if evidence.path:
                span += f", {esc(evidence.path)}"
            quote_text = esc(_shorten(text.one_line(evidence.quote), QUOTE_LIMIT))
            rows.append(
                f'<li id="fn-{number}"><q>{quote_text}</q> <span class="src">{source}, {span}</span></li>'
            )
        return '<ol class="footnotes">\n' + "\n".join(rows) + "\n</ol>"


# --------------------------------------------------------------------------- the page


@dataclass(slots=True)
class _Page:
    link_base: Path | None
    notes: _Notes = field(init=False)

    def __post_init__(self) -> None:
        self.notes = _Notes(self.link_base)

    def render(self, report: Report, comparison: Comparison, forest: Comparison) -> str:
        studies = "\n".join(self._study(i, s) for i, s in enumerate(report.studies, 1))
        if not report.studies:
            studies = "<p>No studies found.</p>"
        compare = self._comparison(comparison, report.studies)
        plot = forest_svg(forest, self.notes)
        body = [
            "<header>",
            "<h1>Imatinib trial evidence report</h1>",
            f'<p class="meta">imx {esc(__version__)} · {len(report.studies)} studies from '
            f"{len(report.documents)} input records · every number links to the sentence it came from "
            f'(hover it, or see <a href="#sources">Sources</a>) · {text.DERIVED_MARK} derived from '
            f"other stated numbers · {text.DASH} not stated</p>",
            _contents(report.studies),
            "</header>",
            _inputs(report),
            '<section id="studies"><h2>Studies</h2>',
            studies,
            "</section>",
            '<section id="comparison"><h2>Objective response by tumor type and dose</h2>',
            compare,
            "</section>",
            '<section id="forest"><h2>Forest plot: objective response by study population</h2>',
            plot,
            "</section>",
            '<section id="sources"><h2>Sources</h2>',
            "<p>Each sentence a number was read from, as quoted, with its document and the characters "
            "of each number in it.</p>",
            self.notes.render(),
            "</section>",
        ]
        title = f"imx report: {len(report.studies)} studies"
        return _HEAD.format(title=esc(title), style=_STYLE) + "\n".join(body) + "\n</body>\n</html>\n"

    # -- one study

    def _study(self, number: int, study: Study) -> str:
        v = self.notes.value
        design = study.design
        flags = [text.phase_label(design.phase)]
        flag_html = (
            [v(flags[0], [design.phase_evidence], cls="w")] if design.phase_evidence else [esc(flags[0])]
        )
        flag_html += [v(word, [flag.evidence], cls="w") for word, flag in text.stated_flags(design)]
        enrolled = design.n_enrolled
        flag_html.append(
            "N enrolled "
            + v(
                text.format_quantity(enrolled),
                [enrolled.evidence if enrolled else None],
                note=text.derivation_note(enrolled),
            )
        )
        links = " · ".join(f'<a href="{esc(url)}">{esc(label)}</a>' for label, url in _study_links(study))
        parts = [
            f'<article class="study" id="study-{number}">',
            f"<h3>{number}. {esc(study.title or study.id)}</h3>",
            "<dl>",
            f"<dt>Study</dt><dd>{esc(study.id)}</dd>",
            f"<dt>Citation</dt><dd>{esc(text.citation(study))}{' · ' + links if links else ''}</dd>",
            f"<dt>Design</dt><dd>{' · '.join(flag_html)}</dd>",
        ]
        registry = text.registry_line(study)
        if registry:
            parts.append(f"<dt>Registry</dt><dd>{esc(registry)}</dd>")
        parts.append(f"<dt>Sources</dt><dd>{esc(', '.join(study.sources) or text.DASH)}</dd>")
        parts.append("</dl>")
        if study.populations:
            parts.append(self._populations(study.populations))
        else:
            parts.append("<p>Populations: none reported.</p>")
        heme = [p for p in study.populations if p.heme_responses]
        if heme:
            parts.append(self._heme(heme))
        elif not study.has_results:
            parts.append("<p>Responses: no response data reported.</p>")
        if study.adverse_events:
            parts.append(self._toxicities(study))
        if study.outcomes:
            parts.append(self._outcomes(study))
        for warning in study.warnings:
            parts.append(f'<p class="warning">Warning: {v(warning.message, warning.evidence, cls="w")}</p>')
        parts.append("</article>")
        return "\n".join(parts)

    def _populations(self, populations: Sequence[Population]) -> str:
        v = self.notes.value
        head = ["Population", "Tumor", "Group", "Dose mg/day", "N", *(c.upper() for c in RESPONSE_CATEGORIES)]
        rows = []
        for population in populations:
            doses = text.population_doses(population)
            dose_evidence = [d.evidence for d in population.doses]
            dose_note = "; ".join(text.one_line(d.as_written) for d in population.doses) or None
            size = population.n
            cells = [
                f'<th scope="row" class="label">{esc(population.label)}</th>',
                f"<td>{esc(population.tumor_name or population.tumor_type or text.DASH)}</td>",
                f"<td>{esc(population.tumor_group or text.DASH)}</td>",
                f"<td>{v(doses, dose_evidence, note=dose_note)}</td>",
                _num(
                    v(
                        text.format_quantity(size),
                        [size.evidence if size else None],
                        note=text.derivation_note(size),
                    )
                ),
            ]
            for category in RESPONSE_CATEGORIES:
                response = population.response(category)
                shown = text.format_response(response)
                evidence = [response.evidence] if response is not None else []
                note = text.response_note(response)
                cells.append(f'<td class="num">{v(shown, evidence, note=note)}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return _table("Populations and responses", head, rows, numeric_from=4)

    def _heme(self, populations: Sequence[Population]) -> str:
        items = []
        for population in populations:
            values = [
                self.notes.value(text.format_heme(item), [item.evidence])
                for axis in HEME_AXES
                for item in population.heme(axis)
            ]
            items.append(f"<li><b>{esc(population.label)}</b>: {' · '.join(values)}</li>")
        return "<h4>Hematologic, cytogenetic and molecular responses</h4><ul>" + "".join(items) + "</ul>"

    def _toxicities(self, study: Study) -> str:
        rows = []
        for event in study.adverse_events:
            frequency = text.toxicity_value(event) + text.arm_note(event.arm)
            cells = [
                f"<td>{esc(event.term or text.DASH)}</td>",
                f"<td>{esc(text.one_line(event.as_written))}</td>",
                f"<td>{esc(event.grade or text.DASH)}</td>",
                f'<td class="num">{self.notes.value(frequency, [event.evidence])}</td>',
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return _table("Toxicities", ["CTCAE term", "As written", "Grade", "Frequency"], rows, numeric_from=3)

    def _outcomes(self, study: Study) -> str:
        rows = []
        for outcome in study.outcomes:
            value = text.outcome_value(outcome)
            cells = [
                f"<td>{esc(outcome.kind)}</td>",
                _num(self.notes.value(value, [outcome.evidence], note=text.derivation_note(outcome.value))),
                f"<td>{esc(outcome.population or text.DASH)}</td>",
                f"<td>{esc(outcome.timepoint or text.DASH)}</td>",
                f"<td>{esc(text.outcome_detail(outcome))}</td>",
                f"<td>{esc(text.one_line(outcome.as_written))}</td>",
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = ["Outcome", "Value", "Population", "Timepoint", "Detail", "As written"]
        return _table("Other outcomes", head, rows)

    # -- the comparison

    def _comparison(self, comparison: Comparison, studies: Sequence[Study]) -> str:
        from imatinib_cli.analyze.group import collect_units, pooled_units, row_units

        units = collect_units(studies)[0]
        v = self.notes.value
        parts = []
        if comparison.rows:
            rows = []
            # analyze's own grouping: each row with the study populations it counts.
            for row, members in zip(comparison.rows, row_units(units, comparison.by), strict=True):
                n_evidence = [q.evidence for u in members if (q := u.size) is not None]
                r_evidence = [_orr_evidence(u.population) for u in members]
                kind = _row_kind(row)
                tumor = text.tumor_label(row.tumor_name, row.tumor_type) if row.kind == "row" else text.DASH
                cls = ' class="sub"' if row.kind != "row" else ""
                cells = [
                    f"<td>{esc(row.tumor_group if row.kind != 'total' else 'all')}</td>",
                    f'<th scope="row" class="label">{esc(tumor if row.kind == "row" else kind)}</th>',
                    f"<td>{esc(text.format_doses(row.doses_mg_per_day, row.pooled_arms))}</td>",
                    f"<td>{esc(', '.join(row.studies) or text.DASH)}</td>",
                    _num(v(text.marked(row.n, "n", row.derived), n_evidence)),
                    _num(v(text.marked(row.responders, "responders", row.derived), r_evidence)),
                    _num(esc(text.DASH if row.orr_percent is None else f"{row.orr_percent:.1f}")),
                    _num(esc(text.format_interval(row.ci_low, row.ci_high))),
                ]
                rows.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
            head = [
                "Group",
                "Tumor type",
                "Dose mg/day",
                "Studies",
                "N",
                "Responders",
                "ORR %",
                f"{text.level_percent(comparison.level)} CI",
            ]
            caption = (
                f"Responders = CR + PR · ORR % = responders / N · {text.ci_label(comparison)} · "
                f"{text.DERIVED_MARK} a count derived from other stated numbers"
            )
            parts.append(_table(None, head, rows, numeric_from=4, caption=caption))
        else:
            parts.append("<p>No study population with a stated N and number of responders.</p>")
        if comparison.pooled:
            parts.append(self._pooled(comparison, pooled_units(units)))
            parts.append(f'<p class="why">{esc(WHY_THEY_DIFFER)}</p>')
        if comparison.subgroup_test is not None:
            parts.append(f"<p>{esc(text.subgroup_line(comparison.subgroup_test))}</p>")
        if comparison.excluded:
            items = "".join(f"<li>{esc(study)}: {esc(reason)}</li>" for study, reason in comparison.excluded)
            parts.append(f"<h3>Excluded</h3><ul>{items}</ul>")
        if comparison.notes:
            items = "".join(f"<li>{esc(note)}</li>" for note in comparison.notes)
            parts.append(f"<h3>Notes</h3><ul>{items}</ul>")
        return "\n".join(parts)

    def _pooled(self, comparison: Comparison, pools: Mapping[str, Sequence[Unit]]) -> str:
        rows = []
        for pooled in comparison.pooled:
            members = pools.get(pooled.group, ())
            evidence = [q.evidence for u in members if (q := u.size) is not None]
            evidence += [_orr_evidence(u.population) for u in members]
            counts = f"{text.marked(pooled.events, 'responders', pooled.derived)} / " + text.marked(
                pooled.n, "n", pooled.derived
            )
            cells = [
                f'<th scope="row" class="label">{esc(pooled.group)}, {POOLED_LABEL}</th>',
                f'<td class="num">{pooled.k}</td>',
                f'<td class="num">{self.notes.value(counts, evidence)}</td>',
                _num(esc(text.format_estimate(pooled.estimate, pooled.ci_low, pooled.ci_high))),
                f'<td class="num">{esc(text.format_stat(pooled.tau2, 4))}</td>',
                f'<td class="num">{esc(text.format_stat(pooled.i2, 1))}</td>',
                f'<td class="num">{esc(text.q_cell(pooled))}</td>',
                f"<td>{esc(text.pooled_note(pooled))}</td>",
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = [
            "Group",
            "k",
            "Events / N",
            f"Pooled % ({text.level_percent(comparison.level)} CI)",
            "tau²",
            "I² %",
            "Q (df, p)",
            "Note",
        ]
        method = text.pooling_description(comparison) or POOLED_LABEL
        caption = f"Method: {method} · rows: {text.ci_label(comparison)}"
        return _table(
            "Pooled estimates (random effects)", head, rows, numeric_from=1, numeric_to=7, caption=caption
        )


def _num(content: str) -> str:
    """A right-aligned table cell around already escaped content."""
    return f'<td class="num">{content}</td>'


def _orr_evidence(population: Population) -> Evidence | None:
    orr = population.response("orr")
    if orr is None:
        return None
    return (orr.count.evidence if orr.count is not None else None) or orr.evidence


def _row_kind(row: ComparisonRow) -> str:
    return (
        CRUDE_LABEL if row.kind == "subtotal" else ("all, " + CRUDE_LABEL if row.kind == "total" else "row")
    )


# --------------------------------------------------------------------------- the forest plot


# Geometry of the plot, in SVG user units (px at 100% zoom).
_LABEL_W = 470
_AXIS_W = 320
_NUM_W = 250
_ROW_H = 22
_TOP = 34
_PAD = 10


def forest_svg(comparison: Comparison, notes: _Notes | None = None) -> str:
    """The forest plot as an inline <svg>: one square per row (area by N) with its interval, a
    diamond per pooled estimate, on a 0-100 % axis; every label and number escaped.

    Marks carry the ids the matplotlib plot gives (imx-row-N, imx-ci-N, imx-pooled-N) and a <title>
    with the row's numbers, so hovering a square says what it is."""
    from imatinib_cli.render.plot import forest_lines, pooled_numbers, row_numbers

    lines = forest_lines(comparison)
    if not lines:
        return "<p>No study population to plot.</p>"
    largest = max((line.row.n for line in lines if line.row is not None), default=1) or 1
    width = _LABEL_W + _AXIS_W + _NUM_W
    height = _TOP + _ROW_H * len(lines) + 46
    x0 = _LABEL_W + _PAD

    def x(percent: float) -> float:
        return round(x0 + (_AXIS_W - 2 * _PAD) * max(0.0, min(100.0, percent)) / 100, 2)

    out = [
        f'<svg class="forest" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Forest plot of objective response rates">',
    ]
    bottom = _TOP + _ROW_H * len(lines)
    for tick in range(0, 101, 10):
        stroke = "#cccccc" if tick % 20 == 0 else "#eeeeee"
        out.append(f'<line x1="{x(tick)}" y1="{_TOP - 6}" x2="{x(tick)}" y2="{bottom}" stroke="{stroke}"/>')
        if tick % 20 == 0:
            out.append(
                f'<text x="{x(tick)}" y="{bottom + 16}" text-anchor="middle" class="tick">{tick}</text>'
            )
    out.append(f'<line x1="{x(0)}" y1="{bottom}" x2="{x(100)}" y2="{bottom}" stroke="#333333"/>')
    out.append(
        f'<text x="{x(50)}" y="{bottom + 34}" text-anchor="middle" class="axis">Objective response rate, % '
        f"(rows: {esc(text.ci_label(comparison))}; diamonds: {POOLED_LABEL})</text>"
    )
    out.append(
        f'<text x="{_LABEL_W + _AXIS_W + 6}" y="{_TOP - 12}" class="head">ORR % (CI) · events/N</text>'
    )
    row_index = pooled_index = 0
    for i, line in enumerate(lines):
        y = _TOP + _ROW_H * i + _ROW_H / 2
        label = line.label  # a diamond's: 'GIST, random effects (k = 2)', as in the --plot figure
        cls = {"heading": "heading", "pooled": "pooled"}.get(line.kind, "label")
        out.append(
            f'<text x="4" y="{y + 4}" class="{cls}">{esc(_shorten(label, 78))}'
            f"<title>{esc(label)}</title></text>"
        )
        if line.row is not None:
            row = line.row
            numbers = row_numbers(row)  # the --plot figure's text: '70.4 (49.8–86.2)  19*/27'
            title = numbers + "".join(
                f"\n“{_shorten(text.one_line(e.quote), TITLE_LIMIT)}” ({text.location(e)})"
                for e in row.evidence
            )
            estimate = text.row_estimate(row)
            if estimate is not None:
                if row.ci_low is not None and row.ci_high is not None:
                    out.append(
                        f'<line id="imx-ci-{row_index}" x1="{x(row.ci_low)}" y1="{y}" x2="{x(row.ci_high)}" '
                        f'y2="{y}" stroke="#1f4e79" stroke-width="1.5"/>'
                    )
                side = round(5 + 9 * math.sqrt(row.n / largest), 2)
                out.append(
                    f'<rect id="imx-row-{row_index}" x="{round(x(estimate) - side / 2, 2)}" '
                    f'y="{round(y - side / 2, 2)}" width="{side}" height="{side}" fill="#1f4e79">'
                    f"<title>{esc(title)}</title></rect>"
                )
            out.append(f'<text x="{_LABEL_W + _AXIS_W + 6}" y="{y + 4}" class="nums">{esc(numbers)}</text>')
            row_index += 1
        elif line.pooled is not None:
            pooled = line.pooled
            numbers = pooled_numbers(pooled)
            if pooled.estimate is not None:
                low = pooled.ci_low if pooled.ci_low is not None else pooled.estimate
                high = pooled.ci_high if pooled.ci_high is not None else pooled.estimate
                points = (
                    f"{x(low)},{y} {x(pooled.estimate)},{y - 7} {x(high)},{y} {x(pooled.estimate)},{y + 7}"
                )
                out.append(
                    f'<polygon id="imx-pooled-{pooled_index}" points="{points}" fill="#b03a2e">'
                    f"<title>{esc(numbers)}</title></polygon>"
                )
                pooled_index += 1
            out.append(
                f'<text x="{_LABEL_W + _AXIS_W + 6}" y="{y + 4}" class="nums pooled">{esc(numbers)}</text>'
            )
    out.append("</svg>")
    method = text.pooling_description(comparison)
    caption = '<p class="caption">Squares: one study population, area by N, with its '
    caption += f"{esc(text.ci_label(comparison))}."
    if method:
        caption += f" Diamonds: {POOLED_LABEL} pooled rate ({esc(method)})."
    return '<figure class="plot">' + "\n".join(out) + caption + "</p></figure>"


# --------------------------------------------------------------------------- pieces


def _table(
    title: str | None,
    head: Sequence[str],
    rows: Sequence[str],
    *,
    numeric_from: int | None = None,
    numeric_to: int | None = None,
    caption: str | None = None,
) -> str:
    cells = []
    last = len(head) if numeric_to is None else numeric_to
    for index, name in enumerate(head):
        cls = ' class="num"' if numeric_from is not None and numeric_from <= index < last else ""
        cells.append(f'<th scope="col"{cls}>{esc(name)}</th>')
    parts = []
    if title:
        parts.append(f"<h4>{esc(title)}</h4>")
    parts.append('<div class="scroll"><table>')
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(cells) + "</tr></thead><tbody>")
    parts += rows
    parts.append("</tbody></table></div>")
    return "\n".join(parts)


def _contents(studies: Sequence[Study]) -> str:
    items = "".join(f'<li><a href="#study-{i}">{esc(s.id)}</a></li>' for i, s in enumerate(studies, 1))
    return (
        '<nav><ol class="contents">'
        f"{items}"
        '<li><a href="#comparison">Comparison by tumor type and dose</a></li>'
        '<li><a href="#forest">Forest plot</a></li>'
        '<li><a href="#sources">Sources</a></li>'
        "</ol></nav>"
    )


def _inputs(report: Report) -> str:
    """The inputs not read cleanly, as `summarize` warns about them on stderr."""
    lines = [text.document_warning(d) for d in report.documents]
    problems = [line.removeprefix("imx: warning: ") for line in lines if line]
    read = sum(1 for d in report.documents if d.status == STATUS_OK)
    summary = f"<p>{read} of {len(report.documents)} input records read.</p>"
    if not problems:
        return f'<section id="inputs" class="inputs">{summary}</section>'
    items = "".join(f"<li>{esc(p)}</li>" for p in problems)
    return f'<section id="inputs" class="inputs">{summary}<ul class="warning">{items}</ul></section>'


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="imx">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
"""

_STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1a1a1a; background: #ffffff; margin: 0 auto; padding: 16px 24px; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid #1f4e79; padding-bottom: 2px; margin-top: 28px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 14px; margin: 10px 0 4px; }
.meta, caption, .caption, .why { color: #444444; font-size: 12.5px; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 6px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0 8px; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0 10px; font-size: 13px; }
caption { caption-side: bottom; text-align: left; padding-top: 3px; }
th, td { border: 1px solid #c8c8c8; padding: 3px 7px; vertical-align: top; text-align: left; }
thead th { background: #eef2f7; }
th.label { font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
tr.sub td, tr.sub th { background: #f6f6f6; font-weight: 600; }
.v, .w { border-bottom: 1px dotted #1f4e79; cursor: help; }
.dash { color: #888888; }
sup.fn { font-size: 9px; margin-left: 1px; }
sup.fn a { color: #1f4e79; text-decoration: none; }
.warning { color: #8a5a00; }
article.study + article.study { border-top: 1px solid #dddddd; margin-top: 14px; }
svg.forest { max-width: 100%; height: auto; font-size: 12px; }
svg .heading { font-weight: 700; }
svg .pooled { fill: #b03a2e; }
svg .tick, svg .axis { fill: #333333; font-size: 11px; }
svg .head { font-weight: 700; font-size: 11px; }
svg .nums { font-variant-numeric: tabular-nums; }
ol.footnotes { font-size: 12.5px; padding-left: 36px; }
ol.footnotes li { margin-bottom: 3px; }
ol.footnotes li:target { background: #fff3c4; }
.src { color: #555555; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; width: 100%; }
  th, td { padding: 2px 4px; overflow-wrap: anywhere; }
  .num { white-space: normal; }  /* paper is narrower than a screen: a cell may wrap at a space */
  tr, li, figure { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  #comparison, #forest, #sources { break-before: page; }
  a { color: inherit; text-decoration: none; }
  .v, .w { border-bottom: none; }
  svg.forest { width: 100%; }
}
"""
