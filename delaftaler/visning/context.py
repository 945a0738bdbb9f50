"""The public delaftale, built once and rendered many ways (page, PDF, CSV, XLSX).

Everything is fetched in a fixed number of queries, whatever the size of the agreement.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from aktiviteter.models import Aktivitet
from delaftaler.lib.formatting import formater_dato
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    Helhedsplan,
    Part,
    Version,
)
from delaftaler.snapshot import fra_snapshot
from indikatorer.diskretion import Diskretion, Skjulbar, skjul_samlede
from indikatorer.models import Baseline, Indikator


@dataclass(frozen=True)
class TabelRaekke(Skjulbar):
    """One row of the LBF table. A rowspan of 0 means the cell above covers this row; the
    baseline may be hidden under disclosure control (``Skjulbar``)."""

    delmaal: Delmaal
    delmaal_rowspan: int
    indikator: Indikator
    indikator_rowspan: int
    baseline: Baseline | None


@dataclass(frozen=True)
class PartGruppe:
    overskrift: str
    parter: list[Part]


@dataclass
class DelaftaleVisning:
    delaftale: Delaftale
    partgrupper: list[PartGruppe]
    delmaal: list[Delmaal]
    aktiviteter: list[Aktivitet]
    boligomraader: list[Boligomraade]
    version: datetime
    raekker: list[TabelRaekke] = field(default_factory=list)
    # The published version shown, or None for the draft in the ordinary tables.
    udgivelse: Version | None = None
    diskretion: Diskretion = field(default_factory=lambda: Diskretion(mindste_antal=5))
    # Each baseline's marking under disclosure control, by id(): »<5«, »Skjult« or "".
    skjulte: dict[int, str] = field(default_factory=dict)

    @property
    def har_skjulte(self) -> bool:
        return any(self.skjulte.values())

    @property
    def versionstekst(self) -> str:
        """»Gældende version af 01.12.2021, godkendt af bestyrelsen 28.11.2021«, or the draft.

        After an administrative fix it still says when the board last approved the
        content, and when it was last changed administratively."""
        u = self.udgivelse
        if u is None:
            return f"Udkast, ikke publiceret (senest ændret {formater_dato(self.version)})"
        tekst = f"Gældende version af {u.dato_tekst}"
        if godkendt := u.fagligt_godkendt_tekst:
            tekst += f", godkendt af bestyrelsen {godkendt}"
        if u.administrativt_aendret:
            tekst += f", senest ændret administrativt {formater_dato(u.administrativt_aendret)}"
        return tekst

    @property
    def helhedsplan(self) -> Helhedsplan:
        return self.delaftale.helhedsplan

    @property
    def titel(self) -> str:
        return f"Delaftale for indsatsområdet {self.delaftale.indsatsomraade.navn}"

    @property
    def fuld_titel(self) -> str:
        return f"{self.titel} – {self.helhedsplan.navn}"

    @property
    def filnavn(self) -> str:
        return self.delaftale.filnavn

    def fingeraftryk(self) -> str:
        """A digest of every field the delaftale is shown from, in display order.

        Any edit, addition, deletion or reordering changes it, whatever path the change
        took (admin, update(), bulk_update()), so it can key a cached rendering.
        """
        d = self.delaftale
        objekter: list = [d, d.helhedsplan, d.indsatsomraade, *self.boligomraader]
        objekter += [p for g in self.partgrupper for p in g.parter]
        for delmaal in self.delmaal:
            objekter.append(delmaal)
            for indikator in delmaal.indikator_liste:
                objekter.append(indikator)
                for b in indikator.baseline_liste:
                    objekter += [b, ("samlet_for", *(o.pk for o in b.samlet_liste))]
        for a in self.aktiviteter:
            objekter += [a, ("delmaal", *(x.pk for x in a.delmaal_liste))]
        return indholdsdigest(objekter)

    def tabelraekker(self, boligomraade: Boligomraade | None = None) -> list[TabelRaekke]:
        """The LBF table's rows, optionally only those that concern one boligområde."""
        if boligomraade is None:
            return self.raekker
        return _raekker(self.delmaal, self.skjulte, self.diskretion, boligomraade.pk)


def indholdsdigest(objekter: list) -> str:
    """SHA-256 of model instances' field values (and plain tuples), in the given order."""
    h = hashlib.sha256()
    for obj in objekter:
        if isinstance(obj, tuple):
            h.update(repr(obj).encode())
        else:
            felter = [getattr(obj, f.attname) for f in obj._meta.concrete_fields]
            h.update(repr((type(obj).__name__, felter)).encode())
    return h.hexdigest()


def hent_udkast(delaftale: Delaftale) -> Delaftale:
    """The same delaftale again, with everything it shows (the draft in the tables)."""
    return med_indhold().get(pk=delaftale.pk)


def hent_offentlig(helhedsplan_slug: str, indsats_slug: str) -> Delaftale:
    """The delaftale a public address names, with its plan and area: one query (or 404)."""
    return get_object_or_404(
        Delaftale.objects.select_related("helhedsplan", "indsatsomraade"),
        helhedsplan__slug=helhedsplan_slug,
        indsatsomraade__slug=indsats_slug,
    )


def hent_version(delaftale: Delaftale, nummer: int | None = None, *, uden=("pdf",)) -> Version:
    """A published version (the latest by default) without the named fields: one query.

    404 when the delaftale has never been published, or has no such version.
    """
    versioner = (
        delaftale.versioner.defer(*uden)
        .select_related("fagligt_godkendt_moede")
        .order_by("-nummer")
    )
    if nummer is not None:
        versioner = versioner.filter(nummer=nummer)
    version = versioner.first()
    if version is None:
        raise Http404("Delaftalen er ikke publiceret.")
    version.delaftale = delaftale
    return version


def version_visning(version: Version) -> DelaftaleVisning:
    """A published version built from its snapshot, as page, PDF and exports show it.

    Expects ``version.delaftale`` with its plan and area loaded; adds no queries.
    """
    visning = byg_visning(fra_snapshot(version.indhold, delaftale=version.delaftale))
    visning.udgivelse = version
    return visning


def hent_gaeldende(
    helhedsplan_slug: str, indsats_slug: str, nummer: int | None = None
) -> DelaftaleVisning:
    """A published version (the latest by default), as the public sees it: two queries."""
    delaftale = hent_offentlig(helhedsplan_slug, indsats_slug)
    return version_visning(hent_version(delaftale, nummer))


def med_indhold():
    """Delaftaler with everything they show, in nine queries whatever their size.

    Prefetches go to plain lists (to_attr): a big delaftale has hundreds of rows, and a
    related manager per row would cost more than the queries themselves.
    """
    baselines = Baseline.objects.select_related("boligomraade").prefetch_related(
        Prefetch("samlet_for", to_attr="samlet_liste")
    )
    indikatorer = Indikator.objects.prefetch_related(
        Prefetch("baselines", queryset=baselines, to_attr="baseline_liste")
    )
    delmaal = Delmaal.objects.prefetch_related(
        Prefetch("indikatorer", queryset=indikatorer, to_attr="indikator_liste")
    )
    aktiviteter = Aktivitet.objects.prefetch_related(Prefetch("delmaal", to_attr="delmaal_liste"))
    return Delaftale.objects.select_related("helhedsplan", "indsatsomraade").prefetch_related(
        Prefetch("parter", to_attr="part_liste"),
        Prefetch("delmaal", queryset=delmaal, to_attr="delmaal_liste"),
        Prefetch("aktiviteter", queryset=aktiviteter, to_attr="aktivitet_liste"),
        Prefetch("helhedsplan__boligomraader", to_attr="boligomraade_liste"),
    )


def byg_visning(delaftale: Delaftale, *, offentlig: bool = True) -> DelaftaleVisning:
    """Expects a delaftale from med_indhold() or fra_snapshot(); adds no queries of its own.

    Every output of a delaftale is public (the draft's preview shows what will be), so
    disclosure control hides by default."""
    parter = delaftale.part_liste
    delmaal = delaftale.delmaal_liste
    aktiviteter = delaftale.aktivitet_liste
    indikatorer = [i for d in delmaal for i in d.indikator_liste]
    baselines = [b for i in indikatorer for b in i.baseline_liste]
    version = max(
        [delaftale.aendret, *(o.aendret for o in (*parter, *delmaal, *aktiviteter))]
        + [o.aendret for o in (*indikatorer, *baselines)]
    )
    diskretion = Diskretion.for_plan(delaftale.helhedsplan, offentlig=offentlig)
    skjulte = _skjulte_baselines(indikatorer, diskretion)
    return DelaftaleVisning(
        delaftale=delaftale,
        partgrupper=[
            PartGruppe(overskrift, list(gruppe))
            for overskrift, gruppe in groupby(parter, key=lambda p: p.gruppe)
        ],
        delmaal=delmaal,
        aktiviteter=aktiviteter,
        boligomraader=delaftale.helhedsplan.boligomraade_liste,
        version=version,
        raekker=_raekker(delmaal, skjulte, diskretion),
        diskretion=diskretion,
        skjulte=skjulte,
    )


def _skjulte_baselines(indikatorer: list[Indikator], diskretion: Diskretion) -> dict[int, str]:
    """Each baseline's marking (by id()): the primary rule, then a total — »opgjort samlet
    for« some areas, or for all — hidden when one of its areas' baselines is."""
    skjulte: dict[int, str] = {}
    for indikator in indikatorer:
        baselines = indikator.baseline_liste
        celler = {(id(b), "b"): diskretion.markering(indikator, b) for b in baselines}
        pr_omraade: dict[int, list[int]] = {}
        for b in baselines:
            if b.boligomraade_id:
                pr_omraade.setdefault(b.boligomraade_id, []).append(id(b))
        samlede = []
        for b in baselines:
            if b.samlet_liste:
                dele = [x for o in b.samlet_liste for x in pr_omraade.get(o.pk, [])]
                samlede.append((id(b), dele))
            elif not b.boligomraade_id and not b.maalgruppe:
                samlede.append((id(b), [x for xs in pr_omraade.values() for x in xs]))
        for (noegle, _), markering in skjul_samlede(celler, samlede).items():
            skjulte[noegle] = markering
    return skjulte


def _raekker(
    delmaal: list[Delmaal],
    skjulte: dict[int, str],
    diskretion: Diskretion,
    boligomraade_id: int | None = None,
) -> list[TabelRaekke]:
    def med(baseline: Baseline) -> bool:
        if boligomraade_id is None:
            return True
        return baseline.boligomraade_id == boligomraade_id or any(
            o.pk == boligomraade_id for o in baseline.samlet_liste
        )

    raekker: list[TabelRaekke] = []
    for d in delmaal:
        pr_indikator = []
        for indikator in d.indikator_liste:
            valgte = [b for b in indikator.baseline_liste if med(b)]
            if valgte or boligomraade_id is None:
                pr_indikator.append((indikator, valgte or [None]))
        antal_i_delmaal = sum(len(b) for _, b in pr_indikator)
        for i_nr, (indikator, valgte) in enumerate(pr_indikator):
            for b_nr, baseline in enumerate(valgte):
                foerste = i_nr == 0 and b_nr == 0
                raekker.append(
                    TabelRaekke(
                        delmaal=d,
                        delmaal_rowspan=antal_i_delmaal if foerste else 0,
                        indikator=indikator,
                        indikator_rowspan=len(valgte) if b_nr == 0 else 0,
                        baseline=baseline,
                        skjult=skjulte.get(id(baseline), "") if baseline else "",
                        offentlig=diskretion.offentlig,
                    )
                )
    return raekker


def helhedsplaner_til_oversigt():
    """Helhedsplaner with their published delaftaler (a draft never published is not public)."""
    publicerede = Delaftale.objects.select_related("indsatsomraade").filter(
        Exists(Version.objects.filter(delaftale=OuterRef("pk")))
    )
    return Helhedsplan.objects.prefetch_related(
        "boligomraader", Prefetch("delaftaler", queryset=publicerede)
    )
