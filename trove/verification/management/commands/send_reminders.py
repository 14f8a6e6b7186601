from django.core.management.base import BaseCommand

from trove.verification.reminders import send_reminders


class Command(BaseCommand):
    help = ("Notify (in the app and by e-mail) the people responsible for verification steps due within --days days "
            "or overdue, and for requests past their due date. Safe to run more than once a day.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=2, help="Remind of steps due within this many days (2).")

    def handle(self, *args, **options) -> None:
        if options["days"] < 0:
            self.stderr.write("--days cannot be negative.")
            raise SystemExit(2)
        run = send_reminders(days=options["days"])
        if options["verbosity"]:
            self.stdout.write(f"{run.notifications} notifications created, {run.emails} e-mails sent.")
