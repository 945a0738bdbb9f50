"""Who receives which e-mail: the plan's members by role (delaftaler/roller.py).

Only active people with an e-mail address who have not turned that kind off, and never
the person who did what the e-mail is about (they know). The table is in the README
(»E-mails«).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from delaftaler.models import Helhedsplan, NotifikationArt
from delaftaler.roller import BESTYRELSE, LEDER, MEDARBEJDER

Art = NotifikationArt
SEKRETARIATET = (MEDARBEJDER, LEDER)

# Kind → the roles among the plan's members that receive it. A decision also goes to the
# one who submitted the change (modtagere(..., ogsaa=...)).
ROLLER: dict[str, tuple[str, ...]] = {
    Art.INDSTILLING_SENDT: (BESTYRELSE,),
    Art.INDSTILLING_BESLUTTET: (LEDER,),
    Art.OPFOELGNING_SENDT: (BESTYRELSE,),
    Art.OPFOELGNING_GODKENDT: SEKRETARIATET,
    Art.OPFOELGNING_GENAABNET: (*SEKRETARIATET, BESTYRELSE),
    Art.PAAMINDELSE_FOER_FRIST: SEKRETARIATET,
    Art.PAAMINDELSE_FRIST_OVERSKREDET: SEKRETARIATET,
}

# Why the person gets it, for the e-mail's footer.
HVORFOR: dict[str, str] = {
    Art.INDSTILLING_SENDT: "du er bestyrelsesmedlem i {plan}",
    Art.INDSTILLING_BESLUTTET: "du er sekretariatsleder i {plan} eller indstillede ændringen",
    Art.OPFOELGNING_SENDT: "du er bestyrelsesmedlem i {plan}",
    Art.OPFOELGNING_GODKENDT: "du arbejder i sekretariatet for {plan}",
    Art.OPFOELGNING_GENAABNET: "du arbejder i sekretariatet eller bestyrelsen for {plan}",
    Art.PAAMINDELSE_FOER_FRIST: "du arbejder i sekretariatet for {plan}",
    Art.PAAMINDELSE_FRIST_OVERSKREDET: "du arbejder i sekretariatet for {plan}",
}


def kan_modtage(art: str) -> QuerySet:
    """Everyone who would receive ``art`` at all: active, with an address, not opted out."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(notifikationsfravalg__art=art)
    )


def modtagere(
    art: str, plan: Helhedsplan, *, aktoer_id: int | None = None, ogsaa: tuple[int, ...] = ()
) -> list:
    """The people who get ``art`` about ``plan``: its members in the kind's roles and
    ``ogsaa`` (if still members), in a stable order, without ``aktoer_id``."""
    hvem = kan_modtage(art).filter(helhedsplaner=plan)
    udvalgte = hvem.filter(groups__name__in=ROLLER[art])
    if ogsaa:
        udvalgte = udvalgte | hvem.filter(pk__in=ogsaa)
    if aktoer_id is not None:
        udvalgte = udvalgte.exclude(pk=aktoer_id)
    return list(udvalgte.distinct().order_by("pk"))


def arter_for(bruger) -> list[str]:
    """The kinds a person can receive in their roles (for their settings page)."""
    grupper = set(bruger.groups.values_list("name", flat=True))
    return [art for art in Art.values if grupper & set(ROLLER[art])]
