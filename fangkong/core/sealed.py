"""Model fields for sealed (encrypted) numbers and the clear columns derived from them.

`SealedField` keeps the plain value on the instance (`resident.doc_number` reads as typed) and
the sealed text in the database (`fangkong.core.sealing`). It cannot be compared in SQL: every
lookup but "is empty" (`doc_number=""`) and `isnull` is refused, so a query that forgot to use
the blind index fails loudly instead of silently finding nothing.

`DerivedField` is a clear column computed from another field when the row is written (by
`save()` and `bulk_create()` alike): the blind index, the last four characters, the masked
form shown in lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, Lookup

from . import sealing

if TYPE_CHECKING:
    # The stubs' fields are generic in the value set and the value read; Django's own classes
    # take no subscript at run time (without django-stubs-ext's patch, which is not installed
    # in production).
    _TextField = models.TextField[str, str]
    _CharField = models.CharField[str, str]
else:
    _TextField = models.TextField
    _CharField = models.CharField


def _by_index(lookup: Lookup[Any], values: list[Any], compiler: Any, connection: Any) -> Any:
    """`lookup` (on a sealed column) as the same test on the column's blind index."""
    field = lookup.lhs.output_field
    if not isinstance(lookup.lhs, Col) or not getattr(field, "index", None):
        raise TypeError(
            f"{field.name} is sealed and has no blind index: it cannot be compared in SQL"
        )
    ring = sealing.keyring()
    keys = [key for value in values if value for key in ring.indexes(field.kind, str(value))]
    index = Col(lookup.lhs.alias, field.model._meta.get_field(field.index))
    return compiler.compile(In(index, keys or [""]) if keys else Exact(index, "-"))


def _plain_rhs(rhs: Any, name: str) -> None:
    if hasattr(rhs, "resolve_expression"):
        raise TypeError(f"{name} is sealed: compare it through its blind index")


class _SealedExact(Exact):
    """`field=""` tests the column; `field="110…"` becomes `field_index IN (index, …)`."""

    def get_prep_lookup(self) -> Any:
        if self.rhs in ("", None):
            return super().get_prep_lookup()
        _plain_rhs(self.rhs, self.lhs.output_field.name)
        return self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if self.rhs in ("", None):
            return super().as_sql(compiler, connection)
        return _by_index(self, [self.rhs], compiler, connection)


class _SealedIn(In):
    """`field__in=[…]` becomes `field_index IN (the indexes of each value)`."""

    def get_prep_lookup(self) -> Any:
        _plain_rhs(self.rhs, self.lhs.output_field.name)
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        return _by_index(self, list(self.rhs), compiler, connection)


class SealedField(_TextField):
    """Text sealed with the data key; empty stays empty (it tells nothing).

    With `index` (the name of its blind-index field) and `kind` (`sealing.DOCUMENT` or
    `sealing.PHONE`), `field=value` and `field__in=values` are answered by the index."""

    def __init__(self, *args: Any, index: str = "", kind: str = "", **kwargs: Any) -> None:
        self.index = index
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.index:
            kwargs["index"] = self.index
            kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.aad = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return value
        return sealing.open_sealed(value, self.aad)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return sealing.seal(value, self.aad)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _SealedExact
        if lookup_name == "in":
            return _SealedIn
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def formfield(self, **kwargs: Any) -> Any:
        # One line of text, as the CharField it replaces (not a TextField's textarea).
        return super(models.TextField, self).formfield(**{"max_length": self.max_length, **kwargs})


class DerivedField(_CharField):
    """A clear column computed from `source` by `derive` each time the row is written."""

    def __init__(
        self, *args: Any, source: str, derive: Callable[[str], str], **kwargs: Any
    ) -> None:
        self.source = source
        self.derive = derive
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["derive"] = self.derive
        for key in ("editable", "blank"):
            kwargs.pop(key, None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.derive(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def refresh_derived(instance: models.Model) -> None:
    """Compute the derived columns of `instance` now (for `bulk_update` and raw writes)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, DerivedField):
            field.pre_save(instance, add=False)


def derived_names(model: type[models.Model], source: str) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, DerivedField) and f.source == source
    ]


def sealed_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, SealedField)]


def reseal(
    model: type[models.Model],
    *,
    using: str = "default",
    batch_size: int = 2000,
    max_batches: int | None = None,
    plain_ok: bool = False,
) -> tuple[int, bool]:
    """Seal again, under the current data key, every value of `model`'s sealed fields that is
    not already under it, and recompute the derived columns (blind index, last four, masked).

    Walks the table by primary key in batches, one transaction each, so it can be stopped and
    run again: rows already under the current key are skipped. With `plain_ok` (the data
    migration that first seals a table), a value that is not a sealed one is taken as plain
    text; otherwise it is an error. `max_batches` stops early (for running in windows).
    Returns (rows rewritten, finished).
    """
    from django.db import connections, transaction

    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]
    derived = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, DerivedField) and f.source in {s.name for s in fields}
    ]
    pk = model._meta.pk
    assert pk is not None
    select = (
        f"SELECT {quote(str(pk.column))}, {', '.join(quote(str(f.column)) for f in fields)} "
        f"FROM {quote(model._meta.db_table)} WHERE {quote(str(pk.column))} > %s "
        f"ORDER BY {quote(str(pk.column))} LIMIT {int(batch_size)}"
    )
    ring = sealing.keyring()
    current = ring.current.id
    last, done, batches = 0, 0, 0
    while True:
        if max_batches is not None and batches >= max_batches:
            return done, False
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(select, [last])
                rows = cursor.fetchall()
            if not rows:
                return done, True
            last = rows[-1][0]
            stale = []
            for row_pk, *values in rows:
                if not plain_ok and all(
                    sealing.key_id_of(v or "") in (None, current) for v in values
                ):
                    continue
                obj = model(pk=row_pk)
                for field, value in zip(fields, values, strict=True):
                    setattr(obj, field.attname, _open(ring, value or "", field.aad, plain_ok))
                for column in model._meta.concrete_fields:
                    if isinstance(column, DerivedField) and column.name in derived:
                        column.pre_save(obj, add=False)
                stale.append(obj)
            if stale:
                model._default_manager.using(using).bulk_update(
                    stale, [*(f.name for f in fields), *derived]
                )
            done += len(stale)
            batches += 1


def _open(ring: sealing.Keyring, value: str, aad: str, plain_ok: bool) -> str:
    try:
        return ring.open(value, aad)
    except sealing.SealError:
        if plain_ok:
            return value
        raise


def with_derived(model: type[models.Model], kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` of a queryset's `update()` with the columns derived from the sealed fields it
    sets (`update(doc_number=…)` also writes the index, the last four, the masked form).

    A model with sealed fields overrides its queryset's `update` to pass its arguments through
    this (`people.models.ResidentQuerySet`)."""
    out = dict(kwargs)
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, DerivedField)
            and field.source in kwargs
            and field.name not in kwargs  # bulk_update passes them, computed
        ):
            value = kwargs[field.source]
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{field.source} is sealed: update it with a plain value")
            out[field.name] = field.derive(value or "")
    return out


def unseal(model: type[models.Model], *, using: str = "default") -> None:
    """Write every sealed value of `model` back in clear (a data migration's reverse)."""
    from django.db import connections

    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]
    pk = model._meta.pk
    assert pk is not None
    table, key = quote(model._meta.db_table), quote(str(pk.column))
    ring = sealing.keyring()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, {', '.join(quote(str(f.column)) for f in fields)} FROM {table}"
        )
        rows = cursor.fetchall()
        sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {key} = %s",
            [
                [*(_open(ring, v or "", f.aad, True) for f, v in zip(fields, vs, strict=True)), pk]
                for pk, *vs in rows
            ],
        )
