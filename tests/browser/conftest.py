"""What the tests that drive Chromium share: one browser for a run of them.

Starting Playwright's driver and Chromium costs about a second and a half of CPU, so the
browser is started for the first test that asks for it and kept while the following
tests are in this folder. It is stopped as soon as the next test is not (or none
follows): Playwright's sync API runs an asyncio event loop in the test thread for as long
as it lives, and with a running loop ``asyncio.run()`` and asgiref's ``async_to_sync``
refuse to work, so no test elsewhere may inherit it (this folder's tests without a
browser are plain and synchronous). The folder's tests are collected next to each other,
so a worker usually starts one browser.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.chromium import chromium
from tests.smtp import smtp, smtp_server  # noqa: F401 (a real SMTP server for e-mail steps)

_delt: dict = {}  # "playwright" and "browser" while they run

# A step's page may take seconds to come when the whole suite shares two cores; the
# default 5 s made assertions on what does come fail now and then.
expect.set_options(timeout=15_000)


def _stop() -> None:
    browser, playwright = _delt.pop("browser", None), _delt.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture
def browser():
    if "browser" in _delt and not _delt["browser"].is_connected():
        _stop()
    if "browser" not in _delt:
        _delt["playwright"] = sync_playwright().start()
        _delt["browser"] = chromium(_delt["playwright"])
    yield _delt["browser"]
    for context in _delt["browser"].contexts:  # what a failed test left open
        context.close()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After the fixtures' teardown: stop the browser unless the next test is ours."""
    if nextitem is None or Path(__file__).parent not in Path(nextitem.path).parents:
        _stop()
