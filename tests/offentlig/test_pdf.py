"""The delaftale as a PDF: read the real file back and check what a reader, LBF and a
screen reader get — values in Danish, sections in LBF order, pages, outline, tags,
fonts — and that it is cached by content, never stale, and cannot fetch anything but
our own static files."""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal
from html import unescape
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from pypdf.generic import BooleanObject, IndirectObject

from aktiviteter.models import Aktivitet
from delaftaler.visning import pdf
from indikatorer.models import Baseline
from tests.factories import AktivitetFactory, BaselineFactory, IndikatorFactory, publicer
from tests.test_fixtures import EXPECTED, FORSOERGEDE_18_29

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

URL = {
    "Vejle_21_25": "/vejle-21-25/beskaeftigelse.pdf",
    "Viborg_25_29": "/viborg-25-29/beskaeftigelse.pdf",
}
SIDE = "/vejle-21-25/beskaeftigelse/"
TITEL = "Delaftale for indsatsområdet Beskæftigelse"
# What the comparison value ("Evt. anden baseline") is, as the documents name it.
SAMMENLIGNING_LABEL = {"Vejle_21_25": "", "Viborg_25_29": "Viborg Kommune"}
AFSNIT = [
    "Delaftalens parter",
    "Delmål og indikatorer for indsatsområdet",
    "Aktiviteter",
    "Medarbejderressourcer for indsatsområdet",
    "Sammenhæng med den kommunale indsats i boligområdet",
    "Revision af delaftalen",
    "Aktivitetsskemaer",
]
# The PDF view's queries, measured: delaftale (+ helhedsplan, indsatsområde), parter,
# delmål, indikatorer, baselines (+ boligområde), samlet_for, aktiviteter, their delmål,
# the helhedsplan's boligområder.
# The first request (before the worker) renders the version's PDF from its snapshot and
# stores it: the delaftale, its version, the version with its snapshot (under its row lock,
# in a savepoint, on PostgreSQL) and the update; later ones find the delaftale and its
# version, and take the bytes the process already holds.
QUERIES_FOERSTE = 6 if connection.vendor == "postgresql" else 4
QUERIES = 2


def normaliser(tekst: str) -> str:
    return re.sub(r"\s+", " ", tekst.replace("\u00a0", " ")).strip()


def hent(client, url: str, **headers):
    svar = client.get(url, headers=headers)
    assert svar.status_code == 200, svar
    assert svar["Content-Type"] == "application/pdf"
    return svar


def laes(svar) -> PdfReader:
    return PdfReader(io.BytesIO(svar.content))


_SIDETEKSTER: dict[bytes, list[str]] = {}


def sider(reader: PdfReader) -> list[str]:
    """The pages' text, read once per PDF: pypdf takes a while over a long one, and many
    tests read the same PDF."""
    noegle = hashlib.sha256(reader.stream.getvalue()).digest()
    if noegle not in _SIDETEKSTER:
        _SIDETEKSTER[noegle] = [side.extract_text() for side in reader.pages]
    return _SIDETEKSTER[noegle]


def tekst(reader: PdfReader) -> str:
    return normaliser(" ".join(sider(reader)))


def linjer(reader: PdfReader) -> list[str]:
    return [normaliser(linje) for side in sider(reader) for linje in side.splitlines()]


def disposition(svar) -> str:
    return svar["Content-Disposition"]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) for every bookmark, in document order."""
    ud: list[tuple[int, str, int]] = []

    def gaa(punkter, niveau):
        for punkt in punkter:
            if isinstance(punkt, list):
                gaa(punkt, niveau + 1)
            else:
                ud.append((niveau, punkt.title, reader.get_destination_page_number(punkt)))

    gaa(reader.outline, 1)
    return ud


def skrifter(reader: PdfReader) -> dict[str, object]:
    """Every font dictionary the pages (and their form XObjects) use, by BaseFont."""
    fundet: dict[str, object] = {}

    def ressourcer(res, set_: set[int]):
        res = res.get_object() if res is not None else None
        if not res:
            return
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            fundet[str(font["/BaseFont"])] = font
        for xobj in (res.get("/XObject") or {}).values():
            ref = xobj.idnum if isinstance(xobj, IndirectObject) else id(xobj)
            xobj = xobj.get_object()
            if ref not in set_ and xobj.get("/Subtype") == "/Form":
                set_.add(ref)
                ressourcer(xobj.get("/Resources"), set_)

    for side in reader.pages:
        ressourcer(side.get("/Resources"), set())
    return fundet


# ---- Content ----------------------------------------------------------------------------


@pytest.mark.parametrize("plan", ["Vejle_21_25", "Viborg_25_29"])
def test_every_baseline_stands_in_the_pdf_in_danish(client, vejle, viborg, plan):
    reader = laes(hent(client, URL[plan]))
    alt = tekst(reader)
    for indikator, sted, vaerdi, anden, periode, datakilde in EXPECTED[plan]:
        # The LBF table reads row by row: place, value, comparison (and what it is
        # measured against), year, data source — in Danish number format.
        label = SAMMENLIGNING_LABEL[plan] if anden else ""
        raekke = " ".join(d for d in (sted, vaerdi, anden, label, periode, datakilde) if d)
        assert raekke in alt, f"{indikator}: {raekke!r} står ikke i PDF'en"
        assert normaliser(indikator) in alt
    for tal in ("11.3", "60.87", "56.2 ", "47.0"):
        assert tal not in alt
    if plan == "Vejle_21_25":
        for vaerdi in (
            "11,3 %",
            "9,6 %",
            "0,0 %",
            "Opgjort samlet for Nørremarken og Løget Høj 47",
        ):
            assert vaerdi in alt
    else:
        for vaerdi in ("60,87 %", "56,20 %", "Stoholm 50 %", "79,42 % Viborg Kommune"):
            assert vaerdi in alt
        assert alt.count("Data kommer") == 2


def test_sections_follow_the_lbf_template(client, vejle):
    reader = laes(hent(client, URL["Vejle_21_25"]))
    alle = linjer(reader)
    placering = [alle.index(afsnit) for afsnit in AFSNIT]
    assert placering == sorted(placering)
    assert alle.index(TITEL) < placering[0]


def test_page_one_counts_the_pages_and_every_page_has_header_and_footer(client, vejle):
    svar = hent(client, URL["Vejle_21_25"])
    reader = laes(svar)
    n = len(reader.pages)
    assert n > 5
    for nr, side in enumerate(sider(reader), start=1):
        side = normaliser(side)
        assert f"Side {nr} af {n}" in side
        assert "Vejle_21_25 – Beskæftigelse" in side
        assert re.search(r"Version 1 · Gældende version af \d\d\.\d\d\.\d{4}", side)
    assert normaliser(sider(reader)[0]).endswith(f"Side 1 af {n}")


def test_metadata_language_tags_and_fonts(client, vejle):
    reader = laes(hent(client, URL["Vejle_21_25"]))
    assert reader.metadata.title == f"{TITEL} – Vejle_21_25"
    assert reader.metadata.author == "Vejle_21_25"
    katalog = reader.trailer["/Root"]
    assert katalog["/Lang"] == "da"
    assert katalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in katalog

    fonte = skrifter(reader)
    assert fonte
    for navn, font in fonte.items():
        # "ABCDEF+IBM-Plex-Sans-Semi-Bold": a subset of IBM Plex Sans, embedded.
        assert re.fullmatch(r"/[A-Z]{6}\+IBM-Plex-Sans(-[A-Za-z-]+)?", navn), navn
        beskrivelser = [
            d.get_object()["/FontDescriptor"].get_object()
            for d in font.get("/DescendantFonts", [font])
        ]
        for beskrivelse in beskrivelser:
            assert "/FontFile2" in beskrivelse or "/FontFile3" in beskrivelse, navn
    assert {"Semi-Bold", "Italic"} <= {n.rsplit("Sans-", 1)[-1] for n in fonte}


def test_outline_holds_the_sections_and_every_activity(client, vejle):
    reader = laes(hent(client, URL["Vejle_21_25"]))
    bogmaerker = outline(reader)
    aktiviteter = [a.navn for a in vejle.aktiviteter.all()]
    assert [t for niveau, t, _ in bogmaerker if niveau == 1] == [TITEL]
    assert [t for niveau, t, _ in bogmaerker if niveau == 2] == AFSNIT
    # The activities hang under "Aktivitetsskemaer", named by the activity alone.
    assert [t for niveau, t, _ in bogmaerker if niveau == 3] == aktiviteter
    assert [t for _, t, _ in bogmaerker[-len(aktiviteter) - 1 :]] == [
        "Aktivitetsskemaer",
        *aktiviteter,
    ]


def test_each_activity_schema_begins_a_page(client, vejle):
    reader = laes(hent(client, URL["Vejle_21_25"]))
    sidetekst = [normaliser(s) for s in sider(reader)]
    sider_med_skema = []
    for niveau, navn, side in outline(reader):
        if niveau != 3:
            continue
        sider_med_skema.append(side)
        overskrift = f"Aktivitetsnavn: {navn}".casefold()
        begyndelse = sidetekst[side].casefold().removeprefix("aktivitetsskemaer ")
        assert begyndelse.startswith(overskrift), (navn, sidetekst[side][:120])
    assert len(set(sider_med_skema)) == len(sider_med_skema) == 5
    # The section heading opens the first schema's page, and nothing before it.
    assert sidetekst[sider_med_skema[0]].casefold().startswith("aktivitetsskemaer aktivitetsnavn")


# ---- Response and cache -----------------------------------------------------------------


def test_response_headers(client, vejle):
    svar = hent(client, URL["Vejle_21_25"])
    assert disposition(svar) == 'inline; filename="Delaftale_Beskaeftigelse_Vejle_21_25.pdf"'
    assert svar["Cache-Control"] == "no-cache"
    assert re.fullmatch(r'"[0-9a-f]{64}"', svar["ETag"])
    assert svar.content.startswith(b"%PDF-1.7")

    # A client that has this version gets 304 and no body.
    igen = client.get(URL["Vejle_21_25"], headers={"if-none-match": svar["ETag"]})
    assert igen.status_code == 304
    assert igen.content == b""
    assert igen["ETag"] == svar["ETag"]


def test_the_published_pdf_is_frozen_until_the_next_publication(client, vejle):
    with patch("delaftaler.visning.pdf.render_pdf", wraps=pdf.render_pdf) as render:
        foerste = hent(client, URL["Vejle_21_25"])
        anden = hent(client, URL["Vejle_21_25"])
        assert render.call_count == 1
        assert anden.content == foerste.content
        assert anden["ETag"] == foerste["ETag"]
        assert "Nørremarken 11,3 %" in tekst(laes(foerste))
        version = vejle.versioner.get()
        assert version.pdf_sha256 == hashlib.sha256(foerste.content).hexdigest()

        baseline = Baseline.objects.get(
            indikator__navn=FORSOERGEDE_18_29, boligomraade__navn="Nørremarken"
        )
        baseline.vaerdi = Decimal("12.4")
        baseline.save()
        uaendret = client.get(URL["Vejle_21_25"], HTTP_IF_NONE_MATCH=foerste["ETag"])
        assert uaendret.status_code == 304, "an unpublished draft leaves the PDF alone"

        publicer(vejle)
        efter = hent(client, URL["Vejle_21_25"], if_none_match=foerste["ETag"])
        assert render.call_count == 2
        assert efter["ETag"] != foerste["ETag"]
        ny = tekst(laes(efter))
        assert "Nørremarken 12,4 %" in ny
        assert "11,3 %" not in ny
        assert "godkendt af bestyrelsen" in normaliser(ny)

        gammel = hent(client, "/vejle-21-25/beskaeftigelse/versioner/1.pdf")
        assert gammel.content == foerste.content, "earlier versions keep their exact bytes"


def test_a_deleted_activity_leaves_the_pdf(client, vejle):
    navn = "Rekrutteringsevents med det lokale erhvervsliv"
    reader = laes(hent(client, URL["Vejle_21_25"]))
    assert navn in tekst(reader)
    sider_foer = len(reader.pages)

    Aktivitet.objects.get(delaftale=vejle, navn=navn).delete()
    publicer(vejle)

    with patch("delaftaler.visning.pdf.render_pdf", wraps=pdf.render_pdf) as render:
        reader = laes(hent(client, URL["Vejle_21_25"]))
    assert render.call_count == 1
    assert navn not in tekst(reader)
    assert navn not in [t for _, t, _ in outline(reader)]
    assert len(reader.pages) < sider_foer


def test_the_pdf_view_runs_a_constant_number_of_queries(
    client, vejle, django_assert_max_num_queries
):
    with django_assert_max_num_queries(QUERIES_FOERSTE):
        hent(client, URL["Vejle_21_25"])
    with django_assert_max_num_queries(QUERIES):
        hent(client, URL["Vejle_21_25"])

    # 20 more baselines (on 4 new indicators, in 20 new areas) and 5 more activities.
    delmaal = list(vejle.delmaal.all())
    for i in range(4):
        indikator = IndikatorFactory(delmaal=delmaal[i % len(delmaal)])
        for _ in range(5):
            BaselineFactory(indikator=indikator)
    for _ in range(5):
        AktivitetFactory(delaftale=vejle).delmaal.add(*delmaal)
    publicer(vejle)

    with CaptureQueriesContext(connection) as queries:
        svar = hent(client, URL["Vejle_21_25"])
    assert len(queries) == QUERIES_FOERSTE
    with CaptureQueriesContext(connection) as queries:
        assert hent(client, URL["Vejle_21_25"]).content == svar.content
    assert len(queries) == QUERIES
    assert tekst(laes(svar)).count("11,3 %") == 21


# ---- WeasyPrint may only read our static files ------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.css",
        "data:text/css,body{}",
        "ftp://example.com/x",
        "delaftaler://example.com/static/delaftaler/pdf.css",
        "delaftaler:/static/../../../../etc/passwd",
        "delaftaler:/static/%2e%2e/%2e%2e/etc/passwd",
        "delaftaler:/static//etc/passwd",
        "delaftaler:/etc/passwd",
        "delaftaler:/static/delaftaler/findes-ikke.css",
        "/static/delaftaler/pdf.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(ValueError):
        pdf.fetcher().fetch(url)


def test_the_fetcher_serves_our_static_files():
    svar = pdf.fetcher().fetch("delaftaler:/static/delaftaler/pdf.css")
    assert svar.content_type == "text/css"
    assert b"@font-face" in svar.read()
    font = pdf.fetcher().fetch(
        "delaftaler:/static/dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf"
    )
    assert font.read(4) == b"\x00\x01\x00\x00"


@pytest.mark.egen_pdf
def test_rendered_html_cannot_reach_files_or_hosts(monkeypatch):
    """Stored HTML pointing outside gets nothing, and the PDF embeds nothing of it."""
    forbindelser = []

    def ingen_forbindelse(*args, **kwargs):
        forbindelser.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr("socket.create_connection", ingen_forbindelse)
    hentet: list[tuple[str, bool]] = []
    klasse = type(pdf.fetcher())
    original = klasse.fetch

    def spion(self, url, headers=None):
        try:
            svar = original(self, url, headers)
        except Exception:
            hentet.append((url, False))
            raise
        hentet.append((url, True))
        return svar

    monkeypatch.setattr(klasse, "fetch", spion)
    html = """<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Test</title>
      <link rel="stylesheet" href="/static/delaftaler/pdf.css">
      <link rel="stylesheet" href="http://example.com/x.css">
      <link rel="attachment" href="file:///etc/passwd" title="passwd">
      <style>body { background: url("https://example.com/baggrund.png") }</style>
      </head><body><h1>Test</h1>
      <img src="file:///etc/passwd" alt=""><img src="http://example.com/x.png" alt="">
      <img src="//example.com/y.png" alt=""><object data="file:///etc/hostname"></object>
      <p>Brødtekst</p></body></html>"""
    indhold = pdf.render_pdf(html)

    served = {url for url, ok in hentet if ok}
    assert "delaftaler:/static/delaftaler/pdf.css" in served
    assert all(url.startswith("delaftaler:/static/") for url in served), served
    refused = {url for url, ok in hentet if not ok}
    assert {"file:///etc/passwd", "http://example.com/x.png", "http://example.com/x.css"} <= refused
    assert forbindelser == []
    reader = PdfReader(io.BytesIO(indhold))
    assert b"root:" not in indhold
    assert "/EmbeddedFiles" not in (reader.trailer["/Root"].get("/Names") or {})
    assert "Brødtekst" in sider(reader)[0]


# ---- Page and PDF share one partial -------------------------------------------------------


def test_page_and_pdf_have_the_same_sections_in_the_same_order(client, vejle):
    side = client.get(SIDE)
    assert side.status_code == 200
    html = side.content.decode()
    overskrifter = [
        normaliser(re.sub(r"<[^>]+>", "", o))
        for o in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)
    ]
    aktiviteter_paa_siden = [
        normaliser(unescape(o))
        for o in re.findall(r'<h3 id="aktivitet-\d+"[^>]*>.*?</span>(.*?)</h3>', html)
    ]
    bogmaerker = outline(laes(hent(client, URL["Vejle_21_25"])))
    assert overskrifter == [TITEL, *AFSNIT]
    assert [t for niveau, t, _ in bogmaerker if niveau <= 2] == overskrifter
    assert [t for niveau, t, _ in bogmaerker if niveau == 3] == aktiviteter_paa_siden


@pytest.mark.egen_pdf
def test_the_pdf_keeps_its_styles_and_fonts_with_hashed_static_files(
    client, vejle, settings, tmp_path
):
    """In production the stylesheet is 'pdf.<hash>.css' among the collected files; the
    PDF must still find it, or it falls back to an unstyled serif document."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    html = pdf.pdf_html(*_vejle_visning_og_tabel())
    assert re.search(r"/static/delaftaler/pdf\.[0-9a-f]{12}\.css", html)
    reader = PdfReader(io.BytesIO(pdf.render_pdf(html)))
    navne = list(skrifter(reader))
    assert navne and all("IBM-Plex-Sans" in n for n in navne), navne


@pytest.mark.egen_pdf
def test_the_same_html_renders_to_the_same_bytes(vejle, _genbrugte_pdfer):
    """What lets tests reuse a PDF rendered from identical HTML (``genbrugt_pdf`` in
    tests/conftest.py): WeasyPrint puts no time or random identifier into it. Compared with
    the test process's earlier render of this HTML (the published PDF's, seconds before: a
    timestamp would show), or, when this test runs without one, with a second render."""
    html = pdf.pdf_html(*_vejle_visning_og_tabel())
    tidligere = _genbrugte_pdfer.get(hashlib.sha256(html.encode()).hexdigest())
    assert pdf.render_pdf(html) == (tidligere or pdf.render_pdf(html))


def _vejle_visning_og_tabel():
    from delaftaler.visning.context import hent_gaeldende
    from delaftaler.visning.table import IndikatorTabel

    visning = hent_gaeldende("vejle-21-25", "beskaeftigelse")
    return visning, IndikatorTabel(visning.raekker)
