"""A forest plot of a Comparison, saved as SVG or PNG (`imx compare --plot FILE`).

matplotlib is an optional extra (`pip install '.[plot]'` in the checkout), imported only here and only when
a plot is drawn; require() checks for it up front so a missing install fails before the documents are
read. The figure is drawn on matplotlib's object API with the Agg canvas (no pyplot, no global state,
no display needed).

Every drawn mark has a gid, so a test (or a reader of the SVG) can find it: `imx-row-N` is the point
of row N (one marker), `imx-ci-N` its interval, `imx-pooled-N` the diamond of pooled estimate N.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imatinib_cli.errors import ImxError, UsageError
from imatinib_cli.models import RANDOM_EFFECTS_LABEL, Comparison, ComparisonRow, PooledEstimate
from imatinib_cli.render import text
from imatinib_cli.render.csv import pooled_tumor_group

FORMATS = {".svg": "svg", ".png": "png"}
MISSING = "--plot needs matplotlib: pip install '.[plot]' in the imx checkout (or pip install matplotlib)"
ROW_COLOR = "#1f4e79"
POOLED_COLOR = "#b03a2e"
LABEL_WIDTH = 80  # characters of a row label before it is shortened with an ellipsis


class PlotUnavailable(ImxError):
    """matplotlib is not installed (exit 1: the run cannot do what was asked)."""


def plot_format(path: str | Path) -> str:
    """'svg' or 'png' from the file name; any other extension is a usage error."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"--plot {path}: the file name must end in .svg or .png")
    return FORMATS[suffix]


def require() -> None:
    """Fail now, with the install hint, if matplotlib cannot be imported."""
    _matplotlib()


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise PlotUnavailable(MISSING) from None
    return matplotlib


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the plot, top to bottom: a group heading, a row or a pooled estimate."""

    kind: str  # "heading", "row", "pooled"
    label: str
    row: ComparisonRow | None = None
    pooled: PooledEstimate | None = None


def forest_lines(comparison: Comparison) -> list[_Line]:
    """Rows (kind "row" only: subtotals and totals are what the diamonds show) grouped by tumor group
    in table order, each group followed by its pooled diamond; pooled estimates of other groups last."""
    rows = [row for row in comparison.rows if row.kind == "row"]
    groups = list(dict.fromkeys(row.tumor_group for row in rows))
    pooled_left = list(comparison.pooled)
    lines: list[_Line] = []
    for group in groups:
        lines.append(_Line("heading", group))
        lines += [
            _Line("row", _row_label(row, comparison.by), row=row) for row in rows if row.tumor_group == group
        ]
        for pooled in [p for p in pooled_left if pooled_tumor_group(p.group) == group or p.group == group]:
            pooled_left.remove(pooled)
            lines.append(_Line("pooled", _pooled_label(pooled), pooled=pooled))
    if pooled_left:
        lines.append(_Line("heading", "Pooled"))
        lines += [_Line("pooled", _pooled_label(p), pooled=p) for p in pooled_left]
    return lines


def _pooled_label(pooled: PooledEstimate) -> str:
    """A diamond's label, named as the compare table names it: 'GIST, random effects (k = 2)'."""
    return f"{pooled.group}, {RANDOM_EFFECTS_LABEL} (k = {pooled.k})"


def write_forest_plot(comparison: Comparison, path: str | Path) -> None:
    """Draw the forest plot and save it to path (.svg or .png)."""
    fmt = plot_format(path)
    if comparison.by in ("toxicity", "hematologic"):
        raise UsageError(f"--plot draws response rates; there are none with --by {comparison.by}")
    matplotlib = _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon
    from matplotlib.transforms import blended_transform_factory

    lines = forest_lines(comparison)
    largest = max((line.row.n for line in lines if line.row is not None), default=1) or 1
    height = 1.9 + 0.32 * max(len(lines), 1)
    with matplotlib.rc_context({"svg.hashsalt": "imx", "svg.fonttype": "none", "font.size": 9}):
        # Labels on the left, the 0-100 % axis (about 5 in) in the middle, numbers on the right.
        longest = max((len(line.label) for line in lines), default=10)
        figure = Figure(figsize=(5.0 + 0.075 * longest + 2.6, height))
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        right = blended_transform_factory(ax.transAxes, ax.transData)
        row_index = pooled_index = 0
        ys = [-float(i) for i in range(len(lines))]
        for y, line in zip(ys, lines, strict=True):
            if line.row is not None:
                _draw_row(ax, line.row, y, row_index, largest)
                ax.text(1.02, y, row_numbers(line.row), transform=right, va="center", fontsize=8)
                row_index += 1
            elif line.pooled is not None:
                if _draw_diamond(ax, Polygon, line.pooled, y, pooled_index):
                    pooled_index += 1
                ax.text(1.02, y, pooled_numbers(line.pooled), transform=right, va="center", fontsize=8)
        ax.set_yticks(ys)
        ax.set_yticklabels([line.label for line in lines])
        for label, line in zip(ax.get_yticklabels(), lines, strict=True):
            if line.kind == "heading":
                label.set_fontweight("bold")
            elif line.kind == "pooled":
                label.set_color(POOLED_COLOR)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-len(lines) + 0.4, 1.0)
        ax.text(
            1.02, 0.6, "ORR % (CI)  events/N", transform=right, va="center", fontsize=8, fontweight="bold"
        )
        ax.set_xlim(-2, 102)  # room for a mark at 0% or 100%
        ax.set_xticks(range(0, 101, 20))
        ax.set_xticks(range(10, 100, 20), minor=True)
        ax.grid(axis="x", which="both", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(f"Objective response rate, % (rows: {text.ci_label(comparison)})")
        ax.set_title(f"Objective response by {comparison.by}", loc="left", fontweight="bold")
        if not lines:
            ax.text(50, 0, "no study population to plot", ha="center", va="center")
        pooling = text.pooling_description(comparison)
        if pooling:
            footer = "Pooled (diamonds): " + pooling
            if any(line.row is not None and line.row.derived for line in lines):
                footer += f" · {text.DERIVED_MARK} a count derived from other stated numbers"
            figure.text(0.01, 0.005, "\n".join(textwrap.wrap(footer, 150)), fontsize=7, va="bottom")
        figure.tight_layout(rect=(0, 0.05 if pooling else 0, 1, 1))
        metadata = {"Date": None} if fmt == "svg" else None
        figure.savefig(path, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)


def _draw_row(ax: Any, row: ComparisonRow, y: float, index: int, largest: int) -> None:
    estimate = text.row_estimate(row)
    if estimate is None:
        return
    if row.ci_low is not None and row.ci_high is not None:
        ax.plot([row.ci_low, row.ci_high], [y, y], color=ROW_COLOR, linewidth=1.2, gid=f"imx-ci-{index}")
    # Marker area grows with N, as in a meta-analysis forest plot.
    size = 4.0 + 6.0 * math.sqrt(row.n / largest)
    ax.plot(
        [estimate],
        [y],
        marker="s",
        markersize=size,
        linestyle="none",
        color=ROW_COLOR,
        gid=f"imx-row-{index}",
    )


def _draw_diamond(ax: Any, polygon: Any, pooled: PooledEstimate, y: float, index: int) -> bool:
    if pooled.estimate is None:
        return False
    low = pooled.ci_low if pooled.ci_low is not None else pooled.estimate
    high = pooled.ci_high if pooled.ci_high is not None else pooled.estimate
    points = [(low, y), (pooled.estimate, y + 0.3), (high, y), (pooled.estimate, y - 0.3)]
    ax.add_patch(polygon(points, closed=True, color=POOLED_COLOR, gid=f"imx-pooled-{index}"))
    return True


def _row_label(row: ComparisonRow, by: str) -> str:
    doses = text.format_doses(row.doses_mg_per_day, False)
    dose = f"{doses} mg/day" if row.doses_mg_per_day else "dose not stated"
    if row.pooled_arms:
        dose += " (pooled arms)"
    if by == "study":
        label = f"{row.label or ', '.join(row.studies)} · {dose}"
    else:
        what = row.tumor_name or row.tumor_type or row.label or row.tumor_group
        studies = row.studies[0] if row.studies else text.DASH
        if len(row.studies) > 1:
            studies += f" +{len(row.studies) - 1}"
        label = f"{what} · {dose} · {studies}"
    return label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"


def row_numbers(row: ComparisonRow) -> str:
    """A row's numbers beside the plot, counts marked as the table marks them: '70.4 (49.8–86.2)  19*/27'."""
    counts = (
        f"{text.marked(row.responders, 'responders', row.derived)}/{text.marked(row.n, 'n', row.derived)}"
    )
    return f"{text.format_estimate(row.orr_percent, row.ci_low, row.ci_high)}  {counts}"


def pooled_numbers(pooled: PooledEstimate) -> str:
    """A diamond's numbers: '59.9 (43.4–74.5)  98*/174  I² 60%'."""
    events = text.marked(pooled.events, "responders", pooled.derived)
    counts = f"{events}/{text.marked(pooled.n, 'n', pooled.derived)}"
    numbers = f"{text.format_estimate(pooled.estimate, pooled.ci_low, pooled.ci_high)}  {counts}"
    if pooled.i2 is not None:
        numbers += f"  I² {pooled.i2:.0f}%"
    return numbers
