#!/usr/bin/env python3
"""Make docs/report.png: `imx report seeds/` as headless Chromium shows it at 1280 px, offline.

The page is loaded the way tests/test_report_browser.py loads it (no network; the run fails if the
page requests anything but itself), cut just below the eighth footnote (the studies, the comparison,
the forest plot and the start of the sources) and saved with 48 colors, so the PNG stays small.
Needs Chromium and Pillow (which the plot extra's matplotlib brings).

    python scripts/report_screenshot.py            # writes docs/report.png
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chromium_helpers import open_offline  # noqa: E402
from PIL import Image  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "r.html"
        command = [sys.executable, "-m", "imatinib_cli", "report", "seeds/", "-o", str(page), "--no-cache"]
        subprocess.run(command, cwd=ROOT, check=True)
        with open_offline(page) as visit:
            if visit.page.requested() != [page.resolve().as_uri()]:
                raise SystemExit(f"the page requested {visit.page.requested()}")
            cut = visit.page.evaluate(
                "document.querySelector('#fn-8').getBoundingClientRect().bottom + window.scrollY"
            )
            png = visit.page.screenshot(1280)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.crop((0, 0, image.width, int(cut) + 12))
    image = image.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(ROOT / "docs" / "report.png", optimize=True)


if __name__ == "__main__":
    main()
