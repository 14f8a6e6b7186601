"""Every state change of plans, their activities and reports (one function each; views, demo and tests call them).

- ``plans``: create, update, issue, revise, copy to the next year, share;
- ``parts``: the plans implemented, indicators, content items and duties of a draft;
- ``activities``: trainings, awareness events, inspections, review meetings and their files;
- ``reports``: agencies' reports on their duties, and reminders of those overdue.
"""

from trove.plans.actions.activities import ActivityData, activity_file_add, activity_file_read, activity_record
from trove.plans.actions.parts import (
    DutyData,
    IndicatorData,
    ItemData,
    duty_remove,
    duty_save,
    indicator_add,
    indicator_remove,
    item_remove,
    item_save,
    reference_add,
    reference_remove,
)
from trove.plans.actions.plans import (
    PlanData,
    lines,
    plan_copy_next_year,
    plan_create,
    plan_export,
    plan_issue,
    plan_revise,
    plan_share,
    plan_update,
)
from trove.plans.actions.reports import overdue, report_submit, send_report_reminders

__all__ = [
    "ActivityData", "DutyData", "IndicatorData", "ItemData", "PlanData", "activity_file_add", "activity_file_read",
    "activity_record", "duty_remove", "duty_save", "indicator_add", "indicator_remove", "item_remove", "item_save",
    "lines", "overdue", "plan_copy_next_year", "plan_create", "plan_export", "plan_issue", "plan_revise", "plan_share",
    "plan_update", "reference_add", "reference_remove", "report_submit", "send_report_reminders",
]
