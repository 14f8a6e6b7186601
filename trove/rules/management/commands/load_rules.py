from django.core.management.base import BaseCommand

from trove.rules.loading import load_rules


class Command(BaseCommand):
    help = (
        "Load the legal regimes, procedure steps, identification grounds and holidays from trove/rules/fixtures "
        "(safe to run again; time limits and other values an administrator changed are kept)."
    )

    def handle(self, *args, **options) -> None:
        report = load_rules()
        if options["verbosity"] > 0:
            self.stdout.write(str(report))
