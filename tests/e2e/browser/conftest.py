"""A real browser for the web pages: Debian's Chromium driven by Playwright (its bundled
driver; no browser is ever downloaded). Skipped, saying why, where either is missing."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SEKBER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get(
        "SEKBER_TEST_ARTIFACTS", Path(__file__).resolve().parents[3] / "test-artifacts" / "browser"
    )
)
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def weights() -> Iterator[dict[str, int]]:
    """Bytes each page weighs (document, CSS, scripts and fetched data), kept as an
    artefact next to the screenshots."""
    measured: dict[str, int] = {}
    yield measured
    if measured:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "page-weights.json").write_text(json.dumps(measured, indent=2) + "\n")
