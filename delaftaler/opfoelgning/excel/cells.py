"""One cell of an upload as a Python value, the way a person meant it.

Numbers keep the decimals the cell shows, percent formats are undone, Excel's dates
become months or dates; anything unusable raises `CelleFejl` with a Danish message
that quotes at most `MAKS_VIST_TEKST` characters of the cell.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from indikatorer.periode import UgyldigPeriode, fortolk_periode
from indikatorer.tal import MAKS_DECIMALER, UgyldigtTal, antal_decimaler, fortolk_tal, som_antal

MAKS_VIST_TEKST = 60


class CelleFejl(ValueError):
    pass


def er_tom(vaerdi) -> bool:
    return vaerdi is None or (isinstance(vaerdi, str) and not vaerdi.strip())


def vis(vaerdi) -> str:
    tekst = str(vaerdi).strip()
    return tekst if len(tekst) <= MAKS_VIST_TEKST else tekst[: MAKS_VIST_TEKST - 1] + "…"


def _format_decimaler(fmt: str | None) -> tuple[int | None, bool]:
    """The decimals a number format shows ('0.00' → 2, '#,##0.0 %' → 1) and whether it is a
    percent format. None when the format says nothing (General)."""
    if not fmt or fmt == "General" or fmt == "@":
        return None, False
    del_ = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.split(";")[0])
    procent = "%" in del_
    fundet = re.search(r"[0#?]\.([0#?]+)", del_)
    if fundet:
        return fundet.group(1).count("0") + fundet.group(1).count("?"), procent
    return (0 if re.search(r"[0#?]", del_) else None), procent


def laes_tal(celle) -> Decimal | None:
    vaerdi = celle.value
    if er_tom(vaerdi):
        return None
    if isinstance(vaerdi, bool):
        raise CelleFejl("Skriv et tal, ikke SAND eller FALSK.")
    if isinstance(vaerdi, datetime.datetime | datetime.date | datetime.time):
        raise CelleFejl("Cellen indeholder en dato, ikke et tal. Formatér cellen som tal.")
    if isinstance(vaerdi, str):
        try:
            if len(vaerdi) > 30:
                raise UgyldigtTal()
            tal = fortolk_tal(vaerdi)
        except UgyldigtTal as exc:
            hjaelp = exc if exc.komma else "Skriv fx 11,3 eller 47."
            raise CelleFejl(f"»{vis(vaerdi)}« er ikke et tal. {hjaelp}") from exc
        if antal_decimaler(tal) > MAKS_DECIMALER:
            raise CelleFejl(f"»{vis(vaerdi)}« har flere end {MAKS_DECIMALER} decimaler.")
        return tal
    if isinstance(vaerdi, float):
        if not math.isfinite(vaerdi):
            raise CelleFejl("Cellen indeholder ikke et tal.")
        tal = Decimal(int(vaerdi)) if vaerdi.is_integer() else Decimal(repr(vaerdi))
    elif isinstance(vaerdi, int | Decimal):
        tal = Decimal(vaerdi)
    else:
        raise CelleFejl(f"»{vis(vaerdi)}« er ikke et tal.")
    decimaler, procent = _format_decimaler(getattr(celle, "number_format", None))
    if procent:  # Excel keeps 11,3 % as 0.113 with a percent format
        tal = tal.scaleb(2)
    egne = antal_decimaler(tal)
    if egne > MAKS_DECIMALER:
        if decimaler is None or decimaler > MAKS_DECIMALER:
            raise CelleFejl(
                f"Tallet {vis(vaerdi)} har flere end {MAKS_DECIMALER} decimaler. Afrund det i "
                "Excel, fx med Formatér celler → Tal."
            )
        # A formula's result shown with the cell's decimals: keep what the person sees.
        return tal.quantize(Decimal(1).scaleb(-decimaler), rounding=ROUND_HALF_UP)
    if decimaler is not None and decimaler > egne:
        tal = tal.quantize(Decimal(1).scaleb(-min(decimaler, MAKS_DECIMALER)))
    return tal


def laes_antal(celle) -> int | None:
    """A count of persons (tæller or nævner): a whole number, 0 or more."""
    tal = laes_tal(celle)
    if tal is None:
        return None
    antal = som_antal(tal)
    if antal is None:
        raise CelleFejl(f"»{vis(celle.value)}« er ikke et antal. Skriv et helt tal, fx 47.")
    return antal


def laes_tekst(celle, *, linjer: bool = False) -> str:
    """A text cell; one line unless `linjer` (a note keeps its line breaks)."""
    vaerdi = celle.value
    if er_tom(vaerdi):
        return ""
    if isinstance(vaerdi, float) and vaerdi.is_integer():
        vaerdi = int(vaerdi)
    if isinstance(vaerdi, datetime.datetime | datetime.date):
        vaerdi = f"{vaerdi:%d.%m.%Y}"
    return str(vaerdi).strip() if linjer else " ".join(str(vaerdi).split())


def laes_periode(celle) -> str:
    vaerdi = celle.value
    if er_tom(vaerdi):
        raise CelleFejl("Skriv perioden, fx 2024 eller aug 2024.")
    if isinstance(vaerdi, datetime.datetime | datetime.date):
        # Excel turns »aug 2024« into a date: a month.
        return f"{vaerdi.year:04d}-{vaerdi.month:02d}"
    if isinstance(vaerdi, float) and vaerdi.is_integer():
        vaerdi = int(vaerdi)
    try:
        return fortolk_periode(vis(vaerdi))
    except UgyldigPeriode as exc:
        raise CelleFejl(str(exc)) from exc


JA = {"ja", "j", "x", "1", "true", "sand", "yes"}
NEJ = {"nej", "n", "0", "false", "falsk", "no"}


def laes_ja_nej(celle) -> bool:
    vaerdi = celle.value
    if er_tom(vaerdi):
        return False
    if isinstance(vaerdi, bool):
        return vaerdi
    tekst = str(vaerdi).strip().casefold()
    if tekst in JA:
        return True
    if tekst in NEJ:
        return False
    raise CelleFejl(f"Skriv »Ja«, eller lad cellen være tom (der står »{vis(vaerdi)}«).")


def laes_dato(celle) -> datetime.date | None:
    vaerdi = celle.value
    if er_tom(vaerdi):
        return None
    if isinstance(vaerdi, datetime.datetime):
        return vaerdi.date()
    if isinstance(vaerdi, datetime.date):
        return vaerdi
    tekst = str(vaerdi).strip()
    for fmt in ("%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.datetime.strptime(tekst, fmt).date()
        except ValueError:
            continue
    raise CelleFejl(f"»{vis(vaerdi)}« er ikke en dato. Skriv fx 01.03.2024.")


def laes_heltal(celle) -> int | None:
    vaerdi = celle.value
    if er_tom(vaerdi):
        return None
    try:
        tal = Decimal(str(vaerdi).strip())
    except ArithmeticError as exc:
        raise CelleFejl("Den skjulte id-kolonne er ændret. Hent en ny skabelon.") from exc
    if tal != tal.to_integral_value():
        raise CelleFejl("Den skjulte id-kolonne er ændret. Hent en ny skabelon.")
    return int(tal)
