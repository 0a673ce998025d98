"""Notices for the public board and media interview requests (F12, F19; plan 三(八), 四(五)).

A `Notice` goes draft → submitted → reviewed → approved → published (→ withdrawn), or back to
the community (returned) with a comment; `flow.py` decides. Each step is a `NoticeStep` row
holding who, when, the comment and the text as it stood, so the text approved is kept as it
was; the notice also keeps the approved title and body (`approved_title`, `approved_body`),
which are what the public board shows. A `MediaRequest` is an interview request recorded by
the community and decided by the township.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet

from . import drafts, flow
from .capabilities import NoticesCapability

_SCOPE = {
    "township": "township_id",
    "community": "community_id",
    "grid": "community__grids",
}


class NoticeKind(models.TextChoices):
    NOTICE = drafts.NOTICE, _("Notice")
    LETTER = drafts.LETTER, _("Letter (一封信)")
    PROPOSAL = drafts.PROPOSAL, _("Proposal (倡议书)")
    GUIDANCE = drafts.GUIDANCE, _("Guidance")


class NoticeStatus(models.TextChoices):
    DRAFT = flow.DRAFT, _("Draft")
    SUBMITTED = flow.SUBMITTED, _("Awaiting the leader's review")
    REVIEWED = flow.REVIEWED, _("Awaiting the township's approval")
    APPROVED = flow.APPROVED, _("Approved, not yet published")
    PUBLISHED = flow.PUBLISHED, _("Published")
    WITHDRAWN = flow.WITHDRAWN, _("Withdrawn")
    RETURNED = flow.RETURNED, _("Returned for changes")


class NoticeStepKind(models.TextChoices):
    CREATE = "create", _("Drafted")
    EDIT = "edit", _("Edited")
    NOT_NAME = "not_name", _("Marked a word as no one's name")
    SUBMIT = flow.SUBMIT, _("Submitted to the leader")
    REVIEW = flow.REVIEW, _("Reviewed, sent to the township")
    APPROVE = flow.APPROVE, _("Approved by the township")
    PUBLISH = flow.PUBLISH, _("Published")
    WITHDRAW = flow.WITHDRAW, _("Withdrawn")
    RETURN = flow.RETURN, _("Returned")


class NoticeQuerySet(ScopedQuerySet["Notice"]):
    scope_paths = _SCOPE
    view_capability = NoticesCapability.VIEW_NOTICES

    def published(self) -> NoticeQuerySet:
        return self.filter(status=NoticeStatus.PUBLISHED)


class Notice(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="notices", verbose_name=_("community")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=NoticeKind.choices, default=NoticeKind.NOTICE
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    #: the key of the plan's text it started from (`drafts.BY_KEY`), if any
    template = models.CharField(_("plan text started from"), max_length=30, blank=True)
    #: words found as names that the drafter said are no one's name in this text
    not_names = models.JSONField(_("words marked as not names"), default=list, blank=True)
    #: the text as the township approved it: what the board shows
    approved_title = models.CharField(_("approved title"), max_length=100, blank=True)
    approved_body = models.TextField(_("approved text"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "-published_at"], name="notice_board_idx"),
            models.Index(fields=["township", "status"], name="notice_township_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return flow.editable(self.status)


class NoticeStep(models.Model):
    """One step of a notice: who did what, when, with which comment, and the text then."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=10, choices=NoticeStepKind.choices)
    from_status = models.CharField(max_length=12, choices=NoticeStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=NoticeStatus.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("notice step")
        verbose_name_plural = _("notice steps")
        ordering = ["notice_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind}"


class MediaStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the township")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class MediaRequestQuerySet(ScopedQuerySet["MediaRequest"]):
    scope_paths = _SCOPE
    view_capability = NoticesCapability.VIEW_NOTICES


class MediaRequest(models.Model):
    """A news outlet's request to interview (plan 四(五): only with the township's consent)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    outlet = models.CharField(_("news outlet"), max_length=100)
    reporter = models.CharField(_("reporter"), max_length=50)
    contact = models.CharField(_("reporter's contact"), max_length=50, blank=True)
    topic = models.TextField(_("topic"))
    requested_for = models.DateTimeField(_("interview time asked"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MediaStatus.choices, default=MediaStatus.REQUESTED
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    objects = MediaRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("media interview request")
        verbose_name_plural = _("media interview requests")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outlet} {self.reporter}"
