"""A whole delaftale as plain JSON, and back.

A published version freezes one of these; drafts are compared with it field by field;
and the public page, the PDF and the exports are rendered from it exactly as from the
live tables, because it turns back into the same in-memory tree visning.med_indhold() builds.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from aktiviteter.models import Aktivitet
from delaftaler.models import Boligomraade, Delaftale, Delmaal, Part
from indikatorer.models import Baseline, Indikator

FORMAT = 1

# The parts of a snapshot, in the order they are shown. Each is a list of rows, except
# "delaftale", which is one row.
DELE: dict[str, type[models.Model]] = {
    "delaftale": Delaftale,
    "boligomraader": Boligomraade,
    "parter": Part,
    "delmaal": Delmaal,
    "indikatorer": Indikator,
    "baselines": Baseline,
    "aktiviteter": Aktivitet,
}
# Many-to-many links are stored as sorted ids (a set) and shown in their rows' order.
M2M = {"baselines": "samlet_for", "aktiviteter": "delmaal"}
# When a row was saved says nothing about what it says.
TIDSSTEMPLER = {"aendret", "oprettet"}

Snapshot = dict[str, Any]


def _raekke(obj: models.Model) -> dict[str, Any]:
    return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}


def tag_snapshot(delaftale: Delaftale) -> Snapshot:
    """Expects a delaftale from visning.med_indhold() (its prefetched lists)."""
    indikatorer = [i for d in delaftale.delmaal_liste for i in d.indikator_liste]
    baselines = [b for i in indikatorer for b in i.baseline_liste]
    data = {
        "format": FORMAT,
        "delaftale": _raekke(delaftale),
        "boligomraader": [_raekke(o) for o in delaftale.helhedsplan.boligomraade_liste],
        "parter": [_raekke(p) for p in delaftale.part_liste],
        "delmaal": [_raekke(d) for d in delaftale.delmaal_liste],
        "indikatorer": [_raekke(i) for i in indikatorer],
        "baselines": [
            {**_raekke(b), "samlet_for": sorted(o.pk for o in b.samlet_liste)} for b in baselines
        ],
        "aktiviteter": [
            {**_raekke(a), "delmaal": sorted(d.pk for d in a.delmaal_liste)}
            for a in delaftale.aktivitet_liste
        ],
    }
    # Decimals, dates and times as the strings JSON can hold, so the stored snapshot and a
    # freshly taken one compare equal.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshots(pks: Iterable[int]) -> dict[int, Snapshot]:
    """The snapshots of several delaftaler read as plain rows (``values()``): exactly what
    ``tag_snapshot(med_indhold())`` gives, in nine queries whatever their number.

    For lists that compare many drafts with their published versions but show none of
    their content (Mit overblik, the list of drafts): a delaftale has hundreds of rows,
    and building them as model instances in prefetched trees cost more than comparing
    them (tests/publicering/test_publicering.py holds the two ways equal)."""
    pks = list(pks)
    if not pks:
        return {}

    def pr(qs, noegle: str) -> dict[int, list[dict[str, Any]]]:
        grupper: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for raekke in qs.values():
            grupper[raekke[noegle]].append(raekke)
        return grupper

    def links(felt, **filtre) -> dict[int, list[int]]:
        fra, til = f"{felt.m2m_field_name()}_id", f"{felt.m2m_reverse_field_name()}_id"
        grupper: dict[int, list[int]] = defaultdict(list)
        for a, b in felt.remote_field.through.objects.filter(**filtre).values_list(fra, til):
            grupper[a].append(b)
        return grupper

    aftaler = {r["id"]: r for r in Delaftale.objects.filter(pk__in=pks).values()}
    omraader = pr(
        Boligomraade.objects.filter(
            helhedsplan__in={r["helhedsplan_id"] for r in aftaler.values()}
        ),
        "helhedsplan_id",
    )
    parter = pr(Part.objects.filter(delaftale__in=pks), "delaftale_id")
    delmaal = pr(Delmaal.objects.filter(delaftale__in=pks), "delaftale_id")
    indikatorer = pr(Indikator.objects.filter(delmaal__delaftale__in=pks), "delmaal_id")
    baselines = pr(Baseline.objects.filter(indikator__delmaal__delaftale__in=pks), "indikator_id")
    samlet = links(
        Baseline._meta.get_field("samlet_for"), baseline__indikator__delmaal__delaftale__in=pks
    )
    aktiviteter = pr(Aktivitet.objects.filter(delaftale__in=pks), "delaftale_id")
    aktivitet_delmaal = links(Aktivitet._meta.get_field("delmaal"), aktivitet__delaftale__in=pks)

    resultat = {}
    for pk, aftale in aftaler.items():
        dm = delmaal[pk]
        ind = [i for d in dm for i in indikatorer[d["id"]]]
        data = {
            "format": FORMAT,
            "delaftale": aftale,
            "boligomraader": omraader[aftale["helhedsplan_id"]],
            "parter": parter[pk],
            "delmaal": dm,
            "indikatorer": ind,
            "baselines": [
                {**b, "samlet_for": sorted(samlet[b["id"]])}
                for i in ind
                for b in baselines[i["id"]]
            ],
            "aktiviteter": [
                {**a, "delmaal": sorted(aktivitet_delmaal[a["id"]])} for a in aktiviteter[pk]
            ],
        }
        resultat[pk] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return resultat


def digest(indhold: Snapshot) -> str:
    """SHA-256 of what the snapshot says, leaving out when rows were saved."""

    def uden_tid(raekke: dict) -> dict:
        return {k: v for k, v in raekke.items() if k not in TIDSSTEMPLER}

    rent = {
        del_: uden_tid(indhold[del_])
        if del_ == "delaftale"
        else [uden_tid(r) for r in indhold[del_]]
        for del_ in DELE
    }
    return hashlib.sha256(json.dumps(rent, sort_keys=True).encode()).hexdigest()


def _objekt(model: type[models.Model], raekke: dict[str, Any]) -> models.Model:
    felter = {
        f.attname: f.to_python(raekke[f.attname])
        for f in model._meta.concrete_fields
        if f.attname in raekke
    }
    obj = model(**felter)
    obj._state.adding = False
    return obj


def fra_snapshot(indhold: Snapshot, *, delaftale: Delaftale) -> Delaftale:
    """The snapshot as the tree visning.med_indhold() builds, without touching the database.

    `delaftale` is the live row with its helhedsplan and indsatsområde: those name and
    address the agreement and are not part of a version.
    """
    d = _objekt(Delaftale, indhold["delaftale"])
    d.helhedsplan = delaftale.helhedsplan
    d.indsatsomraade = delaftale.indsatsomraade
    plan = d.helhedsplan
    omraader = {r["id"]: _objekt(Boligomraade, r) for r in indhold["boligomraader"]}
    plan.boligomraade_liste = list(omraader.values())

    # Every parent is set on its children, so a template that follows one costs no query.
    for o in omraader.values():
        o.helhedsplan = plan
    d.part_liste = [_objekt(Part, r) for r in indhold["parter"]]
    for p in d.part_liste:
        p.delaftale = d
    d.delmaal_liste = []
    delmaal = {}
    for r in indhold["delmaal"]:
        obj = delmaal[r["id"]] = _objekt(Delmaal, r)
        obj.delaftale = d
        obj.indikator_liste = []
        d.delmaal_liste.append(obj)
    indikatorer = {}
    for r in indhold["indikatorer"]:
        obj = indikatorer[r["id"]] = _objekt(Indikator, r)
        obj.delmaal = delmaal[obj.delmaal_id]
        obj.baseline_liste = []
        obj.delmaal.indikator_liste.append(obj)
    for r in indhold["baselines"]:
        b = _objekt(Baseline, r)
        b.indikator = indikatorer[b.indikator_id]
        if b.boligomraade_id is not None:
            b.boligomraade = omraader[b.boligomraade_id]
        b.samlet_liste = [o for o in omraader.values() if o.pk in r["samlet_for"]]
        b.indikator.baseline_liste.append(b)
    d.aktivitet_liste = []
    for r in indhold["aktiviteter"]:
        a = _objekt(Aktivitet, r)
        a.delaftale = d
        a.delmaal_liste = [m for m in d.delmaal_liste if m.pk in r["delmaal"]]
        d.aktivitet_liste.append(a)
    return d
