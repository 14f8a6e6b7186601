"""Load every app's reference data: what a new installation, `make setup` and the test session need.

Each loader compares and writes only the difference, so running this again after a package upgrade is safe. An app
that gains reference data adds its loader to LOADERS.
"""

import time
from collections.abc import Callable

from django.core.management.base import BaseCommand

from trove.documents.loading import load_document_templates
from trove.geo.loading import load_countries, load_units
from trove.intel.loading import load_intel_rules
from trove.privacy.loading import load_response_rules
from trove.referrals.loading import load_referral_rules
from trove.rules.loading import load_rules

LOADERS: list[tuple[str, Callable[[], object]]] = [
    ("units", load_units),
    ("countries", load_countries),
    ("rules", load_rules),
    ("document_templates", load_document_templates),
    ("privacy_rules", load_response_rules),
    # Also loaded by these apps' migrations; here too so that a flushed database (transactional tests) gets them back.
    ("referral_rules", load_referral_rules),
    ("intel_rules", load_intel_rules),
]


class Command(BaseCommand):
    help = "Load all reference data (administrative units, countries, …); safe to run again."

    def handle(self, *args, **options) -> None:
        for name, loader in LOADERS:
            started = time.monotonic()
            report = loader()
            if options["verbosity"] > 0:
                self.stdout.write(f"{name} ({time.monotonic() - started:.1f}s): {report}")
