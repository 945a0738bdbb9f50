"""What the tests that drive Chromium share: one browser per module."""

import pytest
from playwright.sync_api import sync_playwright

from tests.chromium import chromium
from tests.smtp import smtp, smtp_server  # noqa: F401 (a real SMTP server for e-mail steps)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = chromium(p)
        yield b
        b.close()
