from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from trove.core import audit, jobs
from trove.core.admin_audit import AuditedAdmin
from trove.core.models import Job, JobStatus, User

admin.site.site_header = _("Trở Về administration")
admin.site.site_title = _("Trở Về")
admin.site.index_title = _("Reference data and users")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record("user.password_set_by_admin", request=request, object_type="core.user", object_id=str(id))
        return response


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs, read only, with one action: put stuck jobs back in the queue (after a worker was stopped)."""

    list_display = ("created_at", "kind", "status", "done", "total", "created_by", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = [field.name for field in Job._meta.fields]
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Put the selected unfinished jobs back in the queue"))
    def requeue(self, request, queryset):
        stuck = list(queryset.filter(status__in=[JobStatus.RUNNING, JobStatus.QUEUED]).values_list("pk", flat=True))
        queryset.filter(pk__in=stuck).update(status=JobStatus.QUEUED, started_at=None)
        for pk in stuck:
            audit.record("job.requeue", request=request, object_type="core.job", object_id=str(pk))
            jobs.run_job.enqueue(str(pk))
        self.message_user(request, _("%(count)d jobs queued again.") % {"count": len(stuck)})
