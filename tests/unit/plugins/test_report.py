"""Unit tests for the fleet report writer (plugins/plugin_utils/report.py)."""
from __future__ import annotations

import json
import re
import os
import stat
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from ansible_collections.tlsops.schannel.plugins.plugin_utils import report as rep

EVIL = '<script>alert(1)</script>\x1b]0;pwned\x07\x1b[31mRED"\'&'


def ios_ats_failure():
    """A 2008 R2 host before hardening: iOS 9 ATS fails with a TCP reset, IE 11 connects."""
    return {
        "host": "web2008", "windows_version": "2008r2", "profile": "ios_ats", "mode": "verify",
        "findings": [
            {"code": "suite-unknown", "severity": "error", "item": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
             "message": "does not exist on Server 2008 R2", "fix": "use TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256"},
            {"code": "note", "severity": "info", "item": "", "message": "fyi", "fix": ""},
        ],
        "verify": [{
            "host": "127.0.0.1", "port": 8443,
            "protocols": ["TLS 1.0"],
            "certificate": {"subject": "CN=" + EVIL, "issuer": "CN=Test CA", "key_type": "rsa", "key_size": 2048,
                            "signature_hash": "sha256"},
            "clients": {
                "ios9_ats": {"connects": False, "symptom": "tcp_reset", "reason": "TLS 1.2 is disabled",
                             "expected": {"connects": False}},
                "ie11_win7": {"connects": True, "protocol": "TLS 1.0",
                              "cipher_suite": "TLS_RSA_WITH_AES_128_CBC_SHA"},
            },
            "policies": {"ats": {"passed": False, "reasons": ["TLS 1.2 not offered"]},
                         "http2": {"passed": True}},
            "diagnosis": ["TLS 1.2 is disabled (Protocols\\TLS 1.2\\Server Enabled=0)",
                          "invalid suite name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 in the policy list"],
        }],
    }


def hardened_2022():
    return {
        "host": "web2022", "windows_version": "2022", "profile": "ios_ats", "rebooted": True,
        "reboot_required": True, "reboot_reasons": ["Schannel reads protocol settings at boot"],
        "changes": [{"path": "HKLM\\SYSTEM\\X\\TLS 1.0\\Server", "name": "Enabled",
                     "before": {"type": "dword", "data": 1}, "after": {"type": "dword", "data": 0}},
                    {"path": "HKLM\\SYSTEM\\X\\RC4 40/128", "name": None, "before": None, "after": {}}],
        "backup": "/tmp/backups/web2022.json",
        "verify": [{
            "endpoint": "127.0.0.2:443", "protocols": ["TLS 1.2", "TLS 1.3"],
            "clients": [
                {"client": "ios9_ats", "connects": True, "protocol": "TLS 1.2",
                 "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "expected":
                     {"connects": True, "protocol": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}},
                {"client": "ie11_win7", "connects": True, "protocol": "TLS 1.2",
                 "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "matches_prediction": False,
                 "expected": {"connects": False}},
            ],
            "policies": [{"policy": "ats", "passed": True}],
        }],
    }


@pytest.fixture
def report():
    return rep.FleetReport.from_results({"web2022": hardened_2022(), "web2008": ios_ats_failure()},
                                        generated="2026-01-01T00:00:00Z", run={"playbook": "harden.yml"})


# --- sanitising ---------------------------------------------------------------------------------------------

def test_strip_terminal_escapes_removes_csi_osc_and_controls():
    assert rep.strip_terminal_escapes("a\x1b[31mb\x1b[0m\x1b]0;title\x07c\x00d\x9b2Je\tf\n") == "abcde\tf\n"
    assert rep.one_line("x\ny\x1b[2J  z") == "x y z"


def test_esc_escapes_markup_and_quotes():
    assert rep.esc('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert rep.esc(None) == ""


@pytest.mark.parametrize("raw,expected", [
    ("../../etc/passwd", "etc_passwd"), ("nightly report", "nightly_report"), ("", "report"),
    ("..", "report"), ("a" * 100, "a" * 64), ("ok-name_1.2", "ok-name_1.2"),
])
def test_safe_file_stem(raw, expected):
    assert rep.safe_file_stem(raw) == expected


# --- model -------------------------------------------------------------------------------------------------

def test_hosts_sorted_and_statuses(report):
    assert [h["host"] for h in report.hosts] == ["web2008", "web2022"]
    by = {h["host"]: h for h in report.hosts}
    assert by["web2008"]["status"] == "failed"       # ats policy failed
    assert by["web2022"]["status"] == "changed"
    assert report.summary()["rebooted"] == ["web2022"]
    assert report.summary()["policy_failures"] == 1


def test_clients_ordered_like_the_client_table(report):
    assert [c["key"] for c in report.clients] == ["ios9_ats", "ie11_win7"]
    assert report.clients[0]["label"]


def test_findings_errors_first_and_drift_values_formatted(report):
    by = {h["host"]: h for h in report.hosts}
    assert [f["severity"] for f in by["web2008"]["findings"]] == ["error", "info"]
    change = by["web2022"]["changes"][0]
    assert (change["before"], change["after"]) == ("0x00000001 (dword)", "0x00000000 (dword)")
    assert by["web2022"]["changes"][1]["before"] == "(absent)"


def test_check_mode_changes_are_drift():
    r = rep.FleetReport.from_results({"h": {"check_mode": True, "changes": [{"path": "p", "name": "n"}]}})
    assert r.hosts[0]["status"] == "drift"
    assert r.summary()["drift"] == 1


def test_missing_result_is_a_failed_host():
    r = rep.FleetReport.from_results({"gone": None})
    assert r.hosts[0]["status"] == "failed"
    assert "did not reach" in r.hosts[0]["msg"]


def test_rolled_back_host():
    raw = hardened_2022()
    raw["verify"][0]["policies"] = [{"policy": "ats", "passed": False}]
    raw["rolled_back"] = True
    assert rep.FleetReport.from_results({"h": raw}).hosts[0]["status"] == "rolled_back"


def test_prediction_match_is_derived_when_not_given(report):
    cells = {c["client"]: c for c in report.hosts[1]["endpoints"][0]["clients"]}
    assert cells["ios9_ats"]["matches_prediction"] is True
    assert cells["ie11_win7"]["matches_prediction"] is False


def test_results_must_be_a_mapping():
    with pytest.raises(rep.ReportError, match="mapping"):
        rep.FleetReport.from_results([1, 2])


def test_protocols_and_suites_accept_mapping_shapes():
    e = rep.normalise_endpoint({"host": "h", "port": 1, "protocols": {"TLS 1.2": True, "TLS 1.0": False},
                                "cipher_suites": {"TLS 1.2": [{"name": "A"}, "B"], "TLS 1.1": ["A"]}})
    assert e["endpoint"] == "h:1"
    assert e["protocols"] == ["TLS 1.2"]
    assert e["cipher_suites"] == ["A", "B"]


# --- JSON --------------------------------------------------------------------------------------------------

def test_json_roundtrip(report):
    data = json.loads(rep.render_json(report))
    assert data["format_version"] == 1
    assert data["summary"]["hosts"] == 2
    assert data["hosts"][0]["endpoints"][0]["certificate"]["subject"].startswith("CN=<script>")


# --- JUnit -------------------------------------------------------------------------------------------------

def test_junit_one_case_per_host_and_policy(report):
    root = ET.fromstring(rep.render_junit(report).encode())
    cases = [(c.get("classname"), c.get("name"), c.find("failure") is not None) for c in root.iter("testcase")]
    assert cases == [("schannel.web2008", "ats", True), ("schannel.web2008", "http2", False),
                     ("schannel.web2022", "ats", False)]
    assert root.get("tests") == "3" and root.get("failures") == "1"
    assert "TLS 1.2 not offered" in root.find(".//failure").get("message")


def test_junit_host_without_verification_is_an_error_case():
    r = rep.FleetReport.from_results({"h": {"failed": True, "failed_step": "plan", "msg": "bad suite"}})
    root = ET.fromstring(rep.render_junit(r).encode())
    case = root.find(".//testcase")
    assert case.get("name") == "plan"
    assert case.find("error").get("message") == "bad suite"


def test_junit_names_endpoint_when_several():
    raw = hardened_2022()
    raw["verify"].append({"endpoint": "127.0.0.2:5986", "policies": {"ats": {"passed": True}}})
    root = ET.fromstring(rep.render_junit(rep.FleetReport.from_results({"h": raw})).encode())
    assert [c.get("name") for c in root.iter("testcase")] == ["ats @ 127.0.0.2:443", "ats @ 127.0.0.2:5986"]


def test_junit_has_no_terminal_escapes(report):
    assert "\x1b" not in rep.render_junit(report)


# --- HTML --------------------------------------------------------------------------------------------------

class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.cells, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "td" and "data-client" in attrs:
            self.cells.append(attrs["class"].split())
        for name in ("src", "href"):
            if attrs.get(name):
                self.external.append(attrs[name])


def test_html_escapes_server_text_and_is_self_contained(report):
    page = rep.render_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\x07" not in page
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert parsed.external == []
    assert "default-src 'none'" in page


def test_html_matrix_colours(report):
    parsed = _Collector()
    parsed.feed(rep.render_html(report))
    # rows: web2008 (ios9 red, ie11 green), web2022 (ios9 green, ie11 green but differs from prediction)
    assert [("cell-ok" in c, "cell-fail" in c, "mismatch" in c) for c in parsed.cells] == [
        (False, True, False), (True, False, False), (True, False, False), (True, False, True)]


def test_html_shows_suite_drift_findings_and_reboots(report):
    page = rep.render_html(report)
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in page
    assert "0x00000001 (dword)" in page
    assert "use TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256" in page
    assert "<b>rebooted</b>: web2022" in page
    assert "tcp_reset: TLS 1.2 is disabled" in page


def test_html_host_name_is_escaped_everywhere():
    r = rep.FleetReport.from_results({'"><img src=x>': hardened_2022()})
    page = rep.render_html(r)
    assert "<img" not in page


# --- text --------------------------------------------------------------------------------------------------

def test_text_summary(report):
    text = rep.render_text(report)
    assert "\x1b" not in text and "\x07" not in text
    assert "web2008 [failed]" in text
    assert "client ios9_ats" in text and "fails (tcp_reset)" in text
    assert re.search(r"policy ats +FAIL \(TLS 1.2 not offered\)", text)
    assert "diagnosis: invalid suite name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in text
    assert "rebooted: web2022" in text


def test_text_strips_escapes_from_host_names():
    r = rep.FleetReport.from_results({"evil\x1b[2J\x1b]0;x\x07": {}})
    assert "\x1b" not in rep.render_text(r)


# --- writing -----------------------------------------------------------------------------------------------

def test_write_report_modes_and_names(report, tmp_path):
    out = tmp_path / "new" / "reports"
    paths = rep.write_report(report, str(out), name="../fleet")
    assert set(paths) == {"json", "junit", "html", "text"}
    assert sorted(os.listdir(out)) == ["fleet.html", "fleet.json", "fleet.txt", "fleet.xml"]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    for path in paths.values():
        assert os.path.dirname(path) == str(out)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_write_report_replaces_a_planted_symlink(report, tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (out / "schannel-report.json").symlink_to(victim)
    rep.write_report(report, str(out), formats=("json",))
    assert victim.read_text() == "keep"
    assert not (out / "schannel-report.json").is_symlink()


def test_write_report_refuses_symlinked_dir(report, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(rep.ReportError, match="symlink"):
        rep.write_report(report, str(tmp_path / "link"))


def test_write_report_unknown_format(report, tmp_path):
    with pytest.raises(rep.ReportError, match="unknown report format"):
        rep.write_report(report, str(tmp_path), formats=("pdf",))


def test_write_report_tightens_existing_dir(report, tmp_path):
    out = tmp_path / "open"
    out.mkdir(mode=0o755)
    rep.write_report(report, str(out), formats=("text",))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700


# --- host state --------------------------------------------------------------------------------------------

def test_state_findings_name_dropped_suites_and_tls12():
    state = {"server_protocols": ["SSL 3.0", "TLS 1.0"], "cipher_suites_source": "policy",
             "cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"],
             "protocol_reasons": {"TLS 1.2 Server": "Windows Server 2008 R2 default: disabled"},
             "dropped_cipher_suites": [{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                        "reason": "does not exist before Windows Server 2016"}]}
    host = rep.FleetReport.from_results({"h": {"state": state}}).hosts[0]
    codes = [(f["code"], f["item"]) for f in host["findings"]]
    assert codes == [("suite-name-invalid", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                     ("tls12-disabled", "TLS 1.2 Server")]
    assert "2008 R2 default: disabled" in host["findings"][1]["message"]
    text = rep.render_text(rep.FleetReport.from_results({"h": {"state": state}}))
    assert "in effect at start: SSL 3.0, TLS 1.0; suites from policy: 1" in text
    assert "suite-name-invalid" in text


def test_state_findings_do_not_duplicate_plan_findings():
    state = {"server_protocols": ["TLS 1.2"], "cipher_suites_source": "policy", "dropped_cipher_suites": ["X"]}
    raw = {"state": state, "findings": [{"code": "suite-name-invalid", "item": "X", "severity": "error"}]}
    assert len(rep.FleetReport.from_results({"h": raw}).hosts[0]["findings"]) == 1


# --- before/after ------------------------------------------------------------------------------------------

def test_comparison_shows_each_client_before_and_after():
    before = json.loads(rep.render_json(rep.FleetReport.from_results({"web2008": ios_ats_failure()})))
    fixed = ios_ats_failure()
    fixed["verify"][0]["clients"]["ios9_ats"] = {"connects": True, "protocol": "TLS 1.2",
                                                 "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"}
    fixed["verify"][0]["policies"]["ats"] = {"passed": True}
    fixed["verify"][0]["protocols"] = ["TLS 1.2"]
    fixed["rebooted"] = True
    after = json.loads(rep.render_json(rep.FleetReport.from_results({"web2008": fixed, "new\x1b[2J": {}})))
    text = rep.render_comparison(before, after)
    assert "web2008: failed -> ok, rebooted" in text
    assert re.search(r"policy ats +FAIL +pass", text)
    assert re.search(r"fails \(tcp_reset\) +TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", text)
    assert re.search(r"protocols +TLS 1.0 +TLS 1.2", text)
    assert "\x1b" not in text and "new: - -> failed" in text


# --- tls_verify's result shape -----------------------------------------------------------------------------

def tls_verify_result():
    """Trimmed from a real tls_verify run against the 2008 R2 ios_ats_failure twin."""
    return {
        "host": "127.0.0.1", "port": 35335, "reachable": True, "failed": True, "error": None,
        "supported_protocols": ["TLS 1.0"],
        "protocols": {"TLS 1.0": {"supported": True, "cipher_suites": ["TLS_RSA_WITH_AES_256_CBC_SHA",
                                                                       "TLS_RSA_WITH_AES_128_CBC_SHA"]},
                      "TLS 1.2": {"supported": False, "cipher_suites": [], "outcome": "downgrade:TLS 1.0"}},
        "certificate": {"chain": [{"subject": "CN=web2008", "issuer": "CN=web2008", "key_type": "rsa",
                                   "key_size": 2048, "signature_hash": "sha256"}], "trusted": None},
        "clients": {"ios9_ats": {"client": "ios9_ats", "connected": False, "symptom": "tcp_reset",
                                 "reason": "the server reset the TCP connection after the ClientHello"},
                    "ie11_win7": {"client": "ie11_win7", "connected": True, "protocol": "TLS 1.0",
                                  "cipher_suite": "TLS_RSA_WITH_AES_256_CBC_SHA"}},
        "policies": {"ios_ats": {"policy": "ios_ats", "passed": False, "violations": [
            {"rule": "protocol", "message": "ATS requires TLS 1.2, which the server does not offer"}]}},
        "findings": [{"code": "protocol_off", "severity": "info",
                      "message": "TLS 1.2 is disabled (the server answers with TLS 1.0)"},
                     {"code": "prediction_mismatch", "severity": "warning", "message": "ios9_ats: predicted TLS 1.2"}],
        "item": {"port": 35335},
    }


def test_tls_verify_result_is_understood():
    e = rep.normalise_endpoint(tls_verify_result())
    assert e["endpoint"] == "127.0.0.1:35335"
    assert e["failed"] is False            # a failed policy is not a failed probe
    assert e["protocols"] == ["TLS 1.0"]
    assert e["cipher_suites"] == ["TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"]
    assert e["certificate"]["subject"] == "CN=web2008"
    cells = {c["client"]: c for c in e["clients"]}
    assert cells["ios9_ats"]["connects"] is False and cells["ie11_win7"]["connects"] is True
    assert e["policies"] == [{"policy": "ios_ats", "passed": False,
                              "reasons": ["ATS requires TLS 1.2, which the server does not offer"]}]
    assert e["diagnosis"] == ["TLS 1.2 is disabled (the server answers with TLS 1.0)"]
    assert e["prediction_mismatches"] == ["ios9_ats: predicted TLS 1.2"]


def test_unreachable_endpoint_is_a_failed_probe():
    e = rep.normalise_endpoint({"host": "h", "port": 1, "reachable": False, "failed": True,
                                "error": "connection refused"})
    assert e["failed"] is True and e["msg"] == "connection refused"
    host = rep.FleetReport.from_results({"h": {"verify": [{"host": "h", "port": 1, "reachable": False,
                                                           "failed": True, "error": "refused"}]}}).hosts[0]
    assert host["status"] == "failed"


def test_dropped_names_in_windows_own_local_list_are_info_only():
    state = {"server_protocols": ["TLS 1.2"], "cipher_suites_source": "local",
             "dropped_cipher_suites": [{"name": "TLS_RSA_WITH_NULL_SHA", "reason": "used only on request"}]}
    (finding,) = rep.FleetReport.from_results({"h": {"state": state}}).hosts[0]["findings"]
    assert (finding["code"], finding["severity"]) == ("suite-not-used", "info")


def test_state_findings_are_history_after_a_live_change():
    state = {"server_protocols": ["TLS 1.0"], "cipher_suites_source": "policy", "dropped_cipher_suites": ["X"]}
    change = [{"path": "p", "name": "n", "before": None, "after": {"type": "key", "data": None}}]
    live = rep.FleetReport.from_results({"h": {"state": state, "changes": change}}).hosts[0]
    audit = rep.FleetReport.from_results({"h": {"state": state, "changes": change, "check_mode": True}}).hosts[0]
    assert live["findings"] == [] and len(audit["findings"]) == 2
    assert live["changes"][0]["after"] == "(key)"


def test_long_change_lists_start_folded():
    many = [{"path": "p%d" % i, "name": "n"} for i in range(20)]
    page = rep.render_html(rep.FleetReport.from_results({"h": {"changes": many}}))
    assert '<details class="drift"><summary>Changes: 20 value(s)</summary>' in page
    page = rep.render_html(rep.FleetReport.from_results({"h": {"changes": many[:2]}}))
    assert '<details class="drift" open>' in page
