"""The twin's parts without processes: registry file, registry operations, ClientHello gate, boot derivation."""
from __future__ import annotations

import json
import ssl

import pytest

from tests.twin import boot, scenarios, tlsgate
from tests.twin.api import parse_spec
from tests.twin.certs import parse_spec as parse_cert
from tests.twin.doubles.regops import apply_operations
from tests.twin.faults import Faults
from tests.twin.registry import RegistryStore
from tests.twin.testing import client_hello

SCHANNEL = scenarios.SCHANNEL
TLS10 = SCHANNEL + "\\Protocols\\TLS 1.0\\Server"
RC4 = SCHANNEL + "\\Ciphers\\RC4 128/128"
REASON = "Schannel reads protocol settings at boot"


@pytest.fixture
def store(tmp_path):
    return RegistryStore(tmp_path / "registry.json", initial=scenarios.stock("2019"))


def ops():
    return [
        {"path": TLS10, "name": "Enabled", "state": "present", "type": "dword", "data": 0, "reboot_reason": REASON},
        {"path": TLS10, "name": "DisabledByDefault", "state": "present", "type": "dword", "data": 1, "reboot_reason": REASON},
        {"path": RC4, "name": "Enabled", "state": "present", "type": "dword", "data": 0},
    ]


def test_slash_is_part_of_a_key_name_and_file_is_the_dump_format(store):
    apply_operations(store, ops(), check_mode=False)
    dump = json.loads(store.path.read_text())
    assert dump[RC4] == {"Enabled": {"type": "dword", "data": 0}}
    assert SCHANNEL + "\\Ciphers\\RC4 128" not in dump
    assert dump[SCHANNEL + "\\Protocols\\TLS 1.0"] == {}  # parents exist as (empty) keys
    assert store.get_value(TLS10.lower(), "enabled") == {"type": "dword", "data": 0}  # case-insensitive


def test_check_mode_apply_idempotence_and_backup(store):
    before = store.path.read_text()
    check = apply_operations(store, ops(), check_mode=True)
    assert check["changed"] and store.path.read_text() == before
    applied = apply_operations(store, ops(), check_mode=False)
    assert applied["changes"] == check["changes"] and applied["backup"] == check["backup"]
    assert applied["reboot_required"] and applied["reboot_reasons"] == [REASON]
    assert applied["diff"]["after"][TLS10 + "\\Enabled"] == "0x00000000 (dword)"
    # newest block first; a value written into a missing key also removes the topmost key it created (D6)
    assert [(b["path"].rsplit("\\", 1)[-1], b["name"]) for b in applied["backup"]] == [
        ("RC4 128/128", "Enabled"), ("RC4 128/128", None),
        ("Server", "DisabledByDefault"), ("Server", "Enabled"), ("TLS 1.0", None)]
    assert not apply_operations(store, ops(), check_mode=False)["changed"]
    restored = apply_operations(store, applied["backup"], check_mode=False)
    assert restored["changed"] and store.get_value(TLS10, "Enabled") is None


def test_key_removal_backup_recreates_the_subtree(store):
    apply_operations(store, ops(), check_mode=False)
    removed = apply_operations(store, [{"path": SCHANNEL + "\\Protocols\\TLS 1.0", "name": None, "state": "absent"}], False)
    assert not store.key_exists(TLS10)
    assert removed["changes"][-1] == {"path": SCHANNEL + "\\Protocols\\TLS 1.0", "name": None,
                                      "before": {"type": "key", "data": None}, "after": None}
    apply_operations(store, removed["backup"], False)
    assert store.get_value(TLS10, "DisabledByDefault") == {"type": "dword", "data": 1}


def test_failed_write_rolls_back_and_names_the_value(store, tmp_path):
    faults = Faults(tmp_path / "faults.json")
    faults.update(fail_writes=[{"path": RC4, "name": "Enabled"}])
    store.write_guard = faults.check_write
    result = apply_operations(store, ops(), check_mode=False)
    assert result["failed"] and "RC4 128/128\\Enabled" in result["msg"]
    assert store.get_value(TLS10, "Enabled") is None  # the first two writes were undone
    assert json.loads(store.path.read_text()).get(TLS10, {}) == {}


def test_client_hello_parser_reads_suites_and_versions():
    hello = tlsgate.parse_hello(client_hello(ciphers="ECDHE-ECDSA-AES128-GCM-SHA256", maximum_version=ssl.TLSVersion.TLSv1_2))
    assert 0xC02B in hello.cipher_suites and 0x0303 in hello.versions and 0x0304 not in hello.versions
    modern = tlsgate.parse_hello(client_hello())
    assert 0x0304 in modern.versions and 0x1302 in modern.cipher_suites


def test_boot_derives_the_ios_ats_failure_and_the_gate_resets_modern_clients(tmp_path):
    from tests.twin.certs import load_or_create
    cert = load_or_create(tmp_path, "rsa:2048", "old", tmp_path / "keys")
    registry = scenarios.build("ios_ats_failure", "2008r2")
    served = boot.derive("2008r2", registry, registry, cert)
    assert served.protocols == ["TLS 1.0"]  # TLS 1.2 off by default on 2008 R2; SSL 3.0 not in OpenSSL 3
    assert served.openssl_ciphers == ["AES256-SHA", "AES128-SHA"]  # the un-suffixed ECDHE names do not exist there
    ok, why = tlsgate.shares_something(served, tlsgate.parse_hello(client_hello()))
    # a modern hello: 2008 R2 ignores supported_versions, answers at TLS 1.0 and has none of the client's suites
    assert not ok and "cipher suite" in why and "0x0301" in why
    ok, why = tlsgate.shares_something(served, tlsgate.parse_hello(client_hello(
        minimum_version=ssl.TLSVersion.TLSv1, ciphers="ECDHE-RSA-AES128-SHA:@SECLEVEL=0")))
    assert not ok and "cipher suite" in why  # TLS 1.0 shared, but none of the two RSA-kex suites: reset


def test_specs_and_certificates_parse():
    assert parse_spec("web1:2019") == {"name": "web1", "version": "2019", "cert": "rsa:2048", "scenario": "stock"}
    assert parse_spec("a:2008 R2:ecdsa:p256:ios_ats_failure")["cert"] == "ecdsa:p256"
    assert parse_spec("b:17763:iis_crypto_best_practices") == {"name": "b", "version": "2019", "cert": "rsa:2048",
                                                               "scenario": "iis_crypto_best_practices"}
    assert parse_cert("sha1").signature_hash == "sha1" and parse_cert("rsa:1024").key_size == 1024
    assert parse_cert("ecdsa:p384+sha384").curve == "p384"


def test_sha1_leaf_is_issued_by_the_folder_ca(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import padding
    from tests.twin.certs import ensure_ca, load_or_create
    ca, _key = ensure_ca(tmp_path / "keys")
    cert = load_or_create(tmp_path, "ecdsa:p256+sha1", "legacy", tmp_path / "keys")
    leaf = x509.load_pem_x509_certificate(cert.cert_path.read_bytes())
    assert leaf.signature_hash_algorithm.name == "sha1" and leaf.issuer == ca.subject
    ca.public_key().verify(leaf.signature, leaf.tbs_certificate_bytes, padding.PKCS1v15(), leaf.signature_hash_algorithm)
    assert cert.facts()["key_type"] == "ecdsa" and cert.facts()["signature_hash"] == "sha1"


@pytest.mark.parametrize("version", ["2008r2", "2019", "2022"])
def test_iis_crypto_best_practices_scenario_names_only_suites_the_version_has(tmp_path, version):
    from tests.twin.certs import load_or_create
    from tests.twin.knowledge import catalogue
    registry = scenarios.build("iis_crypto_best_practices", version)
    assert registry[SCHANNEL + "\\Protocols\\TLS 1.2\\Server"]["Enabled"] == {"type": "dword", "data": 0xFFFFFFFF}
    names = registry[scenarios.POLICY_SSL]["Functions"]["data"].split(",")
    assert names and all(catalogue().get(n, version) is not None for n in names)
    served = boot.derive(version, registry, registry, load_or_create(tmp_path, None, "bp", tmp_path / "keys"))
    assert "TLS 1.2" in served.protocols and "SSL 3.0" not in served.protocols
    assert served.schannel_suites_source == "policy" and not any("3DES" in c for c in served.openssl_ciphers)


def test_drop_fault_can_target_one_module(tmp_path):
    faults = Faults(tmp_path / "faults.json")
    faults.update(drop_connection=1, drop_module="win_schannel")
    assert not faults.take_drop("tlsops.schannel.win_schannel_info")
    assert faults.take_drop("tlsops.schannel.win_schannel")
    assert not faults.take_drop("tlsops.schannel.win_schannel")


@pytest.mark.parametrize("module", ["win_schannel", "win_schannel_info", "win_tls_cipher_suites"])
def test_doubles_take_the_options_the_ps1_spec_declares(module):
    """A new option in a .ps1 ``$spec`` reaches its double: the double validates against the module's
    INTERNAL_OPTIONS, which must declare the same options as the ``.ps1``."""
    import re
    from tests.twin.argspec import module_spec
    from tests.twin.testing import REPO_ROOT
    ps1 = (REPO_ROOT / "plugins" / "modules" / f"{module}.ps1").read_text()
    block = ps1[ps1.index("$spec = @{"):ps1.index("supports_check_mode")]
    declared = set(re.findall(r"^ {8}(\w+) = @\{", block, re.MULTILINE))
    assert declared == set(module_spec(module))


def test_each_write_is_durable_and_a_cut_leaves_exactly_n_writes(store):
    """Windows makes each registry write durable on its own: a run cut after its 2nd write (fault
    cut_after_writes) leaves those two in the file and runs no rollback."""
    from tests.twin.registry import ProcessCut
    apply_operations(store, [{"path": TLS10, "name": None, "state": "present"}], check_mode=False)
    store.reset_write_count(2)
    with pytest.raises(ProcessCut):
        apply_operations(store, ops()[:2] + [{"path": TLS10, "name": "Third", "type": "dword", "data": 3}], False)
    on_disk = json.loads(store.path.read_text())[TLS10]
    assert on_disk == {"Enabled": {"type": "dword", "data": 0}, "DisabledByDefault": {"type": "dword", "data": 1}}
    store.reset_write_count(None)


def test_cut_fault_is_consumed_once_and_targets_one_module(tmp_path):
    faults = Faults(tmp_path / "faults.json")
    faults.update(cut_after_writes=0, cut_module="win_schannel")
    assert faults.take_cut("tlsops.schannel.win_tls_cipher_suites") is None
    assert faults.take_cut("tlsops.schannel.win_schannel") == 0
    assert faults.take_cut("tlsops.schannel.win_schannel") is None


def test_local_order_calls_are_one_write_each_and_never_empty_the_list(tmp_path):
    """set_local_order (the CNG call sequence) persists every Disable/Enable call; the list never loses a suite
    both orders share, except the one being moved."""
    from tests.twin.doubles.win_tls_cipher_suites import LocalCng, set_local_order
    from tests.twin.doubles.win_schannel_info import LOCAL_SSL
    store = RegistryStore(tmp_path / "registry.json", initial={LOCAL_SSL: {"Functions": {"type": "multistring", "data": ["A", "B", "C"]}}})
    seen = []

    class Host:
        version = "2019"
        registry = store

    cng = LocalCng(Host)
    cng.known = lambda kind: {"A", "B", "C", "D"}
    original = store.set_value

    def record(path, name, vtype, data):
        original(path, name, vtype, data)
        seen.append(list(data))
    store.set_value = record
    set_local_order(cng, "suite", ["A", "B", "C"], ["C", "A", "D"])
    assert seen[-1] == ["C", "A", "D"]
    assert all(set(step) & {"A", "C"} for step in seen)  # never loses every suite both orders share
    assert len(seen) == store.writes


def _executor_host(tmp_path, version="2019", wmf51=True):
    from tests.twin import personality

    class Host:
        registry = RegistryStore(tmp_path / "registry.json", initial=scenarios.stock(version))
        faults = Faults(tmp_path / "faults.json")
        powershell_version = personality.powershell_version(version, 17763, wmf51)

        def count_module(self, module):
            pass
    host = Host()
    host.version = version
    host.registry.write_guard = host.faults.check_write
    return host


def test_a_cut_module_prints_nothing_and_leaves_its_writes(tmp_path):
    """The executor ends a module at the armed write as a killed PowerShell host: rc 1, no JSON, no rollback."""
    from tests.twin.dispatch import Executor
    from tests.twin.powershell import Invocation
    host = _executor_host(tmp_path)
    # writes 1-2 create the collection's key and write the intent (issue 14), 3 creates the key, 4 sets Enabled
    host.faults.update(cut_after_writes=4, cut_module="win_schannel")
    run = Executor(host)._module(Invocation(kind="module", module="tlsops.schannel.win_schannel",
                                            args={"operations": ops()}))
    assert run[:3] == (b"", b"", 1)
    saved = json.loads(host.registry.path.read_text())
    assert saved[TLS10] == {"Enabled": {"type": "dword", "data": 0}}
    assert "Intent" in saved["HKLM\\SOFTWARE\\tlsops\\schannel"]  # the host says it is mid-change
    again = Executor(host)._module(Invocation(kind="module", module="tlsops.schannel.win_schannel",
                                              args={"operations": ops()}))
    refused = json.loads(again[0])  # consumed once: the module runs again, and is refused until it recovers
    assert refused["failed"] and "interrupted run (win_schannel" in refused["msg"] and refused["interrupted"]["undo"]


def test_stock_2008r2_answers_every_module_as_the_bootstrap_wrapper(tmp_path):
    from tests.twin.dispatch import Executor
    from tests.twin.powershell import Invocation
    host = _executor_host(tmp_path, "2008r2", wmf51=False)
    for inv in (Invocation(kind="module", module="ansible.windows.win_ping"),
                Invocation(kind="exec_script", script="powershell_mkdtemp.ps1")):
        handler = getattr(Executor(host), "_module" if inv.kind == "module" else "_exec_script")
        stdout, _err, rc, _drop = handler(inv)
        assert (json.loads(stdout), rc) == ({"failed": True, "msg": "Ansible requires PowerShell v5.1"}, 1)


@pytest.mark.parametrize("view", ["Microsoft", "Wow6432Node\\Microsoft"])
def test_a_winhttp_write_creates_only_the_managed_key_as_on_windows(tmp_path, view):
    """Every 64-bit Windows Server has ...\\CurrentVersion\\Internet Settings in both views, so the undo of a first
    WinHTTP write removes WinHttp only, never an ancestor outside the managed roots."""
    from tests.twin.dispatch import Executor
    from tests.twin.powershell import Invocation
    winhttp = "HKLM\\SOFTWARE\\%s\\Windows\\CurrentVersion\\Internet Settings\\WinHttp" % view
    host = _executor_host(tmp_path)
    op = {"path": winhttp, "name": "DefaultSecureProtocols", "state": "present", "type": "dword", "data": 0xA00,
          "reboot_reason": None}
    out, _err, rc = Executor(host)._module(Invocation(kind="module", module="tlsops.schannel.win_schannel",
                                                      args={"operations": [op]}))[:3]
    result = json.loads(out)
    assert rc == 0 and result["changed"], result
    removed = [b["path"] for b in result["backup"] if b["state"] == "absent" and b.get("name") is None]
    assert removed == [winhttp]
