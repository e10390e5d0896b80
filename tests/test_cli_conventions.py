"""Issue 13, items 2 and 4: several documents on stdin, --files-from, completion, help, suggestions,
and the message when no path is given and there is no seeds/ folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from typer.testing import CliRunner

from imatinib_cli.cli import app
from imatinib_cli.cli_help import close_options
from imatinib_cli.load import read_file
from imatinib_cli.load._stdin import several_documents

runner = CliRunner()

SEED_FILES = sorted(SEEDS.iterdir())
# The four studies of seeds/ (002 and 004 are one trial, merged).
SEED_STUDIES = 4


def invoke(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None):  # noqa: ANN201
    result = runner.invoke(app, list(args), input=stdin, env=env, prog_name="imx")
    assert "Traceback" not in result.stderr
    return result


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("imx: warning: ")]


# --- several documents on stdin ----------------------------------------------------------------------


def test_several_documents_joined_on_stdin_are_refused_not_merged() -> None:
    """`cat seeds/* | imx summarize -`: was one study ("randomized · single-arm") with exit 0."""
    joined = b"".join(path.read_bytes() for path in SEED_FILES)
    result = invoke("summarize", "--json", "-", stdin=joined)
    assert result.exit_code == 1  # the only input, and it was not usable: docs/cli.md, exit 1
    data = json.loads(result.stdout)
    assert data["studies"] == []
    (document,) = data["documents"]
    assert (document["path"], document["status"]) == ("-", "skipped")
    assert warnings_of(result.stderr) == [
        "imx: warning: -: standard input holds 2 different DOIs (10.1158/1078-0432.CCR-07-4575, "
        "10.1056/NEJMoa020461), so it looks like several documents joined; not read, so that they are "
        "not merged into one study: give each as a file, or list them with --files-from"
    ]
    assert result.stderr.splitlines()[-1] == "imx: error: no usable document among 1 input(s)"


def test_refused_stdin_beside_files_is_a_warning_exit_0_and_1_with_strict() -> None:
    joined = SEED_FILES[0].read_bytes() + b"\n" + SEED_FILES[2].read_bytes()
    result = invoke("summarize", "--json", "-", str(SEED_FILES[1]), stdin=joined)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["studies"]) == 1  # the file's; nothing of stdin
    assert len(warnings_of(result.stderr)) == 1
    assert "standard input holds 2 different DOIs" in result.stderr
    strict = invoke("summarize", "--json", "--strict", "-", str(SEED_FILES[1]), stdin=joined)
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == "imx: error: --strict: 1 warning(s) above"


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.name[:3])
def test_one_document_on_stdin_is_read_as_before(seed: Path) -> None:
    result = invoke("summarize", "--json", "-", stdin=seed.read_bytes())
    assert result.exit_code == 0
    assert warnings_of(result.stderr) == []
    assert len(json.loads(result.stdout)["studies"]) == 1


def test_the_same_record_twice_on_stdin_is_one_study() -> None:
    """Two copies of one record (the same DOI) hold no second document: read, one study."""
    seed = SEED_FILES[2].read_bytes()
    result = invoke("summarize", "--json", "-", stdin=seed + b"\n" + seed)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["studies"]) == 1


def test_compare_refuses_joined_stdin_too() -> None:
    joined = b"".join(path.read_bytes() for path in SEED_FILES)
    result = invoke("compare", "--json", "-", stdin=joined)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["rows"] == []
    assert "several documents joined" in result.stderr


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "A trial of drug X.\nPMID: 1234567\nTwelve patients responded.Another trial.\nPMID: 7654321\n",
            "2 different PMIDs (1234567, 7654321)",
        ),
        (
            "ClinicalTrials.gov Identifier: NCT01234567 |\nsome text\n"
            "ClinicalTrials.gov Identifier: NCT07654321 |\n",
            "2 different NCT IDs (NCT01234567, NCT07654321)",
        ),
        (
            "---\ntitle: First trial\n---\nBody one.\n---\ntitle: Second trial\n---\nBody two.\n",
            "2 different titles (First trial, Second trial)",
        ),
        (
            '<html><head><meta name="citation_doi" content="10.1000/one"></head></html>\n'
            '<html><head><meta name="citation_doi" content="10.1000/two"></head></html>\n',
            "2 different DOIs (10.1000/one, 10.1000/two)",
        ),
    ],
    ids=["pmid", "nct", "front-matter-title", "html-meta"],
)
def test_each_kind_of_identity_is_recognised(text: str, reason: str) -> None:
    assert several_documents(text) == reason
    (document,) = read_file("-", text.encode(), "0" * 64)
    assert document.status == "skipped"
    assert reason in (document.reason or "")


def test_identities_that_one_document_holds_are_not_a_second_document() -> None:
    """A reference list's DOIs (inside lines), a trial number named in a sentence, the same DOI
    written twice in two cases, and a file's own path: not several documents."""
    text = (
        "Title of the report\ndoi: 10.1000/ABC.1.\nThe results of NCT01234567 and NCT07654321 are cited.\n"
        "References\n1. Other A. J Test. 2001;1:1-2. doi: 10.1000/other.2\nDOI: 10.1000/abc.1\n"
    )
    assert several_documents(text) is None
    (document,) = read_file("doc.txt", (text + "PMID: 1\nPMID: 2\n").encode(), "0" * 64)
    assert document.status == "ok"  # a file is read as it is: the check is for stdin


def test_a_file_of_several_records_on_stdin_is_split_by_its_reader() -> None:
    """MEDLINE holds several records by design: split into records as from a file, not refused."""
    record = "PMID- {pmid}\nTI  - Imatinib in trial {pmid}.\nAB  - Ten patients were treated.\n\n"
    data = (record.format(pmid="1111111") + record.format(pmid="2222222")).encode()
    documents = read_file("-", data, "0" * 64)
    assert [(d.status, d.record) for d in documents] == [("ok", 0), ("ok", 1)]


# --- --files-from --------------------------------------------------------------------------------


def test_files_from_a_list_file_reads_every_path(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    lines = [str(path) for path in SEED_FILES]
    listing.write_text("\r\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]) + "\n", encoding="utf-8")
    result = invoke("summarize", "--json", "--files-from", str(listing))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["documents"]) == len(SEED_FILES)
    assert len(data["studies"]) == SEED_STUDIES


def test_files_from_stdin_nul_separated_with_a_newline_in_a_name(tmp_path: Path) -> None:
    odd = tmp_path / "a\nname.txt"
    odd.write_bytes(SEED_FILES[1].read_bytes())
    listed = b"\0".join([str(SEED_FILES[0]).encode(), str(odd).encode()]) + b"\0"
    result = invoke("compare", "--json", "--by", "study", "--files-from", "-", "-0", stdin=listed)
    assert result.exit_code == 0
    studies = {study for row in json.loads(result.stdout)["rows"] for study in row["studies"]}
    assert studies == {"DOI:10.1158/1078-0432.CCR-07-4575", "cite:eur-j-cancer-2003-39-2006"}
    summary = invoke("summarize", "--json", "--files-from", "-", "--null", stdin=listed)
    assert len(json.loads(summary.stdout)["studies"]) == 2


def test_files_from_adds_to_the_paths_given(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{SEED_FILES[0]}\n", encoding="utf-8")
    result = invoke("summarize", "--json", str(SEED_FILES[1]), "--files-from", str(listing))
    paths = [document["path"] for document in json.loads(result.stdout)["documents"]]
    assert sorted(paths) == sorted([str(SEED_FILES[0]), str(SEED_FILES[1])])


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--files-from", "{tmp}/missing.txt"], None, "{tmp}/missing.txt: cannot read the list of paths: "),
        (["--files-from", "{tmp}/empty.txt"], None, "{tmp}/empty.txt: the list of paths is empty"),
        (["--files-from", "{tmp}/typo.txt"], None, "{tmp}/no-such-paper.txt: no such file or directory"),
        (["--files-from", "-", "-"], b"x\n", "--files-from - reads the list from stdin, so '-' cannot"),
        (["--files-from", "-"], b"-\n", "--files-from - reads the list from stdin, so it cannot list '-'"),
        (["--null"], None, "--null says how --files-from FILE is separated: give --files-from too"),
    ],
    ids=["list-missing", "list-empty", "listed-path-missing", "dash-twice", "dash-listed", "null-alone"],
)
def test_files_from_usage_errors_exit_2(
    tmp_path: Path, args: list[str], stdin: bytes | None, message: str
) -> None:
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "typo.txt").write_text(f"{tmp_path}/no-such-paper.txt\n", encoding="utf-8")
    result = invoke("summarize", *[arg.format(tmp=tmp_path) for arg in args], stdin=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("imx: error: " + message.format(tmp=tmp_path))


# --- no path and no seeds/ ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["summarize", "compare"])
def test_no_path_and_no_seeds_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(command)
    assert result.exit_code == 2
    assert result.stderr == (
        "imx: error: no PATH given, and no seeds/ folder here to read by default: name the files or "
        f"folders to read (imx {command} papers/), '-' for stdin, or --files-from FILE\n"
    )


def test_no_path_reads_seeds_when_it_is_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("summarize", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["studies"]) == SEED_STUDIES


# --- suggestions ---------------------------------------------------------------------------------------


def test_close_options_rule() -> None:
    options = ["--json", "--jsonl", "--jobs", "--evidence", "--max-bytes", "--strict", "--debug", "-j", "-h"]
    assert close_options("--bogus", options) == []
    assert close_options("--jsno", options) == ["--json"]
    assert close_options("--jsonn", options) == ["--json", "--jsonl"]
    assert close_options("--evidense", options) == ["--evidence"]
    assert close_options("--evid", options) == ["--evidence"]  # the beginning of a name
    assert close_options("--max-byte", options) == ["--max-bytes"]
    assert close_options("--no", options) == []  # too short to be a beginning
    assert close_options("--verbose", options) == []


def test_unknown_option_suggests_only_a_close_match() -> None:
    bogus = invoke("summarize", "--bogus", env={"COLUMNS": "80"})
    assert bogus.exit_code == 2
    assert "No such option: --bogus" in bogus.stderr
    assert "Possible options" not in bogus.stderr
    typo = invoke("summarize", "--jsno", env={"COLUMNS": "80"})
    assert typo.exit_code == 2
    assert "No such option: --jsno (Possible options: --json)" in typo.stderr
    root = invoke("--verison", env={"COLUMNS": "80"})
    assert root.exit_code == 2
    assert "(Possible options: --version)" in root.stderr


# --- help at 80 columns --------------------------------------------------------------------------------

COMMANDS = [
    ["summarize"],
    ["compare"],
    ["evaluate"],
    ["schema"],
    ["completion"],
    ["cache", "info"],
    ["cache", "clear"],
    [],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "imx")
def test_help_at_80_columns_is_clean(command: list[str]) -> None:
    result = invoke(*command, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    text = result.stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    for noise in ("<bool>", "<str>", "<list", "<path>", "<float>", "<int>", "[default:"):
        assert noise not in text, noise
    # Choice lists are written in the help sentence, whole, never as a metavar to break mid-word.
    assert not re.search(r"<[a-z-]+\|", text)


USAGE = {
    "summarize": "imx summarize [OPTIONS] [PATH]...",
    "compare": "imx compare [OPTIONS] [PATH]...",
    "report": "imx report [OPTIONS] [PATH]...",
    "evaluate": "imx evaluate [OPTIONS] GOLD.yaml",
    "schema": "imx schema [OPTIONS] NAME",
    "completion": "imx completion [OPTIONS] SHELL",
}


@pytest.mark.parametrize(("command", "usage"), USAGE.items())
def test_usage_line_says_which_arguments_repeat(command: str, usage: str) -> None:
    """Commands that take several paths say so (`[PATH]...`, as git and ripgrep write it; Typer wrote
    `[PATH]`); a required argument is bare (Typer wrote `{GOLD.yaml}`)."""
    text = invoke(command, "--help", env={"COLUMNS": "80"}).stdout
    assert f"Usage: {usage}" in text
    assert "{" not in text.splitlines()[1]


def test_a_missing_argument_shows_the_same_usage() -> None:
    result = invoke("evaluate", env={"COLUMNS": "80"})
    assert result.exit_code == 2
    assert "Usage: imx evaluate [OPTIONS] GOLD.yaml" in result.output
    assert "Missing argument 'GOLD.yaml'" in result.output


def test_compare_help_names_every_choice_and_default_once_in_one_style() -> None:
    text = invoke("compare", "--help", env={"COLUMNS": "80"}).stdout
    flat = " ".join(line.strip("│ ") for line in text.splitlines())
    flat = re.sub(r"\s+", " ", flat)
    for words in (
        "tumor-type (GIST vs non-GIST",
        "toxicity (CTCAE terms",
        "or hematologic. Default: tumor-type.",
        "exact (Clopper-Pearson) or wilson. Default: exact.",
        "between 0 and 1. Default: 0.95.",
        "Default: logit.",
        "Default: local.",
        "Default: 50M.",
        "Default: seeds/ in this folder.",
    ):
        assert words in flat, words
    for metavar in ("KIND", "METHOD", "LEVEL", "ALPHA", "SCALE", "WHERE", "FILE", "SIZE", "DIR", "ADDRESS"):
        assert re.search(rf"--\S+\s+(?:-\S\s+)?{metavar}\b", text), metavar


# --- completion ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "marks"),
    [
        (
            "bash",
            [
                "_imx_completion()",
                "_IMX_COMPLETE=complete_bash",
                "complete -o default -F _imx_completion imx",
            ],
        ),
        ("zsh", ["#compdef imx", "_IMX_COMPLETE=complete_zsh", "compdef _imx_completion imx"]),
        ("fish", ["complete --command imx", "_IMX_COMPLETE=complete_fish"]),
    ],
)
def test_completion_script_for_each_shell(shell: str, marks: list[str]) -> None:
    result = invoke("completion", shell)
    assert result.exit_code == 0
    for mark in marks:
        assert mark in result.stdout, mark


def test_completion_of_an_unknown_shell_is_a_usage_error() -> None:
    result = invoke("completion", "tcsh")
    assert result.exit_code == 2


def test_typers_completion_options_are_offered() -> None:
    text = invoke("--help", env={"COLUMNS": "80"}).stdout
    assert "--install-completion" in text
    assert "--show-completion" in text


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"_IMX_COMPLETE": "complete_bash", "COMP_WORDS": "imx compare --by ", "COMP_CWORD": "3"},
            ["tumor-type", "dose", "study", "toxicity", "hematologic"],
        ),
        (
            {"_IMX_COMPLETE": "complete_bash", "COMP_WORDS": "imx summarize --jso", "COMP_CWORD": "2"},
            ["--json", "--jsonl"],
        ),
        (
            {"_IMX_COMPLETE": "complete_bash", "COMP_WORDS": "imx comp", "COMP_CWORD": "1"},
            ["compare", "completion"],
        ),
        # A PATH: no words of imx's, so the shell completes file names itself.
        ({"_IMX_COMPLETE": "complete_bash", "COMP_WORDS": "imx summarize se", "COMP_CWORD": "2"}, []),
        ({"_IMX_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "imx summarize se"}, ["_files"]),
    ],
    ids=["by-values", "options", "commands", "path-bash", "path-zsh"],
)
def test_the_shell_gets_these_words(env: dict[str, str], expected: list[str]) -> None:
    result = invoke(env=env)
    assert result.exit_code == 0
    assert result.stdout.split() == expected
