"""``ansible.windows.win_regedit``: one value (or key) per task, as benchmark baselines write Schannel.

Supports the options those baselines use (``path``, ``name``, ``data``, ``type``, ``state``, ``delete_key``) on
the ``HKLM:`` hive, check mode, and the ``changed``/``data_changed``/``data_type_changed`` results.
"""
from __future__ import annotations

from . import common
from .regops import apply_operations


def _path(raw: str) -> str:
    path = raw.replace("/", "/")
    for prefix in ("HKLM:\\", "HKLM:", "HKEY_LOCAL_MACHINE\\", "HKEY_LOCAL_MACHINE:\\", "HKLM\\"):
        if path.upper().startswith(prefix.upper()):
            return "HKLM\\" + path[len(prefix):].lstrip("\\")
    raise ValueError(f"path: the twin models only HKLM, not '{raw}'")


def _data(vtype: str, data):
    if vtype in ("dword", "qword"):
        if isinstance(data, str):
            data = int(data, 16) if data.lower().startswith("0x") else int(data)
        return int(data) & (0xFFFFFFFF if vtype == "dword" else 0xFFFFFFFFFFFFFFFF)
    if vtype == "multistring":
        return list(data) if isinstance(data, list) else ([] if data in (None, "") else [str(data)])
    if vtype == "binary":
        if isinstance(data, str):
            return [int(b, 16) for b in data.replace("0x", "").replace(",", " ").split()]
        return [int(b) for b in data or []]
    return "" if data is None else str(data)


def run(host, args: dict) -> dict:
    check_mode, _diff = common.modes(args)
    try:
        path = _path(args["path"])
    except (KeyError, ValueError) as exc:
        return {"failed": True, "msg": f"win_regedit: {exc}"}
    name = args.get("name", args.get("entry", args.get("value")))
    state = args.get("state", "present")
    vtype = (args.get("type") or args.get("datatype") or "string").lower()
    if state == "present":
        if name is None:
            op = {"path": path, "name": None, "state": "present"}
        else:
            op = {"path": path, "name": name, "state": "present", "type": vtype, "data": _data(vtype, args.get("data"))}
    elif name is None:
        if not args.get("delete_key", True):
            return {"changed": False}
        op = {"path": path, "name": None, "state": "absent"}
    else:
        op = {"path": path, "name": name, "state": "absent"}
    before = host.registry.get_value(path, name) if name else None
    result = apply_operations(host.registry, [op], check_mode)
    if result.get("failed"):
        return {"failed": True, "changed": False, "msg": result["msg"]}
    after = op.get("type")
    return {
        "changed": result["changed"],
        "data_changed": result["changed"] and before is not None and state == "present",
        "data_type_changed": bool(result["changed"] and before is not None and after and before["type"] != after),
        "diff": {"before": result["diff"]["before"], "after": result["diff"]["after"]},
    }
