"""Changes made in the Django admin go to the audit log like changes made through actions.

The admin edits reference data, users and memberships directly; without this, a permission change made there would
leave no trace. Password fields are never recorded.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.files import File
from django.db import models

from trove.core import audit

NEVER_RECORDED = {"password", "password1", "password2", "usable_password"}


def _value(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, File):
        # An uploaded file is recorded by name, never by content.
        return value.name
    if isinstance(value, (list, tuple, set)) or hasattr(value, "__iter__") and not isinstance(value, (str, bytes)):
        return [_value(item) for item in value]
    return value


def _changes(form, adding: bool) -> dict:
    changes = {}
    for name in form.changed_data:
        if name in NEVER_RECORDED:
            changes[name] = ["•••", "•••"]
            continue
        before = None if adding else _value(form.initial.get(name))
        changes[name] = [before, _value(form.cleaned_data.get(name))]
    return changes


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(f"admin.{'change' if change else 'add'}", request=request, obj=obj,
                     changes=_changes(form, adding=not change))

    def delete_model(self, request, obj):
        label, pk = obj._meta.label_lower, str(obj.pk)
        super().delete_model(request, obj)
        audit.record("admin.delete", request=request, object_type=label, object_id=pk)

    def delete_queryset(self, request, queryset):
        targets = [(obj._meta.label_lower, str(obj.pk)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for label, pk in targets:
            audit.record("admin.delete", request=request, object_type=label, object_id=pk)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if inline_form.instance.pk and inline_form.has_changed() and inline_form not in formset.deleted_forms:
                audit.record("admin.change", request=request, obj=inline_form.instance,
                             changes=_changes(inline_form, adding=False))
        for obj in formset.deleted_objects:
            audit.record("admin.delete", request=request, object_type=obj._meta.label_lower,
                         object_id=str(obj.pk or ""))
