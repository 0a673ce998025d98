from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "fangkong.closure"
    label = "closure"
    verbose_name = _("Closed management")
