"""What the client keeps on disk (`cache_dir`): the last configuration known per
reference, channel routings, and conversations waiting to be uploaded. Every file
is written whole to a temporary name and renamed over the old one, so a crash
leaves the old file or the new one, never half of either."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


class Store:
    def __init__(self, root: str | os.PathLike | None):
        self.root = Path(root) if root is not None else None
        if self.root is not None:
            for folder in ("resolved", "routing", "pending"):
                (self.root / folder).mkdir(parents=True, exist_ok=True)

    def _path(self, folder: str, name: str) -> Path | None:
        if self.root is None:
            return None
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return self.root / folder / f"{digest}.json"

    def write(self, folder: str, name: str, document: dict[str, Any]) -> None:
        path = self._path(folder, name)
        if path is None:
            return
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file, ensure_ascii=False)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, folder: str, name: str) -> dict[str, Any] | None:
        path = self._path(folder, name)
        if path is None or not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # not ours, or damaged by hand: as if absent
            return None

    def delete(self, folder: str, name: str) -> None:
        path = self._path(folder, name)
        if path is not None:
            path.unlink(missing_ok=True)

    def all(self, folder: str) -> list[dict[str, Any]]:
        if self.root is None:
            return []
        found = []
        for path in sorted((self.root / folder).glob("*.json")):
            try:
                found.append(json.loads(path.read_text(encoding="utf-8")))
            except ValueError:
                continue
        return found
