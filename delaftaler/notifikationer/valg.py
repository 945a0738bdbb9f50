"""A person's own choice of e-mails: what the settings page and Mit overblik show, and
the one way to change it."""

from __future__ import annotations

from django.db import transaction

from delaftaler.models import NotifikationArt, Notifikationsfravalg
from delaftaler.notifikationer.modtagere import HVORFOR, arter_for

# What each e-mail is about, for the settings page.
BESKRIVELSE = {
    NotifikationArt.INDSTILLING_SENDT: "når sekretariatet sender en ændring af en delaftale "
    "til bestyrelsen",
    NotifikationArt.INDSTILLING_BESLUTTET: "når bestyrelsen godkender en ændring eller sender "
    "den tilbage, med bestyrelsens kommentar",
    NotifikationArt.OPFOELGNING_SENDT: "når sekretariatet sender årets opfølgning til bestyrelsen",
    NotifikationArt.OPFOELGNING_GODKENDT: "når bestyrelsen godkender en opfølgning",
    NotifikationArt.OPFOELGNING_GENAABNET: "når sekretariatet genåbner en sendt eller "
    "godkendt opfølgning, med begrundelsen",
    NotifikationArt.PAAMINDELSE_FOER_FRIST: "før fristen for en opfølgning, der ikke er sendt "
    "til bestyrelsen endnu",
    NotifikationArt.PAAMINDELSE_FRIST_OVERSKREDET: "én gang, når fristen for en opfølgning "
    "er overskredet",
}


def valg_kontekst(bruger) -> dict:
    """What ``_valg.html`` shows: the kinds this person can get in their roles, each on or
    off (two queries)."""
    fravalgt = set(bruger.notifikationsfravalg.values_list("art", flat=True))
    return {
        "valg": [
            {
                "art": art,
                "navn": NotifikationArt(art).label,
                "beskrivelse": BESKRIVELSE[art],
                "hvorfor": HVORFOR[art].format(plan="helhedsplanen"),
                "til": art not in fravalgt,
            }
            for art in arter_for(bruger)
        ],
        "har_email": bool(bruger.email),
        "email": bruger.email,
    }


@transaction.atomic
def notifikationsvalg_gem(*, bruger, til: set[str], arter: list[str]) -> None:
    """Turn ``arter`` on (those in ``til``) or off for ``bruger``; other kinds stay as they are."""
    fra = [art for art in arter if art not in til]
    Notifikationsfravalg.objects.filter(bruger=bruger, art__in=arter).exclude(art__in=fra).delete()
    for art in fra:
        Notifikationsfravalg.objects.get_or_create(bruger=bruger, art=art)
