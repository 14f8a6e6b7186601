"""Fill an empty database with the demo settings and sign-ins (trove.core.demo); never touch real data."""

from django.core.management.base import BaseCommand, CommandError

from trove.core.demo import AGENCIES_2026, DEMO_PASSWORD, not_empty_reason, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo agencies (Tân Hồng 2019, Đồng Tháp 2026) and one demo user per role, password 'demo'. "
        "Refuses on a database that already holds agencies or users; with --if-empty it then does nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already holds data (for `make setup`).",
        )

    def handle(self, *args, **options) -> None:
        reason = not_empty_reason()
        if reason:
            if options["if_empty"]:
                self.stdout.write(f"Demo data not loaded: {reason}.")
                return
            raise CommandError(
                f"Refusing to load demo data: {reason}. Demo data goes only into an empty database; "
                "nothing was changed. Use a new database (DATABASE_URL) to try the demo."
            )
        try:
            result = seed_demo()
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {result.agencies} agencies."))
        # Operator output, like Django's own commands: English, with role codes rather than translated labels.
        agency_names = {agency.ref: agency.name for agency in AGENCIES_2026}
        self.stdout.write(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
        for user in result.users:
            self.stdout.write(
                f"  {user.username:<13} {user.role.value:<17} {agency_names[user.agency]} ({user.full_name})"
            )
