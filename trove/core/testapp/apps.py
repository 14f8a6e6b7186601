from django.apps import AppConfig


class CoreTestappConfig(AppConfig):
    name = "trove.core.testapp"
    label = "core_testapp"
    verbose_name = "Core test models"
    default_auto_field = "django.db.models.BigAutoField"
