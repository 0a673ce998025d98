"""A community's risk level with its history, as the pages, the API and the gate read it.

`community_levels(communities, day)` answers for many communities in two queries: one reads
each community's latest level entry and its county's level that day (as subqueries of the
community row), one reads the policy versions in force for their townships. The county is
the first six digits of the township's division code, its level the highest risk area in
force inside it (or around it) that day — what `policy.areas.county_risk` says, here as a
subquery. `closed_management_on` is what the gate asks on every scan: cached per community
for 60 s, dropped whenever a level is written (`forget`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError
from fangkong.core.models import Community
from fangkong.policy.models import Policy, PolicyStatus, RiskArea
from fangkong.policy.rules import Level, PolicyRules

from .models import CommunityLevel
from .state import Entry, LevelNow, level_now

#: seconds a gate's answer is kept
CACHE_SECONDS = 60

#: a community's level now, as the pages show it
CommunityLevelNow = LevelNow


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day` (local time): entries before it count for `day`."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _county_level(day: dt.date) -> Case:
    """The county's level on `day` for the community row of the outer query."""
    township_code = OuterRef("township__code")
    areas = RiskArea.objects.on(day).filter(
        Q(code=Substr(township_code, 1, 2))
        | Q(code=Substr(township_code, 1, 4))
        | Q(code__startswith=Substr(township_code, 1, 6))
    )
    return Case(
        When(Exists(areas.filter(level=Level.HIGH.value)), then=Value(Level.HIGH.value)),
        When(Exists(areas.filter(level=Level.MEDIUM.value)), then=Value(Level.MEDIUM.value)),
        default=Value(Level.LOW.value),
        output_field=CharField(),
    )


def with_levels(qs: QuerySet[Community], day: dt.date) -> QuerySet[Community]:
    """`qs` with the latest entry at or before `day` (lv_source, lv_level, lv_at) and the
    county's level that day (county_level) on each community."""
    latest = CommunityLevel.objects.filter(community=OuterRef("pk"), at__lt=day_end(day)).order_by(
        "-at", "-id"
    )
    return qs.annotate(
        lv_source=Subquery(latest.values("source")[:1]),
        lv_level=Subquery(latest.values("level")[:1]),
        lv_at=Subquery(latest.values("at")[:1]),
        county_level=_county_level(day),
        township_code=F("township__code"),
    )


def rules_by_township(township_ids: Iterable[int], day: dt.date) -> dict[int, PolicyRules]:
    """The rules in force on `day` for each township (one query; `versions.in_force`'s
    choice: the township's own active version, else the general one, latest first)."""
    ids = set(township_ids)
    if not ids:
        return {}
    rows = (
        Policy.objects.filter(status=PolicyStatus.ACTIVE, effective_from__lte=day)
        .filter(Q(township_id__in=ids) | Q(township__isnull=True))
        .order_by(F("effective_from").desc(), F("version").desc(), "-id")
    )
    own: dict[int, Policy] = {}
    general: Policy | None = None
    for policy in rows:
        if policy.township_id is None:
            general = general or policy
        elif policy.township_id not in own:
            own[policy.township_id] = policy
    out: dict[int, PolicyRules] = {}
    for tid in ids:
        found = own.get(tid) or general
        if found is None:
            raise DomainError(_("No policy version is in force on %(day)s.") % {"day": day})
        out[tid] = found.as_rules()
    return out


def _now_of(row: Any, rules: PolicyRules) -> LevelNow:
    entry = None
    if row.lv_source:
        entry = Entry(row.lv_source, Level(row.lv_level) if row.lv_level else None, row.lv_at)
    return level_now(entry, Level(row.county_level), rules)


def community_levels(
    communities: QuerySet[Community], day: dt.date
) -> list[tuple[Community, LevelNow]]:
    """Each community of `communities` with its level on `day` (two queries)."""
    rows = list(with_levels(communities, day))
    rules = rules_by_township({c.township_id for c in rows}, day)
    return [(c, _now_of(c, rules[c.township_id])) for c in rows]


def community_level(community: Community | int, day: dt.date) -> LevelNow:
    """The level of one community on `day`: level, source, since, closed management (two
    queries)."""
    pk = community.pk if isinstance(community, Community) else community
    found = community_levels(Community.objects.filter(pk=pk), day)
    if not found:
        raise Community.DoesNotExist(pk)
    return found[0][1]


def _key(community_id: int) -> str:
    return f"closure:closed:{community_id}"


def closed_management_on(community_id: int, day: dt.date) -> bool:
    """Whether the community is under closed management on `day` (cached 60 s)."""
    cached = cache.get(_key(community_id))
    if cached is not None and cached[0] == day.isoformat():
        return bool(cached[1])
    answer = community_level(community_id, day).closed_management
    cache.set(_key(community_id), (day.isoformat(), answer), CACHE_SECONDS)
    return answer


def forget(community_id: int) -> None:
    """Drop the cached answer (a level was written)."""
    cache.delete(_key(community_id))
