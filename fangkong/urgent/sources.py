"""A new urgent report made from another app's record: a new index case, a positive pooled
tube, an escalated fever alert. Each reader takes the record through the user's own scope
(`get_for` / `visible_to`), so nobody pre-fills from a record they may not see (404), and
returns what the form starts with; the user reviews it before sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.access import get_for
from fangkong.core.masking import mask_name
from fangkong.core.models import User
from fangkong.health.models import Alert
from fangkong.masstesting.models import MemberResult, Round, RoundMember, Tube
from fangkong.quarantine.models import IndexCase

from .models import Category, SourceKind


@dataclass(frozen=True, slots=True)
class Prefill:
    kind: str
    id: int
    label: str
    category: str
    what: str
    place: str
    occurred_at: dt.datetime
    people: str
    community_id: int | None


def _index(user: User, pk: int) -> Prefill:
    index = get_for(
        user,
        IndexCase,
        queryset=IndexCase.objects.with_identity(user).select_related(
            "community", "township", "resident__household"
        ),
        pk=pk,
    )
    # The report is read by every worker of the community and by the township: it names the
    # case by its number and the place by its community, never the person or the home (those
    # stay behind the source link, which checks who asks).
    return Prefill(
        kind=SourceKind.INDEX,
        id=index.pk,
        label=str(index),
        category=Category.NEW_CASE,
        what=_("New %(kind)s reported on %(day)s: %(case)s.")
        % {
            "kind": index.get_kind_display(),
            "day": index.reported_on.isoformat(),
            "case": index.reference,
        },
        place=index.place,
        occurred_at=index.created_at,
        people=index.reference,
        community_id=index.community_id,
    )


def _tube(user: User, pk: int) -> Prefill:
    tube = (
        Tube.objects.filter(
            pk=pk,
            pooled=True,
            result=MemberResult.POSITIVE,
            round__in=Round.objects.visible_to(user),
        )
        .select_related("round")
        .first()
    )
    if tube is None:
        raise Http404
    members = list(
        RoundMember.objects.visible_to(user)
        .filter(Q(tube=tube) | Q(retest_tube=tube))
        .select_related("resident", "household")
        .order_by("household_id", "id")
    )
    if not members:
        raise Http404
    # counted, not named: the report is read by the whole community (see `_index`)
    households = len({m.household_id for m in members})
    people = _("%(n)d people of %(households)d households") % {
        "n": len(members),
        "households": households,
    }
    communities = {m.community_id for m in members}
    return Prefill(
        kind=SourceKind.TUBE,
        id=tube.pk,
        label=_("Tube %(code)s, %(round)s") % {"code": tube.code, "round": tube.round.name},
        category=Category.POSITIVE_TEST,
        what=_(
            "Pooled tube %(code)s of the testing round “%(round)s” is positive: its people "
            "need single-tube retests."
        )
        % {"code": tube.code, "round": tube.round.name},
        place=str(tube.round.name),
        occurred_at=tube.result_at or timezone.now(),
        people=people,
        community_id=communities.pop() if len(communities) == 1 else None,
    )


def _alert(user: User, pk: int) -> Prefill:
    alert = get_for(
        user,
        Alert,
        queryset=Alert.objects.select_related("resident__household", "community", "case"),
        pk=pk,
    )
    place = alert.community.name  # not the home: see `_index`
    signs = []
    if alert.temperature is not None:
        signs.append(f"{alert.temperature} °C")
    signs.extend(alert.symptoms)
    return Prefill(
        kind=SourceKind.ALERT,
        id=alert.pk,
        label=_("Health alert: %(name)s") % {"name": mask_name(alert.name)},
        category=Category.FEVER,
        what=(
            _("Fever or symptoms (%(signs)s), raised %(time)s; not acknowledged in time.")
            if alert.is_escalated()
            else _("Fever or symptoms (%(signs)s), raised %(time)s.")
        )
        % {
            "signs": "、".join(signs) or "—",
            "time": timezone.localtime(alert.raised_at).strftime("%m-%d %H:%M"),
        },
        place=place,
        occurred_at=alert.raised_at,
        people=mask_name(alert.name),
        community_id=alert.community_id,
    )


READERS: dict[str, Callable[[User, int], Prefill]] = {
    SourceKind.INDEX: _index,
    SourceKind.TUBE: _tube,
    SourceKind.ALERT: _alert,
}


def prefill(user: User, kind: str, raw_id: str | int | None) -> Prefill:
    """What the form starts with, from the record `kind` #`raw_id` the user may see; 404 for
    an unknown kind, a bad id or a record outside the user's scope."""
    reader = READERS.get(kind)
    try:
        pk = int(raw_id or "")
    except ValueError:
        raise Http404 from None
    if reader is None or pk < 1:
        raise Http404
    return reader(user, pk)


def source_url(kind: str, pk: int | None) -> str:
    """The page of the record a report was made from ("" for none); it checks its own access."""
    if not kind or pk is None:
        return ""
    if kind == SourceKind.INDEX:
        return reverse("quarantine:index_detail", args=[pk])
    if kind == SourceKind.ALERT:
        return reverse("health:alert_detail", args=[pk])
    if kind == SourceKind.TUBE:
        round_id = Tube.objects.filter(pk=pk).values_list("round_id", flat=True).first()
        return reverse("masstesting:round_detail", args=[round_id]) if round_id else ""
    return ""
