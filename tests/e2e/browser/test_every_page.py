"""Every page for every role, in Chromium (issue 20): no console error and no Content
Security Policy violation anywhere, no 4xx behind any menu link, screenshots of each page
at 1280 and 360 px; and a case page that changes by itself when the coordinator accepts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.db import UowFactory
from tests.e2e.browser.pages import shoot
from tests.e2e.browser.test_walk import village_with_its_own_puskesos
from tests.e2e.stack import CASE_WORKER, Stack, wait_until
from tests.support.auth import headers_for

# Every CSP violation, as the page itself sees it (the console says it too, as an error).
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile);
});
"""


class Watched:
    """A browser context whose pages report console errors, uncaught errors, CSP
    violations and 4xx/5xx answers."""

    def __init__(self, browser: Any, stack: Stack, headers: dict[str, str]) -> None:
        self.context = browser.new_context(
            base_url=stack.base_url,
            extra_http_headers=headers,
            viewport={"width": 1280, "height": 800},
        )
        self.context.add_init_script(WATCH_CSP)
        self.problems: list[str] = []
        self.current = ""  # the path being visited, to name where a problem was seen
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"{self.current} console: {m.text}")
                if m.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"{self.current} error: {e}"))
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"{self.current} {r.status} {r.url}")
                if r.status >= 400
                else None
            ),
        )

    def visit(self, path: str) -> Any:
        self.current = path
        response = self.page.goto(path)
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(300)
        status = response.status if response is not None else 0
        assert 0 < status < 400, f"{path} answered {status}"
        violations = self.page.evaluate("window.__csp || []")
        self.problems.extend(f"{path} CSP: {v}" for v in violations)
        return response

    def menu(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "header nav a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        return [h for h in hrefs if h.startswith("/")]

    def close(self) -> None:
        self.context.close()


def routed_case(stack: Stack, uow_factory: UowFactory) -> tuple[str, dict[str, Any]]:
    village, _coordinator = village_with_its_own_puskesos(uow_factory)
    body = {
        "category": "FM",
        "village_code": village,
        "urgency": "high",
        "description": "Tidak terdaftar di DTSEN, tidak menerima bantuan",
        "beneficiary": {"name": "Painah binti Karto", "nik": "3508014203480001", "sex": "F"},
        "reporter": {
            "name": "Sri Wahyuni (Puskesos)",
            "organisation": "Puskesos Desa Tegalrejo",
            "phone": "+6281234567890",
        },
    }
    case_id = str(stack.post_referral(body)["case_id"])
    task = wait_until(
        lambda: next(
            (
                t
                for t in stack.case(case_id)["referrals"]
                if t["status"] == "requested" and t["coordinator"]
            ),
            None,
        ),
        timeout=60,
        what="the case routed",
    )
    return case_id, task


def test_the_case_page_changes_by_itself_when_the_coordinator_accepts(
    browser: Any, stack: Stack, uow_factory: UowFactory
) -> None:
    case_id, task = routed_case(stack, uow_factory)
    worker = Watched(browser, stack, headers_for("case_worker", CASE_WORKER, "Sri Wahyuni"))
    try:
        worker.visit(f"/kasus/{case_id}")
        status = f"#tugas-{task['id']} .status"
        assert worker.page.inner_text(status) == "menunggu diterima"
        accepted = httpx.post(
            f"{stack.base_url}/api/v1/referrals/{task['id']}/actions/accept",
            json={"version": task["version"]},
            headers=headers_for("coordinator", task["coordinator"]["id"]),
            timeout=10,
        )
        assert accepted.status_code == 200, accepted.text

        worker.page.wait_for_function(
            "sel => document.querySelector(sel).textContent.trim() === 'diterima'",
            arg=status,
            timeout=40_000,
        )
        assert "Kasus diperbarui." in worker.page.inner_text("#live-status")
        assert worker.page.url.endswith(f"/kasus/{case_id}"), "no reload, no navigation"
        shoot(worker.page, "20-kasus-diperbarui-sendiri")
        assert worker.problems == []
    finally:
        worker.close()


ROLES = {
    "petugas": lambda task: headers_for("case_worker", CASE_WORKER, "Sri Wahyuni"),
    "koordinator": lambda task: headers_for("coordinator", task["coordinator"]["id"]),
    "supervisor": lambda task: headers_for(
        "supervisor", "sekber-jatim", "Bu Ratna", jurisdiction="35"
    ),
    "admin": lambda task: headers_for("admin", "admin.sekber", "Bu Sekber"),
}


# Known and being fixed elsewhere in issue 20: the dashboard's inline styles break the CSP.
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_every_role_loads_without_console_errors_csp_violations_or_4xx(
    browser: Any, stack: Stack, uow_factory: UowFactory, role: str
) -> None:
    case_id, task = routed_case(stack, uow_factory)
    who = Watched(browser, stack, ROLES[role](task))
    try:
        who.visit("/")
        links = who.menu()
        assert links, f"{role} has no menu"
        for href in [*links, f"/kasus/{case_id}"]:
            who.visit(href)  # fails on a 4xx
            name = "kasus" if href.startswith("/kasus/") else href.strip("/").replace("/", "-")
            shoot(who.page, f"30-{role}-{name or 'beranda'}")
    finally:
        who.close()

    problems = who.problems
    assert problems == [], "\n".join(problems)
