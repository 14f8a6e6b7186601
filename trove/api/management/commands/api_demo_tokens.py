"""Print API tokens for demo users (a demo database only), e.g. to try the API or to fuzz it:

    manage.py api_demo_tokens intake supervisor outsider
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from trove.api.actions import demo_token_create


class Command(BaseCommand):
    help = "Create API tokens for demo users of a demo database and print them, one 'username token' a line."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--days", type=int, default=1)

    def handle(self, *args, usernames, read_only, days, **options):
        for username in usernames:
            try:
                new = demo_token_create(username=username, read_only=read_only, lifetime_days=days)
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{username} {new.secret}")
