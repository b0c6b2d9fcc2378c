"""The key that keeps personal data out of what we store for other purposes.

A submission's fingerprint (consultation.comments.services.fingerprint) is a keyed HMAC, so that a
copy of the database, a backup or a log does not let anyone test guesses of a phone number
offline against content, channel and day, which are public. The key is PERSONAL_DATA_KEY;
when unset, a random key kept in the instance folder (created once, shared by every worker
of the host). Several hosts must share one key: set PERSONAL_DATA_KEY on each.
"""

import hashlib
import hmac
import os
import secrets

from flask import Flask, current_app

_FILE = "personal-data.key"


def init_app(app: Flask) -> None:
    key = app.config.get("PERSONAL_DATA_KEY") or instance_key(app.instance_path, _FILE, "PERSONAL_DATA_KEY")
    app.extensions["personal_data_key"] = key.encode() if isinstance(key, str) else key


def instance_key(instance_path: str, name: str, setting: str) -> str:
    """A random key kept in the instance folder as `name`, made by the first worker that asks,
    read by every other worker of the host (`setting` names the setting that replaces it)."""
    path = os.path.join(instance_path, name)
    try:
        # O_EXCL: of several workers starting at once, one writes the key and all read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    for _ in range(50):
        with open(path) as file:
            key = file.read().strip()
        if key:
            return key
        os.sched_yield()  # written in the same instant by another worker
    raise RuntimeError(f"{path} is empty: delete it, or set {setting}")


def key() -> bytes:
    """The current app's key (an app built without create_app, as a migration test's, gets
    its key here)."""
    if "personal_data_key" not in current_app.extensions:
        init_app(current_app)
    return current_app.extensions["personal_data_key"]


def keyed_hash(data: bytes) -> str:
    """HMAC-SHA256 of `data` under the personal-data key, as 64 hex digits."""
    return hmac.new(key(), data, hashlib.sha256).hexdigest()
