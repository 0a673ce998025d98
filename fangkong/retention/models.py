"""What is left of purged records: counts by kind, community, day and a label (issue 10, 14).

The purge deletes the rows of alerts, check-ins and quarantine cases once their retention
window has passed (their person cannot be taken out otherwise: the person is part of what
they are); before it does, it adds them here, so the figures of reports survive. Returnee
registrations and gate entries keep their rows with the person taken out, so they need none.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community, Township


class RetainedCount(models.Model):
    kind = models.CharField(_("kind of record"), max_length=16)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    #: the day the record counts for (closed on, or the check-in's date)
    day = models.DateField(_("day"))
    #: what the record was: a case's status, an alert's outcome, "fever" or "normal"
    label = models.CharField(_("label"), max_length=20, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        # the purge's audit entries are about this table: "个人信息清理" on the audit page
        verbose_name = _("purge of personal data")
        verbose_name_plural = _("purges of personal data")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "community", "day", "label"], name="retainedcount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.community_id} {self.day} {self.label}: {self.count}"
