"""Restoring a published version into the draft.

The version's snapshot is written back into the ordinary tables: rows that exist are
updated, rows the version had and the draft lost are recreated (with their original id
where it is free), rows the version did not have are deleted, and the many-to-many links
are set as they were. Every write is a normal model save or delete, so the history
records each step, by the person restoring and with the reason »Gendannet fra version N«;
what the draft said before stays in the history, and nothing is ever lost.

The restored draft is a draft like any other: its changes against the published version
are classified and published (or submitted to the bestyrelse) under the usual rules.

What cannot be undone without losing something else is refused before anything is
written: an indikator with measurements, a delmål or an aktivitet the yearly follow-up
refers to, a boligområde the version names that no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.lib import security_log
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    DelmaalStatus,
    Helhedsplan,
    Kommentar,
    Part,
    Version,
)
from delaftaler.snapshot import TIDSSTEMPLER
from indikatorer.models import Baseline, Indikator, Maaling

AARSAG = "Gendannet fra version {nummer}"
# Fields a version does not restore: the ids, when rows were saved, and where the
# delaftale belongs (its helhedsplan and indsatsområde name and address it).
FASTE = TIDSSTEMPLER | {"id", "helhedsplan_id", "indsatsomraade_id"}


@dataclass(frozen=True)
class _Del:
    noegle: str
    model: type[models.Model]
    foraelder: str | None  # the attname of the parent foreign key
    foraelder_del: str | None  # which part that parent is in


# Parents before children.
DELE = [
    _Del("parter", Part, "delaftale_id", None),
    _Del("delmaal", Delmaal, "delaftale_id", None),
    _Del("indikatorer", Indikator, "delmaal_id", "delmaal"),
    _Del("baselines", Baseline, "indikator_id", "indikatorer"),
    _Del("aktiviteter", Aktivitet, "delaftale_id", None),
]
# The part whose rows a foreign key points to, and each part's child part.
FORAELDER_DEL = {d.foraelder: d.foraelder_del for d in DELE if d.foraelder_del}
BOERN = {d.foraelder_del: d for d in DELE if d.foraelder_del}


def _kan_gendanne(bruger, delaftale: Delaftale) -> bool:
    return (
        bruger.is_active
        and bruger.has_perm("delaftaler.change_delaftale")
        and Helhedsplan.objects.for_bruger(bruger).filter(pk=delaftale.helhedsplan_id).exists()
    )


def _nuvaerende(delaftale: Delaftale) -> dict[str, dict[int, models.Model]]:
    return {
        "parter": {o.pk: o for o in Part.objects.filter(delaftale=delaftale)},
        "delmaal": {o.pk: o for o in Delmaal.objects.filter(delaftale=delaftale)},
        "indikatorer": {o.pk: o for o in Indikator.objects.filter(delmaal__delaftale=delaftale)},
        "baselines": {
            o.pk: o
            for o in Baseline.objects.filter(indikator__delmaal__delaftale=delaftale)
            .select_related("indikator__delmaal__delaftale__helhedsplan", "boligomraade")
            .prefetch_related("samlet_for")
        },
        "aktiviteter": {
            o.pk: o
            for o in Aktivitet.objects.filter(delaftale=delaftale).prefetch_related("delmaal")
        },
    }


IKKE_GENDANNET = "Versionen kan ikke gendannes; intet er ændret."


def _navne(raekker) -> str:
    return ", ".join(f"»{r}«" for r in raekker)


def _kontroller(indhold: dict[str, Any], slettes: dict[str, set[int]], plan_id: int) -> None:
    """Refuse, before anything is written, what would lose data elsewhere."""
    fejl: list[str] = []
    maalte = (
        Maaling.objects.filter(indikator_id__in=slettes["indikatorer"])
        .values_list("indikator__navn", flat=True)
        .distinct()
    )
    if maalte:
        fejl.append(
            f"Indikatoren {_navne(sorted(set(maalte)))} har målinger i opfølgningen og kan "
            "ikke slettes."
        )
    fulgt_op = set(
        DelmaalStatus.objects.filter(delmaal_id__in=slettes["delmaal"]).values_list(
            "delmaal__tekst", flat=True
        )
    ) | set(
        Kommentar.objects.filter(delmaal_id__in=slettes["delmaal"]).values_list(
            "delmaal__tekst", flat=True
        )
    )
    if fulgt_op:
        fejl.append(
            f"Delmålet {_navne(sorted(fulgt_op))} er brugt i opfølgningen og kan ikke slettes."
        )
    aktive = set(
        AktivitetStatus.objects.filter(aktivitet_id__in=slettes["aktiviteter"]).values_list(
            "aktivitet__navn", flat=True
        )
    )
    if aktive:
        fejl.append(
            f"Aktiviteten {_navne(sorted(aktive))} er brugt i opfølgningen og kan ikke slettes."
        )
    omraader = set(Boligomraade.objects.filter(helhedsplan_id=plan_id).values_list("pk", flat=True))
    navne = {r["id"]: r["navn"] for r in indhold["boligomraader"]}
    mangler = {
        pk
        for b in indhold["baselines"]
        for pk in [b["boligomraade_id"], *b["samlet_for"]]
        if pk is not None and pk not in omraader
    }
    if mangler:
        fejl.append(
            f"Boligområdet {_navne(sorted(navne.get(pk, str(pk)) for pk in mangler))} findes "
            "ikke længere i helhedsplanen."
        )
    if fejl:
        raise ValidationError([IKKE_GENDANNET, *fejl])


class _Gendanner:
    def __init__(self, *, delaftale: Delaftale, indhold: dict[str, Any], aarsag: str, bruger):
        self.delaftale = delaftale
        self.indhold = indhold
        self.aarsag = aarsag
        self.bruger = bruger
        self.nu = _nuvaerende(delaftale)
        # A recreated row whose id was taken gets a new one; its children follow it.
        self.nye_ids: dict[str, dict[int, int]] = {d.noegle: {} for d in DELE}
        self.i_version = {d.noegle: {r["id"] for r in indhold[d.noegle]} for d in DELE}
        self.slettes = {k: set(self.nu[k]) - ids for k, ids in self.i_version.items()}

    def _marker(self, obj: models.Model) -> None:
        obj._change_reason = self.aarsag
        obj._history_user = self.bruger

    def _gem(self, obj: models.Model, *, ny: bool = False) -> None:
        self._marker(obj)
        obj.full_clean()
        obj.save(force_insert=ny)

    def _slet(self, obj: models.Model) -> None:
        self._marker(obj)
        obj.delete()

    def _saet_felter(self, obj: models.Model, raekke: dict[str, Any]) -> bool:
        aendret = False
        for f in obj._meta.concrete_fields:
            if f.attname in FASTE or f.attname not in raekke:
                continue
            vaerdi = f.to_python(raekke[f.attname])
            if f.is_relation and vaerdi is not None:
                vaerdi = self._id(f.attname, vaerdi)
            if getattr(obj, f.attname) != vaerdi:
                setattr(obj, f.attname, vaerdi)
                aendret = True
        return aendret

    def _id(self, attname: str, pk: int) -> int:
        del_ = FORAELDER_DEL.get(attname)
        return self.nye_ids[del_].get(pk, pk) if del_ else pk

    def _har_barn_i_version(self, noegle: str, obj: models.Model) -> bool:
        barn = BOERN.get(noegle)
        if barn is None:
            return False
        return any(
            getattr(b, barn.foraelder) == obj.pk
            and (b.pk in self.i_version[barn.noegle] or self._har_barn_i_version(barn.noegle, b))
            for b in self.nu[barn.noegle].values()
        )

    def slet_overskydende(self) -> list[models.Model]:
        """Delete, children first, the rows the version did not have. Rows that still hold
        a child the version keeps (moved to another parent) wait until it has moved."""
        udskudte: list[models.Model] = []
        # Let go of delmål that go, so the activities' history records it.
        for a in self.nu["aktiviteter"].values():
            if a.pk in self.i_version["aktiviteter"]:
                gaar = [d.pk for d in a.delmaal.all() if d.pk in self.slettes["delmaal"]]
                if gaar:
                    self._marker(a)
                    a.delmaal.remove(*gaar)
        for d in reversed(DELE):
            for pk, obj in list(self.nu[d.noegle].items()):
                if pk in self.i_version[d.noegle]:
                    continue
                if self._har_barn_i_version(d.noegle, obj):
                    udskudte.append(obj)
                    continue
                self._slet(obj)
                del self.nu[d.noegle][pk]
        return udskudte

    def gendan_raekker(self) -> None:
        d = self.delaftale
        if self._saet_felter(d, self.indhold["delaftale"]):
            self._gem(d)
        for del_ in DELE:
            model = del_.model
            for raekke in self.indhold[del_.noegle]:
                obj = self.nu[del_.noegle].get(raekke["id"])
                if obj is not None:
                    if self._saet_felter(obj, raekke):
                        self._gem(obj)
                    continue
                obj = model()
                self._saet_felter(obj, raekke)
                if del_.foraelder == "delaftale_id":
                    obj.delaftale_id = d.pk
                if not model._base_manager.filter(pk=raekke["id"]).exists():
                    obj.pk = raekke["id"]
                self._gem(obj, ny=True)
                if obj.pk != raekke["id"]:
                    self.nye_ids[del_.noegle][raekke["id"]] = obj.pk
                self.nu[del_.noegle][obj.pk] = obj

    def gendan_m2m(self) -> None:
        for noegle, felt, del_ in (
            ("baselines", "samlet_for", None),
            ("aktiviteter", "delmaal", "delmaal"),
        ):
            for raekke in self.indhold[noegle]:
                pk = self.nye_ids[noegle].get(raekke["id"], raekke["id"])
                obj = self.nu[noegle][pk]
                oenskede = [self.nye_ids[del_].get(p, p) if del_ else p for p in raekke[felt]]
                if del_:
                    oenskede = [p for p in oenskede if p in self.nu[del_]]
                if {o.pk for o in getattr(obj, felt).all()} != set(oenskede):
                    self._marker(obj)
                    getattr(obj, felt).set(oenskede)

    def gendan(self) -> None:
        udskudte = self.slet_overskydende()
        self.gendan_raekker()
        self.gendan_m2m()
        for obj in udskudte:
            self._slet(obj)


@transaction.atomic
def version_gendan(*, version: Version, bruger) -> None:
    """Write the published version back into the draft, step by recorded step.

    Raises PermissionDenied unless the person may change delaftaler and works on the
    helhedsplan, and ValidationError (with nothing changed) when the restore would delete
    what the yearly follow-up uses, or needs a boligområde that is gone.
    """
    delaftale = Delaftale.objects.select_for_update().get(pk=version.delaftale_id)
    if not _kan_gendanne(bruger, delaftale):
        raise PermissionDenied
    indhold = version.indhold  # loaded now if it was deferred
    aarsag = AARSAG.format(nummer=version.nummer)
    gendanner = _Gendanner(delaftale=delaftale, indhold=indhold, aarsag=aarsag, bruger=bruger)
    _kontroller(indhold, gendanner.slettes, delaftale.helhedsplan_id)
    try:
        with transaction.atomic():
            gendanner.gendan()
    except ValidationError as exc:  # e.g. two delmål that have swapped texts since
        raise ValidationError([IKKE_GENDANNET, *exc.messages]) from exc
    except (ProtectedError, IntegrityError) as exc:
        raise ValidationError(
            "Versionen kan ikke gendannes, fordi noget andet stadig bruger det, der skulle "
            "slettes eller ændres. Intet er ændret."
        ) from exc
    # The admin's open pages see the delaftale as changed (lib.concurrency), like any save.
    Delaftale.objects.filter(pk=delaftale.pk).update(aendret=timezone.now())
    transaction.on_commit(
        lambda: security_log.delaftale_haendelse(
            "gendannet", delaftale, bruger, version=version.nummer
        )
    )
