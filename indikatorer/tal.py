"""Danish numbers as the delaftaler write them: 11,3 %, 60,87 %, 47, 1.234.

A baseline keeps the precision it was given (56,20 stays 56,20), so a value
travels with its number of decimals.
"""

from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"
MAKS_DECIMALER = 4


class UgyldigtTal(ValueError):
    pass


def fortolk_tal(tekst: str) -> Decimal:
    """Read '11,3', '11,3 %', '1.234,5', '17.08' or '56,20' and keep the decimals given."""
    renset = tekst.strip().replace(NBSP, "").replace(" ", "").removesuffix("%")
    if not renset:
        raise UgyldigtTal("Tomt tal.")
    if "," in renset:
        renset = renset.replace(".", "").replace(",", ".")
    elif renset.count(".") > 1:
        renset = renset.replace(".", "")
    try:
        tal = Decimal(renset)
    except InvalidOperation as exc:
        raise UgyldigtTal(f"»{tekst}« er ikke et tal.") from exc
    if not tal.is_finite():
        raise UgyldigtTal(f"»{tekst}« er ikke et tal.")
    return tal


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
