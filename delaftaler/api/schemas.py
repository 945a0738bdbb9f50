"""What the API answers, as OpenAPI 3 schemas (pydantic via django-ninja).

Field names are the models' Danish ones. Numbers are strings with exactly the decimals
they were stored with (Decimal("11.3") with one decimal → "11.3", 56.2 stored with two →
"56.20"), so no client rounds them through a float; dates and times are ISO 8601.
"""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field

TAL = (
    'Tallet som tekst med præcis de decimaler, det blev registreret med (fx "11.3", '
    '"56.20"); null når det ikke er registreret, eller når diskretionsreglen skjuler det.'
)
SKJULT = (
    "Hvorfor tallet ikke vises: »<5« (bygger på færre personer end helhedsplanens "
    "mindste antal) eller »Skjult« (et skjult tal kunne ellers regnes ud af det); tom når "
    "tallet vises."
)


class Fejl(Schema):
    fejl: str = Field(description="Hvad der gik galt, på dansk.")
    detaljer: list[dict] | None = Field(None, description="De ugyldige parametre, hvis nogen.")


class Boligomraade(Schema):
    id: int
    navn: str
    afdelinger: str


class Helhedsplan(Schema):
    id: int
    slug: str
    navn: str
    kommune: str
    gyldig_fra: datetime.date
    gyldig_til: datetime.date
    mindste_antal: int = Field(description="Diskretionsgrænsen: tal om færre personer skjules.")
    boligomraader: list[Boligomraade]


class Side(Schema):
    antal: int = Field(description="Antal resultater i alt.")
    side: int
    pr_side: int
    sider: int


class HelhedsplanSide(Side):
    resultater: list[Helhedsplan]


class Version(Schema):
    nummer: int
    publiceret: datetime.datetime
    art: str = Field(description="foerste, administrativ eller faglig.")
    art_tekst: str
    godkendt: datetime.datetime | None = Field(description="Godkendt af bestyrelsen.")
    fagligt_godkendt: datetime.datetime | None = Field(
        description="Hvornår bestyrelsen sidst godkendte indholdet fagligt."
    )
    fagligt_godkendt_moede: datetime.date | None = Field(
        description="Bestyrelsesmødet, der godkendte indholdet, hvis registreret."
    )
    administrativt_aendret: datetime.datetime | None


class Delaftale(Schema):
    id: int
    helhedsplan: str = Field(description="Helhedsplanens slug.")
    indsatsomraade: str
    indsatsomraade_slug: str
    gaeldende_version: Version


class DelaftaleSide(Side):
    resultater: list[Delaftale]


class Sted(Schema):
    id: int
    navn: str


class Baseline(Schema):
    id: int
    boligomraade: Sted | None
    maalgruppe: str
    samlet_for: list[int] = Field(description="Boligområder (id), et samlet tal er opgjort for.")
    vaerdi: str | None = Field(description=TAL)
    skjult: str = Field(description=SKJULT)
    afventer: bool = Field(description="Baselinen afventer data.")
    periode: str
    datakilde: str
    sammenligning: str | None = Field(description=TAL)
    sammenligning_label: str


class Indikator(Schema):
    id: int
    navn: str
    enhed: str = Field(description="procent, antal eller andet.")
    enhed_tekst: str
    retning: str = Field(description="Hvilken vej er bedst: hoejere eller lavere.")
    lbf_standard: bool = Field(description="En af LBF's standardindikatorer.")
    ikke_personer: bool = Field(description="Tæller hændelser, ikke personer (ingen diskretion).")
    maalgruppe: str
    datakilde: str
    baselines: list[Baseline]


class Delmaal(Schema):
    id: int
    tekst: str
    indikatorer: list[Indikator]


class Aktivitet(Schema):
    id: int
    navn: str
    formaal: str = Field(description="HTML.")
    maalgrupper: str = Field(description="HTML.")
    indhold_og_praksis: str = Field(description="HTML.")
    ansvar_og_roller: str = Field(description="HTML.")
    ressourceestimat: str
    delmaal: list[int] = Field(description="De delmål (id), aktiviteten bidrager til.")


class DelaftaleIndhold(Schema):
    """A published version's content, from its frozen snapshot."""

    id: int
    helhedsplan: str
    indsatsomraade: str
    indsatsomraade_slug: str
    version: Version
    gyldig_fra: datetime.date
    gyldig_til: datetime.date
    boligomraader: list[Boligomraade]
    delmaal: list[Delmaal]
    aktiviteter: list[Aktivitet]


class Opfoelgning(Schema):
    aar: int
    godkendt: datetime.datetime | None = Field(description="Bestyrelsens seneste godkendelse.")


class Vaerdi(Schema):
    aar: int
    vaerdi: str | None = Field(description=TAL)
    skjult: str = Field(description=SKJULT)
    ikke_tilgaengelig: bool
    periode: str | None = Field(description="Målingens periode (år eller ÅÅÅÅ-MM).")


class Aendring(Schema):
    forskel: str = Field(
        description="Ændringen siden baseline (procentpoint for procent), med fortegn."
    )
    vurdering: str = Field(description="bedre, vaerre eller uaendret efter retningen.")


class StedRaekke(Schema):
    sted: str
    boligomraade_id: int | None
    baseline: str | None = Field(description=TAL)
    baseline_skjult: str = Field(description=SKJULT)
    vaerdier: list[Vaerdi] = Field(description="Godkendte års værdier, ældste først.")
    aendring: Aendring | None
    aendring_skjult: str = Field(description=SKJULT)


class IndikatorOpfoelgning(Schema):
    id: int
    navn: str
    enhed: str
    retning: str
    steder: list[StedRaekke]


class DelmaalOpfoelgning(Schema):
    id: int
    tekst: str
    status: str = Field(description="paa_rette_vej, delvist, ikke eller ikke_vurderet.")
    status_tekst: str
    vurdering: str
    indikatorer: list[IndikatorOpfoelgning]


class AktivitetOpfoelgning(Schema):
    id: int
    navn: str
    udfoert: str = Field(description="HTML.")
    antal_naaet: int | None
    justeringer: str = Field(description="HTML.")
    fokus_naeste_aar: str = Field(description="HTML.")


class OpfoelgningIndhold(Schema):
    delaftale: int
    aar: int
    godkendt: datetime.datetime | None
    aarene: list[int] = Field(description="De godkendte år, værdierne vises for.")
    delmaal: list[DelmaalOpfoelgning]
    aktiviteter: list[AktivitetOpfoelgning]
