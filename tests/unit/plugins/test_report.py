"""Unit tests for the fleet report (plugins/plugin_utils/_report/).

The inputs are built the way the role gets them: tls_verify's results are the prober's own dataclasses turned into
dicts (TargetResult.to_dict, as the module returns them), plan findings are the planner's PlanFinding.as_dict.
"""
from __future__ import annotations

import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import PlanFinding
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import results as tls
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report import html, junit, merge, text, write
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.model import FleetReport
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.strict import ReportError

EVIL = '<script>alert(1)</script>\x1b]0;pwned\x07\x1b[31mRED"\'&'


def leaf(subject="CN=web", key_type="rsa"):
    return tls.CertificateInfo(
        subject=subject, issuer="CN=Test CA", serial="01", not_before="2026-01-01T00:00:00Z",
        not_after="2027-01-01T00:00:00Z", days_left=30, lifetime_days=365, expired=False, not_yet_valid=False,
        key_type=key_type, key_size=2048, curve=None, signature_algorithm="sha256WithRSAEncryption",
        signature_hash="sha256", san_dns=["web"], san_ip=[], is_ca=False, self_signed=False,
        sha256_fingerprint="00")


def target(port=443, protocols=None, clients=(), policies=(), findings=(), subject="CN=web", error=None,
           reachable=True):
    """A tls_verify result as the module returns it."""
    result = tls.TargetResult(
        host="127.0.0.1", port=port, sni=None, reachable=reachable, error=error, failed=bool(error),
        protocols={v: tls.ProtocolResult(v, True, list(s)) for v, s in (protocols or {}).items()},
        certificate=tls.CertificateResult(source="ssl", chain=[leaf(subject)], chain_length=1) if reachable else None,
        clients={c.client: c for c in clients}, policies={p.policy: p for p in policies}, findings=list(findings))
    return result.to_dict()


def client(key, connects, protocol=None, suite=None, symptom=None, reason=None):
    return tls.ClientResult(client=key, label={"ios9_ats": "Apple ATS (iOS 9)", "ie11_win7": "IE 11 / Windows 7",
                                               "pywinrm": "pywinrm"}.get(key, key),
                            connects=connects, protocol=protocol, cipher_suite=suite, symptom=symptom, reason=reason)


def policy(name, passed, *reasons):
    return tls.PolicyResult(policy=name, passed=passed, violations=[tls.Violation("rule", r) for r in reasons])


def mismatch(key, **differences):
    evidence = {"client": key, "differences": {k: {"predicted": v, "observed": None} for k, v in differences.items()}}
    return tls.ProbeFinding("prediction_mismatch", "error", "%s: predicted something else" % key, evidence)


def ios_ats_failure():
    """A 2008 R2 host before hardening (verify run): iOS 9 ATS fails with a TCP reset, IE 11 connects."""
    return {
        "host": "web2008", "windows_version": "2008r2", "profile": "ios_ats", "mode": "verify", "failed": True,
        "failed_step": "verify", "msg": "verification failed: policy not met: ats",
        "findings": [
            PlanFinding("SCH001", "error", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "does not exist on Server 2008 R2",
                        "use TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256").as_dict(),
            PlanFinding("SCH010", "info", "", "fyi", None).as_dict(),
        ],
        "verify": [target(
            port=8443, protocols={"TLS 1.0": ["TLS_RSA_WITH_AES_128_CBC_SHA"]}, subject="CN=" + EVIL,
            clients=[client("ios9_ats", False, symptom="tcp_reset", reason="TLS 1.2 is disabled"),
                     client("ie11_win7", True, "TLS 1.0", "TLS_RSA_WITH_AES_128_CBC_SHA")],
            policies=[policy("ats", False, "TLS 1.2 not offered"), policy("http2", True)],
            findings=[tls.ProbeFinding("protocol_off", "info", "TLS 1.2 is disabled (Protocols\\TLS 1.2\\Server Enabled=0)"),
                      tls.ProbeFinding("suite_name", "error",
                                       "invalid suite name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 in the policy list"),
                      tls.ProbeFinding("prediction_unchecked", "warning",
                                       "no client simulation for predicted client 'firefox'")])],
    }


def hardened_2022():
    return {
        "host": "web2022", "windows_version": "2022", "profile": "ios_ats", "rebooted": True, "mode": "harden",
        "finished": "2026-01-01T10:00:00Z", "reboot_required": True,
        "reboot_reasons": ["Schannel reads protocol settings at boot"],
        "changes": [{"path": "HKLM\\SYSTEM\\X\\TLS 1.0\\Server", "name": "Enabled", "layer": "local",
                     "before": {"type": "dword", "data": 1}, "after": {"type": "dword", "data": 0},
                     "reboot_reason": "boot"},
                    {"path": "HKLM\\SYSTEM\\X\\RC4 40/128", "name": None, "before": None,
                     "after": {"type": "key", "data": None}}],
        "backup": "/tmp/backups/web2022.reg",
        "verify": [target(
            protocols={"TLS 1.3": ["TLS_AES_256_GCM_SHA384"], "TLS 1.2": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]},
            clients=[client("ios9_ats", True, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                     client("ie11_win7", True, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")],
            policies=[policy("ats", True)], findings=[mismatch("ie11_win7", connects=False)])],
    }


@pytest.fixture
def report():
    return FleetReport.from_results({"web2022": hardened_2022(), "web2008": ios_ats_failure()},
                                    generated="2026-01-01T00:00:00Z", run={"playbook": "harden.yml"})


# --- sanitising ---------------------------------------------------------------------------------------------

def test_strip_terminal_escapes_removes_csi_osc_and_controls():
    assert text.strip_terminal_escapes("a\x1b[31mb\x1b[0m\x1b]0;title\x07c\x00d\x9b2Je\tf\n") == "abcde\tf\n"
    assert text.one_line("x\ny\x1b[2J  z") == "x y z"


@pytest.mark.parametrize("raw,expected", [
    ("../../etc/passwd", "etc_passwd"), ("nightly report", "nightly_report"), ("", "report"),
    ("..", "report"), ("a" * 100, "a" * 64), ("ok-name_1.2", "ok-name_1.2"),
])
def test_safe_file_stem(raw, expected):
    assert write.safe_file_stem(raw) == expected


# --- strict inputs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate,where", [
    (lambda r: r.update(connects=True), "results[h]: unknown key(s) connects"),
    (lambda r: r["verify"][0]["clients"]["ios9_ats"].update(ok=True),
     "results[h].verify[0].clients.ios9_ats: unknown key(s) ok"),
    (lambda r: r["verify"][0]["policies"]["ats"].update(reasons=[]), "results[h].verify[0].policies.ats: unknown"),
    (lambda r: r["findings"][0].update(msg="x"), "results[h].findings[0]: unknown key(s) msg"),
    (lambda r: r["changes"].append({"key": "HKLM\\X"}), "results[h].changes[1]: unknown key(s) key"),
    (lambda r: r.update(rebooted="yes"), "results[h].rebooted: expected true or false"),
    (lambda r: r["verify"][0].pop("sni"), "results[h].verify[0]: the key sni is missing"),
])
def test_an_unknown_key_or_wrong_type_fails_naming_where(mutate, where):
    raw = ios_ats_failure()
    raw["changes"] = [{"path": "HKLM\\Y", "name": "n"}]
    mutate(raw)
    with pytest.raises(ReportError) as exc:
        FleetReport.from_results({"h": raw})
    assert str(exc.value).startswith(where)


def test_results_must_be_a_mapping():
    with pytest.raises(ReportError, match="mapping"):
        FleetReport.from_results([1, 2])


# --- model -------------------------------------------------------------------------------------------------

def test_hosts_sorted_and_statuses(report):
    assert [h.host for h in report.hosts] == ["web2008", "web2022"]
    by = {h.host: h for h in report.hosts}
    assert by["web2008"].status == "failed" and by["web2008"].policy_failures == 1
    assert by["web2022"].status == "changed"
    summary = report.summary()
    assert summary.rebooted == ["web2022"] and summary.policy_failures == 1 and summary.hosts_failing_policy == 1


def test_clients_ordered_like_the_client_table_with_the_probers_labels(report):
    assert [(c.key, c.label) for c in report.clients] == [("ios9_ats", "Apple ATS (iOS 9)"),
                                                          ("ie11_win7", "IE 11 / Windows 7")]


def test_findings_errors_first_and_drift_values_formatted(report):
    by = {h.host: h for h in report.hosts}
    assert [f.severity for f in by["web2008"].findings] == ["error", "info"]
    first, second = by["web2022"].changes
    assert (first.before, first.after) == ("0x00000001 (dword)", "0x00000000 (dword)")
    assert (second.before, second.after) == ("(absent)", "(key)")


def test_drift_is_its_own_status_and_count_next_to_a_policy_failure():
    """An audit host whose registry differs and whose endpoint fails a policy: drift and policy failure both count."""
    raw = {"mode": "audit", "check_mode": True, "changes": [{"path": "p", "name": "n"}, {"path": "p", "name": "m"}],
           "verify": [target(protocols={"TLS 1.0": ["X"]}, policies=[policy("mozilla_intermediate", False, "no")])]}
    r = FleetReport.from_results({"h": raw})
    host = r.hosts[0]
    assert (host.status, host.drift, host.policy_failures) == ("drift", 2, 1)
    s = r.summary()
    assert (s.drift, s.failed, s.policy_failures, s.hosts_failing_policy) == (1, 0, 1, 1)


def test_a_failed_host_with_drift_still_counts_as_drift():
    raw = {"mode": "audit", "check_mode": True, "failed": True, "failed_step": "verify", "msg": "probe failed",
           "changes": [{"path": "p", "name": "n"}]}
    s = FleetReport.from_results({"h": raw}).summary()
    assert (s.failed, s.drift) == (1, 1)


def test_a_host_without_a_result_is_failed_with_the_reason():
    r = FleetReport.from_results({"gone": None}, mode="audit")
    host = r.hosts[0]
    assert (host.status, host.failed_step, host.mode) == ("failed", "start", "audit")
    assert "unreachable before the role recorded one" in host.msg


def test_an_unreachable_host_is_failed_and_counted():
    r = FleetReport.from_results({"h": {"unreachable": True, "failed": True, "failed_step": "connect",
                                        "msg": "ntlm: connection refused"}})
    assert r.hosts[0].status == "failed" and r.summary().unreachable == 1


def test_rolled_back_host():
    raw = hardened_2022()
    raw["verify"][0]["policies"]["ats"]["passed"] = False
    raw["rolled_back"] = True
    assert FleetReport.from_results({"h": raw}).hosts[0].status == "rolled_back"


def test_prediction_mismatches_mark_the_client(report):
    cells = {c.client: c for c in report.hosts[1].endpoints[0].clients}
    assert cells["ios9_ats"].matches_prediction is True
    assert cells["ie11_win7"].predicted == {"connects": False}


def test_tls_verify_result_is_understood():
    e = FleetReport.from_results({"h": ios_ats_failure()}).hosts[0].endpoints[0]
    assert e.endpoint == "127.0.0.1:8443" and e.failed is False  # a failed policy is not a failed probe
    assert e.protocols == ["TLS 1.0"] and e.cipher_suites == ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    assert e.certificate.subject == "CN=" + EVIL
    expected = [("ats", False, ["TLS 1.2 not offered"]), ("http2", True, [])]
    assert [(p.policy, p.passed, p.reasons) for p in e.policies] == expected
    # an unchecked prediction (a client the user did not simulate) is not shown as a diagnosis
    assert e.diagnosis == ["TLS 1.2 is disabled (Protocols\\TLS 1.2\\Server Enabled=0)",
                           "error: invalid suite name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 in the policy list"]


def test_suites_newest_protocol_first_without_repeats():
    raw = {"verify": [target(protocols={"TLS 1.2": ["A", "B"], "TLS 1.3": ["C"], "TLS 1.1": ["A"]})]}
    assert FleetReport.from_results({"h": raw}).hosts[0].endpoints[0].cipher_suites == ["C", "A", "B"]


def test_unreachable_endpoint_is_a_failed_probe():
    raw = {"verify": [target(port=1, reachable=False, error="connection refused")]}
    host = FleetReport.from_results({"h": raw}).hosts[0]
    assert host.endpoints[0].failed is True and host.endpoints[0].msg == "connection refused"
    assert host.status == "failed"


# --- JSON --------------------------------------------------------------------------------------------------

def test_json_round_trips_through_the_strict_reader(report):
    data = json.loads(write.render_json(report))
    assert data["format_version"] == 2 and data["summary"]["hosts"] == 2
    assert data["hosts"][0]["endpoints"][0]["certificate"]["subject"].startswith("CN=<script>")
    assert data["hosts"][0]["endpoints"][0]["clients"][0]["connects"] is False
    again = FleetReport.from_dict(data)
    assert json.loads(write.render_json(again)) == data


def test_json_reader_refuses_other_versions_and_unknown_keys(report):
    data = json.loads(write.render_json(report))
    with pytest.raises(ReportError, match="format_version 1"):
        FleetReport.from_dict(dict(data, format_version=1))
    data["hosts"][0]["colour"] = "red"
    with pytest.raises(ReportError, match=r"report.hosts\[0\]: unknown key\(s\) colour"):
        FleetReport.from_dict(data)


# --- JUnit -------------------------------------------------------------------------------------------------

def junit_cases(report):
    root = ET.fromstring(junit.render_junit(report).encode())
    return root, [(c.get("classname"), c.get("name"),
                   "failure" if c.find("failure") is not None else "error" if c.find("error") is not None else "ok")
                  for c in root.iter("testcase")]


def test_junit_one_case_per_host_and_policy(report):
    root, cases = junit_cases(report)
    assert cases == [("schannel.web2008", "verify", "ok"), ("schannel.web2008", "ats", "failure"),
                     ("schannel.web2008", "http2", "ok"),
                     ("schannel.web2022", "harden", "ok"), ("schannel.web2022", "ats", "ok")]
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "0")
    assert "TLS 1.2 not offered" in root.find(".//failure").get("message")


def test_junit_drift_is_a_failing_case_per_host_even_without_policies():
    r = FleetReport.from_results({"b2008": {"mode": "audit", "check_mode": True,
                                            "changes": [{"path": "HKLM\\X", "name": "Enabled"}]},
                                  "clean": {"mode": "audit", "check_mode": True}})
    root, cases = junit_cases(r)
    assert cases == [("schannel.b2008", "audit", "ok"), ("schannel.b2008", "drift", "failure"),
                     ("schannel.clean", "audit", "ok"), ("schannel.clean", "drift", "ok")]
    assert root.find(".//failure").get("message") == "1 value(s) differ from the profile"


def test_junit_host_that_failed_before_verification_is_an_error_case():
    r = FleetReport.from_results({"h": {"failed": True, "failed_step": "plan", "msg": "bad suite"}, "gone": None})
    root, cases = junit_cases(r)
    assert cases == [("schannel.gone", "harden", "error"), ("schannel.h", "harden", "error")]
    assert [e.get("message") for e in root.iter("error")][1] == "plan: bad suite"


def test_junit_names_endpoint_when_several():
    raw = hardened_2022()
    raw["verify"].append(target(port=5986, policies=[policy("ats", True)]))
    _root, cases = junit_cases(FleetReport.from_results({"h": raw}))
    assert [name for _c, name, _r in cases] == ["harden", "ats @ 127.0.0.1:443", "ats @ 127.0.0.1:5986"]


def test_junit_has_no_terminal_escapes(report):
    assert "\x1b" not in junit.render_junit(report)


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
    page = html.render_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\x07" not in page
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert parsed.external == []
    assert "default-src 'none'" in page


def test_html_autoescapes_every_value():
    """Autoescaping is on for the whole template: a value placed anywhere cannot open a tag."""
    assert html._ENV.autoescape is True
    r = FleetReport.from_results({'"><img src=x>': hardened_2022()}, title="<b>t</b>", run={"<i>k": "<u>v"})
    page = html.render_html(r)
    assert "<img" not in page and "<b>t</b>" not in page and "<i>k" not in page and "<u>v" not in page


def test_html_matrix_colours_and_status_badges(report):
    parsed = _Collector()
    page = html.render_html(report)
    parsed.feed(page)
    # rows: web2008 (ios9 red, ie11 green), web2022 (ios9 green, ie11 green but differs from prediction)
    assert [("cell-ok" in c, "cell-fail" in c, "mismatch" in c) for c in parsed.cells] == [
        (False, True, False), (True, False, False), (True, False, False), (True, False, True)]
    # the policy failure is in the matrix row, not only in the details below
    assert '<span class="badge pol-fail">ats FAIL</span>' in page
    assert "predicted: fails" in page


def test_html_shows_suite_drift_findings_and_reboots(report):
    page = html.render_html(report)
    assert "TLS_<wbr>ECDHE_<wbr>RSA_<wbr>WITH_<wbr>AES_<wbr>256_<wbr>GCM_<wbr>SHA384" in page
    assert "0x00000001 (dword)" in page
    assert "use TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256" in page
    assert "<b>rebooted</b>: web2022" in page
    assert "tcp_reset: TLS 1.2 is disabled" in page


def test_html_before_after_section(report):
    before = FleetReport.from_results({"web2008": ios_ats_failure()})
    page = html.render_html(report, baseline=before)
    assert '<h2 id="compare">' in page
    assert re.search(r'<tr class="differs"><th>status</th><td class="mono">failed</td><td class="mono">failed', page) \
        is None  # unchanged rows are not marked
    assert re.search(r'<tr class="differs"><th>status</th><td class="mono">-</td><td class="mono">changed</td>', page)
    assert "<h2 id=\"compare\">" not in html.render_html(report)


def test_long_change_lists_start_folded():
    many = [{"path": "p%d" % i, "name": "n"} for i in range(20)]
    page = html.render_html(FleetReport.from_results({"h": {"changes": many}}))
    assert '<details class="drift"><summary>Changes: 20 value(s)</summary>' in page
    page = html.render_html(FleetReport.from_results({"h": {"changes": many[:2]}}))
    assert '<details class="drift" open>' in page


# --- text --------------------------------------------------------------------------------------------------

def test_text_summary(report):
    out = text.render_text(report)
    assert "\x1b" not in out and "\x07" not in out
    assert "web2008 [failed]" in out and "failed at verify: verification failed" in out
    assert "client ios9_ats" in out and "fails (tcp_reset)" in out
    assert re.search(r"policy ats +FAIL \(TLS 1.2 not offered\)", out)
    assert "diagnosis: error: invalid suite name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in out
    assert "rebooted: web2022" in out and "no client simulation" not in out


def test_text_strips_escapes_from_host_names():
    assert "\x1b" not in text.render_text(FleetReport.from_results({"evil\x1b[2J\x1b]0;x\x07": {}}))


def test_comparison_shows_each_client_before_and_after_uncut():
    before = FleetReport.from_results({"web2008": ios_ats_failure()})
    fixed = ios_ats_failure()
    fixed.update(failed=False, failed_step=None, msg=None, rebooted=True)
    fixed["verify"][0]["clients"]["ios9_ats"] = client("ios9_ats", True, "TLS 1.2",
                                                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384").__dict__
    fixed["verify"][0]["policies"]["ats"]["passed"] = True
    fixed["verify"][0]["protocols"] = {"TLS 1.2": {"version": "TLS 1.2", "supported": True, "cipher_suites": ["X"]}}
    after = FleetReport.from_results({"web2008": fixed, "new\x1b[2J": {}})
    out = text.render_comparison(before, after)
    assert "web2008: failed -> ok, rebooted" in out
    assert re.search(r"policy ats +FAIL +pass", out)
    assert re.search(r"Apple ATS \(iOS 9\) +fails \(tcp_reset\) +TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
                     out)
    assert re.search(r"protocols +TLS 1.0 +TLS 1.2", out)
    assert "\x1b" not in out and "new: - -> ok" in out


# --- merge -------------------------------------------------------------------------------------------------

def test_merge_counts_as_one_run_and_keeps_the_latest_result_of_a_host_with_a_note():
    slice1 = FleetReport.from_results({"web2022": hardened_2022(), "web2008": ios_ats_failure()},
                                      generated="2026-01-01T09:00:00Z")
    later = dict(hardened_2022(), finished="2026-01-01T11:00:00Z", rebooted=False)
    slice2 = FleetReport.from_results({"web2022": later, "web2019": dict(hardened_2022(), host="web2019")},
                                      generated="2026-01-01T11:30:00Z")
    merged = merge.merge([merge.Source("a.json", slice1), merge.Source("b.json", slice2)], title="fleet")
    by = {h.host: h for h in merged.hosts}
    assert sorted(by) == ["web2008", "web2019", "web2022"]
    assert by["web2022"].finished == "2026-01-01T11:00:00Z" and by["web2022"].rebooted is False
    assert by["web2022"].notes == ["also in a.json (finished 2026-01-01T10:00:00Z); the latest result is kept, "
                                   "from b.json (finished 2026-01-01T11:00:00Z)"]
    s = merged.summary()
    assert (s.hosts, s.changed, s.failed) == (3, 2, 1)
    assert "merged from 2 input(s)" in merged.notes[0]
    _root, cases = junit_cases(merged)
    assert [c[0] for c in cases].count("schannel.web2022") == 2  # harden + ats, once


def test_merge_keeps_an_older_input_when_it_is_the_latest():
    old = FleetReport.from_results({"h": dict(hardened_2022(), finished="2026-01-01T12:00:00Z")})
    new = FleetReport.from_results({"h": dict(hardened_2022(), finished="2026-01-01T08:00:00Z", rebooted=False)})
    merged = merge.merge([merge.Source("first", old), merge.Source("second", new)])
    assert merged.hosts[0].rebooted is True
    assert merged.hosts[0].notes == ["also in second (finished 2026-01-01T08:00:00Z); the latest result is kept, "
                                     "from first (finished 2026-01-01T12:00:00Z)"]


# --- writing -----------------------------------------------------------------------------------------------

def test_write_report_modes_and_names(report, tmp_path):
    out = tmp_path / "new" / "reports"
    paths = write.write_report(report, str(out), name="../fleet")
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
    write.write_report(report, str(out), formats=("json",))
    assert victim.read_text() == "keep"
    assert not (out / "schannel-report.json").is_symlink()


def test_write_report_refuses_symlinked_dir(report, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(ReportError, match="symlink"):
        write.write_report(report, str(tmp_path / "link"))


def test_write_report_unknown_format(report, tmp_path):
    with pytest.raises(ReportError, match="unknown report format 'pdf'"):
        write.write_report(report, str(tmp_path), formats=("pdf",))


def test_write_report_tightens_existing_dir(report, tmp_path):
    out = tmp_path / "open"
    out.mkdir(mode=0o755)
    write.write_report(report, str(out), formats=("text",))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700


# --- host state --------------------------------------------------------------------------------------------

def test_state_findings_name_dropped_suites_and_tls12():
    state = {"server_protocols": ["SSL 3.0", "TLS 1.0"], "cipher_suites_source": "policy",
             "cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"],
             "protocol_reasons": {"TLS 1.2 Server": "Windows Server 2008 R2 default: disabled"},
             "dropped_cipher_suites": [{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                        "reason": "does not exist before Windows Server 2016"}]}
    r = FleetReport.from_results({"h": {"state": state}})
    host = r.hosts[0]
    assert [(f.code, f.item) for f in host.findings] == [("suite-name-invalid", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                                                         ("tls12-disabled", "TLS 1.2 Server")]
    assert "2008 R2 default: disabled" in host.findings[1].message
    out = text.render_text(r)
    assert "in effect at start: SSL 3.0, TLS 1.0; suites from policy: 1" in out and "suite-name-invalid" in out


def test_state_findings_do_not_duplicate_plan_findings():
    state = {"server_protocols": ["TLS 1.2"], "cipher_suites_source": "policy",
             "dropped_cipher_suites": [{"name": "X"}]}
    raw = {"state": state, "findings": [PlanFinding("suite-name-invalid", "error", "X", "m").as_dict()]}
    assert len(FleetReport.from_results({"h": raw}).hosts[0].findings) == 1


def test_dropped_names_in_windows_own_local_list_are_info_only():
    state = {"server_protocols": ["TLS 1.2"], "cipher_suites_source": "local",
             "dropped_cipher_suites": [{"name": "TLS_RSA_WITH_NULL_SHA", "reason": "used only on request"}]}
    (finding,) = FleetReport.from_results({"h": {"state": state}}).hosts[0].findings
    assert (finding.code, finding.severity) == ("suite-not-used", "info")


def test_state_findings_are_history_after_a_live_change():
    state = {"server_protocols": ["TLS 1.0"], "cipher_suites_source": "policy", "dropped_cipher_suites": [{"name": "X"}]}
    change = [{"path": "p", "name": "n", "before": None, "after": {"type": "key", "data": None}}]
    live = FleetReport.from_results({"h": {"state": state, "changes": change}}).hosts[0]
    audit = FleetReport.from_results({"h": {"state": state, "changes": change, "check_mode": True}}).hosts[0]
    assert live.findings == [] and len(audit.findings) == 2
    assert live.changes[0].after == "(key)"


def test_other_runs_found_on_the_host_are_said_in_its_notes():
    """Issue 14: a run settled first, a lease held by another controller, an interrupted run left in place."""
    interrupted = {"module": "win_schannel", "run_id": "0f3c", "owner": "ops@awx-1 (pid 42)",
                   "started": "2026-12-02T10:15:00Z", "operations": [], "undo": []}
    settled = dict(hardened_2022(), recovered=[{"action": "rollback", "module": "win_schannel", "changed": True,
                                                "reboot_reasons": [], "interrupted": interrupted}])
    leased = {"host": "b", "failed": True, "failed_step": "apply", "msg": "leased",
              "lease": {"owner": "ops@awx-2 (pid 7)", "run_id": "9a9a", "expires": "2026-12-02T10:30:00Z"}}
    blocked = {"host": "c", "failed": True, "failed_step": "apply", "msg": "interrupted", "interrupted": interrupted}
    hosts = {h.host: h for h in FleetReport.from_results({"a": settled, "b": leased, "c": blocked}).hosts}
    assert hosts["web2022"].notes[0] == ("an interrupted run of win_schannel (ops@awx-1 (pid 42), started "
                                         "2026-12-02T10:15:00Z) was rolled back first")
    assert hosts["b"].notes == ["not changed: the host is leased by ops@awx-2 (pid 7) until 2026-12-02T10:30:00Z "
                                "(run 9a9a)"]
    assert hosts["c"].notes[0].startswith("not changed: an interrupted run of win_schannel (ops@awx-1")
    assert "leased by ops@awx-2" in html.render_html(FleetReport(list(hosts.values())))
    unreadable = {"host": "d", "failed": True, "interrupted": {"raw": "{not json", "error": "not a JSON object"}}
    assert FleetReport.from_results({"d": unreadable}).hosts[0].notes[0].startswith(
        "not changed: an interrupted run of a write module (owner unknown")
    with pytest.raises(ReportError, match=r"results\[b\]\.lease: unknown key\(s\) holder"):
        FleetReport.from_results({"b": dict(leased, lease={"holder": "x"})})
