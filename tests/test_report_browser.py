"""`imx report seeds/` in a real headless Chromium, offline: what a reader sees, and nothing fetched.

Chromium is started by the test (tests/chromium_helpers.py) with every host name resolving to nothing
and a proxy that is a local socket recording each connection; the DevTools protocol lists every URL
the page requests. Skipped, with the reason, where no Chromium is installed (Debian:
`apt-get install chromium`; .ci/run tries that when it runs as root).

IMX_REPORT_SCREENSHOT=PATH also writes the 1280 px screenshot there (how docs/report.png is made).
"""

from __future__ import annotations

import os
import re
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chromium_helpers import find_chromium, open_offline
from conftest import ROOT
from test_report import HOSTILE, expected_values

from imatinib_cli import pipeline
from imatinib_cli.models import Report
from imatinib_cli.render.report import report_html

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium to load the report in (install it: apt-get install chromium, or set IMX_CHROMIUM)",
)

# Hosts Chromium itself calls on start (component updates, sign-in, network time), whatever the page
# holds: seen at the proxy, never in the page's own requests. Nothing else may reach the proxy.
BROWSER_SERVICE_HOSTS = frozenset(
    {
        "update.googleapis.com",
        "accounts.google.com",
        "clients1.google.com",
        "clients2.google.com",
        "redirector.gvt1.com",
        "edgedl.me.gvt1.com",
        "optimizationguide-pa.googleapis.com",
        "content-autofill.googleapis.com",
        "safebrowsingohttpgateway.googleapis.com",
    }
)

# Run in the page: the text a reader sees, and each quoted number with its box and hover text.
PROBE = """(() => {
  const shown = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility === 'visible' && s.display !== 'none'
      && parseFloat(s.opacity) > 0; };
  return {
    text: document.body.innerText,
    values: Array.from(document.querySelectorAll('span.v, span.w')).map(e => ({
      text: e.textContent, title: e.title, shown: shown(e),
      notes: Array.from(e.nextElementSibling && e.nextElementSibling.matches('sup.fn')
        ? e.nextElementSibling.querySelectorAll('a') : []).map(a => a.getAttribute('href')) })),
    notes: Object.fromEntries(Array.from(document.querySelectorAll('ol.footnotes li')).map(
      li => [li.id, {quote: li.querySelector('q').textContent, text: li.innerText, shown: shown(li)}])),
    svg: Array.from(document.querySelectorAll('svg text')).map(
      t => ({text: t.firstChild.nodeValue, shown: shown(t)})),
    marks: document.querySelectorAll('svg rect[id^="imx-row-"], svg polygon[id^="imx-pooled-"]').length,
    scripts: document.scripts.length,
  };
})()"""


PRINT_PROBE = """Array.from(document.querySelectorAll('table, svg, figure, dl, p, li'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + ': ' + e.textContent.slice(0, 60))"""


@dataclass
class Seen:
    report: Report
    file: Path
    requested: list[str]
    proxied: list[str]
    page: dict[str, Any]
    png: bytes
    cut_in_print: list[str]


def _hosts(connections: list[bytes]) -> list[str]:
    """The host each proxied request names: 'CONNECT host:443 ...' or 'GET http://host/... '."""
    hosts = []
    for first in connections:
        line = first.split(b"\r\n", 1)[0].decode("latin-1")
        target = line.split(" ")[1] if " " in line else line
        target = re.sub(r"^[a-z]+://", "", target)
        hosts.append(re.split(r"[:/]", target, maxsplit=1)[0])
    return hosts


def _visit(folder: Path, report: Report, page_html: str) -> Seen:
    file = folder / "r.html"
    file.write_text(page_html, encoding="utf-8")
    with open_offline(file) as visit:
        probe = visit.page.evaluate(PROBE)
        png = visit.page.screenshot(1280)
        # Printed (A4 or Letter, portrait: about 700 CSS px between the margins), nothing sticks out.
        visit.page.call("Emulation.setEmulatedMedia", media="print")
        visit.page.call(
            "Emulation.setDeviceMetricsOverride", width=700, height=900, deviceScaleFactor=1, mobile=False
        )
        cut = visit.page.evaluate(PRINT_PROBE)
        return Seen(report, file, visit.page.requested(), _hosts(visit.proxy_connections), probe, png, cut)


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Seen:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        report, by_tumor, by_study = pipeline.report(["seeds/"], jobs=1, store=None)
    finally:
        os.chdir(cwd)
    folder = tmp_path_factory.mktemp("report")
    seen = _visit(folder, report, report_html(report, by_tumor, by_study, link_base=folder))
    target = os.environ.get("IMX_REPORT_SCREENSHOT")
    if target:
        Path(target).write_bytes(seen.png)
    return seen


def test_the_page_requests_nothing_but_itself(seen: Seen) -> None:
    assert seen.requested == [seen.file.resolve().as_uri()]
    assert set(seen.proxied) <= BROWSER_SERVICE_HOSTS, seen.proxied
    assert seen.page["scripts"] == 0


def test_every_population_label_and_number_is_visible(seen: Seen) -> None:
    text = " ".join(seen.page["text"].split())
    for value in expected_values(seen.report):
        assert value in text, value
    for value in ("Phase 2", "N enrolled", "186", "147", "51", "crude (sum of counts)", "random effects"):
        assert value in text, value
    hidden = [v["text"] for v in seen.page["values"] if not v["shown"]]
    assert not hidden
    assert len(seen.page["values"]) > 60


def test_every_number_has_its_quote_on_hover_and_in_a_visible_footnote(seen: Seen) -> None:
    notes = seen.page["notes"]
    assert notes and all(note["shown"] for note in notes.values())
    quoted = [v for v in seen.page["values"] if v["notes"]]
    assert len(quoted) > 60
    for value in quoted:
        for href in value["notes"]:
            note = notes[href.removeprefix("#")]
            assert note["quote"] and note["quote"] in note["text"]
            assert note["quote"][:200] in value["title"], (value["text"], note["quote"])
    # A derived count says so on hover: the GIST CR of the EORTC study is 4% of 27.
    assert any(v["text"] == "1* (4%)" and "derived: 4% of 27" in v["title"] for v in quoted)


def test_forest_plot_is_drawn_with_readable_labels(seen: Seen) -> None:
    labels = [t["text"] for t in seen.page["svg"] if t["shown"]]
    assert seen.page["marks"] == 5 + 2  # five study populations, two pooled diamonds
    assert "GIST" in labels and "non-GIST" in labels
    assert "53.7 (45.3–62.0)  79*/147" in labels and "70.4 (49.8–86.2)  19*/27" in labels  # derived marks
    assert "59.9 (43.4–74.5)  98*/174  I² 60%" in labels


def test_nothing_is_cut_off_when_printed(seen: Seen) -> None:
    assert seen.cut_in_print == []


def test_screenshot_is_1280_px_wide(seen: Seen) -> None:
    assert seen.png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack("!II", seen.png[16:24])
    assert width == 1280 and height > 2000


def test_hostile_document_stays_text_and_fetches_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "trial.txt").write_text(HOSTILE, encoding="utf-8")
    report, by_tumor, by_study = pipeline.report([str(folder)], jobs=1, store=None)
    seen = _visit(tmp_path, report, report_html(report, by_tumor, by_study, link_base=tmp_path))
    assert seen.requested == [seen.file.resolve().as_uri()]
    assert set(seen.proxied) <= BROWSER_SERVICE_HOSTS, seen.proxied
    assert seen.page["scripts"] == 0
    assert "a <script>alert(1)</script> phase II trial" in seen.page["text"]


def test_the_harness_sees_a_request_when_there_is_one(tmp_path: Path) -> None:
    """The check above can fail: a page that loads a style and an image is caught by both watchers."""
    page = tmp_path / "canary.html"
    page.write_text(
        '<!DOCTYPE html><link rel="stylesheet" href="https://fonts.example.org/a.css">'
        '<img src="http://imx-canary.example/x.png">canary',
        encoding="utf-8",
    )
    with open_offline(page) as visit:
        visit.page.evaluate("document.body.innerText")
        requested = visit.page.requested()
        for _ in range(40):  # the proxy hears the image a moment after the load event
            if "imx-canary.example" in _hosts(visit.proxy_connections):
                break
            time.sleep(0.05)
        proxied = _hosts(visit.proxy_connections)
    assert "http://imx-canary.example/x.png" in requested
    assert "https://fonts.example.org/a.css" in requested
    assert "imx-canary.example" in proxied
