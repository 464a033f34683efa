"""The twin's registry: one JSON file per twin in the contracts' dump format.

The file is the whole HKLM the twin knows about (``{"HKLM\\...": {value: {type, data}}}``). Every write is saved
at once (temp file + ``os.replace``), as Windows makes each registry write durable on its own, so a run cut after
its N-th write leaves exactly N writes behind and a test may read the file at any moment.
Key and value names are case-insensitive as on Windows but keep the case they were created with, and a ``/``
is part of a key name (``Ciphers\\AES 128/128`` is one key), because only ``\\`` separates keys. Paths are taken
as given (``HKLM\\`` in any case); only a trailing ``\\`` is trimmed, as the ``.ps1`` does for its .NET call.
"""
from __future__ import annotations

import copy
import json
import os
import threading
from pathlib import Path

# REG_* kinds the modules read and write; "none" is REG_NONE (data: byte list). "unknown" is what .NET reports as
# RegistryValueKind.Unknown (REG_LINK, REG_RESOURCE_LIST, ...): it can be stored and dumped, never written.
VALUE_TYPES = ("dword", "qword", "string", "expandstring", "multistring", "binary", "none")
STORED_TYPES = VALUE_TYPES + ("unknown",)
ROOT = "HKLM"


class RegistryWriteError(Exception):
    """A write the registry refused, with the text .NET gives for it."""


class ProcessCut(BaseException):
    """The module's PowerShell process ended here (fault "cut after N writes"): no rollback, no result.

    A ``BaseException`` so that no ``except Exception`` of a double (its rollback) can catch it, as a killed
    process runs no ``catch`` block either."""


def trim(path: str) -> str:
    return path.rstrip("\\")


def parent_of(path: str) -> str | None:
    return path.rsplit("\\", 1)[0] if "\\" in path else None


def is_under(path: str, root: str) -> bool:
    p, r = path.lower(), trim(root).lower()
    return p == r or p.startswith(r + "\\")


def dotnet_name(path: str) -> str:
    """How .NET names a key in its messages: ``HKEY_LOCAL_MACHINE\\...``."""
    return "HKEY_LOCAL_MACHINE" + trim(path)[len(ROOT):]


def same_data(vtype: str, a, b) -> bool:
    """Compare as the .ps1 does: numbers by value, multistrings and byte lists as lists, strings exactly."""
    if vtype in ("dword", "qword"):
        return int(a) == int(b)
    if vtype in ("multistring", "binary", "none", "unknown"):
        return list(a or []) == list(b or [])
    return a == b


def ordinal_ignore_case(name: str) -> str:
    """Sort key of .NET ``StringComparer.OrdinalIgnoreCase`` (upper-case ordinal)."""
    return name.upper()


class RegistryStore:
    """A loaded registry file plus its lock. Each read and each write holds the lock on its own (the fault guard is
    called outside it), so two module runs interleave write by write as two PowerShell processes do on Windows; the
    lock is also the twin's stand-in for the host-wide mutex the lease is taken in (``doubles/runstate.py``)."""

    def __init__(self, path: Path | None, initial: dict | None = None):
        self.path = Path(path) if path is not None else None
        self.lock = threading.RLock()
        # write_guard(path, name, action) raises RegistryWriteError; set by the fault switchboard.
        # action: "create_key" | "delete_key" | "set_value" | "delete_value".
        self.write_guard = None
        # writes done since the last reset_write_count and the armed cut, per thread: the twin runs each module in
        # the thread of its WinRM request, so a cut counts the writes of its own module, not of one running beside it
        self._count = threading.local()
        if self.path is not None and self.path.exists():
            self._keys = json.loads(self.path.read_text())
        else:
            self._keys = {}
            for key, values in (initial or {}).items():
                self._keys[trim(key)] = copy.deepcopy(values)
            self._fill_ancestors()
            self.save()

    def scratch_copy(self) -> "RegistryStore":
        """An in-memory copy that no fault guards and nothing saves: what check mode applies to."""
        other = RegistryStore(None)
        other._keys = copy.deepcopy(self._keys)
        return other

    @property
    def writes(self) -> int:
        return getattr(self._count, "writes", 0)

    @property
    def cut_after(self) -> int | None:
        return getattr(self._count, "cut_after", None)

    def reset_write_count(self, cut_after: int | None = None) -> None:
        self._count.writes, self._count.cut_after = 0, cut_after

    # -- reading -----------------------------------------------------------------------------------------
    def _real_key(self, path: str) -> str | None:
        path = trim(path)
        with self.lock:
            if path in self._keys:
                return path
            low = path.lower()
            return next((k for k in self._keys if k.lower() == low), None)

    def key_exists(self, path: str) -> bool:
        return self._real_key(path) is not None

    def value_names(self, path: str) -> list[str]:
        with self.lock:
            key = self._real_key(path)
            return list(self._keys[key]) if key is not None else []

    def get_value(self, path: str, name: str) -> dict | None:
        with self.lock:
            key = self._real_key(path)
            if key is None:
                return None
            values = self._keys[key]
            real = next((n for n in values if n.lower() == name.lower()), None)
            return copy.deepcopy(values[real]) if real is not None else None

    def child_names(self, path: str) -> list[str]:
        """``GetSubKeyNames()`` of a key, sorted ordinal-ignore-case (both sides sort explicitly)."""
        with self.lock:
            key = self._real_key(path)
            if key is None:
                return []
            prefix = key.lower() + "\\"
            names = [k[len(prefix):] for k in self._keys if k.lower().startswith(prefix) and "\\" not in k[len(prefix):]]
        return sorted(names, key=ordinal_ignore_case)

    def subtree(self, path: str) -> dict:
        """Every key at or under ``path`` with its values: depth-first, parent before children, children sorted
        ordinal-ignore-case; keys are spelled from ``path`` as given (trailing ``\\`` trimmed) plus the stored
        names below it, as a walk over ``GetSubKeyNames()`` from the requested path spells them."""
        out: dict = {}
        with self.lock:
            root = self._real_key(path)
            if root is None:
                return out

            def walk(real: str, spelled: str) -> None:
                out[spelled] = copy.deepcopy(self._keys[real])
                for child in self.child_names(real):
                    walk(f"{real}\\{child}", f"{spelled}\\{child}")

            walk(root, trim(path))
        return out

    def dump(self, roots=None) -> dict:
        if roots is None:
            with self.lock:
                return copy.deepcopy(self._keys)
        out = {}
        for root in roots:
            out.update(self.subtree(root))
        return out

    # -- writing (each call is one registry write; the fault switchboard may refuse it) ------------------
    def _guard(self, path: str, name: str | None, action: str) -> None:
        if self.write_guard is not None:
            self.write_guard(path, name, action)

    def _written(self) -> None:
        """One write is durable: save it, count it, and end the process here if the cut fault says so (called with
        the lock held)."""
        self.save()
        self._count.writes = self.writes + 1
        if self.cut_after is not None and self.writes >= self.cut_after:
            raise ProcessCut(f"process ended after write {self.writes}")

    def missing_keys(self, path: str) -> list[str]:
        """The keys ``ensure_key(path)`` would create, topmost first, spelled as requested."""
        missing = []
        cursor = trim(path)
        while cursor and cursor.upper() != ROOT and self._real_key(cursor) is None:
            missing.insert(0, cursor)
            cursor = parent_of(cursor)
        return missing

    def ensure_key(self, path: str) -> list[str]:
        """``CreateSubKey(remaining path)`` on the nearest existing ancestor: one write creating every missing key.
        Existing ancestors keep their stored spelling, new keys take the requested one. Returns the keys created,
        topmost first (requested spelling)."""
        created = self.missing_keys(path)
        if not created:
            return []
        for key in created:
            self._guard(key, None, "create_key")
        with self.lock:
            created = self.missing_keys(path)
            if not created:
                return []
            anchor = parent_of(created[0]) or ROOT
            base = self._real_key(anchor) or ROOT
            for key in created:
                self._keys[base + key[len(anchor):]] = {}
            self._written()
        return created

    def set_value(self, path: str, name: str, vtype: str, data) -> None:
        """``SetValue`` on the target key opened for write (the key must exist: see ``ensure_key``)."""
        if vtype not in VALUE_TYPES:
            raise ValueError(f"unknown registry type {vtype!r}; use one of {', '.join(VALUE_TYPES)}")
        key = self._real_key(path)
        if key is None:
            raise RegistryWriteError(f"the key '{trim(path)}' does not exist")
        self._guard(key, name, "set_value")
        with self.lock:
            key = self._real_key(path)
            if key is None:
                raise RegistryWriteError(f"the key '{trim(path)}' does not exist")
            values = self._keys[key]
            real = next((n for n in values if n.lower() == name.lower()), name)
            values[real] = {"type": vtype, "data": copy.deepcopy(data)}
            self._written()

    def delete_value(self, path: str, name: str) -> None:
        key = self._real_key(path)
        if key is None or not any(n.lower() == name.lower() for n in self.value_names(key)):
            return
        self._guard(key, name, "delete_value")
        with self.lock:
            key = self._real_key(path)
            values = self._keys[key] if key is not None else {}
            real = next((n for n in values if n.lower() == name.lower()), None)
            if real is None:
                return
            del values[real]
            self._written()

    def delete_key(self, path: str) -> None:
        """``DeleteSubKeyTree``: one guarded write for the whole subtree (its partial failure is not modelled)."""
        key = self._real_key(path)
        if key is None:
            return
        for sub in self.subtree(key):
            self._guard(sub, None, "delete_key")
        with self.lock:
            doomed = [k for k in self._keys if is_under(k, key)]
            if not doomed:
                return
            for k in doomed:
                del self._keys[k]
            self._written()

    def seed(self, path: str, values: dict, replace_children: bool = False) -> None:
        """What Windows itself keeps in the registry (bindings, the OS identity): written by the twin at creation,
        not by a module, so no fault guard and no write count."""
        with self.lock:
            key = self._real_key(path) or trim(path)
            if replace_children:
                for k in [k for k in self._keys if is_under(k, key) and k.lower() != key.lower()]:
                    del self._keys[k]
            self._keys.setdefault(key, {}).update(copy.deepcopy(values))
            self._fill_ancestors()
            self.save()

    def _fill_ancestors(self) -> None:
        for key in list(self._keys):
            parent = parent_of(key)
            while parent and parent.upper() != ROOT and self._real_key(parent) is None:
                self._keys[parent] = {}
                parent = parent_of(parent)

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with self.lock:  # one save at a time, so an older snapshot never replaces a newer one
            tmp.write_text(json.dumps(dict(sorted(self._keys.items())), indent=1, sort_keys=False))
            os.replace(tmp, self.path)
