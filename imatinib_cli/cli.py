"""The `imx` command line: parse options, call imatinib_cli.pipeline, hand the result to render.

Kept thin on purpose (everything here can be done from Python through pipeline and render) and
cheap to import: the pipeline, render and rich are imported inside the commands, so `imx --help`
and `imx --version` stay fast.
"""

from __future__ import annotations

import contextlib
import copy
import enum
import errno
import functools
import io
import os
import re
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from imatinib_cli import __version__
from imatinib_cli.cli_help import ImxCommand, ImxGroup, PathItem, WordChoice
from imatinib_cli.errors import ImxError, UsageError

if TYPE_CHECKING:
    import logging

    from imatinib_cli.execute import ProgressCallback, ProgressUpdate
    from imatinib_cli.models import Comparison, Report
    from imatinib_cli.pipeline import StreamedReport

DEFAULT_PATHS = ["seeds/"]


class ExitStatus(enum.IntEnum):
    """Exit codes, documented in docs/cli.md."""

    OK = 0
    ERROR = 1  # nothing usable was read, or the run failed
    USAGE = 2  # bad command-line input


class By(str, enum.Enum):
    """What `compare` groups by (an Enum so typer rejects other values with exit 2)."""

    tumor_type = "tumor-type"
    dose = "dose"
    study = "study"
    toxicity = "toxicity"
    hematologic = "hematologic"


class CiMethod(str, enum.Enum):
    """Confidence interval of each proportion."""

    exact = "exact"
    wilson = "wilson"


class Transform(str, enum.Enum):
    """Variance-stabilizing transform the random-effects pooling works on."""

    logit = "logit"
    freeman_tukey = "freeman-tukey"


class Executor(str, enum.Enum):
    """Where the per-document extraction runs."""

    local = "local"
    dask = "dask"


class SchemaName(str, enum.Enum):
    """The commands whose --json output has a JSON Schema (summarize-jsonl: one --jsonl line)."""

    summarize = "summarize"
    summarize_jsonl = "summarize-jsonl"
    compare = "compare"
    evaluate = "evaluate"


# `compare --output FILE` without --json/--csv/--markdown: the format from the extension; any
# other extension gets the table as plain text.
OUTPUT_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown"}


app = typer.Typer(
    name="imx",
    cls=ImxGroup,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    # Typer's own --install-completion / --show-completion SHELL (bash, zsh, fish); docs/cli.md.
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH",
        click_type=PathItem(),
        help="Files or folders to read ('-' reads stdin). Default: seeds/ in this folder.",
        show_default=False,
    ),
]
FilesFromOpt = Annotated[
    str | None,
    typer.Option(
        "--files-from",
        metavar="FILE",
        help="Also read the paths listed in FILE, one per line ('-': from stdin), as tar -T and "
        "rsync do: no shell glob needed.",
        show_default=False,
    ),
]
NullOpt = Annotated[
    bool,
    typer.Option(
        "--null",
        "-0",
        help="The --files-from list is NUL-separated (find -print0), as with xargs -0.",
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
FollowLinksOpt = Annotated[
    bool,
    typer.Option(
        "--follow-links",
        help="Walk into symbolic links to folders (by default they are reported, not followed). "
        "Loops are detected.",
    ),
]
MaxBytesOpt = Annotated[
    str | None,
    typer.Option(
        "--max-bytes",
        metavar="SIZE",
        help="Skip files larger than SIZE without reading them: bytes, or with a unit (500k, 50M, 1G; "
        "1024-based). Default: 50M.",
        show_default=False,
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=1,
        help="Worker processes reading and extracting documents (1: none). Default: the cores available. "
        "A small input is read in this process whatever N is; the output is the same for every N.",
        show_default=False,
    ),
]
ExecutorOpt = Annotated[
    Executor,
    typer.Option(
        "--executor",
        metavar="WHERE",
        help="Where extraction runs: local (processes here) or dask (a Dask cluster: --dask ADDRESS, "
        "else a local one of --jobs workers; needs the dask extra). Default: local.",
        case_sensitive=False,
        show_default=False,
    ),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        metavar="ADDRESS",
        help="Run extraction on the Dask scheduler at ADDRESS (e.g. tcp://host:8786); resolve and analyze "
        "run here. Implies --executor dask. See docs/scale.md.",
        show_default=False,
    ),
]
SharedFilesOpt = Annotated[
    bool,
    typer.Option(
        "--shared-files",
        help="With --dask or --executor dask: the workers see the same files at the same paths (a shared "
        "filesystem), so they are sent paths, not bytes, and read the files themselves. See docs/scale.md.",
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Neither read nor store extraction results in the cache (see `imx cache info`). By default a "
        "document whose bytes, imx version and vocabularies are unchanged is not extracted again.",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="Exit 1 when any input was skipped, failed or read with a warning (for CI)."
    ),
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


CiOpt = Annotated[
    CiMethod | None,
    typer.Option(
        "--ci",
        metavar="METHOD",
        help="Interval of each response rate: exact (Clopper-Pearson) or wilson. Default: exact.",
        case_sensitive=False,
        show_default=False,
    ),
]
LevelOpt = Annotated[
    float | None,
    typer.Option(
        "--level",
        metavar="LEVEL",
        help="Confidence level, between 0 and 1. Default: 0.95.",
        show_default=False,
    ),
]
AlphaOpt = Annotated[
    float | None,
    typer.Option(
        "--alpha",
        metavar="ALPHA",
        help="The same as --level 1-ALPHA (--alpha 0.05 is --level 0.95).",
        show_default=False,
    ),
]
TransformOpt = Annotated[
    Transform | None,
    typer.Option(
        "--transform",
        metavar="SCALE",
        help="Scale the random-effects pooling works on: logit or freeman-tukey (double arcsine). "
        "Default: logit.",
        case_sensitive=False,
        show_default=False,
    ),
]


@app.command(cls=ImxCommand)
def summarize(
    paths: PathsArg = None,
    json_output: JsonOpt = False,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Quote the sentence behind each number, with its offsets.")
    ] = False,
    jsonl_output: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help="Print one JSON object per line as the run goes: each input document, then each study, "
            "then a summary line. Memory stays flat however many documents are read.",
        ),
    ] = False,
    files_from: FilesFromOpt = None,
    null: NullOpt = False,
    vocab: VocabOpt = None,
    follow_links: FollowLinksOpt = False,
    max_bytes: MaxBytesOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = Executor.local,
    dask: DaskOpt = None,
    shared_files: SharedFilesOpt = False,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Summarize each study: citation, design, populations, responses, toxicities, outcomes.

    Numbers marked * were derived from other stated numbers (e.g. a count from a percent and N);
    a dash means the documents do not state it. Skipped files are reported on stderr.

    Example:

        imx summarize seeds/ --evidence

        imx summarize seeds/ --json | jq '.studies[] | {id, n: .n_enrolled.value}'

        imx summarize big-folder/ --jsonl | jq -c 'select(.type == "study") | {id, sources}'
    """

    def run() -> ExitStatus:
        if json_output and jsonl_output:
            raise UsageError("--json and --jsonl cannot be combined: choose one output format")
        from imatinib_cli import pipeline, render

        load_options = _load_options(follow_links=follow_links, max_bytes=max_bytes)
        run_options = _run_options(jobs=jobs, executor=executor, dask=dask, shared_files=shared_files)
        chosen = _checked_paths(paths, files_from, null=null, command="summarize")
        counted = _progress_display(chosen, follow_links=follow_links)
        with _extraction_cache(enabled=not no_cache) as store, counted as progress:
            options = {**load_options, **run_options, **store, **progress}
            if jsonl_output:
                return _summarize_jsonl(chosen, options, strict=strict)
            if json_output:
                return _summarize_json(chosen, options, strict=strict)
            report = pipeline.summarize(chosen, **options)  # type: ignore[arg-type]
        warnings = render.print_document_warnings(report)
        render.print_summary(report, render.stdout_console(), evidence=evidence)
        return _exit_status(report, warnings, strict=strict)

    _execute(run, vocab=vocab, debug=debug)


@app.command(cls=ImxCommand)
def compare(
    paths: PathsArg = None,
    by: Annotated[
        By,
        typer.Option(
            "--by",
            metavar="KIND",
            help="Group by tumor-type (GIST vs non-GIST, then type and dose), dose, study (one row per "
            "study population), toxicity (CTCAE terms by tumor group and dose) or hematologic. "
            "Default: tumor-type.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = By.tumor_type,
    ci: CiOpt = None,
    level: LevelOpt = None,
    alpha: AlphaOpt = None,
    transform: TransformOpt = None,
    json_output: JsonOpt = False,
    csv_output: Annotated[
        bool,
        typer.Option("--csv", help="Print CSV: one row per table row (study population with --by study)."),
    ] = False,
    csv_raw: Annotated[
        bool,
        typer.Option(
            "--csv-raw",
            help="CSV with every cell exactly as extracted: no apostrophe before a cell a spreadsheet would "
            "run as a formula (=, +, -, @, tab, CR), no escaping of control characters. Implies --csv.",
        ),
    ] = False,
    markdown_output: Annotated[
        bool,
        typer.Option("--markdown", help="Print a Markdown pipe table with the methods and notes under it."),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE instead of stdout; without --json/--csv/--markdown the format comes from "
            "the extension (.json, .csv, .md; anything else: the table as plain text).",
            show_default=False,
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE",
            help="Also draw a forest plot into FILE (.svg or .png); needs the plot extra (matplotlib).",
            show_default=False,
        ),
    ] = None,
    files_from: FilesFromOpt = None,
    null: NullOpt = False,
    vocab: VocabOpt = None,
    follow_links: FollowLinksOpt = False,
    max_bytes: MaxBytesOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = Executor.local,
    dask: DaskOpt = None,
    shared_files: SharedFilesOpt = False,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Compare objective response across studies, with confidence intervals and pooled estimates.

    One row per tumor type and daily dose (or per dose, or per study population), each with its
    response rate and confidence interval and a small text forest plot; then a random-effects pooled
    rate per tumor group with tau², I² and Q, the test of GIST vs non-GIST, and the studies left out
    with the reason. `--by toxicity` lists CTCAE terms by tumor group and dose instead.

    Example:

        imx compare seeds/ --by tumor-type

        imx compare seeds/ --by study --ci wilson --level 0.9 --plot forest.svg

        imx compare seeds/ --by study --output studies.csv

        imx compare seeds/ --json | jq '.pooled[] | {group, k, estimate, ci_low, ci_high, i2}'
    """

    def run() -> ExitStatus:
        fmt = _output_format(
            json=json_output, csv=csv_output, markdown=markdown_output, output=output, csv_raw=csv_raw
        )
        options: dict[str, object] = {"by": by.value, **_statistics_options(ci, level, alpha, transform)}
        options.update(_load_options(follow_links=follow_links, max_bytes=max_bytes))
        options.update(_run_options(jobs=jobs, executor=executor, dask=dask, shared_files=shared_files))
        if output is not None:
            _check_target(output, "--output")
        if plot is not None:
            from imatinib_cli.render import plot as forest

            forest.plot_format(plot)
            if by in (By.toxicity, By.hematologic):
                raise UsageError(f"--plot draws response rates; there are none with --by {by.value}")
            _check_target(plot, "--plot")
            if output is not None and _same_file(plot, output):
                raise UsageError(
                    f"--plot and --output name the same file ({plot}): the plot would overwrite the output"
                )
            forest.require()

        from imatinib_cli import pipeline, render

        chosen = _checked_paths(paths, files_from, null=null, command="compare")
        counted = _progress_display(chosen, follow_links=follow_links)
        with _extraction_cache(enabled=not no_cache) as store, counted as progress:
            report, comparison = pipeline.compare(chosen, **options, **store, **progress)
        warnings = render.print_document_warnings(report)
        _write_comparison(comparison, fmt, output, raw=csv_raw)
        if plot is not None:
            try:
                forest.write_forest_plot(comparison, plot)
            except OSError as exc:
                raise ImxError(f"{plot}: cannot write the plot: {exc.strerror or exc}") from None
        return _exit_status(report, warnings, strict=strict)

    _execute(run, vocab=vocab, debug=debug)


@app.command(cls=ImxCommand)
def report(
    paths: PathsArg = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the HTML report to FILE (links to the documents are relative to its folder); "
            "without it the page goes to stdout.",
            show_default=False,
        ),
    ] = None,
    ci: CiOpt = None,
    level: LevelOpt = None,
    alpha: AlphaOpt = None,
    transform: TransformOpt = None,
    files_from: FilesFromOpt = None,
    null: NullOpt = False,
    vocab: VocabOpt = None,
    follow_links: FollowLinksOpt = False,
    max_bytes: MaxBytesOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = Executor.local,
    dask: DaskOpt = None,
    shared_files: SharedFilesOpt = False,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Write one self-contained HTML page: every study's summary, the comparison by tumor type and
    dose with pooled rates, a forest plot, and each number's quoted sentence (on hover and as a
    footnote linked to its document). Nothing in it is fetched from the network; it prints cleanly.

    Example:

        imx report seeds/ -o report.html
    """

    def run() -> ExitStatus:
        options = _statistics_options(ci, level, alpha, transform)
        options.update(_load_options(follow_links=follow_links, max_bytes=max_bytes))
        options.update(_run_options(jobs=jobs, executor=executor, dask=dask, shared_files=shared_files))
        if output is not None:
            _check_target(output, "--output")

        from imatinib_cli import pipeline, render
        from imatinib_cli.render.report import report_html

        chosen = _checked_paths(paths, files_from, null=null, command="report")
        counted = _progress_display(chosen, follow_links=follow_links)
        with _extraction_cache(enabled=not no_cache) as store, counted as progress:
            summary, by_tumor, by_study = pipeline.report(chosen, **options, **store, **progress)
        warnings = render.print_document_warnings(summary)
        page = report_html(
            summary, by_tumor, by_study, link_base=Path.cwd() if output is None else output.parent
        )
        if output is None:
            sys.stdout.write(page)
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as file:
                    file.write(page)
            except OSError as exc:
                raise ImxError(f"{output}: cannot write: {exc.strerror or exc}") from None
        return _exit_status(summary, warnings, strict=strict)

    _execute(run, vocab=vocab, debug=debug)


@app.command(cls=ImxCommand)
def evaluate(
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD.yaml",
            click_type=PathItem(),
            help="A gold file: documents (paths relative to it) with hand-annotated values "
            "(format: docs/evaluation.md).",
            show_default=False,
        ),
    ],
    json_output: JsonOpt = False,
    corrections: Annotated[
        Path | None,
        typer.Option(
            "--corrections",
            metavar="FILE",
            help="Gold values to score in place of the gold file's, each with the sentence that "
            "proves it (format: docs/evaluation.md, Corrections).",
            show_default=False,
        ),
    ] = None,
    vocab: VocabOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Score imx's extraction against hand-annotated values: precision, recall and F1 per field.

    Runs `summarize` on each document the gold file lists and compares, per population, the size,
    doses, CR, PR, SD, PD, NE and ORR (counts and percents), the toxicity terms and percents, and
    where the gold annotates them the hematologic responses (CHR, MCyR, CCyR, MMR, ...). Then
    lists every miss and false value with the sentence imx read its value from. Exit 0 whatever
    the scores; 2 for a malformed gold file; 1 when a listed document cannot be read.

    Example:

        imx evaluate tests/gold/abstracts.gold.yaml

        imx evaluate tests/gold/abstracts.gold.yaml --json | jq '.fields[] | {field, f1}'
    """

    def run() -> ExitStatus:
        from imatinib_cli import render
        from imatinib_cli.evaluate import evaluate as run_evaluation
        from imatinib_cli.render import evaluation as rendering

        result = run_evaluation(gold, corrections=corrections)
        if json_output:
            render.write_json(rendering.evaluation_json(result), sys.stdout)
        else:
            rendering.print_evaluation(result, render.stdout_console())
        return ExitStatus.OK

    _execute(run, vocab=vocab, debug=debug)


@app.command(cls=ImxCommand)
def schema(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            click_type=WordChoice(*(name.value for name in SchemaName)),
            help="The command whose --json output to describe: summarize, summarize-jsonl, compare or "
            "evaluate.",
            show_default=False,
        ),
    ],
) -> None:
    """Print the JSON Schema (draft 2020-12) of `imx summarize --json`, `compare --json` or `evaluate --json`,
    or (summarize-jsonl) of one line of `imx summarize --jsonl`.

    The schemas ship inside the package; docs/json-schema.md explains every key.

    Example:

        imx schema compare > compare.schema.json

        imx schema summarize | jq '.properties | keys'
    """

    def run() -> ExitStatus:
        from importlib import resources

        source = resources.files("imatinib_cli") / "schema" / f"{name}.schema.json"
        text = source.read_text(encoding="utf-8")
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return ExitStatus.OK

    _execute(run, vocab=None, debug=False)


class Shell(str, enum.Enum):
    """The shells `imx completion` writes a script for."""

    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command(cls=ImxCommand)
def completion(
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            click_type=WordChoice(*(shell.value for shell in Shell)),
            help="bash, zsh or fish.",
            show_default=False,
        ),
    ],
) -> None:
    """Print the shell completion script for SHELL (commands, options, their values, file names).

    The same script as `imx --show-completion`, for a shell named rather than detected; or let
    `imx --install-completion` add it to your shell's start-up file.

    Example:

        imx completion bash > ~/.local/share/bash-completion/completions/imx

        imx completion zsh > ~/.zfunc/_imx

        imx completion fish > ~/.config/fish/completions/imx.fish
    """

    def run() -> ExitStatus:
        from imatinib_cli.cli_help import completion_script

        sys.stdout.write(completion_script(shell) + "\n")
        return ExitStatus.OK

    _execute(run, vocab=None, debug=False)


cache_app = typer.Typer(
    name="cache",
    cls=ImxGroup,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="The extraction cache: per-document results kept between runs, so a rerun extracts only "
    "what changed. It lives in $IMX_CACHE_DIR, else the user's cache directory (~/.cache/imx).",
)
app.add_typer(cache_app)


@cache_app.command("info", cls=ImxCommand)
def cache_info(json_output: JsonOpt = False, vocab: VocabOpt = None, debug: DebugOpt = False) -> None:
    """Where the cache is, how many entries it holds and how many this run could use.

    An entry is usable when it was written by this imx (version and code) with the same
    vocabularies (with --vocab DIR: the packaged ones plus that folder's); the others are stale.

    Example:

        imx cache info

        imx cache info --json | jq .current_entries
    """

    def run() -> ExitStatus:
        from imatinib_cli import vocab as vocabularies
        from imatinib_cli.cache import ExtractionCache

        with ExtractionCache() as cache:
            info = cache.info()
        snapshots = vocabularies.snapshot_files()
        snapshot_bytes = sum(_file_size(path) for path in snapshots)
        _cache_warnings(cache.warnings)
        if json_output:
            import json

            data = {
                **info.to_json(),
                "vocabulary_snapshots": len(snapshots),
                "vocabulary_snapshot_bytes": snapshot_bytes,
                "warnings": cache.warnings,
            }
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
            return ExitStatus.OK
        entries = f"{info.entries:,}" if info.exists else "0 (no cache file yet)"
        lines = [
            ("path", str(info.path)),
            ("entries", entries),
            (
                "usable",
                f"{info.current_entries:,} (imx {info.imx_version}, vocabulary {info.vocabulary[:12]})",
            ),
            ("stale", f"{info.stale_entries:,} (other versions, vocabularies or code)"),
            ("size on disk", _size(info.bytes_on_disk)),
            ("vocabularies", f"{len(snapshots)} compiled snapshot(s), {_size(snapshot_bytes)}"),
        ]
        from imatinib_cli.render.safe_text import safe_text

        sys.stdout.write("".join(f"{label:<13} {safe_text(value)}\n" for label, value in lines))
        return ExitStatus.OK

    _execute(run, vocab=vocab, debug=debug)


@cache_app.command("clear", cls=ImxCommand)
def cache_clear(
    stale: Annotated[
        bool,
        typer.Option(
            "--stale",
            help="Remove only the entries this imx and vocabulary cannot use (other versions, "
            "vocabularies or code).",
        ),
    ] = False,
    vocab: VocabOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Remove the cached extraction results (all of them, or with --stale the unusable ones).

    Safe while another imx run uses the cache: that run recomputes what it no longer finds.

    Example:

        imx cache clear

        imx cache clear --stale
    """

    def run() -> ExitStatus:
        from imatinib_cli import vocab as vocabularies
        from imatinib_cli.cache import ExtractionCache

        with ExtractionCache() as cache:
            removed = cache.clear(stale=stale)
        snapshots = vocabularies.remove_snapshots(stale_only=stale)
        _cache_warnings(cache.warnings)
        kind = "stale entries" if stale else "entries"
        from imatinib_cli.render.safe_text import safe_text

        sys.stdout.write(f"removed {removed:,} {kind} from {safe_text(str(cache.path))}\n")
        if snapshots:
            sys.stdout.write(f"removed {snapshots} compiled vocabulary snapshot(s)\n")
        return ExitStatus.OK

    _execute(run, vocab=vocab, debug=debug)


def _cache_warnings(messages: list[str]) -> None:
    from imatinib_cli.render.safe_text import safe_text

    for message in messages:
        sys.stderr.write(f"imx: warning: {safe_text(message)}\n")


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _size(count: int) -> str:
    """1,536 -> '1.5 KiB' (1024-based, like --max-bytes)."""
    if count < 1024:
        return f"{count:,} bytes"
    size, unit = count / 1024, "KiB"
    for larger in ("MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{size:.1f} {unit}"


def _output_format(
    *, json: bool, csv: bool, markdown: bool, output: Path | None, csv_raw: bool = False
) -> str:
    """'json', 'csv', 'markdown' or 'table', from the flags or else from --output's extension."""
    csv_name = "csv-raw" if csv_raw and not csv else "csv"
    flags = (("json", json), (csv_name, csv or csv_raw), ("markdown", markdown))
    chosen = [name for name, given in flags if given]
    if len(chosen) > 1:
        raise UsageError(f"--{' and --'.join(chosen)} cannot be combined: choose one output format")
    if chosen:
        return "csv" if chosen[0] == "csv-raw" else chosen[0]
    if output is not None:
        return OUTPUT_FORMATS.get(output.suffix.lower(), "table")
    return "table"


def _statistics_options(
    ci: CiMethod | None, level: float | None, alpha: float | None, transform: Transform | None
) -> dict[str, object]:
    """compare's and report's interval and pooling options for the pipeline; an option left out is
    the pipeline's default (documented in docs/cli.md)."""
    options: dict[str, object] = {}
    confidence = _confidence(level, alpha)
    if ci is not None:
        options["ci"] = ci.value
    if confidence is not None:
        options["level"] = confidence
    if transform is not None:
        options["transform"] = transform.value
    return options


def _confidence(level: float | None, alpha: float | None) -> float | None:
    """The confidence level from --level or --alpha (None: neither given, the pipeline's default)."""
    if level is not None and alpha is not None:
        raise UsageError("--level and --alpha say the same thing: give one of them")
    if alpha is not None:
        if not 0 < alpha < 1:
            raise UsageError(f"--alpha {alpha:g}: expected a number between 0 and 1, e.g. 0.05")
        return round(1.0 - alpha, 12)
    if level is not None and not 0 < level < 1:
        raise UsageError(f"--level {level:g}: expected a number between 0 and 1, e.g. 0.95")
    return level


def _check_target(path: Path, option: str) -> None:
    """A file to write must not be a folder, and its folder must exist (exit 2 before any work)."""
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: no such directory: {parent}")


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same once resolved (./f.svg, d/../f.svg, a link to it),
    or, when both exist, the same file on disk (a hard link)."""
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _write_comparison(comparison: Comparison, fmt: str, output: Path | None, *, raw: bool = False) -> None:
    """Render the comparison in fmt to stdout, or to output (written whole, once rendered); raw: CSV
    cells as extracted (--csv-raw)."""
    from imatinib_cli import render

    if fmt == "table" and output is None:
        render.print_comparison(comparison, render.stdout_console())
        return
    buffer = io.StringIO()
    if fmt == "json":
        render.write_json(render.comparison_json(comparison), buffer)
    elif fmt == "csv":
        render.write_csv(comparison, buffer, raw=raw)
    elif fmt == "markdown":
        render.write_markdown(comparison, buffer)
    else:
        render.print_comparison(comparison, render.file_console(buffer))
    if output is None:
        sys.stdout.write(buffer.getvalue())
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as file:
            file.write(buffer.getvalue())
    except OSError as exc:
        raise ImxError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _checked_paths(
    paths: list[str] | None, files_from: str | None = None, *, null: bool = False, command: str = "summarize"
) -> list[str]:
    """The paths to read: PATHs, then those --files-from lists, else seeds/ when it is here. Fails
    early, with exit 2, on a path that does not exist: a typo should not read as 'no data'."""
    chosen = list(paths or ())
    if files_from is not None:
        from imatinib_cli.load._walk import STDIN, read_path_list

        if files_from == STDIN and STDIN in chosen:
            raise UsageError("--files-from - reads the list from stdin, so '-' cannot also be a document")
        chosen += read_path_list(files_from, null=null)
        if files_from == STDIN and STDIN in chosen:
            raise UsageError("--files-from - reads the list from stdin, so it cannot list '-'")
    elif null:
        raise UsageError("--null says how --files-from FILE is separated: give --files-from too")
    if not chosen:
        if not Path(DEFAULT_PATHS[0]).is_dir():
            raise UsageError(
                f"no PATH given, and no {DEFAULT_PATHS[0]} folder here to read by default: name the files "
                f"or folders to read (imx {command} papers/), '-' for stdin, or --files-from FILE"
            )
        chosen = list(DEFAULT_PATHS)
    for path in chosen:
        if path != "-" and not Path(path).exists():
            from imatinib_cli.load._walk import missing, printable

            raise UsageError(f"{printable(path)}: {missing(path)}")
    return chosen


def _summarize_json(paths: list[str], options: dict[str, object], *, strict: bool) -> ExitStatus:
    """`summarize --json`: the warnings, then one JSON document whose studies are merged as they are
    written (a file of 100,000 records is never held whole)."""
    from contextlib import closing

    from imatinib_cli import pipeline, render

    with closing(pipeline.summarize_streamed(paths, rendered="json", **options)) as report:  # type: ignore[arg-type]
        warnings = render.print_document_warnings(report)
        render.write_summary_json(report, sys.stdout)
    return _exit_status(report, warnings, strict=strict)


def _summarize_jsonl(paths: list[str], options: dict[str, object], *, strict: bool) -> ExitStatus:
    """`summarize --jsonl`: each line written as its document or study comes, warnings likewise."""
    from contextlib import closing

    from imatinib_cli import pipeline, render
    from imatinib_cli.models import STATUS_OK, Document

    writer = render.JsonlWriter(sys.stdout)
    warnings = render.DocumentWarnings()
    with closing(pipeline.summarize_stream(paths, rendered="jsonl", **options)) as stream:  # type: ignore[arg-type]
        for item in stream:
            if isinstance(item, Document):
                writer.document(item)
                warnings.print(item)
            else:
                writer.study(item)
    writer.summary()
    return _status(
        usable=writer.by_status[STATUS_OK] > 0, inputs=writer.documents, warnings=writer.warned, strict=strict
    )


def _exit_status(report: Report | StreamedReport, warnings: int, *, strict: bool) -> ExitStatus:
    """_status for a whole Report (summarize --json and tables, compare)."""
    from imatinib_cli.models import STATUS_OK

    usable = any(document.status == STATUS_OK for document in report.documents)
    return _status(usable=usable, inputs=len(report.documents), warnings=warnings, strict=strict)


def _status(*, usable: bool, inputs: int, warnings: int, strict: bool) -> ExitStatus:
    """Exit 1 when no input could be read (the output is then only a list of failures), and with
    --strict when any `imx: warning:` line was printed."""
    if not usable:
        _error(f"no usable document among {inputs} input(s)")
        return ExitStatus.ERROR
    if strict and warnings:
        _error(f"--strict: {warnings} warning(s) above")
        return ExitStatus.ERROR
    return ExitStatus.OK


_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE_RE = re.compile(r"\s*(\d+)\s*([kmgt]?)(?:i?b)?\s*", re.I)


def _load_options(*, follow_links: bool, max_bytes: str | None) -> dict[str, object]:
    """--follow-links and --max-bytes as pipeline keywords (left out when not given)."""
    options: dict[str, object] = {}
    if follow_links:
        options["follow_links"] = True
    if max_bytes is not None:
        match = _SIZE_RE.fullmatch(max_bytes)
        size = int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()] if match else 0
        if size < 1:
            raise UsageError(
                f"--max-bytes {max_bytes!r}: expected a size of at least 1 byte, e.g. 1000000, 500k, 50M, 1G"
            )
        options["max_bytes"] = size
    return options


def _run_options(
    *, jobs: int | None, executor: Executor, dask: str | None, shared_files: bool = False
) -> dict[str, object]:
    """--jobs, --executor, --dask and --shared-files as pipeline keywords (left out when not given)."""
    if shared_files and dask is None and executor != Executor.dask:
        raise UsageError(
            "--shared-files needs --dask ADDRESS or --executor dask (local workers read the files already)"
        )
    options: dict[str, object] = {"shared_files": True} if shared_files else {}
    if jobs is not None:
        options["jobs"] = jobs
    if dask is not None:
        if not dask.strip():
            raise UsageError("--dask: expected a scheduler address, e.g. tcp://host:8786")
        options["dask_address"] = dask.strip()
        options["executor"] = Executor.dask.value
    elif executor != Executor.local:
        options["executor"] = executor.value
    return options


class _ProgressDisplay:
    """The pipeline's progress callback: the progress bar on stderr (render/progress.py), and a
    check, at each update, that stdout's reader is still there."""

    def __init__(self, paths: Sequence[str] = (), *, follow_links: bool = False) -> None:
        from imatinib_cli.render import stderr_console
        from imatinib_cli.render.progress import ProgressDisplay

        self._display = ProgressDisplay(stderr_console(), paths, follow_links=follow_links)

    def __call__(self, update: ProgressUpdate) -> None:
        _stop_if_terminated()
        # A reader that left before any output came (a pager quit early, `| true`) stops the run
        # now, not at the end: one poll() per chunk of files.
        if _reader_left():
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))
        self._display(update)

    def close(self) -> None:
        self._display.close()


@contextlib.contextmanager
def _extraction_cache(*, enabled: bool) -> Iterator[dict[str, object]]:
    """The pipeline keyword `store`: the extraction cache, unless --no-cache. Its problems (an
    unwritable folder, a damaged file) never stop a run: each is one `imx: warning:` line at the end,
    not counted by --strict, which is about the inputs."""
    if not enabled:
        yield {}
        return
    from imatinib_cli.cache import ExtractionCache

    cache = ExtractionCache()
    try:
        yield {"store": cache}
    finally:
        cache.close()
        _cache_warnings(cache.warnings)


@contextlib.contextmanager
def _progress_display(
    paths: Sequence[str] = (), *, follow_links: bool = False
) -> Iterator[dict[str, ProgressCallback]]:
    """The pipeline keyword `progress` when stderr is a terminal that can show it (not TERM=dumb);
    paths: what the run reads, counted for the bar's total."""
    if not _stderr_shows_progress():
        yield {"progress": _stop_if_terminated}
        return
    display = _ProgressDisplay(paths, follow_links=follow_links)
    try:
        yield {"progress": display}
    finally:
        display.close()


def _stderr_shows_progress() -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@functools.cache
def _quiet_handler() -> logging.Handler:
    """One NullHandler for the process (added once however many commands a test runs)."""
    import logging

    return logging.NullHandler()


def _execute(run: Callable[[], ExitStatus], *, vocab: Path | None, debug: bool) -> None:
    """Run a command body, turning every failure into one `imx: error:` line and an exit code."""
    # Imported here, not with the module: `imx --help` needs neither.
    import logging
    import traceback

    quiet = _quiet_handler()
    if debug:
        logging.getLogger().removeHandler(quiet)
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="imx: debug: %(name)s: %(message)s"
        )
    else:
        # stderr carries only `imx:` lines: what libraries log (pypdf on a damaged PDF) or warn
        # about would otherwise reach it through logging's last-resort handler or warnings.
        logging.getLogger().addHandler(quiet)
        warnings.simplefilter("ignore")
    previous_sigterm = _exit_on_sigterm()
    try:
        if vocab is not None:
            from imatinib_cli import vocab as vocabularies

            vocabularies.set_extra_dir(vocab)
        status: int = run()
        _stop_if_terminated()  # a SIGTERM swallowed after the last progress check
        sys.stdout.flush()  # inside the try, so a closed pipe is caught here and not at exit
        if _reader_left():
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))
    except ImxError as exc:
        if debug:
            traceback.print_exc()
        _error(str(exc))
        status = exc.exit_code
    except BrokenPipeError:
        # The reader went away (`imx ... | head`). By now the run has unwound: workers stopped,
        # cache and temporary files closed.
        _reader_gone()
    except KeyboardInterrupt:
        _error("interrupted")
        raise typer.Exit(130) from None
    except _Terminated:
        raise typer.Exit(_SIGTERM_STATUS) from None
    except OSError as exc:
        if exc.errno not in _FULL_DEVICE:
            if debug:
                traceback.print_exc()
            _error(f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
            raise typer.Exit(int(ExitStatus.ERROR)) from None
        _output_failed(exc)
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    except Exception as exc:  # a bug: one line for the user, the traceback with --debug
        if debug:
            traceback.print_exc()
        _error(f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
        status = ExitStatus.ERROR
    finally:
        _restore_sigterm(previous_sigterm)
    if status != ExitStatus.OK:
        raise typer.Exit(int(status))


# `kill PID` (SIGTERM): stop as a Unix tool does, quietly, with 128 + 15.
_SIGTERM_STATUS = 143


class _Terminated(BaseException):
    """Raised by the SIGTERM handler: unwinding runs the pipeline's cleanup (the worker pool is
    stopped, the spill store removed) before the exit. Not an Exception, so nothing catches it."""


# Set by the SIGTERM handler. Python runs a signal handler wherever the main thread is, and where
# that is a fork hook (logging's lock release after a worker is forked) or a finalizer, the raised
# _Terminated is "ignored" and the run would go on to the end: the progress check stops it then.
_SIGTERM_SEEN = [False]
# The process that installed the handler. A worker forked from it has the handler too until its
# pool initializer resets it: one stopped in that window (the pool's terminate() as the run
# unwinds) must end quietly, not raise in multiprocessing's bootstrap, which prints "Process
# ForkProcess-2:" and a traceback on the user's terminal.
_SIGTERM_OWNER = [0]


def _on_sigterm(signum: int, frame: object) -> None:
    import signal

    if os.getpid() != _SIGTERM_OWNER[0]:
        os._exit(_SIGTERM_STATUS)  # a worker not yet started: nothing of its own to clean up
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    _SIGTERM_SEEN[0] = True
    raise _Terminated


def _stop_if_terminated(update: object = None) -> None:
    """The pipeline's progress callback with no bar to draw: a SIGTERM whose exception was
    swallowed stops the run at the next chunk of files."""
    if _SIGTERM_SEEN[0]:
        raise _Terminated


def _quiet_if_terminated(unraisable: Any) -> None:
    """sys.unraisablehook while a command runs: a swallowed _Terminated prints nothing (the run
    stops at the next progress check); anything else goes to the hook there was."""
    if unraisable.exc_type is not _Terminated:
        _UNRAISABLE_BEFORE[0](unraisable)


_UNRAISABLE_BEFORE: list[Any] = [sys.__unraisablehook__]


def _exit_on_sigterm() -> tuple[object] | None:
    """Install the SIGTERM handler for a command's run (main thread only): (previous handler,)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    _SIGTERM_SEEN[0] = False
    _SIGTERM_OWNER[0] = os.getpid()
    _UNRAISABLE_BEFORE[0] = sys.unraisablehook
    sys.unraisablehook = _quiet_if_terminated
    return (signal.signal(signal.SIGTERM, _on_sigterm),)


def _restore_sigterm(previous: tuple[object] | None) -> None:
    import signal

    if previous is not None:
        # None: the handler was not set from Python; the default is what it did.
        signal.signal(signal.SIGTERM, previous[0] if previous[0] is not None else signal.SIG_DFL)  # type: ignore[arg-type]
        sys.unraisablehook = _UNRAISABLE_BEFORE[0]


def _error(message: str) -> None:
    from imatinib_cli.render.safe_text import safe_text

    sys.stderr.write(f"imx: error: {safe_text(message)}\n")
    sys.stderr.flush()


def _reader_left() -> bool:
    """Whether stdout is a pipe whose reader has gone (poll() reports POLLERR on its write end).

    Asked once the output is written, because the last write may not have failed: when the reader
    leaves during a large write, the system takes part of it, and Python's text stream drops the
    rest without an error (seen with `imx compare --json | head -c 100`: exit 0, one short write).
    """
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False  # no poll() (Windows), or stdout is not a file descriptor (a test's buffer)
    return any(event & (select.POLLERR | select.POLLHUP) for _, event in events)


def _after_broken_pipe(exc: BaseException) -> bool:
    """Whether exc was raised while handling a closed pipe (EPIPE) somewhere down its context chain."""
    seen: BaseException | None = exc.__context__
    for _ in range(8):  # a short chain; guards against a cycle
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno == errno.EPIPE:
            return True
        seen = seen.__context__
    return False


# The shell's status for a process ended by SIGPIPE: 128 + 13.
SIGPIPE_STATUS = 141


def _reader_gone() -> NoReturn:
    """Stop quietly because the reader of stdout went away (`imx ... | head -1`), as Unix tools do:
    by SIGPIPE's default action, so the shell sees status 141 and a parent sees "killed by SIGPIPE"
    (Python's subprocess: returncode -13). No message: the user chose to read no further.
    stdout points at devnull first, so nothing can fail again on the way out (the Python docs'
    advice for BrokenPipeError)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sigpipe = getattr(signal, "SIGPIPE", None)
    if sigpipe is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
            signal.signal(sigpipe, signal.SIG_DFL)
            os.kill(os.getpid(), sigpipe)
    os._exit(SIGPIPE_STATUS)  # no SIGPIPE (Windows), or it did not end the process


# Writing the output failed for lack of room ("> /dev/full", a full disk or quota): the user's
# problem, told in one line, not a bug.
_FULL_DEVICE = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def _output_failed(exc: OSError) -> None:
    """One line for an output that could not be written; stdout then points at devnull so the
    interpreter's last flush does not fail again."""
    _error(f"cannot write the output: {exc.strerror or exc}")
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _app_for(argv: Sequence[str]) -> typer.Typer:
    """The app `main` runs for argv: for `imx COMMAND ...`, a copy of `app` that holds COMMAND
    alone; for anything else (no command, an option before it, `imx cache ...`, an unknown word,
    the shell asking for completions) `app` itself.

    Typer builds every command's click parameters before it dispatches (evaluating each function's
    annotations: ~5 ms for the 21 functions, of a warm `imx summarize seeds/`'s ~115); the command
    prints and exits the same in either (tests/test_startup.py compares their help, usage errors
    and suggestions). E.g. _app_for(["imx", "summarize", "seeds/"]).registered_commands holds
    summarize's CommandInfo alone.
    """
    if len(argv) < 2 or "_IMX_COMPLETE" in os.environ:
        return app
    from typer.main import get_command_name

    for info in app.registered_commands:
        if (info.name or get_command_name(info.callback.__name__)) == argv[1]:  # type: ignore[union-attr]
            alone = copy.copy(app)
            alone.registered_commands = [info]
            alone.registered_groups = []
            return alone
    return app


def main() -> None:
    """Console-script entry point (`imx`) and `python -m imatinib_cli`. `--version` and `--help`
    print before any command runs, so their write errors are caught here."""
    try:
        _app_for(sys.argv)(prog_name="imx")
    except BrokenPipeError:
        _reader_gone()
    except SystemExit as exc:
        # click (--version) and rich (--help) turn a closed pipe into exit 1 themselves, from inside
        # their `except` for it: the same quiet stop as any command's, then.
        if _after_broken_pipe(exc):
            _reader_gone()
        raise
    except OSError as exc:
        if exc.errno not in _FULL_DEVICE:
            raise
        _output_failed(exc)
        sys.exit(int(ExitStatus.ERROR))
