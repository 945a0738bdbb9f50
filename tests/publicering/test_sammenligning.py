"""Comparison of any two versions: published versions (v3), submissions to the board (i12),
the draft (udkast) and any moment of the history (t<microseconds>). Texts word by word,
the LBF table cell by cell, added and removed objects and rows marked in words."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaftaler.models import Indstilling
from delaftaler.publicering.comparison import (
    FJERNET,
    TILFOEJET,
    Stykke,
    byg_sammenligning,
    feltforskel,
    ordforskel,
    synlig_tekst,
)
from delaftaler.publicering.history import tidskode
from delaftaler.publicering.services import udkast_for
from delaftaler.snapshot import tag_snapshot
from delaftaler.visning.context import hent_udkast
from indikatorer.models import Baseline, Indikator
from tests.adminformular import Formular, admin_url
from tests.chromium import html_errors
from tests.publicering.test_historik import (
    FORSOERGEDE_18_29,
    NYT_INDIKATORNAVN,
    TELEFON,
    rediger_vejle,
    tekst,
)

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data


@pytest.fixture
def redigeret(sekretariat_client, vejle):
    return rediger_vejle(sekretariat_client, vejle)


TILFOEJET_HTML = '<ins><span class="sr-only">tilføjet: </span>{}</ins>'
FJERNET_HTML = '<del><span class="sr-only">fjernet: </span>{}</del>'


def url(delaftale, **params) -> str:
    u = reverse(
        "delaftaler:sammenlign", args=[delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug]
    )
    return u + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# --- Word by word ------------------------------------------------------------------------


def test_visible_text_of_rich_text_keeps_paragraphs_and_list_items():
    html = "<p>Første <strong>afsnit</strong>.</p><ul><li>et</li><li>to</li></ul><p>a<br>b</p>"
    assert synlig_tekst(html) == ["Første afsnit.", "• et", "• to", "a", "b"]


def test_word_diff_marks_only_the_changed_words_and_keeps_paragraphs():
    afsnit = ordforskel(
        ["Beboere i områderne.", "Andet afsnit."], ["Beboere i Vejle.", "Andet afsnit."]
    )
    assert afsnit == [
        [Stykke("Beboere i"), Stykke("områderne.", "gammel"), Stykke("Vejle.", "ny")],
        [Stykke("Andet afsnit.")],
    ]


def test_word_diff_of_an_added_paragraph():
    assert ordforskel(["Et."], ["Et.", "To tre."]) == [[Stykke("Et.")], [Stykke("To tre.", "ny")]]


# --- The page after edits of each kind -------------------------------------------------------


def test_version_1_against_the_draft(sekretariat_client, redigeret, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):
        svar = sekretariat_client.get(url(redigeret.delaftale, fra="v1", til="udkast"))

    assert svar.status_code == 200
    html = svar.content.decode()
    side = tekst(html)
    assert "Ændringer fra version 1" in side and "til udkastet" in side
    assert "Ændringerne er samlet set faglig ændring" in side
    # Rich text (an activity's target group), word by word.
    assert (
        FJERNET_HTML.format("områderne,") + " " + TILFOEJET_HTML.format("Nørremarken og Vestbyen,")
        in html
    )
    # A part's phone number.
    assert TILFOEJET_HTML.format(TELEFON) in html
    # A delmål's text.
    assert TILFOEJET_HTML.format("i Vejle") in html
    # Added and removed activities, in words.
    assert re.search(r"Tilføjet</span> Aktivitet »Jobcafé«", html)
    assert re.search(r"Fjernet</span> Aktivitet »Tjansen«", html)
    # The activity's delmål links.
    assert "Bidrager til delmål" in side
    # The baseline, cell by cell: the value cell and the renamed indicator are changed.
    s = svar.context["sammenligning"]
    raekke = next(r for r in s.tabel if r.noegle == ("b", redigeret.baseline.pk))
    aendrede = [
        (kol, c.foer, c.efter)
        for kol, c in zip(s.tabel_kolonner, raekke.celler, strict=True)
        if c.aendret
    ]
    assert aendrede == [
        ("Delmål", redigeret.delmaal.tekst, redigeret.delmaal.tekst + " i Vejle"),
        ("Indikator", FORSOERGEDE_18_29, NYT_INDIKATORNAVN),
        ("Baseline", "11,3\u00a0%", "12,4\u00a0%"),
    ]
    assert (
        '<td class="celle-aendret">'
        + FJERNET_HTML.format("11,3\u00a0%")
        + " "
        + TILFOEJET_HTML.format("12,4\u00a0%")
        + "</td>"
    ) in html
    assert s.uaendrede_raekker > 0


def test_added_and_removed_rows_of_the_table(sekretariat_client, vejle):
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)
    url_ = admin_url(Indikator, "change", indikator.pk)
    f = Formular(sekretariat_client.get(url_))
    fjernet = Baseline.objects.get(pk=int(f.data["baselines-1-id"][0]))
    f.saet(**{"baselines-1-DELETE": "on"})
    assert sekretariat_client.post(url_, f.data).status_code == 302
    assert not Baseline.objects.filter(pk=fjernet.pk).exists()

    frem = sekretariat_client.get(url(vejle, fra="v1", til="udkast")).context["sammenligning"]
    tilbage = sekretariat_client.get(url(vejle, fra="udkast", til="v1"))

    [raekke] = frem.tabel
    assert raekke.status == FJERNET
    assert raekke.celler[2].foer == "Vestbyen"
    [omvendt] = tilbage.context["sammenligning"].tabel
    assert omvendt.status == TILFOEJET
    html = tilbage.content.decode()
    assert '<tr class="raekke-tilfoejet">' in html
    assert "Tilføjet</span></th>" in html


def test_a_submission_and_a_moment_of_the_history(sekretariat_client, leder_bruger, vejle):
    leder_client = sekretariat_client
    foer = tidskode(timezone.now())
    rediger_vejle(sekretariat_client, vejle)
    udkast = udkast_for(vejle)
    indstilling = Indstilling.objects.create(
        delaftale=vejle,
        grundlag=udkast.grundlag,
        indhold=udkast.indhold,
        indhold_sha256=udkast.sha256,
        indsendt_af=leder_bruger,
    )

    svar = leder_client.get(url(vejle, fra=foer, til=f"i{indstilling.pk}"))

    assert svar.status_code == 200
    s = svar.context["sammenligning"]
    assert s.efter_navn.startswith("indstillingen til bestyrelsen af")
    assert s.foer_navn.startswith("historikken pr.")
    assert s.har_aendringer
    # The moment before the edits is version 1; the submission is the draft: nothing between.
    igen = leder_client.get(url(vejle, fra=f"i{indstilling.pk}", til="udkast"))
    assert not igen.context["sammenligning"].har_aendringer
    assert "Ingen ændringer" in tekst(igen.content.decode())
    samme = leder_client.get(url(vejle, fra=foer, til="v1")).context["sammenligning"]
    assert not samme.har_aendringer


def test_defaults_to_the_published_version_against_the_draft(sekretariat_client, vejle):
    svar = sekretariat_client.get(url(vejle))
    assert svar.status_code == 200
    assert svar.context["form"].cleaned_data == {"fra": "v1", "til": "udkast"}
    assert not svar.context["sammenligning"].har_aendringer


def test_unknown_choice_is_a_danish_error(sekretariat_client, vejle):
    svar = sekretariat_client.get(url(vejle, fra="v99", til="udkast"))
    assert svar.status_code == 400
    assert "Vælg en version fra listen." in svar.content.decode()


def test_before_the_delaftale_existed(sekretariat_client, vejle):
    svar = sekretariat_client.get(url(vejle, fra="t1", til="udkast"))
    assert svar.status_code == 404
    assert "fandtes ikke endnu" in svar.content.decode()


def test_restore_button_only_for_those_who_may_change(
    sekretariat_client, bestyrelse_bruger, vejle, redigeret
):
    adresse = url(vejle, fra="v1", til="udkast")
    gendan = reverse("delaftaler:gendan", args=[vejle.helhedsplan.slug, "beskaeftigelse", 1])
    assert gendan in sekretariat_client.get(adresse).content.decode()
    bestyrelse = Client()
    bestyrelse.force_login(bestyrelse_bruger)
    svar = bestyrelse.get(adresse)
    assert svar.status_code == 200
    assert gendan not in svar.content.decode()


# --- The partial stands alone; pages are valid ----------------------------------------------


def test_the_partial_renders_on_its_own(vejle, redigeret):
    foer = vejle.versioner.get(nummer=1).indhold
    efter = tag_snapshot(hent_udkast(vejle))
    s = byg_sammenligning(foer, efter, foer_navn="version 1", efter_navn="udkastet")
    html = render_to_string("publicering/_sammenligning.html", {"sammenligning": s})
    assert html.lstrip().startswith('<section class="sammenligning"')
    assert "<h1" not in html
    dokument = (
        '<!doctype html><html lang="da"><head><title>Prøve</title></head><body><main>'
        f"{html}</main></body></html>"
    )
    assert html_errors(dokument) == []


@pytest.mark.parametrize("params", [{"fra": "v1", "til": "udkast"}, {"fra": "v99", "til": "x"}])
def test_comparison_page_is_valid_html(sekretariat_client, redigeret, params):
    svar = sekretariat_client.get(url(redigeret.delaftale, **params))
    assert html_errors(svar.content.decode()) == []


def test_history_page_is_valid_html(sekretariat_client, redigeret):
    svar = sekretariat_client.get(
        reverse(
            "delaftaler:historik", args=[redigeret.delaftale.helhedsplan.slug, "beskaeftigelse"]
        )
    )
    assert html_errors(svar.content.decode()) == []


def test_versions_list_links_comparisons_for_members(sekretariat_client, client, vejle):
    versioner = reverse("delaftaler:versioner", args=[vejle.helhedsplan.slug, "beskaeftigelse"])
    html = sekretariat_client.get(versioner).content.decode()
    assert url(vejle) + "?fra=v1&amp;til=udkast" in html
    assert reverse("delaftaler:historik", args=[vejle.helhedsplan.slug, "beskaeftigelse"]) in html
    client.logout()
    assert "sammenlign" not in client.get(versioner).content.decode()


# --- Access ------------------------------------------------------------------------------


def test_access(vejle, django_user_model, bestyrelse_bruger):
    adresse = url(vejle, fra="v1", til="udkast")
    anonym = Client().get(adresse)
    assert anonym.status_code == 302 and anonym.url.startswith(reverse("delaftaler:log_ind"))
    bestyrelse = Client()
    bestyrelse.force_login(bestyrelse_bruger)
    assert bestyrelse.get(adresse).status_code == 200

    udenfor = django_user_model.objects.create_user("udenfor", password="x", is_staff=True)
    udenfor.user_permissions.add(Permission.objects.get(codename="view_delaftale"))
    c = Client()
    c.force_login(udenfor)
    assert c.get(adresse).status_code == 404  # not a member of the helhedsplan
    vejle.helhedsplan.medlemmer.add(udenfor)
    assert c.get(adresse).status_code == 200
    udenfor.user_permissions.clear()
    assert c.get(adresse).status_code == 403  # a member, without view_delaftale


def test_an_added_row_is_shown_without_its_internal_order_number(vejle):
    """Not »Rækkefølge 0«: the row's place is its place in the list."""
    Indikator.objects.create(
        delmaal=vejle.delmaal.first(), navn="En helt ny indikator", raekkefoelge=0
    )
    udkast = udkast_for(vejle)
    sammenligning = byg_sammenligning(
        udkast.grundlag.indhold, udkast.indhold, foer_navn="v1", efter_navn="udkastet"
    )
    html = render_to_string("publicering/_sammenligning.html", {"sammenligning": sammenligning})
    assert "En helt ny indikator" in html
    assert "Rækkefølge" not in html


@pytest.mark.parametrize(
    ("ny", "tekster", "vist"),
    [
        ({"vaerdi": Decimal("11.3"), "vaerdi_decimaler": 1}, None, False),
        ({"vaerdi": Decimal("11.3"), "vaerdi_decimaler": 2}, ["11,3", "11,30"], True),
        ({"vaerdi": Decimal("11.30"), "vaerdi_decimaler": 1}, ["11,3", "11,3"], False),
        ({"vaerdi": "11.3", "vaerdi_decimaler": 1}, None, False),
        ({"vaerdi": Decimal("12.3"), "vaerdi_decimaler": 1}, ["11,3", "12,3"], True),
    ],
)
def test_a_field_is_a_change_only_when_it_reads_differently(ny, tekster, vist):
    """Equal stored values are skipped without rendering; different decimals, or values
    that read differently, are changes; a snapshot's text against a record's number that
    reads the same is not."""
    felt = Baseline._meta.get_field("vaerdi")
    gammel = {"vaerdi": Decimal("11.3"), "vaerdi_decimaler": 1}
    forskel = feltforskel(felt, gammel, ny, {})
    assert (forskel is not None) is vist
    if vist:
        assert [s.tekst for afsnit in forskel.afsnit for s in afsnit] == tekster
