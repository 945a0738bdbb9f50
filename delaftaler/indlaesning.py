"""Load a whole delaftale from its JSON description (the fixtures/ format).

All or nothing: every object is validated with full_clean() inside one transaction,
and an error names where in the file it sits. Loading the same delaftale twice
changes nothing, so `make run` can be repeated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from aktiviteter.models import Aktivitet
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    Helhedsplan,
    Indsatsomraade,
    Part,
    dansk_slug,
)
from delaftaler.publicering.services import version_foerste
from indikatorer.models import Baseline, Indikator
from indikatorer.periode import fortolk_periode
from indikatorer.tal import antal_decimaler, fortolk_tal


class IndlaesningsFejl(Exception):
    pass


@dataclass(frozen=True)
class Resultat:
    delaftale: Delaftale
    oprettet: bool


def indlaes_fil(sti: Path, *, godkendt: date | None = None) -> Resultat:
    try:
        data = json.loads(sti.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndlaesningsFejl(f"{sti.name}: kan ikke læses som JSON ({exc}).") from exc
    try:
        return indlaes_delaftale(data=data, godkendt=godkendt)
    except IndlaesningsFejl as exc:
        raise IndlaesningsFejl(f"{sti.name}: {exc}") from exc


def _gem(obj: models.Model, sted: str, *, bruger=None, aarsag: str = "") -> None:
    obj._history_user = bruger
    obj._change_reason = aarsag or None
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise IndlaesningsFejl(f"{sted}: {_fejltekst(exc)}") from exc
    obj.save()


def _fejltekst(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{felt}: {' '.join(tekster)}" for felt, tekster in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _dato(tekst: str | None, sted: str) -> date:
    """A date as YYYY-MM-DD; a file (or a Word document read into one) may lack it."""
    try:
        return date.fromisoformat(tekst or "")
    except (TypeError, ValueError) as exc:
        raise IndlaesningsFejl(f"{sted}: »{tekst or ''}« er ikke en dato (ÅÅÅÅ-MM-DD).") from exc


def _tal(tekst: str | None, sted: str) -> tuple[Any, int]:
    if tekst in (None, ""):
        return None, 0
    try:
        tal = fortolk_tal(str(tekst))
    except ValueError as exc:
        raise IndlaesningsFejl(f"{sted}: {exc}") from exc
    return tal, antal_decimaler(tal)


@transaction.atomic
def indlaes_delaftale(
    *,
    data: dict[str, Any],
    godkendt: date | None = None,
    publicer: bool = True,
    helhedsplan: Helhedsplan | None = None,
    bruger=None,
    aarsag: str = "",
) -> Resultat:
    """``godkendt``: the day the bestyrelse approved the delaftale, if known; its first
    version then says so (a delaftale is faglig as a whole).

    ``publicer=False`` leaves a new delaftale a draft (the Word import, unless asked to
    publish); ``helhedsplan`` loads it into that plan whatever name the data gives, and
    a delaftale that already exists there is then refused rather than left alone.
    ``bruger`` and ``aarsag`` go into the history of every row written."""
    hvem = {"bruger": bruger, "aarsag": aarsag}
    godkendt_tid = timezone.make_aware(datetime.combine(godkendt, time(12))) if godkendt else None
    try:
        plan_data, aftale_data = data["helhedsplan"], data["delaftale"]
        indsatsomraade = Indsatsomraade.objects.get(navn=aftale_data["indsatsomraade"])
    except KeyError as exc:
        raise IndlaesningsFejl(f"mangler feltet {exc}.") from exc
    except Indsatsomraade.DoesNotExist as exc:
        raise IndlaesningsFejl(f"ukendt indsatsområde »{aftale_data['indsatsomraade']}«.") from exc

    plan = helhedsplan or Helhedsplan.objects.filter(navn=plan_data["navn"]).first()
    if plan is None:
        plan = Helhedsplan(
            navn=plan_data["navn"],
            slug=dansk_slug(plan_data["navn"]),
            kommune=plan_data["kommune"],
            gyldig_fra=_dato(plan_data["gyldig_fra"], "helhedsplanens startdato"),
            gyldig_til=_dato(plan_data["gyldig_til"], "helhedsplanens slutdato"),
        )
        _gem(plan, "helhedsplan", **hvem)
    eksisterende = Delaftale.objects.filter(helhedsplan=plan, indsatsomraade=indsatsomraade).first()
    if eksisterende and helhedsplan is not None:
        raise IndlaesningsFejl(
            f"{plan.navn} har allerede en delaftale for {indsatsomraade.navn}. Ret den i "
            "stedet, eller indlæs dokumentet i en anden helhedsplan."
        )
    if eksisterende:
        if publicer and not eksisterende.versioner.exists():
            version_foerste(delaftale=eksisterende, godkendt=godkendt_tid)
        return Resultat(eksisterende, oprettet=False)

    omraader: dict[str, Boligomraade] = {o.navn: o for o in plan.boligomraader.all()}
    for nr, omraade_data in enumerate(plan_data.get("boligomraader", []), start=1):
        if omraade_data["navn"] not in omraader:
            omraade = Boligomraade(
                helhedsplan=plan,
                navn=omraade_data["navn"],
                afdelinger=omraade_data.get("afdelinger", ""),
                raekkefoelge=nr,
            )
            _gem(omraade, f"boligområde {nr}", **hvem)
            omraader[omraade.navn] = omraade

    aftale = Delaftale(
        helhedsplan=plan,
        indsatsomraade=indsatsomraade,
        gyldig_fra=_dato(aftale_data["gyldig_fra"], "delaftalens startdato"),
        gyldig_til=_dato(aftale_data["gyldig_til"], "delaftalens slutdato"),
        **{felt: aftale_data.get(felt, "") for felt in Delaftale.TEKSTFELTER},
    )
    _gem(aftale, "delaftale", **hvem)

    for nr, part_data in enumerate(aftale_data.get("parter", []), start=1):
        part = Part(delaftale=aftale, raekkefoelge=nr, **part_data)
        _gem(part, f"part {nr}", **hvem)

    delmaal_efter_nr: dict[int, Delmaal] = {}
    for nr, delmaal_data in enumerate(aftale_data.get("delmaal", []), start=1):
        delmaal = Delmaal(delaftale=aftale, tekst=delmaal_data["tekst"], raekkefoelge=nr)
        _gem(delmaal, f"delmål {nr}", **hvem)
        delmaal_efter_nr[nr] = delmaal
        for i_nr, ind_data in enumerate(delmaal_data.get("indikatorer", []), start=1):
            sted = f"delmål {nr}, indikator {i_nr}"
            indikator = Indikator(
                delmaal=delmaal,
                raekkefoelge=i_nr,
                **{k: v for k, v in ind_data.items() if k != "baselines"},
            )
            _gem(indikator, sted, **hvem)
            for b_nr, b_data in enumerate(ind_data.get("baselines", []), start=1):
                _indlaes_baseline(
                    indikator, b_data, omraader, f"{sted}, baseline {b_nr}", b_nr, hvem
                )

    for nr, akt_data in enumerate(aftale_data.get("aktiviteter", []), start=1):
        data_uden_delmaal = {k: v for k, v in akt_data.items() if k != "delmaal"}
        aktivitet = Aktivitet(delaftale=aftale, raekkefoelge=nr, **data_uden_delmaal)
        _gem(aktivitet, f"aktivitet {nr}", **hvem)
        try:
            aktivitet.delmaal.set([delmaal_efter_nr[i] for i in akt_data.get("delmaal", [])])
        except KeyError as exc:
            raise IndlaesningsFejl(f"aktivitet {nr}: ukendt delmål nr. {exc}.") from exc
    if publicer:
        # The agreement as signed is its first published version.
        version_foerste(delaftale=aftale, bruger=bruger, godkendt=godkendt_tid)
    return Resultat(aftale, oprettet=True)


def _indlaes_baseline(
    indikator: Indikator,
    data: dict[str, Any],
    omraader: dict[str, Boligomraade],
    sted: str,
    raekkefoelge: int,
    hvem: dict,
) -> None:
    def omraade(navn: str) -> Boligomraade:
        try:
            return omraader[navn]
        except KeyError as exc:
            raise IndlaesningsFejl(f"{sted}: ukendt boligområde »{navn}«.") from exc

    vaerdi, vaerdi_decimaler = _tal(data.get("vaerdi"), sted)
    sammenligning, sammenligning_decimaler = _tal(data.get("sammenligning"), sted)
    try:
        periode = fortolk_periode(data["periode"]) if data.get("periode") else ""
    except ValueError as exc:
        raise IndlaesningsFejl(f"{sted}: {exc}") from exc
    baseline = Baseline(
        indikator=indikator,
        boligomraade=omraade(data["boligomraade"]) if data.get("boligomraade") else None,
        maalgruppe=data.get("maalgruppe", ""),
        vaerdi=vaerdi,
        vaerdi_decimaler=vaerdi_decimaler,
        afventer=bool(data.get("afventer", False)),
        sammenligning=sammenligning,
        sammenligning_decimaler=sammenligning_decimaler,
        sammenligning_label=data.get("sammenligning_label", ""),
        periode=periode,
        datakilde=data.get("datakilde", ""),
        raekkefoelge=raekkefoelge,
    )
    _gem(baseline, sted, **hvem)
    if data.get("samlet_for"):
        baseline.samlet_for.set([omraade(navn) for navn in data["samlet_for"]])
