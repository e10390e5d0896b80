"""A temporary on-disk store of Findings, so a streamed run holds none of them in memory.

`summarize --jsonl` writes each Findings here as soon as it is extracted (pickled, keyed by its
sequence number, in an SQLite file inside a TemporaryDirectory) and reads back one study's worth
at a time when it merges. Writes are batched into one transaction per BATCH items. Nothing here
outlives close(): the directory and the database in it are removed.

Pickle is safe here, unlike in the extraction cache (docs/security.md): the folder is a fresh
`mkdtemp` of this run (mode 0o700, a new random name), and the only process that reads the file
is the one that wrote it, during the same run; no other user can put a file there.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from imatinib_cli.models import Findings

BATCH = 256


class SpillStore:
    """Findings by sequence number, on disk. Use as a context manager."""

    def __init__(self, batch: int = BATCH) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="imx-spill-")
        self.path = Path(self._folder.name) / "findings.sqlite3"
        # isolation_level=None: transactions are begun and committed here, one per batch.
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE findings (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        self._batch = batch
        self._pending: list[tuple[int, bytes]] = []

    def put(self, seq: int, findings: Findings) -> None:
        self._pending.append((seq, pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO findings (seq, data) VALUES (?, ?)", self._pending)
        self._db.execute("COMMIT")
        self._pending.clear()

    def get(self, seqs: Sequence[int]) -> list[Findings]:
        """The Findings stored under seqs, in the order of seqs."""
        self.flush()
        found: dict[int, bytes] = {}
        for start in range(0, len(seqs), 500):  # stay under SQLite's limit on bound parameters
            chunk = seqs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._db.execute(f"SELECT seq, data FROM findings WHERE seq IN ({marks})", chunk).fetchall()
            )
        return [pickle.loads(found[seq]) for seq in seqs]  # noqa: S301 - written by this process

    def close(self) -> None:
        self._pending.clear()
        self._db.close()
        self._folder.cleanup()

    def __enter__(self) -> SpillStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
