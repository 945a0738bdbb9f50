from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DelaftalerConfig(AppConfig):
    name = "delaftaler"
    verbose_name = "Helhedsplaner og delaftaler"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from delaftaler.lib import lookups, security_log  # noqa: F401  (connects its receivers)
        from delaftaler.roller import opret_grupper_efter_migrering

        post_migrate.connect(opret_grupper_efter_migrering, dispatch_uid="delaftaler_grupper")
        lookups.registrer()
