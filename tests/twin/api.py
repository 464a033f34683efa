"""Start and stop twins from Python (pytest fixtures) or the CLI (``python -m tests.twin``).

``start_twins`` spawns one background process per twin, waits until each has bound its ports and written
``DIR/<name>/status.json``, then writes ``DIR/twins.json`` (names, PIDs, ports) and ``DIR/inventory.yml``.
``stop_twins`` signals exactly those PIDs (after checking that each PID still is that twin) and waits for them.
"""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .host import TwinConfig
from .inventory import write_inventory
from .scenarios import SCENARIOS

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LIFETIME = 600.0


def parse_spec(text: str) -> dict:
    """``NAME:VERSION[:CERT[:SCENARIO]]``; CERT may itself contain a colon (``rsa:2048``, ``ecdsa:p256``)."""
    parts = text.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValueError(f"twin spec {text!r}: expected NAME:VERSION[:CERT[:SCENARIO]]")
    from .knowledge import versions
    version = versions().resolve_windows_version(parts[1], field="spec")
    rest = parts[2:]
    scenario = "stock"
    if rest and rest[-1] in SCENARIOS:
        scenario = rest.pop()
    cert = ":".join(rest) or "rsa:2048"
    return {"name": parts[0], "version": version, "cert": cert, "scenario": scenario}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def start_twins(specs, state_dir, lifetime: float = DEFAULT_LIFETIME, address: str = "127.0.0.1",
                scheme: str = "http", reboot_downtime: float = 3.0, timeout: float = 180.0, alpn=None,
                winrm_basic: bool = False, connection: str = "winrm") -> dict:
    """Start one twin per spec (strings or dicts); return the ``twins.json`` document.

    The WinRM listeners are a stock Windows host's: Negotiate/NTLM with message encryption over HTTP, Basic
    refused; ``winrm_basic=True`` (or ``"winrm_basic": true`` in a dict spec) is the lab setup that turns Basic and
    unencrypted HTTP on, and the inventory then uses Basic for that twin. ``connection="psrp"`` writes an inventory
    for Ansible's ``psrp`` connection (the same listeners answer PSRP).

    ``timeout`` is generous because twenty twins on a loaded two-core machine each need about half a CPU second.
    """
    state = Path(state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    if connection not in ("winrm", "psrp"):
        raise ValueError(f"connection {connection!r}: expected winrm or psrp")
    if not address.startswith("127."):
        raise ValueError("twins bind only to 127.0.0.0/8")
    from .certs import (
        ensure_ca,  # one CA per state folder, made before twins race to make it
    )
    ensure_ca(state / "_keys")
    started = {}
    procs = []
    for spec in specs:
        fields = parse_spec(spec) if isinstance(spec, str) else dict(spec)
        basic = bool(fields.pop("winrm_basic", winrm_basic))
        config = TwinConfig(state_dir=str(state), lifetime=float(lifetime), address=fields.pop("address", address),
                            reboot_downtime=reboot_downtime, alpn=list(alpn or []), **fields)
        twin_dir = state / config.name
        twin_dir.mkdir(parents=True, exist_ok=True)
        (twin_dir / "status.json").unlink(missing_ok=True)
        log = open(twin_dir / "twin.log", "ab")  # noqa: SIM115 -- handed to the child, closed right after Popen
        wire = dict(dataclasses.asdict(config), winrm_basic=basic)
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.twin", "serve", "--config", json.dumps(wire)],
            cwd=str(REPO_ROOT), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        procs.append((config, proc, basic))
    deadline = time.monotonic() + timeout
    failed = []
    for config, proc, basic in procs:
        status_path = state / config.name / "status.json"
        while True:
            status = _read_json(status_path)
            if status.get("pid") == proc.pid and status.get("ports", {}).get("winrm_http"):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                failed.append(config.name)
                break
            time.sleep(0.05)
        if config.name in failed:
            continue
        started[config.name] = {
            "pid": proc.pid, "address": config.address, "ports": status["ports"], "version": config.version,
            "cert": config.cert, "scenario": config.scenario, "user": config.user, "password": config.password,
            "lifetime": config.lifetime, "started_at": time.time(), "scheme": scheme, "winrm_basic": basic,
            "connection": connection,
            "status_file": str(state / config.name / "status.json"),
            "registry_file": str(state / config.name / "registry.json"),
            "ca_file": str(state / "_keys" / "ca.pem"),
        }
    doc = _read_json(state / "twins.json") or {"state_dir": str(state), "twins": {}}
    doc["twins"].update(started)
    _write_json(state / "twins.json", doc)
    write_inventory(state / "inventory.yml", doc["twins"])
    if failed:
        stop_twins(state, names=list(started))
        logs = "; ".join(f"{n}: {(state / n / 'twin.log').read_text()[-500:]}" for n in failed)
        raise RuntimeError(f"twins did not come up: {', '.join(failed)} -- {logs}")
    return doc


def _is_our_twin(pid: int, state: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "tests.twin" in cmdline and "serve" in cmdline and str(state) in cmdline


def stop_twins(state_dir, names=None, timeout: float = 10.0) -> list:
    """SIGTERM the twins recorded in ``twins.json`` (all, or ``names``); SIGKILL what is left after ``timeout``."""
    state = Path(state_dir).resolve()
    doc = _read_json(state / "twins.json")
    twins = doc.get("twins", {})
    targets = [(n, t["pid"]) for n, t in twins.items() if names is None or n in names]
    signalled = []
    for name, pid in targets:
        if _is_our_twin(pid, state):
            try:
                os.kill(pid, signal.SIGTERM)
                signalled.append((name, pid))
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    for name, pid in signalled:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid) and _is_our_twin(pid, state):
            os.kill(pid, signal.SIGKILL)
    for name, _pid in targets:
        twins.pop(name, None)
    if doc:
        _write_json(state / "twins.json", doc)
        write_inventory(state / "inventory.yml", twins)
    return [entry[0] for entry in signalled]


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)  # reap our own child if it is one
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def status(state_dir, name: str) -> dict:
    """The live status of one twin (state, boot time, module execution counts, what it serves)."""
    return _read_json(Path(state_dir) / name / "status.json")
