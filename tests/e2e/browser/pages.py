"""Helpers for the browser walk: screenshots at two widths, page weight, keyboard checks."""

from __future__ import annotations

from typing import Any

from tests.e2e.browser.conftest import DESKTOP, PHONE, SCREENSHOTS

# Everything the page loaded from its own origin, uncompressed.
WEIGHT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const rest = performance.getEntriesByType('resource');
  return (nav ? nav.decodedBodySize : 0) + rest.reduce((n, r) => n + r.decodedBodySize, 0);
}"""
PAGE_BUDGET = 100_000


def shoot(page: Any, name: str) -> list[str]:
    """Full-page screenshots at desktop (1280) and phone (360) width; at phone width the
    page must not scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        if label == "phone":
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at 360px"
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(str(path))
    page.set_viewport_size(DESKTOP)
    return saved


def weigh(page: Any, name: str, weights: dict[str, int], *, streams: bool = False) -> int:
    # An open event stream never lets the network go idle.
    if streams:
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
    else:
        page.wait_for_load_state("networkidle")
    total = int(page.evaluate(WEIGHT_JS))
    weights[name] = total
    assert total < PAGE_BUDGET, f"{name} weighs {total} bytes"
    return total
