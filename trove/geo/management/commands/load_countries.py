from django.core.management.base import BaseCommand

from trove.geo.loading import load_countries


class Command(BaseCommand):
    help = "Load the ISO 3166-1 countries with Vietnamese and English names (safe to run again)."

    def handle(self, *args, **options) -> None:
        report = load_countries()
        if options["verbosity"] > 0:
            self.stdout.write(str(report))
