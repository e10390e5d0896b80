#!/usr/bin/env python3
"""Time the ways of parsing an HTML page, per page: BeautifulSoup's parsers, SoupStrainer, lxml.

Every option parses the decoded text (str) of each page, as the HTML reader receives it, and the
"+ text" options also walk the tree collecting its text, the least any reader has to do. The
reader rows time imatinib_cli.load.html_page.read itself (and its BeautifulSoup fallback).
Each option runs over all pages --repeat times; the best run counts. Results: pages/s and MB/s
(of decoded text) per option, one core. docs/performance-log.md ("HTML parsing") has the figures.

    python benchmarks/generate.py --out /tmp/html-bench --count 2000 --seed 1
    python benchmarks/html_parsers.py /tmp/html-bench
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _pages(paths: list[str]) -> list[str]:
    from imatinib_cli.load._decode import decode

    pages = []
    for name in paths:
        path = Path(name)
        files = sorted(path.rglob("*.htm*")) if path.is_dir() else [path]
        for file in files:
            text = decode(file.read_bytes()).text
            if text is not None:
                pages.append(text)
    return pages


def _bs4(parser: str, strainer: Any = None, text: bool = False) -> Callable[[str], Any]:
    from bs4 import BeautifulSoup

    def run(page: str) -> Any:
        soup = BeautifulSoup(page, parser, parse_only=strainer)
        return soup.get_text(" ") if text else soup

    return run


def _lxml_html(function: str, text: bool = False) -> Callable[[str], Any]:
    import lxml.html

    parse = getattr(lxml.html, function)

    def run(page: str) -> Any:
        root = parse(page)
        return " ".join(root.itertext()) if text else root

    return run


def _lxml_feed(text: bool = False, walk: bool = False) -> Callable[[str], Any]:
    """etree.HTMLParser fed the str (what the reader does): plain elements, no lxml.html classes."""
    from lxml import etree

    def run(page: str) -> Any:
        parser = etree.HTMLParser(no_network=True, remove_blank_text=False)
        parser.feed(page)
        root = parser.close()
        if walk:
            count = 0
            for element in root.iter():
                count += len(element.attrib)
            return count
        return " ".join(root.itertext()) if text else root

    return run


def _lxml_bytes() -> Callable[[str], Any]:
    from lxml import etree

    parser = etree.HTMLParser(no_network=True, encoding="utf-8")

    def run(page: str) -> Any:
        return etree.fromstring(page.encode("utf-8"), parser)

    return run


def _reader(fallback: bool = False) -> Callable[[str], Any]:
    from imatinib_cli.load import html_page

    read = getattr(html_page, "_read_soup", None) if fallback else html_page.read
    if read is None:
        raise RuntimeError("this reader has no BeautifulSoup fallback")

    def run(page: str) -> Any:
        return read("page.html", "0" * 64, page)

    return run


def options() -> list[tuple[str, Callable[[], Callable[[str], Any]]]]:
    from bs4 import SoupStrainer

    body_only = SoupStrainer("body")
    meta_only = SoupStrainer(["meta", "title"])
    out: list[tuple[str, Callable[[], Callable[[str], Any]]]] = [
        ("bs4 html.parser", lambda: _bs4("html.parser")),
        ("bs4 html.parser + get_text", lambda: _bs4("html.parser", text=True)),
        ("bs4 html.parser, SoupStrainer(body)", lambda: _bs4("html.parser", body_only)),
        ("bs4 html.parser, SoupStrainer(meta, title)", lambda: _bs4("html.parser", meta_only)),
    ]
    if importlib.util.find_spec("lxml") is not None:
        out += [
            ("bs4 lxml", lambda: _bs4("lxml")),
            ("bs4 lxml + get_text", lambda: _bs4("lxml", text=True)),
            ("bs4 lxml, SoupStrainer(body)", lambda: _bs4("lxml", body_only)),
            ("bs4 lxml, SoupStrainer(meta, title)", lambda: _bs4("lxml", meta_only)),
            ("lxml.html.fromstring", lambda: _lxml_html("fromstring")),
            ("lxml.html.document_fromstring", lambda: _lxml_html("document_fromstring")),
            ("lxml.html.document_fromstring + itertext", lambda: _lxml_html("document_fromstring", True)),
            ("lxml etree.HTMLParser feed(str) (parse floor)", lambda: _lxml_feed()),
            ("lxml etree.fromstring(utf-8 bytes)", lambda: _lxml_bytes()),
            ("lxml etree.HTMLParser feed + iter elements", lambda: _lxml_feed(walk=True)),
            ("lxml etree.HTMLParser feed + itertext", lambda: _lxml_feed(text=True)),
        ]
    if importlib.util.find_spec("html5lib") is not None:
        out += [
            ("bs4 html5lib", lambda: _bs4("html5lib")),
            ("bs4 html5lib + get_text", lambda: _bs4("html5lib", text=True)),
        ]
    out.append(("imx HTML reader (html_page.read)", lambda: _reader()))
    from imatinib_cli.load import html_page

    if hasattr(html_page, "_read_soup"):
        out.append(("imx HTML reader, BeautifulSoup fallback", lambda: _reader(fallback=True)))
    return out


def measure(run: Callable[[str], Any], pages: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for page in pages:
            run(page)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="HTML files or folders (their *.htm* files)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run only the options whose name contains this")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    pages = _pages(args.paths)
    megabytes = sum(len(page.encode("utf-8", errors="surrogatepass")) for page in pages) / 1e6
    print(f"{len(pages)} pages, {megabytes:.2f} MB, best of {args.repeat} runs, one core\n")
    print("| option | ms/page | pages/s | MB/s |\n|---|---:|---:|---:|")
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, factory in options():
            if args.only and args.only not in name:
                continue
            seconds = measure(factory(), pages, args.repeat)
            row = {
                "option": name,
                "ms_per_page": 1000 * seconds / len(pages),
                "pages_per_s": len(pages) / seconds,
                "mb_per_s": megabytes / seconds,
            }
            rows.append(row)
            print(
                f"| {name} | {row['ms_per_page']:.2f} | {row['pages_per_s']:,.0f} | {row['mb_per_s']:.1f} |"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
