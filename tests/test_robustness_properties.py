"""Issue 5, properties: arbitrary bytes and text never raise, never hang, and every input is accounted for.

Three levels, each with a deadline per example (a hang fails the test instead of stalling it):
- every reader on its own (sniff and read, whatever the text, with and without the reader's own
  markers in front), and the PDF reader on arbitrary bytes;
- the extractors (extract.extract runs all of them) on documents of every format read from
  arbitrary text;
- the whole pipeline (load_paths on a folder of arbitrary files, then extract and resolve through
  pipeline.summarize, then the JSON): one entry per file at least, every status known, every
  problem with a one-line reason, and the JSON encodable as UTF-8.

tests/test_load_properties.py and test_load_structured_properties.py cover load_bytes on random
fragments; scripts/fuzz.py runs the same checks on 100,000 mutated documents.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imatinib_cli import pipeline, render
from imatinib_cli.extract import extract
from imatinib_cli.load import load_paths, load_records, pdf
from imatinib_cli.load._dispatch import READERS
from imatinib_cli.models import Document
from imatinib_cli.resolve import resolve

STATUSES = ("ok", "skipped", "error")
DEADLINE = timedelta(seconds=10)
SHA = "0" * 64

# What makes each reader's sniff say yes, so arbitrary text behind it reaches read().
MARKERS: dict[str, tuple[str, ...]] = {
    "pubmed_xml": (
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>",
    ),
    "ctgov_xml": ("<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>",),
    "ctgov_json": ('{"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": "',),
    "html": ("<!DOCTYPE html><html><head><title>T</title></head><body><p>",),
    "data": ("<root>", "[", "{"),
    "medline": ("PMID- 12345\nTI  - ",),
    "ris": ("TY  - JOUR\nTI  - ",),
    "markdown": ("---\ntitle: ",),
    "ctgov_page": (
        "ClinicalTrials.gov Identifier: NCT00000001\nRecruitment Status : Completed\nStudy Type : ",
    ),
    "catalog_record": ("Hauptverfasser: A, B\nVeröffentlicht in: J 2002\nZusammenfassung: ",),
    "pubmed_page": ("PubMed Disclaimer\nAbstract\n",),
    "pubmed_legacy_page": ("Eur J Cancer. 2003 Sep;39(14):2006-11.\nAuthor information\n",),
    "text": ("",),
}
NUMBERS = st.sampled_from(
    (
        " 5 of 10 (50%) ",
        " n = 40 ",
        " 400 mg twice daily ",
        " grade 3/4 ",
        " CR ",
        " partial response ",
        "\n\n",
    )
)
TEXT = st.lists(st.one_of(st.text(max_size=60), NUMBERS), max_size=12).map("".join)


def accounted(documents: list[Document]) -> None:
    assert documents, "an input without a document"
    for document in documents:
        assert document.status in STATUSES
        # the dispatcher turns a reader's exception into an error; in these tests it is a bug
        assert " reader failed: " not in (document.reason or ""), document.reason
        if document.status != "ok":
            assert document.reason and "\n" not in document.reason
        if document.reason is not None:
            assert "\n" not in document.reason and "\r" not in document.reason


def _marker_of(reader: object) -> tuple[str, ...]:
    return MARKERS.get(reader.FORMAT, ("",))  # type: ignore[attr-defined]


def test_every_reader_has_markers() -> None:
    formats = {reader.FORMAT for reader in READERS}
    assert formats <= set(MARKERS) | {"json", "xml"}, formats - set(MARKERS)


@settings(max_examples=150, deadline=DEADLINE)
@given(st.sampled_from(READERS), st.data(), TEXT)
def test_every_reader_reads_any_text(reader: object, data: st.DataObject, text: str) -> None:
    marker = data.draw(st.sampled_from(_marker_of(reader)))
    for candidate in (text, marker + text):
        assert isinstance(reader.sniff(candidate), bool)  # type: ignore[attr-defined]
        result = reader.read("doc", SHA, candidate)  # type: ignore[attr-defined]
        documents = [result] if isinstance(result, Document) else list(result)
        for document in documents:
            assert document.status in STATUSES


@settings(max_examples=200, deadline=DEADLINE)
@given(st.text(max_size=200), TEXT)
def test_any_front_matter_is_read_or_refused_with_a_reason(header: str, body: str) -> None:
    """Whatever sits between the --- lines (control characters, tags, anchors, broken YAML)."""
    text = f"---\ntitle: x\n{header}\n---\n\n{body}"
    for document in load_records("doc.md", text.encode("utf-8", errors="surrogatepass")):
        accounted([document])
        assert document.reason is None or " reader failed: " not in document.reason, document.reason


@settings(max_examples=100, deadline=DEADLINE)
@given(st.binary(max_size=400))
def test_the_pdf_reader_reads_any_bytes(data: bytes) -> None:
    for candidate in (data, b"%PDF-1.4\n" + data + b"\n%%EOF\n"):
        document = pdf.read("doc.pdf", SHA, candidate)
        accounted([document])


@settings(max_examples=150, deadline=DEADLINE)
@given(st.sampled_from(READERS), st.data(), TEXT)
def test_extractors_take_any_document(reader: object, data: st.DataObject, text: str) -> None:
    marker = data.draw(st.sampled_from(_marker_of(reader)))
    documents = load_records("doc", (marker + text).encode("utf-8", errors="surrogatepass"))
    accounted(documents)
    findings = [extract(document) for document in documents if document.status == "ok"]
    resolve(findings)


@settings(max_examples=100, deadline=DEADLINE)
@given(st.binary(max_size=600))
def test_any_bytes_through_load_extract_resolve(data: bytes) -> None:
    documents = load_records("doc", data)
    accounted(documents)
    resolve([extract(document) for document in documents if document.status == "ok"])


@settings(
    max_examples=40,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=300),
            TEXT.map(lambda text: text.encode("utf-8", errors="surrogatepass")),
            TEXT.map(lambda text: text.encode("utf-16")),
            st.sampled_from(tuple(marker for markers in MARKERS.values() for marker in markers)).map(
                str.encode
            ),
        ),
        max_size=6,
    )
)
def test_the_whole_pipeline_accounts_for_every_file(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, data in enumerate(files):
            path = Path(folder, f"f{index}.txt")
            path.write_bytes(data)
            paths.append(str(path))
        # one file also named directly, after the folder: reported as the same file
        paths_given = [folder, paths[0]] if files else [folder]
        report = pipeline.summarize(paths_given)
        documents = list(report.documents)
        accounted(documents)
        for path in paths:
            assert any(document.path == path for document in documents), path
        if not files:
            assert [(d.path, d.reason) for d in documents] == [(folder, "empty folder (no files in it)")]
        else:
            # Documents are listed by path (summarize's canonical order): the second mention of
            # the file comes right after the first.
            last = [document for document in documents if document.path == paths[0]][-1]
            assert (last.path, last.status) == (paths[0], "skipped")
            assert last.reason == f"duplicate of {paths[0]} (the same file)"
        text = json.dumps(render.summary_json(report), ensure_ascii=False)
        text.encode("utf-8")


def test_load_paths_lists_a_file_once_per_mention(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Imatinib 400 mg.\n")
    documents = load_paths([str(tmp_path), str(tmp_path / "a.txt"), str(tmp_path)])
    assert [(d.path, d.status) for d in documents] == [
        (str(tmp_path / "a.txt"), "ok"),
        (str(tmp_path / "a.txt"), "skipped"),
        (str(tmp_path), "skipped"),
    ]
    assert documents[2].reason == f"folder already read as {tmp_path}"


def test_a_number_beyond_float_range_does_not_crash_extraction() -> None:
    """Found by scripts/fuzz.py (int(float('inf')) in extract/numbers.py), fixed there."""
    (document,) = load_records("doc", f"Of {'9' * 400} patients, 5 responded.\n".encode())
    extract(document)


def test_a_number_beyond_float_range_does_not_stop_a_run(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_text(f"Of {'9' * 400} patients, 5 responded.\n")
    (tmp_path / "fine.txt").write_text("Imatinib 400 mg daily was given to 20 patients; 5 (25%) responded.\n")
    report = pipeline.summarize([str(tmp_path)])
    statuses = {os.path.basename(d.path): d.status for d in report.documents}
    assert statuses["fine.txt"] == "ok"
    assert statuses["huge.txt"] in ("ok", "error")
