"""The public delaftale, built once and rendered many ways (page, PDF, CSV, XLSX).

Everything is fetched in a fixed number of queries, whatever the size of the agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from aktiviteter.models import Aktivitet
from delaftaler.models import Boligomraade, Delaftale, Delmaal, Helhedsplan, Part, dansk_slug
from indikatorer.models import Baseline, Indikator


@dataclass(frozen=True)
class TabelRaekke:
    """One row of the LBF table. A rowspan of 0 means the cell above covers this row."""

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
        indsats = dansk_slug(self.delaftale.indsatsomraade.navn).replace("-", "_").title()
        return f"Delaftale_{indsats}_{self.helhedsplan.navn}"

    def tabelraekker(self, boligomraade: Boligomraade | None = None) -> list[TabelRaekke]:
        """The LBF table's rows, optionally only those that concern one boligområde."""
        if boligomraade is None:
            return self.raekker
        return _raekker(self.delmaal, boligomraade.pk)


def hent_delaftale(helhedsplan_slug: str, indsats_slug: str) -> Delaftale:
    baselines = Baseline.objects.select_related("boligomraade").prefetch_related("samlet_for")
    return get_object_or_404(
        Delaftale.objects.select_related("helhedsplan", "indsatsomraade").prefetch_related(
            "parter",
            Prefetch("delmaal__indikatorer__baselines", queryset=baselines),
            Prefetch("aktiviteter", queryset=Aktivitet.objects.prefetch_related("delmaal")),
            "helhedsplan__boligomraader",
        ),
        helhedsplan__slug=helhedsplan_slug,
        indsatsomraade__slug=indsats_slug,
    )


def byg_visning(delaftale: Delaftale) -> DelaftaleVisning:
    """Expects a delaftale from hent_delaftale(); adds no queries of its own."""
    parter = list(delaftale.parter.all())
    delmaal = list(delaftale.delmaal.all())
    aktiviteter = list(delaftale.aktiviteter.all())
    indikatorer = [i for d in delmaal for i in d.indikatorer.all()]
    baselines = [b for i in indikatorer for b in i.baselines.all()]
    version = max(
        [delaftale.aendret, *(o.aendret for o in (*parter, *delmaal, *aktiviteter))]
        + [o.aendret for o in (*indikatorer, *baselines)]
    )
    return DelaftaleVisning(
        delaftale=delaftale,
        partgrupper=[
            PartGruppe(overskrift, list(gruppe))
            for overskrift, gruppe in groupby(parter, key=lambda p: p.gruppe)
        ],
        delmaal=delmaal,
        aktiviteter=aktiviteter,
        boligomraader=list(delaftale.helhedsplan.boligomraader.all()),
        version=version,
        raekker=_raekker(delmaal),
    )


def _raekker(delmaal: list[Delmaal], boligomraade_id: int | None = None) -> list[TabelRaekke]:
    def med(baseline: Baseline) -> bool:
        if boligomraade_id is None:
            return True
        return baseline.boligomraade_id == boligomraade_id or any(
            o.pk == boligomraade_id for o in baseline.samlet_for.all()
        )

    raekker: list[TabelRaekke] = []
    for d in delmaal:
        pr_indikator = []
        for indikator in d.indikatorer.all():
            valgte = [b for b in indikator.baselines.all() if med(b)]
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
                    )
                )
    return raekker


def helhedsplaner_til_oversigt():
    return Helhedsplan.objects.prefetch_related(
        "boligomraader",
        Prefetch("delaftaler", queryset=Delaftale.objects.select_related("indsatsomraade")),
    )
