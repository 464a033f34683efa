# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report: one :class:`HostReport` per host, the client columns, and fleet totals.

Built from the role's results (:func:`FleetReport.from_results`) or read back from its own JSON form
(:func:`FleetReport.from_dict`, strict as well), so reports of job slices or of several controllers can be merged
(``merge.py``). The renderers (``html``, ``junit``, ``text``) read only this model.

A host's ``status`` is one word: ``failed`` (the run failed there: unreachable, a step failed, an endpoint could not
be probed, or a policy failed outside check mode), ``rolled_back`` (failed, then put back), ``drift`` (check mode
found values that differ from the profile), ``changed``, ``ok``. Policy verdicts are counted on their own
(``policy_failures``), so an audit shows drift and a failing policy side by side instead of one hiding the other.
"""
from __future__ import annotations

import copy
import datetime
from dataclasses import asdict, dataclass, field
from typing import Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import PlanFinding
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients import CLIENTS
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.inputs import (
    HOST_RUN_FIELDS,
    HostRun,
    RunResult,
    StateAtStart,
    ValueChange,
    read_run,
)
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.strict import ReportError, build

REPORT_FORMAT_VERSION = 2
SEVERITY_ORDER = {"critical": 0, "error": 1, "warning": 2, "info": 3}
STATUSES = ("ok", "changed", "drift", "failed", "rolled_back")
# the prober's findings that go elsewhere in the report (prediction mismatches) or are noise there: a prediction
# for a client the user chose not to simulate (``clients`` restricted) says nothing about the host
_MISMATCH = "prediction_mismatch"
_NOT_SHOWN = {"prediction_unchecked"}


@dataclass
class ClientCell:
    """One cell of the host x client matrix. ``connects`` is the one verdict name (the prober's and the predictor's)."""

    client: str
    label: str
    connects: bool
    protocol: Optional[str] = None
    cipher_suite: Optional[str] = None
    symptom: Optional[str] = None
    reason: Optional[str] = None
    # None: no prediction was compared or it matched; else what the plan predicted, by field
    predicted: Optional[dict[str, object]] = None

    @property
    def matches_prediction(self) -> bool:
        return self.predicted is None


@dataclass
class PolicyVerdict:
    policy: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    guideline: Optional[str] = None


@dataclass
class Certificate:
    """The leaf certificate the endpoint sent."""

    subject: Optional[str] = None
    issuer: Optional[str] = None
    key_type: Optional[str] = None
    key_size: Optional[int] = None
    signature_hash: Optional[str] = None
    not_after: Optional[str] = None
    trusted: Optional[bool] = None


@dataclass
class Endpoint:
    endpoint: str
    failed: bool = False  # could not be probed (a failed policy is not a failed probe)
    msg: Optional[str] = None
    protocols: list[str] = field(default_factory=list)
    cipher_suites: list[str] = field(default_factory=list)  # accepted, newest protocol first, server order
    certificate: Optional[Certificate] = None
    clients: list[ClientCell] = field(default_factory=list)
    policies: list[PolicyVerdict] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)
    prediction_mismatches: list[str] = field(default_factory=list)


@dataclass
class Change:
    path: str
    name: Optional[str] = None
    before: str = "(absent)"
    after: str = "(absent)"


@dataclass
class HostState:
    server_protocols: list[str] = field(default_factory=list)
    cipher_suites: list[str] = field(default_factory=list)
    cipher_suites_source: Optional[str] = None


@dataclass
class HostReport(HostRun):
    """One host's row: the run as the role recorded it, its status, and what the report derived from it."""

    status: str = "ok"  # see host_status()
    changes: list[Change] = field(default_factory=list)
    drift: int = 0  # values that differ from the profile (check mode)
    policy_failures: int = 0
    findings: list[PlanFinding] = field(default_factory=list)  # the plan's, and what the state at the start shows
    state: Optional[HostState] = None
    endpoints: list[Endpoint] = field(default_factory=list)


@dataclass
class ClientColumn:
    key: str
    label: str


@dataclass
class Summary:
    hosts: int
    ok: int
    changed: int
    drift: int  # hosts with drift, whatever their status (a failed host may drift too)
    failed: int
    rolled_back: int
    unreachable: int
    policy_failures: int  # failed host x endpoint x policy verdicts
    hosts_failing_policy: int
    rebooted: list[str]


# --------------------------------------------------------------------------------------------------------------
# From the role's results
# --------------------------------------------------------------------------------------------------------------

def _display_value(value) -> str:
    """A registry value for the drift table: ``0x00000001 (dword)`` like win_regedit, ``(key)`` or ``(absent)``."""
    if value is None:
        return "(absent)"
    if isinstance(value, dict):
        kind, data = value.get("type"), value.get("data")
        if kind == "key" or not value:
            return "(key)"
        if kind in ("dword", "qword") and isinstance(data, int) and not isinstance(data, bool):
            return "0x%08x (%s)" % (data, kind)
        if isinstance(data, list):
            return "%s (%s)" % (", ".join(str(d) for d in data), kind)
        return "%s (%s)" % (data, kind)
    return str(value)


def _change(c: ValueChange) -> Change:
    return Change(path=c.path, name=c.name, before=_display_value(c.before), after=_display_value(c.after))


def _severity(value) -> str:
    value = str(value or "info").lower()
    return value if value in SEVERITY_ORDER else "info"


def state_findings(state: Optional[StateAtStart]) -> list:
    """Findings read from the host's state at the start, without a plan.

    They let a probe-only run say *why* a client fails: a policy cipher list with names this Windows version does
    not know (Schannel silently drops them) and TLS 1.2 switched off on the server side.
    """
    if state is None:
        return []
    found = []
    source = state.cipher_suites_source or "configured"
    for dropped in state.dropped_cipher_suites:
        # a Group Policy list is written by people: a name Schannel drops there is a mistake. Windows' own local
        # list also carries suites it uses only on request; that is a fact worth showing, not an error.
        mistake = source == "policy"
        found.append(PlanFinding(
            code="suite-name-invalid" if mistake else "suite-not-used", severity="error" if mistake else "info",
            item=dropped.name, message="Schannel does not use this name from the %s cipher list: %s" % (
                source, dropped.reason or "unknown on this Windows version"),
            fix="use the name this Windows version knows (the plan compiles a profile into them)" if mistake else None))
    if "TLS 1.2" not in state.server_protocols:
        why = state.protocol_reasons.get("TLS 1.2 Server")
        found.append(PlanFinding(
            code="tls12-disabled", severity="error", item="TLS 1.2 Server",
            message="TLS 1.2 is not enabled on the server side%s; clients that require it (iOS ATS, modern "
                    "browsers) cannot connect" % (" (%s)" % why if why else ""),
            fix="enable TLS 1.2 for Server and Client (Enabled=1, DisabledByDefault=0) and reboot"))
    return found


def _suites(target) -> list:
    """Accepted suites, newest protocol first, each protocol's list in the server's order, no repeats."""
    flat = []
    for version in sorted(target.protocols, reverse=True):
        for name in target.protocols[version].cipher_suites:
            if name not in flat:
                flat.append(name)
    return flat


def _endpoint(target) -> Endpoint:
    """One ``tls_verify`` result (a ``TargetResult``), reduced to what the report shows."""
    predicted = {}
    diagnosis, mismatches = [], []
    for finding in target.findings:
        if finding.code == _MISMATCH:
            mismatches.append(finding.message)
            differences = finding.evidence.get("differences") or {}
            predicted[str(finding.evidence.get("client"))] = {k: v.get("predicted") for k, v in differences.items()}
        elif finding.code not in _NOT_SHOWN:
            severity = _severity(finding.severity)
            diagnosis.append("%s%s" % ("" if severity == "info" else severity + ": ", finding.message))
    cert = target.certificate
    leaf = cert.chain[0] if cert is not None and cert.chain else None
    return Endpoint(
        endpoint="%s:%s" % (target.host, target.port),
        # a failed policy is not a failed probe; an error or an unreachable target is
        failed=bool(target.error) or not target.reachable,
        msg=target.error,
        protocols=[v for v, p in target.protocols.items() if p.supported],
        cipher_suites=_suites(target),
        certificate=Certificate(subject=leaf.subject, issuer=leaf.issuer, key_type=leaf.key_type,
                                key_size=leaf.key_size, signature_hash=leaf.signature_hash, not_after=leaf.not_after,
                                trusted=cert.trusted) if leaf is not None else None,
        clients=[ClientCell(client=key, label=c.label, connects=c.connects, protocol=c.protocol,
                            cipher_suite=c.cipher_suite, symptom=c.symptom, reason=c.reason,
                            predicted=predicted.get(key)) for key, c in target.clients.items()],
        policies=[PolicyVerdict(policy=name, passed=p.passed, reasons=[v.message for v in p.violations],
                                guideline=p.guideline) for name, p in target.policies.items()],
        diagnosis=diagnosis,
        prediction_mismatches=mismatches,
    )


def host_status(host: HostReport) -> str:
    broken = host.unreachable or host.failed or any(e.failed for e in host.endpoints)
    if broken or (host.policy_failures and not host.check_mode):
        return "rolled_back" if host.rolled_back else "failed"
    if host.changes:
        return "drift" if host.check_mode else "changed"
    return "ok"


def _who(run) -> str:
    """``win_schannel (ops@awx-1 (pid 42), started 2026-12-02T10:15:00Z)`` for an interrupted run."""
    if run is None:
        return "an earlier run"
    return "%s (%s, started %s)" % (run.module or "a write module", run.owner or "owner unknown",
                                    run.started or "at an unknown time")


def run_notes(run: RunResult) -> list:
    """One line for each thing the write modules found of other runs on this host (issue 14)."""
    notes = []
    for recovery in run.recovered:
        notes.append("an interrupted run of %s was %s first%s" % (
            _who(recovery.interrupted), "rolled back" if recovery.action == "rollback" else "finished",
            "" if recovery.changed else " (nothing left to change)"))
    if run.lease is not None:
        notes.append("not changed: the host is leased by %s until %s (run %s)" % (
            run.lease.owner or "another controller", run.lease.expires or "an unknown time",
            run.lease.run_id or "unknown"))
    if run.interrupted is not None:
        notes.append("not changed: an interrupted run of %s is on the host; settle it with interrupted_run: "
                     "rollback or finish" % _who(run.interrupted))
    return notes


def host_report(run: RunResult) -> HostReport:
    findings = [PlanFinding(code=f.code, severity=_severity(f.severity), item=str(f.item or ""),
                            message=str(f.message or ""), fix=f.fix or None) for f in run.findings]
    seen = {(f.code, f.item) for f in findings}
    # the state was read before the run: once a live run changed the host, its old problems are history
    if not run.changes or run.check_mode:
        findings += [f for f in state_findings(run.state) if (f.code, f.item) not in seen]
    endpoints = [_endpoint(t) for t in run.verify]
    recorded = {name: copy.copy(getattr(run, name)) for name in HOST_RUN_FIELDS}
    recorded.update(
        profile=run.profile or None,
        notes=run_notes(run) + list(run.notes),
        # sorted: the modules report them in no fixed order, and a report must not change with it
        reboot_reasons=sorted(set(run.reboot_reasons)))
    host = HostReport(
        **recorded, changes=[_change(c) for c in run.changes],
        drift=len(run.changes) if run.check_mode else 0,
        policy_failures=sum(1 for e in endpoints for p in e.policies if not p.passed),
        findings=sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]),
        state=HostState(server_protocols=list(run.state.server_protocols), cipher_suites=list(run.state.cipher_suites),
                        cipher_suites_source=run.state.cipher_suites_source) if run.state is not None else None,
        endpoints=endpoints)
    host.status = host_status(host)
    return host


# --------------------------------------------------------------------------------------------------------------
# The fleet
# --------------------------------------------------------------------------------------------------------------

def client_columns(hosts) -> list:
    """The matrix columns: every client any host was probed with, in the client table's order."""
    order = list(CLIENTS)
    labels = {}
    for host in hosts:
        for endpoint in host.endpoints:
            for cell in endpoint.clients:
                labels.setdefault(cell.client, cell.label)
    keys = sorted(labels, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [ClientColumn(key=k, label=labels[k]) for k in keys]


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FleetReport:
    """The normalised report: ``hosts`` sorted by name, the client columns, and fleet totals (``summary``)."""

    hosts: list[HostReport]
    title: str = "tlsops.schannel fleet report"
    generated: str = field(default_factory=utc_now)
    run: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # fleet-wide: which reports were merged into this one

    def __post_init__(self):
        self.hosts = sorted(self.hosts, key=lambda h: h.host)
        self.run = dict(self.run)

    @property
    def clients(self) -> list:
        return client_columns(self.hosts)

    @classmethod
    def from_results(cls, results, mode: str = "harden", **kwargs) -> "FleetReport":
        """Build from ``{host: schannel_run}`` (the hostvars the action plugin gathered); ``mode`` is the run's."""
        if not isinstance(results, dict):
            raise ReportError("results must be a mapping of host name to that host's schannel_run result")
        return cls([host_report(read_run(str(name), raw, mode)) for name, raw in results.items()], **kwargs)

    @classmethod
    def from_dict(cls, data, where: str = "report") -> "FleetReport":
        """Read a report's own JSON form back (strict: an unknown key or another format version fails)."""
        if not isinstance(data, dict):
            raise ReportError("%s: expected a report (a mapping), got %s" % (where, type(data).__name__))
        version = data.get("format_version")
        if version != REPORT_FORMAT_VERSION:
            raise ReportError("%s: report format_version %r; this collection reads version %d (write the report "
                              "again with this version of schannel_report)" % (where, version, REPORT_FORMAT_VERSION))
        body = {k: v for k, v in data.items() if k not in ("format_version", "summary", "clients")}
        return build(cls, body, where)

    def summary(self) -> Summary:
        statuses = [h.status for h in self.hosts]
        return Summary(
            hosts=len(self.hosts), ok=statuses.count("ok"), changed=statuses.count("changed"),
            # hosts whose registry differs from the profile, whatever else happened to them
            drift=sum(1 for h in self.hosts if h.drift), failed=statuses.count("failed"),
            rolled_back=statuses.count("rolled_back"), unreachable=sum(1 for h in self.hosts if h.unreachable),
            policy_failures=sum(h.policy_failures for h in self.hosts),
            hosts_failing_policy=sum(1 for h in self.hosts if h.policy_failures),
            rebooted=sorted(h.host for h in self.hosts if h.rebooted))

    def to_dict(self) -> dict:
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "title": self.title,
            "generated": self.generated,
            "run": self.run,
            "notes": list(self.notes),
            "summary": asdict(self.summary()),
            "clients": [asdict(c) for c in self.clients],
            "hosts": [asdict(h) for h in self.hosts],
        }
