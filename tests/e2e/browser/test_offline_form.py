"""The referral form without signal, in Chromium on a 360 px phone (issue 23): a case
worker in Lumajang opens Sekber once, goes into flight mode, saves 20 referrals, reloads
the page without signal, and when the signal returns each becomes exactly one routed case,
also when the connection drops after the server stored some of them. A referral the
server refuses shows the server's words against its field and is fixed and sent; a session
that ended while offline asks for a sign-in and then sends; signing out asks before
deleting what was not sent and leaves nothing on the phone."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from shared.accounts import users
from shared.db import UowFactory
from shared.models import Case, Referral
from tests.e2e.browser.conftest import PHONE
from tests.e2e.browser.pages import shoot
from tests.e2e.stack import Stack, wait_until

PASSWORD = "Sandi-Uji-Luring-1"
AREA = "35.08"  # Kabupaten Lumajang
NAMES = [
    "Sumarni", "Paiman", "Tukinah", "Suparjo", "Wagiyem", "Kasmadi", "Sarinah", "Mukhlis",
    "Juwariyah", "Slamet", "Rukiyah", "Poniman", "Suwarti", "Darmaji", "Painem", "Sutrisno",
    "Ngatemi", "Karyono", "Sulastri", "Marjuki",
]  # fmt: skip
COUNT_SENT = "() => document.querySelectorAll('#antrean-daftar .q-sent').length"
SUBMIT = "#referral-form button[type=submit]:not([name])"
STATES = "() => [...document.querySelectorAll('#antrean-daftar li')].map(li => li.className)"


def until(page: Any, script: str, timeout: float = 30) -> Any:
    """Poll a function in the page until it answers something true (the page's content
    security policy forbids Playwright's wait_for_function, which evaluates a string)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = page.evaluate(script)
        if answer:
            return answer
        if time.monotonic() > deadline:
            page.screenshot(path="/tmp/until.png", full_page=True)
            print(page.inner_text("main")[:3000])
        assert time.monotonic() < deadline, f"not true within {timeout} s: {script}"
        page.wait_for_timeout(100)


def sign_in(page: Any, username: str) -> None:
    page.goto("/masuk?next=/rujukan/baru")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/rujukan/baru")


def save(page: Any, name: str, *, place: tuple[str, str, str] | None = None, **extra: str) -> None:
    """Fill the form as a worker's thumb would and save it."""
    fill(page, name, place=place, **extra)
    before = page.evaluate("() => document.querySelectorAll('#antrean-daftar li').length")
    page.click(SUBMIT)
    until(page, f"() => document.querySelectorAll('#antrean-daftar li').length > {before}")


def fill(page: Any, name: str, *, place: tuple[str, str, str] | None = None, **extra: str) -> None:
    if place:
        kabkota, kecamatan, village = place
        page.select_option("#kabkota", kabkota)
        page.wait_for_selector(f"#kecamatan option[value='{kecamatan}']", state="attached")
        page.select_option("#kecamatan", kecamatan)
        page.wait_for_selector(f"#village_code option[value='{village}']", state="attached")
        page.select_option("#village_code", village)
    page.select_option("#category", "LUT")
    page.fill("#description", f"Lansia tinggal sendiri, tidak punya penghasilan ({name})")
    page.fill("#beneficiary_name", f"{name} binti Darmo")
    for field, value in extra.items():
        page.fill(f"#{field}", value)


def cases_of(uow_factory: UowFactory, reporter: str) -> list[Case]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(Case).where(Case.reported_by == reporter)))


def routed(uow_factory: UowFactory, cases: list[Case]) -> bool:
    with uow_factory() as uow:
        tasks = uow.session.scalars(
            select(Referral.case_id).where(Referral.case_id.in_([c.id for c in cases]))
        ).all()
    return {c.id for c in cases} <= set(tasks)


def test_referrals_saved_in_flight_mode_each_become_exactly_one_routed_case(
    browser: Any, stack: Stack, uow_factory: UowFactory
) -> None:
    username = f"psm.{uuid.uuid4().hex[:6]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session, username=username, name="Siti Aminah", role="case_worker",
            password=PASSWORD, jurisdiction=AREA,
        )  # fmt: skip
        uow.commit()
    reporter = f"case_worker:{username}"
    context = browser.new_context(base_url=stack.base_url, viewport=PHONE)
    problems: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, username)
        # Opened once with signal: the service worker keeps the form and the area's villages.
        until(page, "() => navigator.serviceWorker.controller !== null", timeout=20)
        until(
            page,
            "() => caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => "
            "c.match('/api/v1/referral-form'))))).then(r => r.some(Boolean))",
        )
        kabkota = page.evaluate("() => fetch('/api/v1/referral-form').then(r => r.json())")
        kecamatan = kabkota["regions"][AREA][0][0]
        village = kabkota["regions"][kecamatan][1][0]

        place = (AREA, kecamatan, village)
        context.set_offline(True)
        page.reload()
        assert page.is_visible("#luring"), "the page says there is no signal"
        until(page, "() => document.querySelector('#referral-form button[type=submit]:not("
              "[name])').textContent === 'Simpan di ponsel'")  # fmt: skip
        # The device's own checks: nothing saved, the field named in Indonesian.
        page.click("#referral-form button[type=submit]:not([name])")
        assert "Pilih kategori PPKS." in page.inner_text("#category-error")
        for i, name in enumerate(NAMES):
            save(page, name, place=place if i == 0 else None)
        assert page.inner_text("#antrean-judul") == "20 rujukan menunggu dikirim"
        page.reload()  # without signal: the form and its queue come from the phone
        until(page, "() => document.querySelectorAll('#antrean-daftar .q-waiting').length")
        assert page.inner_text("#antrean-judul") == "20 rujukan menunggu dikirim"
        assert page.locator("#antrean-daftar .q-waiting").count() == 20
        shoot(page, "47-luring-antrean")

        # Some answers are lost after the server stored the case: sent again, no duplicate.
        calls: list[int] = []

        def drop_some_answers(route: Any) -> None:
            calls.append(1)
            if len(calls) in (2, 5, 9):
                route.fetch()  # the server stores the case and answers ...
                route.abort("connectionreset")  # ... and the answer never arrives
            else:
                route.continue_()

        context.route("**/api/v1/referrals", drop_some_answers)
        context.set_offline(False)
        until(page, f"() => ({COUNT_SENT})() === 20", timeout=90)
        assert len(calls) >= 23, "three answers were dropped and their referrals sent again"
        assert page.inner_text("#antrean-judul") == "Semua rujukan sudah terkirim"
        shoot(page, "48-luring-terkirim")
        cases = cases_of(uow_factory, reporter)
        assert len(cases) == 20
        assert sorted(c.beneficiary_name for c in cases) == sorted(
            f"{n} binti Darmo" for n in NAMES
        )
        codes = set(page.eval_on_selector_all(".tracking-code", "a => a.map(x => x.textContent)"))
        assert codes == {c.tracking_code for c in cases}
        wait_until(lambda: routed(uow_factory, cases_of(uow_factory, reporter)), timeout=60,
                   what="every case routed")  # fmt: skip
        # Sent entries keep nothing personal on the phone.
        kept = page.evaluate("() => SekberQueue.all()")
        assert all(set(e) >= {"tracking_code", "case_id"} and "fields" not in e for e in kept)

        # A referral the server refuses: its words against the field, fixed and sent.
        context.set_offline(True)
        future = date(date.today().year + 1, 1, 1).isoformat()
        save(page, "Ngadiman", place=place, beneficiary_birth_date=future)
        context.set_offline(False)
        page.wait_for_selector("#antrean-daftar .q-refused dd[data-field=beneficiary_birth_date]")
        until(page, "() => !/Input|date/.test(document.querySelector('.q-refused dd').textContent)")
        said = page.inner_text(".q-refused dd[data-field=beneficiary_birth_date]")
        assert "lahir" in said, said  # Indonesian, from the server's own words
        shoot(page, "49-luring-ditolak")
        page.click(".q-refused button:not(.danger)")
        assert said == page.inner_text("#beneficiary_birth_date-error")
        page.fill("#beneficiary_birth_date", "1948-03-02")
        page.click("#referral-form button[type=submit]:not([name])")
        until(page, f"() => ({COUNT_SENT})() === 21")

        # The session ends while offline: the queue waits for a sign-in, then sends.
        context.set_offline(True)
        save(page, "Rasimah", place=place)
        context.clear_cookies()
        context.set_offline(False)
        page.wait_for_selector("#antrean-masuk:not([hidden])", timeout=30_000)
        assert page.locator("#antrean-daftar .q-signin").count() == 1
        page.click("#antrean-masuk a")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/rujukan/baru")
        until(page, f"() => ({COUNT_SENT})() === 22")
        assert len(cases_of(uow_factory, reporter)) == 22

        # With signal, but the link dies under the form's own post: the service worker
        # keeps the referral under the form's key, and it is sent when the link is back.
        def dead_link(route: Any) -> None:
            if route.request.method == "POST":
                route.abort("connectionreset")
            else:
                route.continue_()

        context.route("**/rujukan/baru", dead_link)
        fill(page, "Mulyani", place=place)
        with page.expect_navigation(url=re.compile(r"/rujukan/baru\?antre=")):
            page.click(SUBMIT)
        context.unroute("**/rujukan/baru")
        until(page, f"() => ({COUNT_SENT})() === 23")
        assert len(cases_of(uow_factory, reporter)) == 23

        # Signing out asks first when something waits, then leaves nothing on the phone.
        context.set_offline(True)
        save(page, "Kartini", place=place)
        # The send must fail before the signal returns: the page sends at once on `online`.
        context.route("**/api/v1/referrals", lambda route: route.abort("internetdisconnected"))
        context.set_offline(False)
        questions: list[str] = []
        page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
        page.click("footer .signout button")
        page.wait_for_timeout(500)
        assert questions and questions[0].startswith("1 rujukan belum terkirim")
        assert "/rujukan/baru" in page.url, "still signed in"
        page.once("dialog", lambda d: d.accept())
        page.click("footer .signout button")
        page.wait_for_url("**/masuk")
        left = page.evaluate(
            "() => Promise.all([caches.keys(), new Promise(r => { const q = indexedDB.open("
            "'sekber'); q.onsuccess = () => { const db = q.result; const t = db.transaction("
            "'antrean').objectStore('antrean').count(); t.onsuccess = () => r(t.result); }; })])"
        )
        assert left == [[], 0]
        assert len(cases_of(uow_factory, reporter)) == 23
    finally:
        context.close()
    # Chromium reports each failed or refused request on the console: those the test made.
    expected = ("ERR_INTERNET_DISCONNECTED", "ERR_CONNECTION_RESET", "401", "422")
    assert [p for p in problems if not any(e in p for e in expected)] == []
