"""Tables that fit the console they are printed on: a column never collapses, a number is never cut.

rich shrinks a table that is too wide by squeezing its columns, down to nothing, and then cuts
no-wrap cells with an ellipsis (`1* (4…`). A FitTable instead decides its layout from the width it
is given, in three steps, and takes the first that fits:

1. the table, every column at least as wide as its longest word (a number or a count is one word,
   never wrapped), `whole` columns (a population label, a study id) on one line;
2. the table with its long label columns (`keyed`, the first, then the first two, ...) replaced by
   a row number, and each row's labels on a line of their own under the table
   (`  1  advanced gastrointestinal stromal tumor`);
3. one block per row: its title cells on a line of their own, then `Header: value` pairs, packed
   into lines that each pair fits on whole (`  N: 147 · CR: 0 (0%*) · PR: 79 (53.7%)`).

The widths are measured in terminal cells (rich.cells.cell_len), on the cells as printed (already
escaped by safe_text). Example: at 80 columns the population table of a study with nine response
columns prints as blocks, at 200 columns as one table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from imatinib_cli.models import mutable_record, record
from imatinib_cli.render.safe_text import safe_text

Justify = Literal["left", "right"]

# A table's frame: one border character before each column and one after the last, and one cell of
# padding on each side of every column (rich's default box and padding).
_BORDER = 1
_PADDING = 2
# Records (step 3) are indented under their title line by this much.
INDENT = "  "
PAIR_SEPARATOR = " · "


@record
class Col:
    """One column. keep: a number or a short code, printed whole on one line (never wrapped);
    whole: text wrapped at spaces in no layout (a label); optional: left out unless the table
    layout fits (the text forest plot); min_width: the least width the column takes."""

    header: str
    justify: Justify = "left"
    keep: bool = False
    whole: bool = False
    optional: bool = False
    min_width: int = 0


@mutable_record
class _Row:
    """One row's cells (escaped), its style and whether a section ends after it."""

    cells: tuple[str, ...]
    style: str | None
    end_section: bool


@mutable_record
class FitTable:
    """A table whose layout follows the console's width (see the module docstring).

    title_cols: the columns whose cells head a row's block (step 3), joined by ' · '; keyed: the
    columns moved to a line of their own in step 2 (none: step 2 is skipped); bar_caption: added
    to the caption when the optional columns are shown (what their marks mean).
    """

    columns: Sequence[Col]
    title: str = ""
    caption: str = ""
    title_cols: tuple[int, ...] = (0,)
    keyed: tuple[int, ...] = ()
    bar_caption: str = ""
    rows: list[_Row] = field(default_factory=list)

    def add_row(self, *cells: str, style: str | None = None, end_section: bool = False) -> None:
        """Cells are plain strings from the model; they are escaped (safe_text) here."""
        self.rows.append(_Row(tuple(safe_text(cell) for cell in cells), style, end_section))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        # The title and the caption are lines of their own, as wide as the console (a table's own
        # would wrap at the table's width).
        if self.title:
            yield Text(self.title, style="table.title")
        core = [i for i, column in enumerate(self.columns) if not column.optional]
        if len(core) < len(self.columns):
            table = self._table(range(len(self.columns)), width)
            if table is not None:
                yield table
                yield Text(self.caption + self.bar_caption, style="table.caption")
                return
        table = self._table(core, width)
        if table is not None:
            yield table
            if self.caption:
                yield Text(self.caption, style="table.caption")
            return
        if self.keyed:
            yield from self._keyed(width)
            return
        yield from self._records(width)

    # --- step 1: the table -----------------------------------------------------------------------

    def _table(
        self,
        shown: Iterable[int],
        width: int,
        *,
        key: bool = False,
    ) -> Table | None:
        """The table of the columns shown (with a leading row number if key), or None if it cannot
        fit in width without breaking a word."""
        indexes = list(shown)
        columns = [self.columns[i] for i in indexes]
        cells = [[row.cells[i] for i in indexes] for row in self.rows]
        if key:
            columns = [Col("#", justify="right", keep=True), *columns]
            cells = [[str(number), *row] for number, row in enumerate(cells, 1)]
        widths = fit_widths(columns, cells, width)
        if widths is None:
            return None
        table = Table()
        for column, column_width in zip(columns, widths, strict=True):
            table.add_column(
                Text(column.header),
                justify=column.justify,
                no_wrap=column.keep,
                width=column_width,
                overflow="fold",
            )
        for row, row_cells in zip(self.rows, cells, strict=True):
            table.add_row(*(Text(cell) for cell in row_cells), style=row.style, end_section=row.end_section)
        return table

    # --- step 2: keyed rows ----------------------------------------------------------------------

    def _keyed(self, width: int) -> RenderResult:
        """The table with the first keyed column moved to the lines under it, then the first two,
        and so on; records if none fits."""
        for count in range(1, len(self.keyed) + 1):
            moved = self.keyed[:count]
            shown = [i for i, c in enumerate(self.columns) if i not in moved and not c.optional]
            table = self._table(shown, width, key=True)
            if table is not None:
                break
        else:
            yield from self._records(width)
            return
        yield table
        digits = len(str(len(self.rows)))
        for number, row in enumerate(self.rows, 1):
            label = PAIR_SEPARATOR.join(row.cells[i] for i in moved)
            for line in hang(f"{INDENT}{number:>{digits}}  ", label, width):
                yield Text(line, style=row.style or "")
        if self.caption:
            yield Text(self.caption, style="table.caption")

    # --- step 3: records -------------------------------------------------------------------------

    def _records(self, width: int) -> RenderResult:
        others = [i for i, c in enumerate(self.columns) if i not in self.title_cols and not c.optional]
        for index, row in enumerate(self.rows):
            heading = PAIR_SEPARATOR.join(row.cells[i] for i in self.title_cols)
            for line in hang("", heading, width):
                yield Text(line, style=row.style or "bold")
            pairs = [f"{self.columns[i].header}: {row.cells[i]}" for i in others]
            for packed in pack(pairs, width - len(INDENT)):
                for line in hang(INDENT, packed, width):
                    yield Text(line, style=row.style or "")
            if row.end_section and index + 1 < len(self.rows):
                yield Text("")
        if self.caption:
            yield Text(self.caption, style="table.caption")


def fit_widths(columns: Sequence[Col], cells: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Each column's content width so that the table fits in width with no word broken, or None.

    A column gets at least its longest word (its longest cell if keep or whole; the header of a
    column that is not keep may wrap at spaces), then the room left makes whole as many columns as
    it can, and the rest goes to the columns from the left (those a reader scans first: the
    population, the tumor type).
    """
    least: list[int] = []
    most: list[int] = []
    for index, column in enumerate(columns):
        values = [row[index] for row in cells]
        header_words = max((cell_len(word) for word in column.header.split()), default=1)
        if column.keep or column.whole:
            low = max((cell_len(value) for value in values), default=1)
            if column.keep:  # a number's header ("ORR %", "95% CI") is not split either
                header_words = cell_len(column.header)
        else:
            low = max((_longest_word(value) for value in values), default=1)
        high = max([cell_len(column.header), *(cell_len(value) for value in values)])
        low = max(low, header_words, column.min_width, 1)
        least.append(low)
        most.append(max(high, low))
    frame = len(columns) * (_PADDING + _BORDER) + _BORDER
    room = width - frame - sum(least)
    if room < 0:
        return None
    widths = list(least)
    # First every column that can be made whole (on one line), the smallest first, so that as few
    # cells as possible wrap; then what is left to the columns from the left.
    for index in sorted(range(len(columns)), key=lambda i: most[i] - least[i]):
        if most[index] - widths[index] <= room:
            room -= most[index] - widths[index]
            widths[index] = most[index]
    for index in range(len(columns)):
        grant = min(most[index] - widths[index], room)
        widths[index] += grant
        room -= grant
    return widths


def pack(pairs: Sequence[str], width: int) -> list[str]:
    """Pairs joined by ' · ' into lines no wider than width, a pair never split between lines
    (a pair wider than width gets a line of its own, which the console then wraps at spaces)."""
    lines = _fill(pairs, PAIR_SEPARATOR, width)
    return lines if lines[-1] else lines[:-1]


def _fill(items: Sequence[str], separator: str, width: int) -> list[str]:
    """items joined by separator, greedily, into lines no wider than width; an item wider than
    width gets a line of its own. The last line is kept even when empty (no items, or only empty
    ones): (['Phase 2', 'single-arm', 'N enrolled 186'], ' · ', 20) ->
    ['Phase 2 · single-arm', 'N enrolled 186']."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}{separator}{item}" if current else item
        if current and cell_len(candidate) > width:
            lines.append(current)
            current = item
        else:
            current = candidate
    lines.append(current)
    return lines


def hang(prefix: str, value: str, width: int) -> list[str]:
    """value after prefix, wrapped at spaces into lines no wider than width, the lines after the
    first indented as far as the prefix: a label under its row number stays in its own column.
    A word wider than the room left is put on a line of its own (and the console wraps it)."""
    lines = _fill(value.split(" "), " ", max(width - cell_len(prefix), 1))
    pad = " " * cell_len(prefix)
    return [(prefix if index == 0 else pad) + line for index, line in enumerate(lines)]


def _longest_word(value: str) -> int:
    return max((cell_len(word) for word in value.split()), default=1)
