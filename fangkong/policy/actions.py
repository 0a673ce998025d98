"""Every write to policy versions and the risk-area register: atomic, audited, one per verb.

Views, the API and commands call these; nothing else saves a `Policy` or a `RiskArea`.

Policy versions: a township admin copies a version into a DRAFT of their own township
(`copy_version`) or creates one from rules sent by a system (`create_draft`), edits it while it
is a draft (`update_draft`), then activates it from a date (`activate`) or withdraws it
(`withdraw`). An active version is never edited: a change is a new version. Activating never
touches a decision already taken; cases and registrations keep their version and the days
copied from it.

Risk areas: added one by one (`add_area`), many at once from a spreadsheet or an announcement
(`add_areas`, all or nothing), and ended (`end_area`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Township, User
from fangkong.core.scoping import covers
from fangkong.core.text import RISK_AREA_DATE
from fangkong.core.textfields import check_date

from .models import Policy, PolicyStatus, RiskArea, RiskLevel
from .places import Place, normalise_sub_name
from .rules import PolicyRules
from .validity import Problem, problems

POLICY_FIELDS = (
    "township",
    "version",
    "name",
    "status",
    "effective_from",
    "source_title",
    "source_number",
    "source_date",
    "based_on",
)
AREA_FIELDS = ("code", "division_name", "sub_name", "level", "start", "end", "source")
#: the metadata of a version, as `create_draft` / `update_draft` take it
METADATA = ("name", "effective_from", "source_title", "source_number", "source_date")
_LENGTHS = {"name": 200, "source_title": 300, "source_number": 100}


# --- policy versions -------------------------------------------------------------------------


def problem_errors(found: Iterable[Problem]) -> dict[str, list[str]]:
    """Validity problems as DomainError errors, keyed "rules.<path>" and translated."""
    errors: dict[str, list[str]] = {}
    for p in found:
        key = ".".join(("rules", *p.path))
        errors.setdefault(key, []).append(_(p.message) % dict(p.params))
    return errors


def check_rules(rules: PolicyRules) -> None:
    found = problems(rules)
    if found:
        raise DomainError(errors=problem_errors(found))


def _check_metadata(values: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    for key in ("name", "source_title", "source_number"):
        out[key] = " ".join(str(out.get(key) or "").split())
        if len(out[key]) > _LENGTHS[key]:
            errors.setdefault(key, []).append(
                _("Enter at most %(max)s characters.") % {"max": _LENGTHS[key]}
            )
    if not out["name"]:
        errors.setdefault("name", []).append(_("Give the version a name."))
    if not out["source_title"]:
        errors.setdefault("source_title", []).append(
            _("Name the document this version follows (its title).")
        )
    if not isinstance(out.get("effective_from"), dt.date):
        errors.setdefault("effective_from", []).append(_("Enter the date it takes effect."))
    source_date = out.get("source_date")
    if source_date is not None and source_date > today:
        errors.setdefault("source_date", []).append(_("The document date cannot be in the future."))
    if errors:
        raise DomainError(errors=errors)
    return out


def _own_township(by: User) -> Township | None:
    """The township a user's new versions apply to (a superuser without one: the general)."""
    if by.township_id is None and not by.is_superuser:
        raise DomainError(
            _("Only a township administrator can make a policy version for their township.")
        )
    return by.township


def _check_owner(by: User, policy: Policy) -> None:
    if by.is_superuser:
        return
    if not covers(by, township_id=policy.township_id):
        raise PermissionDenied(_("Only the township the version applies to may change it."))


def _next_version(township: Township | None) -> int:
    """One more than any version that applies to the township (its own or general), with the
    numbering locked so that two admins copying at once get different numbers."""
    if township is not None:
        Township.objects.select_for_update().filter(pk=township.pk).first()
        applies = Q(township__isnull=True) | Q(township=township)
    else:
        list(Policy.objects.select_for_update().filter(township__isnull=True).values("pk"))
        applies = Q(township__isnull=True)
    top = Policy.objects.filter(applies).aggregate(top=Max("version"))["top"]
    return (top or 0) + 1


def _create(by: User, township: Township | None, **values: Any) -> Policy:
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                township=township,
                version=_next_version(township),
                status=PolicyStatus.DRAFT,
                created_by=by,
                **values,
            )
    except IntegrityError as exc:  # a concurrent copy took the number; the lock makes it rare
        raise DomainError(_("Another version was created at the same moment. Try again.")) from exc
    audit.record_object(
        by,
        AuditAction.CREATE,
        policy,
        changes={**audit.snapshot(policy, POLICY_FIELDS), "rules": policy.rules},
    )
    return policy


@transaction.atomic
def copy_version(by: User, source: Policy, *, today: dt.date | None = None) -> Policy:
    """A new draft for the user's township with the numbers and source of `source`."""
    today = today or timezone.localdate()
    township = _own_township(by)
    rules = source.as_rules()
    return _create(
        by,
        township,
        name=source.name,
        effective_from=max(today, source.effective_from),
        source_title=source.source_title,
        source_number=source.source_number,
        source_date=source.source_date,
        rules=rules.to_data(),
        based_on=source,
    )


@transaction.atomic
def create_draft(
    by: User,
    *,
    rules: PolicyRules,
    based_on: Policy | None = None,
    today: dt.date | None = None,
    **metadata: Any,
) -> Policy:
    """A new draft for the user's township from metadata and rules (the API's create)."""
    today = today or timezone.localdate()
    township = _own_township(by)
    values = _check_metadata({k: metadata.get(k) for k in METADATA}, today=today)
    check_rules(rules)
    return _create(by, township, rules=rules.to_data(), based_on=based_on, **values)


def _locked(policy: Policy) -> Policy:
    """`policy` with its row locked and its values read again under the lock (the caller's
    object is updated in place, so it sees what the action did)."""
    list(Policy.objects.select_for_update().filter(pk=policy.pk).values("pk"))
    policy.refresh_from_db()
    return policy


def _require_draft(policy: Policy, message: str) -> None:
    """`message` (with %(status)s) unless `policy` is a draft."""
    if policy.status != PolicyStatus.DRAFT:
        raise DomainError(message % {"status": policy.get_status_display()})


@transaction.atomic
def update_draft(
    by: User,
    policy: Policy,
    *,
    rules: PolicyRules,
    today: dt.date | None = None,
    **metadata: Any,
) -> Policy:
    """Change a draft's metadata and rules. Active and withdrawn versions are never edited."""
    today = today or timezone.localdate()
    _check_owner(by, policy)
    policy = _locked(policy)
    _require_draft(
        policy,
        _(
            "Only a draft can be edited; this version is %(status)s. Copy it into a new draft "
            "to change its numbers."
        ),
    )
    values = _check_metadata({k: metadata.get(k) for k in METADATA}, today=today)
    check_rules(rules)
    before = {**audit.snapshot(policy, POLICY_FIELDS), "rules": policy.rules}
    for key, value in values.items():
        setattr(policy, key, value)
    policy.rules = rules.to_data()
    policy.save()
    delta = audit.diff(before, {**audit.snapshot(policy, POLICY_FIELDS), "rules": policy.rules})
    if delta:
        audit.record_object(by, AuditAction.UPDATE, policy, changes=delta)
    return policy


@transaction.atomic
def activate(
    by: User, policy: Policy, *, effective_from: dt.date, today: dt.date | None = None
) -> Policy:
    """Put a draft in force from `effective_from` (today or later).

    Decisions already taken keep the version they were made under; nothing else is changed.
    """
    today = today or timezone.localdate()
    _check_owner(by, policy)
    policy = _locked(policy)
    _require_draft(policy, _("Only a draft can be activated; this version is %(status)s."))
    if effective_from < today:
        raise DomainError(
            _(
                "A version takes effect today or later, never in the past (decisions already "
                "taken keep the version they were made under)."
            ),
            field="effective_from",
        )
    check_rules(policy.as_rules())
    before = audit.snapshot(policy, POLICY_FIELDS)
    policy.status = PolicyStatus.ACTIVE
    policy.effective_from = effective_from
    policy.activated_by = by
    policy.activated_at = timezone.now()
    policy.save(update_fields=["status", "effective_from", "activated_by", "activated_at"])
    audit.record_object(
        by,
        AuditAction.ACTIVATE,
        policy,
        changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)),
    )
    return policy


@transaction.atomic
def withdraw(by: User, policy: Policy, *, reason: str) -> Policy:
    """Set a draft aside for good (it stays on record as withdrawn)."""
    _check_owner(by, policy)
    policy = _locked(policy)
    _require_draft(policy, _("Only a draft can be withdrawn; this version is %(status)s."))
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Say why the draft is withdrawn."), field="reason")
    before = audit.snapshot(policy, POLICY_FIELDS)
    policy.status = PolicyStatus.WITHDRAWN
    policy.save(update_fields=["status"])
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        policy,
        changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)),
        reason=reason,
    )
    return policy


# --- risk areas ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One area to register, its place already resolved."""

    place: Place
    level: str
    start: dt.date
    end: dt.date | None = None
    source: str = ""
    #: where it came from, for messages: "row 7", "line 3"
    origin: str = ""


#: first key of the advisory locks taken on division codes ("RA")
_AREA_LOCK_SPACE = 0x5241


def lock_divisions(codes: Iterable[str]) -> None:
    """Hold off, until this transaction ends, anyone else registering areas in the same
    divisions: two registrations of one place at once would both pass the duplicate check.

    PostgreSQL: one transaction-scoped advisory lock per code, taken in order (no deadlock);
    there may be no row to lock yet. SQLite runs one writing transaction at a time anyway
    (IMMEDIATE transactions, see settings).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for code in sorted(set(codes)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_AREA_LOCK_SPACE, int(code)])


def _area_problems(row: AreaRow) -> list[str]:
    found: list[str] = []
    if row.level not in (RiskLevel.MEDIUM, RiskLevel.HIGH):
        found.append(_("The register holds medium and high risk areas only."))
    if row.end is not None and row.end < row.start:
        found.append(
            _("The end date %(end)s is before the start date %(start)s.")
            % {"end": row.end.isoformat(), "start": row.start.isoformat()}
        )
    if len(row.place.name) > 100 or len(row.place.sub_name) > 100:
        found.append(_("The place name is too long (at most 100 characters below the county)."))
    if len(row.source) > 300:
        found.append(_("The source is too long (at most 300 characters)."))
    today = timezone.localdate()
    for label, value in ((_("The start date"), row.start), (_("The end date"), row.end)):
        refused = check_date(value, RISK_AREA_DATE, label, today=today)
        if refused:
            found.append(refused)
    return found


def _overlaps(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


def _key(code: str, sub_name: str, level: str) -> tuple[str, str, str]:
    return code, normalise_sub_name(sub_name), level


def _duplicates(rows: Sequence[AreaRow]) -> dict[int, str]:
    """Index of each row already in the register (or earlier in `rows`) for an overlapping
    period → the message (one query)."""
    out: dict[int, str] = {}
    if not rows:
        return out
    existing: dict[tuple[str, str, str], list[RiskArea]] = {}
    for area in RiskArea.objects.filter(code__in={r.place.code for r in rows}):
        existing.setdefault(_key(area.code, area.sub_name, area.level), []).append(area)
    earlier: dict[tuple[str, str, str], list[tuple[int, AreaRow]]] = {}
    for i, row in enumerate(rows):
        key = _key(row.place.code, row.place.sub_name, row.level)
        for area in existing.get(key, []):
            if _overlaps(area.start, area.end, row.start, row.end):
                out[i] = _("%(place)s is already registered as %(level)s from %(start)s.") % {
                    "place": area.full_name,
                    "level": area.get_level_display(),
                    "start": area.start.isoformat(),
                }
                break
        else:
            for _j, other in earlier.get(key, []):
                if _overlaps(other.start, other.end, row.start, row.end):
                    out[i] = _("%(place)s is given twice (also %(origin)s).") % {
                        "place": row.place.full_name,
                        "origin": other.origin or "",
                    }
                    break
        earlier.setdefault(key, []).append((i, row))
    return out


def area_problems(rows: Sequence[AreaRow]) -> dict[int, list[str]]:
    """Everything that stops each row (by index) from being registered."""
    out: dict[int, list[str]] = {}
    for i, row in enumerate(rows):
        found = _area_problems(row)
        if found:
            out[i] = found
    for i, message in _duplicates(rows).items():
        out.setdefault(i, []).append(message)
    return out


def _new_area(by: User, row: AreaRow) -> RiskArea:
    return RiskArea(
        code=row.place.code,
        division_name=row.place.name,
        sub_name=row.place.sub_name,
        level=row.level,
        start=row.start,
        end=row.end,
        source=" ".join(row.source.split()),
        entered_by=by,
        township_id=by.township_id,
    )


@transaction.atomic
def add_area(
    by: User,
    *,
    place: Place,
    level: str,
    start: dt.date,
    end: dt.date | None = None,
    source: str = "",
) -> RiskArea:
    """Register one area (its place already resolved by `divisions.resolve`)."""
    row = AreaRow(place, str(level), start, end, source)
    lock_divisions([row.place.code])
    found = area_problems([row]).get(0)
    if found:
        field = "end" if row.end is not None and row.end < row.start else ""
        today = timezone.localdate()
        if RISK_AREA_DATE.problem(row.start, today):
            field = "start"
        elif row.end is not None and RISK_AREA_DATE.problem(row.end, today):
            field = "end"
        if row.level not in (RiskLevel.MEDIUM, RiskLevel.HIGH):
            field = "level"
        raise DomainError(errors={field: found})
    area = _new_area(by, row)
    area.save()
    audit.record_object(by, AuditAction.CREATE, area, changes=audit.snapshot(area, AREA_FIELDS))
    return area


@transaction.atomic
def add_areas(by: User, rows: Sequence[AreaRow], *, how: str) -> list[RiskArea]:
    """Register every row, or none: any problem raises DomainError listing all of them, each
    prefixed with the row's origin. `how` says where they came from (audited as the reason)."""
    if not rows:
        raise DomainError(_("There is no area to register."))
    lock_divisions(r.place.code for r in rows)
    found = area_problems(rows)
    if found:
        raise DomainError(
            errors={
                "": [
                    f"{rows[i].origin}：{message}" if rows[i].origin else message
                    for i in sorted(found)
                    for message in found[i]
                ]
            }
        )
    areas = RiskArea.objects.bulk_create([_new_area(by, row) for row in rows])
    if any(a.pk is None for a in areas):  # pragma: no cover - backends without RETURNING
        raise DomainError(_("The areas could not be registered on this database."))
    for area in areas:
        audit.record_object(
            by, AuditAction.CREATE, area, changes=audit.snapshot(area, AREA_FIELDS), reason=how
        )
    return areas


def _check_area_owner(by: User, area: RiskArea) -> None:
    if not area.may_be_changed_by(by):
        raise PermissionDenied(
            _("Only the township that entered this risk area may end or change it.")
        )


@transaction.atomic
def end_area(by: User, area: RiskArea, *, end: dt.date) -> RiskArea:
    """Record the day an area's risk was lifted (its last day at risk)."""
    list(RiskArea.objects.select_for_update().filter(pk=area.pk).values("pk"))
    area.refresh_from_db()
    _check_area_owner(by, area)
    if area.end is not None:
        raise DomainError(
            _("This area already ended on %(end)s.") % {"end": area.end.isoformat()},
            field="end",
        )
    if end < area.start:
        raise DomainError(
            _("The end date cannot be before the start date %(start)s.")
            % {"start": area.start.isoformat()},
            field="end",
        )
    refused = check_date(end, RISK_AREA_DATE, _("The end date"), today=timezone.localdate())
    if refused:
        raise DomainError(refused, field="end")
    before = audit.snapshot(area, AREA_FIELDS)
    area.end = end
    area.save(update_fields=["end"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        area,
        changes=audit.diff(before, audit.snapshot(area, AREA_FIELDS)),
        reason=_("Risk lifted"),
    )
    return area
