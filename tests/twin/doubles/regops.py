"""Registry operations as the contracts define them, applied transactionally to the twin's registry.

This mirrors ``plugins/modules/win_schannel.ps1`` step by step: read the current value, change only what
differs, report ``changes``/``diff``/``reboot_reasons``, and build the ``backup`` as one block of undo operations
per changed operation, newest block first. A key that is created reports ``after: {type: key}`` and is undone by
removing that key; a key that is removed is undone by re-creating its subtree (parents first). When one write
fails, the blocks already written are applied (newest first) and the result names the value that failed.
"""
from __future__ import annotations

from ..registry import RegistryStore, RegistryWriteError, normalise_path, same_data

KEY_MARK = {"type": "key", "data": None}


def display(value: dict) -> str:
    """How ``diff`` shows a value (``win_regedit`` style, as ``Format-Value`` in the .ps1)."""
    vtype, data = value["type"], value["data"]
    if vtype == "dword":
        return "0x%08x (dword)" % int(data)
    if vtype == "qword":
        return "0x%016x (qword)" % int(data)
    if vtype == "multistring":
        return "%s (multistring)" % ", ".join(data)
    if vtype == "binary":
        return "%s (binary)" % " ".join("%02x" % int(b) for b in data)
    return str(data)


def _op(path, name, state, vtype=None, data=None, reason=None) -> dict:
    return {"path": path, "name": name, "state": state, "type": vtype, "data": data, "reboot_reason": reason}


def _write(store: RegistryStore, op: dict) -> None:
    """``Invoke-Operation``: one registry write."""
    if op.get("name") is None:
        if op.get("state", "present") == "absent":
            store.delete_key(op["path"])
        else:
            store.ensure_key(op["path"])
    elif op.get("state", "present") == "absent":
        store.delete_value(op["path"], op["name"])
    else:
        store.set_value(op["path"], op["name"], op["type"], op.get("data"))


def _restore_key(store: RegistryStore, path: str, reason) -> list[dict]:
    """``Get-KeyRestoreOperation``: operations that re-create the subtree at ``path`` exactly."""
    block = []
    for key, values in store.subtree(path).items():
        block.append(_op(key, None, "present", reason=reason))
        for name, value in values.items():
            block.append(_op(key, name, "present", value["type"], value["data"], reason))
    return block


def apply_operations(store: RegistryStore, operations: list, check_mode: bool) -> dict:
    changes, blocks, reasons = [], [], []
    before_diff, after_diff = {}, {}
    with store.lock:
        for op in operations or []:
            path = normalise_path(op.get("path") or "")
            name, state, reason = op.get("name"), op.get("state") or "present", op.get("reboot_reason")
            op = dict(op, path=path, state=state)
            label = path if name is None else f"{path}\\{name}"
            try:
                if not path.upper().startswith("HKLM\\"):
                    raise ValueError(f"path '{path}' must start with 'HKLM\\'")
                block = []
                if name is None:
                    exists = store.key_exists(path)
                    if (state == "absent") != exists:
                        continue
                    if state == "absent":
                        block = _restore_key(store, path, reason)
                        for undo in block:
                            if undo["name"] is None:
                                continue
                            changes.append({"path": undo["path"], "name": undo["name"], "after": None,
                                            "before": {"type": undo["type"], "data": undo["data"]}})
                            before_diff[f"{undo['path']}\\{undo['name']}"] = display(undo)
                        changes.append({"path": path, "name": None, "before": dict(KEY_MARK), "after": None})
                        before_diff[path] = "(key)"
                    else:
                        block.append(_op(path, None, "absent", reason=reason))
                        changes.append({"path": path, "name": None, "before": None, "after": dict(KEY_MARK)})
                        after_diff[path] = "(key)"
                else:
                    before = store.get_value(path, name)
                    if state == "absent":
                        if before is None:
                            continue
                        after = None
                    else:
                        if op.get("type") is None:
                            raise ValueError("type is required to write a value")
                        if before is not None and before["type"] == op["type"] and same_data(op["type"], before["data"], op.get("data")):
                            continue
                        after = {"type": op["type"], "data": op.get("data")}
                    if before is None:
                        block.append(_op(path, name, "absent", reason=reason))
                    else:
                        block.append(_op(path, name, "present", before["type"], before["data"], reason))
                        before_diff[label] = display(before)
                    if after is not None:
                        after_diff[label] = display(after)
                    changes.append({"path": path, "name": name, "before": before, "after": after})
                blocks.append(block)
                if reason and reason not in reasons:
                    reasons.append(reason)
                if not check_mode:
                    _write(store, op)
            except (RegistryWriteError, ValueError, OSError) as exc:
                if not check_mode:
                    _undo(store, blocks)
                    store.save()
                return {"failed": True, "changed": False, "failed_operation": op,
                        "msg": f"failed to write {label} ({exc}); the values this run had already written were restored"}
        if changes and not check_mode:
            store.save()
    return {
        "changed": bool(changes),
        "changes": changes,
        "backup": [undo for block in reversed(blocks) for undo in block],
        "reboot_required": bool(reasons),
        "reboot_reasons": reasons,
        "diff": {"before": before_diff, "after": after_diff},
    }


def _undo(store: RegistryStore, blocks: list) -> None:
    """``Invoke-Backup``: newest block first; the fault that stopped the run does not stop the undo."""
    guard, store.write_guard = store.write_guard, None
    try:
        for block in reversed(blocks):
            for undo in block:
                try:
                    _write(store, undo)
                except Exception:  # the .ps1 warns and carries on
                    pass
    finally:
        store.write_guard = guard
