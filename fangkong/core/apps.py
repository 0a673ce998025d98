from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .registry import discover


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Jurisdictions and staff")

    def ready(self) -> None:
        # Every app's capabilities.py: the capabilities it declares and their grants to the
        # roles (fangkong.core.roles), before any navigation entry names one.
        discover("capabilities")
        # Every app's panels.py: its workbench panels, navigation entries and the answers it
        # gives other apps (fangkong.core.registry). All models are loaded by now.
        discover("panels")
