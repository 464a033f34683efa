"""Hostile strings through every report: JSON, JUnit, HTML and the text the modules and the report return.

What a server sent (certificate names, diagnosis text) and what a user typed (host names, profile names) may hold
HTML/JS, terminal escape sequences and megabytes of text. The rule: HTML has no live markup from data, JUnit is
well-formed XML, JSON round-trips and holds no raw control characters, text holds no terminal escapes; and nothing
takes long to render.
"""
from __future__ import annotations

import html.parser
import json
import re
import time
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import results as tls
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.model import FleetReport
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.write import FORMATS, write_report
from tests.reliability import hostile_certs as hc

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = hc.SCRIPT + hc.IMG + hc.ESCAPES


def hostile_target():
    """A tls_verify result (the prober's TargetResult as the module returns it) with hostile text in every string."""
    leaf = tls.CertificateInfo(
        subject="CN=" + HOSTILE, issuer="CN=" + hc.IMG, serial="01" + hc.SCRIPT, not_before="2026",
        not_after="2030" + hc.ESCAPES, days_left=1, lifetime_days=1, expired=False, not_yet_valid=False,
        key_type="rsa", key_size=2048, curve=None, signature_algorithm="x" + hc.IMG, signature_hash="sha256" + hc.SCRIPT,
        san_dns=[hc.IMG], san_ip=[], is_ca=False, self_signed=True, sha256_fingerprint=hc.ESCAPES)
    client = "ios9_ats" + hc.SCRIPT
    return tls.TargetResult(
        host="web01" + HOSTILE, port=443, sni=hc.IMG, reachable=True, failed=True, error=HOSTILE,
        protocols={"TLS 1.2" + hc.ESCAPES: tls.ProtocolResult("TLS 1.2", True, ["TLS_X" + hc.SCRIPT])},
        certificate=tls.CertificateResult(source="ssl", chain=[leaf], chain_length=1, verify_error=HOSTILE),
        clients={client: tls.ClientResult(client=client, label=HOSTILE, connects=False,
                                          symptom="tcp_reset" + hc.ESCAPES, reason=HOSTILE)},
        policies={"ios_ats": tls.PolicyResult("ios_ats", False, [tls.Violation("rule" + hc.IMG, HOSTILE)])},
        findings=[tls.ProbeFinding("certificate_hostname_mismatch", "error", HOSTILE),
                  tls.ProbeFinding("prediction_mismatch", "warning", HOSTILE,
                                   {"client": client, "differences": {"protocol": {"predicted": HOSTILE}}})],
    ).to_dict()


def hostile_result():
    """A role result (schannel_run) where every free-text field carries hostile content."""
    return {
        "windows_version": "2019" + hc.ESCAPES, "profile": "ios_ats" + hc.SCRIPT, "failed": True,
        "failed_step": "verify" + hc.IMG, "msg": HOSTILE, "mode": "harden" + hc.IMG, "notes": [HOSTILE],
        "changes": [{"path": "HKLM\\X" + hc.SCRIPT, "name": "Enabled" + hc.ESCAPES,
                     "before": {"type": "string", "data": HOSTILE}, "after": None}],
        "findings": [{"code": "SCH" + hc.SCRIPT, "severity": "error", "item": hc.IMG, "message": HOSTILE,
                      "fix": hc.ESCAPES}],
        "state": {"server_protocols": ["TLS 1.2" + hc.SCRIPT], "cipher_suites": [HOSTILE],
                  "cipher_suites_source": "policy" + hc.ESCAPES,
                  "dropped_cipher_suites": [{"name": HOSTILE, "reason": hc.IMG}]},
        "reboot_reasons": [HOSTILE], "backup": "/tmp/x" + hc.ESCAPES, "verify": [hostile_target()],
    }


@pytest.fixture(scope="module")
def rendered():
    hosts = {"web01" + HOSTILE: hostile_result(), "<b>bold</b>": None}
    report = FleetReport.from_results(hosts, title="t" + HOSTILE, run={"by" + hc.SCRIPT: HOSTILE})
    # the HTML page also gets the before -> after section, with the same hostile report as the baseline
    return {fmt: spec.render(report, report) for fmt, spec in FORMATS.items()}


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(name for name, dummy in attrs)


def test_html_has_no_markup_from_data(rendered):
    page = rendered["html"]
    parser = _Tags()
    parser.feed(page)
    assert not parser.tags & {"script", "img", "iframe", "object", "embed"}
    assert "&lt;b&gt;bold&lt;/b&gt;" in page  # a host named <b>bold</b> is text
    assert not [a for a in parser.attrs if a.startswith("on")]  # no event handler attributes
    assert "&lt;script&gt;" in page and "&lt;img" in page  # shown as text, not dropped
    assert "default-src 'none'" in page  # CSP: even a slip could load nothing
    assert not RAW_CONTROL.search(page)


def test_junit_is_well_formed_xml_without_control_characters(rendered):
    xml_text = rendered["junit"]
    assert not RAW_CONTROL.search(xml_text)
    root = ET.fromstring(xml_text)  # raises on an invalid character or broken markup
    assert root.iter("testcase")


def test_json_round_trips_without_raw_control_characters(rendered):
    text = rendered["json"]
    assert not RAW_CONTROL.search(text)
    doc = json.loads(text)
    assert any(h["host"].startswith("web01") for h in doc["hosts"])


def test_text_has_no_terminal_escapes(rendered):
    text = rendered["text"]
    assert not RAW_CONTROL.search(text.replace("\n", "").replace("\t", ""))
    assert "\x1b" not in text and "\x9b" not in text and "\r" not in text


def test_megabyte_fields_render_quickly_everywhere():
    result = hostile_result()
    result["msg"] = hc.MEGABYTE
    result["verify"][0]["certificate"]["chain"][0]["subject"] = "CN=" + hc.MEGABYTE
    started = time.monotonic()
    report = FleetReport.from_results({"h" * 5000: result})
    for spec in FORMATS.values():
        spec.render(report, report)
    assert time.monotonic() - started < 10


def test_report_files_are_private_and_names_cannot_escape(tmp_path):
    report = FleetReport.from_results({"web01": hostile_result()})
    paths = write_report(report, str(tmp_path / "out"), name="../../etc/passwd\x00")
    for path in paths.values():
        assert path.startswith(str(tmp_path / "out") + "/")
        assert (tmp_path / "out" / path.rsplit("/", 1)[1]).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o700
