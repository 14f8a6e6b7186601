"""Fuzz the API of a running server on the demo data with schemathesis, as three personas (``make fuzz``):

    manage.py api_fuzz --url http://127.0.0.1:8765 --examples 25

The server and this command must use the same database (DATABASE_URL): the command makes the personas' tokens
(demo users only) and checks every record an answer holds against the access policy. Exits non-zero on a failure.
"""

import time
import urllib.request

import schemathesis
from django.core.management.base import BaseCommand, CommandError

from trove.api.actions import demo_token_create, token_revoke
from trove.api.fuzz import Persona, fuzz
from trove.core.models import User

DEFAULT_PERSONAS = ("intake", "supervisor", "outsider")


def _wait_for(url: str, seconds: int) -> None:
    """Wait until the server answers (it may still be starting), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own server on the loopback address
                return
        except OSError:
            if time.monotonic() > deadline:
                raise CommandError(f"No answer from {url}.") from None
            time.sleep(0.5)


class Command(BaseCommand):
    help = "Run schemathesis against a running server on the demo data, as three personas."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8765", help="The server's base URL.")
        parser.add_argument("--examples", type=int, default=25, help="Examples per operation, mode and persona.")
        parser.add_argument("--persona", action="append", dest="personas", help="A demo username (repeatable).")
        parser.add_argument("--wait", type=int, default=0, help="Seconds to wait for the server to answer.")
        parser.add_argument("--operation", action="append", dest="operations", help="Only operations whose label "
                                                                                   "contains this (repeatable).")

    def handle(self, *args, url, examples, personas, operations, wait, **options):
        base = url.rstrip("/")
        _wait_for(f"{base}/api/v1/openapi.json", wait)
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
        made = []
        for username in personas or DEFAULT_PERSONAS:
            new = demo_token_create(username=username)
            made.append(new.token)
            user = User.objects.get(username=username)
            self.stdout.write(f"persona {username}: token {new.token.prefix}…")
            made_persona = Persona(user=user, token=new.secret)
            report = fuzz(schema, [made_persona], max_examples=examples, base_url=base, operations=operations,
                          log=lambda line: self.stderr.write(line))
            self.stdout.write(f"  {report.runs} operation runs, {len(report.failures)} failed")
            if not report.ok:
                for token in made:
                    token_revoke(acting_user=token.user, token_id=token.pk)
                raise CommandError(f"{username}: {len(report.failures)} failures")
        for token in made:
            token_revoke(acting_user=token.user, token_id=token.pk)
        self.stdout.write(self.style.SUCCESS("No 5xx, every answer as documented, nothing outside a persona's scope."))
