"""Forms of the supplies pages: they check shape; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.textfields import TextForm

from .models import DonationKind, EquipmentKey, ItemKind, Lot, Purpose, Source

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class KindForm(TextForm):
    name = forms.CharField(label=_("Item"), max_length=50, help_text=_("e.g. 医用外科口罩"))
    unit = forms.CharField(label=_("Unit"), max_length=10, help_text=_("e.g. 个, 瓶, 台, 套"))
    low_threshold = forms.DecimalField(
        label=_("Warn at or below"), min_value=0, initial=0, max_digits=12, decimal_places=2
    )
    equipment_key = forms.ChoiceField(
        label=_("Counts as equipment of the 六个一"),
        choices=[("", _("No")), *EquipmentKey.choices],
        required=False,
    )
    is_agent = forms.BooleanField(label=_("A disinfection agent"), required=False)


class StockInForm(TextForm):
    kind = forms.ModelChoiceField(label=_("Item"), queryset=ItemKind.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2)
    source = forms.ChoiceField(label=_("From"), choices=Source.choices)
    supplier = forms.CharField(label=_("Supplier or donor"), max_length=100, required=False)
    batch = forms.CharField(label=_("Batch"), max_length=40, required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=_DATE)
    location = forms.CharField(label=_("Kept at"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, kinds: QuerySet[ItemKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]


class StockOutForm(TextForm):
    lot = forms.ModelChoiceField(label=_("Item and batch"), queryset=Lot.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2)
    purpose = forms.ChoiceField(
        label=_("For"), choices=[c for c in Purpose.choices if c[0] != Purpose.DISINFECTION]
    )
    gate = forms.TypedChoiceField(label=_("Gate"), coerce=int, required=False, empty_value=None)
    lockdown = forms.TypedChoiceField(
        label=_("Lockdown"), coerce=int, required=False, empty_value=None
    )
    supply_request = forms.TypedChoiceField(
        label=_("Supply request delivered"), coerce=int, required=False, empty_value=None
    )
    received_by = forms.CharField(
        label=_("Received by"), max_length=50, help_text=_("Who takes the goods.")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        lots: QuerySet[Lot],
        gates: list[tuple[int, str]],
        requests: list[tuple[int, str]],
        lockdowns: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots  # type: ignore[attr-defined]
        self.fields["gate"].choices = [("", _("None")), *gates]  # type: ignore[attr-defined]
        self.fields["lockdown"].choices = [("", _("None")), *lockdowns]  # type: ignore[attr-defined]
        self.fields["supply_request"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *requests,
        ]


class StockTakeForm(TextForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, lots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"lot_{lot.pk}"] = forms.DecimalField(
                label=f"{lot}（{lot.kind.unit}）",
                required=False,
                help_text=_("On the books: %(n)s") % {"n": lot.on_hand.normalize()},
                max_digits=12,
                decimal_places=2,
            )

    def counts(self) -> dict[int, Any]:
        return {
            lot.pk: self.cleaned_data[f"lot_{lot.pk}"]
            for lot in self.lots
            if self.cleaned_data.get(f"lot_{lot.pk}") is not None
        }


class DonationForm(TextForm):
    donor = forms.CharField(label=_("Donor"), max_length=100)
    donor_named = forms.BooleanField(
        label=_("The donor agreed to be named publicly"), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DonationKind.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        help_text=_("Money: yuan. Goods: the quantity."),
        max_digits=12,
        decimal_places=2,
    )
    unit = forms.CharField(label=_("Unit of the goods"), max_length=10, required=False)
    description = forms.CharField(label=_("What was given"), max_length=200, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=_DATE)
    receipt = forms.CharField(label=_("Receipt number"), max_length=40, required=False)
    publishable = forms.BooleanField(
        label=_("Show on the community's public list of donations"), required=False
    )


class UseForm(TextForm):
    amount = forms.DecimalField(label=_("Amount used"), max_digits=12, decimal_places=2)
    purpose = forms.CharField(label=_("Used for"), max_length=200)
    used_on = forms.DateField(label=_("Used on"), widget=_DATE)
