"""The demo seeds support through the actions: funding, this year's estimate, protection, a plan, entries, a refusal
and a hardship application in progress."""

import pytest
from django.core.management import call_command

from trove.support.models import (
    BudgetEstimate,
    FundingSource,
    HardshipApplication,
    RiskAssessment,
    SupportEntry,
    SupportPlan,
    SupportRefusal,
)


@pytest.mark.django_db
def test_the_demo_seeds_support(client):
    call_command("seed_demo", verbosity=0)
    assert FundingSource.objects.count() == 2
    estimate = BudgetEstimate.objects.get()
    assert estimate.owner_agency.name == "Sở Y tế tỉnh Đồng Tháp"
    assert estimate.lines.count() == 5
    assert RiskAssessment.objects.exists() and SupportPlan.objects.exists()
    assert SupportEntry.objects.count() >= 5
    assert SupportRefusal.objects.count() == 1
    assert HardshipApplication.objects.get().is_open
