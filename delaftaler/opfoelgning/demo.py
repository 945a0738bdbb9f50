"""Demo follow-ups for `make run`: Vejle_21_25 in 2022, 2023 and 2024.

The numbers are made up, derived from the real baselines so the report has a
plausible development to show, and every value says so in its source and note. A
share's value comes with made-up counts (tæller of nævner) for its area; the småjobs
shares rest on a handful of persons, so the public report shows the disclosure rule at
work (»<5«). The real baselines are left as the delaftale has them.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from aktiviteter.models import AktivitetStatus
from delaftaler.models import Delaftale, DelmaalStatus, Opfoelgning
from delaftaler.opfoelgning.services import (
    kommentar_tilfoej,
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Indikator, andel
from indikatorer.tal import med_decimaler

DEMO_AAR = (2022, 2023, 2024)
DEMO_KILDE = "DEMODATA – opdigtede tal"


def _variation(*dele: object) -> Decimal:
    """A stable pseudo-random number between 0 and 1 for the same inputs."""
    h = hashlib.sha256("|".join(map(str, dele)).encode()).digest()
    return Decimal(h[0]) / Decimal(255)


def demo_vaerdi(baseline, aar: int) -> Decimal:
    """Moves a little each year in the good direction, with some noise."""
    indikator: Indikator = baseline.indikator
    aar_efter = aar - int(baseline.periode[:4])
    fortegn = -1 if indikator.retning == Indikator.Retning.LAVERE else 1
    if indikator.er_procent:
        skridt = Decimal("0.4") + _variation(indikator.navn, baseline.sted) * Decimal("0.8")
        stoej = (_variation(indikator.navn, baseline.sted, aar) - Decimal("0.5")) * Decimal("1.2")
        vaerdi = baseline.vaerdi + fortegn * skridt * aar_efter + stoej
        vaerdi = min(max(vaerdi, Decimal(0)), Decimal(100))
    else:
        vaerdi = baseline.vaerdi + fortegn * aar_efter * 3 + int(_variation(aar) * 4)
        vaerdi = max(vaerdi, Decimal(0))
    return med_decimaler(vaerdi, baseline.vaerdi_decimaler)


def demo_antal(baseline, vaerdi: Decimal) -> tuple[Decimal, int | None, int | None]:
    """A share's value as the share of made-up counts (a population of 120–500 per area
    and indicator), or the value alone when it is not a share of an area."""
    if not baseline.indikator.er_procent or baseline.boligomraade_id is None:
        return vaerdi, None, None
    naevner = 120 + int(_variation(baseline.indikator.navn, baseline.sted) * 380)
    taeller = int((vaerdi * naevner / 100).to_integral_value())
    return andel(taeller, naevner, baseline.vaerdi_decimaler), taeller, naevner


def _gem(obj) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic
def opret_demo_opfoelgninger(
    *,
    delaftale: Delaftale,
    sekretariat,
    bestyrelse,
    render_pdf: Callable[[Opfoelgning], bytes],
) -> list[Opfoelgning]:
    """2022 and 2023 approved by the board (at its meetings of 12 March the year after),
    2024 sent to it with a board member's comment. Does nothing if they exist."""
    if delaftale.opfoelgninger.filter(aar__in=DEMO_AAR).exists():
        return []
    baselines = [
        b
        for d in delaftale.delmaal.prefetch_related("indikatorer__baselines__boligomraade")
        for i in d.indikatorer.all()
        for b in i.baselines.all()
        if not b.afventer
    ]
    oprettede = []
    for aar in DEMO_AAR:
        opfoelgning = opfoelgning_opret(delaftale=delaftale, aar=aar, bruger=sekretariat)
        raekker = []
        for nr, b in enumerate(baselines, start=1):
            mangler = aar == 2024 and b.sted == "Møllevangen" and "småjobs" in b.indikator.navn
            vaerdi, taeller, naevner = (
                (None, None, None) if mangler else demo_antal(b, demo_vaerdi(b, aar))
            )
            raekker.append(
                MaalingInput(
                    indikator=b.indikator,
                    boligomraade=b.boligomraade,
                    maalgruppe=b.maalgruppe,
                    periode=str(aar),
                    vaerdi=vaerdi,
                    taeller=taeller,
                    naevner=naevner,
                    ikke_tilgaengelig=mangler,
                    begrundelse="Jobcentrets opgørelse er forsinket (demo)." if mangler else "",
                    sammenligning=med_decimaler(b.sammenligning, b.sammenligning_decimaler),
                    sammenligning_label=b.sammenligning_label,
                    datakilde=DEMO_KILDE,
                    kilde=f"Demo {aar}, række {nr}",
                )
            )
        maalinger_gem(opfoelgning=opfoelgning, raekker=raekker, bruger=sekretariat)
        for d in delaftale.delmaal.all():
            status = (
                DelmaalStatus.Status.PAA_RETTE_VEJ
                if _variation(d.tekst, aar) > Decimal("0.35")
                else DelmaalStatus.Status.DELVIST
            )
            _gem(
                DelmaalStatus(
                    opfoelgning=opfoelgning,
                    delmaal=d,
                    status=status,
                    vurdering=f"Demotekst: udviklingen i {aar} vurderet ud fra de opdigtede tal.",
                )
            )
        for a in delaftale.aktiviteter.all():
            _gem(
                AktivitetStatus(
                    opfoelgning=opfoelgning,
                    aktivitet=a,
                    udfoert=f"<p>Demotekst: aktiviteten blev gennemført som planlagt i {aar}.</p>",
                    antal_naaet=20 + int(_variation(a.navn, aar) * 60),
                    justeringer="<p>Demotekst: ingen større justeringer.</p>",
                    fokus_naeste_aar="<p>Demotekst: fastholde kontakten til målgruppen.</p>",
                )
            )
        opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat)
        if aar < DEMO_AAR[-1]:
            # Approved at the board's spring meeting the year after (made as a meeting).
            opfoelgning_godkend(
                opfoelgning=opfoelgning,
                bruger=bestyrelse,
                render_pdf=render_pdf,
                kommentar="Demotekst: godkendt uden bemærkninger.",
                moede_dato=datetime.date(aar + 1, 3, 12),
            )
        else:
            foerste = delaftale.delmaal.order_by("raekkefoelge", "pk").first()
            if foerste is not None:
                kommentar_tilfoej(
                    opfoelgning=opfoelgning,
                    bruger=bestyrelse,
                    tekst="Demotekst: vi vil gerne høre mere om udviklingen i Vestbyen.",
                    delmaal=foerste,
                )
        opfoelgning.refresh_from_db()
        oprettede.append(opfoelgning)
    return oprettede
