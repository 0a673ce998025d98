"""Pages of tasks: the list (mine first: the phone page of a guard or volunteer; overdue; all
of the community), a new task (empty, or from an alert, a gate stop or an urgent report), one
task with its status, comments and evidence, and the recurring duties.

Thin views: access (`require`, `get_for`, `visible_to`), a form, one action.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import confirmation
from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, User
from fangkong.organisation.models import WorkingGroup

from . import actions, sources
from .capabilities import TasksCapability
from .forms import CommentForm, StatusForm, TaskForm, TemplateForm
from .models import Comment, Status, Task, TaskTemplate

SHOWN = 200
SHOWS = ("mine", "overdue", "open", "done", "all")


def _communities(user: User) -> QuerySet[Community]:
    return Community.objects.in_jurisdiction(user).order_by("code")


def _groups(community: Community) -> Any:
    return WorkingGroup.objects.filter(organisation__community=community).order_by("order", "id")


def _staff(community: Community) -> Any:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(community=community) | Q(community__isnull=True, township=community.township_id))
        .order_by("display_name", "username")
    )


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, TasksCapability.VIEW_TASKS)
    today = timezone.localdate()
    communities = _communities(user)
    actions.generate_due(today, communities.values("pk"))
    show = request.GET.get("show") or "mine"
    if show not in SHOWS:
        show = "mine"
    qs = Task.objects.visible_to(user)
    if show == "mine":
        qs = qs.unfinished().of(user)
    elif show == "overdue":
        qs = qs.overdue(today)
    elif show == "open":
        qs = qs.unfinished()
    elif show == "done":
        qs = qs.filter(status=Status.DONE)
    community_id = request.GET.get("community", "")
    if community_id.isdigit():
        qs = qs.filter(community_id=int(community_id))
    rows = [
        {"task": t, "overdue": t.is_overdue(today)}
        for t in qs.select_related("group", "assignee", "community").order_by("due_date", "-id")[
            :SHOWN
        ]
    ]
    return render(
        request,
        "tasks/list.html",
        {
            "rows": rows,
            "show": show,
            "today": today,
            "may_assign": user.can(TasksCapability.ASSIGN_TASKS),
        },
    )


def _pick_community(user: User, wanted: Any) -> Community | None:
    communities = _communities(user)
    if wanted is not None and str(wanted).isdigit():
        return communities.filter(pk=int(wanted)).first()
    if communities.count() == 1:
        return communities.first()
    return None


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    user = require(request.user, TasksCapability.ASSIGN_TASKS)
    source = None
    if request.GET.get("source"):
        source = sources.resolve(user, request.GET["source"], request.GET.get("id"))
        if source is None:
            raise Http404
    wanted = (
        source.community_id
        if source
        else (request.POST.get("community") or request.GET.get("community"))
    )
    community = _pick_community(user, wanted)
    if community is None:
        return render(
            request,
            "tasks/pick_community.html",
            {"communities": _communities(user), "query": request.GET.urlencode()},
        )
    initial: dict[str, Any] = {"due_date": timezone.localdate()}
    if source is not None:
        initial.update(title=source.title, priority=source.priority)
    form = TaskForm(
        request.POST or None, initial=initial, groups=_groups(community), staff=_staff(community)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                task = actions.create_task(
                    user,
                    community,
                    title=d["title"],
                    due_date=d["due_date"],
                    group=d["group"],
                    assignee=d["assignee"],
                    description=d["description"],
                    priority=d["priority"],
                    source_kind=source.kind if source else "",
                    source_id=source.id if source else None,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The task was assigned."))
                return redirect("tasks:detail", pk=task.pk)
        status = 422
    return render(
        request,
        "tasks/new.html",
        {"form": form, "community": community, "source": source, "action": request.get_full_path()},
        status=status,
    )


def _task(request: HttpRequest, pk: int) -> Task:
    require(request.user, TasksCapability.VIEW_TASKS)
    return get_for(
        request.user,
        Task,
        queryset=Task.objects.select_related(
            "community", "group", "assignee", "created_by", "template"
        ),
        pk=pk,
    )


def _detail(request: HttpRequest, task: Task, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    source = sources.resolve(user, task.source_kind, task.source_id) if task.source_kind else None
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "overdue": task.is_overdue(),
            "may_work": actions.may_work(user, task),
            "may_assign": actions.may_assign(user, task),
            "source": source,
            "source_label": source.label
            if source
            else sources.label_of(task.source_kind, task.source_id),
            "comments": list(task.comments.select_related("author")),
            "comment_form": forms.get("comment_form") or CommentForm(),
            "error": forms.get("error", ""),
        },
        status=status,
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _task(request, pk))


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    user = require(request.user, TasksCapability.ASSIGN_TASKS)
    community = task.community
    form = TaskForm(
        request.POST or None,
        initial={
            "title": task.title,
            "group": task.group_id,
            "assignee": task.assignee_id,
            "due_date": task.due_date,
            "priority": task.priority,
            "description": task.description,
        },
        groups=_groups(community),
        staff=_staff(community),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.edit_task(
                    user,
                    task,
                    title=d["title"],
                    due_date=d["due_date"],
                    group=d["group"],
                    assignee=d["assignee"],
                    description=d["description"],
                    priority=d["priority"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The task was saved."))
                return redirect("tasks:detail", pk=task.pk)
        status = 422
    return render(
        request,
        "tasks/new.html",
        {"form": form, "community": community, "task": task, "action": request.get_full_path()},
        status=status,
    )


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    user = require(request.user, TasksCapability.VIEW_TASKS)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, task, 422, error=_("Choose the new status."))
    to = form.cleaned_data["status"]
    if to in (Status.DONE, Status.CANCELLED) and not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Finish the task"),
            says=_("Mark the task “%(title)s” as %(status)s? It cannot be changed afterwards.")
            % {"title": task.title, "status": Status(to).label},
            button=_("Confirm"),
            back=reverse("tasks:detail", args=[task.pk]),
            danger=to == Status.CANCELLED,
        )
    try:
        actions.change_status(user, task, to=to, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _detail(request, task, 422, error=exc.message)
    messages.success(request, _("The task is now %(status)s.") % {"status": Status(to).label})
    return redirect("tasks:detail", pk=task.pk)


@login_required
@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    user = require(request.user, TasksCapability.VIEW_TASKS)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, task, 422, comment_form=form)
    upload = form.cleaned_data["file"]
    try:
        if upload is not None and upload.size > actions.MAX_FILE_BYTES:
            raise DomainError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": actions.MAX_FILE_BYTES // (1024 * 1024)},
                field="file",
            )
        actions.comment(
            user,
            task,
            text=form.cleaned_data["text"],
            evidence=form.cleaned_data["evidence"],
            data=upload.read() if upload is not None else None,
            file_name=upload.name if upload is not None else "",
        )
    except DomainError as exc:
        add_domain_errors(form, exc)
        return _detail(request, task, 422, comment_form=form)
    messages.success(request, _("Added."))
    return redirect(reverse("tasks:detail", args=[task.pk]) + "#comments")


@login_required
@require_GET
def comment_file(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, to someone who may see its task (never cached publicly)."""
    require(request.user, TasksCapability.VIEW_TASKS)
    item = Comment.objects.filter(pk=pk, task__in=Task.objects.visible_to(request.user)).first()
    if item is None or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(item.file.name or "")[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=item.file_kind != "photo",
        filename=item.file_name or "",
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- recurring duties ------------------------------------------------------------------------


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, TasksCapability.VIEW_TASKS)
    templates = list(
        TaskTemplate.objects.visible_to(user).select_related("community", "group", "assignee")
    )
    community = None
    form = None
    status = 200
    if user.can(TasksCapability.ASSIGN_TASKS):
        community = _pick_community(
            user, request.POST.get("community") or request.GET.get("community")
        )
        if community is not None:
            form = TemplateForm(
                request.POST or None,
                initial={"starts_on": timezone.localdate()},
                groups=_groups(community),
                staff=_staff(community),
            )
    if request.method == "POST":
        if form is None or community is None:
            raise Http404
        require(user, TasksCapability.ASSIGN_TASKS)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.create_template(
                    user,
                    community,
                    title=d["title"],
                    frequency=d["frequency"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    weekday=d["weekday"],
                    month_day=d["month_day"],
                    group=d["group"],
                    assignee=d["assignee"],
                    description=d["description"],
                    priority=d["priority"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                actions.generate_due(timezone.localdate(), [community.pk])
                messages.success(request, _("The recurring duty was saved."))
                return redirect("tasks:templates")
        status = 422
    return render(
        request,
        "tasks/templates.html",
        {
            "templates": templates,
            "form": form,
            "community": community,
            "communities": _communities(user) if community is None else None,
        },
        status=status,
    )


@login_required
@require_POST
def template_stop(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, TasksCapability.VIEW_TASKS)
    template = get_for(request.user, TaskTemplate, write=TasksCapability.ASSIGN_TASKS, pk=pk)
    user = require(request.user, TasksCapability.ASSIGN_TASKS)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Stop the recurring duty"),
            says=_("Stop “%(title)s”? No more tasks will be made from it.")
            % {"title": template.title},
            button=_("Stop"),
            back=reverse("tasks:templates"),
        )
    try:
        actions.stop_template(user, template)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("tasks:templates")
