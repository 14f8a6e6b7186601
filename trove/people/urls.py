from django.urls import path, register_converter

from trove.people import views


class RegistryKind:
    regex = "suspected|missing"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegistryKind, "registry")

app_name = "registries"

urlpatterns = [
    path("<registry:kind>/", views.entry_list, name="list"),
    path("<registry:kind>/new/", views.entry_new, name="new"),
    path("<registry:kind>/<int:pk>/", views.entry_detail, name="detail"),
    path("<registry:kind>/<int:pk>/status/", views.entry_status, name="status"),
    path("<registry:kind>/<int:pk>/case/", views.entry_to_case, name="to_case"),
]
