"""compile_plan for every profile on every version, and its parts."""
from __future__ import annotations

import collections

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import (
    apply_operations,
    compile_plan,
    diff_operations,
    parse_certificate,
    same_state,
    same_value,
)
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

from .test_profiles import REQUIRED

VERSIONS = ("2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025")
OLD = ("2008r2", "2012", "2012r2")
CERTS = ("rsa:2048", "ecdsa:p256")


def expected_errors(name, version, cert):
    """Hand-worked from facts §4.1/§8: which (profile, version, certificate) cannot be met."""
    codes = set()
    if name == "mozilla_modern":
        if version not in ("2022", "2025"):
            codes.add("SCH009")  # TLS 1.3 only exists from 2022
        if cert.startswith("rsa"):
            codes.add("SCH014")  # modern wants an ECDSA certificate
    if name in ("mozilla_intermediate", "strict") and version in OLD and cert.startswith("rsa"):
        codes.update(("SCH009", "SCH006"))  # no ECDHE_RSA GCM before 2016
    return codes


@pytest.mark.parametrize("cert", CERTS)
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", REQUIRED)
def test_every_profile_on_every_version(name, version, cert):
    profile = profiles.resolve_profile(name)
    plan = compile_plan(profile, {"windows_version": version, "certificate_key": cert},
                        alternatives=profiles.alternatives(profile))
    assert set(f.code for f in plan.errors) == expected_errors(name, version, cert), [f.as_dict() for f in plan.errors]
    # every operation targets a managed value, at most once, with the model's reboot reason
    seen = collections.Counter((op["path"].lower(), op["name"].lower()) for op in plan.operations)
    assert max(seen.values()) == 1
    for op in plan.operations:
        managed = rm.find(op["path"], op["name"])
        assert managed is not None and op["reboot_reason"] == managed.reboot_reason
        assert op["state"] in ("present", "absent")
        if op["state"] == "present":
            assert op["type"] == managed.type
    if plan.cipher_suites is not None:
        for suite_name in plan.cipher_suites:
            suite = catalogue.get(suite_name, version)
            assert suite is not None, suite_name
            assert bool(suite.curve) == (version in OLD and "ECDHE" in suite_name)
            assert suite.certificate_type in ("any", cert.split(":")[0])
        if version in OLD:
            assert len(",".join(plan.cipher_suites)) <= 1023
        assert plan.state.cipher_suites_source == "policy"
    # the plan is idempotent: applied once, nothing is left to change
    after = apply_operations({}, plan.operations)
    again = compile_plan(profile, {"windows_version": version, "certificate_key": cert, "current_state": after})
    assert again.changes == [] and again.reboot_reasons == []
    # protocols the profile enables are on in the resulting state (where the version has them)
    for protocol, state in (profile.get("protocols") or {}).items():
        if protocol in rm.TLS_PROTOCOLS and rm.protocol_default(protocol, "Server", version) != "not_supported":
            assert (protocol in plan.state.server_protocols) == (state == "enabled"), protocol


def test_ios_ats_on_2008r2():
    plan = compile_plan(profiles.resolve_profile("ios_ats"), {"windows_version": "2008r2", "certificate_key": "rsa:2048"})
    assert plan.cipher_suites == [
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384"]
    tls12 = [op for op in plan.operations if op["path"] == rm.protocol_path("TLS 1.2", "Server")]
    assert [(op["name"], op["data"]) for op in tls12] == [("Enabled", 1), ("DisabledByDefault", 0)]
    assert rm.REBOOT_PROTOCOL in plan.reboot_reasons and rm.REBOOT_POLICY_ORDER in plan.reboot_reasons
    assert plan.state.server_protocols == {"TLS 1.2"}
    functions = [op for op in plan.operations if op["name"] == "Functions"]
    assert functions[0]["data"] == ",".join(plan.cipher_suites) and functions[0]["type"] == "string"
    assert not any(op["name"] == "EccCurves" for op in plan.operations)  # no curve list before 2016


def test_literal_override_names_are_checked_for_the_version():
    profile = profiles.resolve_profile("ios_ats", {"cipher_suites": {"set": [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]}})
    plan = compile_plan(profile, {"windows_version": "2008r2", "certificate_key": "rsa:2048"})
    sch001 = dict((f.item, f) for f in plan.findings if f.code == "SCH001")
    assert "does not exist before Windows Server 2016" in sch001["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"].message
    assert sch001["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"].fix.startswith("use TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256")
    assert plan.cipher_suites == [] and plan.state.cipher_suites == ()
    # the same names are fine on 2019
    plan = compile_plan(profile, {"windows_version": "2019", "certificate_key": "rsa:2048"})
    assert plan.cipher_suites == ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]
    assert not plan.errors


def test_literal_suffixed_names_and_ecdsa_warning():
    profile = profiles.resolve_profile("best_practices", {"cipher_suites": [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256"]})
    plan = compile_plan(profile, {"windows_version": "2012r2", "certificate_key": "rsa:2048"})
    assert plan.cipher_suites == profile["cipher_suites"]
    assert [f.item for f in plan.findings if f.code == "SCH002"] == ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256"]
    plan = compile_plan(profile, {"windows_version": "2016", "certificate_key": "rsa:2048"})
    assert plan.cipher_suites == ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]


def test_trim_to_1023_characters():
    every = [s.base_name for s in catalogue.suites_for("2008r2") if not s.request_only]
    profile = {"name": "all", "cipher_suites": list(dict.fromkeys(every)),
               "ecc_curves": ["NistP256", "NistP384", "NistP521"]}
    plan = compile_plan(profile, {"windows_version": "2008r2"})
    assert len(",".join(plan.cipher_suites)) <= 1023
    assert [f.code for f in plan.findings if f.code == "SCH013"] == ["SCH013"]
    literal = dict(profile, cipher_suites_literal=[s.name for s in catalogue.suites_for("2008r2")],
                   cipher_suites=[s.name for s in catalogue.suites_for("2008r2")])
    plan = compile_plan(literal, {"windows_version": "2008r2"})
    assert "SCH005" in [f.code for f in plan.errors]
    plan = compile_plan(profile, {"windows_version": "2019"})  # M1: the limit holds on 2016+ too
    assert len(",".join(plan.cipher_suites)) <= 1023
    assert [f.code for f in plan.findings if f.code in ("SCH005", "SCH013")] == ["SCH013"]


def test_curve_order_drives_suffixes():
    profile = {"name": "c", "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"], "ecc_curves": ["NistP384",
                                                                                                    "NistP256"]}
    plan = compile_plan(profile, {"windows_version": "2012"})
    assert plan.cipher_suites == ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256"]
    plan = compile_plan(profile, {"windows_version": "2019"})
    assert plan.ecc_curves == ["NistP384", "NistP256"]
    assert [op["data"] for op in plan.operations if op["name"] == "EccCurves"] == [["NistP384", "NistP256"]]
    assert plan.state.ecc_curves == ("NistP384", "NistP256")


def test_os_default_removes_everything_and_restores_defaults():
    dirty = apply_operations({}, compile_plan(profiles.resolve_profile("strict"),
                                              {"windows_version": "2019"}).operations)
    plan = compile_plan(profiles.resolve_profile("os_default"), {"windows_version": "2019", "current_state": dirty})
    assert all(op["state"] == "absent" for op in plan.operations)
    managed = set(v.key for v in rm.MANAGED_VALUES if v.setting != "cipher_suites.local")
    assert set((op["path"].lower(), op["name"].lower()) for op in plan.operations) == managed
    assert plan.state.as_dict() == effective_state("2019", {}).as_dict()
    assert plan.reboot_required and plan.changes


def test_local_scope():
    profile = profiles.resolve_profile("mozilla_intermediate", {"cipher_suite_scope": "local"})
    plan = compile_plan(profile, {"windows_version": "2019"})
    assert [op["state"] for op in plan.operations if op["name"] in ("Functions", "EccCurves")] == ["absent", "absent"]
    assert plan.state.cipher_suites_source == "local"
    assert plan.state.cipher_suites == tuple(plan.cipher_suites)
    plan = compile_plan(profile, {"windows_version": "2012r2", "certificate_key": "ecdsa:p256"})
    assert plan.cipher_suite_scope == "policy"


def test_diff_operations():
    ops = [{"path": rm.protocol_path("TLS 1.2", "Server"), "name": "Enabled", "state": "present", "type": "dword",
            "data": 1, "reboot_reason": "x"},
           {"path": rm.POLICY_SSL, "name": "Functions", "state": "absent", "type": None, "data": None,
            "reboot_reason": "y"}]
    current = {rm.protocol_path("TLS 1.2", "Server").upper(): {"enabled": {"type": "dword", "data": 1}},
               rm.POLICY_SSL: {"Functions": {"type": "string", "data": "A,B"}}}
    changes = diff_operations(current, ops)
    assert [c["name"] for c in changes] == ["Functions"]
    assert changes[0]["before"] == {"type": "string", "data": "A,B"}
    assert diff_operations({}, ops)[0]["before"] is None and len(diff_operations({}, ops)) == 1


@pytest.mark.parametrize("first, second, same", [
    ({"type": "dword", "data": 4294967295}, {"type": "dword", "data": -1}, True),  # .NET reads a dword signed
    ({"type": "dword", "data": 1}, {"type": "qword", "data": 1}, False),  # another kind is another value
    ({"type": "dword", "data": 1}, {"type": None, "data": 1}, True),  # read without its kind: the data decides
    ({"type": "dword", "data": "x"}, {"type": "dword", "data": 1}, False),
    ({"type": "multistring", "data": ["a", "b"]}, {"type": "multistring", "data": ("a", "b")}, True),
    ({"type": "multistring", "data": ["b", "a"]}, {"type": "multistring", "data": ["a", "b"]}, False),
    ({"type": "binary", "data": [1, 2]}, {"type": "binary", "data": [1, 2]}, True),
    ({"type": "string", "data": "A"}, {"type": "string", "data": "a"}, False),  # data is case-sensitive
    (None, None, True),
    (None, {"type": "dword", "data": 0}, False),
])
def test_same_value_is_the_one_comparison(first, second, same):
    assert same_value(first, second) is same and same_value(second, first) is same
    if first is not None and second is not None:  # diff_operations judges an operation with the same rule
        op = dict(second, path="HKLM\\X", name="V", state="present")
        assert (diff_operations({"HKLM\\X": {"V": first}}, [op]) == []) is same


def test_same_state_is_case_insensitive_and_limited_to_roots():
    root = rm.protocol_path("TLS 1.2", "Server")
    a = {root: {"Enabled": {"type": "dword", "data": 1}}, "HKLM\\Other": {}}
    b = {root.upper(): {"ENABLED": {"type": "dword", "data": 1}}}
    assert same_state(a, b, roots=[root]) and not same_state(a, b)
    b[root.upper()]["ENABLED"]["data"] = 0
    assert not same_state(a, b, roots=[root])
    b[root.upper()] = {"Enabled": {"type": "dword", "data": 1}, "DisabledByDefault": {"type": "dword", "data": 0}}
    assert not same_state(a, b, roots=[root])


def test_reboot_reasons_only_for_changes():
    profile = profiles.resolve_profile("ios_ats")
    first = compile_plan(profile, {"windows_version": "2019"})
    dump = apply_operations({}, [op for op in first.operations if "Protocols" in op["path"]])
    plan = compile_plan(profile, {"windows_version": "2019", "current_state": dump})
    assert plan.reboot_reasons == [rm.REBOOT_POLICY_ORDER, rm.REBOOT_POLICY_CURVES]


@pytest.mark.parametrize("text,expected", [
    ("rsa:2048", {"type": "rsa", "bits": 2048, "signature_hash": "sha256"}),
    ("RSA:4096:sha1", {"type": "rsa", "bits": 4096, "signature_hash": "sha1"}),
    ("ecdsa:p384", {"type": "ecdsa", "bits": 384, "signature_hash": "sha256"}),
    ("ecdsa", {"type": "ecdsa", "bits": 256, "signature_hash": "sha256"}),
    ({"key_type": "rsa", "key_size": 1024, "signature_hash": "SHA1"},
     {"type": "rsa", "bits": 1024, "signature_hash": "sha1"}),
])
def test_parse_certificate(text, expected):
    assert parse_certificate(text) == expected


@pytest.mark.parametrize("bad", ["dsa", "rsa:big", "ecdsa:p999", {"key_type": "dsa"}])
def test_parse_certificate_rejects(bad):
    with pytest.raises(SchannelInputError) as err:
        parse_certificate(bad)
    assert err.value.field.startswith("certificate_key")


@pytest.mark.parametrize("overrides,field", [
    ({"key_sizes": {"dh_server_min": 1000}}, "key_sizes.dh_server_min"),
    ({"schannel_values": {"EventLogging": 9}}, "schannel_values.EventLogging"),
])
def test_bad_values_name_the_field(overrides, field):
    profile = dict(profiles.resolve_profile("best_practices"), **overrides)
    with pytest.raises(SchannelInputError) as err:
        compile_plan(profile, {"windows_version": "2019"})
    assert err.value.field == field


def test_facts_validation():
    with pytest.raises(SchannelInputError) as err:
        compile_plan({"name": "x"}, {"windows_version": "2019", "management": {"protocol": "TLS 9"}})
    assert err.value.field == "management.protocol"
    with pytest.raises(SchannelInputError) as err:
        compile_plan({"name": "x"}, {})
    assert err.value.field == "windows_version"


def test_registry_values_written():
    profile = profiles.resolve_profile("pci_dss_4")
    plan = compile_plan(profile, {"windows_version": "2019"})
    values = dict(((op["path"], op["name"]), op["data"]) for op in plan.operations)
    assert values[(rm.SCHANNEL + "\\Ciphers\\RC4 128/128", "Enabled")] == 0
    assert values[(rm.SCHANNEL + "\\Ciphers\\AES 128/128", "Enabled")] == 0xFFFFFFFF
    assert values[(rm.WINHTTP_KEYS[0][1], "DefaultSecureProtocols")] == 0x2800
    assert values[(rm.NETFX_KEYS[3][2], "SystemDefaultTlsVersions")] == 1
    fips = compile_plan(profiles.resolve_profile("fips_140"), {"windows_version": "2019"})
    assert [op["data"] for op in fips.operations if op["path"] == rm.FIPS_POLICY] == [1]


@pytest.mark.parametrize("updates, severity", [({"KB3140245": False}, "warning"), ({"KB3140245": True}, None),
                                               (None, "info")])
def test_a_value_windows_reads_only_with_an_update_is_judged_in_the_plan(updates, severity):
    """pci_dss_4 writes WinHTTP's DefaultSecureProtocols, which 2012 reads only with KB3140245 (SCH019)."""
    plan = compile_plan(profiles.resolve_profile("pci_dss_4"), {"windows_version": "2012", "updates": updates})
    found = [f.severity for f in plan.findings if f.code == "SCH019" and f.item == "KB3140245"]
    assert found == ([severity] if severity else [])
