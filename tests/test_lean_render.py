"""The lean path's faster forms give the bytes the plain ones gave (issue 12, load and the lean path).

The study text a worker renders is searched for characters a terminal would obey in orjson's UTF-8
bytes, or not at all in an ASCII text but for DEL; the JSON must come out as before.
"""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.render import json as render_json


def test_the_utf8_pattern_finds_what_the_text_pattern_finds() -> None:
    """Every code point but the lone surrogates (which orjson refuses), alone and inside text."""
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        found = render_json._RAW_UNSAFE_UTF8.search(("é" + char + "a").encode()) is not None
        assert found == (render_json._RAW_UNSAFE.search(char) is not None), hex(code)


def _old_dumps(data: dict, indent: bool) -> str:
    import orjson

    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0).decode()
    if render_json._RAW_UNSAFE.search(text) is None:
        return text
    return render_json._RAW_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_strings = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            " ",
            "\n",
            "\x7f",
            "\x85",
            "\x9f",
            "\xa0",
            "\u2013",
            "\u2028",
            "\u2065",
            "\u2066",
            "\ufeff",
            "é",
            "µ",
        ]
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_strings, st.one_of(_strings, st.lists(_strings, max_size=3)), max_size=4), st.booleans()
)
def test_dumps_as_before(data: dict, indent: bool) -> None:
    assert render_json._dumps(data, indent=indent) == _old_dumps(data, indent)
    assert render_json._escape_for_terminals(_old_dumps(data, indent)) == _old_dumps(data, indent)


def test_dumps_escapes_del_in_ascii_and_a_line_separator() -> None:
    assert render_json._dumps({"q": "a\x7fb"}, indent=False) == '{"q":"a\\u007fb"}'
    assert render_json._dumps({"q": "é\u2028"}, indent=False) == '{"q":"é\\u2028"}'
    assert render_json._dumps({"q": "é\u2065"}, indent=False) == '{"q":"é\u2065"}'


@settings(max_examples=100, deadline=None)
@given(_strings)
def test_a_workers_study_bytes_are_the_study_piece(title: str) -> None:
    """study_piece_utf8 (orjson's bytes as they are when nothing needs escaping) gives the UTF-8
    of study_piece, escaped characters included."""
    from dataclasses import replace

    from conftest import make_report

    for study in make_report().studies:
        changed = replace(study, title=title)
        expected = render_json.study_piece(changed).encode("utf-8", "surrogatepass")
        assert render_json.study_piece_utf8(changed) == expected
