from django.db import migrations

LBF_INDSATSOMRAADER = [
    ("Beskæftigelse", "beskaeftigelse", True),
    ("Uddannelse og livschancer", "uddannelse-og-livschancer", True),
    ("Kriminalitetsforebyggelse", "kriminalitetsforebyggelse", True),
    ("Sammenhængskraft og medborgerskab", "sammenhaengskraft-og-medborgerskab", True),
    ("Tryghed og trivsel", "tryghed-og-trivsel", False),
    ("Forebyggelse og forældreansvar", "forebyggelse-og-foraeldreansvar", False),
]


def opret(apps, schema_editor):
    Indsatsomraade = apps.get_model("delaftaler", "Indsatsomraade")
    for raekkefoelge, (navn, slug, aktiv) in enumerate(LBF_INDSATSOMRAADER, start=1):
        Indsatsomraade.objects.get_or_create(
            slug=slug, defaults={"navn": navn, "aktiv": aktiv, "raekkefoelge": raekkefoelge}
        )


class Migration(migrations.Migration):
    dependencies = [("delaftaler", "0001_initial")]
    operations = [migrations.RunPython(opret, migrations.RunPython.noop)]
