"""Registry operations as the contracts define them, applied to the twin's registry as ``win_schannel.ps1`` does.

Step by step as the ``.ps1`` (with ``_SchannelRegistry.psm1``): read the current value, change only what differs,
report ``changes``/``diff``/``reboot_reasons``, and build the ``backup`` as one block of undo operations per
changed operation, newest block first. Paths are echoed as given (only ``HKLM\\`` in any case is accepted).
- A key that is created reports ``after: {type: key}`` and is undone by removing the topmost key the run created.
- A value written into a missing key creates the key path first; its undo block also removes the topmost key it
  created, so a failed write leaves nothing behind (D6).
- A key that is removed is undone by re-creating its subtree: depth-first, parent first, children and values in
  ordinal-ignore-case order (D2).
- Check mode applies the run to an in-memory copy of the registry, so it reports exactly the changes and backup
  the real run makes, also for operations that depend on each other (P5).
- When a write fails, the blocks already written are undone, newest first, through the same fault guard; the
  failing operation's own block is re-applied only for a key removal (a partial ``DeleteSubKeyTree``) and for
  keys its value write created; a failed undo warns "rollback of <path>\\<name> failed: <msg>" (D3/P14).
"""
from __future__ import annotations

from ..registry import ProcessCut, RegistryStore, RegistryWriteError, same_data, trim
from . import common, runstate

KEY_MARK = {"type": "key", "data": None}
OP_DEFAULTS = {"path": None, "name": None, "state": "present", "type": None, "data": None, "reboot_reason": None}


def display(value: dict) -> str:
    """How ``diff`` shows a value (``win_regedit`` style, as ``Format-Value`` in the .ps1)."""
    given, data = value["type"], value["data"]
    vtype = str(given).lower()  # a PowerShell switch matches case-insensitively; the label keeps the given spelling
    if vtype == "dword":
        return "0x%08x (dword)" % int(data)
    if vtype == "qword":
        return "0x%016x (qword)" % int(data)
    if vtype == "multistring":
        return "%s (multistring)" % ", ".join(data)
    if vtype in ("binary", "none", "unknown"):
        return "%s (%s)" % (" ".join("%02x" % int(b) for b in data), given)
    return str(data)


def _op(path, name, state, vtype=None, data=None, reason=None) -> dict:
    return {"path": path, "name": name, "state": state, "type": vtype, "data": data, "reboot_reason": reason}


def sub_key(path: str) -> str:
    """``ConvertTo-SchannelSubKey``: the checks every path passes before any registry call (D1)."""
    if not path.upper().startswith("HKLM\\"):
        raise ValueError(f"path '{path}' must start with 'HKLM\\'")
    sub = trim(path[5:])
    if sub == "" or "" in sub.split("\\"):
        raise ValueError(f"path '{path}' has an empty key name")
    return sub


def removable(path: str) -> str:
    """``Assert-SchannelRemovableKey``: a key directly under HKLM is a hive and is never removed."""
    sub = sub_key(path)
    if "\\" not in sub:
        raise ValueError(f"'{path}' is a registry hive (a key directly under HKLM), which is never removed")
    return sub


def is_absent(op: dict) -> bool:
    return str(op.get("state") or "present").lower() == "absent"


def creatable(store: RegistryStore, path: str) -> list[str]:
    """The keys ``New-SchannelKey`` creates for ``path``, topmost first; a new key directly under HKLM (a hive) is
    refused as the ``.ps1`` refuses it (Windows' RegCreateKeyEx does)."""
    created = store.missing_keys(path)
    if created and "\\" not in trim(created[0])[len("HKLM\\"):]:
        raise ValueError(f"'{path}' would be a new registry hive (a key directly under HKLM), which cannot be created")
    return created


def write(store: RegistryStore, op: dict) -> None:
    """``Invoke-Operation``: one operation = one registry write (a value write into a missing key: two)."""
    sub_key(op["path"])
    if op.get("name") is None:
        if is_absent(op):
            removable(op["path"])
            store.delete_key(op["path"])
        else:
            creatable(store, op["path"])
            store.ensure_key(op["path"])
    elif is_absent(op):
        store.delete_value(op["path"], op["name"])
    else:
        vtype = str(op["type"]).lower()
        if vtype == "unknown":
            raise ValueError(f"a value of type '{op['type']}' cannot be written")
        creatable(store, op["path"])
        store.ensure_key(op["path"])
        store.set_value(op["path"], op["name"], vtype, op.get("data"))


def _restore_key(store: RegistryStore, path: str, reason) -> list[dict]:
    """``Get-KeyRestoreOperation``: operations that re-create the subtree at ``path`` exactly."""
    block = []
    for key, values in store.subtree(path).items():
        block.append(_op(key if key != trim(path) else path, None, "present", reason=reason))
        for name in sorted(values, key=str.upper):
            value = values[name]
            if value["type"] == "unknown":
                raise ValueError(f"{key}\\{name} holds a value of kind unknown, which cannot be written back; "
                                 "the key was not removed")
            block.append(_op(key, name, "present", value["type"], value["data"], reason))
    return block


def _plan(store: RegistryStore, op: dict, changes: list, diff: tuple) -> list | None:
    """The undo block of one operation and its entries in ``changes``/``diff``; None when nothing changes."""
    before_diff, after_diff = diff
    path, name, reason = op["path"], op["name"], op["reboot_reason"]
    label = path if name is None else f"{path}\\{name}"
    if name is None:
        exists = store.key_exists(path)
        if is_absent(op) != exists:
            return None
        if is_absent(op):
            removable(path)
            block = _restore_key(store, path, reason)
            for undo in block:
                if undo["name"] is None:
                    continue
                changes.append({"path": undo["path"], "name": undo["name"], "after": None,
                                "before": {"type": undo["type"], "data": undo["data"]}})
                before_diff[f"{undo['path']}\\{undo['name']}"] = display(undo)
            changes.append({"path": path, "name": None, "before": dict(KEY_MARK), "after": None})
            before_diff[path] = "(key)"
            return block
        created = creatable(store, path)
        changes.append({"path": path, "name": None, "before": None, "after": dict(KEY_MARK)})
        after_diff[path] = "(key)"
        return [_op(_spelled(path, created[0]), None, "absent", reason=reason)]
    before = store.get_value(path, name)
    if is_absent(op):
        if before is None:
            return None
        after = None
    else:
        if op.get("type") is None:
            raise ValueError("type is required to write a value")
        vtype = str(op["type"]).lower()
        if before is not None and before["type"] == vtype and same_data(vtype, before["data"], op.get("data")):
            return None
        after = {"type": op["type"], "data": op.get("data")}  # as given: a choice matched case-insensitively
    if before is None:
        block = [_op(path, name, "absent", reason=reason)]
    else:
        block = [_op(path, name, "present", before["type"], before["data"], reason)]
        before_diff[label] = display(before)
    created = creatable(store, path) if after is not None else []
    if created:
        block.append(_op(_spelled(path, created[0]), None, "absent", reason=reason))
    if after is not None:
        after_diff[label] = display(after)
    changes.append({"path": path, "name": name, "before": before, "after": after})
    return block


def _spelled(path: str, created_top: str) -> str:
    """The topmost created key in the caller's spelling (``missing_keys`` works on the trimmed path)."""
    return path[:len(created_top)] if path.lower().startswith(created_top.lower()) else created_top


def apply_operations(store: RegistryStore, operations: list, check_mode: bool, warnings: list | None = None,
                     params: dict | None = None) -> dict:
    """Run ``operations`` (already validated by ``argspec``: six keys each) as ``win_schannel.ps1`` does: the lease
    and intent checks, the plan on an in-memory copy (pass 1: every read and decision), the intent, then the writes
    (pass 2), then the intent deleted and the lease released (``runstate``). Without ``params`` (the
    ``win_regedit`` double, which is not this collection's) there is no lease and no intent."""
    warnings = [] if warnings is None else warnings
    run_state = {"recovering": False}
    if params is not None:
        try:
            run_state = runstate.enter(store, params, check_mode, "win_schannel", warnings)
        except runstate.Refused as exc:
            return dict(exc.result, **({"warnings": warnings} if warnings else {}))
    tracked = params is not None
    params = params or {}
    target = store.scratch_copy()
    changes, planned, reasons = [], [], []
    before_diff, after_diff = common.CaseInsensitiveDict(), common.CaseInsensitiveDict()
    for op in operations or []:
        op = {**OP_DEFAULTS, **op}
        label = op["path"] if op.get("name") is None else f"{op['path']}\\{op['name']}"
        try:
            sub_key(op["path"])
            block = _plan(target, op, changes, (before_diff, after_diff))
            if block is None:
                continue
            write(target, op)
            planned.append((op, block, label))
            reason = op.get("reboot_reason")
            if reason and reason not in reasons:
                reasons.append(reason)
        except (RegistryWriteError, ValueError, OSError) as exc:
            # nothing has been written yet (an intent being recovered stays)
            if tracked:
                runstate.exit_run(store, params, check_mode, warnings)
            message = f"failed to write {label} ({exc})"
            if not check_mode:
                message += "; the values this run had already written were restored"
            return {"failed": True, "changed": False, "failed_operation": op, "msg": message,
                    **({"warnings": warnings} if warnings else {})}
    blocks = []
    if check_mode:
        blocks = [block for _op, block, _label in planned]
    else:
        if tracked:
            try:
                runstate.write_planned_intent(store, params, check_mode, run_state, "win_schannel",
                                              [(op, block) for op, block, _l in planned], warnings)
            except runstate.Refused as exc:
                return dict(exc.result, **({"warnings": warnings} if warnings else {}))
        for op, block, label in planned:
            try:
                write(store, op)
                blocks.append(block)
            except (RegistryWriteError, ValueError, OSError) as exc:
                message = f"failed to write {label} ({exc})"
                if op.get("name") is None and is_absent(op):
                    own = block  # a partial DeleteSubKeyTree is rebuilt
                else:
                    own = [u for u in block if u["name"] is None]  # keys the failing value write created
                clean = undo(store, blocks + ([own] if own else []), warnings)
                # a recovery rolled back to the interrupted state keeps the intent it recovers
                if tracked:
                    runstate.exit_run(store, params, check_mode, warnings, clean=clean and not run_state["recovering"])
                message = runstate.after_rollback(message, clean)
                return {"failed": True, "changed": False, "failed_operation": op, "msg": message,
                        **({"warnings": warnings} if warnings else {})}
    if tracked:
        runstate.exit_run(store, params, check_mode, warnings, clean=True)
    result = {
        "changed": bool(changes),
        "changes": changes,
        "backup": [u for block in reversed(blocks) for u in block],
        "reboot_required": bool(reasons),
        "reboot_reasons": reasons,
        "diff": {"before": dict(before_diff), "after": dict(after_diff)},
    }
    if warnings:
        result["warnings"] = warnings
    return result


def undo(store: RegistryStore, blocks: list, warnings: list) -> bool:
    """``Invoke-Undo``: newest block first, through the same fault guard, a value that already holds the undo's data
    left alone; True when every undo succeeded."""
    clean = True
    for block in reversed(blocks):
        for u in block:
            try:
                if u["name"] is not None and not is_absent(u):
                    current = store.get_value(u["path"], u["name"])
                    vtype = str(u["type"]).lower()
                    if current is not None and current["type"] == vtype and same_data(vtype, current["data"], u["data"]):
                        continue  # already holds what the undo would write: nothing to write (as Invoke-Undo)
                write(store, u)
            except ProcessCut:
                raise
            except Exception as exc:  # the .ps1 warns and carries on
                clean = False
                warnings.append(f"rollback of {u['path']}\\{u['name'] if u['name'] is not None else ''} failed: {exc}")
    return clean
