"""Load stage: walking paths, stdin, decoding, and files that are not documents."""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

import pytest

from imatinib_cli.errors import UsageError
from imatinib_cli.load import load_paths
from imatinib_cli.models import Document

ABSTRACT = "Imatinib 400 mg daily was given to 20 patients; 5 (25%) responded.\n"


def one(path: Path) -> Document:
    (document,) = load_paths([str(path)])
    return document


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", "a-c.txt", "A.txt", "a/a.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{name}: {ABSTRACT}")
    documents = load_paths([str(tmp_path)])
    relative = [os.path.relpath(d.path, tmp_path) for d in documents]
    assert relative == ["A.txt", "a/a.txt", "a/b/c.txt", "a/z.txt", "a-c.txt", "b.txt"]
    assert load_paths([str(tmp_path)]) == documents  # deterministic


def test_paths_keep_the_given_order_and_files_and_folders_mix(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "x.txt").write_text(ABSTRACT)
    (tmp_path / "single.txt").write_text(ABSTRACT)
    documents = load_paths([str(tmp_path / "single.txt"), str(tmp_path / "dir")])
    assert [Path(d.path).name for d in documents] == ["single.txt", "x.txt"]


def test_only_regular_files_are_read_from_folders_and_the_rest_reported(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text(ABSTRACT)
    (tmp_path / "link-to-nowhere").symlink_to(tmp_path / "missing")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
    documents = load_paths([str(tmp_path)])
    read = [Path(d.path).name for d in documents if d.status == "ok"]
    assert read == ["real.txt"]
    reported = {Path(d.path).name: d.reason for d in documents if d.status != "ok"}
    assert reported["link-to-nowhere"].startswith("dangling symbolic link")
    if hasattr(os, "mkfifo"):
        assert reported["pipe"] == "not a regular file (FIFO)"


def test_missing_path_raises_usage_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(UsageError, match="no such file or directory") as info:
        load_paths([str(tmp_path), missing])
    assert str(info.value) == f"{missing}: no such file or directory"


def test_sha256_is_of_the_file_bytes(tmp_path: Path) -> None:
    data = ("\ufeff" + ABSTRACT.replace("\n", "\r\n")).encode("utf-8")
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    assert one(path).sha256 == hashlib.sha256(data).hexdigest()


def test_empty_file_is_skipped_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    document = one(path)
    assert (document.status, document.reason, document.text) == ("skipped", "empty file", "")


def test_whitespace_only_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \r\n\t\n")
    document = one(path)
    assert document.status == "skipped" and "empty" in (document.reason or "")


@pytest.mark.parametrize(
    ("data", "signature"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP/Office"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    ],
)
def test_binary_file_is_skipped_with_reason(tmp_path: Path, data: bytes, signature: str) -> None:
    path = tmp_path / "paper.txt"  # the extension lies; the content decides
    path.write_bytes(data)
    document = one(path)
    assert document.status == "skipped"
    assert document.reason == f"binary file ({signature} signature)"
    assert document.text == "" and document.sections == ()


def test_binary_without_signature_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 8)
    document = one(path)
    assert document.status == "skipped" and "binary" in (document.reason or "")


def test_latin1_file_decodes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Étude de phase II: réponse chez 12 patients (café, naïve)\n".encode("latin-1"))
    document = one(path)
    assert document.status == "ok"
    assert document.text.startswith("Étude de phase II: réponse chez 12 patients (café, naïve)")


def test_cp1252_smart_quotes_decode(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes("The \u201cGleevec\u201d trial \u2013 400 mg\n".encode("cp1252"))
    assert one(path).text == "The \u201cGleevec\u201d trial \u2013 400 mg\n"


def test_crlf_and_cr_are_normalized(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"line one\r\nline two\rline three\r\n")
    document = one(path)
    assert document.text == "line one\nline two\nline three\n"
    (body,) = document.sections
    assert document.text[body.start : body.end] == "line one\nline two\nline three"


def test_utf8_bom_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ABSTRACT.encode())
    document = one(path)
    assert document.text == ABSTRACT
    assert document.sections[0].start == 0


def test_utf8_bom_does_not_hide_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Front matter after a BOM\r\n---\r\n\r\nBody text.\r\n")
    document = one(path)
    assert document.format == "markdown"
    assert document.metadata.title == "Front matter after a BOM"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_bom_decodes(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "utf16.txt"
    bom = {"utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe"}.get(codec, b"")
    path.write_bytes(bom + ABSTRACT.encode(codec))
    document = one(path)
    assert document.status == "ok"
    assert document.text == ABSTRACT


def test_utf16_without_bom_is_not_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(ABSTRACT.encode("utf-16-le"))
    assert one(path).status == "skipped"


def test_stdin_dash_reads_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\xef\xbb\xbfFrom stdin: 7 of 10 patients responded.\r\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    (document,) = load_paths(["-"])
    assert document.path == "-"
    assert document.status == "ok"
    assert document.text == "From stdin: 7 of 10 patients responded.\n"
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_stdin_empty_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    (document,) = load_paths(["-"])
    assert (document.path, document.status, document.reason) == ("-", "skipped", "empty file")


def test_unreadable_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(ABSTRACT)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that ignore file modes")
        document = one(path)
        assert document.status == "error"
        assert (document.reason or "").startswith("cannot read file")
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"studies": [{"nctId": "NCT00000000"}]}\n', "unrecognized format (JSON)"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet></PubmedArticleSet>\n',
            "unrecognized format (XML, root element <PubmedArticleSet>)",
        ),
    ],
)
def test_structured_data_without_a_reader_is_skipped(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "data.txt"
    path.write_text(text)
    document = one(path)
    assert (document.status, document.reason) == ("skipped", reason)


def test_every_file_yields_a_document(tmp_path: Path) -> None:
    payloads = {
        "ok.txt": ABSTRACT.encode(),
        "empty.txt": b"",
        "pdf.txt": b"%PDF-1.7 junk",
        "latin.txt": "caf\u00e9 12%".encode("latin-1"),
        "nul.txt": b"abc\x00def",
        "page.html": b"<html><body><p>Hello</p></body></html>",
    }
    for name, data in payloads.items():
        (tmp_path / name).write_bytes(data)
    documents = load_paths([str(tmp_path)])
    assert sorted(Path(d.path).name for d in documents) == sorted(payloads)
    assert all(d.status in ("ok", "skipped", "error") for d in documents)
    assert all(d.reason and "\n" not in d.reason for d in documents if d.status != "ok")


def test_reader_crash_becomes_an_error_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from imatinib_cli.load import plain_text

    def explode(path: str, sha256: str, text: str) -> Document:
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr(plain_text, "read", explode)
    path = tmp_path / "doc.txt"
    path.write_text(ABSTRACT)
    document = one(path)
    assert document.status == "error"
    assert document.reason == "text reader failed: ValueError: boom second line"


def test_format_is_sniffed_from_content_not_extension(tmp_path: Path) -> None:
    html = tmp_path / "looks-like.txt"
    html.write_text(
        "<!DOCTYPE html><html><head><title>T</title></head><body><h1>T</h1><p>Text.</p></body></html>"
    )
    text = tmp_path / "looks-like.html"
    text.write_text(ABSTRACT)
    assert one(html).format == "html"
    assert one(text).format == "text"
