"""The `imx` command line: parse options, call imatinib_cli.pipeline, hand the result to render.

Kept thin on purpose (everything here can be done from Python through pipeline and render) and
cheap to import: the pipeline, render and rich are imported inside the commands, so `imx --help`
and `imx --version` stay fast.
"""

from __future__ import annotations

import enum
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from imatinib_cli import __version__
from imatinib_cli.errors import ImxError, UsageError

if TYPE_CHECKING:
    from imatinib_cli.models import Report

DEFAULT_PATHS = ["seeds/"]


class ExitStatus(enum.IntEnum):
    """Exit codes, documented in docs/cli.md."""

    OK = 0
    ERROR = 1  # nothing usable was read, or the run failed
    USAGE = 2  # bad command-line input


class By(str, enum.Enum):
    """What `compare` groups by (an Enum so typer rejects other values with exit 2)."""

    tumor_type = "tumor-type"


app = typer.Typer(
    name="imx",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH",
        help="Files or folders to read ('-' reads stdin). Default: seeds/",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")]
VocabOpt = Annotated[
    Path | None,
    typer.Option(
        "--vocab",
        metavar="DIR",
        help="A folder of extra vocabulary YAML files that extend the built-in ones.",
        exists=True,
        file_okay=False,
        dir_okay=True,
        show_default=False,
    ),
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Log progress to stderr and show tracebacks on errors.")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imx {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """imx: what imatinib trial documents say, every number with the sentence it came from.

    Reads PubMed pages, journal pages, catalog records, registry records, Markdown, PubMed XML
    and ClinicalTrials.gov JSON; prints per study the design, populations, doses in mg/day,
    responses (CR, PR, SD, PD, NE, ORR), toxicities and other outcomes.
    """


@app.command()
def summarize(
    paths: PathsArg = None,
    json_output: JsonOpt = False,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Quote the sentence behind each number, with its offsets.")
    ] = False,
    vocab: VocabOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Summarize each study: citation, design, populations, responses, toxicities, outcomes.

    Numbers marked * were derived from other stated numbers (e.g. a count from a percent and N);
    a dash means the documents do not state it. Skipped files are reported on stderr.

    Example:

        imx summarize seeds/ --evidence

        imx summarize seeds/ --json | jq '.studies[] | {id, n: .n_enrolled.value}'
    """

    def run() -> ExitStatus:
        from imatinib_cli import pipeline, render

        report = pipeline.summarize(_checked_paths(paths))
        render.print_document_warnings(report, render.stderr_console())
        if json_output:
            render.write_json(render.summary_json(report), sys.stdout)
        else:
            render.print_summary(report, render.stdout_console(), evidence=evidence)
        return _nothing_usable(report)

    _execute(run, vocab=vocab, debug=debug)


@app.command()
def compare(
    paths: PathsArg = None,
    by: Annotated[By, typer.Option("--by", help="How to group populations.", case_sensitive=False)] = (
        By.tumor_type
    ),
    json_output: JsonOpt = False,
    vocab: VocabOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Compare objective response across studies, grouped by tumor type and dose.

    One row per tumor type and daily dose, with GIST and non-GIST subtotals and a total; studies
    that report no usable response data are listed under the table with the reason.

    Example:

        imx compare seeds/ --by tumor-type

        imx compare seeds/ --json | jq '.rows[] | select(.kind == "row") | [.tumor_type, .orr_percent]'
    """

    def run() -> ExitStatus:
        from imatinib_cli import pipeline, render

        report, comparison = pipeline.compare(_checked_paths(paths), by=by.value)
        render.print_document_warnings(report, render.stderr_console())
        if json_output:
            render.write_json(render.comparison_json(comparison), sys.stdout)
        else:
            render.print_comparison(comparison, render.stdout_console())
        return _nothing_usable(report)

    _execute(run, vocab=vocab, debug=debug)


def _checked_paths(paths: list[str] | None) -> list[str]:
    """Fail early, with exit 2, on a path that does not exist: a typo should not read as 'no data'."""
    chosen = list(paths) if paths else list(DEFAULT_PATHS)
    for path in chosen:
        if path != "-" and not Path(path).exists():
            raise UsageError(f"{path}: no such file or directory")
    return chosen


def _nothing_usable(report: Report) -> ExitStatus:
    """Exit 1 when no input could be read: the output is then only a list of failures."""
    from imatinib_cli.models import STATUS_OK

    if any(document.status == STATUS_OK for document in report.documents):
        return ExitStatus.OK
    _error(f"no usable document among {len(report.documents)} input(s)")
    return ExitStatus.ERROR


def _execute(run: Callable[[], ExitStatus], *, vocab: Path | None, debug: bool) -> None:
    """Run a command body, turning every failure into one `imx: error:` line and an exit code."""
    if debug:
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="imx: debug: %(name)s: %(message)s"
        )
    try:
        if vocab is not None:
            from imatinib_cli import vocab as vocabularies

            vocabularies.set_extra_dir(vocab)
        status: int = run()
        sys.stdout.flush()  # inside the try, so a closed pipe is caught here and not at exit
    except ImxError as exc:
        if debug:
            traceback.print_exc()
        _error(str(exc))
        status = exc.exit_code
    except BrokenPipeError:
        # The reader went away (`imx ... | head`): not an error worth a message. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    except KeyboardInterrupt:
        _error("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:  # a bug: one line for the user, the traceback with --debug
        if debug:
            traceback.print_exc()
        _error(f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
        status = ExitStatus.ERROR
    if status != ExitStatus.OK:
        raise typer.Exit(int(status))


def _error(message: str) -> None:
    sys.stderr.write(f"imx: error: {message}\n")
    sys.stderr.flush()


def main() -> None:
    """Console-script entry point (`imx`) and `python -m imatinib_cli`."""
    app(prog_name="imx")
