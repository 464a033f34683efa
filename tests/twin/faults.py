r"""Faults on demand, read from ``DIR/<name>/faults.json`` so a test (or ``python -m tests.twin fault``) can
switch them on while the twin runs.

``{"drop_connection": N}``         the next N module executions run, then the WinRM connection is cut
                                   before the answer is sent (the "connection dropped mid-command" case);
                                   with ``"drop_module": "win_schannel"`` only executions of that module
                                   (fully qualified name or its last part) count;
``{"fail_writes": [{"path": P, "name": V}]}``  a registry write to that value (``name`` null: any write to that
                                   key or its creation/removal) fails with the .NET text: "Requested registry access
                                   is not allowed." for a value (the key cannot be opened for write), "Access to the
                                   registry key 'HKEY_LOCAL_MACHINE\...' is denied." for creating or removing a key;
                                   optional ``"actions"``: only these writes (create_key, delete_key, set_value,
                                   delete_value), e.g. a value that can be written but whose undo fails;
``{"cut_after_writes": N}``        the next module execution ends after its N-th registry write (N = 0: before its
                                   first) as a killed PowerShell host does: no rollback, no JSON, rc 1; with
                                   ``"cut_module": "win_schannel"`` only that module counts; consumed once;
``{"fail_reads": [P, ...]}``        win_schannel_info cannot open that key for reading ("Requested registry access is
                                   not allowed."): it lists it in ``read_errors``, warns, and goes on;
``{"refuse_after_reboot": S}``     after the next reboot the endpoints stay down S seconds longer.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from .registry import RegistryWriteError, dotnet_name, trim

# Every key a fault file may hold; ``python -m tests.twin fault`` has a flag for each (a test holds it to that).
FAULT_KEYS = ("drop_connection", "drop_module", "fail_writes", "cut_after_writes", "cut_module", "fail_reads",
              "refuse_after_reboot")
WRITE_ACTIONS = ("create_key", "delete_key", "set_value", "delete_value")


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

    def clear(self) -> dict:
        with self._lock:
            self._write({})
            return {}

    def check_write(self, path: str, name: str | None, action: str = "set_value") -> None:
        """Registry write guard: raise, with the .NET text, for a write the fault file says must fail."""
        for rule in self.read().get("fail_writes") or []:
            if trim(rule.get("path", "")).lower() != trim(path).lower():
                continue
            if rule.get("actions") and action not in rule["actions"]:
                continue
            if (rule.get("name") or None) is None or (name or "").lower() == str(rule.get("name")).lower():
                if action in ("create_key", "delete_key"):
                    raise RegistryWriteError(f"Access to the registry key '{dotnet_name(path)}' is denied.")
                raise RegistryWriteError("Requested registry access is not allowed.")

    def check_read(self, path: str) -> None:
        for rule in self.read().get("fail_reads") or []:
            if trim(rule).lower() == trim(path).lower():
                raise RegistryWriteError("Requested registry access is not allowed.")

    def take_cut(self, module: str = "") -> int | None:
        """Consume an armed ``cut_after_writes`` (for ``module`` when ``cut_module`` is set): the write count."""
        with self._lock:
            data = self.read()
            count = data.get("cut_after_writes")
            only = data.get("cut_module")
            if count is None or (only and only not in (module, module.rsplit(".", 1)[-1])):
                return None
            data.pop("cut_after_writes", None)
            data.pop("cut_module", None)
            self._write(data)
            return int(count)

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
