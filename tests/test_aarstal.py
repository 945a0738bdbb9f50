"""Years, ids and codes are text, not amounts: no page prints »2.022« for the year 2022.

Every page of the role matrix (tests/adgang/test_rollematrix.py) is fetched by someone
who may see it, and its HTML is searched for a number grouped in thousands.
"""

from __future__ import annotations

import re

import pytest

from tests.adgang.test_rollematrix import ROLLER, TABEL, Data, _data
from tests.planer import uden_pdf, uden_pdf_imens

pytestmark = pytest.mark.django_db

# »2.022«, »1.234«: grouped thousands, but not the parts of a date like 01.12.2021.
TUSINDER = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,]|\d)")
SCRIPT = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S | re.I)  # code and drawings
SIDER = [r for r in TABEL if r.metode == "get" and 200 in r.forventet.values()]


@pytest.fixture(autouse=True)
def _uden_pdf(settings, monkeypatch):
    uden_pdf(settings, monkeypatch)


@pytest.fixture(scope="module")
def data(modul_db) -> Data:
    with uden_pdf_imens():
        return _data()


@pytest.mark.parametrize("raekke", SIDER, ids=[r.id for r in SIDER])
def test_no_page_prints_a_year_or_id_in_thousands(klient, data, raekke):
    rolle = next(r for r in ROLLER if raekke.forventet[r] == 200)
    if data.brugere[rolle] is not None:
        klient.force_login(data.brugere[rolle])
    svar = raekke.hent(klient, raekke.url(data))
    assert svar.status_code == 200
    if not svar.get("Content-Type", "").startswith("text/html"):
        return
    html = SCRIPT.sub("", svar.content.decode())

    fundet = {m.group() for m in TUSINDER.finditer(html)}

    assert not fundet, f"{raekke.id}: {sorted(fundet)}"
