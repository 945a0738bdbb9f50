"""The public page and the PDF of a stored snapshot of Vejle's delaftale render exactly as
they did when the file was written: moving code between modules must not change one byte
of what a reader or LBF receives.

The expected files were written before the code was reorganised (issue 11). Should a
deliberate change of the page or the PDF alter them, write them anew with
``SKRIV_GENGIVELSE=1 pytest tests/offentlig/test_gengivelse_uaendret.py`` and say so in the commit.
"""

from __future__ import annotations

import io
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from delaftaler.models import Version

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

DATA = Path(__file__).resolve().parent / "data"
SNAPSHOT = DATA / "vejle_snapshot.json"
SIDE = DATA / "vejle_side.html"
PDF_TEKST = DATA / "vejle_pdf.txt"
PUBLICERET = datetime(2021, 12, 1, 10, 0, tzinfo=UTC)
GODKENDT = datetime(2021, 11, 28, 18, 0, tzinfo=UTC)


def _uden_engangsvaerdier(html: str) -> str:
    """A CSP nonce is new for every response."""
    return re.sub(r' nonce="[^"]*"', "", html)


def _den_gemte_version(vejle) -> Version:
    """Vejle's version 1 holding the stored snapshot, published and approved on fixed dates."""
    version = vejle.versioner.get(nummer=1)
    if not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(version.indhold, ensure_ascii=False, indent=1) + "\n")
    Version.objects.filter(pk=version.pk).update(
        indhold=json.loads(SNAPSHOT.read_text()),
        publiceret=PUBLICERET,
        godkendt=GODKENDT,
        pdf=None,
        pdf_sha256="",
    )
    return version


def _sammenlign(fil: Path, nu: str) -> None:
    if os.environ.get("SKRIV_GENGIVELSE") == "1":
        fil.write_text(nu)
    assert nu == fil.read_text()


def test_the_public_page_of_a_stored_snapshot_is_unchanged(vejle, klient):
    _den_gemte_version(vejle)
    svar = klient.get("/vejle-21-25/beskaeftigelse/")
    assert svar.status_code == 200
    _sammenlign(SIDE, _uden_engangsvaerdier(svar.content.decode()))


def test_the_pdf_text_of_a_stored_snapshot_is_unchanged(vejle, klient):
    _den_gemte_version(vejle)
    svar = klient.get("/vejle-21-25/beskaeftigelse.pdf")
    assert svar.status_code == 200
    pdf = b"".join(svar.streaming_content) if svar.streaming else svar.content
    tekst = "\n\f\n".join(s.extract_text() for s in PdfReader(io.BytesIO(pdf)).pages)
    _sammenlign(PDF_TEKST, tekst + "\n")
