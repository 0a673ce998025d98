"""Forms of the notices pages: they check shape; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community
from fangkong.core.textfields import TextForm

from .actions import MAX_BODY, MAX_REASON, MAX_TITLE
from .models import NoticeKind


class NoticeForm(TextForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "No resident's name, phone, document number or address: the text is checked "
            "before it is submitted."
        ),
    )

    def __init__(
        self, *args: Any, communities: QuerySet[Community] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if communities is None:
            del self.fields["community"]
        else:
            self.fields["community"].queryset = communities  # type: ignore[attr-defined]
            if communities.count() == 1:
                self.fields["community"].initial = communities.first()


class StepForm(TextForm):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MediaRequestForm(TextForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    outlet = forms.CharField(label=_("News outlet"), max_length=100)
    reporter = forms.CharField(label=_("Reporter"), max_length=50)
    contact = forms.CharField(label=_("Reporter's contact"), max_length=50, required=False)
    topic = forms.CharField(
        label=_("Topic"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_for = forms.DateTimeField(
        label=_("Interview time asked"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()


class DecisionForm(TextForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the interview")), ("refuse", _("Refuse it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a refusal."),
    )
