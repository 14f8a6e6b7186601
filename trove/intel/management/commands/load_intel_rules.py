"""``manage.py load_intel_rules``: add the time limits for tips and the Penal Code articles that the fixture ships
and the database lacks; rows already there (and an administrator's edits) are kept."""

from django.core.management.base import BaseCommand

from trove.intel.loading import load_intel_rules


class Command(BaseCommand):
    help = "Load the default time limits for tips and the Penal Code articles on trafficking (safe to run again)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(load_intel_rules())
