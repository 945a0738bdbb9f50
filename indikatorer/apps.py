from django.apps import AppConfig


class IndikatorerConfig(AppConfig):
    name = "indikatorer"
    verbose_name = "Indikatorer og baselines"
    default_auto_field = "django.db.models.BigAutoField"
