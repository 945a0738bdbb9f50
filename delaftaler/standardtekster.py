"""LBF's standard texts for a new delaftale, in one place.

Source: Landsbyggefondens skabelon for delaftaler, as the two real delaftaler built on it
render it (``/work/shared/seeds``: 000, Vejle_21_25 Beskæftigelse, and 002, Viborg
Beskæftigelse; both carry the template's fixed wording verbatim).

Three kinds of text:

- ``INDLEDNING``, ``DELMAAL_INDLEDNING``, ``AKTIVITETER_INDLEDNING`` and
  ``REVISION_INDLEDNING``: the template's fixed introductions. Every delaftale carries them
  unchanged, so they are no fields: the page and the PDF print them
  (``templates/delaftaler/_delaftale.html``; a test keeps the two in step).
- ``REVISION``: the standard paragraph under »Revision af delaftalen«, the revision rule
  this app's workflow implements (administrative changes by the sekretariatsleder, faglige
  ones approved by the bestyrelse), worded as in Vejle_21_25. A new delaftale starts with
  it; the secretariat may rewrite it.
- ``VEJLEDNING``: what the secretariat writes itself (medarbejderressourcer, sammenhæng
  med den kommunale indsats). The template leaves these to the local parties; a new
  delaftale starts with a short guide in each, and the draft page's checklist
  (publicering/mangler.py) counts a text still reading as its guide as not written.

All rich text is already as the rich-text fields store it (paragraphs only; see
``lib/richtext``), so what is saved is exactly what is written here.
"""

from __future__ import annotations

INDLEDNING = (
    "Bestyrelsen for den boligsociale indsats har ansvar for, at denne delaftale til hver "
    "en tid understøtter de overordnede mål i den strategiske samarbejdsaftale. "
    "Delaftalerne er således bilag til den strategiske aftale og skal altid ses i "
    "sammenhæng hermed.",
    "Bestyrelsen har ligeledes ansvar for, at delaftalen til hver en tid afspejler de "
    "aktiviteter og samarbejder, der gennemføres i boligområdet.",
)
DELMAAL_INDLEDNING = (
    "Delmål skal forstås som »skridt på vejen« til at opnå de overordnede mål jf. den "
    "strategiske aftale. Indikatorer er variable, der bruges til at vise, om delmålene "
    "opnås. Delaftalens parter og bestyrelsen har ansvar for løbende at følge op på "
    "delmålene."
)
AKTIVITETER_INDLEDNING = (
    "Aktiviteter, som skal bidrage til indfrielsen af delmålene for indsatsområdet og "
    "understøtte opnåelsen af de overordnede mål jf. den strategiske samarbejdsaftale:"
)
REVISION_INDLEDNING = (
    "Eventuelle reviderede aftaler skal ikke fremsendes til Landsbyggefonden, men fonden "
    "skal om nødvendigt til enhver tid kunne rekvirere ajourførte delaftaler."
)

REVISION = (
    "<p>Det aftales, at revideringer (som fx ændringer i kredsen af samarbejdspartnere, "
    "kontaktoplysninger osv.), kan ændres løbende af sekretariatslederen i samarbejde med de "
    "relevante aktører.</p>"
    "<p>Faglige ændringer i fx målgruppe eller aktivitetsform, sendes skriftligt til "
    "godkendelse i den boligsociale bestyrelse. En aktuel og opdateret delaftale skal til "
    "enhver tid være tilgængelig for LBF.</p>"
)

VEJLEDNING = {
    "medarbejderressourcer": (
        "<p>Skriv, hvilke medarbejderressourcer der er afsat til indsatsområdet, fx »2 "
        "boligsociale medarbejdere 100 %« eller timer pr. uge pr. aktivitet, og hvilke "
        "kommunale ressourcer der understøtter dem.</p>"
    ),
    "kommunal_sammenhaeng": (
        "<p>Beskriv sammenhængen med den kommunale indsats i boligområdet: hvordan "
        "delaftalen spiller sammen med kommunens egne indsatser og mål, fx kommunens "
        "beskæftigelsesplan.</p>"
    ),
}

# The fields of a new delaftale started from the standard texts.
FELTER = {
    "ansvarlige": "",
    "aktiviteter_indledning": "",
    "medarbejderressourcer": VEJLEDNING["medarbejderressourcer"],
    "kommunal_sammenhaeng": VEJLEDNING["kommunal_sammenhaeng"],
    "kommunale_maalsaetninger": "",
    "revision": REVISION,
}


def er_uskrevet(felt: str, tekst: str) -> bool:
    """Is this required text still empty, or still the guide it started with?"""
    return not (tekst or "").strip() or tekst == VEJLEDNING.get(felt)
