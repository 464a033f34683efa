"""Safe defaults: probes validate certificates unless told not to; examples and the demo that mean a real host use
WinRM over HTTPS with certificate validation; every place that switches validation off says why (twins, lab)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe
from ansible_collections.tlsops.schannel.plugins.modules import tls_verify

REPO = Path(__file__).resolve().parents[2]
# Where a real host (not a twin) is meant: user-facing docs, playbooks, the role, module examples, molecule windows.
REAL_HOST_FILES = ([REPO / "README.md"] + sorted((REPO / "docs").glob("*.md")) + sorted((REPO / "playbooks").glob("*.yml"))
                   + sorted((REPO / "roles").rglob("*.yml")) + sorted((REPO / "plugins" / "modules").glob("*.py"))
                   + sorted((REPO / "molecule" / "windows").glob("*")))
TWIN_WORDS = ("twin", "self-signed", "lab")


def test_tls_verify_validates_certificates_by_default():
    doc = yaml.safe_load(tls_verify.DOCUMENTATION)
    assert doc["options"]["validate_certs"]["default"] is True
    assert probe.ProbeOptions().validate_certs is True
    source = (REPO / "plugins" / "modules" / "tls_verify.py").read_text()
    assert re.search(r"validate_certs=dict\(type=\"bool\", default=True\)", source)


def test_role_verifies_with_certificate_validation_by_default():
    spec = yaml.safe_load((REPO / "roles/schannel/meta/argument_specs.yml").read_text())["argument_specs"]["main"]
    verify = spec["options"]["schannel_verify"]
    assert verify["options"]["validate_certs"]["default"] is True
    defaults = yaml.safe_load((REPO / "roles/schannel/defaults/main.yml").read_text()) or {}
    assert (defaults.get("schannel_verify") or {}).get("validate_certs", True) is True


def test_real_host_scenario_uses_https_and_validates_by_default():
    text = (REPO / "molecule/windows/molecule.yml").read_text()
    assert "MOLECULE_WIN_SCHEME:-https}" in text
    assert "MOLECULE_WIN_CERT_VALIDATION:-validate}" in text
    assert "MOLECULE_WIN_PORT:-5986}" in text


def test_no_example_for_a_real_host_switches_validation_off_silently():
    offenders = []
    for path in REAL_HOST_FILES:
        if not path.is_file() or path.name in ("bad-input.md", "reliability.md"):  # they describe these cases
            continue
        lines = path.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            low = line.lower()
            risky = ("server_cert_validation: ignore" in low or re.search(r"winrm_scheme:\s*http\b", low)
                     or re.search(r"validate_certs:\s*(false|no)\b", low) or "cert_validation=ignore" in low)
            if not risky:
                continue
            context = " ".join(lines[max(0, number - 3):number + 1]).lower()
            if not any(word in context for word in TWIN_WORDS):
                offenders.append("%s:%d: %s" % (path.relative_to(REPO), number, line.strip()))
    assert not offenders, "validation off where a real host is meant:\n" + "\n".join(offenders)


def test_demo_switches_validation_off_only_for_twins():
    demo = (REPO / "scripts" / "demo.sh").read_text()
    for match in re.finditer(r"validate_certs:\s*false.*", demo):
        assert "twin" in match.group(0).lower()
