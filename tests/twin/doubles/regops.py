"""Registry operations as the contracts define them, applied transactionally to the twin's registry.

This is the heart of the ``win_schannel`` double (and of ``win_tls_cipher_suites`` with ``scope: policy``):
read the current value, change only what differs, report ``changes``/``diff``/``reboot_reasons``, and return
the ``backup`` (operations that, applied in order, restore everything the run changed). When one write fails
the writes already made are undone with that backup and the result names the path and value that failed.
"""
from __future__ import annotations

from ..registry import RegistryStore, RegistryWriteError, normalise_path, same_data


class OperationError(Exception):
    """A malformed operation; the message names the offending item as the .ps1 would."""


def display(value: dict) -> str:
    """How ``diff`` shows a value (``win_regedit`` style)."""
    vtype, data = value["type"], value["data"]
    if vtype == "dword":
        return "0x%08x (dword)" % int(data)
    if vtype == "qword":
        return "0x%016x (qword)" % int(data)
    if vtype == "multistring":
        return "%s (multistring)" % ", ".join(data)
    if vtype == "binary":
        return "%s (binary)" % " ".join("%02x" % b for b in data)
    return str(data)


def _check(op: dict, index: int) -> tuple[str, str | None, str]:
    if not isinstance(op, dict) or not op.get("path"):
        raise OperationError(f"operations[{index}]: every operation needs a 'path'")
    path = normalise_path(op["path"])
    if not path.upper().startswith("HKLM\\"):
        raise OperationError(f"operations[{index}].path: '{op['path']}' must start with 'HKLM\\'")
    state = op.get("state", "present")
    if state not in ("present", "absent"):
        raise OperationError(f"operations[{index}].state: '{state}' must be 'present' or 'absent'")
    name = op.get("name")
    if state == "present" and name is not None and op.get("type") is None:
        raise OperationError(f"operations[{index}]: 'type' is required to write {path}\\{name}")
    return path, name, state


def _apply_one(store: RegistryStore, op: dict, index: int) -> tuple[list[dict], list[dict]]:
    """Apply one operation; return (changes, inverse operations in the order that undoes it)."""
    path, name, state = _check(op, index)
    if state == "present" and name is not None:
        before = store.get_value(path, name)
        after = {"type": op["type"], "data": op.get("data")}
        if before is not None and before["type"] == after["type"] and same_data(after["type"], before["data"], after["data"]):
            return [], []
        created = store.set_value(path, name, after["type"], after["data"])
        inverse = [_restore_value(path, name, before)]
        if created:
            inverse.append({"path": created[0], "name": None, "state": "absent"})
        return [{"path": path, "name": name, "before": before, "after": after}], inverse
    if state == "present":
        created = store.ensure_key(path)
        if not created:
            return [], []
        return [{"path": path, "name": None, "before": None, "after": None}], [
            {"path": created[0], "name": None, "state": "absent"}]
    if name is not None:
        before = store.get_value(path, name)
        if before is None:
            return [], []
        store.delete_value(path, name)
        return [{"path": path, "name": name, "before": before, "after": None}], [_restore_value(path, name, before)]
    subtree = store.subtree(path)
    if not subtree:
        return [], []
    store.delete_key(path)
    changes, inverse = [], []
    for key, values in subtree.items():
        inverse.append({"path": key, "name": None, "state": "present"})
        for vname, value in values.items():
            changes.append({"path": key, "name": vname, "before": value, "after": None})
            inverse.append(_restore_value(key, vname, value))
    changes.append({"path": path, "name": None, "before": None, "after": None})
    return changes, inverse


def _restore_value(path: str, name: str, before: dict | None) -> dict:
    if before is None:
        return {"path": path, "name": name, "state": "absent"}
    return {"path": path, "name": name, "state": "present", "type": before["type"], "data": before["data"]}


def apply_operations(store: RegistryStore, operations: list, check_mode: bool) -> dict:
    """Run ``operations`` in order; the result dict follows the contracts' registry-operation results."""
    work = store.clone() if check_mode else store
    changes: list[dict] = []
    undo: list[list[dict]] = []
    reasons: list[str] = []
    with store.lock:
        for index, op in enumerate(operations or []):
            try:
                op_changes, inverse = _apply_one(work, op, index)
            except RegistryWriteError as exc:
                backup = [o for block in reversed(undo) for o in block]
                _rollback(work, backup)
                work.save()
                target = "%s\\%s" % (normalise_path(op["path"]), op.get("name")) if op.get("name") else normalise_path(op["path"])
                return {
                    "failed": True, "changed": False,
                    "msg": f"failed to write {target}: {exc}; rolled back {len(changes)} earlier change(s)",
                    "rolled_back": changes, "changes": [], "backup": [],
                    "reboot_required": False, "reboot_reasons": [],
                }
            if op_changes:
                changes.extend(op_changes)
                undo.append(inverse)
                reason = op.get("reboot_reason")
                if reason and reason not in reasons:
                    reasons.append(reason)
        work.save()
    backup = [o for block in reversed(undo) for o in block]
    return {
        "changed": bool(changes),
        "changes": changes,
        "backup": backup,
        "reboot_required": bool(reasons),
        "reboot_reasons": reasons,
        "diff": diff_of(changes),
    }


def _rollback(store: RegistryStore, backup: list[dict]) -> None:
    guard, store.write_guard = store.write_guard, None  # undoing must not trip the fault that stopped us
    try:
        for index, op in enumerate(backup):
            _apply_one(store, op, index)
    finally:
        store.write_guard = guard


def diff_of(changes: list[dict]) -> dict:
    before, after = {}, {}
    for change in changes:
        if change["name"] is None:
            continue
        label = "%s\\%s" % (change["path"], change["name"])
        if change["before"] is not None:
            before[label] = display(change["before"])
        if change["after"] is not None:
            after[label] = display(change["after"])
    return {"before": before, "after": after}
