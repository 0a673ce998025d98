"""Every write to staff accounts, jurisdictions and 包楼/包户 assignments: atomic, audited.

Views, the admin and commands call these. Who may manage whom is decided here from
`roles.ASSIGNABLE_BY` and `roles.ROLE_LEVEL`; the audit never holds a password or its hash.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from . import audit
from .errors import DomainError
from .models import ApiToken, AuditAction, Building, Community, Grid, Township, Unit, User
from .roles import ASSIGNABLE_BY, ROLE_LEVEL, CoreCapability, Role

STAFF_FIELDS = (
    "username",
    "display_name",
    "phone",
    "role",
    "township",
    "community",
    "grid",
    "is_active",
)
#: roles bound to a community that may also be narrowed to one grid of it
NARROWABLE_ROLES = frozenset({Role.MEDICAL_WORKER, Role.CHECKPOINT_GUARD, Role.VOLUNTEER})
#: who may be the assigned cadre (包保干部) or medical worker (包保医务人员) of a place
CADRE_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_LEADER, Role.OFFICE_STAFF})
MEDIC_ROLES = frozenset({Role.MEDICAL_WORKER})


# --- staff -------------------------------------------------------------------------------


def assignable_roles(by: User) -> frozenset[str]:
    """The roles `by` may give to staff."""
    if by.is_superuser:
        return frozenset(Role.values)
    if not by.can(CoreCapability.MANAGE_STAFF):
        return frozenset()
    return ASSIGNABLE_BY.get(by.role, frozenset())


def _inside(by: User, township_id: int | None, community_id: int | None) -> bool:
    """Whether a binding to (township, community) lies within `by`'s jurisdiction."""
    if by.is_superuser:
        return True
    level, key = by.scope
    if level == "township":
        return township_id is not None and township_id == key
    if level == "community":
        return community_id is not None and community_id == key
    return False


def may_manage(by: User, staff: User) -> bool:
    """Whether `by` may edit, deactivate or reset the password of `staff`."""
    if not by.is_active or not by.can(CoreCapability.MANAGE_STAFF):
        return False
    if by.is_superuser:
        return True
    if staff.is_superuser or staff.role not in assignable_roles(by):
        return False
    return _inside(by, staff.township_id, staff.community_id)


def _binding(
    by: User,
    role: str,
    township: Township | None,
    community: Community | None,
    grid: Grid | None,
) -> tuple[Township, Community | None, Grid | None]:
    """The jurisdiction a staff member of `role` is bound to, made consistent, or DomainError."""
    if role not in assignable_roles(by):
        raise DomainError(_("You may not give this role."), field="role")
    level = ROLE_LEVEL.get(role)
    if level == "grid":
        if grid is None:
            raise DomainError(_("Choose the grid this grid worker looks after."), field="grid")
        community = grid.community
    elif level == "community":
        if community is None and grid is not None:
            community = grid.community
        if community is None:
            raise DomainError(
                _("Choose the community this staff member works in."), field="community"
            )
        if grid is not None:
            if grid.community_id != community.pk:
                raise DomainError(_("The grid is not in the chosen community."), field="grid")
            if role not in NARROWABLE_ROLES:
                raise DomainError(
                    _("This role covers a whole community; leave the grid empty."), field="grid"
                )
    else:
        community, grid = None, None
        if township is None:
            township = by.township
        if township is None:
            raise DomainError(_("Choose the township."), field="township")
    if community is not None:
        township = community.township
    assert township is not None
    if not _inside(by, township.pk, community.pk if community else None):
        field = "community" if level != "township" else "township"
        raise DomainError(_("This jurisdiction is outside your own."), field=field)
    return township, community, grid


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(errors={"password": list(exc.messages)}) from exc


def _check_username(username: str, exclude: int | None = None) -> str:
    username = username.strip()
    if not username:
        raise DomainError(_("The username is required."), field="username")
    taken = User.objects.filter(username__iexact=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError(
            _("The username %(username)s is already taken; choose another.")
            % {"username": username},
            field="username",
        )
    return username


@transaction.atomic
def create_staff(
    by: User,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    phone: str = "",
    township: Township | None = None,
    community: Community | None = None,
    grid: Grid | None = None,
) -> User:
    if not by.can(CoreCapability.MANAGE_STAFF):
        raise DomainError(_("Your role may not manage staff."))
    username = _check_username(username)
    township, community, grid = _binding(by, role, township, community, grid)
    staff = User(
        username=username,
        display_name=display_name.strip(),
        phone=phone.strip(),
        role=role,
        township=township,
        community=community,
        grid=grid,
    )
    _check_password(password, staff)
    staff.set_password(password)
    staff.save()
    audit.record_object(by, AuditAction.CREATE, staff, changes=audit.snapshot(staff, STAFF_FIELDS))
    return staff


STAFF_EDITABLE = ("username", "display_name", "phone", "role", "township", "community", "grid")


@transaction.atomic
def update_staff(by: User, staff: User, **changes: Any) -> User:
    unknown = set(changes) - set(STAFF_EDITABLE)
    if unknown:
        raise TypeError(f"unknown staff fields: {sorted(unknown)}")
    if not may_manage(by, staff):
        raise DomainError(_("You may not manage this staff member."))
    staff = User.objects.select_for_update().get(pk=staff.pk)
    before = audit.snapshot(staff, STAFF_FIELDS)
    role = changes.get("role", staff.role)
    if staff.pk == by.pk and role != staff.role:
        raise DomainError(_("You cannot change your own role."), field="role")
    if "username" in changes:
        staff.username = _check_username(changes["username"], exclude=staff.pk)
    for key in ("display_name", "phone"):
        if key in changes:
            setattr(staff, key, str(changes[key] or "").strip())
    place = {
        key: changes[key] if key in changes else getattr(staff, key)
        for key in ("township", "community", "grid")
    }
    staff.township, staff.community, staff.grid = _binding(by, role, **place)
    staff.role = role
    staff.save()
    delta = audit.diff(before, audit.snapshot(staff, STAFF_FIELDS))
    if delta:
        audit.record_object(by, AuditAction.UPDATE, staff, changes=delta)
    return staff


@transaction.atomic
def set_staff_active(by: User, staff: User, *, active: bool, reason: str = "") -> User:
    """Deactivate (the account can no longer log in or use its API tokens) or reactivate."""
    if not may_manage(by, staff):
        raise DomainError(_("You may not manage this staff member."))
    if staff.pk == by.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    if not active and not reason.strip():
        raise DomainError(_("Say why the account is deactivated."), field="reason")
    if staff.is_active == active:
        return staff
    changes: dict[str, Any] = {"is_active": [not active, active]}
    if not active:
        changes.update(_tokens_revoked(staff))
    staff.is_active = active
    staff.save(update_fields=["is_active"])  # deactivated: its API tokens go (User.save)
    audit.record_object(by, AuditAction.UPDATE, staff, changes=changes, reason=reason.strip())
    return staff


def _tokens_revoked(staff: User) -> dict[str, list[int]]:
    """The audit's note of the API tokens that `staff.save()` is about to revoke."""
    count = ApiToken.objects.filter(user=staff).count()
    return {"api_tokens": [count, 0]} if count else {}


@transaction.atomic
def reset_password(by: User, staff: User, *, password: str) -> User:
    if not may_manage(by, staff):
        raise DomainError(_("You may not manage this staff member."))
    _check_password(password, staff)
    changes: dict[str, Any] = {"password": "reset", **_tokens_revoked(staff)}
    staff.set_password(password)
    staff.save(update_fields=["password"])  # a new password: its API tokens go (User.save)
    audit.record_object(by, AuditAction.UPDATE, staff, changes=changes)
    return staff


@transaction.atomic
def revoke_token(by: User, token: ApiToken, *, reason: str = "") -> None:
    """Revoke one API token: its owner's own, or one of staff `by` may manage."""
    if token.user_id != by.pk and not may_manage(by, token.user):
        raise DomainError(_("You may not revoke this token."))
    audit.record(
        by,
        AuditAction.DELETE,
        target_type="core.apitoken",
        target_id=token.pk,
        target_repr=str(token),
        township=token.user.township_id,
        reason=reason,
    )
    token.delete()


# --- jurisdictions -----------------------------------------------------------------------


def _name(raw: str) -> str:
    name = " ".join(str(raw or "").split())
    if not name:
        raise DomainError(_("The name is required."), field="name")
    return name


def _jurisdiction_created(by: User | None, obj: Grid | Building | Unit, township_id: int) -> None:
    audit.record_object(
        by,
        AuditAction.CREATE,
        obj,
        changes={"name": obj.name},
        township=township_id,
    )


@transaction.atomic
def create_grid(by: User | None, *, community: Community, name: str) -> Grid:
    name = _name(name)
    if Grid.objects.filter(community=community, name=name).exists():
        raise DomainError(
            _("%(community)s already has a grid named %(name)s.")
            % {"community": community.name, "name": name},
            field="name",
        )
    grid = Grid.objects.create(community=community, name=name)
    _jurisdiction_created(by, grid, community.township_id)
    return grid


@transaction.atomic
def create_building(by: User | None, *, grid: Grid, name: str) -> Building:
    name = _name(name)
    if Building.objects.filter(grid=grid, name=name).exists():
        raise DomainError(
            _("%(grid)s already has a building named %(name)s.") % {"grid": grid, "name": name},
            field="name",
        )
    building = Building.objects.create(grid=grid, name=name)
    _jurisdiction_created(by, building, grid.community.township_id)
    return building


@transaction.atomic
def create_unit(by: User | None, *, building: Building, name: str) -> Unit:
    name = _name(name)
    if Unit.objects.filter(building=building, name=name).exists():
        raise DomainError(
            _("%(building)s already has a unit named %(name)s.")
            % {"building": building.name, "name": name},
            field="name",
        )
    unit = Unit.objects.create(building=building, name=name)
    _jurisdiction_created(by, unit, building.grid.community.township_id)
    return unit


# --- 包楼 / 包户 assignment ---------------------------------------------------------------


def assignees(kind: str, grid: Grid) -> QuerySet[User]:
    """Active staff who may be the assigned cadre ('cadre') or medical worker ('medic') of a
    place in `grid`: the right role, working in its community, not bound to another grid."""
    roles = CADRE_ROLES if kind == "cadre" else MEDIC_ROLES
    return User.objects.filter(
        Q(grid__isnull=True) | Q(grid_id=grid.pk),
        is_active=True,
        role__in=roles,
        community_id=grid.community_id,
    ).order_by("role", "display_name", "username")


def check_assignee(kind: str, user: User | None, grid: Grid) -> None:
    """DomainError (on field `kind`) unless `user` may be assigned to a place in `grid`."""
    if user is None:
        return
    roles = CADRE_ROLES if kind == "cadre" else MEDIC_ROLES
    if user.role not in roles or not user.is_active:
        message = (
            _("The assigned cadre must be an active grid worker, office staff or community leader.")
            if kind == "cadre"
            else _("The assigned medical worker must be an active medical worker.")
        )
        raise DomainError(message, field=kind)
    if user.community_id != grid.community_id or user.grid_id not in (None, grid.pk):
        # No name here: the staff member may be outside what the caller may see.
        raise DomainError(
            _("The chosen person does not work in this grid; choose someone who does."),
            field=kind,
        )


@transaction.atomic
def assign_building(
    by: User | None, building: Building, *, cadre: User | None, medic: User | None
) -> Building:
    """Set the 包楼 cadre and medical worker of a building."""
    check_assignee("cadre", cadre, building.grid)
    check_assignee("medic", medic, building.grid)
    before = audit.snapshot(building, ("cadre", "medic"))
    building.cadre, building.medic = cadre, medic
    building.save(update_fields=["cadre", "medic"])
    delta = audit.diff(before, audit.snapshot(building, ("cadre", "medic")))
    if delta:
        audit.record_object(
            by,
            AuditAction.UPDATE,
            building,
            changes=delta,
            township=building.grid.community.township_id,
        )
    return building
