"""What an official form needs to say who issues it and when: the issuing agency of the user, the place and date line
and the signature block, in Vietnamese (Decree 30/2020/NĐ-CP, Appendix I)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from trove.core import policy
from trove.documents.contexts import abbreviation
from trove.documents.dates import vietnamese_date
from trove.reports.access import AGGREGATE
from trove.reports.places import Place, within

DOTS = "……"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Issuer:
    body: str  # upper case, as in the header
    body_name: str  # inside a sentence
    parent: str
    abbreviation: str
    place_name: str  # the place line: "Đồng Tháp"
    date_line: str
    signer_name: str


def issuer_for(user, place: Place) -> Issuer:
    """The agency of the user's membership whose scope holds the place (the first one otherwise)."""
    memberships = policy.memberships_with(user, AGGREGATE) if user is not None else []
    chosen = next((m for m in memberships if place.unit is not None and within(place.unit, m.scope_unit)),
                  memberships[0] if memberships else None)
    agency = chosen.agency if chosen else None
    today = timezone.localdate()
    parent = agency.parent.name.upper() if agency is not None and agency.parent_id else ""
    unit = agency.unit if agency is not None else None
    return Issuer(
        body=agency.name.upper() if agency else DOTS,
        body_name=agency.name if agency else DOTS,
        parent=parent,
        abbreviation=abbreviation(agency) if agency else DOTS,
        place_name=unit.short_name if unit is not None else DOTS,
        date_line=vietnamese_date(today),
        signer_name=getattr(user, "full_name", "") or "",
    )
