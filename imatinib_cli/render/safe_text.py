"""`safe_text`, the terminal escaping of document strings, lives in `imatinib_cli.safe_text` (the
folder walker in load/ shares its escaping); this name stays importable for the printers.

>>> from imatinib_cli.render.safe_text import safe_text
>>> safe_text("GIST\\x1b[2J")
'GIST\\\\x1b[2J'
"""

from __future__ import annotations

from imatinib_cli.safe_text import safe_text

__all__ = ["safe_text"]
