"""Disclosure control: no public number may let anyone point out a resident.

One rule for every public output (the delaftale page and PDF, CSV/XLSX, the follow-up
report and its PDF and charts, every future API), as Danmarks Statistik and LBF's
Beboerdata practise it:

- *Primary*: a number that rests on fewer persons than the helhedsplan's »mindste antal«
  is not shown — a share whose tæller, nævner or the rest (nævner − tæller) is below it, or
  an Antal below it. Its cell reads »<5« (with the plan's threshold).
- *Secondary*: a number that would give a hidden one away is not shown either, and reads
  »Skjult« — a total »opgjort samlet for« several areas (or for all of them) when one of
  them is hidden, the change since baseline when either end is hidden.

An indikator marked »ikke om personer« (a count of events) is exempt. Staff of the plan see
the real numbers, marked as hidden in public (``offentlig=False``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from indikatorer.models import Indikator

SEKUNDAER = "Skjult"


class Punkt(Protocol):
    """A baseline or a måling: a value and, for a share, its counts."""

    vaerdi: Decimal | None
    taeller: int | None
    naevner: int | None


@dataclass(frozen=True, kw_only=True)
class Skjulbar:
    """A cell of an output under the rule: ``skjult`` is how it reads in public (»<5«,
    »Skjult«) or ""; ``offentlig`` whether this output is the public's."""

    skjult: str = ""
    offentlig: bool = True

    @property
    def er_skjult(self) -> bool:
        """Hidden on this output (the public's)."""
        return bool(self.skjult) and self.offentlig

    @property
    def skjules_offentligt(self) -> bool:
        """Shown to the plan's staff, marked as hidden from the public."""
        return bool(self.skjult) and not self.offentlig


@dataclass(frozen=True)
class Diskretion:
    """The rule with one helhedsplan's threshold, for the public or for its staff."""

    mindste_antal: int
    offentlig: bool = True

    @classmethod
    def for_plan(cls, helhedsplan, *, offentlig: bool = True) -> Diskretion:
        return cls(mindste_antal=helhedsplan.mindste_antal, offentlig=offentlig)

    @property
    def primaer(self) -> str:
        """What a cell that rests on too few persons reads: »<5«."""
        return f"<{self.mindste_antal}"

    @property
    def fodnote(self) -> str:
        n = self.mindste_antal
        return (
            f"»<{n}«: tallet bygger på færre end {n} personer og vises ikke, så ingen beboer "
            f"kan genkendes. »{SEKUNDAER}«: tallet vises ikke, fordi et skjult tal ellers "
            "kunne regnes ud af det."
        )

    @property
    def diagramnote(self) -> str:
        return (
            f"Tal, der bygger på færre end {self.mindste_antal} personer, eller som de kunne "
            "regnes ud af, er udeladt af diagrammet."
        )

    def for_faa(self, indikator: Indikator, punkt: Punkt | None) -> bool:
        """The primary rule: does this value rest on fewer persons than the threshold?"""
        if punkt is None or punkt.vaerdi is None or indikator.ikke_personer:
            return False
        n = self.mindste_antal
        if punkt.taeller is not None and punkt.naevner is not None:
            return min(punkt.taeller, punkt.naevner, punkt.naevner - punkt.taeller) < n
        if indikator.enhed == "antal":
            return punkt.vaerdi < n
        return False

    def markering(self, indikator: Indikator, punkt: Punkt | None) -> str:
        """»<5« for a value the primary rule hides, else ""."""
        return self.primaer if self.for_faa(indikator, punkt) else ""


def skjul_samlede(
    celler: dict[tuple[Hashable, Hashable], str],
    samlede: Iterable[tuple[Hashable, Iterable[Hashable]]],
) -> dict[tuple[Hashable, Hashable], str]:
    """Secondary suppression of totals: ``celler`` maps (row, column) to its marking (""
    for shown), ``samlede`` names each total row and the rows it is summed from. A shown
    total with a hidden part in the same column is hidden too (»Skjult«), repeated until
    nothing changes, so a total of totals follows. Returns the new markings."""
    ud = dict(celler)
    samlede = [(total, list(dele)) for total, dele in samlede]
    kolonner = {k for _, k in ud}
    aendret = True
    while aendret:
        aendret = False
        for total, dele in samlede:
            for kolonne in kolonner:
                if ud.get((total, kolonne)) != "":
                    continue
                if any(ud.get((del_, kolonne)) for del_ in dele if del_ != total):
                    ud[(total, kolonne)] = SEKUNDAER
                    aendret = True
    return ud
