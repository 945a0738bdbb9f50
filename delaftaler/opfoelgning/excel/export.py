"""All measurements of a delaftale, every year, as one spreadsheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from delaftaler.models import Delaftale
from delaftaler.opfoelgning.excel.columns import ALLE, ARK
from delaftaler.opfoelgning.excel.template import FED, enhed, skriv
from indikatorer.models import Maaling
from indikatorer.periode import formater_periode

EKSPORT_KOLONNER = (
    ("Opfølgningsår", 13),
    ("Status", 22),
    ("Delmål", 36),
    ("Indikator", 46),
    ("Boligområde/målgruppe", 26),
    ("Enhed", 8),
    ("Periode", 11),
    ("Værdi", 11),
    ("Tæller", 9),
    ("Nævner", 9),
    ("Ikke tilgængelig", 14),
    ("Begrundelse", 30),
    ("Sammenligning", 14),
    ("Sammenligning gælder", 22),
    ("Datakilde", 22),
    ("Data udtrukket", 14),
    ("Note", 40),
)


def maalinger_eksport(delaftale: Delaftale, *, opfoelgninger=None) -> bytes:
    """All measurements of a delaftale, every year, as a spreadsheet.

    `opfoelgninger` narrows it to the follow-ups a user may see."""
    maalinger = (
        Maaling.objects.filter(indikator__delmaal__delaftale=delaftale)
        .select_related("opfoelgning", "indikator__delmaal", "boligomraade")
        .order_by(
            "opfoelgning__aar",
            "indikator__delmaal__raekkefoelge",
            "indikator__delmaal_id",
            "indikator__raekkefoelge",
            "indikator_id",
            "boligomraade__raekkefoelge",
            "boligomraade__navn",
            "maalgruppe",
            "periode",
        )
    )
    if opfoelgninger is not None:
        maalinger = maalinger.filter(opfoelgning__in=opfoelgninger)
    bog = Workbook()
    ark = bog.active
    ark.title = ARK
    bog.properties.title = f"Målinger – {delaftale}"[:200]
    bog.properties.language = "da-DK"
    bog.properties.creator = "Delaftaler"
    for nr, (overskrift, bredde) in enumerate(EKSPORT_KOLONNER, start=1):
        celle = ark.cell(row=1, column=nr, value=overskrift)
        celle.font = FED
        ark.column_dimensions[get_column_letter(nr)].width = bredde
    for r, m in enumerate(maalinger.iterator(chunk_size=2000), start=2):
        vaerdier = (
            (m.opfoelgning.aar, 0),
            (m.opfoelgning.get_status_display(), None),
            (m.indikator.delmaal.tekst, None),
            (m.indikator.navn, None),
            (m.boligomraade.navn if m.boligomraade_id else (m.maalgruppe or ALLE), None),
            (enhed(m.indikator), None),
            (formater_periode(m.periode), None),
            (m.vaerdi, m.vaerdi_decimaler),
            (m.taeller, 0),
            (m.naevner, 0),
            ("Ja" if m.ikke_tilgaengelig else "", None),
            (m.begrundelse, None),
            (m.sammenligning, m.sammenligning_decimaler),
            (m.sammenligning_label, None),
            (m.datakilde_tekst, None),
            (m.udtrukket, None),
            (m.note, None),
        )
        for k, (vaerdi, decimaler) in enumerate(vaerdier, start=1):
            skriv(ark.cell(row=r, column=k), vaerdi, decimaler)
    ark.freeze_panes = "A2"
    ark.auto_filter.ref = f"A1:{get_column_letter(len(EKSPORT_KOLONNER))}{max(ark.max_row, 2)}"
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()
