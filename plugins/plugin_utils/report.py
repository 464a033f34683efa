# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report: one model, written as JSON, JUnit XML, a self-contained HTML page and a text summary.

The role leaves one result per host (``schannel_run``); this module turns those results into a
:class:`FleetReport` and renders it. It is controller-only code (``plugin_utils``) used by the
``schannel_report`` action plugin and by tests, so it may use the whole standard library.

Two rules shape it:

* Everything a server sent us (certificate subjects, negotiated suite names, diagnosis text) and everything a
  user typed (host names, profile names) is untrusted. HTML output escapes every such string; text output
  strips terminal escape sequences and control characters so a hostile certificate cannot repaint the
  operator's terminal. JUnit XML is built with ElementTree, which escapes for XML.
* Reports may hold internal host names and registry state, so files are created ``0600`` in directories
  ``0700``, never through a symlink, and file names are never built from host names.
"""
from __future__ import annotations

import datetime
import html
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET

REPORT_FORMAT_VERSION = 1

# Client labels when the prober's client table is not importable (keys are the contract's client keys).
_FALLBACK_CLIENT_LABELS = {
    "ios9_ats": "iOS 9 (ATS)",
    "safari9": "Safari 9",
    "safari15": "Safari 15",
    "android44": "Android 4.4",
    "android12": "Android 12",
    "java8": "Java 8",
    "java17": "Java 17",
    "ie11_win7": "IE 11 / Win 7",
    "ie11_win10": "IE 11 / Win 10",
    "chrome": "Chrome",
    "firefox": "Firefox",
    "curl_openssl3": "curl (OpenSSL 3)",
    "pywinrm": "pywinrm (WinRM)",
}

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, C1 CSI, and the rest of
# the C0/C1 control characters except tab and newline.
_TERMINAL_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class ReportError(ValueError):
    """Bad report input or output location; the message names the fix."""


# --------------------------------------------------------------------------------------------------------------
# Sanitising
# --------------------------------------------------------------------------------------------------------------

def strip_terminal_escapes(value) -> str:
    """Return ``value`` as text without ANSI/OSC escape sequences or control characters (tab/newline stay)."""
    if value is None:
        return ""
    return _TERMINAL_ESCAPES.sub("", str(value))


def one_line(value) -> str:
    """Text for a single line of terminal output: escapes stripped, newlines and tabs folded to spaces."""
    return " ".join(strip_terminal_escapes(value).split())


def esc(value) -> str:
    """HTML-escape untrusted text (quotes too, so it is safe in attributes); control characters are dropped."""
    return html.escape(strip_terminal_escapes(value), quote=True)


def safe_file_stem(value, default: str = "report") -> str:
    """A file name stem from a user-supplied value: ``[A-Za-z0-9._-]`` only, no leading dot, at most 64 chars.

    Host names never reach file names (the report is one set of files for the whole fleet); this exists for the
    ``name`` option, which is typed by a user and must not walk out of the output directory.
    """
    stem = _SAFE_NAME.sub("_", str(value or "")).strip("._")[:64]
    return stem or default


# --------------------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------------------

def _client_labels() -> dict:
    try:
        from ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients import CLIENTS
    except Exception:  # the prober is optional for the writer; fall back to the contract's keys
        return dict(_FALLBACK_CLIENT_LABELS)
    labels = dict(_FALLBACK_CLIENT_LABELS)
    for key, client in CLIENTS.items():
        labels[key] = getattr(client, "label", None) or labels.get(key, key)
    return labels


def _as_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "ok", "pass", "passed")
    return bool(value)


def _first(mapping, *names, default=None):
    for name in names:
        if isinstance(mapping, dict) and mapping.get(name) is not None:
            return mapping[name]
    return default


def normalise_client(key, raw) -> dict:
    """One cell of the matrix from a ``tls_verify`` client result (tolerant of the shapes it may take).

    ``connects`` is the verdict; ``expected`` is the plan's prediction when the prober was given one, and
    ``matches_prediction`` says whether the two agree on connects/protocol/suite.
    """
    raw = raw if isinstance(raw, dict) else {"connects": raw}
    connects = _as_bool(_first(raw, "connects", "connected", "success", "ok"))
    expected = _first(raw, "expected", "prediction", "expect")
    matches = _first(raw, "matches_prediction", "matches_expected", "as_expected")
    if matches is None and isinstance(expected, dict):
        matches = (bool(expected.get("connects")) == bool(connects)
                   and (not connects or not expected.get("cipher_suite")
                        or expected.get("cipher_suite") == _first(raw, "cipher_suite", "suite")))
    return {
        "client": str(key),
        "connects": bool(connects),
        "protocol": _first(raw, "protocol", "version"),
        "cipher_suite": _first(raw, "cipher_suite", "suite", "negotiated_suite"),
        "reason": _first(raw, "reason", "error", "msg"),
        "symptom": _first(raw, "symptom"),
        "expected": expected if isinstance(expected, dict) else None,
        "matches_prediction": None if matches is None else bool(matches),
    }


def normalise_policy(name, raw) -> dict:
    """A policy verdict (``ats``, ``http2``, ``mozilla_intermediate``, ``pci_dss_4``...) with its reasons."""
    raw = raw if isinstance(raw, dict) else {"passed": raw}
    passed = _as_bool(_first(raw, "passed", "compliant", "ok", "pass", "success"))
    reasons = _first(raw, "reasons", "violations", "problems", "failures", "findings", default=[])
    if isinstance(reasons, (str, dict)):
        reasons = [reasons]
    return {"policy": str(name), "passed": bool(passed), "reasons": [_reason_text(r) for r in reasons]}


def _reason_text(reason) -> str:
    if isinstance(reason, dict):
        return str(_first(reason, "message", "msg", "reason", "item", default=json.dumps(reason, sort_keys=True)))
    return str(reason)


def _named_items(value, key_name):
    """Accept either ``{name: result}`` or ``[{<key_name>: name, ...}]`` and yield ``(name, result)``."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield name, item
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield _first(item, key_name, "key", "name", default="?"), item


def _leaf_certificate(raw):
    """The leaf certificate: ``certificate.chain[0]`` (tls_verify), a bare chain list, or a flat dict."""
    cert = _first(raw, "certificate", "cert", default={}) or {}
    if isinstance(cert, dict) and isinstance(cert.get("chain"), list):
        cert = cert["chain"][0] if cert["chain"] else {}
    if isinstance(cert, list):  # a chain: the leaf comes first
        cert = cert[0] if cert else {}
    return cert if isinstance(cert, dict) else {}


def _endpoint_suites(raw):
    """Accepted suites in server order: a flat list, ``{protocol: [..]}``, or tls_verify's per-protocol dicts."""
    suites = _first(raw, "cipher_suites", "accepted_cipher_suites")
    if suites is None and isinstance(raw.get("protocols"), dict):
        suites = {}
        for name, info in raw["protocols"].items():
            if isinstance(info, dict) and info.get("cipher_suites"):
                suites[name] = info["cipher_suites"]
    if isinstance(suites, dict):
        # newest protocol first, so the list reads like the order a modern client gets
        flat = []
        for key in sorted(suites, reverse=True):
            for s in suites[key] or []:
                name = s.get("name") if isinstance(s, dict) else s
                if name not in flat:
                    flat.append(name)
        suites = flat
    return [str(s.get("name") if isinstance(s, dict) else s) for s in (suites or []) if s]


def _endpoint_protocols(raw):
    protocols = _first(raw, "supported_protocols")
    if protocols is None:
        protocols = _first(raw, "protocols", default=[])
    if isinstance(protocols, dict):
        protocols = [p for p, on in protocols.items()
                     if _as_bool(_first(on, "supported", "enabled") if isinstance(on, dict) else on)]
    return [str(p) for p in protocols or []]


def normalise_endpoint(raw) -> dict:
    """One ``tls_verify`` result (one target), reduced to what the report shows."""
    raw = raw if isinstance(raw, dict) else {}
    item = raw.get("item") if isinstance(raw.get("item"), dict) else {}
    host = _first(raw, "host", "address") or item.get("host")
    port = _first(raw, "port") or item.get("port")
    endpoint = _first(raw, "endpoint", "target")
    if endpoint is None:
        endpoint = "%s:%s" % (host, port) if port is not None else str(host or "?")
    cert = _leaf_certificate(raw)
    diagnosis = _first(raw, "diagnosis", "diagnoses", default=[])
    if isinstance(diagnosis, (str, dict)):
        diagnosis = [diagnosis]
    diagnosis = [_reason_text(d) for d in diagnosis]
    mismatches = [_reason_text(m) for m in (_first(raw, "mismatches", "prediction_mismatches", default=[]) or [])]
    for finding in _first(raw, "findings", default=[]) or []:
        if not isinstance(finding, dict):
            diagnosis.append(str(finding))
        elif finding.get("code") == "prediction_mismatch":
            mismatches.append(_reason_text(finding))
        else:
            severity = str(finding.get("severity") or "info")
            diagnosis.append("%s%s" % ("" if severity == "info" else severity + ": ", _reason_text(finding)))
    unreachable = raw.get("reachable") is False
    return {
        "endpoint": str(endpoint),
        "failed": bool(_first(raw, "failed", default=False)) and (unreachable or bool(raw.get("error"))),
        "msg": _first(raw, "msg", "error"),
        "protocols": _endpoint_protocols(raw),
        "cipher_suites": _endpoint_suites(raw),
        "certificate": {
            "subject": _first(cert, "subject", "subject_dn"),
            "issuer": _first(cert, "issuer", "issuer_dn"),
            "key_type": _first(cert, "key_type", "public_key_type"),
            "key_size": _first(cert, "key_size", "public_key_size", "key_bits"),
            "signature_hash": _first(cert, "signature_hash", "signature_algorithm"),
            "not_after": _first(cert, "not_after"),
        } if cert else None,
        "clients": [normalise_client(k, v) for k, v in _named_items(_first(raw, "clients", default={}), "client")],
        "policies": [normalise_policy(k, v) for k, v in _named_items(_first(raw, "policies", default={}), "policy")],
        "diagnosis": diagnosis,
        "prediction_mismatches": mismatches,
    }


def normalise_finding(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {"message": raw}
    severity = str(_first(raw, "severity", default="info")).lower()
    return {
        "code": _first(raw, "code", default=""),
        "severity": severity if severity in SEVERITY_ORDER else "info",
        "item": _first(raw, "item", default=""),
        "message": _first(raw, "message", "msg", default=""),
        "fix": _first(raw, "fix", default=""),
    }


def _display_value(value) -> str:
    """A registry value for the drift table: ``0x00000001 (dword)`` like win_regedit, or ``(absent)``."""
    if value is None:
        return "(absent)"
    if isinstance(value, dict) and value.get("type") == "key":
        return "(key)"
    if isinstance(value, dict) and "type" in value:
        kind, data = value.get("type"), value.get("data")
        if kind in ("dword", "qword") and isinstance(data, int):
            return "0x%08x (%s)" % (data, kind)
        if isinstance(data, list):
            return "%s (%s)" % (", ".join(str(d) for d in data), kind)
        return "%s (%s)" % (data, kind)
    return str(value)


def normalise_change(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {"path": str(raw)}
    return {
        "path": str(_first(raw, "path", "key", default="")),
        "name": _first(raw, "name"),
        "before": _display_value(raw.get("before")),
        "after": _display_value(raw.get("after")),
    }


def state_findings(state) -> list:
    """Findings read from the host's effective state (``win_schannel_info``'s ``effective``), without a plan.

    They let a probe-only run say *why* a client fails: a policy cipher list with names this Windows version does
    not know (Schannel silently drops them) and TLS 1.2 switched off on the server side.
    """
    if not isinstance(state, dict):
        return []
    found = []
    source = state.get("cipher_suites_source") or "configured"
    for dropped in state.get("dropped_cipher_suites") or []:
        name = dropped.get("name") if isinstance(dropped, dict) else dropped
        reason = dropped.get("reason") if isinstance(dropped, dict) else None
        # a Group Policy list is written by people: a name Schannel drops there is a mistake. Windows' own local
        # list also carries suites it uses only on request; that is a fact worth showing, not an error.
        mistake = source == "policy"
        found.append({"code": "suite-name-invalid" if mistake else "suite-not-used",
                      "severity": "error" if mistake else "info", "item": name,
                      "message": "Schannel does not use this name from the %s cipher list: %s" % (
                          source, reason or "unknown on this Windows version"),
                      "fix": "use the name this Windows version knows (the plan compiles a profile into them)"
                      if mistake else ""})
    protocols = state.get("server_protocols")
    if isinstance(protocols, list) and "TLS 1.2" not in protocols:
        why = (state.get("protocol_reasons") or {}).get("TLS 1.2 Server")
        found.append({"code": "tls12-disabled", "severity": "error", "item": "TLS 1.2 Server",
                      "message": "TLS 1.2 is not enabled on the server side%s; clients that require it (iOS ATS, "
                                 "modern browsers) cannot connect" % (" (%s)" % why if why else ""),
                      "fix": "enable TLS 1.2 for Server and Client (Enabled=1, DisabledByDefault=0) and reboot"})
    return found


def host_status(host: dict) -> str:
    """One word per host: ``failed`` beats ``rolled_back`` beats ``drift`` (check mode) / ``changed`` beats ``ok``."""
    if host["unreachable"] or host["failed"] or any(e["failed"] for e in host["endpoints"]) \
            or any(not p["passed"] for e in host["endpoints"] for p in e["policies"]):
        return "rolled_back" if host["rolled_back"] else "failed"
    if host["changes"]:
        return "drift" if host["check_mode"] else "changed"
    return "ok"


def normalise_host(name, raw) -> dict:
    """The role's ``schannel_run`` for one host (or nothing, when the host never got that far)."""
    raw = raw if isinstance(raw, dict) else {}
    state = _first(raw, "state")
    findings = [normalise_finding(f) for f in _first(raw, "findings", default=[]) or []]
    seen = {(f["code"], f["item"]) for f in findings}
    changes = _first(raw, "changes", default=[]) or []
    # the state was read before the run: once a live run changed the host, its old problems are history
    if not changes or _first(raw, "check_mode", default=False):
        findings += [normalise_finding(f) for f in state_findings(state) if (f["code"], f["item"]) not in seen]
    verify = _first(raw, "verify", "endpoints", default=[])
    if isinstance(verify, dict):
        verify = [verify]
    host = {
        "host": str(name),
        "windows_version": _first(raw, "windows_version", "version"),
        "profile": _first(raw, "profile"),
        "mode": _first(raw, "mode", default="harden"),
        "check_mode": bool(_first(raw, "check_mode", default=False)),
        "unreachable": bool(_first(raw, "unreachable", default=False)),
        "failed": bool(_first(raw, "failed", default=False)),
        "failed_step": _first(raw, "failed_step"),
        "msg": _first(raw, "msg"),
        "changes": [normalise_change(c) for c in changes],
        "findings": sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]]),
        "state": {
            "server_protocols": [str(p) for p in (state.get("server_protocols") or [])],
            "cipher_suites": [str(p) for p in (state.get("cipher_suites") or [])],
            "cipher_suites_source": state.get("cipher_suites_source"),
        } if isinstance(state, dict) else None,
        "reboot_required": bool(_first(raw, "reboot_required", default=False)),
        "reboot_reasons": [str(r) for r in _first(raw, "reboot_reasons", default=[]) or []],
        "rebooted": bool(_first(raw, "rebooted", default=False)),
        "backup": _first(raw, "backup", "backup_file"),
        "rolled_back": bool(_first(raw, "rolled_back", default=False)),
        "endpoints": [normalise_endpoint(v) for v in verify],
    }
    if not raw:
        host["failed"] = True
        host["msg"] = host["msg"] or "no result: the host did not reach the end of the role (unreachable or failed)"
    host["status"] = host_status(host)
    return host


class FleetReport:
    """The normalised report: ``hosts`` (sorted by name), the client columns, and fleet totals."""

    def __init__(self, hosts, title="tlsops.schannel fleet report", generated=None, run=None):
        self.hosts = sorted(hosts, key=lambda h: h["host"])
        self.title = title
        self.generated = generated or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.run = dict(run or {})
        labels = _client_labels()
        seen = []
        for host in self.hosts:
            for endpoint in host["endpoints"]:
                for cell in endpoint["clients"]:
                    if cell["client"] not in seen:
                        seen.append(cell["client"])
        order = list(labels)
        seen.sort(key=lambda k: (order.index(k) if k in order else len(order), k))
        self.clients = [{"key": k, "label": labels.get(k, k)} for k in seen]

    @classmethod
    def from_results(cls, results, **kwargs):
        """Build from ``{host: schannel_run}`` (the hostvars the action plugin gathered)."""
        if not isinstance(results, dict):
            raise ReportError("results must be a mapping of host name to that host's schannel_run result")
        return cls([normalise_host(name, raw) for name, raw in results.items()], **kwargs)

    def summary(self) -> dict:
        statuses = [h["status"] for h in self.hosts]
        return {
            "hosts": len(self.hosts),
            "ok": statuses.count("ok"),
            "changed": statuses.count("changed"),
            "drift": statuses.count("drift"),
            "failed": statuses.count("failed"),
            "rolled_back": statuses.count("rolled_back"),
            "rebooted": sorted(h["host"] for h in self.hosts if h["rebooted"]),
            "policy_failures": sum(1 for h in self.hosts for e in h["endpoints"]
                                   for p in e["policies"] if not p["passed"]),
        }

    def to_dict(self) -> dict:
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "title": self.title,
            "generated": self.generated,
            "run": self.run,
            "summary": self.summary(),
            "clients": self.clients,
            "hosts": self.hosts,
        }


# --------------------------------------------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------------------------------------------

def render_json(report: FleetReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, default=str) + "\n"


def _junit_cases(host):
    """``(name, failure_message_or_None, details, error)`` per test case of one host: one per endpoint x policy.

    A host that never reached verification gets one case named after the step that stopped it, so a CI
    dashboard shows a red line instead of silently fewer tests.
    """
    cases = []
    for endpoint in host["endpoints"]:
        if endpoint["failed"] and not endpoint["policies"]:
            cases.append(("verify %s" % endpoint["endpoint"], endpoint["msg"] or "probe failed",
                          "\n".join(endpoint["diagnosis"]), True))
        for policy in endpoint["policies"]:
            name = policy["policy"]
            if len(host["endpoints"]) > 1:
                name = "%s @ %s" % (policy["policy"], endpoint["endpoint"])
            message = None if policy["passed"] else "; ".join(policy["reasons"]) or "policy not met"
            details = "\n".join(policy["reasons"] + endpoint["diagnosis"])
            cases.append((name, message, details, False))
    if host["failed"] and not cases:
        step = host["failed_step"] or "run"
        cases.append((step, host["msg"] or "%s failed" % step, "", True))
    return cases


def render_junit(report: FleetReport) -> str:
    """JUnit XML: one ``testsuite`` per host, one ``testcase`` per host x policy (x endpoint when several)."""
    root = ET.Element("testsuites", name=strip_terminal_escapes(report.title))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for host in report.hosts:
        cases = _junit_cases(host)
        suite = ET.SubElement(root, "testsuite", name=strip_terminal_escapes(host["host"]))
        failures = sum(1 for c in cases if c[1] is not None and not c[3])
        errors = sum(1 for c in cases if c[3])
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        props = ET.SubElement(suite, "properties")
        for key in ("windows_version", "profile", "status", "rebooted"):
            ET.SubElement(props, "property", name=key, value=strip_terminal_escapes(host[key]))
        for name, message, details, error in cases:
            case = ET.SubElement(suite, "testcase", classname="schannel.%s" % strip_terminal_escapes(host["host"]),
                                 name=strip_terminal_escapes(name))
            if message is not None:
                tag = "error" if error else "failure"
                node = ET.SubElement(case, tag, message=strip_terminal_escapes(message))
                node.text = strip_terminal_escapes(details)
        totals["tests"] += len(cases)
        totals["failures"] += failures
        totals["errors"] += errors
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root) if hasattr(ET, "indent") else None
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# The matrix colours (#2da44e green, #cf222e red) are used nowhere else on the page, so a screenshot test can find
# the cells by exact pixel colour.
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em;color:#1b1f23;background:#fff}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #d0d7de}
h3{font-size:1em;margin:1.2em 0 .4em}
.meta{color:#57606a;font-size:.9em}
table{border-collapse:collapse;margin:.4em 0 1em}
th,td{border:1px solid #d0d7de;padding:.35em .55em;vertical-align:top;font-size:.85em;text-align:left}
th{background:#f6f8fa}
caption{text-align:left;font-weight:600;padding:.2em 0}
td.cell-ok{background:#2da44e;color:#fff}
td.cell-fail{background:#cf222e;color:#fff}
td.cell-na{background:#eaeef2;color:#57606a}
td.mismatch{outline:3px dashed #9a6700;outline-offset:-3px}
.proto{display:block;font-weight:600}
.scroll{overflow-x:auto}
table.matrix td.cell{min-width:8em;max-width:14em}
.suite{display:block;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
.why{display:block;font-size:.85em}
.badge{display:inline-block;padding:.05em .5em;border-radius:1em;font-size:.8em;font-weight:600;color:#fff}
.st-ok{background:#1a7f37}.st-changed{background:#0969da}.st-drift{background:#9a6700}
.st-failed{background:#a40e26}.st-rolled_back{background:#8250df}
.sev-error{color:#cf222e;font-weight:600}.sev-warning{color:#9a6700;font-weight:600}.sev-info{color:#57606a}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}
ul.summary{list-style:none;padding:0;display:flex;gap:1.2em;flex-wrap:wrap}
"""


def _short(text, limit=70) -> str:
    """First clause of a long reason, for a matrix cell; the whole text goes into the cell's title."""
    text = one_line(text).split("; ", maxsplit=1)[0]
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _suite_html(name) -> str:
    """A suite name that wraps at its underscores instead of mid-word (``<wbr>`` after each ``_``)."""
    return esc(name).replace("_", "_<wbr>")


def _cell(cell) -> str:
    if cell is None:
        return '<td class="cell cell-na">not probed</td>'
    classes = ["cell", "cell-ok" if cell["connects"] else "cell-fail"]
    if cell["matches_prediction"] is False:
        classes.append("mismatch")
    parts = []
    if cell["connects"]:
        parts.append('<span class="proto">%s</span>' % esc(cell["protocol"] or "connects"))
        parts.append('<span class="suite">%s</span>' % _suite_html(cell["cipher_suite"] or ""))
        title = "%s: %s %s" % (cell["client"], cell["protocol"] or "", cell["cipher_suite"] or "")
    else:
        parts.append('<span class="proto">fails</span>')
        why = cell["symptom"] or ""
        if cell["reason"]:
            why = "%s%s%s" % (why, ": " if why else "", _short(cell["reason"]))
        parts.append('<span class="why">%s</span>' % esc(why))
        title = "%s: fails: %s" % (cell["client"], one_line(cell["reason"] or cell["symptom"] or ""))
    if cell["matches_prediction"] is False:
        expected = cell["expected"] or {}
        parts.append('<span class="why">predicted: %s</span>' % esc(
            "%s %s" % (expected.get("protocol") or "", expected.get("cipher_suite") or "")
            if expected.get("connects") else "fails"))
    return '<td class="%s" data-client="%s" title="%s">%s</td>' % (
        " ".join(classes), esc(cell["client"]), esc(title), "".join(parts))


def _matrix(report: FleetReport) -> list:
    out = ['<h2 id="matrix">Clients</h2>']
    if not report.clients:
        out.append("<p>No client handshakes were simulated.</p>")
        return out
    out.append('<div class="scroll"><table class="matrix"><thead><tr><th>host</th><th>endpoint</th>')
    out.extend('<th data-client="%s">%s</th>' % (esc(c["key"]), esc(c["label"])) for c in report.clients)
    out.append("</tr></thead><tbody>")
    for host in report.hosts:
        for endpoint in host["endpoints"] or [None]:
            cells = {c["client"]: c for c in endpoint["clients"]} if endpoint else {}
            out.append('<tr data-host="%s"><th>%s</th><td class="mono">%s</td>' % (
                esc(host["host"]), esc(host["host"]), esc(endpoint["endpoint"] if endpoint else "(not verified)")))
            out.extend(_cell(cells.get(c["key"])) for c in report.clients)
            out.append("</tr>")
    out.append("</tbody></table></div>")
    out.append('<p class="meta">Green: the client completes a handshake (negotiated protocol and suite shown). '
               'Red: it does not (symptom shown). A dashed outline marks a result that differs from the plan\'s '
               'prediction.</p>')
    return out


def _hosts_table(report: FleetReport) -> list:
    out = ['<h2 id="hosts">Hosts</h2><table class="hosts"><thead><tr><th>host</th><th>status</th><th>Windows</th>'
           '<th>profile</th><th>changes</th><th>rebooted</th><th>backup</th><th>message</th></tr></thead><tbody>']
    for h in report.hosts:
        out.append('<tr data-host="%s"><th>%s</th><td><span class="badge st-%s">%s</span></td><td>%s</td>'
                   '<td>%s</td><td>%d</td><td>%s</td><td class="mono">%s</td><td>%s</td></tr>' % (
                       esc(h["host"]), esc(h["host"]), esc(h["status"]), esc(h["status"].replace("_", " ")),
                       esc(h["windows_version"] or ""), esc(h["profile"] or ""), len(h["changes"]),
                       "yes" if h["rebooted"] else ("required" if h["reboot_required"] else "no"),
                       esc(h["backup"] or ""), esc(h["msg"] or "")))
    out.append("</tbody></table>")
    return out


def _host_details(host) -> list:
    out = ['<h3 id="host-%s">%s</h3>' % (esc(safe_file_stem(host["host"], "host")), esc(host["host"]))]
    if host["state"]:
        out.append("<p>In effect when the run started: protocols %s; cipher suites (%s): %s</p>" % (
            esc(", ".join(host["state"]["server_protocols"]) or "none"),
            esc(host["state"]["cipher_suites_source"] or "?"),
            esc(", ".join(host["state"]["cipher_suites"]) or "none")))
    if host["reboot_reasons"]:
        out.append("<p>Reboot %s: %s</p>" % ("done" if host["rebooted"] else "required",
                                             esc("; ".join(host["reboot_reasons"]))))
    label = "Drift (would change)" if host["check_mode"] else "Changes"
    if host["changes"]:
        # long lists start folded so the findings below stay in view
        out.append('<details class="drift"%s><summary>%s: %d value(s)</summary>' % (
            " open" if len(host["changes"]) <= 12 else "", label, len(host["changes"])))
        out.append('<table class="drift"><thead><tr><th>key</th><th>value</th><th>before</th>'
                   '<th>after</th></tr></thead><tbody>')
        for c in host["changes"]:
            value = c["name"] if c["name"] is not None else "(key)"
            cells = (esc(c["path"]), esc(value), esc(c["before"]), esc(c["after"]))
            out.append('<tr>%s</tr>' % "".join('<td class="mono">%s</td>' % cell for cell in cells))
        out.append("</tbody></table></details>")
    else:
        out.append("<p>%s: none.</p>" % label)
    if host["findings"]:
        out.append('<table class="findings"><caption>Findings</caption><thead><tr><th>severity</th><th>code</th>'
                   '<th>item</th><th>finding</th><th>fix</th></tr></thead><tbody>')
        for f in host["findings"]:
            out.append('<tr><td class="sev-%s">%s</td><td class="mono">%s</td><td class="mono">%s</td><td>%s</td>'
                       '<td>%s</td></tr>' % (esc(f["severity"]), esc(f["severity"]), esc(f["code"]), esc(f["item"]),
                                             esc(f["message"]), esc(f["fix"])))
        out.append("</tbody></table>")
    for e in host["endpoints"]:
        out.append('<p><b>%s</b>' % esc(e["endpoint"]))
        if e["protocols"]:
            out.append(" &mdash; protocols: %s" % esc(", ".join(e["protocols"])))
        out.append("</p>")
        cert = e["certificate"]
        if cert:
            out.append('<p class="mono">certificate: %s; issuer %s; %s %s; %s; expires %s</p>' % tuple(
                esc(v if v is not None else "?") for v in (cert["subject"], cert["issuer"], cert["key_type"],
                                                           cert["key_size"], cert["signature_hash"],
                                                           cert["not_after"])))
        if e["policies"]:
            out.append("<ul>")
            for p in e["policies"]:
                out.append('<li class="%s">%s: %s%s</li>' % (
                    "sev-info" if p["passed"] else "sev-error", esc(p["policy"]),
                    "passed" if p["passed"] else "FAILED",
                    (" &mdash; " + esc("; ".join(p["reasons"]))) if p["reasons"] and not p["passed"] else ""))
            out.append("</ul>")
        if e["diagnosis"]:
            out.append("<p>Diagnosis:</p><ul>%s</ul>" % "".join("<li>%s</li>" % esc(d) for d in e["diagnosis"]))
        if e["prediction_mismatches"]:
            out.append("<p>Differs from the plan's prediction:</p><ul>%s</ul>" % "".join(
                "<li>%s</li>" % esc(m) for m in e["prediction_mismatches"]))
        if e["cipher_suites"]:
            out.append('<details><summary>accepted suites (server order)</summary><ol class="mono">%s</ol>'
                       '</details>' % "".join("<li>%s</li>" % esc(s) for s in e["cipher_suites"]))
    return out


def render_html(report: FleetReport) -> str:
    """A single self-contained page: inline CSS, no scripts, and a CSP that forbids loading anything else."""
    s = report.summary()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        'img-src data:">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title><style>%s</style></head><body>" % (esc(report.title), _CSS),
        "<h1>%s</h1>" % esc(report.title),
        '<p class="meta">generated %s%s</p>' % (esc(report.generated), "".join(
            " &middot; %s: %s" % (esc(k), esc(v)) for k, v in sorted(report.run.items()))),
        '<ul class="summary">'
        + "".join('<li><b>%s</b> %s</li>' % (esc(s[k]), esc(k.replace("_", " ")))
                  for k in ("hosts", "ok", "changed", "drift", "failed", "rolled_back", "policy_failures"))
        + "<li><b>rebooted</b>: %s</li></ul>" % esc(", ".join(s["rebooted"]) or "none"),
    ]
    out.extend(_matrix(report))
    out.extend(_hosts_table(report))
    out.append('<h2 id="details">Details per host</h2>')
    for host in report.hosts:
        out.extend(_host_details(host))
    out.append("</body></html>\n")
    return "\n".join(out)


def render_text(report: FleetReport) -> str:
    """A terminal summary: one block per host, every untrusted string stripped of escapes and folded to one line."""
    s = report.summary()
    lines = ["%s (%s)" % (one_line(report.title), one_line(report.generated)),
             "hosts: %d  ok: %d  changed: %d  drift: %d  failed: %d  rolled back: %d  rebooted: %s" % (
                 s["hosts"], s["ok"], s["changed"], s["drift"], s["failed"], s["rolled_back"],
                 one_line(", ".join(s["rebooted"]) or "none"))]
    for h in report.hosts:
        lines.append("")
        lines.append("%s [%s] Windows %s, profile %s, %d change(s)%s" % (
            one_line(h["host"]), h["status"], one_line(h["windows_version"] or "?"), one_line(h["profile"] or "-"),
            len(h["changes"]), ", rebooted" if h["rebooted"] else (", reboot required" if h["reboot_required"]
                                                                   else "")))
        if h["msg"]:
            lines.append("  note: %s" % one_line(h["msg"]))
        if h["state"]:
            lines.append("  in effect at start: %s; suites from %s: %d" % (
                one_line(", ".join(h["state"]["server_protocols"]) or "no protocol"),
                one_line(h["state"]["cipher_suites_source"] or "?"), len(h["state"]["cipher_suites"])))
        for f in h["findings"]:
            if f["severity"] != "info":
                lines.append("  %s %s %s: %s%s" % (f["severity"], one_line(f["code"]), one_line(f["item"]),
                                                   one_line(f["message"]),
                                                   " -> fix: %s" % one_line(f["fix"]) if f["fix"] else ""))
        for e in h["endpoints"]:
            lines.append("  %s protocols: %s" % (one_line(e["endpoint"]), one_line(", ".join(e["protocols"]) or "-")))
            for p in e["policies"]:
                lines.append("    policy %-22s %s%s" % (one_line(p["policy"]), "pass" if p["passed"] else "FAIL",
                                                        (" (%s)" % one_line("; ".join(p["reasons"])))
                                                        if p["reasons"] and not p["passed"] else ""))
            for c in e["clients"]:
                what = ("%s %s" % (c["protocol"] or "", c["cipher_suite"] or "")) if c["connects"] else \
                    "fails (%s)" % (c["symptom"] or c["reason"] or "no handshake")
                lines.append("    client %-22s %s%s" % (one_line(c["client"]), one_line(what),
                                                        "  [differs from prediction]"
                                                        if c["matches_prediction"] is False else ""))
            for d in e["diagnosis"]:
                lines.append("    diagnosis: %s" % one_line(d))
    return "\n".join(lines) + "\n"


def _cell_text(cell) -> str:
    if cell is None:
        return "-"
    if cell["connects"]:
        return "%s %s" % (cell["protocol"] or "", cell["cipher_suite"] or "")
    return "fails (%s)" % (cell["symptom"] or cell["reason"] or "no handshake")


def render_comparison(before: dict, after: dict) -> str:
    """Before/after text for two reports (their JSON form, e.g. a verify run and the harden run that followed).

    One block per host present in either: protocols, policy verdicts and each client's result, side by side.
    Terminal escapes are stripped from everything.
    """
    def index(doc):
        return {h["host"]: h for h in (doc or {}).get("hosts", [])}

    def flat(host):
        protocols, policies, clients = [], {}, {}
        for e in (host or {}).get("endpoints", []):
            protocols.extend(p for p in e.get("protocols", []) if p not in protocols)
            for p in e.get("policies", []):
                policies[p["policy"]] = policies.get(p["policy"], True) and p["passed"]
            for c in e.get("clients", []):
                clients.setdefault(c["client"], c)
        return protocols, policies, clients

    labels = _client_labels()
    old, new = index(before), index(after)
    lines = []
    for name in sorted(set(old) | set(new)):
        (p0, pol0, c0), (p1, pol1, c1) = flat(old.get(name)), flat(new.get(name))
        status0 = (old.get(name) or {}).get("status", "-")
        status1 = (new.get(name) or {}).get("status", "-")
        lines.append("%s: %s -> %s%s" % (one_line(name), one_line(status0), one_line(status1),
                                         ", rebooted" if (new.get(name) or {}).get("rebooted") else ""))
        lines.append("  %-24s %-50s %s" % ("protocols", one_line(", ".join(p0) or "-"), one_line(", ".join(p1) or "-")))
        for policy in sorted(set(pol0) | set(pol1)):
            verdict = {True: "pass", False: "FAIL", None: "-"}
            lines.append("  %-24s %-50s %s" % ("policy " + one_line(policy)[:17], verdict[pol0.get(policy)],
                                               verdict[pol1.get(policy)]))
        for key in [k for k in labels if k in c0 or k in c1] + sorted(k for k in set(c0) | set(c1) if k not in labels):
            lines.append("  %-24s %-50s %s" % (one_line(labels.get(key, key))[:24], one_line(_cell_text(c0.get(key)))[:50],
                                               one_line(_cell_text(c1.get(key)))))
    return "\n".join(lines) + "\n"


RENDERERS = {
    "json": ("json", render_json),
    "junit": ("xml", render_junit),
    "html": ("html", render_html),
    "text": ("txt", render_text),
}


# --------------------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------------------

def _ensure_private_dir(path: str) -> str:
    """Create ``path`` (and parents) with mode 0700; refuse a symlink or a non-directory at ``path``."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.islink(path):
        raise ReportError("report directory %s is a symlink; give the real directory" % path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise ReportError("report directory %s exists and is not a directory" % path)
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _write_private(path: str, text: str) -> None:
    """Write atomically through a 0600 temp file in the same directory, then rename over ``path``.

    The rename replaces a symlink at ``path`` rather than following it, so a planted link cannot redirect the
    report elsewhere.
    """
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".report-", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_report(report: FleetReport, directory: str, name: str = "schannel-report",
                 formats=("json", "junit", "html", "text")) -> dict:
    """Write the report in each format to ``directory/<name>.<ext>``; return ``{format: path}``."""
    stem = safe_file_stem(name, "schannel-report")
    directory = _ensure_private_dir(directory)
    paths = {}
    for fmt in formats:
        if fmt not in RENDERERS:
            raise ReportError("unknown report format %r; choose from %s" % (fmt, ", ".join(sorted(RENDERERS))))
        ext, render = RENDERERS[fmt]
        path = os.path.join(directory, "%s.%s" % (stem, ext))
        _write_private(path, render(report))
        paths[fmt] = path
    return paths
