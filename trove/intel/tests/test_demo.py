import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from trove.intel.demo import seed_demo_data
from trove.intel.models import Proceeding, ProceedingStage, Stage, Tip, TipStatus


@pytest.mark.django_db
# The demo users' passwords are hashed with the fast test hasher: Argon2 would take most of the test's time.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_has_tips_to_handle_and_a_proceeding_up_to_a_mobile_trial_in_2026():
    # Only this app's demo after the core's agencies, users and cases: the other apps' demos have their own tests.
    with mock.patch("trove.core.demo.seed_app_demos", seed_demo_data):
        call_command("seed_demo", stdout=StringIO())
    tips = list(Tip.objects.select_related("owner_agency"))
    overdue = [t for t in tips if t.status == TipStatus.RECEIVED and t.classification_overdue]
    assert len(overdue) == 1 and overdue[0].source == "hotline"
    passed = Tip.objects.get(outcome="passed_to_investigation")
    assert passed.source == "citizen" and passed.links.filter(kind="proceeding").exists()
    proceeding = Proceeding.objects.get()
    assert proceeding.stage == Stage.FIRST_INSTANCE and proceeding.owner_agency.name == "Công an tỉnh Đồng Tháp"
    trial = ProceedingStage.objects.get(stage=Stage.FIRST_INSTANCE)
    assert trial.mobile and trial.audience and trial.date.year == 2026
    assert trial.agency.name == "Tòa án nhân dân tỉnh Đồng Tháp"
    assert ProceedingStage.objects.get(stage=Stage.PROSECUTED).agency.name == "Viện Kiểm sát nhân dân tỉnh Đồng Tháp"
    assert proceeding.victims.count() == 1
    assert proceeding.defendants.get().verdict == "convicted"
    assert all(t.received_at.date() <= datetime.date.today() for t in tips)
    with connection.cursor() as cursor:
        cursor.execute("SELECT informant_name FROM intel_tip WHERE informant_name <> ''")
        assert all("Thử" not in row[0] for row in cursor.fetchall())
