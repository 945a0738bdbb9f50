"""CSV and XLSX downloads of the LBF table, from the table's own export values.

Text that a spreadsheet would run as a formula (=, +, -, @) is written as plain text.
The CSV is what Danish Excel opens directly: semicolons, decimal comma, UTF-8 with BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indikatorer.tal import antal_decimaler, formater_tal

FORMEL_START = ("=", "+", "-", "@", "\t", "\r")


def sikker_tekst(tekst: str) -> str:
    return f"'{tekst}" if tekst.startswith(FORMEL_START) else tekst


def som_csv(raekker: Iterable[Sequence]) -> bytes:
    ud = io.StringIO()
    skriver = csv.writer(ud, delimiter=";", lineterminator="\r\n")
    for raekke in raekker:
        skriver.writerow([_csv_celle(v) for v in raekke])
    return ("\ufeff" + ud.getvalue()).encode("utf-8")


def _csv_celle(vaerdi) -> str:
    if vaerdi is None:
        return ""
    if isinstance(vaerdi, Decimal):
        return formater_tal(vaerdi, antal_decimaler(vaerdi)).replace(".", "")
    return sikker_tekst(str(vaerdi))


def som_xlsx(raekker: Iterable[Sequence], *, ark: str, titel: str) -> bytes:
    bog = Workbook()
    arket = bog.active
    arket.title = ark[:31]
    bog.properties.title = titel
    bog.properties.language = "da-DK"
    bredder: dict[int, int] = {}
    for r_nr, raekke in enumerate(raekker, start=1):
        for k_nr, vaerdi in enumerate(raekke, start=1):
            celle = arket.cell(row=r_nr, column=k_nr)
            if isinstance(vaerdi, Decimal):
                celle.value = vaerdi
                decimaler = antal_decimaler(vaerdi)
                celle.number_format = "0" if not decimaler else "0." + "0" * decimaler
            elif vaerdi is not None and vaerdi != "":
                celle.value = sikker_tekst(str(vaerdi))
                celle.data_type = "s"
            if r_nr == 1:
                celle.font = Font(bold=True)
            bredder[k_nr] = max(bredder.get(k_nr, 0), len(str(vaerdi or "")))
    for k_nr, bredde in bredder.items():
        arket.column_dimensions[get_column_letter(k_nr)].width = min(max(bredde + 2, 10), 60)
    arket.freeze_panes = "A2"
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()
