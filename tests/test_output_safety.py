"""Output safe to show and to open (issue 11): document strings and file names never act on the
terminal, CSV cells are no formulas unless --csv-raw, Markdown cells are text to any viewer,
--plot and --output cannot name one file, and a reader that goes away ends the run by SIGPIPE.

Every document here is written by the test; the hostile strings are the classic ones: a CSI that
clears the screen, an OSC 8 hyperlink, the right-to-left override and the line separator.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, make_report, make_study_comparison
from typer.testing import CliRunner

from imatinib_cli import pipeline, render
from imatinib_cli.cli import SIGPIPE_STATUS, app
from imatinib_cli.models import Evidence
from imatinib_cli.render.csv import write_csv
from imatinib_cli.render.markdown import escape_cell, write_markdown
from imatinib_cli.render.safe_text import safe_text

runner = CliRunner()

CLEAR = "\x1b[2J"
LINK = "\x1b]8;;http://x\x07link\x1b]8;;\x07"
RLO = "\u202e"
LINE_SEPARATOR = "\u2028"
HOSTILE = f"{CLEAR} {LINK} {RLO}{LINE_SEPARATOR}"
ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, BOM = "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"
# Characters that draw nothing, escaped on the terminal (ZWNJ and ZWJ included: docs/robustness.md).
INVISIBLE = f"{ZWSP}{ZWNJ}{ZWJ}{LRM}{RLM}{ALM}\u2060\u2061\u2062\u2063\u2064\u206a\u206f{BOM}"

# Anything a terminal would obey or that shows as nothing: C0 but tab and newline, DEL, C1, bidi
# controls, line separators, zero-width characters and direction marks.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u061c\u200b-\u200f\u2060-\u2064\u206a-\u206f\ufeff]"
)

FILLER = "The drug was taken by mouth once a day and most people in this study tolerated it well. " * 40


def assert_safe(text: str) -> None:
    found = RAW_CONTROL.search(text)
    assert found is None, (
        f"raw {found.group()!r} at {found.start()}: {text[max(0, found.start() - 60) : found.end() + 20]!r}"
    )


def hostile_document(folder: Path, name: str = "hostile.txt") -> Path:
    """A trial report whose title, a counted sentence and a toxicity sentence carry the hostile
    strings (rich markup too), padded so that it stays under the 1% of control characters above which
    a file is taken for binary data."""
    path = folder / name
    path.write_text(
        f"Imatinib [bold]trial[/bold] {HOSTILE} in stromal tumors\n\n"
        f"We enrolled 40 patients with gastrointestinal stromal tumor {CLEAR}{LINK}{RLO} who received "
        f"imatinib 400 mg daily. Twelve patients had a partial response {CLEAR} and 2 had a complete "
        f"response. Grade 3 neutropenia {LINK} occurred in 12% of patients.\n\n{FILLER}\n",
        encoding="utf-8",
    )
    return path


# --- safe_text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (CLEAR, "\\x1b[2J"),
        (LINK, "\\x1b]8;;http://x\\x07link\\x1b]8;;\\x07"),
        ("over\rwrite", "over\\x0dwrite"),
        ("del\x7f", "del\\x7f"),
        ("8-bit CSI \x9b31m", "8-bit CSI \\x9b31m"),
        ("next line \x85", "next line \\x85"),
        ("exe.\u202efdp", "exe.\\u202efdp"),
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
        ("one\u2028two\u2029three", "one\\u2028two\\u2029three"),
        ("caf\udce9.txt", "caf\\xe9.txt"),  # an undecodable byte kept by surrogateescape
        ("lone \ud800", "lone \\ud800"),
        ("tab\tand newline\n", "tab\tand newline\n"),
        (f"report{ZWSP}.txt", "report\\u200b.txt"),  # looks like report.txt
        (f"N{ZWNJ}={ZWJ}40", "N\\u200c=\\u200d40"),
        (f"{LRM}40{RLM} patients{ALM}", "\\u200e40\\u200f patients\\u061c"),
        ("\u2060\u2061\u2062\u2063\u2064", "\\u2060\\u2061\\u2062\\u2063\\u2064"),
        ("\u206a\u206f", "\\u206a\\u206f"),  # deprecated format controls, invisible too
        (f"GIST{BOM} trial", "GIST\\ufeff trial"),
        ("soft\u00adhyphen, no-break\u00a0space, narrow\u202fspace", None),  # visible or harmless: kept
    ],
)
def test_safe_text_escapes_what_a_terminal_would_obey(raw: str, shown: str | None) -> None:
    shown = raw if shown is None else shown
    assert safe_text(raw) == shown
    assert safe_text(shown) == shown  # idempotent: applied by a printer and again by the console
    assert_safe(safe_text(raw))


def test_safe_text_leaves_clean_text_alone() -> None:
    clean = "Imatinib 400 mg/day – 53.7% (95% CI 41–66) · Ménétrier [bold]x[/bold] \\x1b"
    assert safe_text(clean) is clean


def test_zero_width_joiners_are_escaped_in_quotes_too() -> None:
    """The choice made for ZWNJ and ZWJ (docs/robustness.md): escaped everywhere on the terminal, a
    Persian word or an emoji sequence in a quote included; JSON keeps the real characters."""
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # mi-khaham: ZWNJ inside a word
    assert safe_text(persian) == "\u0645\u06cc\\u200c\u062e\u0648\u0627\u0647\u0645"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert safe_text(family) == "\U0001f468\\u200d\U0001f469\\u200d\U0001f467"


def test_one_escaping_for_terminals_and_for_file_names() -> None:
    """render.safe_text is the module outside render/ (load/ uses it); the walker's printable takes its
    control part from there and keeps invisible characters, like U+202E, as real characters of the
    name (the JSON path); the terminal shows them escaped."""
    from imatinib_cli import safe_text as shared
    from imatinib_cli.load._walk import printable

    assert safe_text is shared.safe_text
    assert shared.escape_controls("a\tb\nc\x1b\x9b") == "a\\x09b\\x0ac\\x1b\\x9b"
    assert printable(f"scan\n{ZWSP}{RLO}.txt") == f"scan\\x0a{ZWSP}{RLO}.txt"
    assert printable("caf\udce9\t.txt") == "caf\\xe9\\x09.txt"
    assert safe_text(printable(f"report{ZWSP}.txt")) == "report\\u200b.txt"
    assert safe_text(printable("report\\u200b.txt")) == "report\\\\u200b.txt"  # the look-alike differs


def test_json_escapes_what_safe_text_escapes() -> None:
    """render/json.py's _RAW_UNSAFE and safe_text agree on every character of the Basic Multilingual
    Plane above C0 (which JSON escapes itself): one is escaped as \\uXXXX in JSON text exactly when the
    other escapes it on the terminal."""
    from imatinib_cli.render.json import _escape_for_terminals

    for code in range(0x7F, 0x10000):
        character = chr(code)
        encoded = json.dumps(character, ensure_ascii=False)
        in_json = _escape_for_terminals(encoded)
        assert (in_json != encoded) == (safe_text(character) != character), hex(code)
        assert json.loads(in_json) == character


# --- tables, --evidence, warnings and errors -----------------------------------------------------


def test_summarize_table_and_evidence_show_escapes(tmp_path: Path) -> None:
    hostile_document(tmp_path)
    for options in ([], ["--evidence"]):
        result = runner.invoke(app, ["summarize", str(tmp_path), "--jobs", "1", *options])
        assert result.exit_code == 0, result.output
        assert_safe(result.stdout)
        assert_safe(result.stderr)
        # The title line: the escapes are visible, and rich markup is shown as written.
        assert "Imatinib [bold]trial[/bold] \\x1b[2J \\x1b]8;;http://x\\x07link\\x1b]8;;\\x07 \\u202e" in (
            result.stdout
        )
    assert (
        '"We enrolled 40 patients with gastrointestinal stromal tumor \\x1b[2J\\x1b]8;;http://x\\x07link'
        '\\x1b]8;;\\x07\\u202e who received imatinib 400 mg daily."' in result.stdout
    )
    assert 'PR 12 (30%*): "Twelve patients had a partial response \\x1b[2J and 2' in result.stdout


def test_compare_tables_show_escapes(tmp_path: Path) -> None:
    hostile_document(tmp_path)
    for by in ("study", "tumor-type", "toxicity"):
        result = runner.invoke(app, ["compare", str(tmp_path), "--by", by, "--jobs", "1"])
        assert result.exit_code == 0, result.output
        assert_safe(result.stdout)
        assert_safe(result.stderr)


def test_every_table_cell_is_escaped_and_never_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered from models, so every cell a document can reach is covered: a population label, a
    study population in the comparison, an excluded study's reason, a note."""
    monkeypatch.setenv("COLUMNS", "400")  # no cell wrapped over two lines
    report = make_report()
    study = report.studies[0]
    population = replace(study.populations[0], label=f"[link=http://x]cohort[/link] {HOSTILE}")
    report = replace(report, studies=(replace(study, populations=(population, *study.populations[1:])),))
    out = io.StringIO()
    render.print_summary(report, render.file_console(out))
    assert_safe(out.getvalue())
    assert "[link=http://x]cohort[/link] \\x1b[2J" in out.getvalue()

    comparison = make_study_comparison()
    row = replace(comparison.rows[0], label=f"[red]arm[/red] {CLEAR}{RLO}")
    comparison = replace(
        comparison,
        rows=(row, *comparison.rows[1:]),
        excluded=((f"NCT0{RLO}", f"no results {LINK}"),),
        notes=(f"a note {CLEAR}",),
    )
    out = io.StringIO()
    render.print_comparison(comparison, render.file_console(out))
    shown = out.getvalue()
    assert_safe(shown)
    assert "[red]arm[/red]" in shown
    assert "NCT0\\u202e: no results \\x1b]8;;http://x\\x07link" in shown
    assert "a note \\x1b[2J" in shown


def test_the_console_escapes_what_a_printer_forgot() -> None:
    """The consoles imx makes escape every text segment they write (a render hook), whatever the caller
    passed, while rich's own styles still work."""
    out = io.StringIO()
    console = render.file_console(out)
    console.print(f"raw {CLEAR}{RLO}", markup=False)
    assert out.getvalue() == "raw \\x1b[2J\\u202e\n"


def test_warning_and_error_lines_show_escapes(tmp_path: Path) -> None:
    (tmp_path / f"report{RLO}fdp.exe").write_bytes(b"\x00binary")
    (tmp_path / f"two{LINE_SEPARATOR}lines.txt").write_bytes(b"\x00other binary")
    (tmp_path / f"hidden{ZWSP}{ZWJ}.txt").write_bytes(b"\x00third binary")
    hostile_document(tmp_path)
    result = runner.invoke(app, ["summarize", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 0
    assert_safe(result.stderr)
    assert f"imx: warning: {tmp_path}/report\\u202efdp.exe: binary file (NUL bytes)" in result.stderr
    assert f"imx: warning: {tmp_path}/two\\u2028lines.txt: binary file (NUL bytes)" in result.stderr
    assert f"imx: warning: {tmp_path}/hidden\\u200b\\u200d.txt: binary file (NUL bytes)" in result.stderr

    missing = str(tmp_path / f"gone{CLEAR}{RLO}.txt")
    result = runner.invoke(app, ["summarize", missing])
    assert result.exit_code == 2
    assert result.stderr == f"imx: error: {tmp_path}/gone\\x1b[2J\\u202e.txt: no such file or directory\n"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_file_names_that_look_alike_print_differently(tmp_path: Path) -> None:
    """A Latin-1 name (byte 0xE9), the UTF-8 name, and a name holding a real backslash-x-e-9: three
    files, three different paths on stderr and in the JSON."""
    folder = os.fsencode(tmp_path)
    names = [b"caf\xe9.txt", "café.txt".encode(), b"caf\\xe9.txt"]
    for index, name in enumerate(names):
        with open(os.path.join(folder, name), "wb") as file:
            file.write(b"\x00binary " + bytes([index]))
    result = runner.invoke(app, ["summarize", str(tmp_path), "--json", "--jobs", "1"])
    assert result.exit_code == 1  # nothing usable
    warned = sorted(line.split(": ")[2] for line in result.stderr.splitlines() if "warning" in line)
    assert warned == sorted(f"{tmp_path}/{name}" for name in ("caf\\xe9.txt", "café.txt", "caf\\\\xe9.txt"))
    paths = sorted(document["path"] for document in json.loads(result.stdout)["documents"])
    assert paths == warned


# --- JSON keeps the real strings ------------------------------------------------------------------


def test_json_keeps_the_real_strings_escaped_by_json(tmp_path: Path) -> None:
    hostile_document(tmp_path)
    result = runner.invoke(app, ["summarize", str(tmp_path), "--json", "--jobs", "1"])
    assert result.exit_code == 0
    assert_safe(result.stdout)  # ESC as \u001b, U+202E as \u202e ...
    assert "\\u001b[2J" in result.stdout and "\\u202e" in result.stdout
    title = json.loads(result.stdout)["studies"][0]["title"]
    assert title.startswith(f"Imatinib [bold]trial[/bold] {CLEAR} {LINK} {RLO}")  # ... and reads back real


def test_invisible_characters_are_shown_on_the_terminal_and_kept_in_json(tmp_path: Path) -> None:
    (tmp_path / "invisible.txt").write_text(
        f"Imatinib{INVISIBLE} in stromal tumors\n\nWe enrolled 40 patients with gastrointestinal stromal "
        f"tumor who received imatinib 400 mg daily. Twelve{ZWJ} patients had a partial response.\n",
        encoding="utf-8",
    )
    shown = (
        "\\u200b\\u200c\\u200d\\u200e\\u200f\\u061c\\u2060\\u2061\\u2062\\u2063\\u2064\\u206a\\u206f\\ufeff"
    )
    table = runner.invoke(
        app, ["summarize", str(tmp_path), "--evidence", "--jobs", "1"], env={"COLUMNS": "200"}
    )
    assert table.exit_code == 0, table.output
    assert_safe(table.stdout)
    assert f"Imatinib{shown} in stromal tumors" in table.stdout
    assert '"Twelve\\u200d patients had a partial response."' in table.stdout
    result = runner.invoke(app, ["summarize", str(tmp_path), "--json", "--jobs", "1"])
    assert result.exit_code == 0
    assert_safe(result.stdout)
    assert f"Imatinib{shown} in stromal tumors" in result.stdout  # the same escapes, as JSON's own
    assert json.loads(result.stdout)["studies"][0]["title"] == f"Imatinib{INVISIBLE} in stromal tumors"


# --- CSV: formulas and --csv-raw ------------------------------------------------------------------


def formula_comparison():
    """The study comparison with a first row whose evidence quote starts like a formula and holds ESC."""
    comparison = make_study_comparison()
    row = comparison.rows[0]
    quote = f'=HYPERLINK("http://x","click") 12 patients had a partial response {CLEAR}'
    row = replace(row, evidence=(Evidence("doc.txt", 0, len(quote), quote),), label=f"@SUM(1+1) {RLO}")
    return replace(comparison, rows=(row, *comparison.rows[1:]))


def test_csv_cells_are_neutralized_and_csv_raw_keeps_them() -> None:
    safe, raw = io.StringIO(), io.StringIO()
    write_csv(formula_comparison(), safe)
    write_csv(formula_comparison(), raw, raw=True)
    safe_row = next(csv.DictReader(io.StringIO(safe.getvalue())))
    raw_row = next(csv.DictReader(io.StringIO(raw.getvalue())))
    assert (
        safe_row["evidence"] == '\'=HYPERLINK("http://x","click") 12 patients had a partial response \\x1b[2J'
    )
    assert safe_row["label"] == "'@SUM(1+1) \\u202e"
    assert_safe(safe.getvalue())
    assert raw_row["evidence"] == f'=HYPERLINK("http://x","click") 12 patients had a partial response {CLEAR}'
    assert raw_row["label"] == f"@SUM(1+1) {RLO}"
    assert safe_row["n"] == raw_row["n"] != ""  # numbers are written as they are either way


@pytest.fixture
def stub_compare(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def compare(paths: list[str], **options: object):
        calls.append("compare")
        return make_report(), formula_comparison()

    monkeypatch.setattr(pipeline, "compare", compare)
    monkeypatch.chdir(ROOT)
    return calls


def test_csv_raw_option(stub_compare: list[str], tmp_path: Path) -> None:
    default = runner.invoke(app, ["compare", "seeds/", "--by", "study", "--csv"])
    raw = runner.invoke(app, ["compare", "seeds/", "--by", "study", "--csv-raw"])
    both = runner.invoke(app, ["compare", "seeds/", "--by", "study", "--csv", "--csv-raw"])
    assert default.exit_code == raw.exit_code == both.exit_code == 0
    default_row = next(csv.DictReader(io.StringIO(default.stdout)))
    raw_row = next(csv.DictReader(io.StringIO(raw.stdout)))
    assert default_row["evidence"].startswith("'=HYPERLINK(") and "\\x1b[2J" in default_row["evidence"]
    assert raw_row["evidence"].startswith("=HYPERLINK(") and CLEAR in raw_row["evidence"]
    assert both.stdout == raw.stdout
    target = tmp_path / "out.csv"
    written = runner.invoke(app, ["compare", "seeds/", "--by", "study", "--csv-raw", "-o", str(target)])
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text(encoding="utf-8") == raw.stdout

    calls = len(stub_compare)
    clash = runner.invoke(app, ["compare", "seeds/", "--csv-raw", "--json"])
    assert clash.exit_code == 2
    assert clash.stderr == "imx: error: --json and --csv-raw cannot be combined: choose one output format\n"
    assert len(stub_compare) == calls  # refused before any work


# --- Markdown -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src="http://x/t.png">', '&lt;img src="http://x/t.png"&gt;'),
        ("![t](http://x/t.png)", "!\\[t\\](http://x/t.png)"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("a | b", "a \\| b"),
        ("&amp; stays &amp;", "&amp;amp; stays &amp;amp;"),
        ("back\\slash", "back\\\\slash"),
        (f"esc {CLEAR}", "esc \\\\x1b\\[2J"),
    ],
)
def test_markdown_cells_escape_html_and_syntax(cell: str, escaped: str) -> None:
    assert escape_cell(cell) == escaped


def test_markdown_viewer_shows_document_strings_as_text() -> None:
    """Rendered by markdown-it (CommonMark with GFM tables, the parser rich itself uses): no tag, no
    image, no link comes from a document; the strings are there as text."""
    markdown_it = pytest.importorskip("markdown_it")
    comparison = make_study_comparison()
    quote = '<script>alert(1)</script> <img src="http://x/t.png"> ![t](http://x/t.png) a | b'
    row = replace(comparison.rows[0], evidence=(Evidence("doc.txt", 0, len(quote), quote),))
    comparison = replace(comparison, rows=(row, *comparison.rows[1:]), notes=("<b>note</b>",))
    out = io.StringIO()
    write_markdown(comparison, out)
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(out.getvalue())
    assert "<table>" in html
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "![t](http://x/t.png) a | b" in html
    assert "&lt;b&gt;note&lt;/b&gt;" in html


# --- --plot and --output naming one file ---------------------------------------------------------


@pytest.mark.parametrize(
    ("plot", "output"),
    [("f.svg", "f.svg"), ("./f.svg", "sub/../f.svg"), ("f.svg", "{tmp}/f.svg"), ("link.svg", "f.svg")],
)
def test_plot_and_output_naming_one_file_is_a_usage_error(
    plot: str, output: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "f.svg").write_text("the table", encoding="utf-8")
    (tmp_path / "link.svg").symlink_to(tmp_path / "f.svg")
    monkeypatch.setattr(pipeline, "compare", lambda *a, **k: pytest.fail("no work before a usage error"))
    output = output.format(tmp=tmp_path)
    result = runner.invoke(app, ["compare", str(ROOT / "seeds"), "--plot", plot, "--output", output])
    assert result.exit_code == 2
    assert result.stderr == (
        f"imx: error: --plot and --output name the same file ({Path(plot)}): the plot would overwrite the "
        "output\n"
    )
    assert (tmp_path / "f.svg").read_text(encoding="utf-8") == "the table"


# --- a reader that goes away ----------------------------------------------------------------------


def corpus(folder: Path, count: int) -> Path:
    """count small trial reports of our own, each a study with N, responders and a toxicity."""
    folder.mkdir()
    for index in range(count):
        (folder / f"doc{index:03d}.txt").write_text(
            f"Imatinib in advanced gastrointestinal stromal tumor: cohort {index}\n\n"
            f"We enrolled {30 + index % 50} patients with gastrointestinal stromal tumor who received "
            f"imatinib 400 mg daily at one of the participating centres over the two years of enrolment. "
            f"{3 + index % 9} patients had a partial response and 1 patient had a complete response, "
            "as judged by the investigators of each participating centre with the usual response "
            "criteria after a central review of every scan. "
            "Grade 3 neutropenia occurred in 12% of patients.\n",
            encoding="utf-8",
        )
    return folder


def closed_pipe(command: str, reader: str, cwd: Path) -> tuple[int, str, float]:
    """Run `imx COMMAND | READER` in bash; imx's own status (PIPESTATUS), its stderr, the seconds taken.
    capture_output waits for every holder of the stderr pipe, so a worker left running would show
    as a timeout here."""
    imx = Path(sys.executable).with_name("imx")
    script = f'"{imx}" {command} 2>imx.err | {reader} > /dev/null; echo "${{PIPESTATUS[0]}}"'
    started = time.monotonic()
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60, check=True
    )
    elapsed = time.monotonic() - started
    return int(done.stdout.strip()), (cwd / "imx.err").read_text(encoding="utf-8"), elapsed


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE")
def test_jsonl_stops_at_once_when_the_reader_goes_away(tmp_path: Path) -> None:
    """`--jsonl | head -1` with worker processes: the run ends with the next line written, the workers
    stopped, by SIGPIPE (status 141), nothing on stderr. Work is bounded by the extraction cache:
    what was stored is what was read, a few chunks of 16 files ahead, not the 300 files."""
    folder = corpus(tmp_path / "docs", 300)
    status, stderr, _ = closed_pipe(f"summarize {folder} --jsonl --jobs 2", "head -1", tmp_path)
    assert (status, stderr) == (SIGPIPE_STATUS, "")
    info = subprocess.run(
        [str(Path(sys.executable).with_name("imx")), "cache", "info", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(info.stdout)["entries"] < 100  # 32 measured: two chunks of 16


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE")
@pytest.mark.parametrize(
    ("command", "reader"),
    [
        ("summarize {docs} --json --jobs 1 --no-cache", "head -c 100"),
        ("summarize {docs} --jobs 1 --no-cache", "head -c 100"),
        ("compare {docs} --by study --json --jobs 1 --no-cache", "head -c 100"),
    ],
)
def test_closed_pipe_is_a_quiet_sigpipe(command: str, reader: str, tmp_path: Path) -> None:
    """Outputs written at the end (over the 64 KiB a pipe holds) stop when that write fails: 141 and
    no stderr, whichever way the output is written."""
    folder = corpus(tmp_path / "docs", 100)
    status, stderr, _ = closed_pipe(command.format(docs=folder), reader, tmp_path)
    assert (status, stderr) == (SIGPIPE_STATUS, "")


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE")
@pytest.mark.parametrize("command", ["--version", "--help", "compare --help"])
def test_help_and_version_into_a_closed_pipe(command: str, tmp_path: Path) -> None:
    """click and rich handle these writes themselves (exit 1); imx makes them the same quiet 141."""
    status, stderr, _ = closed_pipe(command, "true", tmp_path)
    assert (status, stderr) == (SIGPIPE_STATUS, "")


def test_progress_stops_the_run_when_the_reader_has_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the progress display on (stderr a terminal), each update asks whether stdout's reader is
    still there, so a long --json run stops at the next chunk rather than at its end."""
    from imatinib_cli import cli
    from imatinib_cli.execute import ProgressUpdate

    display = cli._ProgressDisplay()
    display(ProgressUpdate(16, 16, 0))  # a short run so far: nothing shown, nothing raised
    monkeypatch.setattr(cli, "_reader_left", lambda: True)
    with pytest.raises(BrokenPipeError):
        display(ProgressUpdate(32, 32, 0))
    display.close()
