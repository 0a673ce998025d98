"""Every write of tasks: assign, edit, move through its statuses, comment and add evidence,
set a recurring duty and make its due occurrences.

Each is one function: atomic, checks the capability and the community, locks what it
changes, refuses with a `DomainError` (a Chinese sentence, nothing written), audits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.closure.actions import read_photo
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers
from fangkong.organisation.models import GroupMember, WorkingGroup

from . import flow, recurrence
from .capabilities import TasksCapability
from .models import Comment, FileKind, Priority, SourceKind, Status, Task, TaskTemplate

TASK_FIELDS = (
    "community",
    "title",
    "description",
    "group",
    "assignee",
    "due_date",
    "priority",
    "source_kind",
    "source_id",
)
MAX_TITLE = 100
MAX_TEXT = 2000
MAX_REASON = 200
MAX_FILE_BYTES = 10 * 1024 * 1024
#: the endings of a file accepted as evidence, and how its content starts
FILE_KINDS: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "txt": (),
    "csv": (),
}
#: how far back a new task may be due (the demo and late entry of yesterday's work)
MAX_PAST = dt.timedelta(days=30)


def _text(value: str, *, field: str, limit: int, required: str | None = None) -> str:
    value = (value or "").strip()
    if not value and required:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(_("Keep this under %(n)d characters.") % {"n": limit}, field=field)
    return value


def in_group(user: User, group_id: int | None) -> bool:
    return bool(group_id) and GroupMember.objects.filter(group_id=group_id, user=user).exists()


def may_assign(user: User, place: Any) -> bool:
    """Whether `user` assigns tasks in `place`: a community, or a task or duty (a record with
    `township_id` and `community_id`), inside the user's jurisdiction (the township's staff
    assign in every community of the township)."""
    return user.can(TasksCapability.ASSIGN_TASKS) and (user.is_superuser or covers(user, place))


def may_work(user: User, task: Task) -> bool:
    """The task's person, a member of its working group, or who assigns tasks there."""
    if not user.can(TasksCapability.VIEW_TASKS):
        return False
    if may_assign(user, task):
        return True
    return task.assignee_id == user.pk or in_group(user, task.group_id)


def _assignees(community: Community, group: WorkingGroup | None, assignee: User | None) -> None:
    if group is None and assignee is None:
        raise DomainError(_("Assign the task to a working group or a person."), field="group")
    if (
        group is not None
        and not WorkingGroup.objects.filter(pk=group.pk, organisation__community=community).exists()
    ):
        raise DomainError(
            _("The working group is of another community; assign tasks within your own."),
            field="group",
        )
    if assignee is not None and not (
        User.objects.filter(pk=assignee.pk, is_active=True)
        .filter(Q(community=community) | Q(community__isnull=True, township=community.township_id))
        .exists()
    ):
        raise DomainError(
            _("This person is not staff of the community; assign tasks within your community."),
            field="assignee",
        )


def _check_values(priority: str, due_date: dt.date | None, today: dt.date) -> None:
    if priority not in Priority.values:
        raise DomainError(_("Choose the priority."), field="priority")
    if due_date is None:
        raise DomainError(_("Say by when the task is due."), field="due_date")
    if due_date < today - MAX_PAST:
        raise DomainError(_("The due day is more than 30 days ago."), field="due_date")


@transaction.atomic
def create_task(
    by: User,
    community: Community,
    *,
    title: str,
    due_date: dt.date,
    group: WorkingGroup | None = None,
    assignee: User | None = None,
    description: str = "",
    priority: str = Priority.NORMAL,
    source_kind: str = "",
    source_id: int | None = None,
    now: dt.datetime | None = None,
) -> Task:
    """Assign a task to a working group or a person of one's own community."""
    now = now or timezone.now()
    if not by.can(TasksCapability.ASSIGN_TASKS):
        raise DomainError(_("Your role may not assign tasks."))
    if not may_assign(by, community):
        raise DomainError(
            _("You may assign tasks only within your own community."), field="community"
        )
    title = " ".join((title or "").split())
    title = _text(title, field="title", limit=MAX_TITLE, required=_("Say what is to be done."))
    description = _text(description, field="description", limit=MAX_TEXT)
    _assignees(community, group, assignee)
    _check_values(priority, due_date, timezone.localdate(now))
    if source_kind and source_kind not in SourceKind.values:
        raise DomainError(_("The record this task comes from is unknown."))
    task = Task.objects.create(
        township_id=community.township_id,
        community=community,
        title=title,
        description=description,
        group=group,
        assignee=assignee,
        due_date=due_date,
        priority=priority,
        source_kind=source_kind if source_id else "",
        source_id=source_id if source_kind else None,
        created_by=by,
        created_at=now,
    )
    audit.record_object(by, AuditAction.CREATE, task, changes=audit.snapshot(task, TASK_FIELDS))
    return task


def _locked(task: Task) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status == Status.DONE:
        raise DomainError(_("This task is done; a done task cannot be changed."))
    if task.status == Status.CANCELLED:
        raise DomainError(_("This task was cancelled; a cancelled task cannot be changed."))
    return task


@transaction.atomic
def edit_task(
    by: User,
    task: Task,
    *,
    title: str,
    due_date: dt.date,
    group: WorkingGroup | None,
    assignee: User | None,
    description: str = "",
    priority: str = Priority.NORMAL,
    now: dt.datetime | None = None,
) -> Task:
    now = now or timezone.now()
    if not may_assign(by, task):
        raise DomainError(_("Only who assigns tasks in this community may change a task."))
    task = _locked(task)
    before = audit.snapshot(task, TASK_FIELDS)
    title = " ".join((title or "").split())
    task.title = _text(title, field="title", limit=MAX_TITLE, required=_("Say what is to be done."))
    task.description = _text(description, field="description", limit=MAX_TEXT)
    _assignees(task.community, group, assignee)
    _check_values(priority, due_date, timezone.localdate(now))
    task.group, task.assignee, task.due_date, task.priority = group, assignee, due_date, priority
    task.save()
    audit.record_object(
        by, AuditAction.UPDATE, task, changes=audit.diff(before, audit.snapshot(task, TASK_FIELDS))
    )
    return task


@transaction.atomic
def change_status(
    by: User, task: Task, *, to: str, reason: str = "", now: dt.datetime | None = None
) -> Task:
    """Start, reopen, finish or cancel (with a reason) a task."""
    now = now or timezone.now()
    if not may_work(by, task):
        raise DomainError(_("This task is not assigned to you or your working group."))
    if to not in Status.values:
        raise DomainError(_("Choose the new status."), field="status")
    if to == Status.CANCELLED and not may_assign(by, task):
        raise DomainError(_("Only who assigns tasks in this community may cancel one."))
    task = _locked(task)
    if not flow.may_move(task.status, to):
        raise DomainError(
            _("The task is already %(status)s.") % {"status": task.get_status_display()}
        )
    reason = " ".join((reason or "").split())
    if flow.needs_reason(to):
        reason = _text(
            reason,
            field="reason",
            limit=MAX_REASON,
            required=_("Say why the task is cancelled."),
        )
        task.cancel_reason = reason
    elif len(reason) > MAX_REASON:
        raise DomainError(
            _("Keep this under %(n)d characters.") % {"n": MAX_REASON}, field="reason"
        )
    old = task.status
    task.status = to
    task.status_changed_at = now
    task.done_at = now if to == Status.DONE else None
    task.save(update_fields=["status", "status_changed_at", "done_at", "cancel_reason"])
    audit.record_object(by, AuditAction.UPDATE, task, changes={"status": [old, to]}, reason=reason)
    return task


def _read_file(data: bytes, name: str) -> tuple[str, str]:
    """(the kind, the file ending) of an upload: a photo Pillow reads, or a document of an
    accepted kind whose content matches its ending; else DomainError."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
        )
    ending = PurePath(name or "").suffix.lower().lstrip(".")
    if ending in {"jpg", "jpeg", "png", "webp", "gif", "heic"} or not ending:
        return FileKind.PHOTO, read_photo(data)
    if ending not in FILE_KINDS:
        raise DomainError(_("Send a photo, or a PDF, Word, Excel, text or CSV file."), field="file")
    starts = FILE_KINDS[ending]
    if starts and not any(data.startswith(s) for s in starts):
        raise DomainError(_("The file's content does not match its name."), field="file")
    if not starts:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DomainError(_("Send a text file in UTF-8."), field="file") from exc
    return FileKind.FILE, ending


@transaction.atomic
def comment(
    by: User,
    task: Task,
    *,
    text: str = "",
    evidence: bool = False,
    data: bytes | None = None,
    file_name: str = "",
    now: dt.datetime | None = None,
) -> Comment:
    """A comment on the task, or evidence of the work (text, a photo or a file)."""
    now = now or timezone.now()
    if not may_work(by, task):
        raise DomainError(_("This task is not assigned to you or your working group."))
    task = _locked(task)
    text = _text(text, field="text", limit=MAX_TEXT)
    if not text and not data:
        raise DomainError(_("Write a comment or attach a photo or file."), field="text")
    item = Comment(
        task=task, author=by, text=text, is_evidence=evidence or bool(data), added_at=now
    )
    if data:
        kind, ending = _read_file(data, file_name)
        item.file_kind = kind
        item.file_name = PurePath(file_name or f"photo.{ending}").name[:200]
        item.file.save(f"{uuid.uuid4().hex}.{ending}", ContentFile(data), save=False)
    try:
        item.save()
    except Exception:
        if item.file:
            item.file.delete(save=False)
        raise
    audit.record_object(
        by,
        AuditAction.CREATE,
        item,
        changes={"task": task.pk, "evidence": item.is_evidence, "file": item.file_name},
        township=task.township_id,
    )
    return item


# --- recurring duties ------------------------------------------------------------------------


@transaction.atomic
def create_template(
    by: User,
    community: Community,
    *,
    title: str,
    frequency: str,
    starts_on: dt.date,
    group: WorkingGroup | None = None,
    assignee: User | None = None,
    description: str = "",
    priority: str = Priority.NORMAL,
    weekday: int | None = None,
    month_day: int | None = None,
    ends_on: dt.date | None = None,
) -> TaskTemplate:
    """A recurring duty of the plan (the daily 大清扫, the weekly supply check)."""
    if not may_assign(by, community):
        raise DomainError(
            _("You may assign tasks only within your own community."), field="community"
        )
    title = " ".join((title or "").split())
    title = _text(title, field="title", limit=MAX_TITLE, required=_("Say what is to be done."))
    _assignees(community, group, assignee)
    if priority not in Priority.values:
        raise DomainError(_("Choose the priority."), field="priority")
    if starts_on is None:
        raise DomainError(_("Say from which day it repeats."), field="starts_on")
    if frequency != recurrence.WEEKLY:
        weekday = None
    if frequency != recurrence.MONTHLY:
        month_day = None
    try:
        recurrence.Rule(frequency, starts_on, ends_on, weekday, month_day)
    except ValueError as exc:
        if ends_on is not None and ends_on < starts_on:
            raise DomainError(_("The last day is before the first."), field="ends_on") from exc
        if frequency == recurrence.WEEKLY:
            raise DomainError(_("Choose the weekday."), field="weekday") from exc
        if frequency == recurrence.MONTHLY:
            raise DomainError(_("Choose the day of the month (1–31)."), field="month_day") from exc
        raise DomainError(_("Choose how often it repeats."), field="frequency") from exc
    template = TaskTemplate.objects.create(
        township_id=community.township_id,
        community=community,
        title=title,
        description=_text(description, field="description", limit=MAX_TEXT),
        group=group,
        assignee=assignee,
        priority=priority,
        frequency=frequency,
        weekday=weekday,
        month_day=month_day,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        template,
        changes=audit.snapshot(
            template, ("title", "frequency", "weekday", "month_day", "starts_on")
        ),
    )
    return template


@transaction.atomic
def stop_template(by: User, template: TaskTemplate) -> TaskTemplate:
    if not may_assign(by, template):
        raise DomainError(_("Only who assigns tasks in this community may stop a recurring duty."))
    template = TaskTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.active:
        raise DomainError(_("This recurring duty was already stopped."))
    template.active = False
    template.save(update_fields=["active"])
    audit.record_object(by, AuditAction.UPDATE, template, changes={"active": [True, False]})
    return template


def generate_due(day: dt.date, community_ids: Sequence[int] | QuerySet[Any] | None = None) -> int:
    """Make the task of every active recurring duty due on `day` (of the given communities, a
    list of ids or a queryset of them; or of all), once: a second call on the same day makes
    nothing. How many were made."""
    templates = TaskTemplate.objects.filter(active=True, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    if community_ids is not None:
        ids = community_ids if isinstance(community_ids, QuerySet) else list(community_ids)
        templates = templates.filter(community_id__in=ids)
    due = [t for t in templates if recurrence.is_due(t.rule, day)]
    if not due:
        return 0
    made = set(
        Task.objects.filter(template__in=due, occurrence=day).values_list("template_id", flat=True)
    )
    new = [
        Task(
            township_id=t.township_id,
            community_id=t.community_id,
            title=t.title,
            description=t.description,
            group_id=t.group_id,
            assignee_id=t.assignee_id,
            due_date=day,
            priority=t.priority,
            template=t,
            occurrence=day,
            created_by_id=t.created_by_id,
        )
        for t in due
        if t.pk not in made and (t.group_id or t.assignee_id)
    ]
    if not new:
        return 0
    with transaction.atomic():
        created = Task.objects.bulk_create(new, ignore_conflicts=True)
        for township_id in sorted({t.township_id for t in new}):
            audit.record(
                None,
                AuditAction.CREATE,
                target_type="tasks.task",
                target_repr=_("Recurring duties of %(day)s") % {"day": day.isoformat()},
                township=township_id,
                changes={"generated": sum(1 for t in new if t.township_id == township_id)},
            )
    return len(created)
