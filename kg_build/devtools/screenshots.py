"""Screenshots of the report for docs/report.md, taken in headless Chromium (Debian's chromium and
chromium-driver, through Selenium from the test extra).

    python -m kg_build.devtools.screenshots REPORT_DIR docs/img [--review ID]

Writes report-index.png, report-review.png and report-dashboard.png: the top of each page, as a
reader first sees it on a wide screen.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

SHOTS = (("index.html", "report-index.png", 1100), ("dashboard.html", "report-dashboard.png", 1900))


def take(report: Path, out: Path, review: str, width: int = 1280) -> list[Path]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        raise SystemExit("screenshots need Chromium and chromedriver "
                         "(Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={width},1000"):
        options.add_argument(arg)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for page, name, height in (*SHOTS, (f"reviews/{review}.html", "report-review.png", 1700)):
            drv.set_window_size(width, height)
            drv.get((report / page).resolve().as_uri())
            time.sleep(2)  # the charts are drawn after the page loads
            drv.save_screenshot(str(out / name))
            written.append(out / name)
    finally:
        drv.quit()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--review", default="sscb-scr-baby-o", help="the review page to show (its file name)")
    args = ap.parse_args(argv)
    for path in take(args.report, args.out, args.review):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
