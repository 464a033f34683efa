# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side state per managed host: a lock so two runs cannot interleave writes, and a memory of reboots
that are still owed.

Lock. The action plugins that write (``win_schannel``, ``win_tls_cipher_suites``) hold an exclusive ``flock`` on
``<state dir>/locks/<host>-<port>.lock`` from their first read of the host to the end of the reboot. A second run
against the same host -- another ``ansible-playbook`` on this controller, or another fork of the same one -- waits
``$TLSOPS_LOCK_WAIT`` seconds (default 5) and then fails with a message naming the holder (PID, controller, task,
since when), before it reads or writes anything.
The key is the address Ansible connects to (``ansible_host`` + port, lower case), not the inventory name, so two
inventories naming one server differently still meet the same lock. ``flock`` locks die with their process, so a
killed run never leaves a stale lock. What it does not do: protect against a second *controller* (that needs a
lock on the Windows host itself, a named mutex in the ``.ps1``; see docs/reliability.md).

Owed reboots. A run that changed settings which apply only at boot and did not reboot (``reboot: false``, the
controller interrupted between apply and reboot, a reboot that failed) records the host's boot time and the reasons.
The next run finds the registry already as wanted (``changed: false``) but still reports the reasons as
``reboot_owed`` until the host's boot time moves -- so an interrupted rollout is never silently "converged" with
the old settings still in effect.

State directory: ``$TLSOPS_STATE_DIR``, else ``~/.ansible/tlsops.schannel``; created 0700, files 0600.
"""
from __future__ import annotations

import datetime
import errno
import json
import os
import re
import socket
import time
from typing import NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - controllers are POSIX
    fcntl = None  # type: ignore[assignment]


class HostLocked(Exception):
    """Another run holds the host's lock; ``msg`` names it."""


def state_dir():
    path = os.environ.get("TLSOPS_STATE_DIR") or os.path.join(os.path.expanduser("~"), ".ansible", "tlsops.schannel")
    return os.path.abspath(path)


def _private_dir(path):
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def host_key(task_vars):
    """``address-port`` of the host Ansible connects to, reduced to ``[a-z0-9._-]`` (a file name)."""
    tv = task_vars or {}
    host = str(tv.get("ansible_host") or tv.get("inventory_hostname") or "host").lower()
    port = str(tv.get("ansible_port") or tv.get("ansible_winrm_port") or "")
    text = re.sub(r"[^a-z0-9._-]+", "_", "%s-%s" % (host, port) if port else host)
    text = re.sub(r"\.{2,}", "_", text).strip("._-")
    return text[:150] or "host"


class HostLock(object):
    """``with HostLock(task_vars, task_name):`` -- raises HostLocked when another process holds the host."""

    def __init__(self, task_vars, task_name="", wait=None):
        self.wait = float(os.environ.get("TLSOPS_LOCK_WAIT", 5) if wait is None else wait)
        self.key = host_key(task_vars)
        self.task_name = task_name
        self.path = os.path.join(_private_dir(os.path.join(state_dir(), "locks")), self.key + ".lock")
        self.fd = None

    def __enter__(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                if time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                holder = _read_holder(fd)
                os.close(fd)
                raise HostLocked("another tlsops.schannel run is changing this host (%s): %s; waited %g s; nothing "
                                 "was read or written -- wait for it to finish (or stop it) and run again"
                                 % (self.key, holder or "holder unknown", self.wait)) from None
        info = {"pid": os.getpid(), "controller": socket.gethostname(), "task": self.task_name,
                "since": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            finally:
                os.close(self.fd)  # closing releases the flock
                self.fd = None
        return False


def _read_holder(fd):
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return None
    if not info:
        return None
    return "PID %s on controller %s, task %r, since %s" % (info.get("pid"), info.get("controller"),
                                                           info.get("task"), info.get("since"))


# -- owed reboots ------------------------------------------------------------------------------------------------

def _pending_path(task_vars):
    return os.path.join(_private_dir(os.path.join(state_dir(), "pending-reboot")), host_key(task_vars) + ".json")


def controller_run():
    """This ansible-playbook run: every task's worker is forked from its process, so the parent PID is one value for
    all tasks of a run and another for the next run (with the host name, as several controllers share no PIDs)."""
    return "%s:%d" % (socket.gethostname(), os.getppid())


class OwedReboot(NamedTuple):
    """A reboot the host still owes: its reasons, and whether this ansible-playbook run recorded it (an earlier task
    of the run returned those reasons itself, so "a previous run" would be false about them)."""
    reasons: list
    this_run: bool


def owed_reboot_record(task_vars, last_boot_time):
    """The :class:`OwedReboot` recorded for a reboot that has not happened yet (the boot time is unchanged)."""
    path = _pending_path(task_vars)
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return OwedReboot([], False)
    if not isinstance(data, dict) or not last_boot_time or data.get("last_boot_time") != last_boot_time:
        clear_owed_reboot(task_vars)  # the host rebooted since (or the record is unreadable): nothing is owed
        return OwedReboot([], False)
    return OwedReboot(list(data.get("reasons") or []), data.get("controller_run") == controller_run())


def owed_reboot(task_vars, last_boot_time):
    """Reasons recorded for a reboot that has not happened yet (the boot time is unchanged), or []."""
    return owed_reboot_record(task_vars, last_boot_time).reasons


def record_owed_reboot(task_vars, last_boot_time, reasons):
    """Remember that the host needs a reboot for ``reasons`` (merged with what is already owed)."""
    if not last_boot_time or not reasons:
        return
    merged = owed_reboot(task_vars, last_boot_time)
    merged += [r for r in reasons if r not in merged]
    path = _pending_path(task_vars)
    tmp = path + ".%d.tmp" % os.getpid()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"last_boot_time": last_boot_time, "reasons": merged, "controller_run": controller_run()}, handle)
    os.replace(tmp, path)


def clear_owed_reboot(task_vars):
    try:
        os.unlink(_pending_path(task_vars))
    except OSError:
        pass
