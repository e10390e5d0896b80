"""`imx` (the console script) and `python -m imatinib_cli`: the CLI, imported with the garbage
collector held off.

Importing the CLI (typer, click, the command definitions) makes tens of thousands of objects that
live for the whole run; collecting the young generation again and again while they are made was
~15 % of a warm `imx summarize seeds/`. So collection is off while they are imported; then they
are frozen (moved to the permanent generation, never scanned again, which also keeps later
collections of a long run short) and collection is back on before any command runs, its young
generation collected every YOUNG_THRESHOLD allocations instead of 700: a run over a folder keeps
every Document for its `documents` list, and each young collection that finds them alive moves them
on to be walked again in the older ones (~2.6 % of a warm `summarize --json` rerun of 10,000
abstracts). Only the process entry does this: `imatinib_cli.cli` imported by a test or a library
user changes nothing.
"""

from __future__ import annotations

import gc

# Net container allocations between two collections of the young generation (Python's default 700).
YOUNG_THRESHOLD = 10_000


def main() -> None:
    """Console-script entry point (`imx`): cli.main, imported as said above."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from imatinib_cli.cli import main as run
    finally:
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        if enabled:
            gc.enable()
    run()


if __name__ == "__main__":
    main()
