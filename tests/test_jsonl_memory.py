"""A serial --jsonl/--json run holds one document's work at a time (issue 12, "Memory of a stream").

Bounds on work, not on time or RSS: how many documents are extracted before the first of them is
handed on, and how many files the walk has read when a file's outputs come out. The outputs are
those the whole-file path (made_lean of process_file) gives, document for document.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imatinib_cli import execute
from imatinib_cli.load import RawFile, _walk

SENTENCE = (
    "Imatinib 400 mg daily was given to {n} patients with gastrointestinal stromal tumours; "
    "{m} had a partial response."
)


def _article(pmid: int) -> str:
    abstract = SENTENCE.format(n=20 + pmid, m=2 + pmid % 7)
    return (
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>"
        f"<ArticleTitle>Imatinib in stromal tumours, cohort {pmid}</ArticleTitle>"
        f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract>"
        f"</Article></MedlineCitation></PubmedArticle>"
    )


def _records_file(path: str, first: int, records: int, padding: int = 0) -> RawFile:
    """A PubMed XML file of `records` records; padding: a comment of that many bytes (the reader
    skips it) to make the file large without more documents to extract."""
    comment = f"<!-- {'x' * padding} -->" if padding else ""
    body = "".join(_article(first + index) for index in range(records))
    data = f'<?xml version="1.0"?>\n<PubmedArticleSet>{comment}{body}</PubmedArticleSet>\n'.encode()
    return RawFile(path, data, hashlib.sha256(data).hexdigest())


def _counting_extractions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Documents extracted so far, as a one-item list read while the run goes on."""
    done = [0]
    real = execute._extracted

    def counted(path: str, sha256: str, documents: list[Any]) -> Any:
        done[0] += len(documents)
        return real(path, sha256, documents)

    monkeypatch.setattr(execute, "_extracted", counted)
    return done


@pytest.mark.parametrize("form", ["jsonl", "json"])
def test_a_records_file_is_extracted_one_document_at_a_time(
    monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    records = _records_file("set.xml", 1, 12)
    expected = execute.made_lean(execute.process_file(*records), form=form, entry=False)
    done = _counting_extractions(monkeypatch)
    seen = []
    for document, lean in execute.execute(iter([records]), jobs=1, render=form):
        seen.append(done[0])
        assert lean is not None
        at = len(seen) - 1
        assert document == expected.documents[at]
        want = expected.items[at]
        assert want is not None
        assert lean.keys == want.keys
        assert pickle.loads(lean.findings) == pickle.loads(want.findings)  # type: ignore[arg-type]
        assert lean.study == want.study
    # The k-th document is handed on when k documents have been extracted: never the whole file first.
    assert seen == list(range(1, 13))
    assert [document.record for document, _ in execute.execute(iter([records]), jobs=1, render=form)] == list(
        range(12)
    )


def test_with_a_store_the_file_is_still_extracted_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a store the file's whole result is made (a cache entry is one file's), as before."""

    class Store:
        def get_many(self, sha256s: Any) -> dict[str, object]:
            return {}

        def put_many(self, items: Any) -> None:
            return None

    records = _records_file("set.xml", 1, 3)
    done = _counting_extractions(monkeypatch)
    store = Store()
    seen = [done[0] for _ in execute.execute(iter([records]), jobs=1, render="jsonl", store=store)]
    assert seen == [3, 3, 3]


def test_a_serial_run_reads_no_large_file_ahead() -> None:
    """Files over SERIAL_CHUNK_BYTES go one to a chunk: when a file's outputs come out, the walk has
    read that file and none after it (with 2 MiB chunks it had read all five)."""
    size = execute.SERIAL_CHUNK_BYTES
    files = [_records_file(f"{index}.xml", 10 * index + 1, 2, padding=size) for index in range(5)]
    pulled = [0]

    def walk() -> Iterator[RawFile]:
        for raw in files:
            pulled[0] += 1
            yield raw

    read_when_out = {
        document.path: pulled[0] for document, _ in execute.execute(walk(), jobs=1, render="jsonl")
    }
    assert read_when_out == {f"{index}.xml": index + 1 for index in range(5)}


def test_the_first_large_document_fixes_the_malloc_thresholds_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk reads a file of LARGE_FILE_BYTES or more, then keep_large_buffers_mapped is called,
    once; smaller files never call it (a run of them never imports ctypes)."""
    calls: list[str] = []

    def spy() -> bool:
        calls.append("fixed")
        monkeypatch.setattr(_walk, "_large_buffers_mapped", True)
        return True

    monkeypatch.setattr(_walk, "_large_buffers_mapped", False)
    monkeypatch.setattr(_walk, "keep_large_buffers_mapped", spy)
    small, large = tmp_path / "abstract.txt", tmp_path / "records.xml"
    small.write_bytes(b"x" * (_walk.LARGE_FILE_BYTES - 1))
    large.write_bytes(b"y" * _walk.LARGE_FILE_BYTES)
    assert _walk._read_checked("abstract.txt", str(small), 2 << 20) == b"x" * (_walk.LARGE_FILE_BYTES - 1)
    assert calls == []
    assert _walk._read_checked("records.xml", str(large), 2 << 20) == b"y" * _walk.LARGE_FILE_BYTES
    assert _walk._read_checked("records.xml", str(large), 2 << 20) == b"y" * _walk.LARGE_FILE_BYTES
    assert calls == ["fixed"]


# Frees a mapped 8 MB block (left to itself, glibc then raises its mmap threshold to 8 MB), then
# prints how many bytes more are in mapped blocks while a 2.6 MB bytes object (a records file's
# size) is alive.
_MAPPED_AFTER_A_LARGE_FREE = """
import ctypes
from imatinib_cli.load import _walk
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
        "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
assert _walk.keep_large_buffers_mapped() is True
block = bytes(8 << 20)
del block
before = libc.mallinfo2().hblkhd
data = bytes(2_600_000)
print(libc.mallinfo2().hblkhd - before)
"""


def test_a_records_files_bytes_are_mapped_after_a_large_free() -> None:
    """With the thresholds fixed a 2.6 MB buffer has its own mapping even after an 8 MB block was
    freed, so freeing it gives its pages back (left to glibc, it would come from the heap)."""
    import ctypes
    import subprocess
    import sys

    if not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "mallinfo2"):
        pytest.skip("malloc is not glibc 2.33 or later")
    command = [sys.executable, "-c", _MAPPED_AFTER_A_LARGE_FREE]
    mapped = int(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert mapped >= 2_600_000


def test_without_ctypes_the_thresholds_stay_and_nothing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python built without _ctypes: the first large file leaves glibc's defaults, no error."""
    import sys

    monkeypatch.setattr(_walk, "_large_buffers_mapped", False)
    monkeypatch.setitem(sys.modules, "ctypes", None)  # `import ctypes` raises ImportError
    assert _walk.keep_large_buffers_mapped() is False
    assert _walk._large_buffers_mapped is True  # asked once only
