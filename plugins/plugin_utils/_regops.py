# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry operations and dumps on the controller (contracts: "The registry dump", "Registry operations").

Pure data handling, no Windows knowledge: validate operations before they travel, apply them to a dump (to predict
the state after a change or a restore), and show values the way the ``.ps1`` shows them in a diff.
"""
from __future__ import annotations

import copy
from typing import Any, Iterable, List, Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelError

# The one implementation of what an operation does to a dump, and of when two values are the same, is the
# compiler's (module_utils/schannel/compiler.py, which the knowledge core and write_order.py use too); re-exported
# here for the action plugins.
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import (
    Dump,
    apply_operations,
    diff_operations,
    same_state,
)

__all__ = ["BYTE_TYPES", "TYPES", "OperationError", "apply_operations", "backup_for", "diff_operations", "display",
           "layer", "removals_within", "same_state", "validate_operation", "validate_operations", "with_key_creation"]

# 'none' is REG_NONE (data: a byte list), written with RegistryValueKind.None (PLAN.md P16); 'unknown' only in dumps.
TYPES = ("dword", "qword", "string", "expandstring", "multistring", "binary", "none")
BYTE_TYPES = ("binary", "none")
_POLICY_MARK = "\\software\\policies\\"


class OperationError(SchannelError):
    """An operation that must not reach the host; ``field`` names it."""


def layer(path: str) -> str:
    """``policy`` for values under HKLM\\SOFTWARE\\Policies, ``local`` for everything else."""
    return "policy" if _POLICY_MARK in path.lower() else "local"


def display(value: Optional[dict]) -> Optional[str]:
    """Diff display of ``{type, data}`` exactly as win_schannel.ps1 renders it."""
    if value is None:
        return None
    kind = value.get("type")
    data: Any = value.get("data")  # a number for dword/qword, a list for the list types, else text
    if kind == "key":
        return "(key)"
    if kind == "dword":
        return "0x%08x (dword)" % (int(data) & 0xFFFFFFFF)
    if kind == "qword":
        return "0x%016x (qword)" % (int(data) & 0xFFFFFFFFFFFFFFFF)
    if kind == "multistring":
        return "%s (multistring)" % ", ".join(str(d) for d in (data or []))
    if kind in BYTE_TYPES:
        return "%s (%s)" % (" ".join("%02x" % int(b) for b in (data or [])), kind)
    return "" if data is None else str(data)


def validate_operation(op: object, field: str = "operations") -> dict:
    """Raise :class:`OperationError` unless ``op`` is a well-formed contract operation; returns a clean copy."""
    if not isinstance(op, dict):
        raise OperationError(field, "each operation must be a mapping with path, name, state, type, data")
    path = op.get("path")
    if not isinstance(path, str) or not path.upper().startswith("HKLM\\") or "/" in path.split("\\")[0]:
        raise OperationError(field + ".path", "must be a full key path starting with 'HKLM\\' (got %r)" % (path,))
    if "\x00" in path or "\\\\" in path.rstrip("\\"):
        raise OperationError(field + ".path", "must not contain NUL or empty key names (got %r)" % (path,))
    if any(part.strip() in (".", "..") for part in path.split("\\")):
        # .NET takes '..' as a literal key name, PowerShell's registry provider as the parent: never ambiguous here
        raise OperationError(field + ".path", "must not contain '.' or '..' key names (got %r)" % (path,))
    state = op.get("state", "present")
    if state not in ("present", "absent"):
        raise OperationError(field + ".state", "must be present or absent (got %r)" % (state,))
    name = op.get("name")
    if name is not None and not isinstance(name, str):
        raise OperationError(field + ".name", "must be a string or null (got %r)" % (name,))
    clean = {"path": path.rstrip("\\"), "name": name, "state": state, "type": None, "data": None,
             "reboot_reason": op.get("reboot_reason")}
    if state == "present" and name is not None:
        kind = op.get("type")
        if kind not in TYPES:
            raise OperationError(field + ".type", "must be one of %s (got %r)" % (", ".join(TYPES), kind))
        clean["type"], clean["data"] = kind, _valid_data(kind, op.get("data"), field + ".data")
    return clean


def _valid_data(kind: str, data: Any, field: str) -> Any:
    """``data`` when it is what a value of ``kind`` holds (contracts: "The registry dump"), else OperationError."""
    if kind in ("dword", "qword"):
        limit = 0xFFFFFFFF if kind == "dword" else 0xFFFFFFFFFFFFFFFF
        if isinstance(data, bool) or not isinstance(data, int) or not 0 <= data <= limit:
            raise OperationError(field, "a %s must be an integer from 0 to %d (got %r)" % (kind, limit, data))
    elif kind in ("string", "expandstring"):
        if not isinstance(data, str):
            raise OperationError(field, "a %s must be a string (got %r)" % (kind, data))
    elif kind == "multistring":
        if not isinstance(data, list) or not all(isinstance(d, str) for d in data):
            raise OperationError(field, "a multistring must be a list of strings (got %r)" % (data,))
    elif not isinstance(data, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 255
                                               for d in data):
        raise OperationError(field, "%s data must be a list of byte values (got %r)" % (kind, data))
    return data


def validate_operations(ops: object, field: str = "operations") -> List[dict]:
    if not isinstance(ops, list):
        raise OperationError(field, "must be a list of registry operations")
    return [validate_operation(op, "%s[%d]" % (field, i)) for i, op in enumerate(ops)]


def _find_key(dump: Dump, path: str) -> Optional[str]:
    low = path.lower()
    for key in dump:
        if key.lower() == low:
            return key
    return None


def backup_for(dump: Optional[Dump], ops: List[dict]) -> List[dict]:
    """The backup win_schannel.ps1 would return for ``ops`` applied to ``dump``: one block of undo operations per
    operation that changes something, newest block first (contracts: "Registry operations").

    The action plugins write it to the controller *before* the first write, so a connection that drops mid-apply,
    or a controller that is interrupted, never loses the previous state; the module's own backup replaces it after.
    """
    blocks, current = [], copy.deepcopy(dump or {})
    for op in ops:
        if not diff_operations(current, [op]):
            continue  # changes nothing: nothing to undo
        blocks.append(_undo_block(current, op))
        current = apply_operations(current, [op])
    return [undo for block in reversed(blocks) for undo in block]


def removals_within(ops: List[dict], roots: Iterable[str]) -> List[dict]:
    """``ops`` with each removal of a key *above* some of ``roots`` turned into the removal of those roots.

    A run that had to create an ancestor of a root (``HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows`` on the way to
    the 32-bit WinHTTP key, or ``...\\Cryptography\\Configuration`` on a host that never had a cipher-suite policy)
    gets a backup that removes that ancestor. A restore only takes keys at or below a root, and removing the ancestor
    would also remove whatever else was written there since, so the undo removes the roots under it instead, as
    ``backup_for`` never goes above a key the dump has. The empty ancestors stay; they have no effect. Every other
    operation is kept as it is, so applying this twice changes nothing more.
    """
    roots = list(roots)
    out = []
    for op in ops:
        if op.get("name") is None and str(op.get("state") or "").lower() == "absent":
            above = op["path"].rstrip("\\").lower() + "\\"
            below = [root for root in roots if root.lower().startswith(above)]
            if below:
                out.extend(dict(op, path=root) for root in below)
                continue
        out.append(op)
    return out


def _undo(path: str, name: Optional[str], value: Optional[dict], reason: Optional[str]) -> dict:
    """The operation that puts ``path``/``name`` back: ``value`` ({type, data}), or absent when None."""
    if value is None:
        return {"path": path, "name": name, "state": "absent", "type": None, "data": None, "reboot_reason": reason}
    return {"path": path, "name": name, "state": "present", "type": value.get("type"),
            "data": copy.deepcopy(value.get("data")), "reboot_reason": reason}


def _undo_block(current: Dump, op: dict) -> List[dict]:
    """The undo operations of ``op`` (which changes ``current``), in the order they are to be applied."""
    path, reason = op["path"].rstrip("\\"), op.get("reboot_reason")
    if op.get("name") is not None:
        found = _find_key(current, path)
        old = None
        if found is not None:
            old = next((v for n, v in current[found].items() if n.lower() == op["name"].lower()), None)
        return [_undo(path, op["name"], old, reason)]
    if op.get("state") == "absent":  # re-create the subtree: each key, then its values, parents first
        low = path.lower()
        block = []
        for key in sorted((k for k in current if k.lower() == low or k.lower().startswith(low + "\\")),
                          key=lambda k: (k.count("\\"), k.lower())):
            block.append(_undo(key, None, {"type": None, "data": None}, reason))
            block += [_undo(key, name, value, reason) for name, value in current[key].items()]
        return block
    # remove the topmost key this creates (parents come with it), never above a key the dump has
    top, parts = path, path.split("\\")
    for i in range(2, len(parts) + 1):
        sub = "\\".join(parts[:i])
        if _find_key(current, sub) is None:
            if _find_key(current, "\\".join(parts[:i - 1])) is not None:
                top = sub
            break
    return [_undo(top, None, None, reason)]


def with_key_creation(dump: Optional[Dump], ops: List[dict], roots: Iterable[str]) -> List[dict]:
    """``ops`` with an explicit key-creation operation before each value write into a key that does not exist yet.

    The ``.ps1`` creates missing parents implicitly when it writes a value, and its backup then only removes the
    value. Making the creation of the topmost missing key an operation of its own puts its removal in the backup, so
    a restore leaves the registry exactly as it was (no empty keys behind).

    ``dump`` is authoritative only at and below ``roots`` (the keys win_schannel_info dumped); keys above a root
    are never created or removed here, so a backup can never delete, say, ``HKLM\\SOFTWARE``.
    """
    lows = [r.lower().rstrip("\\") for r in roots]
    out, current = [], copy.deepcopy(dump or {})
    for op in ops:
        if op.get("state") == "present" and op.get("name") is not None and _find_key(current, op["path"]) is None:
            parts = op["path"].rstrip("\\").split("\\")
            top = None
            for i in range(2, len(parts) + 1):
                sub = "\\".join(parts[:i])
                low = sub.lower()
                if not any(low == r or low.startswith(r + "\\") for r in lows):
                    continue
                if _find_key(current, sub) is None:
                    top = sub
                    break
            if top is not None:
                create = {"path": top, "name": None, "state": "present", "type": None, "data": None,
                          "reboot_reason": op.get("reboot_reason")}
                out.append(create)
                current = apply_operations(current, [create])
        out.append(op)
        current = apply_operations(current, [op])
    return out
