"""A published version's PDF is made by the background worker, not in the publishing request
(delaftaler/publicering/version_pdf.py): the person is told it is being made, a request
that comes before the worker gets the new version's PDF (rendered then), and exactly one
PDF is ever stored per version.

A small delaftale keeps the two real renders quick; the other tests render fake bytes.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from delaftaler.models import Indstilling, Version
from delaftaler.publicering.version_pdf import version_pdf, version_pdf_lav
from delaftaler.roller import LEDER
from delaftaler.visning import pdf
from tests.conftest import bruger_med_rolle, data_migrationernes_raekker
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    DelaftaleFactory,
    DelmaalFactory,
    IndikatorFactory,
    PartFactory,
    publicer,
)
from tests.opgaver import fejlede_opgaver, koer_opgaver
from tests.planer import FALSK_PDF

LAVES = "PDF'en bliver lavet"
OPGAVE = "delaftaler.publicering.version_pdf.version_pdf_opgave"


def _lille_delaftale(*, med_pdf: bool = False):
    """Published as version 1, whose PDF is not made (no commit in a test) unless asked."""
    delaftale = DelaftaleFactory()
    PartFactory(delaftale=delaftale)
    delmaal = DelmaalFactory(delaftale=delaftale)
    BaselineFactory(indikator=IndikatorFactory(delmaal=delmaal))
    AktivitetFactory(delaftale=delaftale).delmaal.add(delmaal)
    version = publicer(delaftale)
    if med_pdf:
        Version.objects.filter(pk=version.pk).update(
            pdf=FALSK_PDF, pdf_sha256=hashlib.sha256(FALSK_PDF).hexdigest()
        )
    return delaftale


def _adresser(delaftale) -> dict[str, str]:
    args = [delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug]
    return {
        "side": reverse("delaftaler:delaftale", args=args),
        "pdf": reverse("delaftaler:delaftale_pdf", args=args),
        "udkast": reverse("delaftaler:udkast", args=args),
        "versioner": reverse("delaftaler:versioner", args=args),
        "publicer": reverse("delaftaler:udkast_publicer", args=args),
    }


def _tekst(pdf_bytes: bytes) -> str:
    return " ".join(s.extract_text() for s in PdfReader(io.BytesIO(pdf_bytes)).pages)


@pytest.fixture
def publiceret(db, django_capture_on_commit_callbacks):
    """Version 2, published by the leder through the draft page; the worker has not run."""
    delaftale = _lille_delaftale(med_pdf=True)
    leder = Client()
    leder.force_login(bruger_med_rolle("leder", LEDER))
    url = _adresser(delaftale)
    part = delaftale.parter.get()
    part.telefon = "70 70 70 70"
    part.save()
    side = leder.get(url["udkast"]).content.decode()
    sha = side.split('name="udkast_sha256" value="')[1][:64]
    with (
        patch("delaftaler.visning.pdf.render_pdf", wraps=pdf.render_pdf) as render,
        django_capture_on_commit_callbacks(execute=True),
    ):
        svar = leder.post(url["publicer"], {"udkast_sha256": sha, "bekraeft": "on"})
    assert svar.status_code == 302
    assert render.call_count == 0, "the publishing request renders no PDF"
    return delaftale, leder, url


def test_publishing_stores_the_version_without_its_pdf_and_the_worker_makes_it(publiceret):
    delaftale, leder, url = publiceret
    version = delaftale.versioner.get(nummer=2)
    assert (version.pdf, version.pdf_sha256) == (None, "")
    opgave = DBTaskResult.objects.get(task_path=OPGAVE)
    assert (opgave.status, opgave.args_kwargs["args"]) == ("READY", [version.pk])

    # The staff see it is being made, where the PDF link is; the public page's link works.
    for side in ("side", "udkast", "versioner"):
        assert LAVES in leder.get(url[side]).content.decode(), side
    assert LAVES not in Client().get(url["side"]).content.decode()

    assert koer_opgaver() and not fejlede_opgaver(), fejlede_opgaver()
    assert DBTaskResult.objects.get(task_path=OPGAVE).status == "SUCCESSFUL"
    version.refresh_from_db()
    gemt = bytes(version.pdf)
    assert version.pdf_sha256 == hashlib.sha256(gemt).hexdigest()
    assert "Version 2" in _tekst(gemt)
    for side in ("side", "udkast", "versioner"):
        assert LAVES not in leder.get(url[side]).content.decode(), side
    assert Client().get(url["pdf"]).content == gemt
    assert koer_opgaver() == 0


def test_a_request_before_the_worker_gets_the_new_versions_pdf_and_the_worker_keeps_it(
    publiceret,
):
    delaftale, _, url = publiceret
    with patch("delaftaler.visning.pdf.render_pdf", wraps=pdf.render_pdf) as render:
        svar = Client().get(url["pdf"])
        assert svar.status_code == 200
        tekst = _tekst(svar.content)
        assert "Version 2" in tekst and "Version 1" not in tekst
        version = delaftale.versioner.get(nummer=2)
        assert bytes(version.pdf) == svar.content
        assert version.pdf_sha256 == hashlib.sha256(svar.content).hexdigest()

        assert koer_opgaver() and not fejlede_opgaver(), fejlede_opgaver()
        assert DBTaskResult.objects.get(task_path=OPGAVE).status == "SUCCESSFUL"
        assert render.call_count == 1
    version.refresh_from_db()
    assert bytes(version.pdf) == svar.content


def test_a_stored_pdf_is_never_changed_and_a_lost_race_serves_the_first(db):
    delaftale = _lille_delaftale()
    version = delaftale.versioner.get()

    def render_mens_en_anden_gemmer(html: str) -> bytes:
        # Another worker or request stores its PDF while this one renders.
        Version.objects.filter(pk=version.pk).update(
            pdf=b"%PDF forst", pdf_sha256=hashlib.sha256(b"%PDF forst").hexdigest()
        )
        return b"%PDF senere"

    with patch("delaftaler.visning.pdf.render_pdf", side_effect=render_mens_en_anden_gemmer):
        assert version_pdf(Version.objects.defer("pdf").get(pk=version.pk)) == b"%PDF forst"
    with patch("delaftaler.visning.pdf.render_pdf") as render:
        assert version_pdf_lav(version.pk) == (hashlib.sha256(b"%PDF forst").hexdigest(), None)
        assert version_pdf(Version.objects.defer("pdf").get(pk=version.pk)) == b"%PDF forst"
    assert render.call_count == 0
    version.refresh_from_db()
    assert bytes(version.pdf) == b"%PDF forst"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: SQLite has none (see the test above)"
)
def test_two_renders_at_the_same_moment_store_one_pdf_and_both_serve_it(transactional_db):
    data_migrationernes_raekker()
    delaftale = _lille_delaftale()
    version = delaftale.versioner.get()
    kald = []

    def langsom_render(html: str) -> bytes:
        kald.append(html)
        time.sleep(0.3)
        return f"%PDF nr. {len(kald)}".encode()

    start = threading.Barrier(2)
    resultater: list = [None, None]

    def hent(nr: int) -> None:
        try:
            start.wait()
            resultater[nr] = version_pdf(Version.objects.defer("pdf").get(pk=version.pk))
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            resultater[nr] = exc
        finally:
            connection.close()

    with patch("delaftaler.visning.pdf.render_pdf", side_effect=langsom_render):
        traade = [threading.Thread(target=hent, args=(n,)) for n in range(2)]
        for t in traade:
            t.start()
        for t in traade:
            t.join(30)
    version.refresh_from_db()
    assert len(kald) == 1, "the second waited for the first's row lock and found its PDF"
    assert resultater == [bytes(version.pdf)] * 2 == [b"%PDF nr. 1"] * 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite has none")
def test_a_submission_built_on_the_version_is_not_held_up_by_its_render(transactional_db):
    data_migrationernes_raekker()
    delaftale = _lille_delaftale()
    version = delaftale.versioner.get()
    leder = bruger_med_rolle("leder", LEDER)
    i_gang, faerdig = threading.Event(), threading.Event()

    def render_til_signal(html: str) -> bytes:
        i_gang.set()
        faerdig.wait(10)
        return b"%PDF"

    def lav() -> None:
        try:
            version_pdf_lav(version.pk)
        finally:
            connection.close()

    with patch("delaftaler.visning.pdf.render_pdf", side_effect=render_til_signal):
        traad = threading.Thread(target=lav)
        traad.start()
        assert i_gang.wait(10)
        start = time.monotonic()
        Indstilling.objects.create(
            delaftale=delaftale,
            grundlag=version,
            indhold=version.indhold,
            indhold_sha256=version.indhold_sha256,
            indsendt_af=leder,
        )
        ventet = time.monotonic() - start
        faerdig.set()
        traad.join(30)
    assert ventet < 5, "the insert waited for the render's row lock"
    assert Version.objects.get(pk=version.pk).pdf_sha256
