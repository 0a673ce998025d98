from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "fangkong.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from fangkong.policy.models import Policy

        from .entries import forget_rules

        # A new or changed policy version reaches this process's gate at once (the other
        # processes within entries.RULES_SECONDS).
        post_save.connect(
            lambda **kw: forget_rules(), sender=Policy, weak=False, dispatch_uid="gate-rules"
        )
