"""What the tests that drive Chromium share: one browser per module."""

import pytest
from playwright.sync_api import sync_playwright

from tests.chromium import chromium


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = chromium(p)
        yield b
        b.close()
