from pathlib import Path

from imatinib_cli.load import load_paths


def test_a_first_short_line_set_apart_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "abstract.txt"
    path.write_text(
        "Imatinib for desmoid tumours: a phase II trial.\n\n"
        "Background: Desmoid tumours are rare. Results: Forty patients were treated; 4 responded.\n",
        encoding="utf-8",
    )
    (document,) = load_paths([str(path)])
    assert document.metadata.title == "Imatinib for desmoid tumours: a phase II trial"
    kinds = {s.kind: document.text[s.start : s.end] for s in document.sections}
    assert kinds["title"] == "Imatinib for desmoid tumours: a phase II trial."
    assert kinds["body"].strip().startswith("Background:")


def test_text_without_that_layout_has_no_title(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Results: forty patients were treated and four responded to imatinib.\n", encoding="utf-8"
    )
    (document,) = load_paths([str(path)])
    assert document.metadata.title is None


def test_abstract_labels_split_the_body_with_their_offsets(tmp_path: Path) -> None:
    path = tmp_path / "labelled.txt"
    text = (
        "Imatinib in CML: a randomized trial.\n\n"
        "BACKGROUND: Patients who had no response to interferon were eligible.\n"
        "RESULTS: Twenty of 40 patients (50%) had a complete hematologic response.\n"
    )
    path.write_text(text, encoding="utf-8")
    (document,) = load_paths([str(path)])
    labelled = {s.label: document.text[s.start : s.end] for s in document.sections if s.label}
    assert set(labelled) == {"BACKGROUND", "RESULTS"}
    assert labelled["RESULTS"].startswith("RESULTS: Twenty of 40 patients")


def test_a_citation_line_before_the_title_is_not_the_title(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(
        "1. Lancet. 2004 Sep 25;364(9440):1127-34.\n\n"
        "Progression-free survival in GIST with high-dose imatinib: randomised trial.\n\n"
        "Author A, Author B.\n\nBACKGROUND: Imatinib 400 mg daily is standard.\n",
        encoding="utf-8",
    )
    (document,) = load_paths([str(path)])
    assert (
        document.metadata.title
        == "Progression-free survival in GIST with high-dose imatinib: randomised trial"
    )
