"""Headless Chromium for the browser tests (Debian's chromium and chromium-driver): the skip mark
when they are missing, a driver factory, waiting and screenshots into test-artifacts/screenshots/.

Selenium is imported lazily, so this module can be imported before ``pytest.importorskip``."""

from __future__ import annotations

import base64
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from selenium import webdriver

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE_MAX = 500

requires_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()) or shutil.which("chromium") is None,
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)


def make_driver(width: int = 1366, height: int = 768, *, downloads: Path | None = None) -> webdriver.Chrome:
    """A headless Chromium window; with ``downloads``, files are saved there without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--window-size={width},{height}",
        "--lang=ru-RU",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP reports reach the console
    if downloads is not None:
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
                "safebrowsing.enabled": False,
            },
        )
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    if width < PHONE_MAX:
        # headless Chromium keeps a window at least 500 px wide: a phone's width is emulated
        driver.jh_metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", driver.jh_metrics)
    if downloads is not None:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return driver


def wait(driver: Any, condition: Any, timeout: float = 60) -> Any:
    """Until ``condition`` holds (generous: a loaded machine is slow, and only a failure waits it out).
    An element the page re-rendered while the condition read it (stale) means "not yet", like a
    missing one."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        condition
    )


def shot(driver: Any, name: str) -> None:
    """A screenshot of the window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(0.6)  # let the grid and fonts settle
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def full_page_shot(driver: Any, name: str) -> None:
    """A full-page screenshot (e.g. the profile page is longer than the window)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(0.6)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width, height = int(size["width"]), min(int(size["height"]), 4000)
    # a window as tall as the page, so the sticky save bar sits where it does at the end of the page
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": hasattr(driver, "jh_metrics")},
    )
    try:
        time.sleep(0.3)
        image = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        phone = getattr(driver, "jh_metrics", None)
        if phone:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
        else:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(image["data"]))
