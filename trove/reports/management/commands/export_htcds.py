"""``manage.py export_htcds --format json|csv --out FILE [--pseudonymised] --user USERNAME --reason TEXT
[--period 2026] [--place 2025:82] [--units today|time]``: case data in HTCDS v2.0 field and value names
(``trove.reports.htcds``), for the cases the user may export. An identifiable export needs the user's
``export.identifiable`` permission and a reason; every export is audited under the user's name."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from trove.core.models import User
from trove.geo.models import AdminUnit
from trove.reports import actions
from trove.reports.periods import parse_period
from trove.reports.places import Place, UnitsOption, check_place


class Command(BaseCommand):
    help = "Export case data in HTCDS v2.0 (JSON or CSV), identifiable or pseudonymised."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", required=True, choices=actions.HTCDS_FORMATS)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--pseudonymised", action="store_true",
                            help="leave identity out and replace each case and person by a stable pseudonym")
        parser.add_argument("--user", required=True, help="the username the export is made for (and audited under)")
        parser.add_argument("--reason", default="", help="why the data are exported (required when identifiable)")
        parser.add_argument("--period", default="", help="cases received in 2026, 2026-Q1, … (default: all)")
        parser.add_argument("--place", default="", help="a unit key such as 2025:82 (default: all the user may see)")
        parser.add_argument("--units", default=UnitsOption.TODAY, choices=UnitsOption.values)

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            period = parse_period(options["period"]) if options["period"] else None
            place = None
            if options["place"]:
                unit = AdminUnit.objects.by_key(options["place"])
                if period is not None:
                    check_place(unit, options["units"], period)
                place = Place(unit, options["units"])
            exported = actions.export_htcds(acting_user=user, file_format=options["format"],
                                            pseudonymised=options["pseudonymised"], reason=options["reason"],
                                            period=period, place=place, background=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except (PermissionDenied, Http404) as error:
            raise CommandError(str(error) or f"{user.username} may not export these data.") from None
        except (AdminUnit.DoesNotExist, ValueError):
            raise CommandError(f"No administrative unit {options['place']!r}: give a key such as 2025:82.") from None
        options["out"].write_bytes(exported.content)
        self.stdout.write(f"{exported.records} cases written to {options['out']}")
