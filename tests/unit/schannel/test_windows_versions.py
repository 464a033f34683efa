"""Issue 15: the edges of Microsoft's tables, one decision per test (docs/windows-versions.md lists them).

Each test names the review item it pins (M1-M9, R1-R4, F5) and asserts the plan or prediction on the build or value in
question; the Microsoft texts the decisions rest on are copied in docs/schannel-facts.md §10.
"""
from __future__ import annotations

import random
import re

import pytest

from ansible_collections.tlsops.schannel.plugins.action import schannel_plan as plan_action
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue, lints, predictor
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import compile_plan
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import (
    LTSC_KEYS,
    RELEASE_BUILDS,
    WINDOWS_VERSIONS,
    describe_build,
    resolve_windows_version,
)
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients as client_table
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _info_facts
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

from . import factsheet
from .test_effective import dword, proto

THREE_23H2 = ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
              "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")


def kex(name, enabled):
    return {rm.SCHANNEL + "\\KeyExchangeAlgorithms\\" + name: {"Enabled": dword(enabled)}}


def codes(findings, code):
    return [f for f in findings if f.code == code]


def sac_lists():
    """§10.3: release -> (default order incl. '*', not-enabled names), read from the in-repo fact sheet."""
    out, cur = {}, None
    for line in factsheet.text().split("## 10.", 1)[1].splitlines():
        match = re.match(r"- \*\*(\w+) \((W32-CS\w+)\)\*\* — default order", line)
        if match:
            cur = match.group(1).lower()
            out[cur] = (re.findall(r"`([A-Z0-9_]+\*?)`", line.split("default order", 1)[1]), [])
        elif cur and "supported but not enabled by default" in line:
            out[cur][1].extend(re.findall(r"`([A-Z0-9_]+)`", line))
    return out


def custom_client(key, suites, max_version="TLS 1.2"):
    base = client_table.CLIENTS["chrome"]
    codes_ = tuple(catalogue.base_info(n)[0] for n in suites)
    return {key: client_table.ClientProfile(key, key, "TLS 1.2", max_version, codes_, base.groups,
                                            base.signature_algorithms, (), dict(base.rules))}


# -- M3: Semi-Annual Channel builds map to their own pages, which list exactly the 2019 tables -------------------

@pytest.mark.parametrize("build,key", [(16299, "1709"), (17134, "1803"), (18362, "1903"), (19042, "20h2"),
                                       (19043, "20h2"), (19044, "20h2")])
def test_m3_sac_builds_map_to_their_page(build, key):
    assert resolve_windows_version("10.0.%d.1234" % build) == key
    release = WINDOWS_VERSIONS[key]
    lists = sac_lists()[key]
    assert catalogue.default_order(key) == [n.rstrip("*") for n in lists[0]]
    not_default = [s.name for s in catalogue.suites_for(key) if not s.enabled_by_default and not s.psk_only]
    assert sorted(not_default) == sorted(lists[1])
    assert catalogue.default_order(key) == catalogue.default_order("2019")  # the page equals W32-CS1809
    # 2016's list (W32-CS1607) still has RC4 and DHE_DSS; these releases do not enable them (the review's M3)
    assert not [n for n in catalogue.default_order(key) if "RC4" in n or "DHE_DSS" in n]
    assert [n for n in catalogue.default_order("2016") if "RC4" in n]
    plan = compile_plan({"name": "x"}, {"windows_version": build})
    assert plan.version == key and release.suite_doc in codes(plan.findings, "SCH017")[0].message
    assert not [n for n in plan.state.cipher_suites if "RC4" in n]


def test_m3_sac_protocol_defaults_follow_the_2019_row():
    for key in ("1709", "1803", "1903", "20h2"):
        for protocol in rm.PROTOCOLS:
            for side in rm.SIDES:
                assert rm.protocol_default(protocol, side, key) == rm.protocol_default(protocol, side, "2019")


@pytest.mark.parametrize("build", [18363, 19041])
def test_m3_sac_releases_without_a_page_are_refused_with_the_reason(build):
    with pytest.raises(SchannelInputError) as err:
        resolve_windows_version(build)
    assert "no Microsoft cipher-suite page" in str(err.value) and "1903 or 20h2" in str(err.value)


@pytest.mark.parametrize("build,page", [(10240, "W32-CS1507"), (10586, "W32-CS1511"), (15063, "W32-CS1703"),
                                        (19045, "W32-CS10-22H2"), (22000, "W32-CS11"), (22621, "W32-CS11-22H2")])
def test_client_releases_with_a_page_of_their_own_are_refused(build, page):
    with pytest.raises(SchannelInputError) as err:
        resolve_windows_version("10.0.%d" % build)
    assert "client release" in str(err.value) and page in str(err.value)


@pytest.mark.parametrize("build,key", [(14393, "2016"), (17763, "2019"), (26100, "2025")])
def test_client_builds_sharing_a_server_build_stay_mapped(build, key):
    assert resolve_windows_version(build) == key


# -- M2: Windows Server, version 23H2 ------------------------------------------------------------------------

def test_m2_23h2_takes_the_three_suites_out_of_the_default_list():
    assert resolve_windows_version("10.0.25398.1189") == "23h2"
    default = catalogue.default_order("23h2")
    assert not set(THREE_23H2) & set(default)
    assert default == [n for n in catalogue.default_order("2022") if n not in THREE_23H2]
    for name in THREE_23H2:  # "still supported but must be explicitly enabled"
        suite = catalogue.get(name, "23h2")
        assert suite is not None and not suite.enabled_by_default
    # LTSC 2022 (20348) keeps the page's table: the note names 23H2, not 20348's release
    assert set(THREE_23H2) <= set(catalogue.default_order("2022"))
    plan = compile_plan({"name": "x"}, {"windows_version": 25398})
    note = codes(plan.findings, "SCH017")[0]
    assert note.severity == "info" and "23H2 and later" in note.message
    for name in THREE_23H2:
        assert name not in plan.state.cipher_suites


def test_m2_prediction_on_23h2_differs_from_2022_for_a_dhe_only_client():
    client = custom_client("dhe_gcm_only", ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"])
    on_2022 = predictor.predict(effective_state("2022", {}), "rsa:2048", client)["dhe_gcm_only"]
    on_23h2 = predictor.predict(effective_state("23h2", {}), "rsa:2048", client)["dhe_gcm_only"]
    assert on_2022.connects and on_2022.cipher_suite == "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"
    assert not on_23h2.connects and on_23h2.symptom == "tcp_reset"


# -- M4: builds newer than any known release, Insider builds ------------------------------------------------------

@pytest.mark.parametrize("build", [26101, 26200, 27686, 29550, 30000])
def test_m4_newer_builds_are_planned_as_2025_and_later_with_tls10_off(build):
    assert resolve_windows_version("10.0.%d" % build) == "vnext"
    assert catalogue.default_order("vnext") == catalogue.default_order("2025")
    state = effective_state("vnext", {})
    assert "TLS 1.0" not in state.server_protocols and "TLS 1.1" not in state.server_protocols
    assert {"TLS 1.2", "TLS 1.3"} <= state.server_protocols
    plan = compile_plan({"name": "x"}, {"windows_version": build})
    note = codes(plan.findings, "SCH017")[0]
    assert note.severity == "warning" and "newer than any release" in note.message and "W32-DEPR" in note.message


def test_m4_ga_2025_keeps_tls10_and_the_deprecation_recipe_reenables_it_on_newer_builds():
    assert "TLS 1.0" in effective_state("2025", {}).server_protocols  # W32-PROT: in-market 2025
    # W32-DEPR: "Setting these DWORD values [Enabled] to 1 enables TLS 1.0 and 1.1" -- Enabled alone suffices there
    state = effective_state("vnext", proto("TLS 1.0", "Server", 1))
    assert "TLS 1.0" in state.server_protocols and not state.assumptions


# -- the whole build range: plans with the right table or says why not -------------------------------------------

def test_every_build_from_7600_to_30000_resolves_to_its_page_or_says_why():
    for build in range(7600, 30001):
        name, key, why = describe_build(build)
        try:
            got = resolve_windows_version(build)
        except SchannelInputError as exc:
            assert key is None and "build %d" % build in str(exc) and why in str(exc)
            continue
        assert got == key
        if build in RELEASE_BUILDS:
            assert key == RELEASE_BUILDS[build][1]
        else:
            assert build > WINDOWS_VERSIONS["2025"].build and key == "vnext"


def _boundaries():
    known = sorted(RELEASE_BUILDS)
    edges = set()
    for build in known:
        edges.update((build - 1, build, build + 1))
    edges.update((7600, 30000))
    sample = random.Random(15).sample(range(7600, 30001), 25)
    return sorted(b for b in edges | set(sample) if 7600 <= b <= 30000)


@pytest.mark.parametrize("build", _boundaries())
def test_schannel_plan_on_a_build_plans_with_its_table_or_fails_with_the_reason(build):
    args = {"profile": "best_practices", "windows_version": "10.0.%d" % build if build > 9600 else build,
            "certificate_key": "rsa:2048", "guard": False, "http2": False, "certificate_port": 443,
            "fail_on_findings": False}
    _name, key, why = describe_build(build)
    if key is None:
        with pytest.raises(SchannelInputError) as err:
            plan_action.plan_host(args)
        assert err.value.field == "windows_version" and why in str(err.value)
        return
    result, plan = plan_action.plan_host(args)
    assert result["windows_version"] == key == plan.version
    assert plan.state.cipher_suites  # a plan with suites from that release's table
    assert set(plan.state.cipher_suites) <= set(s.name for s in catalogue.suites_for(key))
    if WINDOWS_VERSIONS[key].note:
        assert codes(plan.findings, "SCH017")


# -- M1: the 1,023-character limit on every version ----------------------------------------------------------------

@pytest.mark.parametrize("version", ["2016", "2019", "2022", "2025", "1709", "vnext"])
def test_m1_limit_applies_on_every_version(version):
    every = [s.name for s in catalogue.suites_for(version) if not s.psk_only]
    assert len(",".join(every)) > lints.GPO_LIST_LIMIT == rm.GPO_LIST_LIMIT == 1023
    assert codes(lints.list_length(every, version), "SCH005")[0].severity == "error"
    plan = compile_plan({"name": "x", "cipher_suites": every}, {"windows_version": version})
    assert len(",".join(plan.cipher_suites)) <= 1023 and codes(plan.findings, "SCH013")
    literal = compile_plan({"name": "x", "cipher_suites": every, "cipher_suites_literal": every},
                           {"windows_version": version})
    assert codes(literal.errors, "SCH005")


def test_m1_host_list_past_the_limit_is_not_counted_and_warned():
    names = [s.name for s in catalogue.suites_for("2019") if not s.psk_only]
    dump = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": ",".join(names)}}}
    state = effective_state("2019", dump)
    last = names[-1]
    assert last not in state.cipher_suites
    assert any(d[0] == last and "1023-character" in d[1] for d in state.dropped_cipher_suites)
    facts = {"windows_version": "2019", "current_state": dump}
    plan = compile_plan({"name": "x", "protocols": {"SSL 3.0": "disabled"}}, facts)
    assert [f.severity for f in codes(plan.findings, "SCH005")] == ["warning"]


# -- M5, M9: values that exist from a given version -----------------------------------------------------------------

@pytest.mark.parametrize("setting,name,since", [("dh_client_min", "ClientMinKeyBitLength", "2016"),
                                                ("pkcs_client_max", "ClientMaxKeyBitLength", "2016")])
def test_m5_client_key_sizes_are_not_written_before_2016(setting, name, since):
    profile = {"name": "x", "key_sizes": {setting: 2048} if "min" in setting else {setting: 4096}}
    old = compile_plan(profile, {"windows_version": "2012r2"})
    assert not [op for op in old.operations if op["name"] == name]
    assert any(f.code == "SCH011" and "Windows Server 2016" in f.message for f in old.findings)
    new = compile_plan(profile, {"windows_version": since})
    assert [op["name"] for op in new.operations] == [name]
    value = rm.by_setting("key_sizes.%s" % setting)[0]
    assert value.defaults["2012r2"] == "not_supported" and value.defaults["2016"] != "not_supported"


def test_m9_ocsp_stapling_for_sni_is_not_written_on_2008r2():
    profile = {"name": "x", "schannel_values": {"EnableOcspStaplingForSni": 1}}
    assert not compile_plan(profile, {"windows_version": "2008r2"}).operations
    assert [op["name"] for op in compile_plan(profile, {"windows_version": "2012"}).operations] == [
        "EnableOcspStaplingForSni"]
    value = rm.by_setting("schannel_values.EnableOcspStaplingForSni")[0]
    assert value.defaults["2008r2"] == "not_supported" and value.defaults["2012"] == 0


@pytest.mark.parametrize("version,effective", [("2008r2", "not_supported"), ("2012", 1)])
def test_m5_m9_info_reports_no_effect_before_the_version(version, effective):
    dump = {rm.SCHANNEL: {"EnableOcspStaplingForSni": dword(1)},
            rm.SCHANNEL + "\\KeyExchangeAlgorithms\\PKCS": {"ClientMinKeyBitLength": dword(2048)}}
    rows = dict(((r["path"], r["name"]), r) for r in _info_facts.managed_values(version, dump))
    assert rows[(rm.SCHANNEL, "EnableOcspStaplingForSni")]["effective"] == effective
    pkcs = rows[(rm.SCHANNEL + "\\KeyExchangeAlgorithms\\PKCS", "ClientMinKeyBitLength")]
    assert pkcs["effective"] == "not_supported" and pkcs["set"]["data"] == 2048


# -- M6: names Schannel does not know, in a list already on the host ----------------------------------------------

def test_m6_unknown_names_are_a_risk_to_the_whole_list():
    listed = "TLS_FOO_BAR,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    dump = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": listed}}}
    state = effective_state("2019", dump)
    assert state.unknown_cipher_suites == ("TLS_FOO_BAR",)
    assert "all TLS communication to your server might stop functioning" in state.cipher_suites_risk
    assert state.as_dict()["cipher_suites_risk"] == state.cipher_suites_risk
    # a plan that leaves the list in place warns; one that replaces it says what it replaces
    kept = compile_plan({"name": "x", "protocols": {"TLS 1.0": "disabled"}},
                        {"windows_version": "2019", "current_state": dump})
    assert [f.severity for f in codes(kept.findings, "SCH020")] == ["warning"]
    replaced = compile_plan(profiles.resolve_profile("mozilla_intermediate"),
                            {"windows_version": "2019", "current_state": dump})
    assert [f.severity for f in codes(replaced.findings, "SCH020")] == ["info"]
    assert not replaced.state.unknown_cipher_suites


def test_m6_a_tls13_name_is_unknown_before_2022():
    dump = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": "TLS_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"}}}
    assert effective_state("2019", dump).unknown_cipher_suites == ("TLS_AES_128_GCM_SHA256",)
    assert effective_state("2022", dump).unknown_cipher_suites == ()


def test_m6_a_bare_ecdhe_name_is_unknown_before_2016():
    dump = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}}}
    assert effective_state("2012r2", dump).unknown_cipher_suites == ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",)
    assert effective_state("2016", dump).unknown_cipher_suites == ()


def test_m6_info_enrichment_carries_the_risk():
    raw = {"os": {"version": "10.0.17763", "build": "17763", "caption": "Microsoft Windows Server 2019 Datacenter"},
           "registry": {rm.POLICY_SSL: {"Functions": {"type": "string",
                                                      "data": "TLS_FOO,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}}},
           "tls_cipher_suites": None, "tls_ecc_curves": None, "bindings": None, "reboot_pending": False,
           "reboot_pending_reasons": [], "last_boot_time": None}
    facts = _info_facts.enrich(raw)
    assert facts["effective"]["unknown_cipher_suites"] == ["TLS_FOO"]
    assert "(ASE)" in facts["effective"]["cipher_suites_risk"]


# -- M7: Enabled = 0xFFFFFFFF --------------------------------------------------------------------------------------

def test_m7_enabled_ffffffff_is_enabled_without_noise():
    dump = proto("TLS 1.2", "Server", 0xFFFFFFFF, 0)
    assert lints.protocol_values(dump) == []
    assert "TLS 1.2" in effective_state("2008r2", dump).server_protocols
    plan = compile_plan({"name": "x"}, {"windows_version": "2019", "current_state": dump})
    assert not codes(plan.findings, "SCH008")
    assert codes(lints.protocol_values(proto("TLS 1.2", "Server", 2, 0)), "SCH008")


# -- M8: updates the oldest tables assume ---------------------------------------------------------------------------

@pytest.mark.parametrize("version,kb", [("2008r2", "KB3042058"), ("2012", "KB3042058"), ("2012r2", "KB2919355")])
def test_m8_plans_state_the_update_they_rely_on(version, kb):
    unknown = codes(compile_plan({"name": "x"}, {"windows_version": version}).findings, "SCH019")
    assert [(f.severity, f.item) for f in unknown] == [("info", kb)]
    missing = codes(compile_plan({"name": "x"}, {"windows_version": version, "updates": {kb: False}}).findings,
                    "SCH019")
    assert [(f.severity, f.item) for f in missing] == [("warning", kb)] and "(ASE)" in missing[0].message
    assert not codes(compile_plan({"name": "x"}, {"windows_version": version, "updates": {kb: True}}).findings,
                     "SCH019")
    assert kb in catalogue.PREREQUISITE_UPDATE_IDS


def test_m8_no_prerequisite_from_2016():
    assert not codes(compile_plan({"name": "x"}, {"windows_version": "2016"}).findings, "SCH019")


# -- R1: KeyExchangeAlgorithms\PKCS --------------------------------------------------------------------------------

def test_r1_pkcs_off_removes_rsa_authenticated_ecdhe_and_dhe_suites():
    state = effective_state("2019", kex("PKCS", 0))
    assert state.cipher_suites and all("ECDSA" in n for n in state.cipher_suites)
    assert [i for i, _t in state.assumptions] == ["key_exchanges.PKCS"]
    plan = compile_plan({"name": "x", "key_exchanges": {"PKCS": "disabled"}}, {"windows_version": "2019"})
    assert [f.item for f in codes(plan.findings, "SCH018")] == ["key_exchanges.PKCS"]
    rsa = predictor.predict(state, "rsa:2048", ["chrome"])["chrome"]
    ecdsa = predictor.predict(state, "ecdsa:p256", ["chrome"])["chrome"]
    assert not rsa.connects and ecdsa.connects


def test_r1_tls13_with_an_rsa_certificate_needs_pkcs():
    state = effective_state("2022", kex("PKCS", 0))
    modern = custom_client("tls13_only", ["TLS_AES_128_GCM_SHA256"], max_version="TLS 1.3")
    modern["tls13_only"] = modern["tls13_only"].__class__(**dict(modern["tls13_only"].__dict__, min_version="TLS 1.3"))
    assert not predictor.predict(state, "rsa:2048", modern)["tls13_only"].connects
    assert predictor.predict(state, "ecdsa:p256", modern)["tls13_only"].connects
    assert predictor.predict(effective_state("2022", {}), "rsa:2048", modern)["tls13_only"].connects


# -- R2: Enabled without DisabledByDefault -------------------------------------------------------------------------

def test_r2_enabled_alone_on_a_default_off_protocol_is_explicit_only_and_said():
    state = effective_state("2008r2", proto("TLS 1.2", "Server", 1))
    assert "TLS 1.2" not in state.server_protocols and "TLS 1.2 Server" in state.explicit_only
    assert [i for i, _t in state.assumptions] == ["protocols.TLS 1.2 Server"]
    plan = compile_plan({"name": "x"}, {"windows_version": "2008r2",
                                        "current_state": proto("TLS 1.2", "Server", 1)})
    assert [f.item for f in codes(plan.findings, "SCH018")] == ["protocols.TLS 1.2 Server"]
    both = effective_state("2008r2", proto("TLS 1.2", "Server", 1, 0))
    assert "TLS 1.2" in both.server_protocols and not both.assumptions
    # the plan writes both values, so after it nothing rests on the assumption
    written = compile_plan({"name": "x", "protocols": {"TLS 1.2": "enabled"}},
                           {"windows_version": "2008r2", "current_state": proto("TLS 1.2", "Server", 1)})
    assert "TLS 1.2" in written.state.server_protocols and not codes(written.findings, "SCH018")


# -- R3: hashes and AEAD suites -------------------------------------------------------------------------------------

def test_r3_sha256_hash_off_removes_gcm_sha256_suites_and_says_it_is_an_inference():
    dump = {rm.SCHANNEL + "\\Hashes\\SHA256": {"Enabled": dword(0)}}
    state = effective_state("2019", dump)
    assert "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" not in state.cipher_suites
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in state.cipher_suites
    reason = dict(state.dropped_cipher_suites)["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    assert "R3" in reason
    assert [i for i, _t in state.assumptions] == ["hashes.SHA256"]


# -- R4: the ECDH key before 2016 -----------------------------------------------------------------------------------

def test_r4_ecdh_off_before_2016_is_honoured_and_said():
    plan = compile_plan({"name": "x", "key_exchanges": {"ECDH": "disabled"}}, {"windows_version": "2012r2"})
    assert not [n for n in plan.state.cipher_suites if n.startswith("TLS_ECDHE_")]
    assert [f.item for f in codes(plan.findings, "SCH018")] == ["key_exchanges.ECDH"]
    later = compile_plan({"name": "x", "key_exchanges": {"ECDH": "disabled"}}, {"windows_version": "2016"})
    assert not codes(later.findings, "SCH018")


# -- F5: the HTTP/2 flag's docstring and value agree -----------------------------------------------------------------

def test_f5_export1024_flag_and_docstring_agree():
    doc = catalogue.SchannelSuite.h2_blocklisted.__doc__
    assert "EXPORT1024" in doc and "unassigned code points)" not in doc
    for name in ("TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
                 "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA"):
        assert catalogue.get(name, "2019").h2_blocklisted is True


# -- Mozilla guideline version in the output ------------------------------------------------------------------------

@pytest.mark.parametrize("name,configuration", [("mozilla_intermediate", "intermediate"),
                                                ("mozilla_modern", "modern")])
def test_mozilla_profiles_name_guideline_6_0(name, configuration):
    args = {"profile": name, "windows_version": "2022", "certificate_key": "ecdsa:p256", "guard": False,
            "http2": False, "certificate_port": 443, "fail_on_findings": False}
    result, _plan = plan_action.plan_host(args)
    assert result["guideline"] == {"name": "Mozilla Server Side TLS", "configuration": configuration,
                                   "version": "6.0", "source": "MOZ"}
    assert plan_action.plan_host(dict(args, profile="best_practices"))[0]["guideline"] is None


def test_ltsc_keys_are_the_fact_sheet_columns():
    assert LTSC_KEYS == factsheet.VERSIONS


def test_every_source_key_the_knowledge_core_cites_is_in_docs_sources():
    root = factsheet.FACTS.parent.parent
    sources = (root / "docs" / "sources.md").read_text(encoding="utf-8")
    keys = set()
    for path in sorted((root / "plugins" / "module_utils" / "schannel").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        keys.update(re.findall(r"\b(?:W32|WSD|SUP|ADV|CSP|PS|DOTNET|EXCH|ASPNET)-[A-Z0-9-]*[A-Z0-9]\b", text))
        keys.update(k for k in ("HCS", "ASE", "AZDO", "GONET", "TESTSSL", "MOZ") if re.search(r"\b%s\b" % k, text))
    missing = sorted(k for k in keys if not re.search(r"\| %s[ |(]" % re.escape(k), sources))
    assert not missing, missing
