"""Every `imx ...` command in a code block of README.md and docs/cli.md runs and exits 0.

The commands are parsed from the files, so a command added to the docs later is covered without
touching this test. Each runs in bash (`set -o pipefail`, so a failing `imx` or `jq` in a pipe
fails it) in a scratch folder holding a copy of seeds/ and links to tests/ and docs/, with its own
extraction cache, so a command that writes a file (`> studies.csv`, `--plot docs/forest.svg`)
never touches the checkout. Placeholders in the docs are replaced by real inputs (PLACEHOLDERS);
what cannot run here is skipped with the reason (SKIPPED, and jq where it is not installed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

DOCS = ("README.md", "docs/cli.md")
SHELL_LANGUAGES = ("", "sh", "bash", "shell", "console")
REAL_DEV = ROOT.parent / "shared" / "corpus" / "real-dev" / "gold.yaml"

# Names the docs use for the reader's own inputs, and what stands in for them here.
PLACEHOLDERS = {
    "big-folder/": "seeds/",  # "a large corpus": the seeds are one
    "my-gold.yaml": "tests/gold/abstracts.gold.yaml",  # "your gold file": the project's
    "less -R": "cat",  # a pager needs a terminal
    "/scratch/imx-cache": "{tmp}/scratch-cache",  # a cache folder of the reader's choice
    "../shared/corpus/real-dev/gold.yaml": str(REAL_DEV),  # kept beside the checkout
}

# A command containing one of these is not run, for the reason given.
SKIPPED = {
    "pip install": "installs packages (needs the network and changes the environment)",
    "python3 -m venv": "creates a virtual environment and installs into it (network)",
    "--dask tcp://": "needs a running Dask scheduler on the network",
}

# A synopsis shows the grammar (`[--json | --jsonl]`, `PATH`, `summarize|compare`), not a command.
_SYNOPSIS = re.compile(r"\[|\b[A-Z]{2,}[A-Z0-9_]*(?:\.yaml)?\b(?!=)|\w\|\w")
_COMMAND = re.compile(r"(?:^|&&\s*|;\s*|^[A-Z_]+=\S+\s+)imx\b")


def _unquoted(line: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", line)


def doc_commands() -> list[tuple[str, str]]:
    """(where, command) for every imx command line in a shell code block of DOCS, in order."""
    found: list[tuple[str, str]] = []
    for name in DOCS:
        text = (ROOT / name).read_text(encoding="utf-8")
        for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M):
            if match.group(1) not in SHELL_LANGUAGES:
                continue
            first = text.count("\n", 0, match.start(2)) + 1
            for offset, line in enumerate(match.group(2).splitlines()):
                line = line.strip()
                if _COMMAND.search(line):
                    found.append((f"{name}:{first + offset}", line))
    return found


COMMANDS = doc_commands()


def test_the_docs_show_commands() -> None:
    """The parser finds the docs' commands (a change of fence style would silently test nothing)."""
    commands = [command for _, command in COMMANDS]
    assert len(commands) >= 30
    assert "imx summarize seeds/" in commands
    assert any(c.startswith("imx compare seeds/ --by study --csv > studies.csv") for c in commands)
    assert any(c.startswith("imx evaluate tests/gold/abstracts.gold.yaml --json | jq") for c in commands)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder laid out like the checkout: seeds/ copied, tests/ linked, docs/ empty."""
    root = tmp_path_factory.mktemp("docs-commands")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    (root / "docs").mkdir()
    return root


def _skip_reason(command: str) -> str | None:
    for marker, reason in SKIPPED.items():
        if marker in command:
            return reason
    if _SYNOPSIS.search(_unquoted(command.split(" #", 1)[0])):
        return "a synopsis (the grammar of the command), not a command to run"
    if "real-dev" in command and not REAL_DEV.exists():
        return f"the real-dev corpus is not beside this checkout ({REAL_DEV})"
    if re.search(r"\|\s*jq\b", command) and shutil.which("jq") is None:
        return "jq is not installed (apt-get install jq)"
    if "--plot" in command:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return "--plot needs matplotlib (pip install '.[plot]')"
    return None


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[where for where, _ in COMMANDS])
def test_doc_command_exits_0(where: str, command: str, workspace: Path) -> None:
    reason = _skip_reason(command)
    if reason:
        pytest.skip(f"{where}: {reason}")
    for placeholder, stand_in in PLACEHOLDERS.items():
        command = command.replace(placeholder, stand_in.format(tmp=workspace))
    env = dict(os.environ)
    # The imx of this interpreter's environment, whatever PATH the test runner was given.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["IMX_CACHE_DIR"] = str(workspace / "cache")
    env.pop("COLUMNS", None)
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail\n{command}"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{where}: {command}\nexit {result.returncode}\n{result.stderr[-2000:]}"
    if not re.search(r"[|>]|--output|-o ", _unquoted(command)):
        # A plain command prints its result (a filter such as jq's select may rightly print nothing).
        assert result.stdout.strip(), f"{where}: {command} printed nothing"
