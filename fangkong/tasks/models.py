"""Tasks the leadership group hands out (plan 二: "负责组织、指挥、协调疫情应急处置工作"): to a
working group or a person, with a due day, a priority and a status (open → in progress →
done, or cancelled with a reason), comments and evidence (text, photo, file). A task may come
from a record of another app (an alert, a gate stop, an urgent report, an inspection finding):
its kind and id are kept, and `sources.py` resolves its label and link. A recurring duty
(the daily 大清扫, the weekly supply check) is a template with a rule (`recurrence.py`) whose
occurrences become tasks, one per day, at most once.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.organisation.models import GroupMember, WorkingGroup

from . import flow, recurrence
from .capabilities import TasksCapability

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "community__grids"}


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("task priority", "Low")
    NORMAL = "normal", pgettext_lazy("task priority", "Normal")
    HIGH = "high", pgettext_lazy("task priority", "High")
    URGENT = "urgent", pgettext_lazy("task priority", "Urgent")


class Status(models.TextChoices):
    OPEN = flow.OPEN, pgettext_lazy("task status", "Open")
    IN_PROGRESS = flow.IN_PROGRESS, pgettext_lazy("task status", "In progress")
    DONE = flow.DONE, pgettext_lazy("task status", "Done")
    CANCELLED = flow.CANCELLED, pgettext_lazy("task status", "Cancelled")


class SourceKind(models.TextChoices):
    ALERT = "alert", _("Health alert")
    GATE_STOP = "gate_stop", _("Gate stop")
    URGENT = "urgent", _("Urgent report")
    INSPECTION = "inspection", _("Inspection finding")


class Frequency(models.TextChoices):
    DAILY = recurrence.DAILY, _("Every day")
    WEEKLY = recurrence.WEEKLY, _("Every week")
    MONTHLY = recurrence.MONTHLY, _("Every month")


class TaskTemplateQuerySet(ScopedQuerySet["TaskTemplate"]):
    scope_paths = _SCOPE
    view_capability = TasksCapability.VIEW_TASKS


class TaskTemplate(models.Model):
    """A recurring duty: a task made on each day its rule is due."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    title = models.CharField(_("task"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working group"),
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    frequency = models.CharField(_("repeats"), max_length=8, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True)
    month_day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = TaskTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("recurring duty")
        verbose_name_plural = _("recurring duties")
        ordering = ["community_id", "title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def rule(self) -> recurrence.Rule:
        return recurrence.Rule(
            self.frequency, self.starts_on, self.ends_on, self.weekday, self.month_day
        )


class TaskQuerySet(ScopedQuerySet["Task"]):
    scope_paths = _SCOPE
    view_capability = TasksCapability.VIEW_TASKS

    def unfinished(self) -> TaskQuerySet:
        return self.filter(status__in=flow.UNFINISHED)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        return self.unfinished().filter(due_date__lt=today)

    def of(self, user: User) -> TaskQuerySet:
        """Assigned to `user` or to a working group they are in (no join: one row a task)."""
        groups = GroupMember.objects.filter(user=user).values("group_id")
        return self.filter(Q(assignee=user) | Q(group_id__in=groups))


class Task(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    title = models.CharField(_("task"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working group"),
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    due_date = models.DateField(pgettext_lazy("task", "due"))
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    source_kind = models.CharField(
        _("made from"), max_length=12, choices=SourceKind.choices, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("record number"), null=True, blank=True)
    template = models.ForeignKey(
        TaskTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("recurring duty"),
    )
    occurrence = models.DateField(_("occurrence"), null=True, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "due_date"], name="task_comm_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "occurrence"],
                condition=Q(template__isnull=False),
                name="task_one_per_occurrence",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="task_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False) | Q(assignee__isnull=False),
                name="task_has_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return flow.is_overdue(self.status, self.due_date, today or timezone.localdate())

    @property
    def finished(self) -> bool:
        return self.status in flow.FINISHED

    @property
    def assigned_to(self) -> str:
        names = [str(x) for x in (self.group, self.assignee) if x is not None]
        return " · ".join(names)


class FileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    FILE = "file", _("File")


class Comment(models.Model):
    """A comment on a task, or evidence of the work (text, a photo or a file)."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task")
    )
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("comment"), blank=True)
    is_evidence = models.BooleanField(_("evidence"), default=False)
    file = models.FileField(_("attachment"), upload_to="tasks/%Y/%m/", blank=True)
    file_kind = models.CharField(
        _("kind of attachment"), max_length=6, choices=FileKind.choices, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("task comment")
        verbose_name_plural = _("task comments")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return (self.text or self.file_name)[:50]
