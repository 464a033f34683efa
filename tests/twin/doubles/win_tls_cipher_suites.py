"""``tlsops.schannel.win_tls_cipher_suites``: write a final suite/curve order, as ``win_tls_cipher_suites.ps1``.

``scope: policy`` writes the Group Policy values (REG_SZ ``Functions``, REG_MULTI_SZ ``EccCurves``; effective
at the next boot). Its backup restores the values and removes ``...\\SSL\\00010002`` when the run created it, never
a key above it (P2/T1); check mode runs on a copy of the registry (P5); a failed write undoes what was written
through the fault guard and warns for each undo that fails (T3).

``scope: local`` models CNG's local list per cmdlet call (T4/T8): the list lives as REG_MULTI_SZ
``Functions``/``EccCurves`` under ``...\\Configuration\\Local\\SSL\\00010002`` and every ``Disable-``/``Enable-``
call (``-Position`` 0-based) rewrites it at once, so each call is one durable write, as on Windows where each call
takes effect immediately. A name the release does not know fails at its ``Enable`` call, after the calls before
it took effect; then the rollback runs the same call sequence back to the previous order. The call sequence is
``set_local_order`` only; check mode makes no call.

Both scopes take the host lease and keep the write-ahead intent as the ``.ps1`` does (``runstate``): the intent holds
the policy writes and their undo as registry operations, or for ``scope: local`` the wanted and previous lists.
"""
from __future__ import annotations

from ..knowledge import catalogue, effective
from ..registry import ProcessCut, RegistryWriteError
from . import common, runstate
from .win_schannel_info import LOCAL_SSL, has_cmdlet, local_curves, local_suites

POLICY_SSL = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
REBOOT_REASON = "the Group Policy cipher-suite and curve order is read at boot"
# What Enable-TlsCipherSuite / Enable-TlsEccCurve throw for a name CNG does not know (Win32 ERROR_INVALID_PARAMETER)
UNKNOWN_NAME = "The parameter is incorrect."


class CmdletError(Exception):
    """A TLS cmdlet's terminating error."""


def _split(value):
    if value is None:
        return None
    items = value["data"] if isinstance(value["data"], list) else [value["data"]]
    return [s.strip() for s in ",".join(str(i) for i in items).split(",") if s.strip()]


def _curves(value):
    """``foreach ($entry in @($ecc.data))``: a list's items, or the one value of another kind (REG_SZ)."""
    if value is None:
        return None
    data = value["data"]
    return [str(c) for c in (data if isinstance(data, list) else [data])]


def _undo_op(name, value):
    if value is None:
        return {"path": POLICY_SSL, "name": name, "state": "absent", "type": None, "data": None, "reboot_reason": REBOOT_REASON}
    return {"path": POLICY_SSL, "name": name, "state": "present", "type": value["type"], "data": value["data"],
            "reboot_reason": REBOOT_REASON}


def _policy(host, params, check_mode, warnings):
    live = host.registry
    run_state = runstate.enter(live, params, check_mode, "win_tls_cipher_suites", warnings)
    store = live.scratch_copy() if check_mode else live
    functions = store.get_value(POLICY_SSL, "Functions")
    curves = store.get_value(POLICY_SSL, "EccCurves")
    before = {"cipher_suites": _split(functions), "ecc_curves": _curves(curves)}
    wanted = dict(before)
    if str(params["state"]).lower() == "absent":
        wanted = {"cipher_suites": None, "ecc_curves": None}
    else:
        for field in ("cipher_suites", "ecc_curves"):
            if params.get(field) is not None:
                wanted[field] = list(params[field])
    suites_differ = before["cipher_suites"] != wanted["cipher_suites"]
    type_differs = wanted["cipher_suites"] is not None and functions is not None and functions["type"] != "string"
    curves_differ = before["ecc_curves"] != wanted["ecc_curves"] or (
        wanted["ecc_curves"] is not None and curves is not None and curves["type"] != "multistring")
    diff = {"before": {}, "after": {}}
    for side, state in (("before", before), ("after", wanted)):
        if state["cipher_suites"] is not None:
            diff[side][f"{POLICY_SSL}\\Functions"] = ",".join(state["cipher_suites"])
        if state["ecc_curves"] is not None:
            diff[side][f"{POLICY_SSL}\\EccCurves"] = ", ".join(state["ecc_curves"]) + " (multistring)"
    backup, writes = [], []
    if suites_differ or type_differs:
        backup.append(_undo_op("Functions", functions))
        writes.append(("Functions", "string", ",".join(wanted["cipher_suites"]) if wanted["cipher_suites"] is not None else None))
    if curves_differ:
        backup.append(_undo_op("EccCurves", curves))
        writes.append(("EccCurves", "multistring", wanted["ecc_curves"]))
    if writes and not store.key_exists(POLICY_SSL):
        backup.append({"path": POLICY_SSL, "name": None, "state": "absent", "type": None, "data": None,
                       "reboot_reason": REBOOT_REASON})
    if writes:
        intent_ops = [{"path": POLICY_SSL, "name": name, "state": "absent" if data is None else "present",
                       "type": vtype, "data": data, "reboot_reason": REBOOT_REASON} for name, vtype, data in writes]
        runstate.write_intent(live, params, check_mode, run_state, "win_tls_cipher_suites", intent_ops, backup, warnings)
    done, current = [], POLICY_SSL
    try:
        if writes:
            store.ensure_key(POLICY_SSL)
            for name, vtype, data in writes:
                current = f"{POLICY_SSL}\\{name}"
                if data is None:
                    store.delete_value(POLICY_SSL, name)
                else:
                    store.set_value(POLICY_SSL, name, vtype, data)
                done.append(name)
    except (RegistryWriteError, ValueError) as exc:
        message = f"failed to write {current} ({exc})"
        if check_mode:
            return {"failed": True, "msg": message}
        undo = [u for u in backup if u["name"] is None or u["name"] in done]
        clean = _undo(store, undo, warnings)
        # a recovery rolled back to the interrupted state keeps the intent it recovers
        runstate.exit_run(live, params, check_mode, warnings, clean=clean and not run_state["recovering"])
        return {"failed": True, "msg": runstate.after_rollback(message, clean)}
    runstate.exit_run(live, params, check_mode, warnings, clean=True)
    changed = bool(writes)
    return {"changed": changed, "before": before, "after": wanted, "reboot_required": changed,
            "reboot_reasons": [REBOOT_REASON] if changed else [], "backup": backup, "diff": diff}


def _policy_op(store, op) -> None:
    """``Invoke-PolicyOperation``: one operation on the policy key; a value write into a missing key creates it."""
    if op["name"] is None:
        if str(op["state"]).lower() == "absent":
            store.delete_key(op["path"])
        else:
            store.ensure_key(op["path"])
    elif str(op["state"]).lower() == "absent":
        store.delete_value(op["path"], op["name"])
    else:
        store.ensure_key(op["path"])
        store.set_value(op["path"], op["name"], str(op["type"]).lower(), op["data"])


def _policy_diff(before, after) -> dict:
    """``Set-PolicyDiff``."""
    diff: dict = {"before": {}, "after": {}}
    for side, state in (("before", before), ("after", after)):
        if state["cipher_suites"] is not None:
            diff[side][f"{POLICY_SSL}\\Functions"] = ",".join(state["cipher_suites"])
        if state["ecc_curves"] is not None:
            diff[side][f"{POLICY_SSL}\\EccCurves"] = ", ".join(state["ecc_curves"]) + " (multistring)"
    return diff


def _policy_state(store) -> dict:
    functions = store.get_value(POLICY_SSL, "Functions")
    curves = store.get_value(POLICY_SSL, "EccCurves")
    return {"cipher_suites": _split(functions), "ecc_curves": _curves(curves)}


def _restore(host, params, check_mode, warnings):
    """A policy-order backup applied as ``win_tls_cipher_suites.ps1`` applies ``restore``."""
    if str(params["scope"]).lower() != "policy" or params.get("cipher_suites") is not None \
            or params.get("ecc_curves") is not None:
        return {"failed": True, "msg": "restore: a cipher-suite backup is applied on its own with scope: policy; leave "
                "out cipher_suites and ecc_curves"}
    for i, op in enumerate(params["restore"]):
        if op["path"].rstrip("\\").lower() != POLICY_SSL.lower():
            return {"failed": True, "msg": f"restore[{i}]: a cipher-suite backup only writes values of {POLICY_SSL} or "
                    f"that key, not {op['path']}"}
    live = host.registry
    run_state = runstate.enter(live, params, check_mode, "win_tls_cipher_suites", warnings)
    before = _policy_state(live)
    sim = live.scratch_copy()
    planned = []
    try:
        for op in params["restore"]:
            block = []
            if op["name"] is None and str(op["state"]).lower() != "absent":
                if sim.key_exists(POLICY_SSL):
                    continue
                block.append({"path": POLICY_SSL, "name": None, "state": "absent", "type": None, "data": None,
                              "reboot_reason": REBOOT_REASON})
            elif op["name"] is None:
                if not sim.key_exists(POLICY_SSL):
                    continue
                block.append({"path": POLICY_SSL, "name": None, "state": "present", "type": None, "data": None,
                              "reboot_reason": REBOOT_REASON})
                values = sim.subtree(POLICY_SSL).get(POLICY_SSL, {})
                block += [_undo_op(name, values[name]) for name in sorted(values, key=str.upper)]
            else:
                if str(op["state"]).lower() != "absent" and op.get("type") is None:
                    raise ValueError("type is required to write a value")
                current = sim.get_value(POLICY_SSL, op["name"])
                if str(op["state"]).lower() == "absent":
                    if current is None:
                        continue
                elif current is not None and current["type"] == str(op["type"]).lower() and \
                        _as_list(current["data"]) == _as_list(op["data"]):
                    continue
                block.append(_undo_op(op["name"], current))
                if str(op["state"]).lower() != "absent" and not sim.key_exists(POLICY_SSL):
                    block.append({"path": POLICY_SSL, "name": None, "state": "absent", "type": None, "data": None,
                                  "reboot_reason": REBOOT_REASON})
            _policy_op(sim, op)
            planned.append((op, block))
    except (RegistryWriteError, ValueError) as exc:
        runstate.exit_run(live, params, check_mode, warnings)
        return {"failed": True, "msg": f"restore: {exc}; nothing was written"}
    after = _policy_state(sim)
    blocks = []
    if check_mode:
        blocks = [block for _op, block in planned]
    else:
        runstate.write_planned_intent(live, params, check_mode, run_state, "win_tls_cipher_suites", planned, warnings)
        for op, block in planned:
            try:
                _policy_op(live, op)
                blocks.append(block)
            except (RegistryWriteError, ValueError) as exc:
                label = POLICY_SSL if op["name"] is None else f"{POLICY_SSL}\\{op['name']}"
                if op["name"] is None and str(op["state"]).lower() == "absent":
                    blocks.append(block)  # a partial DeleteSubKeyTree is rebuilt
                clean = _undo(live, [u for block_ in reversed(blocks) for u in block_], warnings)
                runstate.exit_run(live, params, check_mode, warnings, clean=clean and not run_state["recovering"])
                return {"failed": True, "msg": runstate.after_rollback(f"failed to write {label} ({exc})", clean)}
        runstate.exit_run(live, params, check_mode, warnings, clean=True)
    changed = bool(planned)
    return {"changed": changed, "before": before, "after": after, "reboot_required": changed,
            "reboot_reasons": [REBOOT_REASON] if changed else [],
            "backup": [u for block in reversed(blocks) for u in block], "diff": _policy_diff(before, after)}


def _as_list(data) -> list:
    return [str(d) for d in data] if isinstance(data, list) else [str(data)]


def _undo(store, undo: list, warnings: list) -> bool:
    clean = True
    for op in undo:
        try:
            _policy_op(store, op)
        except ProcessCut:
            raise
        except Exception as exc:
            clean = False
            warnings.append(f"rollback of {op['path']}\\{op['name'] if op['name'] is not None else ''} failed: {exc}")
    return clean


class LocalCng:
    """The TLS cmdlets on one host: each call reads the live list, changes it, and writes it back at once."""

    VALUES = {"suite": "Functions", "curve": "EccCurves"}

    def __init__(self, host):
        self.host = host

    def current(self, kind: str) -> list:
        return local_suites(self.host) if kind == "suite" else local_curves(self.host)

    def known(self, kind: str) -> set:
        if kind == "suite":
            return {s.name for s in catalogue().suites_for(self.host.version)}
        return set(effective().CURVE_CODES)

    def _store(self, kind: str, names: list) -> None:
        self.host.registry.ensure_key(LOCAL_SSL)
        self.host.registry.set_value(LOCAL_SSL, self.VALUES[kind], "multistring", names)

    def disable(self, kind: str, name: str) -> None:
        names = self.current(kind)
        if name in names:
            names.remove(name)
            self._store(kind, names)

    def enable(self, kind: str, name: str, position: int) -> None:
        if name not in self.known(kind):
            raise CmdletError(UNKNOWN_NAME)
        names = [n for n in self.current(kind) if n != name]
        names.insert(min(position, len(names)), name)
        self._store(kind, names)


def set_local_order(cng: LocalCng, kind: str, current: list, wanted: list) -> None:
    """``Set-LocalOrder``: the CNG call sequence, in one place (issue 14 item 2, prefix-safe): the live list never
    loses an entry both lists hold except the one being moved, and is never empty while they share one."""
    live = list(current)
    for i, name in enumerate(wanted):
        if i < len(live) and live[i] == name:
            continue
        if name in live:
            cng.disable(kind, name)
            live.remove(name)
        cng.enable(kind, name, i)
        live.insert(min(i, len(live)), name)
    for name in reversed(live[len(wanted):]):
        cng.disable(kind, name)


def _local(host, params, check_mode, warnings):
    if not has_cmdlet(host, "Get-TlsCipherSuite"):
        return {"failed": True, "msg": "scope: local needs the TLS cmdlets (Get-TlsCipherSuite), which exist on "
                "Windows Server 2016 and later; use scope: policy"}
    has_curves = has_cmdlet(host, "Get-TlsEccCurve")
    cng = LocalCng(host)

    def state():
        return {"cipher_suites": cng.current("suite"), "ecc_curves": cng.current("curve") if has_curves else None}

    before = state()
    wanted = dict(before)
    if params.get("cipher_suites") is not None:
        wanted["cipher_suites"] = list(params["cipher_suites"])
    if params.get("ecc_curves") is not None:
        if not has_curves:
            return {"failed": True, "msg": "ecc_curves: this host has no Get-TlsEccCurve cmdlet; use scope: policy"}
        wanted["ecc_curves"] = list(params["ecc_curves"])
    run_state = runstate.enter(host.registry, params, check_mode, "win_tls_cipher_suites", warnings)
    suites_differ = before["cipher_suites"] != wanted["cipher_suites"]
    curves_differ = has_curves and before["ecc_curves"] != wanted["ecc_curves"]
    if suites_differ or curves_differ:
        runstate.write_intent(
            host.registry, params, check_mode, run_state, "win_tls_cipher_suites",
            {"scope": "local", "cipher_suites": wanted["cipher_suites"], "ecc_curves": wanted["ecc_curves"]},
            {"scope": "local", "cipher_suites": before["cipher_suites"], "ecc_curves": before["ecc_curves"]}, warnings)
    diff = {"before": {"local\\cipher_suites": ",".join(before["cipher_suites"])},
            "after": {"local\\cipher_suites": ",".join(wanted["cipher_suites"])}}
    if has_curves:
        diff["before"]["local\\ecc_curves"] = ", ".join(before["ecc_curves"])
        diff["after"]["local\\ecc_curves"] = ", ".join(wanted["ecc_curves"])
    changed = [f for f, differs in (("cipher_suites", suites_differ), ("ecc_curves", curves_differ)) if differs]
    if changed and not check_mode:
        step = "cipher_suites"
        try:
            if suites_differ:
                set_local_order(cng, "suite", before["cipher_suites"], wanted["cipher_suites"])
            step = "ecc_curves"
            if curves_differ:
                set_local_order(cng, "curve", before["ecc_curves"], wanted["ecc_curves"])
        except (CmdletError, RegistryWriteError) as exc:
            message = f"failed to write the local {step} order ({exc})"
            restored = True
            try:
                now = state()
                set_local_order(cng, "suite", now["cipher_suites"], before["cipher_suites"])
                if has_curves:
                    set_local_order(cng, "curve", now["ecc_curves"], before["ecc_curves"])
            except (CmdletError, RegistryWriteError) as undo_exc:
                restored = False
                warnings.append(f"rollback of the local order failed: {undo_exc}")
            runstate.exit_run(host.registry, params, check_mode, warnings, clean=restored and not run_state["recovering"])
            if restored:
                message += "; the previous local order was restored"
            else:
                message += "; the previous local order could not be restored (see warnings)"
            _applied(host)
            return {"failed": True, "msg": message}
        _applied(host)
    runstate.exit_run(host.registry, params, check_mode, warnings, clean=True)
    return {"changed": bool(changed), "before": before, "after": wanted, "reboot_required": False,
            "reboot_reasons": [], "diff": diff,
            "backup": {"scope": "local", "cipher_suites": before["cipher_suites"], "ecc_curves": before["ecc_curves"]}}


def _applied(host) -> None:
    """CNG applies the local order at once: the TLS ports serve it from now on."""
    rederive = getattr(host, "rederive", None)
    if rederive is not None:
        rederive()
    if getattr(host, "endpoints", None) is not None:
        host.endpoints.refresh_tls()
    if hasattr(host, "write_status"):
        host.write_status()


def run(host, args: dict) -> dict:
    def body(params, check_mode):
        warnings: list = []
        handler = _local if str(params["scope"]).lower() == "local" else _policy
        if params.get("restore") is not None:
            handler = _restore
        try:
            result = handler(host, params, check_mode, warnings)
        except runstate.Refused as exc:  # the .ps1's FailJson inside Enter-SchannelRun / Write-SchannelIntent
            result = dict(exc.result)
        if warnings:
            result["warnings"] = warnings
        return result
    return common.run_module("win_tls_cipher_suites", args, body)
