"""A test record's class body, shared by the tests that build one class with models.record and
the same with dataclasses and compare them (test_startup.py, test_speed_lean.py)."""

from __future__ import annotations

import dataclasses


def record_body() -> dict[str, object]:
    """Five fields: one required, two with plain defaults, one default_factory, one left out of
    comparison and repr (as Evidence-like records have)."""
    return {
        "__doc__": "A test record.",
        "__annotations__": {
            "name": "str",
            "values": "tuple[int, ...]",
            "note": "str | None",
            "extra": "tuple",
            "hidden": "object",
        },
        "values": (),
        "note": None,
        "extra": dataclasses.field(default_factory=lambda: (0,)),
        "hidden": dataclasses.field(default=None, compare=False, repr=False),
    }
