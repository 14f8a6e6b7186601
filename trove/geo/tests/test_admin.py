import pytest
from django.contrib import admin
from django.test import RequestFactory

from trove.geo.admin import AdminUnitAdmin
from trove.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_it_searches_units_in_the_admin_without_diacritics():
    model_admin = AdminUnitAdmin(AdminUnit, admin.site)
    request = RequestFactory().get("/admin/geo/adminunit/")
    for term in ["Tân Hộ Cơ", "tan ho co"]:
        units, _ = model_admin.get_search_results(request, AdminUnit.objects.all(), term)
        assert {"2025:29929", "legacy:29929"} <= {u.key for u in units}


def test_it_keeps_reference_data_read_only_in_the_admin():
    request = RequestFactory().get("/admin/")
    model_admin = AdminUnitAdmin(AdminUnit, admin.site)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
