from django.db import migrations


def load(apps, schema_editor):
    from trove.referrals.loading import load_referral_rules

    load_referral_rules(1, get_model=lambda name: apps.get_model("referrals", name))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
