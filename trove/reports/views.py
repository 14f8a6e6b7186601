"""The statistics pages: the periodic statistics with their drill-down, the two dashboards, the exports, the tables
for publication and the HTCDS export (issue 10).

Every page starts from the choice of period and place (``forms.ReportForm``): bad input is refused with the form's
message (400). The place must lie within the user's scope (404 otherwise, 403 without ``report.view_aggregate``);
the records behind a number are listed through ``policy.visible``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.core import policy
from trove.core.models import Job
from trove.reports import access, actions, cache, charts, dashboards, engine, publication, registry
from trove.reports.access import Viewer
from trove.reports.forms import ReportForm
from trove.reports.presenting import present
from trove.reports.report import build_report, hidden_cells

RECORDS_PER_PAGE = 50


def _chosen(request: HttpRequest, data) -> tuple[ReportForm, tuple | None]:
    form = ReportForm(data, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    period, place = form.resolved()
    if not form.is_bound:
        form.initial = ReportForm.params(period, place)
    return form, (period, place)


def _refused(request: HttpRequest, template: str, form: ReportForm) -> HttpResponse:
    return render(request, template, {"form": form, "refused": True}, status=400)


def _base_context(request: HttpRequest, form: ReportForm, period, place, viewer: Viewer) -> dict:
    params = ReportForm.params(period, place)
    return {
        "form": form, "period": period, "place": place, "viewer": viewer, "params": params,
        "query": urlencode(params),
        "place_choices": access.place_choices(request.user),
        "whole_country": access.may_see_whole_country(request.user),
        "may_export_records": access.may_export_records(request.user),
    }


def _file(exported: actions.ExportFile) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    access.require_statistics(request.user)
    form, chosen = _chosen(request, request.GET)
    if chosen is None:
        return _refused(request, "reports/statistics.html", form)
    period, place = chosen
    viewer = access.viewer_for(request.user, place)
    context = _base_context(request, form, period, place, viewer)
    params = context["params"]

    def tables_html() -> str:
        tables = present(build_report(period, place), viewer, params)
        return render_to_string("reports/_tables.html", {"tables": tables})

    served = cache.Served()
    context["tables_html"] = cache.remember_html(("statistics", period.key, place.cache_key, viewer.exact),
                                                 tables_html, served=served)
    context["as_of"] = served.as_of
    return render(request, "reports/statistics.html", context)


def _filters(request: HttpRequest, figure: registry.Figure) -> dict[str, tuple]:
    filters: dict[str, list] = {}
    for item in request.GET.getlist("f"):
        dim, sep, value = item.partition(":")
        if not sep or not figure.supports(dim):
            raise Http404
        filters.setdefault(dim, []).append(value)
    return {dim: tuple(values) for dim, values in filters.items()}


@login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """The records behind one number: those the user may see, by code or number — never by name."""
    access.require_statistics(request.user)
    form, chosen = _chosen(request, request.GET)
    if chosen is None:
        return _refused(request, "reports/records.html", form)
    period, place = chosen
    figure = registry.get(request.GET.get("figure", ""))
    if figure is None:
        raise Http404
    filters = _filters(request, figure)
    viewer = access.viewer_for(request.user, place)
    behind = engine.filtered(figure, engine.records(figure, period, place), place, filters)
    visible = policy.visible(request.user, behind, figure.model.access_view_permission).order_by("-pk")
    if figure.row_related:
        visible = visible.select_related(*figure.row_related)
    page = Paginator(visible, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context = _base_context(request, form, period, place, viewer)
    context.update({
        "figure": figure, "filters": _describe_filters(filters, place),
        # Only those who see exact statistics get the number: for the others, the totals of two drill-downs could
        # give away a number the statistics page hides.
        "total": dashboards.single(behind.count(), True) if viewer.exact else None, "page": page,
        "rows": [figure.row(record) for record in page.object_list],
        "may_see_records": policy.has_permission(request.user, figure.model.access_view_permission),
    })
    return render(request, "reports/records.html", context)


def _describe_filters(filters: dict[str, tuple], place) -> list[tuple[str, str]]:
    described = []
    for dim, values in filters.items():
        dimension = registry.DIMENSIONS[dim]
        labels = dict(dimension.choices()) if dimension.choices else {}
        if dim == "unit":
            labels = {value: place.row_label(value) for value in values}
        described.append((str(dimension.label), ", ".join(str(labels.get(value, value)) for value in values)))
    return described


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The leaders' dashboard."""
    access.require_statistics(request.user)
    form, chosen = _chosen(request, request.GET)
    if chosen is None:
        return _refused(request, "reports/dashboard.html", form)
    period, place = chosen
    viewer = access.viewer_for(request.user, place)
    version = dashboards.leaders_version()
    context = _base_context(request, form, period, place, viewer)

    # Rendered by this request or, when older figures are served meanwhile, by a thread: it works on its own copy.
    base = dict(context)

    def body_html() -> str:
        report = build_report(period, place, version=version)
        hidden = hidden_cells(report.tables, exact=viewer.exact)
        trend = dashboards.trend(period, place, viewer, version, report, hidden)
        mix = dashboards.channel_mix(report, hidden)
        overdue = dashboards.overdue_by_agency(place, viewer, version)
        return render_to_string("reports/_dashboard_body.html", {
            **base,
            "totals": dashboards.totals(report, viewer, hidden),
            "trend_chart": charts.column_chart(trend, title=_("Persons received by month")),
            "trend_text": charts.description(trend),
            "mix_chart": charts.bar_chart(mix, title=_("Persons received by channel")),
            "mix_text": charts.description(mix),
            "units": next(table for table in present(report, viewer, base["params"]) if table.key == "units"),
            "overdue": overdue,
            "overdue_chart": charts.bar_chart([(row.agency, row.total) for row in overdue],
                                              title=_("Overdue work by agency")),
            "answer_days": dashboards.referral_answer_days(),
            "indicators": dashboards.indicator_values(period, place, viewer, version),
        })

    served = cache.Served()
    context["body_html"] = cache.remember_html(("dashboard", period.key, place.cache_key, viewer.exact), body_html,
                                               version=version, served=served)
    # Which plans the user may see is asked on every view; their values are cached per plan.
    context["targets"] = dashboards.plan_targets(request.user, period, place, viewer, version, served=served)
    context["as_of"] = served.as_of
    context["panels"] = _panels(request, "leaders", _indicator_scope(period, place))
    return render(request, "reports/dashboard.html", context)


def _indicator_scope(period, place):
    from trove.core.indicators import Scope

    return Scope(period.start, period.end, place.unit)


def _panels(request: HttpRequest, board: str, scope) -> list[tuple[str, dict]]:
    rendered = []
    for panel in registry.panels(board):
        context = panel.context(request, scope)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """The caseworkers' dashboard: their deadlines and overdue work."""
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    scope = dashboards.work_scope(request)
    return render(request, "reports/my_work.html", {
        "work": dashboards.my_work(request.user, scope), "scope": scope, "soon_days": dashboards.SOON_DAYS,
        "panels": _panels(request, "caseworkers", None),
    })


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("docx", "docx")])


def _after_export(request: HttpRequest, result) -> HttpResponse:
    if isinstance(result, Job):
        messages.info(request, _("The file is being prepared in the background; it can be downloaded here when "
                                 "ready."))
        return redirect("job", result.pk)
    return _file(result)


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    access.require_statistics(request.user)
    form, chosen = _chosen(request, request.POST)
    choice = ExportForm(request.POST)
    if chosen is None or not choice.is_valid():
        return _refused(request, "reports/statistics.html", form)
    period, place = chosen
    return _after_export(request, actions.export_report(acting_user=request.user, period=period, place=place,
                                                        file_format=choice.cleaned_data["format"], request=request))


@login_required
@require_GET
def table_csv(request: HttpRequest) -> HttpResponse:
    access.require_statistics(request.user)
    form, chosen = _chosen(request, request.GET)
    if chosen is None:
        return _refused(request, "reports/statistics.html", form)
    period, place = chosen
    try:
        exported = actions.export_table_csv(acting_user=request.user, period=period, place=place,
                                            table=request.GET.get("table", ""), request=request)
    except ValidationError:
        raise Http404 from None
    return _file(exported)


@login_required
@require_http_methods(["GET", "POST"])
def publication_page(request: HttpRequest) -> HttpResponse:
    """Tables safe to publish: nothing under k, complementary suppression, units coarsened."""
    access.require_statistics(request.user)
    form, chosen = _chosen(request, request.POST if request.method == "POST" else request.GET)
    if chosen is None:
        return _refused(request, "reports/publication.html", form)
    period, place = chosen
    viewer = access.viewer_for(request.user, place)
    if request.method == "POST":
        return _file(actions.export_publication(acting_user=request.user, period=period, place=place,
                                                request=request))
    context = _base_context(request, form, period, place, viewer)
    context.update({"k": publication.K, "withheld": publication.WITHHELD})
    base = dict(context)  # the tables may be rendered by a thread (see ``dashboard``)

    def tables_html() -> str:
        return render_to_string("reports/_publication_tables.html",
                                {**base, "tables": publication.publication_tables(period, place)})

    served = cache.Served()
    context["tables_html"] = cache.remember_html(("publication", period.key, place.cache_key), tables_html,
                                                 served=served)
    context["as_of"] = served.as_of
    return render(request, "reports/publication.html", context)


class HtcdsForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("File format"), choices=[("json", "JSON"), ("csv", "CSV")])
    pseudonymised = forms.BooleanField(label=gettext_lazy("Pseudonymised (no names, birth dates, ID numbers or "
                                                          "addresses; stable pseudonyms instead)"), required=False,
                                       initial=True)
    reason = forms.CharField(label=gettext_lazy("Reason for the export"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Required for identifiable data; kept in the audit log."))


@login_required
@require_http_methods(["GET", "POST"])
def htcds_export(request: HttpRequest) -> HttpResponse:
    if not access.may_export_records(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    form, chosen = _chosen(request, data)
    if chosen is None:
        return _refused(request, "reports/htcds.html", form)
    period, place = chosen
    viewer = access.viewer_for(request.user, place)
    choice = HtcdsForm(request.POST or None)
    context = _base_context(request, form, period, place, viewer)
    context.update({"choice": choice,
                    "may_identify": policy.has_permission(request.user, "export.identifiable"),
                    "may_pseudonymise": policy.has_permission(request.user, access.EXACT)})
    if request.method == "POST" and choice.is_valid():
        try:
            result = actions.export_htcds(acting_user=request.user, file_format=choice.cleaned_data["format"],
                                          pseudonymised=choice.cleaned_data["pseudonymised"],
                                          reason=choice.cleaned_data["reason"], period=period, place=place,
                                          request=request)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                choice.add_error(name if name in choice.fields else None, errors)
        except PermissionDenied as error:
            choice.add_error(None, str(error) or _("You may not make this export."))
            return render(request, "reports/htcds.html", context, status=403)
        else:
            return _after_export(request, result)
        return render(request, "reports/htcds.html", context, status=400)
    return render(request, "reports/htcds.html", context)
