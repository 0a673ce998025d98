"""`fangkong rotate_data_key`: seal every document and phone number again under a new key.

Set the new key as FANGKONG_DATA_KEY and the one being retired as FANGKONG_DATA_KEY_OLD, then
run this. The app keeps working meanwhile with both variables set: a value is opened with the
key its first byte names, and lookups try both blind indexes. Each table is walked by primary
key in batches, one transaction each; rows already under the new key are skipped, so an
interrupted run is simply started again. When it reports every table done, remove
FANGKONG_DATA_KEY_OLD.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit, sealing
from fangkong.core.models import AuditAction
from fangkong.core.sealed import reseal, sealed_names


class Command(BaseCommand):
    help = (
        "Re-encrypt document and phone numbers under FANGKONG_DATA_KEY (the new key), "
        "opening them with FANGKONG_DATA_KEY_OLD; resumable."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="stop after this many batches per table (run again to go on)",
        )

    def handle(self, *args: Any, batch_size: int, max_batches: int | None, **options: Any) -> None:
        if not settings.DATA_KEY_OLD:
            raise CommandError(
                "Set FANGKONG_DATA_KEY_OLD to the key being retired and FANGKONG_DATA_KEY "
                "to the new one."
            )
        ring = sealing.keyring()
        if ring.old is not None and ring.old.id == ring.current.id:
            raise CommandError(
                "The new key has the same key id as the old one (1 in 256): make another new key."
            )
        total, finished = 0, True
        for model in apps.get_models():
            if not sealed_names(model):
                continue
            done, complete = reseal(model, batch_size=batch_size, max_batches=max_batches)
            total += done
            finished = finished and complete
            state = "done" if complete else "stopped early, run again"
            self.stdout.write(f"{model._meta.label}: {done} rows sealed again ({state})")
        audit.record(
            None,
            AuditAction.UPDATE,
            target_type="data_key",
            target_repr=f"key {ring.current.id}",
            changes={"rows": total, "finished": finished},
            reason="rotate_data_key",
        )
        if finished:
            self.stdout.write("Every value is under the new key: FANGKONG_DATA_KEY_OLD can go.")
