"""Conformance vectors against the twin's module doubles, with no network: each vector file is one module run.

The same files drive the Pester runner under tests/windows/, which runs the real ``.ps1`` through Ansible.Basic on a
Windows host; the format is in tests/conformance/README.md. A vector that fails here means the double and the
semantics both sides agreed on differ.
"""
from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `tests.twin` importable however pytest is started
from tests.twin.doubles import MODULES  # noqa: E402
from tests.twin.doubles.win_schannel_info import LOCAL_SSL  # noqa: E402
from tests.twin.faults import Faults  # noqa: E402
from tests.twin.registry import RegistryStore  # noqa: E402

VECTORS = Path(__file__).resolve().parent / "vectors"
MODULE_NAMES = ("win_schannel", "win_tls_cipher_suites", "win_schannel_info")
TOP_KEYS = {"description", "module", "windows_version", "registry_before", "local_before", "args", "check_mode",
            "diff", "expected", "registry_after", "registry_after_roots", "local_after", "faults", "certificates",
            "host"}
HOST_KEYS = {"edition", "hotfixes"}
BOOT_TIME = datetime.datetime(2026, 12, 1, 6, 30, 0, tzinfo=datetime.timezone.utc)


class VectorHost:
    """Just what the doubles read of a twin: version, registry, faults, certificate store, boot time, config."""

    def __init__(self, vector: dict, state_dir: Path):
        self.version = vector.get("windows_version", "2019")
        self.registry = RegistryStore(state_dir / "registry.json", initial=vector.get("registry_before") or {})
        self.faults = Faults(state_dir / "faults.json")
        self.faults.update(**(vector.get("faults") or {}))
        self.registry.write_guard = self.faults.check_write
        self.cert_store = {store.upper(): {t.upper(): facts for t, facts in certs.items()}
                           for store, certs in (vector.get("certificates") or {}).items()}
        self.boot_time = BOOT_TIME
        host = vector.get("host") or {}
        self.config = type("Config", (), {"edition": host.get("edition", "Datacenter"),
                                          "hotfixes": host.get("hotfixes")})()
        for field, value_name in (("cipher_suites", "Functions"), ("ecc_curves", "EccCurves")):
            names = (vector.get("local_before") or {}).get(field)
            if names is not None:
                self.registry.seed(LOCAL_SSL, {value_name: {"type": "multistring", "data": list(names)}})
        self.registry.write_guard = self.faults.check_write


def _vectors():
    for path in sorted(VECTORS.glob("*/*.json")):
        yield pytest.param(path, id=f"{path.parent.name}/{path.stem}")


def local_lists(host: VectorHost) -> dict:
    from tests.twin.doubles.win_schannel_info import local_curves, local_suites
    return {"cipher_suites": local_suites(host), "ecc_curves": local_curves(host)}


def run_vector(vector: dict, state_dir: Path) -> tuple[dict, VectorHost]:
    host = VectorHost(vector, state_dir)
    args = dict(vector["args"], _ansible_check_mode=bool(vector.get("check_mode")), _ansible_diff=bool(vector.get("diff")),
                _ansible_module_name=vector["module"])
    return MODULES[f"tlsops.schannel.{vector['module']}"](host, args), host


@pytest.mark.parametrize("path", list(_vectors()))
def test_vector(path, tmp_path):
    vector = json.loads(path.read_text())
    assert set(vector) <= TOP_KEYS, f"unknown keys {set(vector) - TOP_KEYS}"
    assert set(vector.get("host") or {}) <= HOST_KEYS
    assert vector["module"] == path.parent.name and vector["module"] in MODULE_NAMES
    result, host = run_vector(vector, tmp_path)
    for key, want in vector["expected"].items():
        assert key in result, f"{key} missing from the result: {json.dumps(result, indent=1)[:3000]}"
        assert result[key] == want, f"{key}:\n got  {json.dumps(result[key], indent=1)}\n want {json.dumps(want, indent=1)}"
    if "registry_after" in vector:
        assert host.registry.dump(vector["registry_after_roots"]) == vector["registry_after"]
    if "local_after" in vector:
        got = local_lists(host)
        assert {k: got[k] for k in vector["local_after"]} == vector["local_after"]


def test_there_are_vectors_for_every_module():
    counts = {m: len(list((VECTORS / m).glob("*.json"))) for m in MODULE_NAMES}
    assert all(counts.values()) and sum(counts.values()) >= 30, counts
