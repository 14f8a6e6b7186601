"""Large exports in the background (``trove.core.jobs``): the periodic report (xlsx, docx) and HTCDS files.

The export was checked and audited when it was asked for (``actions``); the job checks the permission and the scope
again with the user's memberships of the moment it runs, builds the file, and keeps it encrypted for its owner.
Parameters hold codes only (period, place key, format), never identity data or the export's reason.
"""

from __future__ import annotations

from trove.core import jobs
from trove.core.models import Job
from trove.geo.models import AdminUnit
from trove.reports import access, actions
from trove.reports.forms import bind
from trove.reports.periods import parse_period
from trove.reports.places import Place, UnitsOption


def _place(params: dict) -> Place | None:
    key = params.get("place")
    if not key:
        return None
    option = params.get("units") or UnitsOption.TODAY
    if key == "country":
        return Place(None, option)
    return Place(AdminUnit.objects.by_key(key), option)


@jobs.handler("reports.export")
def run_export(job: Job, progress: jobs.Progress) -> None:
    params = job.params
    user = job.created_by
    if params.get("export") == "htcds":
        period = parse_period(params["period"]) if params.get("period") else None
        selection = actions.htcds_selection(acting_user=user, period=period, place=_place(params),
                                            pseudonymised=params["pseudonymised"], reason_given=True)
        progress.start(total=selection.cases.count())
        exported = actions.build_htcds_file(selection, file_format=params["format"],
                                            pseudonymised=params["pseudonymised"], progress=progress.advance)
        progress.attach(exported.name, exported.content_type, exported.content)
        progress.finish(summary={"records": exported.records})
        return
    form = bind(params, user)
    period, place = form.resolved()
    viewer = access.viewer_for(user, place)
    progress.start(total=1)
    exported = actions.build_report_file(acting_user=user, period=period, place=place,
                                         file_format=params["format"], viewer=viewer)
    progress.advance(1)
    progress.attach(exported.name, exported.content_type, exported.content)
    progress.finish()
