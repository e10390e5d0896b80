"""The command line's conventions that Typer leaves to us: suggestions, metavars, path completion.

Kept apart from cli.py so that it stays a list of commands. Costs nothing at start-up: it uses only
what Typer has already imported (Typer 0.2x carries its own copy of click as `typer._click`; older
Typer uses click itself).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

try:  # typer 0.2x carries its own copy of click
    from typer._click.exceptions import NoSuchOption  # type: ignore[import-not-found]
    from typer._click.types import ParamType  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older typer, on click itself
    from click.exceptions import NoSuchOption  # type: ignore[no-redef]
    from click.types import ParamType  # type: ignore[no-redef]

# An unknown option is answered with the options this close to it (difflib's ratio of the names
# without their dashes; 1.0 is equal), or with those it begins (3 characters at least).
SUGGEST_RATIO = 0.75
SUGGEST_PREFIX = 3
SUGGEST_MAX = 3


def close_options(typed: str, options: list[str]) -> list[str]:
    """The options worth suggesting for an unknown one, closest first; often none.

    difflib's default (a 0.6 ratio on the whole string) counts the shared leading `--`, so `--bogus`
    was "close" to `--jobs`. Here the dashes are left out: a typo of one or two letters, or the
    beginning of a name, suggests; a different word does not.

    >>> close_options("--jsno", ["--json", "--jsonl", "--jobs"])
    ['--json']
    >>> close_options("--bogus", ["--json", "--jobs", "--debug"])
    []
    """
    from difflib import SequenceMatcher  # only when an option is unknown: ~1 ms kept off start-up

    name = typed.lstrip("-").lower()
    scored: list[tuple[float, str]] = []
    for option in options:
        if not option.startswith("--"):
            continue
        candidate = option[2:].lower()
        ratio = SequenceMatcher(None, name, candidate).ratio()
        if len(name) >= SUGGEST_PREFIX and candidate.startswith(name):
            ratio = max(ratio, SUGGEST_RATIO)
        if ratio >= SUGGEST_RATIO:
            scored.append((ratio, option))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [option for _, option in scored[:SUGGEST_MAX]]


def _long_options(command: Any, ctx: Any) -> list[str]:
    return [opt for param in command.get_params(ctx) for opt in (*param.opts, *param.secondary_opts)]


def _suggest_close(command: Any, ctx: Any, error: Any) -> None:
    """Replace click's suggestions with close_options' (an empty list prints none)."""
    error.possibilities = close_options(error.option_name, _long_options(command, ctx))


def usage_piece(metavar: str, *, required: bool, repeated: bool) -> str:
    """An argument as the usage line shows it, in the usual notation (POSIX utility syntax, git,
    ripgrep): brackets when optional, `...` when it may be given several times, bare when required.
    Typer 0.2x writes a metavar as `[PATH]` even when several are taken, and a required one in
    braces (`{GOLD.yaml}`).

    >>> usage_piece("PATH", required=False, repeated=True)
    '[PATH]...'
    >>> usage_piece("GOLD.yaml", required=True, repeated=False)
    'GOLD.yaml'
    """
    piece = metavar if required else f"[{metavar}]"
    return f"{piece}..." if repeated else piece


class _SuggestsClose:
    """Parses as click does, but an unknown option's message suggests only a close match."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except NoSuchOption as error:
            _suggest_close(self, ctx, error)  # type: ignore[arg-type]
            raise


class ImxCommand(_SuggestsClose, TyperCommand):
    """A command whose unknown-option message suggests only a close match, and whose usage line
    says which arguments repeat (`imx summarize [OPTIONS] [PATH]...`)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and param.metavar:
                pieces.append(usage_piece(param.metavar, required=param.required, repeated=param.nargs != 1))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class ImxGroup(_SuggestsClose, TyperGroup):
    """The `imx` and `imx cache` groups, with the same suggestion rule as ImxCommand."""


class PathItem(ParamType):
    """A PATH argument: shown in help as PATH alone (no `<str>` type after it), completed by the shell
    as a file or folder name."""

    name = "path"

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return ""  # the argument's metavar (PATH) says it; no type column

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        # No words of ours: each of Typer's scripts then falls back to the shell's own file names
        # (bash: complete -o default; zsh: _files; fish: its default completion).
        return []


def completion_script(shell: str, prog_name: str = "imx") -> str:
    """Typer's completion script for shell (bash, zsh, fish): what `--show-completion` prints there.

    Typer keeps it in a private module, imported only here (by `imx completion SHELL`), so start-up
    pays nothing for it. The script calls `imx` back with _IMX_COMPLETE set to get the words.
    """
    from typer._completion_shared import get_completion_script

    complete_var = f"_{prog_name.replace('-', '_').upper()}_COMPLETE"
    return get_completion_script(prog_name=prog_name, complete_var=complete_var, shell=shell)


class WordChoice(ParamType):
    """An argument that is one of a few words (`imx completion SHELL`): the words are listed in its
    help sentence, so help shows SHELL alone, never a `<bash|zsh|fish>` that wraps mid-word; the
    shell completes them; anything else is a usage error (exit 2) naming them."""

    name = "choice"

    def __init__(self, *words: str) -> None:
        self.words = words

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return ""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        word = str(value).lower()
        if word not in self.words:
            self.fail(f"{value!r} is not one of {', '.join(self.words)}", param, ctx)
        return word

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem  # type: ignore[import-not-found]

        return [CompletionItem(word) for word in self.words if word.startswith(incomplete.lower())]
