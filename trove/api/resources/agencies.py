"""The agency directory, as the directory page shows it to any signed-in user (staff lists are not part of it)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from trove.agencies.models import Agency, AgencyType
from trove.agencies.selectors import directory_agencies, find_unit
from trove.api.errors import ERRORS
from trove.api.pagination import paginate
from trove.api.schemas import AgencyRef, Choice, Error, Id, Listing, Page, PageSize, Text, UnitRef, agency_ref, unit_ref

router = Router(tags=["agencies"])
UNIT_FILTER = Query(None, description="A unit key or name: agencies on it or under it.")


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    agency_type: Choice(AgencyType)
    unit: UnitRef
    parent: AgencyRef | None
    phone: str
    email: str
    address: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class AgencyList(Listing):
    results: list[AgencyOut]


def agency_out(agency: Agency) -> dict:
    return {
        "id": agency.pk, "name": agency.name, "short_name": agency.short_name, "agency_type": agency.agency_type,
        "unit": unit_ref(agency.unit), "parent": agency_ref(agency.parent), "phone": agency.phone,
        "email": agency.email, "address": agency.address, "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
    }


@router.get("/agencies", response={200: AgencyList, ERRORS: Error}, summary="The agency directory")
def agency_list(request, q: Text(200) | None = None, agency_type: Choice(AgencyType) | None = None,
                unit: Text(200) | None = UNIT_FILTER,
                include_ended: bool = False, page: Page = 1, page_size: PageSize = 50):
    today = timezone.localdate()
    chosen = None
    if unit:
        chosen = find_unit(unit, on=None if include_ended else today).unit
        if chosen is None:
            raise ValidationError({"unit": [_("No administrative unit matches “%(unit)s”.") % {"unit": unit}]})
    agencies = directory_agencies(query=q or "", agency_type=agency_type or "", unit=chosen,
                                  include_ended=include_ended, day=today)
    found = paginate(request, agencies, page, page_size)
    return found.frame([agency_out(agency) for agency in found.rows])


@router.get("/agencies/{agency_id}", response={200: AgencyOut, ERRORS: Error}, summary="One agency")
def agency_detail(request, agency_id: Id):
    agency = Agency.objects.select_related("unit", "parent").filter(pk=agency_id).first()
    if agency is None:
        raise Http404
    return agency_out(agency)
