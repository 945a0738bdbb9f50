"""Every page's footer links to the accessibility statement, and every page has a favicon.

Danish public web sites must link to their accessibility statement (made with the
WAS-tool); its address is a setting, TILGAENGELIGHEDSERKLAERING_URL.
"""

from __future__ import annotations

import re

import pytest

from delaftaler.roller import SEKRETARIAT
from tests.conftest import bruger_med_rolle

ERKLAERING = "https://www.was.digst.dk/delaftaler-kommune-eksempel"
LINK = re.compile(rf'<a href="{re.escape(ERKLAERING)}">\s*Tilgængelighedserklæring\s*</a>')
IKON = '<link rel="icon" href="/static/delaftaler/favicon.svg" type="image/svg+xml">'


@pytest.fixture
def erklaering(settings):
    settings.TILGAENGELIGHEDSERKLAERING_URL = ERKLAERING


def test_the_public_pages_footer_links_to_the_accessibility_statement(client, db, erklaering):
    html = client.get("/").content.decode()
    fod = html[html.index("<footer") :]
    assert LINK.search(fod), fod
    assert IKON in html


def test_the_staff_pages_footer_links_to_the_accessibility_statement(client, db, erklaering):
    client.force_login(bruger_med_rolle("sekretariat", SEKRETARIAT))
    svar = client.get("/opfoelgninger/")
    assert svar.status_code == 200
    html = svar.content.decode()
    assert LINK.search(html[html.index("<footer") :])
    assert IKON in html


def test_the_admin_footer_links_to_the_accessibility_statement(client, db, erklaering):
    # The login page (the admin's sends a GET there) is the site's own, with its footer.
    html = client.get("/admin/login/", follow=True).content.decode()
    assert LINK.search(html[html.index("<footer") :])
    assert IKON in html
    client.force_login(bruger_med_rolle("sekretariat", SEKRETARIAT))
    html = client.get("/admin/").content.decode()
    assert LINK.search(html[html.index('<footer id="footer"') :])
    assert IKON in html


def test_favicon_ico_leads_to_the_icon_that_is_served(client, db):
    svar = client.get("/favicon.ico")
    assert svar.status_code == 302
    assert svar["Location"] == "/static/delaftaler/favicon.ico"
    for navn, type_ in [
        ("favicon.ico", "image/"),
        ("favicon.svg", "image/svg+xml"),
        ("favicon.png", "image/png"),
    ]:
        fil = client.get(f"/static/delaftaler/{navn}")
        assert fil.status_code == 200, navn
        assert fil["Content-Type"].startswith(type_), (navn, fil["Content-Type"])
