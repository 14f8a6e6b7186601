from django.core.management.base import BaseCommand

from trove.geo.loading import load_units


class Command(BaseCommand):
    help = "Load the legacy and 2025 administrative units and the succession between them (safe to run again)."

    def handle(self, *args, **options) -> None:
        report = load_units()
        if options["verbosity"] > 0:
            self.stdout.write(str(report))
