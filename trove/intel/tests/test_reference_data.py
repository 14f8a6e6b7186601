from io import StringIO

from django.core.management import call_command

from trove.intel.models import PenalArticle, TipTimeLimit
from trove.intel.tests.helpers import IntelTestCase


class ReferenceDataTests(IntelTestCase):
    def test_the_defaults_are_loaded_with_citations_and_a_reload_keeps_an_administrators_edit(self):
        self.assertEqual(set(TipTimeLimit.objects.values_list("kind", flat=True)), {"classification", "handling"})
        self.assertTrue(all(row.citation and not row.confirmed_by_law for row in TipTimeLimit.objects.all()))
        self.assertEqual(set(PenalArticle.objects.values_list("article", flat=True)), {"150", "151"})
        self.assertTrue(all("12/2017/QH14" in a.citation for a in PenalArticle.objects.all()))
        TipTimeLimit.objects.filter(code="tip-classification").update(days=5)
        PenalArticle.objects.filter(article="151").delete()
        out = StringIO()
        call_command("load_intel_rules", stdout=out)
        self.assertIn("PenalArticle: 1 created", out.getvalue())
        self.assertEqual(TipTimeLimit.objects.get(code="tip-classification").days, 5)
        self.assertTrue(PenalArticle.objects.filter(article="151").exists())
