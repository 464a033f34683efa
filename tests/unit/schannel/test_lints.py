"""Every lint, on a case that must trigger it and one that must not."""
from __future__ import annotations

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue, lints
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import compile_plan
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles


def suites(version, *names):
    return [catalogue.get(n, version) for n in names]


def codes(findings):
    return [f.code for f in findings]


def test_sch001_names():
    finding = lints.suite_name("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "2008r2")
    assert finding.code == "SCH001" and finding.severity == "error"
    # the fix names the nearest names the release knows, the catalogue's pick first (here the curve variants)
    assert finding.fix == ("use TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256 or TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384 "
                           "or TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521")
    finding = lints.suite_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "2008r2")
    assert "does not exist before Windows Server 2016" in finding.message
    finding = lints.suite_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265", "2022")
    assert finding.fix.startswith("use TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or ")
    assert "removed after Windows Server 2012 R2" in lints.suite_name("SSL_CK_RC4_128_WITH_MD5", "2016").message
    assert lints.suite_name("TLS_AES_128_GCM_SHA256", "2019").message.startswith("TLS_AES_128_GCM_SHA256 does not "
                                                                                 "exist before Windows Server 2022")
    assert lints.suite_name("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256", "2008r2") is None


def test_sch002_certificate_type():
    found = lints.certificate_match(suites("2019", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                           "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"),
                                    {"type": "rsa", "bits": 2048})
    assert [(f.code, f.item) for f in found] == [("SCH002", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")]
    assert lints.certificate_match(suites("2019", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), None) == []


def test_sch003_http2_order():
    bad = suites("2019", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                 "TLS_RSA_WITH_AES_128_GCM_SHA256")
    found = lints.http2_order(bad, "2019", True)
    assert [(f.code, f.item, f.severity) for f in found] == [("SCH003", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "error")]
    assert lints.http2_order(bad, "2019", False) == []
    good = suites("2019", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                  "TLS_RSA_WITH_AES_128_GCM_SHA256")
    assert lints.http2_order(good, "2019", True) == []
    # every version's default order is HTTP/2-safe from 2016 on (facts §7.2: "default 2016 order is compatible")
    for version in ("2016", "2019", "2022", "2025"):
        assert lints.http2_order(effective_state(version, {}).suites(), version, True) == []


def test_sch012_http2_before_2016():
    found = lints.http2_order(suites("2012r2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256"), "2012r2", True)
    assert codes(found) == ["SCH012"]


def test_sch004_forward_secrecy():
    mixed = suites("2019", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    assert [(f.code, f.severity) for f in lints.forward_secrecy(mixed)] == [("SCH004", "warning")]
    ordered = suites("2019", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")
    assert lints.forward_secrecy(ordered) == []
    assert [f.severity for f in lints.forward_secrecy(ordered, required=True)] == ["error"]
    none = suites("2019", "TLS_RSA_WITH_AES_128_GCM_SHA256")
    assert [f.item for f in lints.forward_secrecy(none)] == ["cipher_suites"]


def test_sch005_length():
    names = catalogue.default_order("2008r2")
    assert codes(lints.list_length(names, "2008r2")) == ["SCH005"]
    assert lints.list_length(names[:20], "2008r2") == []
    # M1: the limit holds on every version (W32-PRIO, WSD-MANAGE name none): the 2016 default list is 1078 chars
    assert codes(lints.list_length(catalogue.default_order("2016"), "2016")) == ["SCH005"]
    assert lints.list_length(catalogue.default_order("2025"), "2025") == []


def test_sch006_protocol_without_suite():
    dump = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}}}
    state = effective_state("2019", dump)
    found = lints.protocols_without_suites(state, explicit={"TLS 1.0"})
    assert [(f.item, f.severity) for f in found] == [("TLS 1.0", "error"), ("TLS 1.1", "warning")]
    assert lints.protocols_without_suites(effective_state("2019", {})) == []


def test_sch007_mismatch():
    dump = {rm.protocol_path("TLS 1.0", "Server"): {"Enabled": {"type": "dword", "data": 0}}}
    assert [(f.code, f.item) for f in lints.client_server_mismatch(effective_state("2019", dump), "2019")] == [
        ("SCH007", "TLS 1.0")]
    # the 2008 R2 stock SSL 2.0 server-only default is not reported
    assert lints.client_server_mismatch(effective_state("2008r2", {}), "2008r2") == []


def test_sch008_protocol_values():
    dump = {rm.protocol_path("TLS 1.2", "Server"): {"Enabled": {"type": "dword", "data": 2},
                                                    "DisabledByDefault": {"type": "dword", "data": 0}},
            rm.SCHANNEL + "\\Ciphers\\AES 128/128": {"Enabled": {"type": "dword", "data": 0xFFFFFFFF}}}
    found = lints.protocol_values(dump)
    assert [(f.code, f.item.rsplit("\\", 1)[-1]) for f in found] == [("SCH008", "Enabled")]
    plan = compile_plan({"name": "x"}, {"windows_version": "2019", "current_state": dump})
    assert "SCH008" in codes(plan.findings)


def test_sch009_not_achievable_with_alternative():
    profile = profiles.resolve_profile("mozilla_intermediate")
    plan = compile_plan(profile, {"windows_version": "2008r2", "certificate_key": "rsa:2048"},
                        alternatives=profiles.alternatives(profile))
    finding = [f for f in plan.findings if f.code == "SCH009"][0]
    assert "ECDSA P-256 certificate" in finding.fix and "2016" in finding.fix and "ios_ats" in finding.fix
    plan = compile_plan(profile, {"windows_version": "2016", "certificate_key": "rsa:2048"})
    assert "SCH009" not in codes(plan.findings)


def test_sch010_management():
    profile = profiles.resolve_profile("mozilla_modern")
    plan = compile_plan(profile, {"windows_version": "2022", "certificate_key": "ecdsa:p256",
                                  "management": {"protocol": "TLS 1.2"}})
    assert [f.item for f in plan.findings if f.code == "SCH010"] == ["TLS 1.2"]
    plan = compile_plan(profiles.resolve_profile("strict"), {
        "windows_version": "2019", "management": {"protocol": "TLS 1.2",
                                                  "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"}})
    assert [f.item for f in plan.findings if f.code == "SCH010"] == ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"]
    plan = compile_plan(profiles.resolve_profile("strict"), {
        "windows_version": "2019", "management": {"protocol": "TLS 1.2",
                                                  "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}})
    assert "SCH010" not in codes(plan.findings)


def test_sch011_and_sch013_are_not_errors():
    plan = compile_plan(profiles.resolve_profile("ios_ats"), {"windows_version": "2012", "certificate_key": "rsa"})
    assert "SCH011" in codes(plan.findings)
    assert all(f.severity == "info" for f in plan.findings if f.code == "SCH011")


def test_sch014_certificate_rules():
    rules = profiles.resolve_profile("ios_ats")["certificate"]
    assert codes(lints.certificate_rules(rules, {"type": "rsa", "bits": 1024, "signature_hash": "sha256"})) == [
        "SCH014"]
    assert codes(lints.certificate_rules(rules, {"type": "rsa", "bits": 2048, "signature_hash": "sha1"})) == [
        "SCH014"]
    assert lints.certificate_rules(rules, {"type": "ecdsa", "bits": 256, "signature_hash": "sha384"}) == []


def test_codes_are_documented():
    documented = set(line.split()[0] for line in lints.__doc__.splitlines() if line.startswith("SCH"))
    assert documented == set("SCH%03d" % i for i in list(range(1, 15)) + list(range(17, 21)))


def test_sch011_curve_name_unknown_to_the_release():
    finding = lints.curve_name("NistP265", "2022")
    assert (finding.code, finding.severity, finding.item) == ("SCH011", "warning", "NistP265")
    assert "Windows Server 2022" in finding.message and "W32-ECC-1607" in finding.message
    assert finding.fix.startswith("use NistP256")
    assert lints.curve_name("nistp521", "2019") is None  # known, whatever the case
    assert lints.curve_name("anything", "2012r2") is None  # no curve list before 2016
