"""Write-ahead intent and host lease, as ``_SchannelRegistry.psm1`` keeps them (issue 14).

Two REG_SZ values of ``HKLM\\SOFTWARE\\tlsops\\schannel``, JSON text, each one write: ``Lease`` = {owner, run_id,
expires, module} and ``Intent`` = {run_id, owner, module, started, operations, undo}. The store's lock stands in for
the host-wide mutex ``Global\\tlsops.schannel`` the ``.ps1`` reads and takes the lease in. Function for function:
``enter`` = ``Enter-SchannelRun``, ``write_intent`` = ``Write-SchannelIntent``, ``exit_run`` = ``Exit-SchannelRun``.
"""
from __future__ import annotations

import datetime
import json

from ..registry import RegistryStore, RegistryWriteError

RUN_KEY = "HKLM\\SOFTWARE\\tlsops\\schannel"
STAMP = "%Y-%m-%dT%H:%M:%SZ"


class Refused(Exception):
    """``FailJson`` before any write; ``result`` is the failed result (msg plus lease or interrupted)."""

    def __init__(self, result: dict):
        self.result = result
        super().__init__(result["msg"])


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def stamp(when: datetime.datetime) -> str:
    return when.astimezone(datetime.timezone.utc).strftime(STAMP)


def record(store: RegistryStore, name: str) -> dict | None:
    """``Get-SchannelRunRecord``: {text, value, error}, value {raw, error} when the text is not a JSON object."""
    stored = store.get_value(RUN_KEY, name)
    if stored is None:
        return None
    text = str(stored["data"])
    try:
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        return {"text": text, "value": value, "error": None}
    except ValueError as exc:
        return {"text": text, "value": {"raw": text, "error": str(exc)}, "error": str(exc)}


def field(value) -> str:
    """``Format-SchannelRunField``."""
    return "unknown" if value is None or str(value) == "" else str(value)


def lease_live(lease: dict, at: datetime.datetime) -> bool:
    try:
        expires = datetime.datetime.strptime(str(lease.get("expires")), STAMP).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return False
    return expires > at


def _take_lease(store: RegistryStore, run, check_mode: bool, name: str):
    """The locked part of ``Enter-SchannelRun``: (lease record, intent record, holder of another live lease)."""
    with store.lock:
        lease = record(store, "Lease")
        found = record(store, "Intent")
        at = now()
        holder = None
        if run is not None and lease is not None and lease["error"] is None \
                and str(lease["value"].get("run_id")) != str(run["id"]) and lease_live(lease["value"], at):
            holder = {"owner": lease["value"].get("owner"), "run_id": lease["value"].get("run_id"),
                      "expires": lease["value"].get("expires")}
        take = not check_mode and holder is None and (found is None or (run is not None and run["recover"]))
        if take and run is not None:
            entry = {"owner": run["owner"], "run_id": run["id"], "module": name,
                     "expires": stamp(at + datetime.timedelta(seconds=float(run["lease_seconds"])))}
            store.ensure_key(RUN_KEY)
            store.set_value(RUN_KEY, "Lease", "string", json.dumps(entry))
    return lease, found, holder


def enter(store: RegistryStore, params: dict, check_mode: bool, name: str, warnings: list) -> dict:
    """``Enter-SchannelRun``: raises ``Refused`` (nothing written) or returns {recovering}."""
    run = params.get("run")
    try:
        lease, found, holder = _take_lease(store, run, check_mode, name)
    except (RegistryWriteError, OSError) as exc:
        # a registry error while the lease is read or taken: the module's own message, nothing written
        raise Refused({"failed": True, "changed": False, "msg": lease_failure(exc)}) from exc
    if lease is not None and lease["error"] is not None:
        warnings.append(f"the lease in {RUN_KEY}\\Lease is not readable ({lease['error']}); it was taken over")
    if holder is not None:
        text = (f"the host is leased by {field(holder['owner'])} (run {field(holder['run_id'])}) until "
                f"{field(holder['expires'])}; nothing was written; wait for that run to end or for the lease to expire")
        if check_mode:
            warnings.append(text)
        else:
            raise Refused({"failed": True, "changed": False, "msg": text, "lease": holder})
    recovering = found is not None and run is not None and bool(run["recover"])
    if found is not None and not recovering:
        i = found["value"]
        text = (f"an interrupted run ({field(i.get('module'))}, run {field(i.get('run_id'))} of {field(i.get('owner'))}, "
                f"started {field(i.get('started'))}) left this host mid-change; run the task again through the action "
                "plugin, which rolls it back first")
        if check_mode:
            warnings.append(text)
        else:
            raise Refused({"failed": True, "changed": False, "msg": text, "interrupted": i})
    return {"recovering": recovering}


def write_intent(store: RegistryStore, params: dict, check_mode: bool, state: dict, name: str, operations, undo,
                 warnings: list) -> None:
    """``Write-SchannelIntent``: just before the first write; a recovering run keeps the intent it recovers. A
    registry error raises ``Refused`` (nothing has been changed yet) after the lease is released."""
    if check_mode or state["recovering"]:
        return
    run = params.get("run")
    entry = {"run_id": run["id"] if run else None, "owner": run["owner"] if run else None, "module": name,
             "started": stamp(now()), "operations": operations, "undo": undo}
    try:
        store.ensure_key(RUN_KEY)
        store.set_value(RUN_KEY, "Intent", "string", json.dumps(entry))
    except (RegistryWriteError, OSError) as exc:
        exit_run(store, params, check_mode, warnings)
        raise Refused({"failed": True, "changed": False, "msg": intent_failure(exc)}) from exc


def write_planned_intent(store: RegistryStore, params: dict, check_mode: bool, state: dict, name: str, planned,
                         warnings: list) -> None:
    """``Write-SchannelPlannedIntent``: ``planned`` = [(op, undo block)]; the undo newest block first."""
    if planned:
        write_intent(store, params, check_mode, state, name, [op for op, _block in planned],
                     [u for _op, block in reversed(planned) for u in block], warnings)


def lease_failure(exc: Exception) -> str:
    """A registry error while reading or taking the lease: the module fails with this, before any setting is written
    (the .ps1 catches what ``Enter-SchannelRun`` throws; its own refusals exit through the catch)."""
    return f"failed to take the host lease in {RUN_KEY} ({exc}); no setting was changed"


def intent_failure(exc: Exception) -> str:
    """The intent could not be written before the first setting: the module fails with this (lease released)."""
    return f"failed to write this run's intent in {RUN_KEY} ({exc}); no setting was changed"


def after_rollback(message: str, clean: bool) -> str:
    """A failed write's message, saying whether the rollback put everything back."""
    if clean:
        return message + "; the values this run had already written were restored"
    return message + "; the values this run had already written could not all be restored (see warnings)"


def exit_run(store: RegistryStore, params: dict, check_mode: bool, warnings: list, clean: bool = False) -> None:
    """``Exit-SchannelRun``: the intent goes when the host is in the old or the new state, then this run's lease. A
    registry error only warns: an intent left behind makes the next run take this one as interrupted."""
    if check_mode:
        return
    try:
        if clean:
            store.delete_value(RUN_KEY, "Intent")
        run = params.get("run")
        with store.lock:
            if run is not None and run["release"]:
                lease = record(store, "Lease")
                if lease is not None and lease["error"] is None and str(lease["value"].get("run_id")) == str(run["id"]):
                    store.delete_value(RUN_KEY, "Lease")
            # with neither value left, the collection's key goes too: a run that ends well leaves no trace
            parent = RUN_KEY.rsplit("\\", 1)[0]
            if store.key_exists(RUN_KEY) and not store.value_names(RUN_KEY) and not store.child_names(RUN_KEY):
                store.delete_key(RUN_KEY)
                if not store.value_names(parent) and not store.child_names(parent):
                    store.delete_key(parent)
    except (RegistryWriteError, OSError) as exc:
        warnings.append(f"could not clear this run's state in {RUN_KEY} ({exc}); the next run may take this one as interrupted")
