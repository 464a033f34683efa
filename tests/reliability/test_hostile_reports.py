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

from ansible_collections.tlsops.schannel.plugins.plugin_utils import report as rp
from tests.reliability import hostile_certs as hc

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = hc.SCRIPT + hc.IMG + hc.ESCAPES


def hostile_result():
    """A role result (schannel_run) where every free-text field carries hostile content."""
    endpoint = {
        "host": "web01" + HOSTILE, "port": 443, "supported_protocols": ["TLS 1.2" + hc.ESCAPES],
        "protocols": {"TLS 1.2": {"supported": True, "cipher_suites": ["TLS_X" + hc.SCRIPT]}},
        "certificate": {"chain": [{"subject": "CN=" + HOSTILE, "issuer": "CN=" + hc.IMG, "key_type": "rsa",
                                   "key_size": 2048, "signature_hash": "sha256" + hc.SCRIPT,
                                   "not_after": "2030" + hc.ESCAPES}]},
        "clients": {"ios9_ats" + hc.SCRIPT: {"connected": False, "symptom": "tcp_reset" + hc.ESCAPES,
                                             "reason": HOSTILE, "protocol": None, "cipher_suite": None}},
        "policies": {"ios_ats": {"passed": False, "violations": [{"message": HOSTILE}]}},
        "findings": [{"code": "certificate_hostname_mismatch", "severity": "error", "message": HOSTILE},
                     {"code": "prediction_mismatch", "severity": "warning", "message": HOSTILE}],
        "failed": True, "error": HOSTILE,
    }
    return {
        "windows_version": "2019" + hc.ESCAPES, "profile": "ios_ats" + hc.SCRIPT, "failed": True,
        "failed_step": "verify" + hc.IMG, "msg": HOSTILE,
        "changes": [{"path": "HKLM\\X" + hc.SCRIPT, "name": "Enabled" + hc.ESCAPES,
                     "before": {"type": "string", "data": HOSTILE}, "after": None}],
        "findings": [{"code": "SCH" + hc.SCRIPT, "severity": "error", "item": hc.IMG, "message": HOSTILE,
                      "fix": hc.ESCAPES}],
        "state": {"server_protocols": ["TLS 1.2" + hc.SCRIPT], "cipher_suites": [HOSTILE],
                  "cipher_suites_source": "policy" + hc.ESCAPES},
        "reboot_reasons": [HOSTILE], "backup": "/tmp/x" + hc.ESCAPES, "verify": [endpoint],
    }


@pytest.fixture(scope="module")
def rendered():
    hosts = {"web01" + HOSTILE: hostile_result(), "<b>bold</b>": None}
    report = rp.FleetReport.from_results(hosts, title="t" + HOSTILE, run={"by" + hc.SCRIPT: HOSTILE})
    return {fmt: render(report) for fmt, (_ext, render) in rp.RENDERERS.items()}


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
    report = rp.FleetReport.from_results({"h" * 5000: result})
    for _fmt, (_ext, render) in rp.RENDERERS.items():
        render(report)
    assert time.monotonic() - started < 10


def test_report_files_are_private_and_names_cannot_escape(tmp_path):
    report = rp.FleetReport.from_results({"web01": hostile_result()})
    paths = rp.write_report(report, str(tmp_path / "out"), name="../../etc/passwd\x00")
    for path in paths.values():
        assert path.startswith(str(tmp_path / "out") + "/")
        assert (tmp_path / "out" / path.rsplit("/", 1)[1]).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o700
