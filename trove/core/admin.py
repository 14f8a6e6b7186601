from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from trove.core.models import User

admin.site.site_header = _("Trở Về administration")
admin.site.site_title = _("Trở Về")
admin.site.index_title = _("Reference data and users")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
