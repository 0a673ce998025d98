from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassTestingConfig(AppConfig):
    name = "fangkong.masstesting"
    label = "masstesting"
    verbose_name = _("Mass testing")
