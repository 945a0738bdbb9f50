"""The follow-up calendar: which yearly follow-ups are due when, and which periods end.

One reading of the plan's rule (`Helhedsplan.opfoelgningsfrist`) for everyone who needs
it: Mit overblik, the follow-up list and the reminders. A year's follow-up is due once the
year has begun; it is done for the secretariat when it is sent to the board, and done for
everyone when the board has approved it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch, QuerySet

from delaftaler.lib.formatting import formater_dato
from delaftaler.models import Bestyrelsesmoede, Delaftale, Helhedsplan, Opfoelgning

# How far ahead a deadline counts as upcoming.
HORISONT = datetime.timedelta(days=90)


class Art(StrEnum):
    OPFOELGNING = "opfoelgning"
    PERIODE_SLUT = "periode_slut"


@dataclass(frozen=True)
class Frist:
    """One deadline: a year's follow-up (``aar`` set) or the end of a delaftale's period."""

    art: Art
    delaftale: Delaftale
    dato: datetime.date
    aar: int | None = None
    opfoelgning: Opfoelgning | None = None

    @property
    def status(self) -> str:
        """»mangler« when the year is not created yet, else the follow-up's status."""
        return self.opfoelgning.status if self.opfoelgning else "mangler"

    @property
    def klaret(self) -> bool:
        """Nothing left for the secretariat: sent to the board or approved."""
        if self.art is Art.PERIODE_SLUT:
            return False
        return self.status in (Opfoelgning.Status.SENDT, Opfoelgning.Status.GODKENDT)

    def overskredet(self, idag: datetime.date) -> bool:
        return not self.klaret and self.dato < idag

    def dage_til(self, idag: datetime.date) -> int:
        return (self.dato - idag).days

    @property
    def titel(self) -> str:
        if self.art is Art.PERIODE_SLUT:
            return f"Delaftalens periode slutter: {self.delaftale}"
        return f"Opfølgning {self.aar}: {self.delaftale}"

    def tekst(self, idag: datetime.date) -> str:
        """»Frist 01.03.2026 (om 12 dage)«, »Fristen var 01.03.2026 (3 dage siden)«."""
        dage = self.dage_til(idag)
        dato = formater_dato(self.dato)
        if self.art is Art.PERIODE_SLUT:
            if dage < 0:
                return f"Perioden sluttede {dato}"
            return f"Perioden slutter {dato} ({_om(dage)})"
        if dage < 0:
            if self.klaret:
                return f"Frist {dato}"
            return f"Fristen var {dato} ({_siden(-dage)})"
        return f"Frist {dato} ({_om(dage)})"


def _om(dage: int) -> str:
    return "i dag" if dage == 0 else ("i morgen" if dage == 1 else f"om {dage} dage")


def _siden(dage: int) -> str:
    return "i går" if dage == 1 else f"{dage} dage siden"


def med_kalender(delaftaler: QuerySet[Delaftale]) -> QuerySet[Delaftale]:
    """What `frister` reads, in three queries whatever the number of delaftaler."""
    return delaftaler.select_related("helhedsplan", "indsatsomraade").prefetch_related(
        Prefetch("opfoelgninger", queryset=Opfoelgning.objects.order_by("aar"))
    )


def opfoelgningsfrister(delaftale: Delaftale, idag: datetime.date) -> list[Frist]:
    """Every year of the period that has begun by ``idag``, created or not, with its due
    date; years whose follow-up exists outside the period are kept too."""
    plan = delaftale.helhedsplan
    opfoelgninger = {o.aar: o for o in delaftale.opfoelgninger.all()}
    aarene = set(range(delaftale.gyldig_fra.year, min(delaftale.gyldig_til.year, idag.year) + 1))
    return [
        Frist(
            art=Art.OPFOELGNING,
            delaftale=delaftale,
            dato=plan.opfoelgningsfrist(aar),
            aar=aar,
            opfoelgning=opfoelgninger.get(aar),
        )
        for aar in sorted(aarene | opfoelgninger.keys())
    ]


def frister(
    delaftaler: Iterable[Delaftale],
    idag: datetime.date,
    *,
    horisont: datetime.timedelta = HORISONT,
) -> list[Frist]:
    """The deadlines that concern someone now: follow-ups overdue or due within the
    horizon and not yet sent, and period ends within the horizon (or passed within it),
    soonest first. Pass delaftaler through `med_kalender` first."""
    resultat = []
    for delaftale in delaftaler:
        for frist in opfoelgningsfrister(delaftale, idag):
            if not frist.klaret and frist.dato <= idag + horisont:
                resultat.append(frist)
        slut = delaftale.gyldig_til
        if idag - horisont <= slut <= idag + horisont:
            resultat.append(Frist(art=Art.PERIODE_SLUT, delaftale=delaftale, dato=slut))
    return sorted(resultat, key=lambda f: (f.dato, str(f.delaftale), f.art))


def naeste_moeder(
    helhedsplaner: Iterable[Helhedsplan], idag: datetime.date, *, antal: int = 5
) -> list[Bestyrelsesmoede]:
    """The boards' next meetings (today's included), soonest first: one query."""
    return list(
        Bestyrelsesmoede.objects.filter(helhedsplan__in=list(helhedsplaner), dato__gte=idag)
        .select_related("helhedsplan")
        .order_by("dato", "helhedsplan__navn")[:antal]
    )


@dataclass(frozen=True)
class Punkt:
    """A deadline as a page shows it on ``idag``: its text and whether it is overdue (a
    follow-up past its due date and not sent; a period that has ended is not overdue)."""

    frist: Frist
    tekst: str
    overskredet: bool


def som_punkter(frister: Iterable[Frist], idag: datetime.date) -> list[Punkt]:
    return [
        Punkt(f, f.tekst(idag), f.art is Art.OPFOELGNING and f.overskredet(idag)) for f in frister
    ]
