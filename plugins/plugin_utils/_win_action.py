# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class of the Windows action plugins (win_schannel, win_tls_cipher_suites, win_schannel_info).

One shape for all: validate the task's options, read the host once with win_schannel_info (or take ``facts``),
compute in Python, refuse before touching the host on bad input or when the lockout guard says no, run the
``.ps1`` once, write the ``.reg`` backup on the controller, reboot when asked (through ``_reboot.py``, a copy of
ansible.windows' private helper), and read the host again after the reboot. Modelled on microsoft.ad's ``_module_with_reboot.py`` (run module ->
reboot if ``reboot_required`` -> continue), with this collection's pre-flight steps in front.

Interrupted runs and the host lease (issue 14, docs/reliability.md): every call of a write module carries ``run``
(a run id and its owner: controller host, user, process), so the module takes the host's lease and records its
write-ahead intent. When a module refuses because an earlier run was cut mid-change (``interrupted`` in its result),
the plugin settles that first as ``interrupted_run`` says (default: roll back with the intent's undo), then does the
task as asked on the state it finds; the result names what it did (``recovered``).
"""
from __future__ import annotations

import getpass
import os
import socket
import uuid

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelError
from ansible_collections.tlsops.schannel.plugins.plugin_utils import (
    _guard,
    _host_state,
    _info_facts,
    _planning,
    _reboot,
    _regfile,
    _regops,
)

display = Display()

COLLECTION = "tlsops.schannel"

# Options shared by the modules that change a host (doc fragment tlsops.schannel.win_apply).
APPLY_OPTIONS = {
    "facts": {"type": "dict"},
    "guard": {"type": "bool", "default": True},
    "rdp": {"type": "bool", "default": False},
    "rdp_kb3080079": {"type": "bool", "default": False},
    "backup": {"type": "bool", "default": False},
    "backup_dir": {"type": "path"},
    "reboot": {"type": "bool", "default": False},
    "reboot_timeout": {"type": "int", "default": 600},
    "plan": {"type": "dict"},
    "certificate_port": {"type": "int", "default": 443},
    "interrupted_run": {"type": "str", "choices": ["rollback", "finish", "fail"], "default": "rollback"},
    "run_owner": {"type": "str"},
}

# The modules that write and therefore take the lease and keep the intent (their internal option ``run``).
WRITE_MODULES = ("win_schannel", "win_tls_cipher_suites")
SETTLED = {"rollback": "rolled back", "finish": "finished"}  # interrupted_run -> what it did
RUN_KEY = "HKLM\\SOFTWARE\\tlsops\\schannel"


def default_owner():
    """Who a run is, as a refusal on another controller names it: user@controller (pid N)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (a container without passwd entry)
        user = "uid %d" % os.getuid() if hasattr(os, "getuid") else "unknown"
    return "%s@%s (pid %d)" % (user, socket.gethostname(), os.getpid())


def new_run(owner=None):
    """The ``run`` argument of the write modules for one task on one host. The id says which controller process
    runs it (``<controller>:<pid>:<random>``), so a later run on the same controller can tell that a lease left on the
    host belongs to one of its own processes that has ended (see ``SchannelAction.adopt_lease``)."""
    return {"id": "%s:%d:%s" % (socket.gethostname(), os.getpid(), uuid.uuid4().hex[:16]), "owner": owner or default_owner()}


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True


class ModuleFailed(Exception):
    """A module run on the host failed; ``result`` is what to return."""

    def __init__(self, result):
        self.result = result
        super(ModuleFailed, self).__init__(result.get("msg"))


class Refused(Exception):
    """The action plugin refuses before writing; ``result`` is what to return."""

    def __init__(self, result):
        self.result = result
        super(Refused, self).__init__(result.get("msg"))


def text_diff(before, after, header=None):
    """Ansible diff with one ``<path>\\<name> [layer] = value`` line per value, sorted."""
    def render(values):
        lines = []
        for key in sorted(values or {}):
            lines.append("%s [%s] = %s" % (key, _regops.layer(key), values[key]))
        return "\n".join(lines) + ("\n" if lines else "")
    diff = {"before": render(before), "after": render(after)}
    if header:
        diff["before_header"] = "%s (before)" % header
        diff["after_header"] = "%s (after)" % header
    return diff


class SchannelAction(ActionBase):
    """Common machinery; subclasses define ``ARGUMENT_SPEC`` and ``run_action(args, task_vars)``."""

    ARGUMENT_SPEC = {}
    MUTUALLY_EXCLUSIVE: tuple = ()
    WRITES = False  # plugins that change the host hold its lock (plugin_utils/_host_state.py) for the whole run
    _requires_connection = True

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super(SchannelAction, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC,
                                                        mutually_exclusive=list(self.MUTUALLY_EXCLUSIVE))
        self._warnings = []
        self._run = new_run(args.get("run_owner")) if self.WRITES else None
        # with reboot: true the lease is kept through the reboot and released after it (a lease that outlives a
        # failed reboot expires by itself), so no other controller writes the host while it boots into this change
        self._hold_lease = bool(self.WRITES and args.get("reboot") and not self._task.check_mode)
        self._lease_seconds = 900 + (args.get("reboot_timeout") or 600)  # read only when the lease is held
        self._lease_kept = False
        try:
            if self.WRITES:
                with _host_state.HostLock(task_vars, getattr(self._task, "action", "")):
                    try:
                        out = self.run_recovering(args, task_vars)
                    finally:
                        if self._lease_kept:
                            self.release_lease(task_vars)
            else:
                out = self.run_action(args, task_vars)
        except _host_state.HostLocked as exc:
            out = {"failed": True, "changed": False, "locked": True, "msg": str(exc)}
        except SchannelError as exc:
            out = {"failed": True, "changed": False, "msg": str(exc), "field": exc.field}
        except (ModuleFailed, Refused) as exc:
            out = exc.result
        if self._warnings:
            out.setdefault("warnings", [])
            out["warnings"] = list(out["warnings"]) + self._warnings
        result.update(out)
        return result

    def warn(self, message):
        self._warnings.append(message)

    def adopt_lease(self, holder, task_vars):
        """A lease held by a process of this controller that has ended (a task timeout, a killed ansible-playbook) is
        this controller's to take over at once: the controller-side host lock (``_host_state.HostLock``) is held, so
        no other process here writes the host, and the holder cannot come back. Takes its run id; True when it did."""
        if not holder or not getattr(self, "_run", None):
            return False
        parts = str(holder.get("run_id") or "").split(":")
        if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
            return False
        pid = int(parts[1])
        if pid == os.getpid() or _process_alive(pid):
            return False
        self.warn("took over the lease on %s of run %s (%s), a process of this controller that has ended"
                  % (task_vars.get("inventory_hostname", "the host"), holder.get("run_id"), holder.get("owner")))
        self._run["id"] = holder["run_id"]
        return True

    # -- interrupted runs ------------------------------------------------------------------------------------
    def run_recovering(self, args, task_vars):
        """``run_action``; when the write module refuses because an earlier run left an intent on the host, settle
        it as ``interrupted_run`` says and do the task again from a fresh read of the host."""
        try:
            return self.run_action(args, task_vars)
        except ModuleFailed as exc:
            intent = exc.result.get("interrupted")
            if intent is None or self._task.check_mode:
                raise
            refusal = exc.result
        recovered = self.recover(args, task_vars, intent, refusal)
        try:
            out = self.run_action(dict(args, facts=None), task_vars)  # facts given before the recovery are stale
        except (ModuleFailed, Refused) as exc:
            exc.result["recovered"] = recovered
            raise
        except SchannelError as exc:
            if exc.field != "plan.fingerprints":
                raise
            # A plan made while the host was mid-change describes neither the state the recovery left nor where it
            # goes from there: writing it would be guessing. The host is settled now, so the next plan is good.
            raise Refused({"failed": True, "changed": bool(recovered.get("changed")), "field": exc.field, "recovered": recovered,
                           "msg": "an interrupted run was %s first (%s), so the host is no longer in the state this "
                                  "plan was made from; nothing of this plan was written; plan again from the settled "
                                  "host (run the play again)" % (
                                      SETTLED[recovered.get("action")],
                                      recovered.get("interrupted", {}).get("module"))}) from exc
        out["recovered"] = recovered
        return out

    def recover(self, args, task_vars, intent, refusal):
        """Roll back (default) or finish the interrupted run recorded in ``intent``; ``fail`` leaves it."""
        choice = args.get("interrupted_run") or "rollback"
        if choice == "fail":
            msg = "%s (interrupted_run: fail leaves it; set interrupted_run: rollback or finish to settle it)" % (
                refusal.get("msg"))
            raise ModuleFailed(dict(refusal, msg=msg))
        part = "undo" if choice == "rollback" else "operations"
        source = intent.get(part)
        if isinstance(source, dict) and source.get("scope") == "local":
            name = "win_tls_cipher_suites"
            module_args = {"scope": "local", "cipher_suites": source.get("cipher_suites"),
                           "ecc_curves": source.get("ecc_curves")}
        elif isinstance(source, list) and intent.get("module") == "win_tls_cipher_suites":
            name = "win_tls_cipher_suites"  # the policy order: registry operations on the policy key
            module_args = {"scope": "policy", "restore": _regops.validate_operations(source, field="interrupted.%s" % part)}
        elif isinstance(source, list):
            name = "win_schannel"
            module_args = {"operations": _regops.validate_operations(source, field="interrupted.%s" % part)}
        else:
            msg = ("%s; its record cannot be read (%s), so it cannot be %s: nothing was written; set the host's state by "
                   "hand (the backup of that run, if any, is on its controller) and delete %s\\Intent" % (
                       refusal.get("msg"), intent.get("error") or "no %s" % part,
                       SETTLED[choice], RUN_KEY))
            raise ModuleFailed(dict(refusal, msg=msg))
        module_args["run"] = dict(self._run, recover=True, release=False)
        res = self.run_module(name, module_args, task_vars)
        what = "rolled back to the state before it" if choice == "rollback" else "finished"
        self.warn("an interrupted run (%s, run %s of %s, started %s) had left %s mid-change; it was %s before this task"
                  % (intent.get("module"), intent.get("run_id"), intent.get("owner"), intent.get("started"),
                     task_vars.get("inventory_hostname", "the host"), what))
        return {"action": choice, "module": name, "changed": bool(res.get("changed")),
                "reboot_reasons": list(res.get("reboot_reasons") or []),
                "interrupted": dict((k, intent.get(k)) for k in ("module", "run_id", "owner", "started"))}

    def release_lease(self, task_vars):
        """Release a lease a write call kept (a recovery, or a write followed by a reboot), also when the task then
        wrote nothing or failed. An empty win_schannel run takes the lease as this run, writes nothing and releases
        it; an intent left by a cut in between makes it refuse, and that is left for the next run."""
        try:
            self._execute_module(module_name="%s.win_schannel" % COLLECTION,
                                 module_args={"operations": [], "run": dict(self._run, release=True)}, task_vars=task_vars)
        except (AnsibleError, OSError) as exc:  # the lease expires by itself
            self.warn("could not release the host lease (%s); it expires by itself" % exc)

    # -- talking to the host ---------------------------------------------------------------------------------
    def run_module(self, name, module_args, task_vars):
        if name in WRITE_MODULES and getattr(self, "_run", None) and "run" not in module_args:
            run = dict(self._run)
            if getattr(self, "_hold_lease", False):
                run.update(release=False, lease_seconds=self._lease_seconds)
            module_args = dict(module_args, run=run)
        keeps = name in WRITE_MODULES and (module_args.get("run") or {}).get("release") is False
        if keeps:
            self._lease_kept = True  # released at the end of the task (release_lease), also if this call is cut
        res = self._execute_module(module_name="%s.%s" % (COLLECTION, name), module_args=module_args,
                                   task_vars=task_vars)
        if res.get("failed") and module_args.get("run") and self.adopt_lease(res.get("lease"), task_vars):
            module_args = dict(module_args, run=dict(module_args["run"], id=self._run["id"]))
            res = self._execute_module(module_name="%s.%s" % (COLLECTION, name), module_args=module_args,
                                       task_vars=task_vars)
        if keeps and res.get("lease"):
            self._lease_kept = False  # refused: another run holds it, nothing of ours to release
        res.pop("invocation", None)
        if name in WRITE_MODULES and res.get("warnings") and hasattr(self, "_warnings"):
            # the write modules' own warnings (another run's lease or intent in check mode, a failed undo) reach the user
            self._warnings.extend(w for w in res.pop("warnings") if w not in self._warnings)
        if res.get("failed"):
            res.setdefault("msg", "%s failed" % name)
            res["changed"] = bool(res.get("changed", False))
            raise ModuleFailed(res)
        return res

    def apply_module(self, name, module_args, task_vars, pre_backup=None, boot_time=None, reboot_reasons=()):
        """``run_module`` for the one call that writes: a connection lost mid-call becomes a failed result that says
        what is known (the module is transactional, so the host holds the previous state or the new one, never a
        mix) and where the previous state is saved."""
        try:
            return self.run_module(name, module_args, task_vars)
        except ModuleFailed as exc:
            if exc.result.get("interrupted") is not None or exc.result.get("lease") is not None:
                # refused before any write: the pre-write backup holds nothing this run changed
                if pre_backup and os.path.exists(pre_backup):
                    os.unlink(pre_backup)
                raise
            if "module_stdout" in exc.result and not str(exc.result.get("module_stdout") or "").strip():
                # the PowerShell process ended without an answer (killed, out of memory, shell deleted): ansible-core
                # says "MODULE FAILURE" or "Module result deserialization failed" with an empty module_stdout
                raise self._outcome_unknown(name, task_vars, pre_backup, boot_time, reboot_reasons,
                                            "the PowerShell process of %s ended before it answered (rc %s)"
                                            % (name, exc.result.get("rc"))) from exc
            if pre_backup:
                exc.result.setdefault("backup_file", pre_backup)
            raise
        except (AnsibleError, OSError) as exc:  # pywinrm lets requests' ConnectionError (an OSError) through
            raise self._outcome_unknown(name, task_vars, pre_backup, boot_time, reboot_reasons,
                                        "the connection to the host was lost while %s was writing (%s)" % (
                                            name, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from exc

    def _outcome_unknown(self, name, task_vars, pre_backup, boot_time, reboot_reasons, what):
        """The write module may have been cut between two writes: what the user is told, and the owed reboot."""
        if not self._task.check_mode:  # the writes may have happened: a reboot they need is owed until it is done
            _host_state.record_owed_reboot(task_vars, boot_time, [r for r in reboot_reasons if r])
        saved = ("the previous state is saved in %s (restore: that path)" % pre_backup if pre_backup else
                 "set backup: true to keep the previous state on the controller before writing")
        return ModuleFailed({"failed": True, "changed": False, "outcome": "unknown", "backup_file": pre_backup,
                             "msg": "%s: the host holds the previous state, the new one, or part of the change "
                                    "(written in a prefix-safe order) marked by the run's write-ahead intent in %s, "
                                    "which the next run settles first (interrupted_run, default rollback); %s; run the "
                                    "task again to converge" % (what, RUN_KEY, saved)})

    def finish_backup(self, args, task_vars, backup_ops, pre_backup):
        """Replace the pre-apply backup with the module's own (authoritative) backup; drop it when nothing changed."""
        if pre_backup and os.path.exists(pre_backup):
            os.unlink(pre_backup)
        return self.write_backup(args, task_vars, backup_ops)

    def read_host(self, task_vars, bindings=True, cipher_suites=True):
        raw = self.run_module("win_schannel_info", _info_facts.info_module_args(bindings, cipher_suites), task_vars)
        return _info_facts.enrich(raw)

    def facts_for(self, args, task_vars):
        """Enriched facts from the ``facts`` option (no WinRM round trip) or one win_schannel_info run."""
        given = args.get("facts")
        if given:
            return _info_facts.enrich(given)
        return self.read_host(task_vars)

    # -- lockout guard ---------------------------------------------------------------------------------------
    def guard(self, args, task_vars, version, facts, after_dump, local_suites=None, local_curves=None,
              dotnet_warning=True):
        """The lockout guard on the state in effect after the change. ``dotnet_warning=False`` (the cipher-suite
        plugin, which does not manage .NET's SchUseStrongCrypto) leaves out the .NET strong-crypto warning, which
        win_schannel gives with the option that fixes it."""
        connection = _guard.connection_info(task_vars, getattr(self._play_context, "connection", None))
        after_state = _info_facts.effective_of(version, after_dump, facts, local_suites, local_curves)
        live = None
        if connection.get("scheme") == "https" and connection.get("connection") in ("winrm", "psrp") \
                and connection.get("host"):
            live = _guard.probe(connection["host"], connection["port"])
        certificate = _planning.endpoint_certificate(facts.get("bindings"), connection.get("port"))
        verdict = _guard.check(connection, after_state, version, certificate, rdp=args.get("rdp", False),
                               rdp_kb3080079=args.get("rdp_kb3080079", False), live_probe=live,
                               after_dump=after_dump, dotnet_warning=dotnet_warning)
        for message in verdict["warnings"]:
            self.warn(message)
        if verdict["blocked"]:
            if args.get("guard", True):
                raise Refused({"failed": True, "changed": False, "guard": verdict,
                               "msg": "lockout guard refused the change (nothing was written): %s; set guard: false "
                                      "to apply anyway" % "; ".join(verdict["reasons"])})
            for reason in verdict["reasons"]:
                self.warn("guard: false, applying although %s" % reason)
        return verdict

    # -- backup and reboot -----------------------------------------------------------------------------------
    def write_backup(self, args, task_vars, backup_ops):
        if not args.get("backup") or not backup_ops or self._task.check_mode:
            return None
        directory = args.get("backup_dir")
        if not directory:
            base = self._loader.get_basedir() if self._loader else os.getcwd()
            directory = os.path.join(base, "backups")
        hostname = task_vars.get("inventory_hostname") or "host"
        return _regfile.write_backup(backup_ops, directory, hostname)

    def settle_reboot(self, args, task_vars, facts, result):
        """``maybe_reboot`` plus the controller's memory of owed reboots. ``reboot_required`` stays what this run's
        changes need; a reboot an earlier run needed that has not happened (same boot time) comes back as
        ``reboot_owed`` (its reasons) with a warning, and ``reboot: true`` performs it."""
        boot = (facts or {}).get("last_boot_time")
        owed = _host_state.owed_reboot_record(task_vars, boot)
        if owed.reasons and not owed.this_run:
            result["reboot_owed"] = owed.reasons
            self.warn("a previous run changed settings that apply at boot and %s has not rebooted since (%s): %s"
                      % (task_vars.get("inventory_hostname", "the host"), boot, "; ".join(owed.reasons)))
        # reboot: true performs what is owed, an earlier task's of this run included (it said so in its result)
        if owed.reasons and args.get("reboot") and not result.get("reboot_required"):
            result["reboot_required"] = True  # so that maybe_reboot performs the owed reboot
            result["reboot_reasons"] = list(owed.reasons)
        result = self.maybe_reboot(args, task_vars, result)
        if self._task.check_mode:
            return result
        if result.get("rebooted"):
            _host_state.clear_owed_reboot(task_vars)
            result.pop("reboot_owed", None)
        elif result.get("reboot_required"):
            _host_state.record_owed_reboot(task_vars, boot, result.get("reboot_reasons") or [])
        return result

    def maybe_reboot(self, args, task_vars, result):
        result["rebooted"] = False
        if not (args.get("reboot") and result.get("reboot_required")) or self._task.check_mode:
            return result
        reboot_res = _reboot.reboot_host(self._task.action, self._connection,
                                         reboot_timeout=args.get("reboot_timeout", 600))
        if reboot_res.get("failed"):
            result.update({"failed": True, "reboot_result": reboot_res,
                           "msg": "the change was applied but the reboot failed: %s" % reboot_res.get("msg")})
            return result
        result["rebooted"] = True
        result["reboot_required"] = False
        result["state_after_reboot"] = self.read_host(task_vars)
        return result

    def run_action(self, args, task_vars):  # pragma: no cover - abstract
        raise AnsibleActionFail("not implemented")
