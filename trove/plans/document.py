"""The plan as a Word document in the official layout (Decree 30/2020/NĐ-CP), filled from the plan's data.

The template is ``templates_docx/plan.docx`` (built by ``build_template.py``) and is rendered by the official
documents' renderer (``trove.documents.render.render_bytes``: Jinja's sandbox, autoescaped). A plan names agencies
and officials, never a person the system protects, so any user who may see the plan may export it.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from trove.documents.contexts import DOTS, abbreviation, issuer
from trove.documents.dates import vietnamese_date
from trove.documents.render import render_bytes
from trove.plans.models import Plan, PlanReference, PlanStatus

TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "plan.docx"
# People's Committees write no superior body above their name (Decree 30/2020, Appendix I, II.3).
NO_SUPERIOR_LINE = {"commune_pc", "district_pc", "province_pc"}


def reference_line(reference: PlanReference) -> str:
    """"Thực hiện Kế hoạch số: 90/KH-UBND, ngày 12 tháng 4 năm 2019 của Ủy ban nhân dân Tỉnh, về việc …"."""
    linked = reference.implemented_plan
    number = reference.number or (linked.number if linked else "")
    day = reference.date or (linked.date if linked else None)
    body = reference.issuer or (linked.issuing_agency.name if linked else "")
    subject = reference.subject or (f"về việc thực hiện {linked.title}" if linked else "")
    parts = [f"Thực hiện Kế hoạch số: {number or DOTS}"]
    if day:
        parts.append(f", {vietnamese_date(day)}")
    if body:
        parts.append(f" của {body}")
    if subject:
        parts.append(f", {subject}")
    return "".join(parts).rstrip(".") + "."


def plan_context(plan: Plan, parts: dict) -> dict:
    agency = plan.issuing_agency
    facts = issuer(agency)
    if agency.agency_type in NO_SUPERIOR_LINE:
        facts["issuing_parent"] = ""
    with translation.override("vi"):
        return {
            **facts,
            "place": plan.place or plan.unit.short_name,
            "number": plan.number or f"{DOTS}/KH-{abbreviation(agency)}",
            "date_line": vietnamese_date(plan.date) if plan.date else "ngày … tháng … năm …",
            "draft": plan.status == PlanStatus.DRAFT,
            "title": plan.title,
            "basis": [reference_line(reference) for reference in parts["references"]],
            "introduction": plan.introduction,
            "goals": [o.text for o in parts["goals"]],
            "targets": [o.text for o in parts["targets"]] or [i.wording for i in parts["indicators"]],
            "items": [
                {"number": item.number, "title": item.title, "activities": item.activity_lines(),
                 "lead": item.lead_text or item.lead_agency.name,
                 "partners": item.partners_text or ", ".join(a.name for a in item.partners.all())}
                for item in parts["items"]
            ],
            "solutions": [{"number": s.number, "text": s.text} for s in parts["solutions"]],
            "duties": [{"number": d.number, "heading": d.heading, "tasks": d.task_lines()} for d in parts["duties"]],
            "report_clause": plan.report_clause,
            "recipients": plan.recipient_lines(),
            "signer": {"positions": [line for line in (plan.signer_authority, plan.signer_title) if line],
                       "name": plan.signer_name},
        }


def render_plan(plan: Plan, parts: dict) -> bytes:
    return render_bytes(TEMPLATE.read_bytes(), plan_context(plan, parts))


def filename(plan: Plan) -> str:
    """"KH-75-KH-UBND-2026.docx": the number (or the plan's id) and the year; no names."""
    stem = (plan.number or f"id{plan.pk}").replace("/", "-")
    return f"KH-{stem}-{plan.period_start.year}-v{plan.version}.docx"
