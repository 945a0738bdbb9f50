"""What changed between two snapshots of a delaftale, field by field, and what kind of
change that is under the delaftale's own revision rule.

Administrative changes (parties, contact details, the wording of the revision section)
are published by the sekretariatsleder; everything else is faglig and goes to the
bestyrelse. The classification follows from the fields, never from the editor's choice:
one faglig field makes the whole draft faglig.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from typing import Any

from delaftaler.models import Version
from delaftaler.snapshot import DELE, M2M, TIDSSTEMPLER, Snapshot

ADMINISTRATIV = Version.Art.ADMINISTRATIV
FAGLIG = Version.Art.FAGLIG

# Rows that are administrative whatever field changes: the parties and their contact
# details, and the names of the housing areas (the baselines per area are faglige).
ADMINISTRATIVE_DELE = {"parter", "boligomraader"}
ADMINISTRATIVE_FELTER = {
    ("delaftale", "ansvarlige"),
    ("delaftale", "revision"),
}
# Moving a row up or down changes no content.
ADMINISTRATIVE_FELTNAVNE = {"raekkefoelge"}
IKKE_SAMMENLIGNET = TIDSSTEMPLER | {"id"}


class Handling:
    OPRETTET = "oprettet"
    SLETTET = "slettet"
    AENDRET = "aendret"


@dataclass(frozen=True)
class Aendring:
    del_: str
    pk: int
    objekt: str
    handling: str
    art: str
    felt: str = ""
    felt_navn: str = ""
    foer: Any = None
    efter: Any = None

    @property
    def handling_tekst(self) -> str:
        return {"oprettet": "tilføjet", "slettet": "fjernet", "aendret": "ændret"}[self.handling]

    @property
    def art_tekst(self) -> str:
        return Version.Art(self.art).label

    def som_dict(self) -> dict[str, Any]:
        return asdict(self)


def _feltnavne(del_: str) -> dict[str, str]:
    model = DELE[del_]
    navne = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    if del_ in M2M:
        navne[M2M[del_]] = str(model._meta.get_field(M2M[del_]).verbose_name)
    return navne


def _art(del_: str, felt: str | None) -> str:
    if del_ in ADMINISTRATIVE_DELE:
        return ADMINISTRATIV
    if felt is not None and (
        (del_, felt) in ADMINISTRATIVE_FELTER or felt in ADMINISTRATIVE_FELTNAVNE
    ):
        return ADMINISTRATIV
    return FAGLIG


def objektnavn(del_: str, raekke: dict[str, Any], indhold: Snapshot) -> str:
    """A name a reader recognises: »Aktivitet »Jobcafé««, not a table and a number."""
    if del_ == "delaftale":
        return "Delaftalen"
    if del_ == "parter":
        return f"Part »{raekke['navn']}«"
    if del_ == "boligomraader":
        return f"Boligområde »{raekke['navn']}«"
    if del_ == "delmaal":
        return f"Delmål »{_kort(raekke['tekst'])}«"
    if del_ == "indikatorer":
        return f"Indikator »{_kort(raekke['navn'])}«"
    if del_ == "aktiviteter":
        return f"Aktivitet »{raekke['navn']}«"
    indikator = next((i for i in indhold["indikatorer"] if i["id"] == raekke["indikator_id"]), None)
    omraade = next(
        (o for o in indhold["boligomraader"] if o["id"] == raekke["boligomraade_id"]), None
    )
    sted = omraade["navn"] if omraade else raekke.get("maalgruppe") or "samlet"
    hvad = f"»{_kort(indikator['navn'])}«" if indikator else "en indikator"
    return f"Baseline for {hvad}, {sted}"


def _kort(tekst: str, laengde: int = 70) -> str:
    return tekst if len(tekst) <= laengde else tekst[: laengde - 1].rstrip() + "…"


def _raekker(indhold: Snapshot, del_: str) -> dict[int, dict[str, Any]]:
    if del_ == "delaftale":
        return {indhold["delaftale"]["id"]: indhold["delaftale"]}
    return {r["id"]: r for r in indhold[del_]}


def sammenlign(foer: Snapshot, efter: Snapshot) -> list[Aendring]:
    """Every added, removed and changed row and field, in the delaftale's own order."""
    aendringer: list[Aendring] = []
    for del_ in DELE:
        gamle, nye = _raekker(foer, del_), _raekker(efter, del_)
        navne = _feltnavne(del_)
        for pk, ny in nye.items():
            gammel = gamle.get(pk)
            if gammel is None:
                aendringer.append(
                    Aendring(
                        del_, pk, objektnavn(del_, ny, efter), Handling.OPRETTET, _art(del_, None)
                    )
                )
                continue
            for felt, vaerdi in ny.items():
                if felt in IKKE_SAMMENLIGNET or gammel.get(felt) == vaerdi:
                    continue
                aendringer.append(
                    Aendring(
                        del_,
                        pk,
                        objektnavn(del_, ny, efter),
                        Handling.AENDRET,
                        _art(del_, felt),
                        felt=felt,
                        felt_navn=navne.get(felt, felt),
                        foer=gammel.get(felt),
                        efter=vaerdi,
                    )
                )
        for pk, gammel in gamle.items():
            if pk not in nye:
                aendringer.append(
                    Aendring(
                        del_, pk, objektnavn(del_, gammel, foer), Handling.SLETTET, _art(del_, None)
                    )
                )
    return aendringer


def klassificer(aendringer: list[Aendring]) -> str | None:
    """FAGLIG if any change is faglig, ADMINISTRATIV if there are changes, else None."""
    if not aendringer:
        return None
    return FAGLIG if any(a.art == FAGLIG for a in aendringer) else ADMINISTRATIV


def resume(aendringer: list[Aendring]) -> list[dict[str, str]]:
    """What is stored with a version or a submission: the changes a reader is shown."""
    return [
        {
            "objekt": a.objekt,
            "handling": a.handling_tekst,
            "felt": a.felt_navn,
            "art": a.art,
        }
        for a in aendringer
    ]


def _sorteret(del_: str, raekker: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the order the tables give them (the model's ordering), as a snapshot has them."""
    felter = ["id" if f == "pk" else f for f in DELE[del_]._meta.ordering]
    if not all(f in r for r in raekker for f in felter):
        return raekker
    return sorted(raekker, key=lambda r: tuple(r[f] for f in felter))


def flet_administrative(basis: Snapshot, fra: Snapshot, til: Snapshot) -> Snapshot:
    """``basis`` with the administrative changes from ``fra`` to ``til`` applied, and none
    of the faglige: what may be published while a faglig change waits for the board, and
    how administrative publications made meanwhile join an approved submission."""
    ud = copy.deepcopy(basis)
    for a in sammenlign(fra, til):
        if a.art != ADMINISTRATIV:
            continue
        if a.del_ == "delaftale":
            ud["delaftale"][a.felt] = a.efter
            continue
        raekker = ud[a.del_]
        if a.handling == Handling.SLETTET:
            ud[a.del_] = [r for r in raekker if r["id"] != a.pk]
        elif a.handling == Handling.OPRETTET:
            ny = next(r for r in til[a.del_] if r["id"] == a.pk)
            ud[a.del_] = [r for r in raekker if r["id"] != a.pk] + [copy.deepcopy(ny)]
        else:
            for r in raekker:
                if r["id"] == a.pk:
                    r[a.felt] = a.efter
    for del_ in DELE:
        if del_ != "delaftale":
            ud[del_] = _sorteret(del_, ud[del_])
    return ud


def konflikter(fra: Snapshot, den_ene: Snapshot, den_anden: Snapshot) -> list[str]:
    """What both sides changed since ``fra``, differently: »Part »X«: telefon«. A row one
    side removed and the other changed counts too."""

    def pr_sted(aendringer: list[Aendring]) -> dict[tuple, Aendring]:
        return {(a.del_, a.pk, a.felt): a for a in aendringer}

    ene, anden = pr_sted(sammenlign(fra, den_ene)), pr_sted(sammenlign(fra, den_anden))
    slettet_ene = {(a.del_, a.pk) for a in ene.values() if a.handling == Handling.SLETTET}
    slettet_anden = {(a.del_, a.pk) for a in anden.values() if a.handling == Handling.SLETTET}
    ud = []
    for noegle, a in anden.items():
        b = ene.get(noegle)
        sted = noegle[:2]
        if (b is not None and b.efter != a.efter) or (
            a.handling == Handling.AENDRET and sted in slettet_ene
        ):
            ud.append(f"{a.objekt}: {a.felt_navn}" if a.felt else a.objekt)
    for a in ene.values():
        if a.handling == Handling.AENDRET and (a.del_, a.pk) in slettet_anden:
            ud.append(f"{a.objekt}: {a.felt_navn}")
    return ud
