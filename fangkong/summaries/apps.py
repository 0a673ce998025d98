from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "fangkong.summaries"
    label = "summaries"
    verbose_name = _("Period summaries and aftercare")
