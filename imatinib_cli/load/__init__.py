"""Load stage: paths (files, folders, "-" for stdin) in, Documents out: one per record of a file.

Every file is accounted for: a file that cannot be read as a document still yields a Document
with status "skipped" or "error" and a one-line reason. Formats are recognized from content,
never from the file name; see _dispatch.READERS for the text readers and their order, and pdf.py
for PDF files (read from their bytes, with the optional `pdf` extra). A file holding several
records (a PubMed XML set, a MEDLINE or RIS export, a ClinicalTrials.gov study list) yields one
Document per record, numbered by Document.record. docs/formats.md lists every format.

An "ok" Document may still carry a reason: a warning the reader should see (bytes replaced by
U+FFFD in decoding, YAML front matter that was refused). docs/robustness.md lists every case.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from types import ModuleType
from typing import TYPE_CHECKING

from imatinib_cli.errors import UsageError
from imatinib_cli.load._build import skipped
from imatinib_cli.load._walk import (
    STDIN,
    UNKNOWN_FORMAT,
    KnownFile,
    RawFile,
    UnreadFile,
    Walker,
    missing,
    printable,
    read_path_list,
)
from imatinib_cli.models import STATUS_ERROR, STATUS_OK, Document

if TYPE_CHECKING:
    from imatinib_cli.cache import StatIndex
    from imatinib_cli.load._decode import Decoded

__all__ = [
    "MAX_FILE_BYTES",
    "KnownFile",
    "RawFile",
    "UnreadFile",
    "load_bytes",
    "load_paths",
    "load_records",
    "read_file",
    "read_path_list",
    "walk_paths",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
_READ: tuple[ModuleType, Callable[[bytes], Decoded], Callable[[str, str, str], list[Document]]] | None = None


def load_paths(
    paths: Sequence[str], *, follow_links: bool = False, max_bytes: int = MAX_FILE_BYTES
) -> list[Document]:
    """Documents for every file under the given paths, in a deterministic order.

    Paths are taken in the order given; a folder contributes its files recursively, sorted by
    relative path. Only regular files are read; everything else met (FIFOs, devices, links to
    folders unless follow_links, dangling links, loops, unreadable folders and files, files over
    max_bytes, copies of a file already read) becomes a Document with status "skipped" or "error"
    and a one-line reason (see _walk.py). Raises UsageError for a path that does not exist (checked
    for all paths before any file is read), for '-' given twice and for a max_bytes below 1; never
    raises for a file's content.
    """
    return [
        document
        for item in walk_paths(paths, follow_links=follow_links, max_bytes=max_bytes)
        for document in (read_file(*item) if isinstance(item, RawFile) else (item,))
    ]


def walk_paths(
    paths: Sequence[str],
    *,
    follow_links: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    index: StatIndex | None = None,
    unread_below: int = 0,
) -> Iterator[Document | RawFile | KnownFile | UnreadFile]:
    """load_paths without the reading: in the same order, each file's bytes to give to read_file, or
    the Document saying why a file is not read.

    The walk (order, duplicates by sha256, size limits, skip and error reasons) is cheap and stays
    with the caller; read_file is the heavy part, a pure function that may run elsewhere. The paths
    are checked (raising UsageError as load_paths does) before this returns; files are read only as
    the iterator advances, so a caller can stream a large tree. index (cache.StatIndex): a file
    whose stat is as recorded there comes unread, as a KnownFile (read_later reads it).
    unread_below (without an index): a file smaller than this comes unread, as an UnreadFile
    (read_later reads it where the work runs), and files with the same bytes are left for the
    caller to find, in this order (execute(dedupe=True) does).
    """
    if max_bytes < 1:
        raise UsageError(f"the size limit must be at least 1 byte, not {max_bytes}")
    if list(paths).count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for path in paths:
        if path != STDIN and not os.path.exists(path):
            raise UsageError(f"{printable(path)}: {missing(path)}")
    walker = Walker(follow_links=follow_links, max_bytes=max_bytes, index=index, unread_below=unread_below)
    return walker.paths(list(paths))


def load_records(path: str, data: bytes) -> list[Document]:
    """The Documents of a file's bytes, one per record (sha256 is of exactly these bytes)."""
    return read_file(path, data, hashlib.sha256(data).hexdigest())


def load_bytes(path: str, data: bytes) -> Document:
    """The first Document of a file's bytes (use load_records for files with several records)."""
    return load_records(path, data)[0]


def _readers() -> tuple[ModuleType, Callable[[bytes], Decoded], Callable[[str, str, str], list[Document]]]:
    """pdf, decode and read_records, imported on the first file read, not with the package (a run
    whose files all come from the extraction cache never needs them), then kept: three import
    statements cost ~1.4 µs a file."""
    global _READ
    if _READ is None:
        from imatinib_cli.load import pdf
        from imatinib_cli.load._decode import decode
        from imatinib_cli.load._dispatch import read_records

        _READ = (pdf, decode, read_records)
    return _READ


def read_file(path: str, data: bytes, sha256: str) -> list[Document]:
    """The Documents of a file's bytes whose sha256 is known (never raises for the content)."""
    pdf, decode, read_records = _READ or _readers()
    if pdf.sniff(data):
        return [pdf.read(path, sha256, data)]
    decoded = decode(data)
    if decoded.text is None:
        return [
            skipped(
                path, sha256, UNKNOWN_FORMAT, decoded.reason or "unreadable", decoded.status or STATUS_ERROR
            )
        ]
    documents = read_records(path, sha256, decoded.text)
    if path == STDIN and len(documents) == 1 and documents[0].status == STATUS_OK:
        documents = _one_document(documents, decoded.text)
    if decoded.warning is None:
        return documents
    return [_warn(document, decoded.warning) for document in documents]


def _one_document(documents: list[Document], text: str) -> list[Document]:
    """Standard input read as one document, or refused when it holds several joined (_stdin.py)."""
    from imatinib_cli.load._stdin import refusal, several_documents

    reason = several_documents(text)
    if reason is None:
        return documents
    first = documents[0]
    return [skipped(first.path, first.sha256, first.format, refusal(reason))]


def _warn(document: Document, warning: str) -> Document:
    """An ok Document carries its warnings in reason (a skipped record keeps its own reason)."""
    if document.status != STATUS_OK:
        return document
    reason = f"{document.reason}; {warning}" if document.reason else warning
    return replace(document, reason=reason)
