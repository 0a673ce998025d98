"""Staff roles, and the registry of what each may do.

Each app declares its own capabilities (a `StrEnum` in its `capabilities.py`) and grants them
to roles with `register_capabilities`; core declares its own below. Views, the API, exports
and the admin ask `can(user, capability)` (`core.access`) with a registered capability, and an
unregistered one is an error, never a silent "no". Jurisdiction (which rows) is decided
separately by each model's `visible_to(user)` queryset.

Every app's `capabilities.py` is imported when its models are (they name their capability)
and by `CoreConfig.ready` (`discover("capabilities")`), before any navigation is registered.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWNSHIP_ADMIN = "township_admin", _("Township administrator")
    COMMUNITY_LEADER = "community_leader", _("Community leader")
    OFFICE_STAFF = "office_staff", _("Office staff")
    GRID_WORKER = "grid_worker", _("Grid worker / cadre")
    MEDICAL_WORKER = "medical_worker", _("Medical worker")
    CHECKPOINT_GUARD = "checkpoint_guard", _("Checkpoint guard")
    VOLUNTEER = "volunteer", _("Volunteer")
    POLICE_OFFICER = "police_officer", _("Police officer")


class CoreCapability(StrEnum):
    """Core's own capabilities: the registry of people, the jurisdictions, the staff, the
    audit log and the admin site."""

    VIEW_PEOPLE = "view_people"
    VIEW_JURISDICTIONS = "view_jurisdictions"
    MANAGE_JURISDICTIONS = "manage_jurisdictions"
    VIEW_STAFF = "view_staff"
    MANAGE_STAFF = "manage_staff"
    VIEW_AUDIT = "view_audit"
    USE_ADMIN = "use_admin"


class UnknownCapability(LookupError):
    """A capability no installed app declares (a typo, or an app that is not installed)."""


#: Every registered capability → the app (its enum's module) that declares it.
_DECLARED: dict[str, str] = {}
#: Capabilities a township administrator does not hold although they are registered (the
#: personal signatures of the people who 包保 a case).
_WITHHELD_FROM_ADMIN: set[str] = set()
#: The grants of the roles other than the township administrator, as registered.
_GRANTS: dict[str, set[str]] = {role: set() for role in Role.values}

#: Each role → the capabilities it holds, rebuilt at each registration. The township
#: administrator holds every registered capability but those withheld from them.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {role: frozenset() for role in Role.values}


def register_capabilities(
    declared: type[StrEnum],
    grants: Mapping[str, Iterable[StrEnum]],
    *,
    withheld_from_admin: Iterable[StrEnum] = (),
) -> None:
    """Declare an app's capabilities (every member of `declared`) and grant them to roles.

    `grants` maps a role to the capabilities of `declared` it holds; the township
    administrator is granted all of them but `withheld_from_admin`, and is not listed.
    Registering the same enum again (a re-import) replaces its grants.
    """
    owner = declared.__module__
    values = {str(c) for c in declared}
    for value in values:
        if _DECLARED.get(value, owner) != owner:
            raise ValueError(f"capability {value!r} is declared twice: {_DECLARED[value]}, {owner}")
    for role, capabilities in grants.items():
        if role not in _GRANTS:
            raise ValueError(f"{owner} grants capabilities to an unknown role {role!r}")
        foreign = {str(c) for c in capabilities} - values
        if foreign:
            raise ValueError(f"{owner} grants capabilities it does not declare: {sorted(foreign)}")
    withheld = {str(c) for c in withheld_from_admin}
    if withheld - values:
        raise ValueError(f"{owner} withholds capabilities it does not declare")
    for value in values:
        _DECLARED[value] = owner
        _WITHHELD_FROM_ADMIN.discard(value)
        for held in _GRANTS.values():
            held.discard(value)
    _WITHHELD_FROM_ADMIN.update(withheld)
    for role, capabilities in grants.items():
        _GRANTS[role].update(str(c) for c in capabilities)
    for role, held in _GRANTS.items():
        ROLE_CAPABILITIES[role] = frozenset(held)
    ROLE_CAPABILITIES[Role.TOWNSHIP_ADMIN] = all_capabilities() - _WITHHELD_FROM_ADMIN


def all_capabilities() -> frozenset[str]:
    """Every capability an installed app declares."""
    return frozenset(_DECLARED)


def check_capability(capability: str) -> str:
    """`capability` itself if an installed app declares it; UnknownCapability otherwise."""
    if capability not in _DECLARED:
        raise UnknownCapability(
            f"no installed app declares the capability {capability!r} "
            "(declare it in the app's capabilities.py with register_capabilities)"
        )
    return capability


def capabilities_of(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(capability: str) -> list[str]:
    """The roles that hold `capability`, in the order of `Role`."""
    check_capability(capability)
    return [role for role in Role.values if capability in capabilities_of(role)]


register_capabilities(
    CoreCapability,
    {
        Role.COMMUNITY_LEADER: {
            CoreCapability.VIEW_PEOPLE,
            CoreCapability.VIEW_JURISDICTIONS,
            CoreCapability.MANAGE_JURISDICTIONS,
            CoreCapability.VIEW_STAFF,
            CoreCapability.MANAGE_STAFF,
        },
        Role.OFFICE_STAFF: {
            CoreCapability.VIEW_PEOPLE,
            CoreCapability.VIEW_JURISDICTIONS,
            CoreCapability.VIEW_STAFF,
        },
        Role.GRID_WORKER: {
            CoreCapability.VIEW_PEOPLE,
            CoreCapability.VIEW_JURISDICTIONS,
            CoreCapability.VIEW_STAFF,
        },
        Role.MEDICAL_WORKER: {
            CoreCapability.VIEW_PEOPLE,
            CoreCapability.VIEW_JURISDICTIONS,
            CoreCapability.VIEW_STAFF,
        },
        Role.POLICE_OFFICER: {CoreCapability.VIEW_PEOPLE, CoreCapability.VIEW_JURISDICTIONS},
    },
)


# The jurisdiction level a role is bound to. Township admins hold a township, grid workers a
# grid, everyone else a community (a medical worker or guard may also be narrowed to a grid).
ROLE_LEVEL: dict[str, str] = {
    Role.TOWNSHIP_ADMIN: "township",
    Role.COMMUNITY_LEADER: "community",
    Role.OFFICE_STAFF: "community",
    Role.GRID_WORKER: "grid",
    Role.MEDICAL_WORKER: "community",
    Role.CHECKPOINT_GUARD: "community",
    Role.VOLUNTEER: "community",
    Role.POLICE_OFFICER: "community",
}

# Roles a manager may create: a community leader staffs their own community, never a
# township admin.
ASSIGNABLE_BY: dict[str, frozenset[str]] = {
    Role.TOWNSHIP_ADMIN: frozenset(Role.values),
    Role.COMMUNITY_LEADER: frozenset(set(Role.values) - {Role.TOWNSHIP_ADMIN}),
}
