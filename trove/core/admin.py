from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from trove.core import audit
from trove.core.admin_audit import AuditedAdmin
from trove.core.models import User

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
