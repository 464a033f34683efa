"""``tlsops.schannel.win_tls_cipher_suites``: write a final suite/curve order, as ``win_tls_cipher_suites.ps1``.

``scope: policy`` writes the Group Policy values (REG_SZ ``Functions``, REG_MULTI_SZ ``EccCurves``; effective
at the next boot). ``scope: local`` stands in for the TLS cmdlets (2016+): the twin keeps the local CNG order as
REG_MULTI_SZ ``Functions``/``EccCurves`` under ``...\\Configuration\\Local\\SSL\\00010002`` and, like CNG,
applies it at once (the TLS ports are re-derived without a reboot). A name the version does not know fails as
``Enable-TlsCipherSuite`` would, and the previous order is restored.
"""
from __future__ import annotations

from ..knowledge import catalogue
from ..registry import RegistryWriteError
from . import common
from .win_schannel_info import LOCAL_SSL, has_tls_cmdlets, local_curves, local_suites

OPTIONS = ("scope", "cipher_suites", "ecc_curves", "state")
POLICY_SSL = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
REBOOT_REASON = "the Group Policy cipher-suite and curve order is read at boot"


def _split(raw):
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else [raw]
    return [s.strip() for s in ",".join(items).split(",") if s.strip()]


def _policy(host, args, check_mode):
    store = host.registry
    functions = store.get_value(POLICY_SSL, "Functions")
    curves = store.get_value(POLICY_SSL, "EccCurves")
    before = {"cipher_suites": _split(functions["data"]) if functions else None,
              "ecc_curves": list(curves["data"]) if curves else None}
    wanted = dict(before)
    if args.get("state", "present") == "absent":
        wanted = {"cipher_suites": None, "ecc_curves": None}
    else:
        for field in ("cipher_suites", "ecc_curves"):
            if args.get(field) is not None:
                wanted[field] = list(args[field])
    suites_differ = before["cipher_suites"] != wanted["cipher_suites"]
    type_differs = wanted["cipher_suites"] is not None and functions is not None and functions["type"] == "multistring"
    curves_differ = before["ecc_curves"] != wanted["ecc_curves"]
    label = POLICY_SSL
    diff = {"before": {}, "after": {}}
    for side, state in (("before", before), ("after", wanted)):
        if state["cipher_suites"] is not None:
            diff[side][f"{label}\\Functions"] = ",".join(state["cipher_suites"])
        if state["ecc_curves"] is not None:
            diff[side][f"{label}\\EccCurves"] = ", ".join(state["ecc_curves"]) + " (multistring)"
    backup, writes = [], []
    if suites_differ or type_differs:
        backup.append({"path": label, "name": "Functions", "state": "present" if functions else "absent",
                       "type": functions["type"] if functions else None, "data": functions["data"] if functions else None,
                       "reboot_reason": REBOOT_REASON})
        writes.append(("Functions", wanted["cipher_suites"]))
    if curves_differ:
        backup.append({"path": label, "name": "EccCurves", "state": "present" if curves else "absent",
                       "type": "multistring" if curves else None, "data": curves["data"] if curves else None,
                       "reboot_reason": REBOOT_REASON})
        writes.append(("EccCurves", wanted["ecc_curves"]))
    if writes and not check_mode:
        done = []
        with store.lock:
            try:
                for name, value in writes:
                    if value is None:
                        store.delete_value(POLICY_SSL, name)
                    elif name == "Functions":
                        store.set_value(POLICY_SSL, name, "string", ",".join(value))
                    else:
                        store.set_value(POLICY_SSL, name, "multistring", list(value))
                    done.append(name)
            except RegistryWriteError as exc:
                guard, store.write_guard = store.write_guard, None
                try:
                    for undo in backup:
                        if undo["name"] not in done:
                            continue
                        if undo["state"] == "absent":
                            store.delete_value(POLICY_SSL, undo["name"])
                        else:
                            store.set_value(POLICY_SSL, undo["name"], undo["type"], undo["data"])
                finally:
                    store.write_guard = guard
                store.save()
                return {"failed": True, "changed": False, "msg": f"failed to write {label}\\{name} ({exc}); the values "
                        "this run had already written were restored"}
            store.save()
    changed = bool(writes)
    return {"changed": changed, "before": before, "after": wanted, "reboot_required": changed,
            "reboot_reasons": [REBOOT_REASON] if changed else [], "backup": backup, "diff": diff}


def _local(host, args, check_mode):
    if not has_tls_cmdlets(host.version):
        return {"failed": True, "changed": False, "msg": "scope: local needs the TLS cmdlets (Get-TlsCipherSuite), "
                "which exist on Windows Server 2016 and later; use scope: policy"}
    before = {"cipher_suites": local_suites(host), "ecc_curves": local_curves(host)}
    wanted = dict(before)
    for field in ("cipher_suites", "ecc_curves"):
        if args.get(field) is not None:
            wanted[field] = list(args[field])
    diff = {"before": {"local\\cipher_suites": ",".join(before["cipher_suites"]),
                       "local\\ecc_curves": ", ".join(before["ecc_curves"])},
            "after": {"local\\cipher_suites": ",".join(wanted["cipher_suites"]),
                      "local\\ecc_curves": ", ".join(wanted["ecc_curves"])}}
    changed_values = [f for f in ("cipher_suites", "ecc_curves") if before[f] != wanted[f]]
    if changed_values and not check_mode:
        known = {s.name for s in catalogue().suites_for(host.version)}
        unknown = [n for n in wanted["cipher_suites"] if n not in known]
        if unknown:
            return {"failed": True, "changed": False, "msg": f"failed to write the local cipher_suites order "
                    f"(Enable-TlsCipherSuite: the parameter is incorrect: {unknown[0]}); the previous local order was restored"}
        store = host.registry
        with store.lock:
            try:
                if "cipher_suites" in changed_values:
                    store.set_value(LOCAL_SSL, "Functions", "multistring", wanted["cipher_suites"])
                if "ecc_curves" in changed_values:
                    store.set_value(LOCAL_SSL, "EccCurves", "multistring", wanted["ecc_curves"])
            except RegistryWriteError as exc:
                guard, store.write_guard = store.write_guard, None
                try:
                    store.set_value(LOCAL_SSL, "Functions", "multistring", before["cipher_suites"])
                    store.set_value(LOCAL_SSL, "EccCurves", "multistring", before["ecc_curves"])
                finally:
                    store.write_guard = guard
                store.save()
                return {"failed": True, "changed": False, "msg": f"failed to write the local order ({exc}); "
                        "the previous local order was restored"}
            store.save()
        host.rederive()  # CNG applies the local order at once
        if host.endpoints is not None:
            host.endpoints.refresh_tls()
        host.write_status()
    return {"changed": bool(changed_values), "before": before, "after": wanted, "reboot_required": False,
            "reboot_reasons": [], "diff": diff,
            "backup": {"scope": "local", "cipher_suites": before["cipher_suites"], "ecc_curves": before["ecc_curves"]}}


def run(host, args: dict) -> dict:
    bad = common.unsupported(args, OPTIONS)
    if bad:
        return bad
    check_mode, want_diff = common.modes(args)
    handler = _local if args.get("scope", "policy") == "local" else _policy
    result = handler(host, args, check_mode)
    if not want_diff:
        result.pop("diff", None)
    return result
