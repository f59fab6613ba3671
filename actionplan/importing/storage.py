"""Uploads kept between the preview and the confirmation, in the site's private file storage.

They go through Django's default storage (a directory under MEDIA_ROOT on one machine, the
shared bucket on several), so a preview shown by one machine can be confirmed on another.
Nothing serves them: each upload gets a random name, is tied to its plan, and is deleted once
applied or after UPLOAD_LIFETIME. The file is never executed or sent back.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from actionplan.models import Plan

logger = logging.getLogger(__name__)

UPLOAD_LIFETIME = 2 * 60 * 60  # seconds
DIRECTORY = "private-imports"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StashedUpload:
    token: str
    filename: str
    data: bytes
    uploaded_by: str
    mapping: dict[str, str] | None = None  # the columns as the user mapped them, if they did


def _name(token: str, suffix: str) -> str:
    return f"{DIRECTORY}/{token}{suffix}"


def _expired(name: str) -> bool:
    cutoff = timezone.now() - timedelta(seconds=UPLOAD_LIFETIME)
    return default_storage.get_modified_time(name) < cutoff


def _clear_expired() -> None:
    """Best effort: a file another machine removes meanwhile is no reason to refuse an upload."""
    try:
        _, names = default_storage.listdir(DIRECTORY)
    except FileNotFoundError:  # nothing stashed yet on this disk
        return
    for name in names:
        if not name.endswith(".upload"):
            continue
        try:
            expired = _expired(f"{DIRECTORY}/{name}")
        except Exception:
            logger.warning("Could not check the age of the stashed upload %s", name, exc_info=True)
            continue
        if expired:
            discard(name.removesuffix(".upload"))


def stash(*, plan: Plan, filename: str, data: bytes, uploaded_by: str) -> str:
    """Keep the upload for its preview; returns the random token naming it."""
    _clear_expired()
    token = secrets.token_urlsafe(24)
    meta = {"plan": plan.pk, "filename": PurePath(filename).name[:200], "by": uploaded_by}
    # The description first: an upload is only found once both are there.
    default_storage.save(_name(token, ".json"), ContentFile(json.dumps(meta).encode()))
    default_storage.save(_name(token, ".upload"), ContentFile(data))
    return token


def fetch(*, plan: Plan, token: str) -> StashedUpload | None:
    """The upload, if the token names one of this plan's that has not expired."""
    if not _TOKEN_RE.match(token):
        return None
    upload, meta_name = _name(token, ".upload"), _name(token, ".json")
    try:  # opened first: a missing file is FileNotFoundError on every storage
        with default_storage.open(upload, "rb") as handle:
            data = handle.read()
        with default_storage.open(meta_name, "rb") as handle:
            meta = json.loads(handle.read().decode("utf-8"))
        expired = _expired(upload)
    except (OSError, ValueError):
        return None
    if expired:
        discard(token)
        return None
    if meta.get("plan") != plan.pk:
        return None
    mapping = meta.get("mapping")
    return StashedUpload(
        token,
        meta["filename"],
        data,
        meta.get("by", ""),
        {str(k): str(v) for k, v in mapping.items()} if isinstance(mapping, dict) else None,
    )


def set_mapping(*, plan: Plan, token: str, mapping: dict[str, str]) -> bool:
    """Keep the user's column mapping with the upload; False if the upload is gone."""
    if fetch(plan=plan, token=token) is None:
        return False
    meta_name = _name(token, ".json")
    with default_storage.open(meta_name, "rb") as handle:
        meta = json.loads(handle.read().decode("utf-8"))
    meta["mapping"] = mapping
    # Storages never overwrite a name (they would pick another): replace the description.
    default_storage.delete(meta_name)
    default_storage.save(meta_name, ContentFile(json.dumps(meta).encode()))
    return True


def discard(token: str) -> None:
    if not _TOKEN_RE.match(token):
        return
    for suffix in (".upload", ".json"):
        default_storage.delete(_name(token, suffix))
