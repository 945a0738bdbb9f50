"""A baseline or measurement period: a year (2019) or a month of a year (aug. 2021).

Stored as sortable text, 'YYYY' or 'YYYY-MM', so one unique constraint covers both.
"""

import re

MAANEDER = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
KORTE_MAANEDER = [
    "jan",
    "feb",
    "mar",
    "apr",
    "maj",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
]

PERIODE_REGEX = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$"
MIN_AAR, MAKS_AAR = 1990, 2100


class UgyldigPeriode(ValueError):
    pass


def fortolk_periode(tekst: str) -> str:
    """Accept '2019', '2021-08', 'Aug 2021', 'august 2021', '08.2021' or '8/2021'."""
    renset = tekst.strip().lower().replace(".", " ").replace("/", " ").replace("-", " ")
    dele = renset.split()
    aar = maaned = None
    if len(dele) == 1 and dele[0].isdigit():
        aar = int(dele[0])
    elif len(dele) == 2:
        foerste, anden = dele
        if foerste.isdigit() and anden.isdigit():
            aar, maaned = (
                (int(foerste), int(anden)) if len(foerste) == 4 else (int(anden), int(foerste))
            )
        elif anden.isdigit():
            aar, maaned = int(anden), _maaned_fra_navn(foerste)
    if (
        aar is None
        or not (MIN_AAR <= aar <= MAKS_AAR)
        or (maaned is not None and not 1 <= maaned <= 12)
    ):
        raise UgyldigPeriode(
            f"»{tekst}« er ikke en gyldig periode. Skriv et år (2019) eller måned og år (aug 2021)."
        )
    return f"{aar:04d}" if maaned is None else f"{aar:04d}-{maaned:02d}"


def _maaned_fra_navn(navn: str) -> int | None:
    for nummer, (fuldt, kort) in enumerate(zip(MAANEDER, KORTE_MAANEDER, strict=True), start=1):
        if navn in (fuldt, kort) or (len(navn) >= 3 and fuldt.startswith(navn)):
            return nummer
    return None


def formater_periode(periode: str) -> str:
    if not re.match(PERIODE_REGEX, periode or ""):
        return periode or ""
    aar, _, maaned = periode.partition("-")
    if not maaned:
        return aar
    kort, fuldt = KORTE_MAANEDER[int(maaned) - 1], MAANEDER[int(maaned) - 1]
    return f"{kort}{'' if kort == fuldt else '.'} {aar}"


def periode_aar(periode: str) -> int | None:
    return int(periode[:4]) if re.match(PERIODE_REGEX, periode or "") else None
