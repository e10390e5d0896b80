"""The `imx` commands: options, stdout/stderr separation, exit codes, and the installed entry point.

Until load/extract/resolve/analyze land, the pipeline is monkeypatched to return the hand-built
Report and Comparison from conftest.py; end-to-end runs on seeds/ will replace those stubs.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, load_schema, make_comparison, make_report, strict
from typer.testing import CliRunner

import imatinib_cli
from imatinib_cli import __version__, cli, pipeline
from imatinib_cli.cli import app
from imatinib_cli.errors import InputError, UsageError
from imatinib_cli.models import Report

runner = CliRunner()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str], dict]]:
    """Stub the pipeline with the fixture Report/Comparison and record how it was called."""
    seen: list[tuple[str, list[str], dict]] = []

    # `store` (the extraction cache, on unless --no-cache) is left out of what is recorded.
    def summarize(paths: list[str], **options: object) -> Report:
        seen.append(("summarize", list(paths), {k: v for k, v in options.items() if k != "store"}))
        return make_report()

    def compare(paths: list[str], *, by: str = "tumor-type", **options: object):
        seen.append(
            ("compare", list(paths), {"by": by, **{k: v for k, v in options.items() if k != "store"}})
        )
        return make_report(), make_comparison()

    monkeypatch.setattr(pipeline, "summarize", summarize)
    monkeypatch.setattr(pipeline, "summarize_streamed", streamed(summarize))
    monkeypatch.setattr(pipeline, "compare", compare)
    monkeypatch.chdir(ROOT)
    return seen


def streamed(summarize: Callable[..., Report]) -> Callable[..., pipeline.StreamedReport]:
    """The stub for `summarize --json` (pipeline.summarize_streamed): the same Report, streamed."""

    def run(paths: list[str], **options: object) -> pipeline.StreamedReport:
        report = summarize(paths, **options)
        return pipeline.StreamedReport(report.documents, iter(report.studies))

    return run


def stub_summarize(monkeypatch: pytest.MonkeyPatch, behaviour: Callable[[list[str]], Report]) -> None:
    monkeypatch.setattr(pipeline, "summarize", lambda paths, **options: behaviour(paths))
    monkeypatch.setattr(pipeline, "summarize_streamed", streamed(lambda paths, **options: behaviour(paths)))
    monkeypatch.chdir(ROOT)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"imx {__version__}\n"


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "summarize" in result.output and "compare" in result.output


def test_command_help_has_an_example() -> None:
    for command in ("summarize", "compare"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert f"imx {command} seeds/" in result.stdout


def test_summarize_defaults_to_seeds(calls: list) -> None:
    result = runner.invoke(app, ["summarize"])
    assert result.exit_code == 0, result.stderr
    # Not a terminal: no bar, only the check that stops a run a swallowed SIGTERM did not.
    assert calls == [("summarize", ["seeds/"], {"progress": cli._stop_if_terminated})]


def test_summarize_table_goes_to_stdout_and_warnings_to_stderr(calls: list) -> None:
    result = runner.invoke(app, ["summarize", "seeds/"])
    assert result.exit_code == 0
    assert "400/600 (pooled arms)" in result.stdout
    assert "79 (53.7%)" in result.stdout
    assert "imx: warning" not in result.stdout
    assert result.stderr.splitlines() == [
        "imx: warning: inputs/scan.pdf: PDF is not a supported format",
        "imx: warning: inputs/broken.html: not valid UTF-8 at byte 12",
    ]
    assert "\x1b[" not in result.stdout + result.stderr  # not a terminal: no escapes


def test_no_color_env_means_no_escapes(calls: list) -> None:
    result = runner.invoke(app, ["summarize", "--evidence"], env={"NO_COLOR": "1", "TERM": "xterm-256color"})
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout


def test_summarize_evidence_quotes_sentences(calls: list) -> None:
    result = runner.invoke(app, ["summarize", "seeds/", "--evidence"])
    assert result.exit_code == 0
    assert '  PR 79 (53.7%): "Overall, 79 patients (53.7 percent) had a partial response,' in result.stdout
    assert "[seeds/002_ab544946733a2db7.txt:" in result.stdout


def test_summarize_json_is_one_valid_document(calls: list) -> None:
    result = runner.invoke(app, ["summarize", "seeds/", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # raises if anything but one JSON document was printed
    jsonschema.Draft202012Validator(strict(load_schema("summarize"))).validate(data)
    assert [s["id"] for s in data["studies"]] == ["eortc-62005", "doi:10.1056/NEJMoa020461", "NCT00764595"]
    assert "imx: warning: inputs/scan.pdf" in result.stderr


def test_compare_table_and_json(calls: list) -> None:
    result = runner.invoke(app, ["compare", "seeds/", "--by", "tumor-type"])
    assert result.exit_code == 0
    assert "crude (sum of counts)" in result.stdout and "NCT00764595: no results posted" in result.stdout
    assert calls[-1] == ("compare", ["seeds/"], {"by": "tumor-type", "progress": cli._stop_if_terminated})

    result = runner.invoke(app, ["compare", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(strict(load_schema("compare"))).validate(data)
    assert data["rows"][0]["orr_percent"] == 53.7


def test_compare_by_unknown_value_is_a_usage_error(calls: list) -> None:
    result = runner.invoke(app, ["compare", "--by", "nonsense"])
    assert result.exit_code == 2
    assert "nonsense" in result.stderr and "tumor-type" in result.stderr
    assert result.stdout == ""
    assert calls == []


def test_missing_path_is_a_usage_error(calls: list) -> None:
    for command in ("summarize", "compare"):
        result = runner.invoke(app, [command, "no/such/dir", "--json"])
        assert result.exit_code == 2
        assert result.stderr == "imx: error: no/such/dir: no such file or directory\n"
        assert result.stdout == ""
    assert calls == []


def test_nothing_usable_exits_1_but_still_accounts_for_every_file(
    monkeypatch: pytest.MonkeyPatch, unusable_report: Report
) -> None:
    stub_summarize(monkeypatch, lambda paths: unusable_report)
    result = runner.invoke(app, ["summarize", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["documents"][0]["status"] == "skipped"
    assert result.stderr.splitlines() == [
        "imx: warning: inputs/scan.pdf: PDF is not a supported format",
        "imx: error: no usable document among 1 input(s)",
    ]


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (InputError("seeds/x.txt", "file is larger than 50 MB"), 1, "seeds/x.txt: file is larger than 50 MB"),
        (UsageError("cannot read stdin twice"), 2, "cannot read stdin twice"),
    ],
)
def test_imx_errors_become_one_line(
    monkeypatch: pytest.MonkeyPatch, error: Exception, code: int, message: str
) -> None:
    def fail(paths: list[str]) -> Report:
        raise error

    stub_summarize(monkeypatch, fail)
    result = runner.invoke(app, ["summarize"])
    assert result.exit_code == code
    assert result.stderr == f"imx: error: {message}\n"


def test_unexpected_errors_have_no_traceback_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(paths: list[str]) -> Report:
        raise ZeroDivisionError("division by zero")

    stub_summarize(monkeypatch, crash)
    result = runner.invoke(app, ["summarize"])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "imx: error: unexpected ZeroDivisionError: division by zero"
        " (run again with --debug for the traceback)\n"
    )

    result = runner.invoke(app, ["summarize", "--debug"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr


def test_vocab_dir_is_passed_to_the_vocabularies(
    calls: list, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[Path] = []
    fake = types.ModuleType("imatinib_cli.vocab")
    fake.set_extra_dir = seen.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "imatinib_cli.vocab", fake)
    monkeypatch.setattr(imatinib_cli, "vocab", fake, raising=False)

    result = runner.invoke(app, ["summarize", "--no-cache", "--vocab", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert seen == [tmp_path]

    result = runner.invoke(app, ["summarize", "--no-cache", "--vocab", str(tmp_path / "missing")])
    assert result.exit_code == 2


def test_every_command_and_option_is_documented() -> None:
    """Like sqlite-utils' test_docs: an undocumented command or option fails the build."""
    import typer.main

    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"imx {name}" in doc, f"command {name} missing from docs/cli.md"
        for param in command.params:
            for option in param.opts:
                if option.startswith("--"):
                    assert f"`{option}" in doc, f"{name} {option} missing from docs/cli.md"


# --- the real entry point, in a subprocess -------------------------------------------------------


def imx_command() -> list[str]:
    """The installed console script if there is one beside this Python, else `python -m`."""
    script = Path(sys.executable).with_name("imx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "imatinib_cli"]


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, **kwargs)


def test_installed_entry_point() -> None:
    version = run([*imx_command(), "--version"])
    assert (version.returncode, version.stdout) == (0, f"imx {__version__}\n")

    missing = run([*imx_command(), "summarize", "no/such/dir"])
    assert missing.returncode == 2
    assert missing.stderr == "imx: error: no/such/dir: no such file or directory\n"

    bad = run([*imx_command(), "compare", "--by", "nonsense"])
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_python_dash_m() -> None:
    result = run([sys.executable, "-m", "imatinib_cli", "--version"])
    assert (result.returncode, result.stdout) == (0, f"imx {__version__}\n")


def test_json_stdout_is_pure_in_a_real_process() -> None:
    """A real process with real stdio: stdout must be exactly one JSON document."""
    code = (
        "import sys; sys.path.insert(0, 'tests');"
        "import conftest; from imatinib_cli import pipeline;"
        "report = conftest.make_report();"
        "pipeline.summarize_streamed = lambda paths, **options: pipeline.StreamedReport("
        "report.documents, iter(report.studies));"
        "from imatinib_cli.cli import main; sys.argv = ['imx', 'summarize', 'seeds/', '--json']; main()"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema_version"] == "1.1"
    assert re.findall(r"^imx: warning: ", result.stderr, flags=re.M) == ["imx: warning: "] * 2


def test_closed_stdout_is_not_an_error_message() -> None:
    """`imx summarize --json | head -c 1`: the reader leaves early; no traceback, no noise."""
    code = (
        "import sys; sys.path.insert(0, 'tests');"
        "import conftest; from imatinib_cli import pipeline;"
        "report = conftest.make_report();"
        "pipeline.summarize_streamed = lambda paths, **options: pipeline.StreamedReport("
        "report.documents, iter(report.studies));"
        "from imatinib_cli.cli import main; sys.argv = ['imx', 'summarize', '--json']; main()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the child, still starting up, writes anything
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == -signal.SIGPIPE  # ended by SIGPIPE, as Unix tools are (issue 11)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert "imx: error" not in stderr


def test_help_does_not_import_the_pipeline() -> None:
    """`imx --help` stays fast: the pipeline, render and rich tables load only inside commands."""
    code = (
        "import sys; from imatinib_cli.cli import app;"
        "heavy = [m for m in ('imatinib_cli.pipeline', 'imatinib_cli.render', 'rich.table', 'yaml', 'bs4')"
        " if m in sys.modules]; print(heavy)"
    )
    result = run([sys.executable, "-c", code])
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
