"""Faults on demand, read from ``DIR/<name>/faults.json`` so a test (or ``python -m tests.twin fault``) can
switch them on while the twin runs.

``{"drop_connection": N}``         the next N module executions run, then the WinRM connection is cut
                                   before the answer is sent (the "connection dropped mid-command" case);
                                   with ``"drop_module": "win_schannel"`` only executions of that module
                                   (fully qualified name or its last part) count;
``{"fail_writes": [{"path": P, "name": V}]}``  a registry write to that value (``name`` null: that key) fails;
``{"refuse_after_reboot": S}``     after the next reboot the endpoints stay down S seconds longer.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from .registry import RegistryWriteError, normalise_path


class Faults:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def read(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, self.path)

    def update(self, **changes) -> dict:
        with self._lock:
            data = self.read()
            for key, value in changes.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            self._write(data)
            return data

    def check_write(self, path: str, name: str | None) -> None:
        """Registry write guard: raise for a write the fault file says must fail."""
        for rule in self.read().get("fail_writes") or []:
            if normalise_path(rule.get("path", "")).lower() != normalise_path(path).lower():
                continue
            if (rule.get("name") or None) is None or (name or "").lower() == str(rule.get("name")).lower():
                raise RegistryWriteError("Access is denied (fault injected by the twin)")

    def take_drop(self, module: str = "") -> bool:
        """Consume one ``drop_connection`` if any is armed (for ``module``, when ``drop_module`` is set)."""
        with self._lock:
            data = self.read()
            count = int(data.get("drop_connection") or 0)
            only = data.get("drop_module")
            if count <= 0 or (only and only not in (module, module.rsplit(".", 1)[-1])):
                return False
            data["drop_connection"] = count - 1
            self._write(data)
            return True

    def take_refusal(self) -> float:
        with self._lock:
            data = self.read()
            seconds = float(data.pop("refuse_after_reboot", 0) or 0)
            if seconds:
                self._write(data)
            return seconds
