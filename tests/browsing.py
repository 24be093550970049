"""A real headless browser for the tests: Debian's Chromium through Selenium, with the system's
chromedriver (nothing downloaded). Any host but 127.0.0.1 fails to resolve, and the performance log
shows every request the page attempted, so a test can say that nothing left the machine."""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("SGKG_REQUIRE_BROWSER"):
            pytest.fail("Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)")
        pytest.skip("no chromium and chromedriver on this machine (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", f"--window-size={width},{height}",
                # a request to any other host fails here rather than leaving the machine; the log shows
                # whether one was attempted
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield drv
    finally:
        drv.quit()


def wait(condition, seconds: float = 30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def requested(drv) -> list[str]:
    """The URLs the browser asked for since the log was last read."""
    urls = []
    for entry in drv.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(drv) -> list[str]:
    """The console's errors since the log was last read (a missing favicon aside)."""
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
