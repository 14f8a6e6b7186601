"""What goes into each official document: one context builder per document, and a sample context per document
that the admin uses to check an uploaded template.

The documents are Vietnamese official documents, so their text is Vietnamese whatever the user's language: labels
(channel, sex, outcome) are read under ``translation.override("vi")``. Every document names the person (an official
record must), so a caller lets only users holding ``case.view_identity`` on the case build one.

The keys every context has (the tags a template may use):

- ``regime`` ("A" or "B", from the case's intake date), ``legal_basis`` (list of "Căn cứ …" lines)
- ``issuing_parent``, ``issuing_body`` (upper case), ``body_abbr`` ("UBND"), ``number`` (the document number, or
  dots to fill in by hand), ``place`` ("Tân Hồng") and ``date_line`` ("ngày 14 tháng 5 năm 2026")
- ``case_code``, ``subject`` (who the person is in law: "người đang trong quá trình xác định…"), ``person``
  (``full_name``, ``sex``, ``birth``, ``id_papers``, ``home_address``, ``ethnicity``, ``nationality``),
  ``recipients`` (lines for "Nơi nhận", punctuated), ``signer`` (``position``, ``name``)

Verification requests and identification decisions belong to the verification app, which is built alongside this
one. Their builders read only these attributes (duck typing, so either side can change behind them):

- request: ``.case`` (a ``cases.Case``), ``.from_agency`` and ``.to_agency`` (``agencies.Agency``), ``.kind`` and
  ``.get_kind_display()``, ``.sent_at`` (aware datetime or None), ``.due_on`` (date or None), ``.pk``;
- decision: ``.case``, ``.outcome`` and ``.get_outcome_display()``, ``.decision_date`` (date), ``.reasons`` (text),
  ``.decided_by`` and ``.approved_by`` (users or None), ``.number`` (text), optionally ``.agency`` (the deciding
  agency; the case's owner otherwise), and ``decision.case.evidence_items.all()``, each with ``.ground.text_vi``,
  ``.ground.citation`` and ``.source``.
"""

from __future__ import annotations

import datetime

from django.utils import timezone, translation

from trove.documents.dates import vietnamese_date, vietnamese_time
from trove.documents.models import DocumentKind
from trove.geo.selectors import unit_path
from trove.rules.models import NoRegimeInForce, Regime

DOTS = "……"
REGIME_B_FROM = datetime.date(2025, 7, 1)

LEGAL_BASIS = {
    "A": [
        "Căn cứ Luật Phòng, chống mua bán người số 66/2011/QH12;",
        "Căn cứ Nghị định số 62/2012/NĐ-CP của Chính phủ quy định căn cứ xác định nạn nhân bị mua bán và bảo vệ an "
        "toàn cho nạn nhân, người thân thích của họ;",
        "Căn cứ Thông tư liên tịch số 01/2014/TTLT-BCA-BQP-BLĐTBXH-BNG;",
    ],
    "B": [
        "Căn cứ Luật Phòng, chống mua bán người số 53/2024/QH15, được sửa đổi, bổ sung bởi Luật số 86/2025/QH15;",
        "Căn cứ Nghị định số 162/2025/NĐ-CP ngày 29 tháng 6 năm 2025 của Chính phủ;",
    ],
}

SUBJECT = {
    "A": "người có dấu hiệu là nạn nhân bị mua bán",
    "B": "người đang trong quá trình xác định là nạn nhân bị mua bán",
}

# Abbreviations used in document numbers ("Số: 12/BB-UBND"); other bodies use the initials of their name.
ABBREVIATIONS = {
    "commune_pc": "UBND", "district_pc": "UBND", "province_pc": "UBND", "police": "CA", "border_guard": "BĐBP",
    "health_department": "SYT", "labour_social": "LĐTBXH",
}


def regime_of(day: datetime.date) -> str:
    try:
        return Regime.objects.in_force(day).code
    except NoRegimeInForce:
        return "B" if day >= REGIME_B_FROM else "A"


def abbreviation(agency) -> str:
    known = ABBREVIATIONS.get(getattr(agency, "agency_type", ""))
    return known or "".join(word[0] for word in agency.name.split() if word[:1].isalpha()).upper()


def province_of(unit) -> str:
    """"tỉnh Đồng Tháp": the province above ``unit``, written as inside a sentence."""
    name = unit_path(unit)[-1].name
    return name[:1].lower() + name[1:]


def issuer(agency) -> dict:
    parent = getattr(agency, "parent", None)
    return {
        "issuing_parent": parent.name.upper() if parent else "",
        "issuing_body": agency.name.upper(),
        "issuing_body_name": agency.name,
        "body_abbr": abbreviation(agency),
        "place": agency.unit.short_name,
    }


def _birth(person) -> str:
    if person.birth_date:
        if person.birth_precision == "year":
            return f"năm {person.birth_date.year}"
        if person.birth_precision == "month":
            return f"tháng {person.birth_date:%m/%Y}"
        return f"{person.birth_date:%d/%m/%Y}"
    return f"năm {person.birth_year}" if person.birth_year else "không rõ"


def person_facts(person) -> dict:
    papers = [f"{label} số {value}" for label, value in (
        ("Căn cước công dân", person.citizen_id), ("Chứng minh nhân dân", person.old_id),
        ("Hộ chiếu", person.passport)) if value]
    address = ", ".join(part for part in (person.home_address, person.home_unit.full_name if person.home_unit
                                          else "") if part)
    with translation.override("vi"):
        sex = str(person.get_sex_display())
    return {
        "full_name": person.full_name,
        "sex": sex,
        "birth": _birth(person),
        "id_papers": "; ".join(papers) or "không có",
        "home_address": address or "không rõ",
        "ethnicity": person.ethnicity or "không rõ",
        "nationality": person.nationality.name_vi if person.nationality else "không rõ",
    }


def _user_name(user) -> str:
    return user.display_name if user is not None else ""


def _document_line(document) -> str:
    parts = [document.title]
    if document.number:
        parts.append(f"số {document.number}")
    if document.issued_by or document.issued_on:
        issued = "do " + document.issued_by + " cấp" if document.issued_by else "cấp"
        if document.issued_on:
            issued += " " + vietnamese_date(document.issued_on)
        parts.append(issued)
    return ", ".join(parts)


def intake_record_context(case) -> dict:
    """The intake record (biên bản tiếp nhận) of ``case``: who was received, when, where, how, with what."""
    intake = case.intake
    received_on = timezone.localdate(intake.received_at)
    regime = regime_of(received_on)
    with translation.override("vi"):
        channel = str(intake.get_channel_display())
        place_kind = str(intake.get_place_kind_display())
    children = []
    for child in case.children.select_related("person"):
        line = child.person.full_name + f", sinh {_birth(child.person)}"
        children.append(line + (f" ({child.relation})" if child.relation else ""))
    province = province_of(case.unit)
    return {
        "regime": regime,
        "legal_basis": LEGAL_BASIS[regime],
        **issuer(case.owner_agency),
        "number": DOTS,
        "date_line": vietnamese_date(received_on),
        "title": "BIÊN BẢN TIẾP NHẬN",
        "subject": SUBJECT[regime],
        "subject_title": SUBJECT[regime][:1].upper() + SUBJECT[regime][1:],
        "case_code": case.code,
        "received_time": vietnamese_time(intake.received_at),
        "received_date": vietnamese_date(received_on),
        "intake_place": f"{place_kind}: {intake.place_name}" if intake.place_name else place_kind,
        "intake_unit": case.unit.full_name,
        "channel": channel,
        "country": intake.country_returned_from.name_vi if intake.country_returned_from else "",
        "source_reference": intake.source_reference,
        "receiving_officer": _user_name(intake.receiving_officer),
        "person": person_facts(case.person),
        "documents": [_document_line(document) for document in intake.documents.all()],
        "children": children,
        "immediate_needs": intake.immediate_needs or "không ghi nhận",
        "first_support": intake.first_support or "không ghi nhận",
        "consent": "đồng ý" if intake.consent_given else "chưa đồng ý",
        "recipients": [
            "Người được tiếp nhận;",
            (f"Sở Y tế {province};" if regime == "B"
             else "Phòng Lao động - Thương binh và Xã hội cấp huyện;"),
            f"Lưu: VT, hồ sơ {case.code}.",
        ],
        "signer": {"position": "THỦ TRƯỞNG CƠ QUAN TIẾP NHẬN", "name": ""},
    }


def verification_request_context(request_obj) -> dict:
    """The letter asking another agency to verify (công văn đề nghị xác minh); see the module's interface."""
    case = request_obj.case
    received_on = timezone.localdate(case.intake.received_at)
    regime = regime_of(received_on)
    sender, receiver = request_obj.from_agency, request_obj.to_agency
    with translation.override("vi"):
        kind = str(request_obj.get_kind_display())
        channel = str(case.intake.get_channel_display())
    sent = request_obj.sent_at or timezone.now()
    return {
        "regime": regime,
        "legal_basis": LEGAL_BASIS[regime],
        **issuer(sender),
        "number": DOTS,
        "date_line": vietnamese_date(sent),
        "subject_line": f"V/v đề nghị xác minh {kind[:1].lower() + kind[1:]}",
        "to_agency": receiver.name,
        "case_code": case.code,
        "request_ref": f"YC-{request_obj.pk}",
        "request_kind": kind,
        "received_date": vietnamese_date(received_on),
        "channel": channel,
        "subject": SUBJECT[regime],
        "person": person_facts(case.person),
        "due_date": vietnamese_date(request_obj.due_on) if request_obj.due_on else "",
        "recipients": ["Như trên;", f"Lưu: VT, hồ sơ {case.code}."],
        "signer": {"position": "THỦ TRƯỞNG CƠ QUAN", "name": ""},
    }


def identification_decision_context(decision) -> dict:
    """The confirmation (regime A) or decision (regime B) on identification; see the module's interface."""
    case = decision.case
    regime = regime_of(timezone.localdate(case.intake.received_at))
    agency = getattr(decision, "agency", None) or case.owner_agency
    with translation.override("vi"):
        outcome = str(decision.get_outcome_display())
    evidence = [
        {"text": item.ground.text_vi, "citation": item.ground.citation, "source": item.source}
        for item in case.evidence_items.all()
    ]
    facts = issuer(agency)
    return {
        "regime": regime,
        "legal_basis": LEGAL_BASIS[regime],
        **facts,
        "number": decision.number or DOTS,
        "doc_abbr": "QĐ" if regime == "B" else "GXN",
        "date_line": vietnamese_date(decision.decision_date),
        "title": "QUYẾT ĐỊNH" if regime == "B" else "GIẤY XÁC NHẬN",
        "subtitle": "Về việc xác định nạn nhân bị mua bán",
        "case_code": case.code,
        "person": person_facts(case.person),
        "outcome": decision.outcome,
        "outcome_display": outcome,
        "evidence": evidence,
        "reasons": [line.strip() for line in (decision.reasons or "").splitlines() if line.strip()],
        "decided_by": _user_name(decision.decided_by),
        "recipients": ["Người được xác định;", f"{case.owner_agency.name};", f"Lưu: VT, hồ sơ {case.code}."],
        "signer": {"position": "THỦ TRƯỞNG CƠ QUAN", "name": _user_name(decision.approved_by)},
    }


def sample_context(kind: str) -> dict:
    """Made-up values for every key of ``kind``'s context: what an uploaded template is checked against. No real
    person's data."""
    common = {
        "regime": "B",
        "legal_basis": LEGAL_BASIS["B"],
        "issuing_parent": "",
        "issuing_body": "ỦY BAN NHÂN DÂN XÃ MẪU",
        "issuing_body_name": "Ủy ban nhân dân xã Mẫu",
        "body_abbr": "UBND",
        "number": DOTS,
        "place": "Mẫu",
        "date_line": vietnamese_date(datetime.date(2026, 5, 14)),
        "case_code": "XX-2026-00001",
        "subject": SUBJECT["B"],
        "person": {
            "full_name": "Nguyễn Thị Mẫu", "sex": "Nữ", "birth": "01/01/2000",
            "id_papers": "Căn cước công dân số 000000000000", "home_address": "Xã Mẫu, Tỉnh Mẫu",
            "ethnicity": "Kinh", "nationality": "Việt Nam",
        },
        "recipients": ["Như trên;", "Lưu: VT, hồ sơ XX-2026-00001."],
        "signer": {"position": "THỦ TRƯỞNG CƠ QUAN", "name": "Trần Văn Ký"},
    }
    if kind == DocumentKind.INTAKE_RECORD:
        return common | {
            "title": "BIÊN BẢN TIẾP NHẬN", "subject_title": SUBJECT["B"].capitalize(),
            "received_time": "09 giờ 30 phút", "received_date": common["date_line"],
            "intake_place": "Ủy ban nhân dân cấp xã", "intake_unit": "Xã Mẫu, Tỉnh Mẫu",
            "channel": "Tự đến trình báo", "country": "Campuchia", "source_reference": "Tổng đài 111",
            "receiving_officer": "Lê Văn Nhận", "documents": ["Biên bản bàn giao, số 01/BB"],
            "children": ["Nguyễn Văn Con, sinh năm 2022 (con trai)"], "immediate_needs": "chỗ ở tạm thời",
            "first_support": "bữa ăn, quần áo", "consent": "đồng ý",
        }
    if kind == DocumentKind.VERIFICATION_REQUEST:
        return common | {
            "subject_line": "V/v đề nghị xác minh nhân thân", "to_agency": "Công an tỉnh Mẫu",
            "request_ref": "YC-1", "request_kind": "Nhân thân", "received_date": common["date_line"],
            "channel": "Tự đến trình báo", "due_date": vietnamese_date(datetime.date(2026, 5, 17)),
        }
    if kind == DocumentKind.IDENTIFICATION_DECISION:
        return common | {
            "doc_abbr": "QĐ", "title": "QUYẾT ĐỊNH", "subtitle": "Về việc xác định nạn nhân bị mua bán",
            "outcome": "victim", "outcome_display": "Là nạn nhân bị mua bán",
            "evidence": [{"text": "Thông tin của cơ quan giải cứu", "citation": "Điều 32 khoản 1",
                          "source": "Biên bản giải cứu"}],
            "reasons": ["Có đủ căn cứ theo quy định."], "decided_by": "Võ Văn Xét",
        }
    raise ValueError(f"Unknown document kind {kind!r}")
