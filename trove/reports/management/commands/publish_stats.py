"""``manage.py publish_stats --period 2026 --out DIR [--place 2025:82] [--units today|time]``: the tables for
publication as CSV files (and a README), safe to publish: no number in them describes fewer than 11 people
(``trove.reports.publication``). Without ``--place`` the tables cover the whole country. Audited."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trove.geo.models import AdminUnit
from trove.reports import actions
from trove.reports.periods import parse_period
from trove.reports.places import Place, UnitsOption, check_place


class Command(BaseCommand):
    help = "Write the statistics tables for publication (k-anonymous, k = 11) as CSV files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True,
                            help="2026, 2026-H1, 2026-Q3, 2026-03 or 2026-01-01..2026-03-31")
        parser.add_argument("--out", required=True, type=Path, help="the directory to write the files into")
        parser.add_argument("--place", default="", help="a unit key such as 2025:82 (default: the whole country)")
        parser.add_argument("--units", default=UnitsOption.TODAY, choices=UnitsOption.values)

    def handle(self, *args, period: str, out: Path, place: str, units: str, **options) -> None:
        try:
            chosen = parse_period(period)
            unit = AdminUnit.objects.by_key(place) if place else None
            check_place(unit, units, chosen)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except (AdminUnit.DoesNotExist, ValueError):
            raise CommandError(f"No administrative unit {place!r}: give a key such as 2025:82.") from None
        written = actions.publish_to_directory(period=chosen, place=Place(unit, units), directory=out)
        self.stdout.write(f"{len(written)} files written to {out}")
