"""Document templates in the Django admin: staff upload a new Word file for a document; it is checked before it is
saved (a real .docx that renders with a sample context, the template engine's error shown if not), so an active
template always works. A saved file is never replaced: a new file is a new version, and the old one stays for the
record. Changes are audited (``AuditedAdmin``)."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from trove.core import audit
from trove.core.admin_audit import AuditedAdmin
from trove.documents.models import DocumentTemplate
from trove.documents.render import MAX_TEMPLATE_BYTES, check_template


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["kind", "regime", "file", "valid_from", "active", "notes"]
        widgets = {"file": forms.FileInput(attrs={"accept": ".docx"})}
        help_texts = {"file": _("A Word document (.docx) with the tags of the shipped template, such as "
                                "{{ case_code }}. Start from the shipped file and change the text around the tags.")}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or self.instance.pk:
            return upload
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB. Remove pictures from the template and try "
                                          "again."))
        upload.seek(0)
        self.content = upload.read()
        upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        content = getattr(self, "content", None)
        if content is not None and cleaned.get("kind"):
            try:
                check_template(cleaned["kind"], content)
            except forms.ValidationError as error:
                self.add_error("file", error)
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(AuditedAdmin):
    form = DocumentTemplateForm
    list_display = ("kind", "regime", "version", "valid_from", "active", "shipped", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "regime", "active", "shipped")
    ordering = ("kind", "-version")

    def get_fields(self, request: HttpRequest, obj: DocumentTemplate | None = None):
        if obj is None:
            return ["kind", "regime", "file", "valid_from", "active", "notes"]
        return ["kind", "regime", "stored_file", "version", "shipped", "uploaded_by", "uploaded_at", "valid_from",
                "active", "notes"]

    def get_readonly_fields(self, request: HttpRequest, obj: DocumentTemplate | None = None):
        if obj is None:
            return []
        # The file and what it is for are fixed once checked; a different file is a new version.
        return ["kind", "regime", "stored_file", "version", "shipped", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("Word file"))
    def stored_file(self, obj: DocumentTemplate) -> str:
        try:
            size = filesizeformat(obj.file.size)
        except OSError:
            return str(_("missing — the shipped template is used instead"))
        return f"{obj.file.name} ({size}, SHA-256 {obj.sha256[:12]}…)"

    def save_model(self, request: HttpRequest, obj: DocumentTemplate, form, change: bool) -> None:
        if not change:
            content = form.content
            obj.sha256 = hashlib.sha256(content).hexdigest()
            obj.uploaded_by = request.user
            last = DocumentTemplate.objects.filter(kind=obj.kind).aggregate(last=Max("version"))["last"]
            obj.version = (last or 0) + 1
        # AuditedAdmin would record the upload's content (its changes iterate a file's lines): record the file's
        # name and hash instead.
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        changes = {name: [None if not change else _initial(form, name), form.cleaned_data.get(name)]
                   for name in form.changed_data if name != "file"}
        if "file" in form.changed_data:
            changes["file"] = [None, f"{obj.file.name} sha256:{obj.sha256}"]
        audit.record(f"admin.{'change' if change else 'add'}", request=request, obj=obj, changes=changes)


def _initial(form, name: str):
    return form.initial.get(name)
