"""Load the default time limits for tips and the Penal Code articles (fixtures/intel_v1.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from trove.intel.loading import load_intel_rules

    load_intel_rules(apps.get_model("intel", "TipTimeLimit"), apps.get_model("intel", "PenalArticle"))


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
