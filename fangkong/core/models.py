"""Jurisdictions (township → community → grid → building → unit), staff users and the audit log.

Households and residents live in `fangkong.people`; a household hangs off a unit, or directly
off a grid in a village without buildings.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import weakref
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.validators import RegexValidator
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import prepared
from .placeorder import KEY_LENGTH, natural_key
from .roles import CoreCapability, Role, all_capabilities, capabilities_of, check_capability
from .scoping import ScopedQuerySet
from .sealed import DerivedField

township_code_validator = RegexValidator(
    r"^\d{9}$", _("A township division code has 9 digits (GB/T 2260 county code + 3).")
)
community_code_validator = RegexValidator(
    r"^\d{12}$", _("A community division code has 12 digits (statistical division code).")
)


class TownshipQuerySet(ScopedQuerySet["Township"]):
    scope_paths = {"township": "id", "community": "communities", "grid": "communities__grids"}
    view_capability = None


class Township(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("division code"), max_length=9, unique=True, validators=[township_code_validator]
    )
    county = models.CharField(_("county / district"), max_length=100, blank=True)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CommunityKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")


class CommunityQuerySet(ScopedQuerySet["Community"]):
    scope_paths = {"township": "township_id", "community": "id", "grid": "grids"}
    view_capability = None


class Community(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="communities", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[community_code_validator]
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=CommunityKind.choices, default=CommunityKind.COMMUNITY
    )
    #: the name's natural sort key (`core.placeorder`), written with the name
    sort_key = DerivedField(_("order"), max_length=KEY_LENGTH, source="name", derive=natural_key)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["township_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="community_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class GridQuerySet(ScopedQuerySet["Grid"]):
    scope_paths = {
        "township": "community__township_id",
        "community": "community_id",
        "grid": "id",
    }
    view_capability = None


class Grid(models.Model):
    """A grid (网格) in a community, or a village group (村民组) in a village."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    #: the name's natural sort key (`core.placeorder`), written with the name
    sort_key = DerivedField(_("order"), max_length=KEY_LENGTH, source="name", derive=natural_key)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community.name} {self.name}"


class BuildingQuerySet(ScopedQuerySet["Building"]):
    scope_paths = {
        "township": "grid__community__township_id",
        "community": "grid__community_id",
        "grid": "grid_id",
    }
    view_capability = CoreCapability.VIEW_JURISDICTIONS


class Building(models.Model):
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("grid")
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 3栋"))
    cadre = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre_buildings",
        verbose_name=_("assigned cadre"),
    )
    medic = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="medic_buildings",
        verbose_name=_("assigned medical worker"),
    )
    #: the name's natural sort key (`core.placeorder`), written with the name
    sort_key = DerivedField(_("order"), max_length=KEY_LENGTH, source="name", derive=natural_key)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="building_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(ScopedQuerySet["Unit"]):
    scope_paths = {
        "township": "building__grid__community__township_id",
        "community": "building__grid__community_id",
        "grid": "building__grid_id",
    }
    view_capability = CoreCapability.VIEW_JURISDICTIONS


class Unit(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 1单元"))
    #: the name's natural sort key (`core.placeorder`), written with the name
    sort_key = DerivedField(_("order"), max_length=KEY_LENGTH, source="name", derive=natural_key)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.building.name}{self.name}"


class UserQuerySet(ScopedQuerySet["User"]):
    scope_paths = {"township": "township_id", "community": "community_id", "grid": "grid_id"}
    view_capability = CoreCapability.VIEW_STAFF


class StaffManager(UserManager["User"]):
    """Django's user manager (`create_user`, …) over `UserQuerySet`, with its scoping.

    Written out rather than `UserManager.from_queryset(UserQuerySet)`, a dynamic base class
    the type checker cannot follow (every `User.objects` query would be untyped)."""

    _queryset_class = UserQuerySet

    def get_queryset(self) -> UserQuerySet:
        qs = super().get_queryset()
        assert isinstance(qs, UserQuerySet)
        return qs

    def in_jurisdiction(self, user: User | AnonymousUser) -> UserQuerySet:
        return self.get_queryset().in_jurisdiction(user)

    def visible_to(self, user: User | AnonymousUser) -> UserQuerySet:
        return self.get_queryset().visible_to(user)


class User(AbstractUser):
    """A staff member: one role, bound to one jurisdiction."""

    display_name = models.CharField(_("name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    phone = models.CharField(_("work phone"), max_length=20, blank=True)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("township"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("grid"),
    )

    objects: ClassVar[StaffManager] = StaffManager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["township_id", "community_id", "grid_id", "username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def scope(self) -> tuple[str | None, int | None]:
        """The narrowest jurisdiction the user is bound to, as (level, id)."""
        if self.grid_id is not None:
            return "grid", self.grid_id
        if self.community_id is not None:
            return "community", self.community_id
        if self.township_id is not None:
            return "township", self.township_id
        return None, None

    @property
    def capabilities(self) -> frozenset[str]:
        if self.is_superuser:
            return all_capabilities()
        return capabilities_of(self.role)

    def can(self, capability: str) -> bool:
        """Whether the user may do `capability` (UnknownCapability if no app declares it)."""
        return self.is_active and check_capability(capability) in self.capabilities

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves; a new password or a deactivated account also revokes all its API tokens.

        Here rather than in each action so that every way a password changes is covered
        (the staff page's reset, the admin's own password page, `fangkong changepassword`):
        they all call `set_password` then save, which Django marks with `_password` (a hash
        upgraded at login is not marked). Tokens are deleted, so reactivating the account
        brings none back. The actions that know who did it write the audit entry.
        """
        new_password = getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if self.pk is not None and (new_password or not self.is_active):
            ApiToken.objects.filter(user=self).delete()


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    REVEAL = "reveal", _("Revealed sensitive data")
    IMPORT = "import", _("Imported")
    EXPORT = "export", _("Exported")
    MERGE = "merge", _("Merged")
    DECIDE = "decide", _("Decided")
    TRANSITION = "transition", _("Status changed")
    SIGN = "sign", _("Signed")
    ACTIVATE = "activate", _("Activated")


class AuditEntryQuerySet(ScopedQuerySet["AuditEntry"]):
    scope_paths = {"township": "township_id"}
    view_capability = CoreCapability.VIEW_AUDIT


class AuditEntry(models.Model):
    """Who did what to which record, when, and why. Never edited, never deleted by the app."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    target_type = models.CharField(_("record type"), max_length=64)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("township")
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["township", "-at"], name="audit_township_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"


#: how often a token's last_used_at is written at most (seconds)
TOKEN_USE_INTERVAL = 300


@functools.cache
def _token_sql(vendor: str) -> str:
    """The user of a token digest, if active and the token not expired, with the token's id
    and whether its last_used_at is older than a given moment (or unset); built from the
    models' names."""
    quote = connection.ops.quote_name

    def col(model: type[models.Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return quote(field.column)

    user_cols = ", ".join(f"u.{quote(str(f.column))}" for f in User._meta.concrete_fields)
    last_used = f"t.{col(ApiToken, 'last_used_at')}"
    return (
        f"SELECT {user_cols}, t.{col(ApiToken, 'id')} AS token_id, "
        f"({last_used} IS NULL OR {last_used} < %s) AS token_stale "
        f"FROM {quote(ApiToken._meta.db_table)} t "
        f"INNER JOIN {quote(User._meta.db_table)} u "
        f"ON u.{col(User, 'id')} = t.{col(ApiToken, 'user')} "
        f"WHERE t.{col(ApiToken, 'digest')} = %s AND u.{col(User, 'is_active')} = %s "
        # Not expired: issued after the absolute limit's start, used (or issued) after the
        # idle limit's start.
        f"AND t.{col(ApiToken, 'created_at')} > %s "
        f"AND COALESCE({last_used}, t.{col(ApiToken, 'created_at')}) > %s"
    )


@functools.cache
def _user_attnames() -> list[str]:
    return [f.attname for f in User._meta.concrete_fields]


#: per connection: (index, column, converters) of the User's columns that the ORM converts
_converters: weakref.WeakKeyDictionary[Any, list[tuple[int, Any, list[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _user_converters(conn: Any) -> list[tuple[int, Any, list[Any]]]:
    found = _converters.get(conn)
    if found is None:
        found = []
        for i, field in enumerate(User._meta.concrete_fields):
            col = field.cached_col
            converters = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
            if converters:
                found.append((i, col, converters))
        _converters[conn] = found
    return found


def token_limits(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(issued after, used after): a token issued or last used before these has expired
    (settings FANGKONG_TOKEN_MAX_DAYS and FANGKONG_TOKEN_IDLE_DAYS)."""
    return (
        now - dt.timedelta(days=settings.FANGKONG_TOKEN_MAX_DAYS),
        now - dt.timedelta(days=settings.FANGKONG_TOKEN_IDLE_DAYS),
    )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self, now: dt.datetime | None = None) -> ApiTokenQuerySet:
        """The tokens that have not expired (the same rule as `authenticate`)."""
        issued_after, used_after = token_limits(now or timezone.now())
        return self.filter(created_at__gt=issued_after).filter(
            models.Q(last_used_at__gt=used_after)
            | models.Q(last_used_at__isnull=True, created_at__gt=used_after)
        )

    def authenticate(self, raw: str) -> User | None:
        """The active user of bearer token `raw`, else None.

        Checked against the database on every call (a deactivated user, or a revoked or
        expired token, is refused at once), in one statement joining the token to its user:
        the User comes back with all its fields, as `select_related` would load it. The token's
        last_used_at is written at most every TOKEN_USE_INTERVAL seconds. Plain SQL because
        the ORM's query compilation cost more than the query on every API request; it reads
        the tables directly (filters of this queryset do not apply).
        """
        now = timezone.now()
        conn = connections[DEFAULT_DB_ALIAS]  # this thread's, not the proxy
        ops = conn.ops
        stale_before = ops.adapt_datetimefield_value(now - dt.timedelta(seconds=TOKEN_USE_INTERVAL))
        issued_after, used_after = token_limits(now)
        params = (
            stale_before,
            ApiToken.digest_of(raw),
            True,
            ops.adapt_datetimefield_value(issued_after),
            ops.adapt_datetimefield_value(used_after),
        )
        with prepared.cursor(conn) as cursor:
            cursor.execute(_token_sql(conn.vendor), params)
            row = cursor.fetchone()
        if row is None:
            return None
        *values, token_id, stale = row
        # What the ORM does to each value it reads (e.g. aware datetimes on SQLite).
        for i, col, converters in _user_converters(conn):
            for convert in converters:
                values[i] = convert(values[i], col, conn)
        user = User.from_db(conn.alias, _user_attnames(), values)
        if stale:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        return user


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    @property
    def expires_at(self) -> dt.datetime:
        """When the token stops working unless it is used before (then later, up to the
        absolute limit)."""
        idle = dt.timedelta(days=settings.FANGKONG_TOKEN_IDLE_DAYS)
        absolute = self.created_at + dt.timedelta(days=settings.FANGKONG_TOKEN_MAX_DAYS)
        return min(absolute, (self.last_used_at or self.created_at) + idle)

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, **kwargs: Any) -> str:
        """A new token for `user` (the raw text, shown once); the user's expired ones go."""
        raw = secrets.token_urlsafe(32)
        mine = cls.objects.filter(user=user)
        mine.exclude(pk__in=mine.live().values("pk")).delete()
        cls.objects.create(user=user, digest=cls.digest_of(raw), **kwargs)
        return raw
