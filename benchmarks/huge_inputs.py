"""Time and peak memory of `imx summarize` on absurdly large structured files (issue 11).

    python benchmarks/huge_inputs.py                 # the full sizes (1,000,000 conditions, ...)
    python benchmarks/huge_inputs.py --quick         # a tenth of each size
    python benchmarks/huge_inputs.py --case ris_records --case html_td --json out.json

Each case writes one file into a temporary folder, then runs

    imx summarize FILE --json --no-cache --max-bytes 1G --jobs 1

(--jobs N passes another --jobs: with 2, a large file's records are shared among two workers.)

as a subprocess, with stdout to a file, and reports the wall time, the peak RSS of that process
(from /usr/bin/time -f %M; null where it is not installed), the file's size, and the documents by status
with the distinct reasons (the limit warnings). --max-bytes 1G lets files over the default 50 MiB
limit be read. The "growing" case starts a writer that appends to a file while imx reads it, and
runs imx with the default limit.

The files are made of generated sentences, never of corpus text. Nothing here asserts a time:
tests/test_huge_structured.py checks the same cases, smaller, by the work done.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

_ABSTRACT = (
    "Twenty patients received imatinib 400 mg daily. Three patients had a partial response and "
    "none had a complete response."
)


def _write(path: Path, chunks: Iterator[str]) -> None:
    with path.open("w", encoding="utf-8") as out:
        buffer: list[str] = []
        size = 0
        for chunk in chunks:
            buffer.append(chunk)
            size += len(chunk)
            if size > 1 << 20:
                out.write("".join(buffer))
                buffer, size = [], 0
        out.write("".join(buffer))


def _ctgov_study(index: int, conditions: list[str]) -> dict[str, object]:
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": f"NCT{index:08d}",
                "briefTitle": f"Imatinib in advanced sarcoma, study {index}",
            },
            "statusModule": {"overallStatus": "COMPLETED"},
            "conditionsModule": {"conditions": conditions},
            "descriptionModule": {"briefSummary": _ABSTRACT},
        }
    }


def ctgov_json_conditions(path: Path, n: int) -> None:
    """One API v2 study whose conditionsModule lists n conditions."""
    study = _ctgov_study(1, [f"Sarcoma subtype {i}" for i in range(n)])
    path.write_text(json.dumps(study), encoding="utf-8")


def ctgov_json_studies(path: Path, n: int) -> None:
    """A {"studies": [...]} list of n small studies."""

    def chunks() -> Iterator[str]:
        yield '{"studies": ['
        for index in range(n):
            yield ("," if index else "") + json.dumps(_ctgov_study(index + 1, ["Sarcoma"]))
        yield "]}"

    _write(path, chunks())


def ctgov_xml_conditions(path: Path, n: int) -> None:
    """A legacy clinical_study with n <condition> elements."""

    def chunks() -> Iterator[str]:
        yield (
            '<?xml version="1.0" encoding="UTF-8"?>\n<clinical_study>\n'
            "<id_info><nct_id>NCT00000001</nct_id></id_info>\n"
            "<brief_title>Imatinib in advanced sarcoma</brief_title>\n"
            f"<brief_summary><textblock>{_ABSTRACT}</textblock></brief_summary>\n"
        )
        for index in range(n):
            yield f"<condition>Sarcoma subtype {index}</condition>\n"
        yield "</clinical_study>\n"

    _write(path, chunks())


def _pubmed_article(pmid: int, abstract: str) -> str:
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        "<Article><Journal><Title>Journal of Trials</Title><JournalIssue><Volume>1</Volume>"
        "<PubDate><Year>2003</Year></PubDate></JournalIssue></Journal>"
        f"<ArticleTitle>Imatinib in advanced sarcoma, report {pmid}</ArticleTitle>"
        f"<Abstract>{abstract}</Abstract>"
        "<AuthorList><Author><LastName>Doe</LastName><Initials>J</Initials></Author></AuthorList>"
        "</Article></MedlineCitation></PubmedArticle>\n"
    )


_PUBMED_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'


def pubmed_abstracttext(path: Path, n: int) -> None:
    """One PubmedArticle whose abstract has n AbstractText elements."""
    parts = "".join(f'<AbstractText Label="PART {i}">Part {i} of the text.</AbstractText>' for i in range(n))
    path.write_text(_PUBMED_HEAD + _pubmed_article(1, parts) + "</PubmedArticleSet>\n", encoding="utf-8")


def pubmed_records(path: Path, n: int) -> None:
    """A PubmedArticleSet of n records."""

    def chunks() -> Iterator[str]:
        yield _PUBMED_HEAD
        for index in range(n):
            yield _pubmed_article(index + 1, f"<AbstractText>{_ABSTRACT}</AbstractText>")
        yield "</PubmedArticleSet>\n"

    _write(path, chunks())


def ris_records(path: Path, n: int) -> None:
    """n RIS records."""
    _write(
        path,
        (
            f"TY  - JOUR\nTI  - Imatinib in advanced sarcoma, report {i}\nAU  - Doe, J\nPY  - 2003\n"
            f"AB  - {_ABSTRACT}\nER  - \n\n"
            for i in range(n)
        ),
    )


def medline_records(path: Path, n: int) -> None:
    """n MEDLINE records."""
    _write(
        path,
        (
            f"PMID- {i + 1}\nTI  - Imatinib in advanced sarcoma, report {i}\nAU  - Doe J\nDP  - 2003\n"
            f"AB  - {_ABSTRACT}\n\n"
            for i in range(n)
        ),
    )


def html_td(path: Path, n: int) -> None:
    """An article page with a table of n cells."""

    def chunks() -> Iterator[str]:
        yield (
            "<!DOCTYPE html><html><head><title>Imatinib in advanced sarcoma</title>"
            '<meta name="citation_title" content="Imatinib in advanced sarcoma"></head><body>'
            f'<h1>Imatinib in advanced sarcoma</h1><div class="abstract"><p>{_ABSTRACT}</p></div><table>'
        )
        for index in range(n):
            yield ("<tr>" if index % 10 == 0 else "") + f"<td>{index}</td>"
        yield "</table></body></html>\n"

    _write(path, chunks())


def html_p(path: Path, n: int) -> None:
    """An article page with n paragraphs."""

    def chunks() -> Iterator[str]:
        yield (
            "<!DOCTYPE html><html><head><title>Imatinib in advanced sarcoma</title>"
            '<meta name="citation_title" content="Imatinib in advanced sarcoma"></head><body>'
            f'<h1>Imatinib in advanced sarcoma</h1><div class="abstract"><p>{_ABSTRACT}</p></div>'
        )
        for index in range(n):
            yield f"<p>Paragraph {index} of the page.</p>\n"
        yield "</body></html>\n"

    _write(path, chunks())


def markdown_lines(path: Path, n: int) -> None:
    """Markdown with a front matter and a body of n short paragraphs."""

    def chunks() -> Iterator[str]:
        yield "---\ntitle: Imatinib in advanced sarcoma\npmid: 1\n---\n\n# Imatinib in advanced sarcoma\n\n"
        for index in range(n):
            yield f"Paragraph {index} of the note.\n\n"

    _write(path, chunks())


def ctgov_page_lines(path: Path, n: int) -> None:
    """A registry record saved as text, with n outcome lines."""

    def chunks() -> Iterator[str]:
        yield (
            "Imatinib in advanced sarcoma\nClinicalTrials.gov Identifier: NCT00000001\n"
            "Recruitment Status : Completed\nFirst Posted : January 1, 2003\nStudy Details\n\n"
            f"Brief Summary:\n{_ABSTRACT}\n\n"
        )
        for index in range(n):
            yield f"Outcome {index} [ Time Frame: {index} weeks ]\n"

    _write(path, chunks())


def catalog_lines(path: Path, n: int) -> None:
    """A catalog record whose abstract runs over n lines."""

    def chunks() -> Iterator[str]:
        yield (
            "Imatinib in advanced sarcoma\nBibliographische Detailangaben\nHauptverfasser: Doe, J\n"
            "Veröffentlicht in: Journal of Trials 2003\nSprache: English\nZusammenfassung: "
        )
        for index in range(n):
            yield f"Line {index} of the summary.\n"

    _write(path, chunks())


# name -> (generator, full size, what n counts)
CASES: dict[str, tuple[Callable[[Path, int], None], int, str]] = {
    "ctgov_json_conditions": (ctgov_json_conditions, 1_000_000, "conditions"),
    "ctgov_json_studies": (ctgov_json_studies, 300_000, "studies"),
    "ctgov_xml_conditions": (ctgov_xml_conditions, 1_000_000, "condition elements"),
    "pubmed_abstracttext": (pubmed_abstracttext, 1_000_000, "AbstractText elements"),
    "pubmed_records": (pubmed_records, 100_000, "records"),
    "ris_records": (ris_records, 1_000_000, "records"),
    "medline_records": (medline_records, 1_000_000, "records"),
    "html_td": (html_td, 1_000_000, "<td> cells"),
    "html_p": (html_p, 100_000, "<p> paragraphs"),
    "markdown_lines": (markdown_lines, 1_000_000, "paragraphs"),
    "ctgov_page_lines": (ctgov_page_lines, 1_000_000, "outcome lines"),
    "catalog_lines": (catalog_lines, 1_000_000, "abstract lines"),
}
EXTENSIONS = {
    "ctgov_json": ".json",
    "ctgov_xml": ".xml",
    "pubmed": ".xml",
    "html": ".html",
    "markdown": ".md",
}


def _imx() -> list[str]:
    found = shutil.which("imx", path=str(Path(sys.executable).parent)) or shutil.which("imx")
    return [found] if found else [sys.executable, "-m", "imatinib_cli"]


_TIME = Path("/usr/bin/time")
_TIME_MARK = "IMX_HUGE_TIME"


def run_imx(args: list[str], out: Path, timeout: float) -> dict[str, object]:
    """Run imx, stdout to `out`; wall time, peak RSS (MiB), exit status.

    The peak RSS comes from /usr/bin/time (the figure of a process it started, so not inflated by
    this script's own size, which a child's ru_maxrss inherits at fork); None without it.
    """
    timed = _TIME.exists()
    command = ([str(_TIME), "-f", f"{_TIME_MARK} %e %M"] if timed else []) + _imx() + args
    start = time.perf_counter()
    with out.open("wb") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
        try:
            _, stderr_bytes = process.communicate(timeout=timeout)
            status: int | str = process.returncode
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr_bytes = process.communicate()
            status = "killed (timeout)"
    seconds = time.perf_counter() - start
    stderr = stderr_bytes.decode("utf-8", "replace")
    peak = None
    lines = [line for line in stderr.splitlines() if not line.startswith(_TIME_MARK)]
    for line in stderr.splitlines():
        if line.startswith(_TIME_MARK):
            peak = int(line.split()[2]) / 1024
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(peak, 1) if peak is not None else None,
        "exit": status,
        "stderr_lines": len(lines),
        "stderr_head": "\n".join(lines)[:300],
    }


def summarize_output(out: Path) -> dict[str, object]:
    """Documents by status and the distinct reasons (cut to 160 characters), from the --json output."""
    try:
        data = json.loads(out.read_bytes())
    except (OSError, ValueError):
        return {}
    documents = data.get("documents", [])
    statuses = collections.Counter(d.get("status") for d in documents)
    reasons = collections.Counter((d.get("reason") or "")[:160] for d in documents if d.get("reason"))
    return {
        "documents": len(documents),
        "statuses": dict(statuses),
        "reasons": dict(reasons.most_common(5)),
        "studies": len(data.get("studies", [])),
    }


def growing(folder: Path, timeout: float, quick: bool) -> dict[str, object]:
    """A RIS file that a writer process appends to (about 2 MB/s, up to 200 MB) while imx reads it.

    imx reads the file as it was when opened; the records it reports say how much that was.
    """
    path = folder / "growing.ris"
    record = f"TY  - JOUR\nTI  - Imatinib in advanced sarcoma\nAU  - Doe, J\nAB  - {_ABSTRACT}\nER  - \n\n"
    ris_records(path, 500)
    cap = (60 if quick else 200) << 20
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            "chunk = sys.argv[2].encode() * 512\n"
            "with open(sys.argv[1], 'ab', buffering=0) as f:\n"
            "    while os.fstat(f.fileno()).st_size < int(sys.argv[3]):\n"
            "        f.write(chunk)\n"
            "        time.sleep(0.05)\n",
            str(path),
            record,
            str(cap),
        ]
    )
    try:
        at_start = path.stat().st_size
        command = ["summarize", str(path), "--json", "--no-cache", "--jobs", "1"]
        result = run_imx(command, folder / "out.json", timeout)
    finally:
        writer.kill()
        writer.wait()
    result.update(summarize_output(folder / "out.json"))
    result["bytes_when_imx_started"] = at_start
    result["bytes_at_end"] = path.stat().st_size
    result["record_bytes"] = len(record)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of each size")
    parser.add_argument("--case", action="append", choices=[*CASES, "growing"], help="only these cases")
    parser.add_argument("--size", type=int, help="n for every case chosen (overrides the defaults)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a run is killed")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument(
        "--jobs", type=int, default=1, help="imx's --jobs (default 1; 2 shares a large file's records)"
    )
    args = parser.parse_args(argv)
    chosen = args.case or [*CASES, "growing"]
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="imx-huge-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name in chosen:
            if name == "growing":
                result = growing(folder, args.timeout, args.quick)
            else:
                make, full, unit = CASES[name]
                n = args.size or (full // 10 if args.quick else full)
                ext = next((e for prefix, e in EXTENSIONS.items() if name.startswith(prefix)), ".txt")
                path = folder / f"{name}{ext}"
                started = time.perf_counter()
                make(path, n)
                made = time.perf_counter() - started
                command = ["summarize", str(path), "--json", "--no-cache", "--max-bytes", "1G"]
                command += ["--jobs", str(args.jobs)]
                result = {"n": n, "unit": unit, "file_mib": round(path.stat().st_size / 2**20, 1)}
                result["generate_seconds"] = round(made, 1)
                result.update(run_imx(command, folder / "out.json", args.timeout))
                result.update(summarize_output(folder / "out.json"))
                if not args.keep:
                    path.unlink()
            results[name] = result
            print(name, json.dumps(result, ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
