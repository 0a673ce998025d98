import datetime as dt

import factory
from django.db.models import QuerySet

from fangkong.core.tests.factories import GridFactory
from fangkong.people.identity import check_digit
from fangkong.people.models import Household, Resident
from fangkong.people.romanization import romanize


def id_number(n: int, born: dt.date = dt.date(1980, 5, 17), female: bool = False) -> str:
    seq = (n % 499) * 2 + (0 if female else 1)
    first17 = f"420103{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    grid = factory.SubFactory(GridFactory)
    township_id = factory.SelfAttribute("grid.community.township_id")
    community_id = factory.SelfAttribute("grid.community_id")
    number = factory.Sequence(lambda n: f"{100 + n}")
    address = factory.LazyAttribute(lambda o: f"{o.grid} {o.number}")


class ResidentFactory(factory.django.DjangoModelFactory[Resident]):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    grid = factory.SelfAttribute("household.grid")
    township_id = factory.SelfAttribute("grid.community.township_id")
    community_id = factory.SelfAttribute("grid.community_id")
    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"])
    name_pinyin = factory.LazyAttribute(lambda o: romanize(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: romanize(o.name)[1])
    doc_number = factory.Sequence(
        lambda n: id_number(n, dt.date(1970 + n % 40, 1 + n % 12, 1 + n % 28))
    )
    birth_date = factory.LazyAttribute(
        lambda o: dt.date(
            int(o.doc_number[6:10]), int(o.doc_number[10:12]), int(o.doc_number[12:14])
        )
    )
    gender = "M"
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")


def with_document_prefix(prefix: str) -> QuerySet[Resident]:
    """The residents whose document number starts with `prefix`: the numbers are sealed, so
    no SQL can compare a prefix; opened and compared here instead (small test data only)."""
    pks = [r.pk for r in Resident.objects.all() if r.doc_number.startswith(prefix)]
    return Resident.objects.filter(pk__in=pks)
