"""imatinib_cli.safe_yaml and the front matter that goes through it (issue 11: `pmid: .inf`, 10,000 keys)."""

from __future__ import annotations

import itertools
import json
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imatinib_cli.cli import app
from imatinib_cli.load import markdown_doc
from imatinib_cli.safe_yaml import YamlProblem, alias_expansion, load

runner = CliRunner()

BODY = "Twenty patients with desmoid tumours took imatinib 400 mg daily; 4 had a partial response.\n"
LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=False)
)
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + LAUGHS  # 10^9 values once expanded


def test_aliases_are_expanded_within_the_limit() -> None:
    assert load("a: &x [1, 2]\nb: *x\n", max_expansion=10) == {"a": [1, 2], "b": [1, 2]}


def test_an_alias_bomb_is_measured_not_expanded() -> None:
    import yaml

    node = yaml.SafeLoader(BOMB).get_single_node()
    assert alias_expansion(node, 10_000) == 10_001  # stops at the limit
    with pytest.raises(YamlProblem, match=r"more than 10000 values \(an alias bomb\)"):
        load(BOMB, max_expansion=10_000)


def test_a_node_that_contains_itself_is_endless() -> None:
    with pytest.raises(YamlProblem, match="alias bomb"):
        load("a: &a [1, *a]\n", max_expansion=10_000)


def test_keys_written_out_are_not_an_expansion() -> None:
    source = "".join(f"k{i}: {i}\n" for i in range(20_000))
    assert len(load(source, max_expansion=10)) == 20_000


@pytest.mark.parametrize("fast", [False, True])
def test_python_tags_are_refused_and_named(fast: bool, tmp_path: Path) -> None:
    sentinel = tmp_path / "ran"
    with pytest.raises(YamlProblem) as caught:
        load(f"x: !!python/object/apply:os.system ['touch {sentinel}']\n", max_expansion=10, fast=fast)
    assert caught.value.tag == "!!python/object/apply:os.system"
    assert not sentinel.exists()


def test_malformed_yaml_is_one_line_with_its_line_number() -> None:
    with pytest.raises(YamlProblem) as caught:
        load("a: [1, 2\nb: 3\n", max_expansion=10)
    assert caught.value.reason == "malformed YAML (line 2: expected ',' or ']', but got ':')"
    assert "\n" not in caught.value.reason


def front_matter(tmp_path: Path, header: str) -> tuple[dict, str]:
    path = tmp_path / "record.md"
    path.write_text(f"---\ntitle: Imatinib for desmoid tumours\n{header}---\n\n{BODY}", encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(path), "--json"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (".inf", "inf"),
        (".nan", "nan"),
        ("-.inf", "-inf"),
        ("-5", "-5"),
        ("12.5", "12.5"),
        ("123456789012345", "123456789012345"),
        ("not-a-number", "not-a-number"),
        ("0", "0"),
        ("yes", "True"),
        ("[1, 2]", "list"),
    ],
)
def test_a_pmid_that_is_not_one_gives_no_study_id(tmp_path: Path, value: str, shown: str) -> None:
    data, stderr = front_matter(tmp_path, f"pmid: {value}\n")
    (study,) = data["studies"]
    assert study["id"].startswith("title:")  # never PMID:inf
    message = f"front matter pmid {shown!r} is not a PubMed ID (1 to 9 digits): not used"
    assert data["documents"][0]["reason"] == message
    assert message in stderr


@pytest.mark.parametrize("value", ["12181401", "'PMID: 12181401'", "'12181401'"])
def test_a_good_pmid_is_the_study_id(tmp_path: Path, value: str) -> None:
    data, stderr = front_matter(tmp_path, f"pmid: {value}\n")
    assert data["studies"][0]["id"] == "PMID:12181401"
    assert data["documents"][0]["reason"] is None and stderr == ""


def test_a_doi_that_is_not_one_is_not_used(tmp_path: Path) -> None:
    data, _ = front_matter(tmp_path, "doi: .inf\n")
    assert data["studies"][0]["id"].startswith("title:")
    assert data["documents"][0]["reason"] == "front matter doi 'inf' is not a DOI (10.x/y): not used"


def test_a_plain_front_matter_of_10000_keys_is_read(tmp_path: Path) -> None:
    alphabet = string.ascii_letters + string.digits
    keys = ["".join(p) for p in itertools.product(alphabet, repeat=3)][:10_000]
    header = "pmid: 12181401\n" + "".join(f"{key}:\n" for key in keys)
    assert len(header) < markdown_doc.MAX_FRONT_MATTER_CHARS
    data, stderr = front_matter(tmp_path, header)
    assert data["studies"][0]["id"] == "PMID:12181401"
    assert data["studies"][0]["title"] == "Imatinib for desmoid tumours"
    assert stderr == ""


def test_a_front_matter_alias_bomb_is_still_refused(tmp_path: Path) -> None:
    data, stderr = front_matter(tmp_path, BOMB)
    reason = "YAML front matter ignored: its aliases expand to more than 10000 values (an alias bomb)"
    assert data["documents"][0]["reason"] == reason
    assert data["documents"][0]["status"] == "ok"  # the body is still read
    assert data["studies"][0]["populations"][0]["n"]["value"] == 20
