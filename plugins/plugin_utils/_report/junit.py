# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JUnit XML for CI: one ``testsuite`` per host, so a dashboard shows every host, drift and policy as a line.

Test cases of a host:

* ``<mode>`` (``harden``, ``audit``, ``verify``, ``rollback``): an error when the run failed there for a reason no
  other case shows (unreachable, a step that failed before verification);
* ``drift`` in check mode: a failure when values differ from the profile, so CI goes red on drift;
* one per policy (x endpoint when there are several): a failure when the policy is not met;
* one per endpoint that could not be probed: an error.

ElementTree escapes for XML; terminal escapes and control characters (invalid in XML 1.0) are stripped first.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Optional

from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.text import strip_terminal_escapes

DRIFT_LINES = 50  # changes listed in the drift case's text; the report holds them all


@dataclass
class Case:
    name: str
    message: Optional[str] = None  # None: passed
    details: str = ""
    error: bool = False  # an error (could not check) rather than a failure (checked, not met)


def cases(host) -> list:
    out = []
    for endpoint in host.endpoints:
        if endpoint.failed:
            out.append(Case("verify %s" % endpoint.endpoint, endpoint.msg or "probe failed",
                            "\n".join(endpoint.diagnosis), error=True))
        for policy in endpoint.policies:
            name = policy.policy if len(host.endpoints) == 1 else "%s @ %s" % (policy.policy, endpoint.endpoint)
            out.append(Case(name, None if policy.passed else "; ".join(policy.reasons) or "policy not met",
                            "\n".join(policy.reasons + endpoint.diagnosis)))
    if host.check_mode:
        listed = ["%s\\%s: %s -> %s" % (c.path, c.name if c.name is not None else "(key)", c.before, c.after)
                  for c in host.changes[:DRIFT_LINES]]
        if len(host.changes) > DRIFT_LINES:
            listed.append("... and %d more (see the report)" % (len(host.changes) - DRIFT_LINES))
        out.insert(0, Case("drift", "%d value(s) differ from the profile" % host.drift if host.drift else None,
                           "\n".join(listed)))
    already_red = any(c.message is not None for c in out)
    run_failed = host.unreachable or host.failed
    message = None
    if run_failed and not already_red:
        step = host.failed_step or ("connect" if host.unreachable else "run")
        message = "%s: %s" % (step, host.msg or "failed")
    out.insert(0, Case(host.mode, message, "", error=True))
    return out


def render_junit(report) -> str:
    root = ET.Element("testsuites", name=strip_terminal_escapes(report.title))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for host in report.hosts:
        host_cases = cases(host)
        suite = ET.SubElement(root, "testsuite", name=strip_terminal_escapes(host.host))
        counts = {"tests": len(host_cases),
                  "failures": sum(1 for c in host_cases if c.message is not None and not c.error),
                  "errors": sum(1 for c in host_cases if c.message is not None and c.error)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        props = ET.SubElement(suite, "properties")
        for key in ("windows_version", "profile", "status", "rebooted", "finished"):
            ET.SubElement(props, "property", name=key, value=strip_terminal_escapes(getattr(host, key)))
        for case in host_cases:
            node = ET.SubElement(suite, "testcase", classname="schannel.%s" % strip_terminal_escapes(host.host),
                                 name=strip_terminal_escapes(case.name))
            if case.message is not None:
                detail = ET.SubElement(node, "error" if case.error else "failure",
                                       message=strip_terminal_escapes(case.message))
                detail.text = strip_terminal_escapes(case.details)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
