"""Issue 5: every bad input gets a clear one-line answer, nothing is lost, nothing unsafe is run.

A corpus of bad inputs is generated here (nothing big is committed). Each case is put into a folder
beside two good documents (the text of seeds 001 and 002) and `imx summarize --json` is run on the
folder; for each case the test checks the exit code, the `imx: warning: PATH: reason` line, the
document's status and reason in the JSON, and that the good documents beside it are still read and
summarized into the same studies as on their own. The same case alone gives exit 1 (nothing usable)
or 0 (read with a warning), and `--strict` turns any warning into exit 1.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from conftest import load_schema, strict
from typer.testing import CliRunner

from imatinib_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "load"
GOOD = ("001_c0d7af0a8ff736a2.txt", "002_ab544946733a2db7.txt")
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_SKIP = (
    "running as root: file modes do not stop root from reading, so chmod cannot make the case; "
    "the monkeypatched PermissionError tests cover it"
)

runner = CliRunner()


def seed_bytes(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def data(self) -> dict:
        return json.loads(self.stdout)

    def documents(self) -> dict[str, dict]:
        return {_key(d): d for d in self.data["documents"]}

    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("imx: warning: ")]

    def study_ids(self) -> set[str]:
        return {study["id"] for study in self.data["studies"]}


def _key(document: dict) -> str:
    return document["path"] if not document["record"] else f"{document['path']}#{document['record']}"


SCHEMA = jsonschema.Draft202012Validator(strict(load_schema("summarize")))


def imx(*args: str, stdin: bytes | None = None) -> Run:
    result = runner.invoke(app, ["summarize", "--json", *args], input=stdin)
    assert "Traceback" not in result.stderr
    if result.stdout:
        SCHEMA.validate(json.loads(result.stdout))  # skipped entries, warnings on ok ones: all valid
    return Run(result.exit_code, result.stdout, result.stderr)


def write_good(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in GOOD:
        path = folder / f"good-{name}"
        path.write_bytes(seed_bytes(name))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def good_study_ids(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    folder = tmp_path_factory.mktemp("good")
    write_good(folder)
    run = imx(str(folder))
    assert run.exit_code == 0 and run.warnings() == []
    assert run.study_ids()
    return run.study_ids()


# --- the corpus ----------------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">\n' for i in range(1, 10))
    + "]>\n<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
    "<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>&xxe;</brief_title>"
    "</clinical_study>\n"
)
EXTERNAL_DTD_OVER_HTTP = (
    '<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd">'
    " %remote;]>\n<clinical_study><brief_title>T</brief_title></clinical_study>\n"
)


def alias_bomb() -> str:
    lines = [
        "---",
        "title: A bomb",
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    lines += ["authors: *a9", "---", "", "# A document under a bomb", "", "Imatinib was given.", ""]
    return "\n".join(lines)


def python_header(sentinel: Path) -> str:
    return (
        "---\n"
        f"title: !!python/object/apply:os.system ['touch {sentinel}']\n"
        "doi: 10.1000/x\n"
        "---\n\n# Pasted from the web\n\nImatinib 400 mg daily was given to 20 patients.\n"
    )


def nested_html(levels: int = 100_000) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Deep</title></head><body>"
        + "<div>" * levels
        + "<p>Imatinib 400 mg daily: 5 of 20 patients responded.</p>"
        + "</div>" * levels
        + "</body></html>\n"
    )


def invalid_utf8() -> bytes:
    """Seed 004 (UTF-8 with ö, ü and no-break spaces) with two stray bytes from another encoding."""
    data = seed_bytes("004_1673242aef2fa753.txt")
    cut = data.index(b"Unresectable")
    return data[:cut] + b"\xff\xfe" + data[cut:]


@dataclass
class Case:
    id: str
    build: Callable[[Path], str]  # makes the bad entry in the folder, returns its name there
    status: str
    reason: str  # a regular expression the whole reason must match
    usable_alone: bool = False  # read (with a warning) rather than skipped
    warns: bool = True
    alone_exit: int | None = None  # named on its own; None: 0 when usable alone, else 1


def _write(name: str, data: bytes | str) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return name

    return build


def _fifo(folder: Path) -> str:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(folder / "pipe.txt")
    return "pipe.txt"


def _socket(folder: Path) -> str:
    path = folder / "s.sock"
    if not hasattr(socket, "AF_UNIX") or len(str(path)) > 100:
        pytest.skip("no Unix sockets here, or the temporary path is too long for one")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the socket file stays
    return "s.sock"


def _device(folder: Path) -> str:
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    (folder / "null.txt").symlink_to("/dev/null")
    return "null.txt"


def _dangling(folder: Path) -> str:
    (folder / "gone.txt").symlink_to("missing.txt")
    return "gone.txt"


def _eloop(folder: Path) -> str:
    (folder / "ping").symlink_to("pong")
    (folder / "pong").symlink_to("ping")
    return "ping"


def _linked_folder(folder: Path) -> str:
    target = folder.parent / f"{folder.name}-elsewhere"
    target.mkdir()
    (target / "abstract.txt").write_text("Imatinib 400 mg daily was given to 12 patients.\n")
    (folder / "elsewhere").symlink_to(target, target_is_directory=True)
    return "elsewhere"


def _loop_to_self(folder: Path) -> str:
    (folder / "loop").symlink_to(".", target_is_directory=True)
    return "loop"


def _big_sparse(folder: Path) -> str:
    with open(folder / "dump.sql", "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    return "dump.sql"


def _duplicate(folder: Path) -> str:
    (folder / "zz-copy.txt").write_bytes(seed_bytes(GOOD[0]))
    return "zz-copy.txt"


def _hard_link(folder: Path) -> str:
    os.link(folder / f"good-{GOOD[0]}", folder / "zz-hardlink.txt")
    return "zz-hardlink.txt"


def _zip_with(member: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


def _truncated(fixture: str, fraction: float = 0.5) -> bytes:
    data = (FIXTURES / fixture).read_bytes()
    return data[: int(len(data) * fraction)]


TOO_LARGE = r"file too large \(200\.0 MiB; the limit is 50\.0 MiB, --max-bytes raises it\)"

CASES = [
    # walking
    Case("fifo", _fifo, "skipped", r"not a regular file \(FIFO\)"),
    Case("socket", _socket, "skipped", r"not a regular file \(socket\)"),
    Case("device", _device, "skipped", r"not a regular file \(character device\)"),
    Case(
        "dangling-link",
        _dangling,
        "skipped",
        r"dangling symbolic link \(to missing\.txt, which does not exist\)",
        alone_exit=2,
    ),
    Case("symlink-loop-eloop", _eloop, "skipped", r"symbolic link loop \(to pong\)", alone_exit=2),
    Case(
        "linked-folder",
        _linked_folder,
        "skipped",
        r"symbolic link to a folder \(.*-elsewhere\), not followed \(use --follow-links\)",
        alone_exit=0,  # a link named on the command line is followed
    ),
    Case(
        "link-to-itself",
        _loop_to_self,
        "skipped",
        r"symbolic link to a folder \(\.\), not followed .*",
        alone_exit=0,
    ),
    Case("duplicate", _duplicate, "skipped", r"duplicate of .*/good-001_c0d7af0a8ff736a2\.txt", alone_exit=0),
    Case(
        "hard-link",
        _hard_link,
        "skipped",
        r"duplicate of .*/good-001_c0d7af0a8ff736a2\.txt \(the same file\)",
        alone_exit=0,  # on its own it is the only copy
    ),
    # sniffing
    Case("sparse-200MB", _big_sparse, "skipped", TOO_LARGE),
    Case("empty", _write("empty.txt", b""), "skipped", r"empty file"),
    Case("whitespace", _write("blank.txt", b"  \r\n\t\n"), "skipped", r"empty file \(whitespace only\)"),
    Case(
        "png",
        _write("figure.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "skipped",
        r"binary file \(PNG signature\)",
    ),
    Case(
        "jpeg",
        _write("scan.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        "skipped",
        r"binary file \(JPEG signature\)",
    ),
    Case(
        "gzip",
        _write("export.xml.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00"),
        "skipped",
        r"binary file \(gzip signature\)",
    ),
    Case(
        "docx",
        _write("paper.docx", _zip_with("word/document.xml")),
        "skipped",
        r"binary file \(ZIP/Office signature\)",
    ),
    Case(
        "xlsx",
        _write("table.xlsx", _zip_with("xl/workbook.xml")),
        "skipped",
        r"binary file \(ZIP/Office signature\)",
    ),
    Case(
        "ole",
        _write("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        "skipped",
        r"binary file \(MS Office signature\)",
    ),
    Case(
        "pdf-cut-short",
        _write("cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n"),
        "skipped",
        r"binary file \(PDF signature\)",
    ),
    Case(
        "pdf-damaged",
        _write("damaged.pdf", b"%PDF-1.7\n\x00garbage\x01 not a pdf body\n%%EOF\n"),
        "(skipped|error)",
        r"(PDF could not be read: .*|PDF has no text layer .*)",
    ),
    Case("nul-bytes", _write("blob.bin", bytes(range(256)) * 4), "skipped", r"binary file \(NUL bytes\)"),
    Case(
        "utf16-without-bom",
        _write("nobom.txt", "Imatinib 400 mg.".encode("utf-16-le")),
        "skipped",
        r"binary file \(NUL bytes\)",
    ),
    # decoding
    Case(
        "invalid-utf8",
        _write("stray-bytes.txt", invalid_utf8()),
        "ok",
        r"2 byte sequences not valid UTF-8 replaced by U\+FFFD \(the text around them may be incomplete\)",
        usable_alone=True,
    ),
    Case(
        "replacement-characters-in-file",
        _write("lost.txt", "Imatinib 400 mg \ufffd daily; 5 of 20 patients \ufffd responded.\n"),
        "ok",
        r"2 replacement characters \(U\+FFFD\) already in the file",
        usable_alone=True,
    ),
    Case(
        "latin1",
        _write("latin1.txt", seed_text("004_1673242aef2fa753.txt").encode("latin-1")),
        "ok",
        r"",
        usable_alone=True,
        warns=False,
    ),
    Case(
        "cp1252",
        _write(
            "cp1252.txt", "The \u201cGleevec\u201d trial \u2013 imatinib 400 mg daily.\n".encode("cp1252")
        ),
        "ok",
        r"",
        usable_alone=True,
        warns=False,
    ),
    Case(
        "utf16-bom",
        _write("utf16.txt", codecs.BOM_UTF16_LE + seed_text("003_876e63d0dccf54ca.txt").encode("utf-16-le")),
        "ok",
        r"",
        usable_alone=True,
        warns=False,
    ),
    Case(
        "utf16-bom-odd-length",
        _write("utf16-cut.txt", codecs.BOM_UTF16_BE + "Imatinib 400 mg daily.".encode("utf-16-be") + b"\x00"),
        "ok",
        r"1 byte sequence not valid UTF-16 replaced by U\+FFFD .*",
        usable_alone=True,
    ),
    # parsing
    Case(
        "billion-laughs",
        _write("laughs.xml", BILLION_LAUGHS),
        "skipped",
        r"XML refused for safety: it declares the entity 'lol' \(entities are not expanded\)",
    ),
    Case(
        "external-entity",
        _write("xxe.xml", EXTERNAL_ENTITY),
        "skipped",
        r"XML refused for safety: it declares the entity 'xxe'.*",
    ),
    Case(
        "external-dtd",
        _write("dtd.xml", EXTERNAL_DTD_OVER_HTTP),
        "skipped",
        r"XML refused for safety: it declares the entity 'remote'.*",
    ),
    Case(
        "truncated-pubmed-xml",
        _write("pubmed.xml", _truncated("pubmed_efetch_22663011_trametinib_melanoma.xml")),
        "error",
        r"truncated or malformed XML: .*",
    ),
    Case(
        "truncated-ctgov-json",
        _write("study.json", _truncated("ctgov_v2_NCT00763412_with_results.json")),
        "error",
        r"truncated or malformed JSON: .*",
    ),
    Case(
        "deep-json",
        _write("deep.json", '{"protocolSection": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        "error",
        r"truncated or malformed JSON: nested too deeply",
    ),
    Case(
        "wrong-shape-json",
        _write("data.json", '{"studies": [{"nctId": "NCT00000000"}]}'),
        "skipped",
        r"unrecognized format \(JSON\)",
    ),
    Case(
        "error-page",
        _write("record.html", (FIXTURES / "html_ctgov_invalid_nct_id_error_page.html").read_bytes()),
        "skipped",
        r".*error page.*",
    ),
    Case(
        "alias-bomb-yaml",
        _write("bomb.md", alias_bomb()),
        "ok",
        r"YAML front matter ignored: its aliases expand to more than 10000 values \(an alias bomb\)",
        usable_alone=True,
    ),
    Case(
        "python-tag-yaml",
        lambda folder: _write("pasted.md", python_header(folder / "PWNED"))(folder),
        "ok",
        r"YAML front matter ignored: the tag !!python/object/apply:os\.system is not allowed "
        r"\(only plain YAML values are read; nothing in a document is executed\)",
        usable_alone=True,
    ),
    Case(
        "malformed-yaml",
        _write("broken.md", "---\ntitle: [unclosed\nyear: 2002\n---\n\nImatinib.\n"),
        "ok",
        r"YAML front matter ignored: malformed YAML \(line \d+: .*\)",
        usable_alone=True,
    ),
    Case(
        "nested-html-100000",
        _write("deep.html", nested_html()),
        "ok",
        # 100,005 elements (the 100,000 levels and five more): past the limit per page, so the page
        # is read up to it, nesting and all (load/limits.py: MAX_PAGE_ELEMENTS)
        r"100,005 elements; only the first 100,000 are read \(the limit per page\)",
        usable_alone=True,
    ),
]


def _matches(pattern: str, text: str | None) -> bool:
    return re.fullmatch(pattern, text or "", flags=re.S) is not None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_beside_good_documents(tmp_path: Path, case: Case, good_study_ids: set[str]) -> None:
    folder = tmp_path / "corpus"
    good = write_good(folder)
    name = case.build(folder)
    path = str(folder / name)

    run = imx(str(folder))
    assert run.exit_code == 0, run.stderr
    documents = run.documents()
    document = documents[path]
    assert re.fullmatch(case.status, document["status"]), document
    assert _matches(case.reason, document["reason"]) if case.warns else document["reason"] is None, document
    if case.warns:
        assert f"imx: warning: {path}: {document['reason']}" in run.warnings()
    else:
        assert not any(line.startswith(f"imx: warning: {path}:") for line in run.warnings())
    for good_path in good:
        assert documents[str(good_path)]["status"] == "ok" and documents[str(good_path)]["reason"] is None
    assert good_study_ids <= run.study_ids()
    # every line on stderr is one warning for one document, nothing else
    assert len(run.warnings()) == sum(1 for d in documents.values() if d["status"] != "ok" or d["reason"])
    assert run.stderr.count("\n") == len(run.warnings())

    alone = imx(path)
    expected = case.alone_exit if case.alone_exit is not None else (0 if case.usable_alone else 1)
    assert alone.exit_code == expected, alone.stderr
    if expected == 2:  # a link that leads nowhere, named on the command line: a usage error
        assert alone.stderr == f"imx: error: {path}: {document['reason']}\n"
    elif expected == 1:
        assert alone.stderr.splitlines()[-1] == "imx: error: no usable document among 1 input(s)"
    strict = imx("--strict", str(folder))
    assert strict.exit_code == (1 if case.warns else 0)
    if case.warns:
        assert strict.stderr.splitlines()[-1].startswith("imx: error: --strict: ")
        assert strict.data["documents"] == run.data["documents"]  # the result is still printed


# --- cases that need more than a file ------------------------------------------------------------


def test_nothing_from_a_document_is_executed(tmp_path: Path) -> None:
    sentinel = tmp_path / "PWNED"
    (tmp_path / "pasted.md").write_text(python_header(sentinel))
    for tag in ("!!python/object/new:os.system", "!!python/name:os.system", "!!python/module:os"):
        (tmp_path / f"{tag.split(':')[-1].replace('.', '-')}-{tag.count('/')}.md").write_text(
            f"---\ntitle: {tag} ['touch {sentinel}']\n---\n\nBody.\n"
        )
    run = imx(str(tmp_path))
    assert not sentinel.exists()
    reasons = [d["reason"] for d in run.data["documents"]]
    assert all(
        reason and reason.startswith("YAML front matter ignored: the tag !!python/") for reason in reasons
    )


def test_external_entities_fetch_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    (tmp_path / "xxe.xml").write_text(EXTERNAL_ENTITY)
    (tmp_path / "dtd.xml").write_text(EXTERNAL_DTD_OVER_HTTP)
    shutil_copy = (FIXTURES / "pubmed_efetch_biopython_pubmed1.xml").read_bytes()  # names an external DTD
    (tmp_path / "pubmed.xml").write_bytes(shutil_copy)
    run = imx(str(tmp_path))
    assert run.exit_code == 0
    assert attempts == []
    assert "root:" not in run.stdout


def test_billion_laughs_and_alias_bomb_are_quick(tmp_path: Path) -> None:
    (tmp_path / "laughs.xml").write_text(BILLION_LAUGHS)
    (tmp_path / "bomb.md").write_text(alias_bomb())
    started = time.perf_counter()
    run = imx(str(tmp_path))
    assert time.perf_counter() - started < 10
    assert {d["status"] for d in run.data["documents"]} == {"skipped", "ok"}


def test_follow_links_reads_linked_folders_and_reports_loops(
    tmp_path: Path, good_study_ids: set[str]
) -> None:
    folder = tmp_path / "corpus"
    write_good(folder)
    _linked_folder(folder)
    _loop_to_self(folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)
    (folder / "zz-again").symlink_to(folder / "sub", target_is_directory=True)

    run = imx("--follow-links", str(folder))
    assert run.exit_code == 0
    documents = run.documents()
    assert documents[f"{folder}/elsewhere/abstract.txt"]["status"] == "ok"
    assert documents[f"{folder}/loop"]["reason"] == f"symbolic link loop: leads back to {folder}"
    assert documents[f"{folder}/sub/up"]["reason"] == f"symbolic link loop: leads back to {folder}"
    assert documents[f"{folder}/zz-again"]["reason"] == f"folder already read as {folder}/sub"
    assert good_study_ids <= run.study_ids()

    without = imx(str(folder))
    assert f"{folder}/elsewhere/abstract.txt" not in without.documents()
    assert without.documents()[f"{folder}/zz-again"]["reason"].endswith("not followed (use --follow-links)")


def test_two_links_to_one_folder_read_it_once(tmp_path: Path) -> None:
    target = tmp_path / "shared"
    target.mkdir()
    (target / "abstract.txt").write_text("Imatinib 400 mg daily was given to 12 patients.\n")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a").symlink_to(target, target_is_directory=True)
    (folder / "b").symlink_to(target, target_is_directory=True)
    run = imx("--follow-links", str(folder))
    documents = run.documents()
    assert documents[f"{folder}/a/abstract.txt"]["status"] == "ok"
    assert (documents[f"{folder}/b"]["status"], documents[f"{folder}/b"]["reason"]) == (
        "skipped",
        f"folder already read as {folder}/a",
    )


def test_a_directory_named_like_a_file_is_a_directory(tmp_path: Path, good_study_ids: set[str]) -> None:
    folder = tmp_path / "corpus"
    (folder / "export.xml").mkdir(parents=True)
    for name in GOOD:
        (folder / "export.xml" / name).write_bytes(seed_bytes(name))
    run = imx(str(folder))
    assert run.exit_code == 0 and run.warnings() == []
    assert sorted(run.documents()) == [f"{folder}/export.xml/{name}" for name in GOOD]
    assert run.study_ids() == good_study_ids


def test_sparse_file_over_the_limit_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "corpus"
    write_good(folder)
    big = folder / _big_sparse(folder)
    opened: list[str] = []
    real_open = os.open

    def spy(path: str | os.PathLike[str], *args: object, **kwargs: object) -> int:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    started = time.perf_counter()
    run = imx(str(folder))
    assert time.perf_counter() - started < 10
    assert run.exit_code == 0
    assert re.fullmatch(TOO_LARGE, run.documents()[str(big)]["reason"])
    assert run.documents()[str(big)]["sha256"] == ""
    assert str(big) not in opened
    assert any(path.endswith(GOOD[0]) for path in opened)  # the spy does see the files that are read


def test_max_bytes_option(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    good = write_good(folder)
    run = imx("--max-bytes", "3k", str(folder))
    sizes = {str(path): path.stat().st_size for path in good}
    for path, size in sizes.items():
        document = run.documents()[path]
        if size > 3 * 1024:
            assert document["status"] == "skipped"
            assert (
                document["reason"].startswith("file too large (")
                and "the limit is 3.0 KiB" in document["reason"]
            )
        else:
            assert document["status"] == "ok"
    assert imx("--max-bytes", "1M", str(folder)).warnings() == []
    for bad in ("0", "-5", "lots", "1.5M", ""):
        result = runner.invoke(app, ["summarize", "--max-bytes", bad, str(folder)])
        assert result.exit_code == 2, bad
        assert result.stderr.startswith("imx: error: --max-bytes ") and result.stderr[-1] == "\n"
        assert result.stdout == ""


def test_max_bytes_applies_to_stdin() -> None:
    run = imx("--max-bytes", "100", "-", stdin=seed_bytes(GOOD[0]))
    assert run.exit_code == 1
    (document,) = run.data["documents"]
    assert (document["path"], document["status"]) == ("-", "skipped")
    assert (
        document["reason"]
        == "file too large (more than 100 bytes; the limit is 100 bytes, --max-bytes raises it)"
    )


def test_stdin_beside_files_and_duplicates_of_stdin(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    good = write_good(folder)
    run = imx(str(folder), "-", stdin=seed_bytes(GOOD[0]))
    documents = run.documents()
    assert documents["-"]["reason"] == f"duplicate of {good[0]}"
    run = imx("-", str(folder), stdin=b"\x89PNG\r\n\x1a\n")
    assert run.exit_code == 0
    assert run.documents()["-"]["reason"] == "binary file (PNG signature)"
    assert "imx: warning: -: binary file (PNG signature)" in run.warnings()


def test_dash_twice_is_a_usage_error() -> None:
    result = runner.invoke(app, ["summarize", "-", "-"], input=b"x")
    assert result.exit_code == 2
    assert result.stderr == "imx: error: '-' (standard input) can be given only once\n"


def test_a_device_named_on_the_command_line_is_not_read() -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    run = imx("/dev/zero")  # reading it would never end
    assert run.exit_code == 1
    assert run.documents()["/dev/zero"]["reason"] == "not a regular file (character device)"


def _permission_denied(monkeypatch: pytest.MonkeyPatch, name: str, target: str) -> None:
    """os.<name> raises PermissionError for target, as for a file root does not own on a real system."""
    real = getattr(os, name)

    def fake(path: object, *args: object, **kwargs: object) -> object:
        # A descriptor (shutil.rmtree scans folders by descriptor) is never the target.
        if not isinstance(path, int) and os.fspath(path) == target:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", target)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)


def test_unreadable_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_study_ids: set[str]
) -> None:
    folder = tmp_path / "corpus"
    write_good(folder)
    secret = folder / "secret.txt"
    secret.write_text("Imatinib 400 mg daily.\n")
    _permission_denied(monkeypatch, "open", str(secret))
    run = imx(str(folder))
    assert run.exit_code == 0
    document = run.documents()[str(secret)]
    assert (document["status"], document["reason"]) == ("error", "cannot read file: Permission denied")
    assert f"imx: warning: {secret}: cannot read file: Permission denied" in run.warnings()
    assert good_study_ids <= run.study_ids()
    assert imx(str(secret)).exit_code == 1


def test_unreadable_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_study_ids: set[str]
) -> None:
    folder = tmp_path / "corpus"
    write_good(folder)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text("Imatinib 400 mg daily.\n")
    _permission_denied(monkeypatch, "scandir", str(locked))
    run = imx(str(folder))
    assert run.exit_code == 0
    document = run.documents()[str(locked)]
    assert (document["status"], document["reason"]) == ("error", "cannot list folder: Permission denied")
    assert f"imx: warning: {locked}: cannot list folder: Permission denied" in run.warnings()
    assert good_study_ids <= run.study_ids()


@pytest.mark.skipif(RUNNING_AS_ROOT, reason=ROOT_SKIP)
def test_unreadable_file_and_folder_by_file_mode(tmp_path: Path, good_study_ids: set[str]) -> None:
    folder = tmp_path / "corpus"
    write_good(folder)
    secret = folder / "secret.txt"
    secret.write_text("Imatinib 400 mg daily.\n")
    locked = folder / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text("Imatinib.\n")
    secret.chmod(0)
    locked.chmod(0)
    try:
        run = imx(str(folder))
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    assert run.exit_code == 0
    documents = run.documents()
    assert (documents[str(secret)]["status"], documents[str(secret)]["reason"]) == (
        "error",
        "cannot read file: Permission denied",
    )
    assert (documents[str(locked)]["status"], documents[str(locked)]["reason"]) == (
        "error",
        "cannot list folder: Permission denied",
    )
    assert good_study_ids <= run.study_ids()


def test_file_names_that_would_break_a_line_or_utf8(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX file names")
    folder = tmp_path / "corpus"
    write_good(folder)
    try:
        (folder / "two\nlines.txt").write_bytes(b"")
        (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_bytes(b"")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses these names")
    result = runner.invoke(app, ["summarize", "--json", str(folder)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # valid JSON, valid UTF-8
    paths = {d["path"] for d in data["documents"]}
    assert f"{folder}/two\\x0alines.txt" in paths
    assert f"{folder}/caf\\xe9.txt" in paths
    warnings = [line for line in result.stderr.splitlines() if line.startswith("imx: warning: ")]
    assert len(warnings) == 2 == result.stderr.count("\n")


def test_deep_folder_tree(tmp_path: Path) -> None:
    """Deeper than Python's recursion limit: walked with an explicit stack."""
    levels = [tmp_path]
    try:
        for _ in range(1100):
            levels.append(levels[-1] / "d")
            levels[-1].mkdir()
        (levels[-1] / "abstract.txt").write_bytes(seed_bytes(GOOD[0]))
    except OSError:
        pytest.skip("the file system refuses paths this long")
    try:
        run = imx(str(tmp_path))
        assert run.exit_code == 0
        assert [d["status"] for d in run.data["documents"]] == ["ok"]
    finally:  # shutil.rmtree recurses; take the tree down level by level
        (levels[-1] / "abstract.txt").unlink(missing_ok=True)
        for level in reversed(levels[1:]):
            level.rmdir()


def test_everything_bad_at_once_exits_1_and_lists_every_input(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    names = [
        case.build(folder)
        for case in CASES
        if not case.usable_alone and case.id not in ("duplicate", "hard-link", "socket")
    ]
    run = imx(str(folder))
    assert run.exit_code == 1
    documents = run.documents()
    assert {str(folder / name) for name in names} <= set(documents)
    assert all(d["status"] in ("skipped", "error") for d in documents.values())
    assert all(d["reason"] and "\n" not in d["reason"] for d in documents.values())
    assert run.stderr.splitlines()[-1] == f"imx: error: no usable document among {len(documents)} input(s)"
    assert len(run.warnings()) == len(documents)


def test_an_extractor_crash_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_study_ids: set[str]
) -> None:
    import imatinib_cli.extract as extract_package

    folder = tmp_path / "corpus"
    write_good(folder)
    crash = folder / "crash.txt"
    crash.write_text("This document makes the extractor fail.\n")
    real = extract_package.extract

    def extract(document):  # type: ignore[no-untyped-def]
        if document.path == str(crash):
            raise OverflowError("cannot convert float infinity to integer")
        return real(document)

    monkeypatch.setattr(extract_package, "extract", extract)
    run = imx(str(folder))
    assert run.exit_code == 0
    document = run.documents()[str(crash)]
    assert document["status"] == "error"
    assert document["reason"] == (
        "extraction failed (a bug in imx): OverflowError: cannot convert float infinity to integer"
    )
    assert good_study_ids <= run.study_ids()

    # --debug in a real process (pytest's own log handler would swallow the traceback here)
    code = (
        "import sys, imatinib_cli.extract as e;"
        "error = OverflowError('cannot convert float infinity to integer');"
        "e.extract = lambda d: (_ for _ in ()).throw(error);"
        "from imatinib_cli.cli import main;"
        f"sys.argv = ['imx', 'summarize', '--debug', {str(crash)!r}]; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1  # the only document failed: nothing usable
    assert "Traceback" in result.stderr and "OverflowError" in result.stderr
    assert f"imx: warning: {crash}: extraction failed (a bug in imx): OverflowError" in result.stderr
    plain = subprocess.run(
        [sys.executable, "-c", code.replace("'--debug', ", "")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "Traceback" not in plain.stderr


def test_usage_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    for args in (
        ["summarize", str(tmp_path / "missing")],
        ["summarize", "--max-bytes", "big", str(tmp_path)],
        ["summarize", "--no-such-option"],
        ["compare", "--max-bytes", "0", str(tmp_path)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.stderr


def test_an_empty_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = imx(str(tmp_path / "empty"))
    assert run.exit_code == 1
    assert run.warnings() == [f"imx: warning: {tmp_path / 'empty'}: empty folder (no files in it)"]
    assert run.stderr.splitlines()[-1] == "imx: error: no usable document among 1 input(s)"


def test_library_noise_never_reaches_stderr(tmp_path: Path) -> None:
    """pypdf logs and bs4 warns about damaged files; a real process prints only `imx:` lines."""
    (tmp_path / "bad.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nxref\n0 1\n"
        b"0000000000 65535 f \ntrailer << /Root 1 0 R >>\nstartxref\n9999\n%%EOF\n"
    )
    (tmp_path / "x.html").write_text(
        '<?xml version="1.0"?>\n<html><body><p>Imatinib 400 mg</p></body></html>\n'
    )
    (tmp_path / "u.html").write_text("<div>http://example.com</div>")
    command = [sys.executable, "-m", "imatinib_cli", "summarize", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert result.stderr.splitlines() and all(line.startswith("imx: ") for line in result.stderr.splitlines())
    debug = subprocess.run([*command, "--debug"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert all(line.startswith("imx: ") for line in debug.stderr.splitlines())


def test_compare_takes_the_same_input_options(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_good(folder)
    _linked_folder(folder)
    args = ["compare", "--json", str(folder)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"imx: warning: {folder}/elsewhere: symbolic link to a folder")
    json.loads(result.stdout)
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 1
    followed = runner.invoke(app, [*args, "--strict", "--follow-links"])
    assert (followed.exit_code, followed.stderr) == (0, "")
    small = runner.invoke(app, [*args, "--max-bytes", "1k"])
    assert small.exit_code == 1  # every file is over 1 KiB: nothing usable
    assert "file too large" in small.stderr


@pytest.mark.parametrize(
    "args",
    [["--version"], ["summarize", "--help"], ["summarize", "SEEDS", "--json", "--no-cache"]],
)
def test_output_to_a_full_device_is_one_error_line(args: list[str]) -> None:
    """`imx ... > /dev/full`: one `imx: error:` line naming the cause, exit 1, no traceback."""
    seeds = str(Path(__file__).resolve().parent.parent / "seeds")
    command = [sys.executable, "-m", "imatinib_cli", *[seeds if a == "SEEDS" else a for a in args]]
    with open("/dev/full", "w") as full:
        result = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == "imx: error: cannot write the output: No space left on device\n"
