"""Danish numbers as the delaftaler write them: 11,3 %, 60,87 %, 47, 1.234.

A baseline keeps the precision it was given (56,20 stays 56,20), so a value
travels with its number of decimals. `fortolk_tal` is the only way typed or imported
text becomes a number, so the admin, the grid and Excel agree on what »1.500« means.
"""

import re
from decimal import Decimal

NBSP = "\u00a0"
MAKS_DECIMALER = 4

TAL_BESKED = "Skriv et tal, fx 11,3 eller 47."
KOMMA_BESKED = "Brug komma som decimaltegn, fx 1,5."

# A point or a space only ever groups thousands: »1.500« is fifteen hundred, and »1.5«,
# »11.3.4« or »0.500« are refused rather than guessed at.
_DANSK_TAL = re.compile(
    r"(?P<fortegn>[+-]?)"
    r"(?P<heltal>\d+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+)?"
    r"(?:,(?P<brok>\d+))?",
    re.ASCII,
)
_LIGNER_PUNKTUM_TAL = re.compile(r"[+-]?[\d.,]*\.[\d.,]*", re.ASCII)


class UgyldigtTal(ValueError):
    """Text that is not a Danish number; the message is the Danish one to show."""

    def __init__(self, besked: str = TAL_BESKED, *, komma: bool = False) -> None:
        super().__init__(besked)
        self.komma = komma


def fortolk_tal(tekst: str) -> Decimal:
    """Read '11,3', '11,3 %', '1.234,5', '1.500' or '56,20' and keep the decimals given."""
    renset = (
        tekst.replace(NBSP, " ").replace("\u202f", " ").replace("\u2212", "-").strip()
    ).removesuffix("%")
    renset = renset.strip()
    if not renset:
        raise UgyldigtTal("Tomt tal.")
    fundet = _DANSK_TAL.fullmatch(renset)
    if fundet is None or not (fundet["heltal"] or fundet["brok"]):
        if _LIGNER_PUNKTUM_TAL.fullmatch(renset):
            raise UgyldigtTal(KOMMA_BESKED, komma=True)
        raise UgyldigtTal(TAL_BESKED)
    heltal = re.sub(r"[. ]", "", fundet["heltal"] or "0")
    brok = f".{fundet['brok']}" if fundet["brok"] else ""
    return Decimal(f"{fundet['fortegn']}{heltal}{brok}")


MAKS_ANTAL = 10**9 - 1  # what a PositiveIntegerField holds on every database


def som_antal(tal: Decimal) -> int | None:
    """A number read as a count of persons or things: whole, 0 to MAKS_ANTAL; else None."""
    if tal < 0 or tal != tal.to_integral_value() or tal > MAKS_ANTAL:
        return None
    return int(tal)


def antal_decimaler(tal: Decimal) -> int:
    eksponent = tal.as_tuple().exponent
    return max(0, -eksponent) if isinstance(eksponent, int) else 0


def med_decimaler(tal: Decimal | None, decimaler: int) -> Decimal | None:
    """The number rounded to exactly this many decimals (56.2000 with 2 -> 56.20)."""
    return None if tal is None else tal.quantize(Decimal(1).scaleb(-decimaler))


def formater_tal(tal: Decimal, decimaler: int) -> str:
    """Format with exactly the given decimals, decimal comma and thousands dot."""
    afrundet = med_decimaler(tal, decimaler)
    heltal, _, brok = f"{abs(afrundet):f}".partition(".")
    grupper = []
    while len(heltal) > 3:
        grupper.insert(0, heltal[-3:])
        heltal = heltal[:-3]
    grupper.insert(0, heltal)
    tekst = ".".join(grupper) + (f",{brok}" if brok else "")
    return f"-{tekst}" if afrundet < 0 else tekst
