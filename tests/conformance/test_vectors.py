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
REQUIRED_KEYS = {"description", "module", "args", "expected"}
HOST_KEYS = {"edition", "hotfixes"}
FAULT_KEYS = {"fail_writes", "fail_reads"}
LOCAL_KEYS = {"cipher_suites", "ecc_curves"}
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


def json_equal(got, want) -> bool:
    """Equality of JSON values, the rule tests/windows/ConformanceRegistry.cs (Json.Difference) applies on a real host:
    a bool equals only a bool (Python's ``True == 1`` would not hold there), numbers by value, lists in order, objects
    with the same keys and equal values."""
    if want is None or isinstance(want, (bool, str)):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and got == want
    if isinstance(want, list):
        return (isinstance(got, (list, tuple)) and len(got) == len(want)
                and all(json_equal(g, w) for g, w in zip(got, want)))
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(json_equal(got[k], want[k]) for k in want)
    raise TypeError(f"not a JSON value: {want!r}")


def check_shape(vector: dict, folder: str) -> None:
    """What both runners refuse: a key they would not act on is an error, not ignored."""
    assert set(vector) <= TOP_KEYS, f"unknown keys {set(vector) - TOP_KEYS}"
    assert REQUIRED_KEYS <= set(vector), f"missing keys {REQUIRED_KEYS - set(vector)}"
    assert vector["module"] == folder and vector["module"] in MODULE_NAMES
    assert set(vector.get("host") or {}) <= HOST_KEYS
    assert set(vector.get("faults") or {}) <= FAULT_KEYS, set(vector.get("faults") or {}) - FAULT_KEYS
    for lists in ("local_before", "local_after"):
        assert set(vector.get(lists) or {}) <= LOCAL_KEYS, (lists, set(vector.get(lists) or {}) - LOCAL_KEYS)
    assert ("registry_after" in vector) == ("registry_after_roots" in vector), "registry_after and its roots go together"


def run_vector(vector: dict, state_dir: Path) -> tuple[dict, VectorHost]:
    host = VectorHost(vector, state_dir)
    args = dict(vector["args"], _ansible_check_mode=bool(vector.get("check_mode")), _ansible_diff=bool(vector.get("diff")),
                _ansible_module_name=vector["module"])
    return MODULES[f"tlsops.schannel.{vector['module']}"](host, args), host


@pytest.mark.parametrize("path", list(_vectors()))
def test_vector(path, tmp_path):
    vector = json.loads(path.read_text())
    check_shape(vector, path.parent.name)
    result, host = run_vector(vector, tmp_path)
    for key, want in vector["expected"].items():
        assert key in result, f"{key} missing from the result: {json.dumps(result, indent=1)[:3000]}"
        assert json_equal(result[key], want), \
            f"{key}:\n got  {json.dumps(result[key], indent=1)}\n want {json.dumps(want, indent=1)}"
    if "registry_after" in vector:
        dump = host.registry.dump(vector["registry_after_roots"])
        assert json_equal(dump, vector["registry_after"]), json.dumps(dump, indent=1)
    if "local_after" in vector:
        got = local_lists(host)
        assert json_equal({k: got[k] for k in vector["local_after"]}, vector["local_after"])


def test_there_are_vectors_for_every_module():
    counts = {m: len(list((VECTORS / m).glob("*.json"))) for m in MODULE_NAMES}
    assert all(counts.values()) and sum(counts.values()) >= 30, counts


@pytest.mark.parametrize("got, want, equal", [
    (True, 1, False), (1, True, False), (0, False, False), (1, 1.0, True), (None, None, True), ("a", "a", True),
    ([1, 2], [2, 1], False), ([1], [1, 1], False), ({"A": 1}, {"a": 1}, False), ({"a": 1, "b": 2}, {"a": 1}, False),
    ({"a": [True]}, {"a": [True]}, True), ((1, 2), [1, 2], True), ("1", 1, False), (None, [], False),
])
def test_json_equal_is_json_not_python_equality(got, want, equal):
    """The rule both runners compare by (a bool is not a number, key case counts, lists keep their order)."""
    assert json_equal(got, want) is equal


@pytest.mark.parametrize("change", [{"extra": 1}, {"faults": {"fail_everything": []}}, {"local_after": {"curves": []}},
                                    {"host": {"ram": 4}}, {"registry_after": {}}])
def test_a_key_no_runner_acts_on_is_refused(change):
    vector = {"description": "d", "module": "win_schannel", "args": {}, "expected": {}, **change}
    with pytest.raises(AssertionError):
        check_shape(vector, "win_schannel")
