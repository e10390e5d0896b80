"""`--vocab DIR` checked up front (issue 11): one usage error naming the file, exit 2, before any document."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imatinib_cli import load, vocab
from imatinib_cli.cli import app

runner = CliRunner()

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=False)
)
DOCUMENT = (
    "Imatinib 400 mg daily was given to 20 patients with gut pacemaker tumours; 4 had a partial response.\n"
)


@pytest.fixture(autouse=True)
def no_extra_dir() -> Iterator[None]:
    yield
    vocab.set_extra_dir(None)  # the CLI sets it for the process


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the run started to walk: none may be walked when the folder is refused."""
    walked: list[str] = []
    original = load.walk_paths

    def spy(paths, *args, **kwargs):  # type: ignore[no-untyped-def]
        walked.extend(map(str, paths))
        return original(paths, *args, **kwargs)

    monkeypatch.setattr(load, "walk_paths", spy)
    return walked


def folder_with(tmp_path: Path, name: str, content: bytes | str) -> Path:
    folder = tmp_path / "vocab"
    folder.mkdir()
    data = content.encode("utf-8") if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    return folder


def summarize(tmp_path: Path, folder: Path) -> tuple[int, str, str]:
    document = tmp_path / "doc.txt"
    document.write_text(DOCUMENT, encoding="utf-8")
    result = runner.invoke(app, ["summarize", "--json", "--vocab", str(folder), str(document)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "tumor_types.yaml",
            "tumor_types: [\n",
            "malformed YAML (line 2: did not find expected node content)",
        ),
        (
            "tumor_types.yaml",
            "tumor_types:\n  code: GIST\n",
            "at tumor_types: expected a list, found a mapping",
        ),
        (
            "tumor_types.yaml",
            "tumor_types:\n  - name: Made-up Tumor\n    synonyms: [made-up tumor]\n",
            "at tumor_types[0]: an entry without 'code' (each entry names its code)",
        ),
        (
            "adverse_events.yaml",
            "adverse_events:\n  - term: Edema limbs\n    synonyms: [edema, no]\n",
            "at adverse_events[0].synonyms[1]: False is not text (quote yes, no, on, off, true, false)",
        ),
        (
            "numbers.yaml",
            "units:\n  eleventy: many\n",
            "at units.eleventy: expected a whole number, found text",
        ),
        ("cues.yaml", "non_result_labels: ['  ']\n", "at non_result_labels[0]: empty text"),
        ("cues.yaml", "- a list\n", "expected a mapping at the top level (e.g. `tumor_types:`), not a list"),
        ("cues.yaml", b"labels: [caf\xe9]\n", "not valid UTF-8 (byte 0xe9 at offset 12)"),
        (
            "cues.yaml",
            "x: !!python/object/apply:os.system ['echo ran']\n",
            "the tag !!python/object/apply:os.system is not allowed (only plain YAML values)",
        ),
        ("cues.yaml", LAUGHS, "its aliases expand to more than 100000 values (an alias bomb)"),
    ],
)
def test_a_bad_file_is_one_usage_error_before_any_document(
    tmp_path: Path, reads: list[str], name: str, content: str | bytes, problem: str
) -> None:
    folder = folder_with(tmp_path, name, content)
    code, stdout, stderr = summarize(tmp_path, folder)
    assert (code, stdout) == (2, "")
    assert stderr == f"imx: error: --vocab {folder / name}: {problem}\n"
    assert reads == []  # no document was walked, let alone extracted


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: os.mkfifo(path), "a FIFO"),
        (lambda path: path.symlink_to("/dev/zero"), "a character device"),
        (lambda path: path.mkdir(), "a folder"),
    ],
)
def test_only_regular_files_are_read(tmp_path: Path, reads: list[str], make, kind: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "vocab"
    folder.mkdir()
    make(folder / "cues.yaml")
    code, _, stderr = summarize(tmp_path, folder)
    assert code == 2
    problem = f"not a regular file ({kind}); only regular files are read"
    assert stderr == f"imx: error: --vocab {folder / 'cues.yaml'}: {problem}\n"
    assert reads == []


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "vocab"
    folder.mkdir()
    with (folder / "cues.yaml").open("wb") as handle:
        handle.truncate(vocab.MAX_VOCAB_FILE_BYTES + 1)  # sparse: nothing big is written
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda path, *a, **k: (opened.append(str(path)), real_open(path, *a, **k))[1]
    )
    code, _, stderr = summarize(tmp_path, folder)
    assert code == 2
    assert stderr == (
        f"imx: error: --vocab {folder / 'cues.yaml'}: file too large (4.0 MiB or more; "
        "a vocabulary file may hold at most 4 MiB)\n"
    )
    assert str(folder / "cues.yaml") not in opened  # stat said so: never opened
    assert reads == []


def test_a_fifo_does_not_hang_summarize_or_cache_info(tmp_path: Path) -> None:
    """In a real process with a timeout: a blocked open() would never return."""
    folder = tmp_path / "vocab"
    folder.mkdir()
    os.mkfifo(folder / "tumor_types.yaml")
    env = {**os.environ, "IMX_CACHE_DIR": str(tmp_path / "cache")}
    for command in (["summarize", str(tmp_path)], ["cache", "info"]):
        done = subprocess.run(
            [sys.executable, "-m", "imatinib_cli", *command, "--vocab", str(folder)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert done.returncode == 2
        assert done.stderr.endswith(
            "tumor_types.yaml: not a regular file (a FIFO); only regular files are read\n"
        )


def test_a_good_folder_is_parsed_once_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from imatinib_cli import safe_yaml

    folder = folder_with(
        tmp_path, "tumor_types.yaml", "tumor_types:\n  - code: GIST\n    synonyms: [gut pacemaker tumour]\n"
    )
    (folder / "colours.yaml").write_text(
        "colours:\n  - key: red\n    synonyms: [crimson]\n", encoding="utf-8"
    )
    parsed: list[int] = []
    real_load = safe_yaml.load
    monkeypatch.setattr(safe_yaml, "load", lambda source, **k: (parsed.append(1), real_load(source, **k))[1])
    vocab.set_extra_dir(folder)
    fingerprint = vocab.fingerprint()
    assert [hit.key for hit in vocab.tumor_matcher().find("a gut pacemaker tumour")] == ["GIST"]
    assert [hit.key for hit in vocab.phrase_matcher("colours", "key").find("crimson")] == ["red"]
    assert vocab.fingerprint() == fingerprint
    assert len(parsed) == 2  # each file once, however often it is used

    code, stdout, stderr = summarize(tmp_path, folder)
    assert (code, stderr) == (0, "")
    assert '"tumor_type": "GIST"' in stdout


def test_cache_info_checks_the_folder_too(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "responses.yaml", "responses: {pr: [halved]}\n")
    result = runner.invoke(app, ["cache", "info", "--vocab", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"imx: error: --vocab {folder / 'responses.yaml'}: at responses: expected a list, found a mapping\n"
    )
