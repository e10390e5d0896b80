from pathlib import Path

from extract_helpers import findings

from imatinib_cli import vocab


def test_a_user_vocabulary_reaches_the_extractors(tmp_path: Path) -> None:
    text = "Twenty patients with gut pacemaker tumours were treated; four had shrinkage by half."
    assert findings(text).populations[0].tumor_type is None
    (tmp_path / "tumor_types.yaml").write_text(
        "tumor_types:\n  - code: GIST\n    synonyms: [gut pacemaker tumour]\n", encoding="utf-8"
    )
    (tmp_path / "responses.yaml").write_text(
        "responses:\n  - category: pr\n    synonyms: [shrinkage by half]\n", encoding="utf-8"
    )
    vocab.set_extra_dir(tmp_path)
    try:
        (population,) = findings(text).populations
        assert population.tumor_type == "GIST" and population.tumor_group == "GIST"
        assert population.response("pr").count.value == 4
    finally:
        vocab.set_extra_dir(None)
    assert findings(text).populations[0].tumor_type is None
