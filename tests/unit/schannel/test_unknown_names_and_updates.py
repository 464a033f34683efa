# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 15 remainder: the update verdict (SCH019) from win_schannel_info's ``updates`` fact, and unknown suite and
curve names named with the release and the nearest known names (SCH020, catalogue helpers)."""
from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue, lints
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import compile_plan
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state


# -- SCH019: installed / not listed / not checked ---------------------------------------------------------------------

@pytest.mark.parametrize("version,kb,source", [("2008r2", "KB3042058", "W32-CS7"), ("2012", "KB3042058", "W32-CS8"),
                                               ("2012r2", "KB2919355", "W32-CS81")])
def test_sch019_verdict_for_each_answer(version, kb, source):
    assert lints.prerequisite_update(version, {kb: True}) == []
    (missing,) = lints.prerequisite_update(version, {kb: False})
    assert (missing.code, missing.severity, missing.item) == ("SCH019", "warning", kb)
    assert "did not find %s" % kb in missing.message and source in missing.message
    assert "install %s" % kb in missing.fix
    for unknown in (None, {}, {kb: None}):  # no fact, an older result, the WMI query failed
        (info,) = lints.prerequisite_update(version, unknown)
        assert (info.severity, info.item) == ("info", kb)
        assert "not checked" in info.message and info.fix is None


def test_sch019_reads_only_the_release_s_own_update():
    # a 2012 R2 host with KB3042058 listed but not KB2919355 is still missing its own prerequisite
    (finding,) = lints.prerequisite_update("2012r2", {"KB3042058": True, "KB2919355": False})
    assert finding.severity == "warning" and finding.item == "KB2919355"
    assert lints.prerequisite_update("2019", {"KB3042058": False, "KB2919355": False}) == []


def test_a_plan_from_facts_with_updates_gives_the_verdict():
    base = {"windows_version": "2012"}
    plan = compile_plan({"name": "x"}, dict(base, updates={"KB3042058": False, "KB2919355": False}))
    assert [(f.severity, f.item) for f in plan.findings if f.code == "SCH019"] == [("warning", "KB3042058")]
    plan = compile_plan({"name": "x"}, dict(base, updates={"KB3042058": True, "KB2919355": False}))
    assert not [f for f in plan.findings if f.code == "SCH019"]


# -- unknown names: catalogue helpers -----------------------------------------------------------------------------------

def test_curve_names_follow_w32_ecc_1607_case_insensitively():
    assert catalogue.curves_for("2012r2") is None  # no curve list before 2016: the suffix decides
    assert len(catalogue.curves_for("2016")) == 20 and catalogue.curves_for("2016")[:3] == (
        "curve25519", "NistP256", "NistP384")
    assert catalogue.explain_curve("NISTP521", "2019")[0] == "nistP521"
    name, problem, nearest = catalogue.explain_curve("NistP265", "2022")
    assert name is None and "Windows Server 2022" in problem and nearest[0] == "NistP256"
    # the hybrid ML-KEM groups only after 26100 (facts §4.1, W32-GROUPS-24H2)
    assert catalogue.explain_curve("x25519_mlkem768", "2025")[0] is None
    assert catalogue.explain_curve("x25519_mlkem768", "vnext")[0] == "x25519_mlkem768"


def test_suite_suggestions_put_the_catalogue_s_pick_first():
    assert catalogue.suggest_suites("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "2012r2")[0].startswith(
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
    assert catalogue.suggest_suites("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265", "2019")[0] == \
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert catalogue.suggest_suites("NOT_A_SUITE_AT_ALL", "2019") == []


# -- SCH020 with the nearest names ------------------------------------------------------------------------------------

def _policy(version, suites=None, curves=None):
    values = {}
    if suites is not None:
        values["Functions"] = {"type": "string", "data": ",".join(suites)}
    if curves is not None:
        values["EccCurves"] = {"type": "multistring", "data": list(curves)}
    return effective_state(version, {rm.POLICY_SSL: values})


def test_sch020_suite_fix_names_the_nearest_known_names():
    state = _policy("2019", suites=["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])
    (finding,) = lints.unknown_names(state)
    assert (finding.code, finding.severity, finding.item) == ("SCH020", "warning", "cipher_suites")
    assert "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265" in finding.message and "Windows Server 2019" in finding.message
    assert "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265: use TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in finding.fix


def test_sch020_curve_in_the_policy_list():
    state = _policy("2022", curves=["NistP384", "NistP265", "curve448"])
    assert state.unknown_ecc_curves == ("NistP265", "curve448")
    (finding,) = lints.unknown_names(state)
    assert (finding.severity, finding.item) == ("warning", "ecc_curves")
    assert "NistP265, curve448" in finding.message and "Windows Server 2022" in finding.message
    assert "NistP265: use NistP256" in finding.fix and "curve448: remove it (no known name is close)" in finding.fix


def test_no_curve_finding_for_known_curves_or_before_2016():
    assert lints.unknown_names(_policy("2019", curves=["curve25519", "NistP256", "secP256k1"])) == []
    assert lints.unknown_names(_policy("2012r2", curves=["anything"])) == []  # 2012 R2 reads no curve list


def test_a_plan_that_leaves_an_unknown_curve_in_place_says_so():
    current = {rm.POLICY_SSL: {"EccCurves": {"type": "multistring", "data": ["NistP256", "NistP265"]}}}
    plan = compile_plan({"name": "x"}, {"windows_version": "2019", "current_state": current})
    found = [f for f in plan.findings if f.code == "SCH020" and f.item == "ecc_curves"]
    assert len(found) == 1 and "NistP265: use NistP256" in found[0].fix


# -- SCH019 for a value that needs an update: KB3140245 and WinHTTP's DefaultSecureProtocols -----------------------

def _winhttp_ops(version):
    return compile_plan({"name": "x", "winhttp_protocols": ["TLS 1.2"]}, {"windows_version": version}).operations


@pytest.mark.parametrize("version", ["2008r2", "2012"])
def test_sch019_default_secure_protocols_needs_kb3140245(version):
    ops = _winhttp_ops(version)
    assert any(op["name"] == "DefaultSecureProtocols" for op in ops)
    assert lints.value_updates(version, {"KB3140245": True}, ops) == []
    (missing,) = lints.value_updates(version, {"KB3140245": False}, ops)
    assert (missing.severity, missing.item) == ("warning", "KB3140245")
    assert "DefaultSecureProtocols" in missing.message and "install KB3140245" in missing.fix
    (unknown,) = lints.value_updates(version, None, ops)  # one finding, though two keys (32- and 64-bit) are written
    assert unknown.severity == "info" and "not checked" in unknown.message


def test_no_kb3140245_finding_where_windows_reads_the_value_without_it_or_nothing_is_written():
    assert lints.value_updates("2012r2", {"KB3140245": False}, _winhttp_ops("2012r2")) == []
    assert lints.value_updates("2008r2", {"KB3140245": False}, compile_plan(
        {"name": "x"}, {"windows_version": "2008r2"}).operations) == []
    assert "KB3140245" in catalogue.PREREQUISITE_UPDATE_IDS  # win_schannel_info asks for it


def test_sch020_for_a_host_cng_list_says_table_gap():
    local = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_SOME_FUTURE_SUITE"]
    state = effective_state("2022", {}, local_cipher_suites=local)
    assert state.unknown_from_host_cng and state.unknown_cipher_suites == ("TLS_SOME_FUTURE_SUITE",)
    (finding,) = lints.unknown_names(state)
    assert finding.severity == "warning" and "(ASE)" not in finding.message
    assert "table does not have" in finding.message and "lacks TLS_SOME_FUTURE_SUITE" in finding.fix
    # the same name in a policy list stays Microsoft's warning
    policy = _policy("2022", suites=local)
    assert not policy.unknown_from_host_cng and "(ASE)" in lints.unknown_names(policy)[0].message
    # before 2016 a local list is the registry value anyone can write: Microsoft's warning too
    old = effective_state("2012r2", {}, local_cipher_suites=["TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_FOO"])
    assert not old.unknown_from_host_cng and "(ASE)" in old.cipher_suites_risk


# -- names a profile or an override asks for -------------------------------------------------------------------------

def test_a_profile_curve_the_release_does_not_know_is_a_warning_with_the_nearest_names():
    plan = compile_plan({"name": "x", "ecc_curves": ["NistP265", "NistP384"]},
                        {"windows_version": "2019", "certificate_key": "rsa:2048"})
    (finding,) = [f for f in plan.findings if f.item == "NistP265"]
    assert (finding.code, finding.severity) == ("SCH011", "warning")
    assert "Windows Server 2019" in finding.message and finding.fix.startswith("use NistP256")
    assert plan.ecc_curves == ["NistP384"]


def test_an_override_curve_outside_the_schema_is_refused_with_the_allowed_names():
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles
    with pytest.raises(SchannelInputError) as caught:
        _profiles.resolve_profile("mozilla_intermediate", {"ecc_curves": ["NistP265"]})
    assert "ecc_curves[0]" in str(caught.value) and "NistP256" in str(caught.value)


def test_a_literal_override_suite_the_release_does_not_know_names_the_nearest_names():
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles
    profile = _profiles.resolve_profile("ios_ats", {"cipher_suites": {"set": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265"]}})
    plan = compile_plan(profile, {"windows_version": "2022", "certificate_key": "rsa:2048"})
    (finding,) = [f for f in plan.findings if f.code == "SCH001"]
    assert finding.severity == "error" and "Windows Server 2022" in finding.message
    assert finding.fix.startswith("use TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or ")


def test_a_plan_writing_default_secure_protocols_on_2008r2_gives_the_kb3140245_verdict():
    profile = {"name": "x", "winhttp_protocols": ["TLS 1.2"]}

    def sch019(updates):
        facts = {"windows_version": "2008r2", "updates": updates}
        return [(f.severity, f.item) for f in compile_plan(profile, facts).findings if f.code == "SCH019"]

    listed = {"KB3042058": True, "KB3140245": True}
    assert sch019(listed) == []
    assert sch019(dict(listed, KB3140245=False)) == [("warning", "KB3140245")]
    assert ("info", "KB3140245") in sch019(None)
