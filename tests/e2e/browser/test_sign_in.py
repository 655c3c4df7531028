"""Signing in through the page, in Chromium: a page asked for without a session leads to
the sign-in page, a wrong password is said in Indonesian with the username kept, the right
one lands on the page first asked for, and signing out ends the session."""

from __future__ import annotations

import uuid
from typing import Any

from shared.accounts import users
from shared.db import UowFactory
from tests.e2e.browser.pages import shoot
from tests.e2e.stack import Stack

PASSWORD = "Sandi-Uji-Peramban-1"


def test_a_supervisor_signs_in_through_the_page_and_out_again(
    browser: Any, stack: Stack, uow_factory: UowFactory
) -> None:
    username = f"ratna.{uuid.uuid4().hex[:6]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session,
            username=username,
            name="Ratna Dewi",
            role="supervisor",
            password=PASSWORD,
            jurisdiction="35",
        )
        uow.commit()
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto("/dasbor")
        assert "/masuk?next=/dasbor" in page.url
        shoot(page, "00-masuk")

        page.fill("#username", username)
        page.fill("#password", "bukan-sandinya")
        page.click("button[type=submit]")
        page.wait_for_selector("#galat")
        assert "salah" in page.inner_text("#galat")
        assert page.input_value("#username") == username
        assert page.input_value("#password") == ""

        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dasbor")
        assert "Ratna Dewi" in page.inner_text("footer")
        cookie = next(c for c in context.cookies() if c["name"] == "sekber_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        page.click("footer .signout button")
        page.wait_for_url("**/masuk")
        page.goto("/dasbor")
        assert "/masuk" in page.url
    finally:
        context.close()
