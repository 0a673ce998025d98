"""What quarantine brings to pages it does not own (fangkong.core.registry): its link, and its
open cases for the policy page's "open cases this version would treat differently"."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from fangkong.core.models import User
from fangkong.core.registry import register_nav, register_policy_difference
from fangkong.policy.impact import OpenCase
from fangkong.policy.models import Policy

from .models import Case


def open_cases_for_policy(user: User, policy: Policy) -> Iterator[OpenCase]:
    """The open cases of the user's jurisdiction that `policy` applies to (its township's, or
    all for a default version), oldest first, as the policy's impact rule reads them (one
    query)."""
    qs = Case.objects.visible_to(user).open()
    if policy.township_id is not None:
        qs = qs.filter(township_id=policy.township_id)
    rows = qs.order_by("start_date", "id").values_list(
        "id",
        "reason",
        "kind",
        "days",
        "test_days",
        "registration__level",
        "start_date",
        "resident__name",
        "policy__version",
        "policy__township__code",
    )
    for pk, reason, kind, days, test_days, level, start, name, version, where in rows:
        yield OpenCase(
            id=pk,
            reason=reason,
            kind=kind,
            days=days,
            test_days=tuple(int(d) for d in test_days or ()),
            level=level or None,
            start_date=start,
            name=name,
            policy_label=f"{where or 'default'}-v{version}",
        )


register_policy_difference("quarantine.cases", open_cases_for_policy)
register_nav(
    "quarantine",
    "quarantine:case_list",
    _("Quarantine"),
    order=40,
    group="prevention",
    any_of=("view_cases",),
)
