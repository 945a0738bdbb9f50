import datetime
from decimal import Decimal

import factory

from aktiviteter.models import Aktivitet
from delaftaler.models import Boligomraade, Delaftale, Delmaal, Helhedsplan, Indsatsomraade, Part
from indikatorer.models import Baseline, Indikator


class HelhedsplanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Helhedsplan

    navn = factory.Sequence(lambda n: f"Byen_{n:02d}_25")
    slug = factory.LazyAttribute(lambda o: o.navn.lower().replace("_", "-"))
    kommune = "Byen Kommune"
    gyldig_fra = datetime.date(2021, 12, 1)
    gyldig_til = datetime.date(2025, 11, 30)


class BoligomraadeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Boligomraade

    helhedsplan = factory.SubFactory(HelhedsplanFactory)
    navn = factory.Sequence(lambda n: f"Område {n}")


def indsatsomraade(navn: str = "Beskæftigelse") -> Indsatsomraade:
    return Indsatsomraade.objects.get(navn=navn)


class DelaftaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delaftale

    helhedsplan = factory.SubFactory(HelhedsplanFactory)
    indsatsomraade = factory.LazyFunction(indsatsomraade)
    gyldig_fra = datetime.date(2021, 12, 1)
    gyldig_til = datetime.date(2025, 11, 30)
    medarbejderressourcer = "<p>2 boligsociale medarbejdere 100 %</p>"
    kommunal_sammenhaeng = "<p>Tæt samarbejde med jobcentret.</p>"
    revision = "<p>Faglige ændringer godkendes af bestyrelsen.</p>"


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    delaftale = factory.SubFactory(DelaftaleFactory)
    navn = "Daniel Bomholt"
    titel = "arbejdsmarkedschef"


class DelmaalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delmaal

    delaftale = factory.SubFactory(DelaftaleFactory)
    tekst = factory.Sequence(lambda n: f"Flere beboere i job ({n})")


class IndikatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indikator

    delmaal = factory.SubFactory(DelmaalFactory)
    navn = factory.Sequence(lambda n: f"Andel i beskæftigelse {n}, 18-64 år")
    enhed = Indikator.Enhed.PROCENT
    datakilde = "LBF Beboerdata"


class BaselineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baseline

    indikator = factory.SubFactory(IndikatorFactory)
    boligomraade = factory.LazyAttribute(
        lambda o: BoligomraadeFactory(helhedsplan=o.indikator.delmaal.delaftale.helhedsplan)
    )
    vaerdi = Decimal("11.3")
    vaerdi_decimaler = 1
    periode = "2019"


class AktivitetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aktivitet

    delaftale = factory.SubFactory(DelaftaleFactory)
    navn = factory.Sequence(lambda n: f"Jobsamtaletræning {n}")
    formaal = "<p>At styrke tilknytningen til arbejdsmarkedet.</p>"
    maalgrupper = "<p>Beboere 17-67 år uden for arbejdsmarkedet.</p>"
    indhold_og_praksis = "<p>Samtaler med virksomhedsledere.</p>"
    ansvar_og_roller = "<p>Jobcentret og helhedsplanen i fællesskab.</p>"


def _rollebruger(brugernavn: str, gruppe: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    bruger, oprettet = get_user_model().objects.get_or_create(
        username=brugernavn, defaults={"is_staff": True}
    )
    if oprettet:
        bruger.groups.add(Group.objects.get(name=gruppe))
    return bruger


def publicer(delaftale: Delaftale):
    """Publish the draft as it stands, through the real workflow: the first version, an
    administrative change by a sekretariatsleder, or a faglig one approved by the board."""
    from delaftaler.publicering import services as publicering
    from delaftaler.roller import BESTYRELSE, LEDER

    if not delaftale.versioner.exists():
        return publicering.version_foerste(delaftale=delaftale)
    leder = _rollebruger("test-leder", LEDER)
    udkast = publicering.udkast_for(delaftale)
    if not udkast.er_faglig:
        return publicering.version_publicer(delaftale=delaftale, bruger=leder)
    indstilling = publicering.udkast_indstil(delaftale=delaftale, bruger=leder)
    return publicering.indstilling_godkend(
        indstilling=indstilling, bruger=_rollebruger("test-bestyrelse", BESTYRELSE)
    )


def fuldstaendig_delaftale(**felter) -> Delaftale:
    """A new delaftale with nothing missing before the board may see it (the draft page's
    checklist, publicering/mangler.py): a part, a delmål with an indikator and its
    baseline, and an aktivitet serving the delmål."""
    delaftale = DelaftaleFactory(**felter)
    PartFactory(delaftale=delaftale)
    delmaal = DelmaalFactory(delaftale=delaftale)
    BaselineFactory(indikator=IndikatorFactory(delmaal=delmaal))
    AktivitetFactory(delaftale=delaftale).delmaal.add(delmaal)
    return delaftale
