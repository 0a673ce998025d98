"""What imports brings to pages it does not own (fangkong.core.registry): its link."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

register_nav(
    "imports", "imports:job_list", _("Import"), order=180, group="manage", any_of=("import_people",)
)
