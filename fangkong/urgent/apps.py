from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UrgentConfig(AppConfig):
    name = "fangkong.urgent"
    label = "urgent"
    verbose_name = _("Urgent reports")
