# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the report reads, typed: the role's ``schannel_run`` of each host and the results inside it.

* ``verify`` holds ``tls_verify``'s results, read back into the prober's own dataclasses
  (``module_utils/tls/results.py``); ``findings`` holds ``schannel_plan``'s findings, read into the planner's
  ``lints.PlanFinding``. A key either of them does not declare fails the report with the path to it.
* :class:`RunResult` is the role's contract (``roles/schannel/tasks/result.yml`` and ``rollback.yml`` write it);
  every key it may carry is a field here, and nothing else is accepted.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import PlanFinding
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import TargetResult
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.strict import ReportError, build


@dataclass
class ValueChange:
    """One registry value a write module changed (or would change): ``win_schannel``'s ``changes`` entry."""

    path: str
    name: Optional[str] = None
    before: object = None  # {type, data}, {type: key} or null (absent); the suite order: its text
    after: object = None
    layer: Optional[str] = None  # policy / local
    reboot_reason: Optional[str] = None


@dataclass
class DroppedSuite:
    name: str
    reason: Optional[str] = None


@dataclass
class StateAtStart:
    """The part of ``win_schannel_info``'s ``effective`` the report explains failures with (result.yml picks it)."""

    server_protocols: list[str] = field(default_factory=list)
    cipher_suites: list[str] = field(default_factory=list)
    cipher_suites_source: Optional[str] = None  # policy / local / default
    dropped_cipher_suites: list[DroppedSuite] = field(default_factory=list)
    protocol_reasons: dict[str, str] = field(default_factory=dict)


@dataclass
class InterruptedRun:
    """A write run cut mid-change on the host, as its intent records it (win_schannel's ``interrupted``)."""

    module: Optional[str] = None
    run_id: Optional[str] = None
    owner: Optional[str] = None
    started: Optional[str] = None
    operations: object = None  # what it was writing and its undo, as the module recorded them
    undo: object = None
    raw: Optional[str] = None  # the record's text and why it could not be read, when it is not a JSON object
    error: Optional[str] = None


@dataclass
class Recovery:
    """An interrupted run a write module settled before its own change (win_schannel's ``recovered``)."""

    action: str  # rollback / finish
    module: Optional[str] = None
    changed: bool = False
    reboot_reasons: list[str] = field(default_factory=list)
    interrupted: Optional[InterruptedRun] = None


@dataclass
class LeaseHolder:
    """Another controller's run that held the host's lease, so nothing was written (win_schannel's ``lease``)."""

    owner: Optional[str] = None
    run_id: Optional[str] = None
    expires: Optional[str] = None


@dataclass
class HostRun:
    """What the role records of its run on one host, as the report shows it too (``RunResult`` and the report's
    ``HostReport`` both carry these, so a field added here reaches the report without a second list)."""

    host: str
    mode: str = "harden"  # harden / audit / verify / rollback
    finished: Optional[str] = None  # UTC time the role recorded this result; merging keeps the latest
    windows_version: Optional[str] = None
    profile: Optional[str] = None
    check_mode: bool = False
    unreachable: bool = False
    failed: bool = False
    failed_step: Optional[str] = None
    msg: Optional[str] = None
    reboot_required: bool = False
    reboot_reasons: list[str] = field(default_factory=list)
    rebooted: bool = False
    backup: Optional[str] = None
    rolled_back: bool = False
    notes: list[str] = field(default_factory=list)


HOST_RUN_FIELDS = tuple(f.name for f in fields(HostRun))


@dataclass
class RunResult(HostRun):
    """One host's ``schannel_run``: what the role did there, and why it stopped when it did."""

    findings: list[PlanFinding] = field(default_factory=list)
    changes: list[ValueChange] = field(default_factory=list)
    verify: list[TargetResult] = field(default_factory=list)
    state: Optional[StateAtStart] = None
    # issue 14: what the write modules found of other runs (each present only when it happened)
    recovered: list[Recovery] = field(default_factory=list)
    lease: Optional[LeaseHolder] = None
    interrupted: Optional[InterruptedRun] = None


# tls_verify adds this derived list to each TargetResult.to_dict(); it is recomputed from ``protocols``
_DERIVED_TARGET_KEYS = ("supported_protocols",)


def _target(raw, where: str):
    if not isinstance(raw, dict):
        raise ReportError("%s: expected a tls_verify result (a mapping), got %s" % (where, type(raw).__name__))
    return {k: v for k, v in raw.items() if k not in _DERIVED_TARGET_KEYS}


def read_run(name: str, raw, mode: str = "harden") -> RunResult:
    """``RunResult`` from one host's ``schannel_run``; ``None`` (no result) is a host that never got that far.

    ``mode`` is the run's mode, for a host without a result (its own result names its mode).
    """
    where = "results[%s]" % name
    if raw is None:
        return RunResult(host=str(name), mode=mode, failed=True, failed_step="start", msg=NO_RESULT)
    if not isinstance(raw, dict):
        raise ReportError("%s: expected the role's schannel_run (a mapping), got %s" % (where, type(raw).__name__))
    data = dict(raw)
    data.setdefault("host", str(name))
    data["verify"] = [_target(t, "%s.verify[%d]" % (where, i)) for i, t in enumerate(data.get("verify") or [])]
    return build(RunResult, data, where)


NO_RESULT = ("no result: the run recorded none for this host (it failed or was unreachable before the role "
             "recorded one, or the run stopped before this host's end; the play output names the reason)")
