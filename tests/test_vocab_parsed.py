"""The packaged vocabularies' pre-parsed forms (vocab/parsed/*.json): fresh, exact, and never used stale.

imx reads a packaged vocabulary from its pre-parsed form when the form was made from the YAML's
present bytes, so a run with no vocabulary snapshot yet needs no YAML parser (docs/vocabularies.md,
"Pre-parsed forms"). The YAML is the source of truth: these tests hold the forms to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from imatinib_cli import vocab

ROOT = Path(__file__).resolve().parent.parent


def _same(one: Any, other: Any) -> bool:
    """Equal with the same types all the way down (1 is not 1.0 nor True) and the same key order."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return list(one) == list(other) and all(_same(one[key], other[key]) for key in one)
    if isinstance(one, list):
        return len(one) == len(other) and all(_same(a, b) for a, b in zip(one, other, strict=True))
    return bool(one == other)


@pytest.mark.parametrize("path", sorted(vocab.VOCAB_DIR.glob("*.yaml")), ids=lambda path: path.stem)
def test_each_packaged_yaml_has_a_fresh_exact_parsed_form(path: Path) -> None:
    form = orjson.loads((vocab.PARSED_DIR / f"{path.stem}.json").read_bytes())
    source = path.read_bytes()
    assert form["format"] == vocab.PARSED_FORMAT and form["source"] == path.name
    assert form["sha256"] == hashlib.sha256(source).hexdigest(), "run python scripts/parse_vocab.py"
    assert _same(form["data"], yaml.safe_load(source.decode("utf-8")))


def test_the_script_finds_every_form_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "parse_vocab.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.stem for p in vocab.PARSED_DIR.glob("*.json")) == sorted(
        p.stem for p in vocab.VOCAB_DIR.glob("*.yaml")
    )


@pytest.fixture
def packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the packaged vocabularies and their forms that vocab reads instead."""
    folder = tmp_path / "vocab"
    shutil.copytree(vocab.VOCAB_DIR, folder)
    monkeypatch.setattr(vocab, "VOCAB_DIR", folder)
    monkeypatch.setattr(vocab, "PARSED_DIR", folder / "parsed")
    vocab.clear_caches()
    yield folder
    vocab.clear_caches()


def _rewrite_form(folder: Path, name: str, data: Any, **changes: Any) -> None:
    source = (folder / f"{name}.yaml").read_bytes()
    form = {
        "format": vocab.PARSED_FORMAT,
        "source": f"{name}.yaml",
        "sha256": hashlib.sha256(source).hexdigest(),
    }
    form.update(data=data, **changes)
    (folder / "parsed" / f"{name}.json").write_bytes(orjson.dumps(form))


def test_a_fresh_form_is_what_load_returns(packaged_copy: Path) -> None:
    # A form made from the YAML's present bytes is used as it is: its data, not the YAML's.
    _rewrite_form(packaged_copy, "numbers", {"units": {"one": 1}, "from_the_form": True})
    assert vocab.load("numbers") == {"units": {"one": 1}, "from_the_form": True}


def test_a_stale_form_is_ignored(packaged_copy: Path) -> None:
    yaml_path = packaged_copy / "hematologic.yaml"
    form_before = (packaged_copy / "parsed" / "hematologic.json").read_bytes()
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8") + "\nadded_by_hand: [a phrase the form never saw]\n",
        encoding="utf-8",
    )
    assert (packaged_copy / "parsed" / "hematologic.json").read_bytes() == form_before  # now stale
    data = vocab.load("hematologic")
    assert data["added_by_hand"] == ["a phrase the form never saw"]
    assert _same(data, yaml.safe_load(yaml_path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda folder, path: path.write_bytes(b'{"format": 1, "data": '), id="cut short"),
        pytest.param(lambda folder, path: path.write_bytes(b"[1, 2]"), id="not a mapping"),
        pytest.param(lambda folder, path: path.unlink(), id="missing"),
        pytest.param(
            lambda folder, path: _rewrite_form(folder, "schedules", {"x": 1}, format=vocab.PARSED_FORMAT + 1),
            id="another format",
        ),
        pytest.param(
            lambda folder, path: _rewrite_form(folder, "schedules", {"x": 1}, source="numbers.yaml"),
            id="another file's form",
        ),
        pytest.param(
            lambda folder, path: _rewrite_form(folder, "schedules", {"x": 1}, sha256="0" * 64),
            id="other bytes",
        ),
    ],
)
def test_a_damaged_or_foreign_form_is_ignored(packaged_copy: Path, damage: Any) -> None:
    damage(packaged_copy, packaged_copy / "parsed" / "schedules.json")
    expected = yaml.safe_load((packaged_copy / "schedules.yaml").read_text(encoding="utf-8"))
    assert _same(vocab.load("schedules"), expected)


SPY = """
import atexit, json, sys
from imatinib_cli.__main__ import main
atexit.register(lambda: sys.stderr.write("EXIT " + json.dumps(sorted(sys.modules)) + "\\n"))
sys.argv = ["imx", "summarize", *sys.argv[1:]]
main()
"""


def _modules_at_exit(folder: Path, cache: Path) -> tuple[str, list[str]]:
    env = {**os.environ, "IMX_CACHE_DIR": str(cache), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", SPY, str(folder)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stderr.splitlines() if line.startswith("EXIT "))
    return done.stdout, json.loads(line[5:])


def test_runs_without_a_snapshot_never_import_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "trial.txt").write_text(
        "Imatinib for advanced gastrointestinal stromal tumors: a phase II trial.\n\n"
        "Forty patients with metastatic GIST received imatinib 400 mg daily. A partial response was "
        "seen in 20 patients (50%) and stable disease in 12 patients (30%).\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    # First run ever: extracts (every matcher built from the forms) and writes the snapshot.
    cold_output, cold = _modules_at_exit(folder, cache)
    assert "imatinib_cli.extract" in cold and "yaml" not in cold
    assert "GIST" in cold_output and "50" in cold_output
    # Extraction cache warm, snapshot gone: tumor_types and hematologic come from their forms.
    for snapshot in cache.glob("vocab-*.json"):
        snapshot.unlink()
    output, warm = _modules_at_exit(folder, cache)
    assert output == cold_output
    assert "yaml" not in warm and "imatinib_cli.extract" not in warm


def test_no_snapshot_when_a_value_json_cannot_hold_exactly(tmp_path: Path) -> None:
    # A --vocab entry with a YAML date (JSON would give text back): the run matches as usual but
    # writes no snapshot, so a later run never reads the date back as text.
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "tumor_types.yaml").write_text(
        "tumor_types:\n  - code: ZEBRA\n    synonyms: [zebra cell tumor]\n    seen: 2020-01-02\n",
        encoding="utf-8",
    )
    vocab.set_extra_dir(extra)
    try:
        hits = vocab.tumor_matcher().find("A zebra cell tumor was seen.")
        assert [(hit.key, hit.entry["seen"].isoformat()) for hit in hits] == [("ZEBRA", "2020-01-02")]
        assert vocab.adverse_event_matcher().find("grade 3 nausea")
        assert vocab.snapshot_files() == []
    finally:
        vocab.set_extra_dir(None)
    vocab.tumor_matcher()  # the packaged vocabularies alone: written
    assert len(vocab.snapshot_files()) == 1
