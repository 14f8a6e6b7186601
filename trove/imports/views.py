"""The import wizard: upload → sheet → columns → preview → import (a background job) → report; and undo.

Every view finds the import through the policy (``selectors.batch_for_user``): 404 to whoever may not see it, 403 to
whoever may see it but not change it. Names and other cells are shown only when ``policy.reveal_identity`` says so.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trove.core import paging, policy
from trove.imports import actions, headers, preview, selectors, undo
from trove.imports.forms import MappingForm, SheetForm, StopForm, UndoForm, UploadForm
from trove.imports.models import BatchStatus, ColumnMapping
from trove.imports.reading import UnreadableFile
from trove.imports.registry import all_kinds, get_kind

PAGE_SIZE = 30
STEP_URLS = {BatchStatus.UPLOADED: "imports:sheet", BatchStatus.MAPPING: "imports:mapping",
             BatchStatus.READY: "imports:preview"}


def _importing(user) -> tuple[list, list]:
    """The agencies ``user`` may import lists for, and the kinds of list they may import for at least one of them."""
    kinds = all_kinds()
    permissions = {kind.permission for kind in kinds}
    memberships = {permission: policy.memberships_with(user, permission) for permission in permissions}
    agencies = {m.agency_id: m.agency for found in memberships.values() for m in found}
    kinds = [kind for kind in kinds if memberships[kind.permission]]
    return sorted(agencies.values(), key=lambda agency: agency.name), kinds


def _errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, field_errors in error.message_dict.items():
        target = name if name in form.fields else f"col_{name}" if f"col_{name}" in form.fields else None
        form.add_error(target, field_errors)


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    if not any(policy.has_permission(request.user, p) for p in ("case.view", "admin.users")):
        raise PermissionDenied
    page = Paginator(selectors.batches_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {kind.code: kind.label for kind in all_kinds()}
    batches = list(page.object_list)
    mappings = list(selectors.mappings_of_user(request.user))
    for item in batches + mappings:
        item.kind_label = labels.get(item.kind, item.kind)
    return render(request, "imports/list.html", {
        "page": page, "batches": batches, "can_import": bool(_importing(request.user)[0]),
        "mappings": mappings,
    })


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest) -> HttpResponse:
    agencies, kinds = _importing(request.user)
    if not agencies:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, agencies=agencies, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if str(a.pk) == form.cleaned_data["agency"])
        upload = form.cleaned_data["file"]
        if upload.size > actions.max_upload_bytes():
            form.add_error("file", _("The file is larger than %(size)d MB: split the list into several files.")
                           % {"size": actions.max_upload_bytes() // (1024 * 1024)})
        else:
            try:
                batch = actions.batch_create(acting_user=request.user, agency=agency, kind=form.cleaned_data["kind"],
                                             file_name=upload.name, content=upload.read(), request=request)
            except ValidationError as error:
                _errors(form, error)
            except PermissionDenied:  # a kind the officer imports for another of their agencies, not this one
                form.add_error("kind", _("You may not import this kind of list for %(agency)s.")
                               % {"agency": agency.name})
            else:
                return redirect("imports:sheet", batch.pk)
    return render(request, "imports/upload.html", {"form": form, "kinds": kinds},
                  status=400 if form.errors else 200)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch, permissions = selectors.batch_for_user(request.user, pk)
    kind = get_kind(batch.kind)
    level = request.GET.get("level", "")
    number = paging.page_number(request)
    notes, more = selectors.notes_page(batch, level=level, page=number)
    job = batch.job
    return render(request, "imports/detail.html", {
        "batch": batch, "kind": kind, "can_import": kind is not None and kind.permission in permissions,
        "next_step": STEP_URLS.get(batch.status), "notes": notes, "level": level, "page_number": number,
        "next_page": number + 1 if more else None, "previous_page": number - 1 if number > 1 else None,
        "report_job": job if job is not None and job.created_by_id == request.user.pk else None,
        "show_reasons": "case.view_identity" in permissions,
        "can_stop": "admin.users" in permissions and batch.status in (BatchStatus.RUNNING, BatchStatus.INTERRUPTED),
    })


def _batch_to_change(request: HttpRequest, pk: int):
    batch, permissions = selectors.batch_for_user(request.user, pk)
    kind = get_kind(batch.kind)
    if kind is None:
        raise Http404
    policy.require(request.user, kind.permission, batch)
    return batch, kind, permissions


@login_required
@require_http_methods(["GET", "POST"])
def batch_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    batch, kind, permissions = _batch_to_change(request, pk)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.MAPPING, BatchStatus.READY):
        return redirect("imports:detail", batch.pk)
    samples = selectors.sheet_samples(batch)
    names = [sample.name for sample in samples]
    initial = {"sheet": batch.sheet_name or names[0]}
    if batch.header_row:
        initial.update(header_row=batch.header_row, header_rows=batch.header_rows)
    form = SheetForm(request.POST or None, sheets=names, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.batch_choose_sheet(acting_user=request.user, batch=batch, sheet=form.cleaned_data["sheet"],
                                       header_row=form.cleaned_data["header_row"],
                                       header_rows=form.cleaned_data["header_rows"], request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            return redirect("imports:mapping", batch.pk)
    show = "case.view_identity" in permissions and policy.reveal_identity(request.user, batch, request=request)
    return render(request, "imports/sheet.html", {
        "batch": batch, "kind": kind, "form": form, "samples": samples, "show_identity": show,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def batch_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch, kind, _permissions = _batch_to_change(request, pk)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.READY):
        return redirect(STEP_URLS.get(batch.status, "imports:detail"), batch.pk)
    labels = batch.columns or []
    saved = selectors.mappings_for(batch)
    mapping, defaults, missing = batch.mapping, batch.defaults, []
    chosen = request.GET.get("use")
    if chosen:
        used = saved.filter(pk=chosen).first() if chosen.isdigit() else None
        if used is None:
            raise Http404
        mapping, missing = headers.apply_saved(used.columns, labels)
        defaults = {**used.defaults, **{k: v for k, v in batch.defaults.items() if k == "legacy_place"}}
    form = MappingForm(request.POST or None, kind=kind, labels=labels, agency=batch.owner_agency,
                       initial=MappingForm.initial_for(kind, mapping, defaults))
    if request.method == "POST" and form.is_valid():
        try:
            actions.batch_set_mapping(acting_user=request.user, batch=batch, mapping=form.mapping(),
                                      defaults=form.defaults(), save_as=form.cleaned_data["save_as"], request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            return redirect("imports:preview", batch.pk)
    return render(request, "imports/mapping.html", {
        "batch": batch, "kind": kind, "form": form, "saved": saved,
        "missing": [kind.field(name).label for name in missing if kind.field(name)],
        "required": [[kind.field(name).label for name in group] for group in kind.required],
    }, status=400 if form.errors else 200)


@login_required
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch, kind, permissions = _batch_to_change(request, pk)
    if batch.status != BatchStatus.READY:
        return redirect(STEP_URLS.get(batch.status, "imports:detail"), batch.pk)
    number = paging.page_number(request)
    show = "case.view_identity" in permissions and policy.reveal_identity(request.user, batch, request=request)
    try:
        rows, more = preview.page(batch, request.user, number, show_identity=show)
    except UnreadableFile as error:
        messages.error(request, str(error))
        return redirect("imports:detail", batch.pk)
    return render(request, "imports/preview.html", {
        "batch": batch, "kind": kind, "rows": rows, "show_identity": show, "page_number": number,
        "previous_page": number - 1 if number > 1 else None, "next_page": number + 1 if more else None,
        "same_file": selectors.same_file_imported(batch),
    })


def _run(request: HttpRequest, pk: int, do) -> HttpResponse:
    batch, _kind, _permissions = _batch_to_change(request, pk)
    try:
        job = do(batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:detail", batch.pk)
    return redirect(reverse("job", args=[job.pk]) if job is not None else reverse("imports:detail", args=[batch.pk]))


@login_required
@require_POST
def batch_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, lambda batch: actions.batch_start(acting_user=request.user, batch=batch,
                                                               request=request).job)


@login_required
@require_POST
def batch_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, lambda batch: actions.batch_check(acting_user=request.user, batch=batch,
                                                               request=request))


@login_required
@require_POST
def batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, lambda batch: actions.batch_resume(acting_user=request.user, batch=batch,
                                                                request=request).job)


@login_required
@require_POST
def batch_abandon(request: HttpRequest, pk: int) -> HttpResponse:
    def do(batch):
        actions.batch_abandon(acting_user=request.user, batch=batch, request=request)
        messages.success(request, _("The import is abandoned and its file deleted."))
    return _run(request, pk, do)


@login_required
@require_http_methods(["GET", "POST"])
def batch_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator abandons an import whose job is stuck or failed."""
    batch = selectors.batch_to_administer(request.user, pk)
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.batch_stop(acting_user=request.user, batch=batch, reason=form.cleaned_data["reason"],
                               request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The import is abandoned: the rows it had not imported will not be imported; "
                                        "what it imported stays and can be undone."))
            return redirect("imports:detail", batch.pk)
    return render(request, "imports/stop.html", {"batch": batch, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def batch_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_to_administer(request.user, pk)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.batch_undo(acting_user=request.user, batch=batch, reason=form.cleaned_data["reason"],
                               request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The import is undone: the records it created are deleted."))
            return redirect("imports:list")
    return render(request, "imports/undo.html", {
        "batch": batch, "form": form, "counts": selectors.record_counts(batch),
        "blocked": batch.undoable and undo.blocked(batch),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = selectors.mappings_of_user(request.user).filter(pk=pk).first()
    if mapping is None:
        if ColumnMapping.objects.filter(pk=pk, agency_id__in=policy.agencies_of(request.user, "case.view")).exists():
            raise PermissionDenied
        raise Http404
    actions.mapping_delete(acting_user=request.user, mapping=mapping, request=request)
    messages.success(request, _("The saved mapping is deleted."))
    return redirect("imports:list")
