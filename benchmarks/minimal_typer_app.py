"""The start-up yardstick for imx: a minimal Typer app that prints a five-row rich table.

    python benchmarks/minimal_typer_app.py           # the table
    python benchmarks/minimal_typer_app.py --help    # Typer's help

benchmarks/run.py times it side by side with `imx --help` and `imx summarize seeds/`.
"""

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)


@app.command()
def main(title: str = typer.Option("Studies", help="The table's title.")) -> None:
    """Print a five-row table."""
    table = Table(title=title)
    for column in ("study", "tumor", "n", "ORR"):
        table.add_column(column)
    for row in range(5):
        table.add_row(f"study {row}", "GIST", str(20 + row), f"{10 + row}%")
    Console().print(table)


if __name__ == "__main__":
    app()
