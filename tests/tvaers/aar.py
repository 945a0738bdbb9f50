"""Approved follow-up years for the view across plans' tests, made as the board makes them."""

from __future__ import annotations

from decimal import Decimal

from delaftaler.models import Opfoelgning
from delaftaler.opfoelgning.services import (
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Indikator, andel
from tests.planer import FALSK_PDF
from tests.test_fixtures import FORSOERGEDE_18_29

# Møllevangen 2022 rests on 3 persons of 37: 8,1 % must never be shown in public.
SKJULT_TAELLER, SKJULT_NAEVNER = 3, 37
SKJULT = andel(SKJULT_TAELLER, SKJULT_NAEVNER, 1)
VEJLE_2022 = [
    (FORSOERGEDE_18_29, "Nørremarken", Decimal("11.9"), None, None),
    (FORSOERGEDE_18_29, "Vestbyen", Decimal("16.1"), None, None),
    (FORSOERGEDE_18_29, "Løget By", Decimal("11.2"), None, None),
    (FORSOERGEDE_18_29, "Møllevangen", SKJULT, SKJULT_TAELLER, SKJULT_NAEVNER),
]


def godkendt_aar(delaftale, aar, raekker, sekretariat, bestyrelse) -> Opfoelgning:
    indikatorer = {i.navn: i for i in Indikator.objects.filter(delmaal__delaftale=delaftale)}
    omraader = {o.navn: o for o in delaftale.helhedsplan.boligomraader.all()}
    o = opfoelgning_opret(delaftale=delaftale, aar=aar, bruger=sekretariat)
    maalinger_gem(
        opfoelgning=o,
        raekker=[
            MaalingInput(
                indikator=indikatorer[navn],
                periode=str(aar),
                boligomraade=omraader[sted],
                vaerdi=vaerdi,
                taeller=taeller,
                naevner=naevner,
                datakilde="LBF Beboerdata",
                kilde=f"Række {nr}",
            )
            for nr, (navn, sted, vaerdi, taeller, naevner) in enumerate(raekker, start=1)
        ],
        bruger=sekretariat,
    )
    opfoelgning_send(opfoelgning=o, bruger=sekretariat)
    return opfoelgning_godkend(opfoelgning=o, bruger=bestyrelse, render_pdf=lambda o: FALSK_PDF)
