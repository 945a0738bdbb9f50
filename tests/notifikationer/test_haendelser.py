"""The workflows' e-mails, through a real SMTP server: the service (or the page) commits,
the worker sends; who gets what, in Danish, with links that open for the recipient."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from delaftaler.models import NotifikationArt, Notifikationsfravalg
from delaftaler.opfoelgning import services as opfoelgning
from delaftaler.publicering import services as publicering
from tests.notifikationer.conftest import adresser, links, sti
from tests.opgaver import fejlede_opgaver, koer_opgaver
from tests.planer import FALSK_PDF

pytestmark = pytest.mark.django_db


def _send_og_koer(capture, handling):
    """Run ``handling`` as a committed transaction, then the worker; the server receives
    nothing before the worker runs."""
    with capture(execute=True):
        resultat = handling()
    return resultat


def _koer(smtp) -> None:
    assert smtp.beskeder == [], "intet må sendes, før baggrundsarbejderen kører"
    koer_opgaver()
    assert fejlede_opgaver() == []


def _aabner_for(klient, bruger, link: str) -> None:
    klient.force_login(bruger)
    svar = klient.get(sti(link))
    assert svar.status_code == 200, (link, svar.status_code)


def _indstil(folk, django_capture_on_commit_callbacks, smtp):
    folk.egen.delmaal.tekst = "Flere unge i uddannelse"
    folk.egen.delmaal.save()
    with django_capture_on_commit_callbacks(execute=True):
        indstilling = publicering.udkast_indstil(
            delaftale=folk.egen.delaftale, bruger=folk.leder, begrundelse="Nyt delmål."
        )
    _koer(smtp)
    return indstilling


def test_a_submission_is_emailed_to_that_plans_active_board_members_with_a_working_link(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    _indstil(folk, django_capture_on_commit_callbacks, smtp)

    # Not the other plan's board, not someone inactive, without an address or opted out.
    assert smtp.til() == adresser(folk.bestyrelse, folk.bestyrelse2)
    besked = smtp.for_(folk.bestyrelse.email)[0]
    assert besked.emne == f"Til bestyrelsen: ændring af delaftalen {folk.egen.delaftale}"
    assert "Leder har" in besked.tekst and "Nyt delmål." in besked.tekst
    assert "Nyt delmål." in besked.html
    indstilling_link = settings.SIDE_ADRESSE + reverse(
        "delaftaler:indstilling",
        args=[*folk.egen.args(), folk.egen.delaftale.indstillinger.get().pk],
    )
    assert indstilling_link in links(besked.tekst)
    assert f'href="{indstilling_link}"' in besked.html
    _aabner_for(client, folk.bestyrelse, indstilling_link)
    # The footer says why, and links to the page where it is turned off.
    valg = settings.SIDE_ADRESSE + reverse("delaftaler:notifikationsvalg")
    assert "fordi du er bestyrelsesmedlem i Egen_21_25" in besked.tekst
    assert valg in links(besked.tekst) and f'href="{valg}"' in besked.html
    _aabner_for(client, folk.bestyrelse, valg)


def test_a_decision_sent_back_goes_to_the_submitter_and_the_leder_with_the_boards_comment(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    indstilling = _indstil(folk, django_capture_on_commit_callbacks, smtp)
    smtp.beskeder.clear()
    kommentar = "Delmål 2's tal mangler – tjek »baseline« & kilde."
    with django_capture_on_commit_callbacks(execute=True):
        publicering.indstilling_send_tilbage(
            indstilling=indstilling, bruger=folk.bestyrelse, kommentar=kommentar
        )
    _koer(smtp)

    # The leder submitted it and is the plan's only leder; the deciding board member not.
    assert smtp.til() == adresser(folk.leder)
    besked = smtp.beskeder[0]
    assert besked.emne == (f"Bestyrelsen har sendt ændringen af {folk.egen.delaftale} tilbage")
    assert kommentar in besked.tekst  # plain text, not HTML-escaped
    assert "Delmål 2&#x27;s tal mangler – tjek »baseline« &amp; kilde." in besked.html
    for link in links(besked.tekst):
        _aabner_for(client, folk.leder, link)


def test_an_approval_tells_the_leder_with_a_link_to_the_published_delaftale(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    indstilling = _indstil(folk, django_capture_on_commit_callbacks, smtp)
    smtp.beskeder.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publicering.indstilling_godkend(
            indstilling=indstilling,
            bruger=folk.bestyrelse2,
            kommentar="Godt arbejde.",
            moede_dato=datetime.date(2025, 3, 12),
        )
    _koer(smtp)

    assert smtp.til() == adresser(folk.leder)
    besked = smtp.beskeder[0]
    assert besked.emne == f"Bestyrelsen har godkendt ændringen af {folk.egen.delaftale}"
    assert "Godt arbejde." in besked.tekst and "Godt arbejde." in besked.html
    assert "på bestyrelsesmødet 12.03.2025" in besked.tekst
    assert "på bestyrelsesmødet 12.03.2025" in besked.html
    delaftale = settings.SIDE_ADRESSE + reverse("delaftaler:delaftale", args=folk.egen.args())
    assert delaftale in links(besked.tekst)
    for link in links(besked.tekst):
        _aabner_for(client, folk.leder, link)


def test_a_follow_up_sent_from_the_page_is_emailed_by_the_worker_not_in_the_request(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    aar = folk.egen.aar["kladde"].aar
    client.force_login(folk.sekretariat)
    with django_capture_on_commit_callbacks(execute=True):
        svar = client.post(reverse("delaftaler:opfoelgning_send", args=[*folk.egen.args(), aar]))
    assert svar.status_code == 302
    _koer(smtp)

    # The board of that plan; »fravalgt« turned these off.
    assert smtp.til() == adresser(folk.bestyrelse, folk.bestyrelse2)
    besked = smtp.for_(folk.bestyrelse2.email)[0]
    assert besked.emne == f"Til bestyrelsen: opfølgning {aar} for {folk.egen.delaftale}"
    assert "Sekretariat har" in besked.tekst
    rapport = settings.SIDE_ADRESSE + reverse("delaftaler:rapport", args=[*folk.egen.args(), aar])
    assert rapport in links(besked.tekst) and f'href="{rapport}"' in besked.html
    _aabner_for(client, folk.bestyrelse2, rapport)


def test_an_approved_follow_up_is_emailed_to_the_plans_secretariat(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    sendt = folk.egen.aar["sendt"]
    with django_capture_on_commit_callbacks(execute=True):
        opfoelgning.opfoelgning_godkend(
            opfoelgning=sendt,
            bruger=folk.bestyrelse,
            render_pdf=lambda o: FALSK_PDF,
            kommentar="Flot år.",
            moede_dato=datetime.date(2025, 3, 12),
        )
    _koer(smtp)

    assert smtp.til() == adresser(folk.leder, folk.sekretariat, folk.sekretariat2)
    besked = smtp.for_(folk.sekretariat2.email)[0]
    assert besked.emne == (
        f"Bestyrelsen har godkendt opfølgning {sendt.aar} for {folk.egen.delaftale}"
    )
    assert "Bestyrelse har" in besked.tekst
    assert "besluttet på bestyrelsesmødet 12.03.2025" in besked.tekst
    assert "Flot år." in besked.tekst and "Flot år." in besked.html
    for link in links(besked.tekst):
        _aabner_for(client, folk.sekretariat2, link)


def test_a_reopened_year_goes_to_secretariat_and_board_but_not_to_who_reopened_it(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    godkendt = folk.egen.aar["godkendt"]
    with django_capture_on_commit_callbacks(execute=True):
        opfoelgning.opfoelgning_genaaben(
            opfoelgning=godkendt, bruger=folk.sekretariat, begrundelse="Forkerte tal for 2022."
        )
    _koer(smtp)

    assert smtp.til() == adresser(
        folk.leder, folk.sekretariat2, folk.bestyrelse, folk.bestyrelse2, folk.fravalgt
    )
    for modtager in (folk.sekretariat2, folk.bestyrelse):
        besked = smtp.for_(modtager.email)[0]
        assert besked.emne == f"Opfølgning {godkendt.aar} for {folk.egen.delaftale} er genåbnet"
        assert "Forkerte tal for 2022." in besked.tekst and "Forkerte tal" in besked.html
        # The secretariat is sent to the year's entry, the board to the list of years (a
        # draft is not for the board): each link opens for its recipient.
        for link in links(besked.tekst):
            _aabner_for(client, modtager, link)
    sekretariat_links = links(smtp.for_(folk.sekretariat2.email)[0].tekst)
    assert any(link.endswith(f"/{godkendt.aar}/indtast/") for link in sekretariat_links)


def test_turning_an_email_off_on_the_settings_page_stops_it(
    folk, smtp, django_capture_on_commit_callbacks, client
):
    client.force_login(folk.bestyrelse2)
    url = reverse("delaftaler:notifikationsvalg")
    side = client.get(url)
    assert "Når sekretariatet sender årets opfølgning til bestyrelsen" in side.text
    til = [a for a in NotifikationArt.values if a != NotifikationArt.OPFOELGNING_SENDT]
    svar = client.post(url, dict.fromkeys(til, "til"), follow=True)
    assert "Dine valg af e-mails er gemt." in svar.text
    assert list(
        Notifikationsfravalg.objects.filter(bruger=folk.bestyrelse2).values_list("art", flat=True)
    ) == [NotifikationArt.OPFOELGNING_SENDT]

    with django_capture_on_commit_callbacks(execute=True):
        opfoelgning.opfoelgning_send(opfoelgning=folk.egen.aar["kladde"], bruger=folk.sekretariat)
    _koer(smtp)
    assert smtp.til() == adresser(folk.bestyrelse)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    folk, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as tilbagekald:
        opfoelgning.opfoelgning_send(opfoelgning=folk.egen.aar["kladde"], bruger=folk.sekretariat)
    # Not committed: the callbacks are dropped, so no task is queued.
    assert tilbagekald  # the e-mail waits for the commit
    assert koer_opgaver() == 0
    assert smtp.beskeder == []
