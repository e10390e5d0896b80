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


# Characters that matter to line_from_piece: JSON's own, the `e+` of a big float, those escaped for
# terminals (DEL, a C1 control, a line separator), lone surrogates (a high one and a low one, which a
# parse would pair when side by side), a letter outside ASCII.
_TRICKY = st.text(alphabet=st.sampled_from('a "\\:,{}[]\n+e0\x7f\x9b\u2028\ud800\udc00é'), max_size=12)
_NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.integers(min_value=2**64, max_value=2**80),  # beyond 64 bits: orjson refuses them
    st.integers(min_value=-(2**80), max_value=-(2**63) - 1),
    st.floats(allow_nan=True, allow_infinity=True),
)
_VALUES = st.recursive(
    st.none() | st.booleans() | _NUMBERS | _TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TRICKY, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(_TRICKY.filter(lambda key: key != "type"), _VALUES, max_size=6))
def test_a_line_from_a_piece_is_the_line_whatever_the_values(study: dict) -> None:
    """line_from_piece (orjson's round trip, the cut or the exact parse, whichever it takes) gives
    the --jsonl line the study's values would: big integers, NaN, escapes and raw text included."""
    piece = render_json._dumps(study, indent=True).replace("\n", render_json._ITEM_NEWLINE)
    line = render_json._dumps({"type": "study", **study}, indent=False)
    assert render_json.line_from_piece(piece) == line
    assert render_json.line_from_piece(piece.encode("utf-8", "surrogatepass")) == line.encode(
        "utf-8", "surrogatepass"
    )


def test_orjson_writes_big_floats_with_an_exponent() -> None:
    """What line_from_piece's fast way relies on, with the orjson installed."""
    assert render_json._orjson_marks_big_floats()
    assert render_json.line_from_piece('{\n      "n": 18446744073709551616\n    }') == (
        '{"type":"study","n":18446744073709551616}'
    )
