"""Re-encrypt every encrypted value with the first of FIELD_ENCRYPTION_KEYS.

Rotation, step by step (docs/security.md):
1. put a new key in front: FIELD_ENCRYPTION_KEYS=NEW,OLD (or edit var/field_encryption_keys) and restart;
2. run ``manage.py rotate_keys``; it can run while the application is in use;
3. when it reports that every value uses the first key, remove OLD and restart.

The command walks every installed model with encrypted fields, in primary-key order, in batches that each commit on
their own. After each batch it writes how far it got to ``var/rotate_keys.json``, so a run that is interrupted
continues where it stopped; a value already encrypted with the first key is left as it is, so running the command
again is always safe. The new token keeps the original one's timestamp (``MultiFernet.rotate``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models.functions import Cast

from trove.core import crypto
from trove.core.fields import encrypted_fields

STATE_FILE_NAME = "rotate_keys.json"


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the first key of FIELD_ENCRYPTION_KEYS (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument(
            "--max-batches", type=int, default=None,
            help="Stop after this many batches; a later run continues from there.",
        )
        parser.add_argument("--restart", action="store_true", help="Forget recorded progress and walk every row.")

    def handle(self, *args, batch_size: int, max_batches: int | None, restart: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        self.state_path = Path(settings.VAR_DIR) / STATE_FILE_NAME
        self.state = self.load_state(restart=restart)
        self.batches_left = max_batches
        self.rotated = self.current = 0
        self.unreadable: list[str] = []

        targets = [(model, encrypted_fields(model)) for model in apps.get_models() if _is_own_table(model)]
        targets = [(model, fields) for model, fields in targets if fields]
        if not targets:
            self.stdout.write("No model has encrypted fields; nothing to do.")
            return
        for model, fields in targets:
            if not self.rotate_model(model, fields, batch_size):
                self.stdout.write(
                    f"Stopped after {max_batches} batch(es): {self.rotated} re-encrypted, {self.current} already on "
                    "the first key. Run the command again to continue."
                )
                return
        # The walk is complete: the next run starts from the beginning (and skips what is already current).
        self.state_path.unlink(missing_ok=True)
        if self.unreadable:
            listed = ", ".join(self.unreadable[:10]) + (" …" if len(self.unreadable) > 10 else "")
            raise CommandError(
                f"{len(self.unreadable)} value(s) cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS: {listed}. "
                "Put the key that encrypted them back into FIELD_ENCRYPTION_KEYS and run the command again."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {self.rotated} value(s) re-encrypted, {self.current} already on the first key. "
                "Every encrypted value now uses the first key; the other keys can be removed."
            )
        )

    def rotate_model(self, model: type[models.Model], fields: list, batch_size: int) -> bool:
        """Walk one model; False when --max-batches stopped the run."""
        label = f"{model._meta.label}.{'/'.join(field.name for field in fields)}"
        manager = model._base_manager
        last_pk = self.state["done"].get(model._meta.label)
        total = manager.count()
        done = 0 if last_pk is None else manager.filter(pk__lte=last_pk).count()
        raw_names = {field.attname: f"_raw_{field.attname}" for field in fields}
        # Cast to plain text so that the tokens come back as they are stored, not decrypted by the field.
        raw = {alias: Cast(attname, output_field=models.TextField()) for attname, alias in raw_names.items()}

        walked = False
        while True:
            if self.batches_left is not None and self.batches_left <= 0:
                return False
            with transaction.atomic():
                rows = manager.select_for_update().order_by("pk").annotate(**raw)
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows.values_list("pk", *raw.keys())[:batch_size])
                for pk, *tokens in batch:
                    new_values = {}
                    for (attname, _alias), token in zip(raw_names.items(), tokens, strict=True):
                        new_token = self.rotate_token(token, where=f"{model._meta.label} pk {pk} {attname}")
                        if new_token is not None:
                            # A Value with a plain text type is written as it is; the field would encrypt it again.
                            new_values[attname] = models.Value(new_token, output_field=models.TextField())
                    if new_values:
                        manager.filter(pk=pk).update(**new_values)
            if not batch:
                break
            walked = True
            last_pk = batch[-1][0]
            done += len(batch)
            self.state["done"][model._meta.label] = last_pk
            self.save_state()
            if self.batches_left is not None:
                self.batches_left -= 1
            self.stdout.write(f"{label}  {done}/{total} ({_percent(done, total)})")
            if len(batch) < batch_size:
                return True
        if not walked:
            # Nothing (more) to walk: say so, so that every model shows up in the output.
            self.stdout.write(f"{label}  {done}/{total} ({_percent(done, total)})")
        return True

    def rotate_token(self, token: str | None, *, where: str) -> str | None:
        if not token:
            return None
        try:
            new_token = crypto.rotate(token)
        except crypto.InvalidToken:
            self.unreadable.append(where)
            return None
        if new_token is None:
            self.current += 1
        else:
            self.rotated += 1
        return new_token

    # Progress between runs ------------------------------------------------------------------------------------------

    def fingerprint(self) -> dict:
        # Progress only counts for the same target key and database; neither the key nor its hash is stored in full.
        first_key = crypto._configured_keys()[0]
        database = connection.settings_dict
        return {
            "key": hashlib.sha256(first_key.encode()).hexdigest()[:16],
            "database": f"{database.get('ENGINE')}:{database.get('HOST', '')}:{database.get('NAME')}",
        }

    def load_state(self, *, restart: bool) -> dict:
        fresh = {**self.fingerprint(), "done": {}}
        if restart or not self.state_path.exists():
            return fresh
        try:
            state = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return fresh
        if any(state.get(name) != value for name, value in self.fingerprint().items()):
            return fresh
        if not isinstance(state.get("done"), dict):
            return fresh
        self.stdout.write(f"Continuing the rotation recorded in {self.state_path}.")
        return state

    def save_state(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        os.replace(temporary, self.state_path)


def _is_own_table(model: type[models.Model]) -> bool:
    meta = model._meta
    return meta.managed and not meta.proxy and not meta.swapped


def _percent(done: int, total: int) -> str:
    return f"{100 * done // total}%" if total else "100%"
