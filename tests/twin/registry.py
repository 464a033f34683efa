"""The twin's registry: one JSON file per twin in the contracts' dump format.

The file is the whole HKLM the twin knows about (``{"HKLM\\...": {value: {type, data}}}``); only the module
doubles write it, always atomically (temp file + ``os.replace``), so a test may read it at any moment.
Key and value names are case-insensitive as on Windows but keep the case they were created with, and a ``/``
is part of a key name (``Ciphers\\AES 128/128`` is one key), because only ``\\`` separates keys.
"""
from __future__ import annotations

import copy
import json
import os
import threading
from pathlib import Path

VALUE_TYPES = ("dword", "qword", "string", "expandstring", "multistring", "binary")


class RegistryWriteError(Exception):
    """A write the twin was told to fail (fault injection), named by path and value as Windows would."""


def normalise_path(path: str) -> str:
    parts = [p for p in path.replace("HKEY_LOCAL_MACHINE", "HKLM").split("\\") if p]
    return "\\".join(parts)


def parent_of(path: str) -> str | None:
    return path.rsplit("\\", 1)[0] if "\\" in path else None


def is_under(path: str, root: str) -> bool:
    p, r = path.lower(), root.lower()
    return p == r or p.startswith(r + "\\")


def same_data(vtype: str, a, b) -> bool:
    """Compare as the .ps1 does: numbers by value, multistrings as lists, strings exactly."""
    if vtype in ("dword", "qword"):
        return int(a) == int(b)
    if vtype in ("multistring", "binary"):
        return list(a) == list(b)
    return a == b


class RegistryStore:
    """A loaded registry file plus the lock that serialises the doubles' writes to it."""

    def __init__(self, path: Path, initial: dict | None = None):
        self.path = Path(path)
        self.lock = threading.RLock()
        self.write_guard = None  # callable(path, name) raising RegistryWriteError; set by the fault switchboard
        if self.path.exists():
            self._keys = json.loads(self.path.read_text())
        else:
            self._keys = {}
            for key, values in (initial or {}).items():
                self._keys[normalise_path(key)] = copy.deepcopy(values)
            self._fill_ancestors()
            self.save()

    # -- reading -----------------------------------------------------------------------------------------
    def _real_key(self, path: str) -> str | None:
        path = normalise_path(path)
        if path in self._keys:
            return path
        low = path.lower()
        return next((k for k in self._keys if k.lower() == low), None)

    def key_exists(self, path: str) -> bool:
        return self._real_key(path) is not None

    def get_value(self, path: str, name: str) -> dict | None:
        key = self._real_key(path)
        if key is None:
            return None
        values = self._keys[key]
        real = next((n for n in values if n.lower() == name.lower()), None)
        return copy.deepcopy(values[real]) if real is not None else None

    def subtree(self, path: str) -> dict:
        """Every key at or under ``path`` with its values, parents before children."""
        return {k: copy.deepcopy(v) for k, v in sorted(self._keys.items()) if is_under(k, path)}

    def dump(self, roots=None) -> dict:
        if roots is None:
            return copy.deepcopy(self._keys)
        out = {}
        for root in roots:
            out.update(self.subtree(normalise_path(root)))
        return out

    # -- writing (each call is one registry write; the fault switchboard may refuse it) ------------------
    def _guard(self, path: str, name: str | None) -> None:
        if self.write_guard is not None:
            self.write_guard(path, name)

    def ensure_key(self, path: str) -> list[str]:
        """Create ``path`` and missing parents; return the keys created, topmost first."""
        path = normalise_path(path)
        created = []
        cursor = path
        while cursor and cursor.upper() != "HKLM" and self._real_key(cursor) is None:
            created.insert(0, cursor)
            cursor = parent_of(cursor)
        if created:
            self._guard(path, None)
        for key in created:
            self._keys[key] = {}
        return created

    def set_value(self, path: str, name: str, vtype: str, data) -> list[str]:
        if vtype not in VALUE_TYPES:
            raise ValueError(f"unknown registry type {vtype!r}; use one of {', '.join(VALUE_TYPES)}")
        self._guard(normalise_path(path), name)
        created = self.ensure_key(path)
        values = self._keys[self._real_key(path)]
        real = next((n for n in values if n.lower() == name.lower()), name)
        values[real] = {"type": vtype, "data": data}
        return created

    def delete_value(self, path: str, name: str) -> None:
        key = self._real_key(path)
        if key is None:
            return
        self._guard(key, name)
        values = self._keys[key]
        real = next((n for n in values if n.lower() == name.lower()), None)
        if real is not None:
            del values[real]

    def delete_key(self, path: str) -> None:
        key = self._real_key(path)
        if key is None:
            return
        self._guard(key, None)
        for k in [k for k in self._keys if is_under(k, key)]:
            del self._keys[k]

    def _fill_ancestors(self) -> None:
        for key in list(self._keys):
            parent = parent_of(key)
            while parent and parent != "HKLM" and self._real_key(parent) is None:
                self._keys[parent] = {}
                parent = parent_of(parent)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(dict(sorted(self._keys.items())), indent=1, sort_keys=False))
        os.replace(tmp, self.path)
