from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisinfectionConfig(AppConfig):
    name = "fangkong.disinfection"
    label = "disinfection"
    verbose_name = _("Disinfection log")
