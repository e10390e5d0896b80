"""Load stage: paths (files, folders, "-" for stdin) in, Documents out: one per record of a file.

Every file is accounted for: a file that cannot be read as a document still yields a Document
with status "skipped" or "error" and a one-line reason. Formats are recognized from content,
never from the file name; see _dispatch.READERS for the text readers and their order, and pdf.py
for PDF files (read from their bytes, with the optional `pdf` extra). A file holding several
records (a PubMed XML set, a MEDLINE or RIS export, a ClinicalTrials.gov study list) yields one
Document per record, numbered by Document.record. docs/formats.md lists every format.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Sequence

from imatinib_cli.errors import UsageError
from imatinib_cli.load import pdf
from imatinib_cli.load._build import skipped
from imatinib_cli.load._decode import decode
from imatinib_cli.load._dispatch import read_records
from imatinib_cli.models import STATUS_ERROR, STATUS_SKIPPED, Document

__all__ = ["load_bytes", "load_paths", "load_records"]

STDIN = "-"
MAX_FILE_BYTES = 50 * 1024 * 1024
UNKNOWN_FORMAT = "unknown"
_CHUNK = 1024 * 1024


def load_paths(paths: Sequence[str]) -> list[Document]:
    """Documents for every file under the given paths, in a deterministic order.

    Paths are taken in the order given; a folder contributes its regular files recursively,
    sorted by relative path. Raises UsageError for a path that does not exist (checked for all
    paths before any file is read); never raises for a file's content.
    """
    for path in paths:
        if path != STDIN and not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    documents: list[Document] = []
    for path in paths:
        if path == STDIN:
            documents.extend(_load_stdin())
        elif os.path.isdir(path):
            documents.extend(_load_folder(path))
        else:
            documents.extend(load_file(path))
    return documents


def load_records(path: str, data: bytes) -> list[Document]:
    """The Documents of a file's bytes, one per record (sha256 is of exactly these bytes)."""
    sha256 = hashlib.sha256(data).hexdigest()
    if pdf.sniff(data):
        return [pdf.read(path, sha256, data)]
    decoded = decode(data)
    if decoded.text is None:
        return [
            skipped(
                path, sha256, UNKNOWN_FORMAT, decoded.reason or "unreadable", decoded.status or STATUS_ERROR
            )
        ]
    return read_records(path, sha256, decoded.text)


def load_bytes(path: str, data: bytes) -> Document:
    """The first Document of a file's bytes (use load_records for files with several records)."""
    return load_records(path, data)[0]


def load_file(path: str) -> list[Document]:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return [skipped(path, "", UNKNOWN_FORMAT, "not a regular file")]
        if info.st_size > MAX_FILE_BYTES:
            return [
                skipped(
                    path,
                    _hash_file(path),
                    UNKNOWN_FORMAT,
                    f"file too large ({info.st_size} bytes; limit {MAX_FILE_BYTES})",
                )
            ]
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return [skipped(path, "", UNKNOWN_FORMAT, f"cannot read file: {exc.strerror or exc}", STATUS_ERROR)]
    return load_records(path, data)


def _hash_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _load_stdin() -> list[Document]:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return [skipped(STDIN, "", UNKNOWN_FORMAT, "standard input is not available", STATUS_ERROR)]
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return [
            skipped(
                STDIN,
                hashlib.sha256(data).hexdigest(),
                UNKNOWN_FORMAT,
                f"input too large (more than {MAX_FILE_BYTES} bytes)",
                STATUS_SKIPPED,
            )
        ]
    return load_records(STDIN, data)


def _load_folder(root: str) -> list[Document]:
    """Regular files under root sorted by relative path; unlistable folders become error entries."""
    found: list[tuple[tuple[str, ...], str]] = []
    problems: list[Document] = []

    def on_error(error: OSError) -> None:
        where = error.filename or root
        problems.append(
            skipped(where, "", UNKNOWN_FORMAT, f"cannot list folder: {error.strerror or error}", STATUS_ERROR)
        )

    for folder, subfolders, files in os.walk(root, onerror=on_error):
        subfolders.sort()
        for name in files:
            full = os.path.join(folder, name)
            if os.path.isfile(full):
                found.append((tuple(os.path.relpath(full, root).split(os.sep)), full))
    found.sort()
    return [document for _, full in found for document in load_file(full)] + problems
