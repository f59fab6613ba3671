"""Uploads kept between the preview and the confirmation, in a private directory.

The directory is under MEDIA_ROOT but nothing serves it (published reports are served only
through a view); each upload gets a random name, is tied to its plan, and is deleted once
applied or after UPLOAD_LIFETIME. The file is never executed or sent back.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from actionplan.models import Plan

UPLOAD_LIFETIME = 2 * 60 * 60  # seconds
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StashedUpload:
    token: str
    filename: str
    data: bytes
    uploaded_by: str
    mapping: dict[str, str] | None = None  # the columns as the user mapped them, if they did


def _directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "private-imports"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _clear_expired(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_LIFETIME
    for path in directory.glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            discard(path.stem)


def stash(*, plan: Plan, filename: str, data: bytes, uploaded_by: str) -> str:
    """Keep the upload for its preview; returns the random token naming it."""
    directory = _directory()
    _clear_expired(directory)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.upload").write_bytes(data)
    meta = {"plan": plan.pk, "filename": Path(filename).name[:200], "by": uploaded_by}
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def fetch(*, plan: Plan, token: str) -> StashedUpload | None:
    """The upload, if the token names one of this plan's that has not expired."""
    if not _TOKEN_RE.match(token):
        return None
    directory = _directory()
    upload, meta_path = directory / f"{token}.upload", directory / f"{token}.json"
    try:
        if upload.stat().st_mtime < time.time() - UPLOAD_LIFETIME:
            discard(token)
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = upload.read_bytes()
    except (OSError, ValueError):
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
    meta_path = _directory() / f"{token}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["mapping"] = mapping
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return True


def discard(token: str) -> None:
    if not _TOKEN_RE.match(token):
        return
    directory = _directory()
    for suffix in (".upload", ".json"):
        (directory / f"{token}{suffix}").unlink(missing_ok=True)
