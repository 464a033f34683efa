# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text for terminals: the summary and the before/after comparison, with every untrusted string made inert.

What a server sent (certificate subjects, suite names, diagnosis) and what a user typed (host names) may carry
terminal escape sequences; they are stripped so a hostile certificate cannot repaint the operator's terminal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, C1 CSI, and the rest of
# the C0/C1 control characters except tab and newline.
_TERMINAL_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def strip_terminal_escapes(value) -> str:
    """``value`` as text without ANSI/OSC escape sequences or control characters (tab and newline stay)."""
    if value is None:
        return ""
    return _TERMINAL_ESCAPES.sub("", str(value))


def one_line(value) -> str:
    """Text for a single line of terminal output: escapes stripped, newlines and tabs folded to spaces."""
    return " ".join(strip_terminal_escapes(value).split())


def cell_text(cell) -> str:
    """A matrix cell as words: ``TLS 1.2 <suite>`` or ``fails (<symptom or reason>)``."""
    if cell is None:
        return "-"
    if cell.connects:
        return "%s %s" % (cell.protocol or "", cell.cipher_suite or "")
    return "fails (%s)" % (cell.symptom or cell.reason or "no handshake")


def render_text(report) -> str:
    """One block per host; every untrusted string stripped of escapes and folded to one line."""
    s = report.summary()
    lines = ["%s (%s)" % (one_line(report.title), one_line(report.generated)),
             "hosts: %d  ok: %d  changed: %d  drift: %d  failed: %d  rolled back: %d  unreachable: %d  "
             "policy failures: %d  rebooted: %s" % (
                 s.hosts, s.ok, s.changed, s.drift, s.failed, s.rolled_back, s.unreachable, s.policy_failures,
                 one_line(", ".join(s.rebooted) or "none"))]
    lines.extend("note: %s" % one_line(n) for n in report.notes)
    for h in report.hosts:
        lines.append("")
        count = "%d value(s) differ" % h.drift if h.check_mode else "%d change(s)" % len(h.changes)
        lines.append("%s [%s] Windows %s, profile %s, %s%s" % (
            one_line(h.host), h.status, one_line(h.windows_version or "?"), one_line(h.profile or "-"), count,
            ", rebooted" if h.rebooted else (", reboot required" if h.reboot_required else "")))
        if h.msg:
            lines.append("  %s: %s" % (("failed at %s" % one_line(h.failed_step) if h.failed_step else "failed")
                                       if h.failed or h.unreachable else "note", one_line(h.msg)))
        lines.extend("  note: %s" % one_line(n) for n in h.notes)
        if h.state:
            lines.append("  in effect at start: %s; suites from %s: %d" % (
                one_line(", ".join(h.state.server_protocols) or "no protocol"),
                one_line(h.state.cipher_suites_source or "?"), len(h.state.cipher_suites)))
        for f in h.findings:
            if f.severity != "info":
                lines.append("  %s %s %s: %s%s" % (f.severity, one_line(f.code), one_line(f.item),
                                                   one_line(f.message),
                                                   " -> fix: %s" % one_line(f.fix) if f.fix else ""))
        for e in h.endpoints:
            failure = "  probe failed: %s" % one_line(e.msg) if e.failed else ""
            lines.append("  %s protocols: %s%s" % (one_line(e.endpoint), one_line(", ".join(e.protocols) or "-"), failure))
            for p in e.policies:
                lines.append("    policy %-22s %s%s" % (one_line(p.policy), "pass" if p.passed else "FAIL",
                                                        (" (%s)" % one_line("; ".join(p.reasons)))
                                                        if p.reasons and not p.passed else ""))
            for c in e.clients:
                lines.append("    client %-22s %s%s" % (one_line(c.client), one_line(cell_text(c)),
                                                        "" if c.matches_prediction else "  [differs from prediction]"))
            for d in e.diagnosis:
                lines.append("    diagnosis: %s" % one_line(d))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Before -> after
# --------------------------------------------------------------------------------------------------------------

@dataclass
class ComparisonRow:
    what: str  # "status", "protocols", "policy <name>" or a client's label
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class HostComparison:
    host: str
    rebooted: bool
    rows: list


def _flat(host):
    protocols, policies, clients = [], {}, {}
    for e in host.endpoints if host is not None else []:
        protocols.extend(p for p in e.protocols if p not in protocols)
        for p in e.policies:
            policies[p.policy] = policies.get(p.policy, True) and p.passed
        for c in e.clients:
            clients.setdefault(c.client, c)
    return protocols, policies, clients


def compare(before, after) -> list:
    """Per host present in either report: status, protocols, policy verdicts and each client, before and after."""
    old = {h.host: h for h in before.hosts}
    new = {h.host: h for h in after.hosts}
    labels = {c.key: c.label for c in before.clients}
    labels.update({c.key: c.label for c in after.clients})
    verdict = {True: "pass", False: "FAIL", None: "-"}
    out = []
    for name in sorted(set(old) | set(new)):
        h0, h1 = old.get(name), new.get(name)
        (p0, pol0, c0), (p1, pol1, c1) = _flat(h0), _flat(h1)
        rows = [ComparisonRow("status", h0.status if h0 else "-", h1.status if h1 else "-"),
                ComparisonRow("protocols", ", ".join(p0) or "-", ", ".join(p1) or "-")]
        rows.extend(ComparisonRow("policy %s" % p, verdict[pol0.get(p)], verdict[pol1.get(p)])
                    for p in sorted(set(pol0) | set(pol1)))
        rows.extend(ComparisonRow(labels.get(k, k), cell_text(c0.get(k)), cell_text(c1.get(k)))
                    for k in labels if k in c0 or k in c1)
        out.append(HostComparison(host=name, rebooted=bool(h1 and h1.rebooted), rows=rows))
    return out


def render_comparison(before, after) -> str:
    """Before/after text for two reports (e.g. a verify run and the harden run that followed)."""
    lines = []
    for host in compare(before, after):
        status = host.rows[0]
        lines.append("%s: %s -> %s%s" % (one_line(host.host), one_line(status.before), one_line(status.after),
                                         ", rebooted" if host.rebooted else ""))
        for row in host.rows[1:]:
            # labels and cells are never cut: a wide terminal shows them whole, a narrow one wraps
            lines.append("  %-32s %-52s %s" % (one_line(row.what), one_line(row.before), one_line(row.after)))
    return "\n".join(lines) + "\n"
