"""Finding residents: one search box and a few filters, shared by the list page, the export
and the API so that "export this list" exports exactly what the list shows.

The search box decides by the shape of what was typed, so each shape hits one index:
- a whole document or phone number (digits, or letters with digits as on a passport):
  exact match only, so that masked numbers cannot be uncovered by prefix searches;
- latin letters: pinyin initials or full pinyin, by prefix (lower-cased, as stored);
- Chinese characters with a digit or an address word (栋, 单元, 室, 号, 组, …): the address;
- other Chinese text: the name, by prefix.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from django import forms
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.db.models.lookups import Contains
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

from fangkong.core import sealing
from fangkong.core.models import Building, Grid, User
from fangkong.core.textfields import TextForm

from .identity import upgrade_legacy
from .models import ResidenceType, Resident, VulnerableTag

# A document or phone number: ASCII letters and digits with at least one digit.
_NUMBER = re.compile(r"^(?=.*[0-9])[0-9A-Za-z]+$", re.ASCII)
MIN_NUMBER_LENGTH = 7
_LATIN = re.compile(r"^[A-Za-z]+$")
_ADDRESS_HINT = re.compile(r"[0-9０-９]|栋|幢|楼|单元|室|号|组|村|路|街|巷|弄")


def search_query(text: str) -> Q:
    """The condition for one search-box string (empty Q for an empty string)."""
    q = "".join(unicodedata.normalize("NFKC", text).split())
    if not q:
        return Q()
    number = q.replace("-", "")
    if _NUMBER.match(number) and len(number) >= MIN_NUMBER_LENGTH:
        # Whole numbers only: a prefix search would let anyone uncover a masked number digit
        # by digit, without the audited reveal.
        upper = number.upper()
        # Found through the blind indexes: the numbers themselves are sealed.
        documents = sealing.document_indexes(upper)
        if len(upper) == 15 and upper.isdigit():  # a first-generation ID, stored upgraded
            documents += sealing.document_indexes(upgrade_legacy(upper))
        return Q(doc_index__in=documents) | Q(phone_index__in=sealing.phone_indexes(upper))
    if _LATIN.match(q):
        lower = q.lower()
        return Q(name_initials__startswith=lower) | Q(name_pinyin__startswith=lower)
    if _ADDRESS_HINT.search(q):
        return address_contains(q)
    return Q(name__startswith=q)


def address_contains(text: str, field: str = "household__address") -> Q:
    """The condition "the address in `field` holds `text`", spaces ignored on both sides:
    "1栋1单元201", "1栋 1单元 201" and "１栋 １单元201" all find 某社区 第一网格 1栋 1单元 201.
    Addresses are stored with spaces between their parts (`people.actions.household_address`)."""
    q = "".join(unicodedata.normalize("NFKC", text).split())
    if not q:
        return Q()
    spaceless = Replace(Replace(F(field), Value(" ")), Value("\u3000"))
    return Q(Contains(spaceless, q))


BUILDING_CHOICES_LIMIT = 200


class ResidentFilterForm(TextForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, pinyin initials, ID number, phone or address")}
        ),
    )
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    tag = forms.ChoiceField(
        label=_("Vulnerable group"),
        choices=[("", "---------"), *VulnerableTag.choices],
        required=False,
    )
    residence_type = forms.ChoiceField(
        label=_("Residence type"),
        choices=[("", "---------"), *ResidenceType.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid_field = cast("forms.ModelChoiceField[Grid]", self.fields["grid"])
        grid_field.queryset = Grid.objects.visible_to(user).select_related("community")
        buildings = Building.objects.visible_to(user)
        building_field = cast("forms.ModelChoiceField[Building]", self.fields["building"])
        building_field.queryset = buildings
        # Worked out only when the drop-down is rendered (the API and export never render it).
        building_field.widget.choices = CallableChoiceIterator(
            lambda: self._building_choices(buildings)
        )

    def _building_choices(self, buildings: QuerySet[Building]) -> list[tuple[Any, Any]]:
        """Offer the buildings of the chosen grid; a township's thousands of buildings in one
        drop-down would weigh down every page load. Any visible building still validates."""
        grid = self.data.get("grid") if self.is_bound else None
        if grid and str(grid).isdigit():
            buildings = buildings.filter(grid_id=int(grid))
        shown = list(buildings.select_related("grid")[: BUILDING_CHOICES_LIMIT + 1])
        if len(shown) > BUILDING_CHOICES_LIMIT:
            return [("", _("Choose a grid first"))]
        return [("", "---------")] + [(b.pk, f"{b.grid.name} {b.name}") for b in shown]

    def apply(self, qs: QuerySet[Resident]) -> QuerySet[Resident]:
        """Narrow `qs` (already scoped to the user) by the valid filters."""
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        qs = qs.filter(search_query(data["q"] or ""))
        if data["grid"]:
            qs = qs.filter(grid=data["grid"])
        if data["building"]:
            qs = qs.filter(household__building=data["building"])
        if data["tag"]:
            qs = qs.filter(tags__tag=data["tag"])
        if data["residence_type"]:
            qs = qs.filter(residence_type=data["residence_type"])
        return qs


def filtered_residents(user: User, params: Any) -> tuple[ResidentFilterForm, QuerySet[Resident]]:
    """The user's residents narrowed by request parameters, newest merges excluded."""
    form = ResidentFilterForm(params or None, user=user)
    qs: QuerySet[Resident] = Resident.objects.visible_to(user).active()
    if params:
        qs = form.apply(qs)
    return form, qs
