"""The person's own e-mail settings: /overblik/notifikationer/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from delaftaler.models import NotifikationArt, Notifikationsfravalg

pytestmark = pytest.mark.django_db
URL = "/overblik/notifikationer/"


def test_the_page_offers_the_emails_of_the_persons_role_all_on_until_turned_off(folk, client):
    assert reverse("delaftaler:notifikationsvalg") == URL
    client.force_login(folk.sekretariat)
    side = client.get(URL).text
    assert "Før fristen for en opfølgning" in side
    assert "Når bestyrelsen godkender en opfølgning" in side
    assert "Når sekretariatet sender årets opfølgning til bestyrelsen" not in side  # board's
    assert side.count('type="checkbox"') == side.count(" checked") == 4


def test_a_person_changes_only_their_own_settings(folk, client):
    client.force_login(folk.bestyrelse)
    # Whatever else is posted (another person, an unknown kind), only one's own kinds change.
    svar = client.post(
        URL,
        {"ukendt": "til", "bruger": folk.bestyrelse2.pk, "naeste": "https://ondt.example/"},
    )
    assert svar.status_code == 302 and svar.url == URL  # never to another site
    assert set(
        Notifikationsfravalg.objects.filter(bruger=folk.bestyrelse).values_list("art", flat=True)
    ) == {
        NotifikationArt.INDSTILLING_SENDT,
        NotifikationArt.OPFOELGNING_SENDT,
        NotifikationArt.OPFOELGNING_GENAABNET,
    }
    assert not Notifikationsfravalg.objects.filter(bruger=folk.bestyrelse2).exists()
    # Turned on again, and the page says so.
    svar = client.post(URL, dict.fromkeys(NotifikationArt.values, "til"), follow=True)
    assert "Dine valg af e-mails er gemt." in svar.text
    assert not Notifikationsfravalg.objects.filter(bruger=folk.bestyrelse).exists()


def test_someone_without_an_address_is_told_they_get_no_emails(folk, client):
    client.force_login(folk.uden_email)
    assert "Du har ingen e-mailadresse i Delaftaler" in client.get(URL).text


def test_the_page_reads_a_fixed_number_of_queries(folk, client, django_assert_num_queries):
    client.force_login(folk.leder)
    client.get(URL)
    with django_assert_num_queries(4):  # session, user, their groups, their opt-outs
        assert client.get(URL).status_code == 200
