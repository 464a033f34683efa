"""What the twin does with a WinRS command: run a module double, an exec helper, or a known plain script.

Before any module or exec helper runs, the twin answers as ansible-core's ``bootstrap_wrapper.ps1`` does on a host
without PowerShell 5.1: it prints ``{"failed":true,"msg":"Ansible requires PowerShell v5.1"}`` and exits 1.

Anything it does not recognise fails loudly (rc 1, the module or command named in the message), so a play never
passes against the twin because a double was silently missing.
"""
from __future__ import annotations

import json
import re
import traceback

from . import personality, powershell
from .doubles import MODULES
from .doubles.reboot import SCRIPTS
from .registry import ProcessCut


BOOTSTRAP_REFUSAL = b'{"failed":true,"msg":"Ansible requires PowerShell v5.1"}'


class Executor:
    def __init__(self, host):
        self.host = host

    def __call__(self, command: str, arguments: str, stdin: bytes):
        """(stdout, stderr, rc, drop_connection)"""
        try:
            inv = powershell.parse(command, arguments, stdin)
        except Exception as exc:
            return b"", f"twin: cannot decode the command: {exc}".encode(), 1, False
        if inv.kind == "module":
            return self._module(inv)
        if inv.kind == "exec_script":
            return self._exec_script(inv)
        return self._script(inv.script)

    def _bootstrap_refuses(self):
        """``bootstrap_wrapper.ps1``: ``if ($PSVersionTable.PSVersion -lt [Version]"5.1") { '<json>'; exit 1 }``."""
        if personality.has_powershell_51(self.host.powershell_version):
            return None
        return BOOTSTRAP_REFUSAL + b"\r\n", b"", 1, False

    def _module(self, inv: powershell.Invocation):
        refused = self._bootstrap_refuses()
        if refused:
            return refused
        double = MODULES.get(inv.module)
        self.host.count_module(inv.module)
        cut = self.host.faults.take_cut(inv.module)
        self.host.registry.reset_write_count(cut)
        if double is None:
            result = {"failed": True, "msg": f"the Windows twin has no double for module '{inv.module}'"}
        else:
            try:
                if cut == 0:
                    raise ProcessCut("process ended before its first write")
                result = double(self.host, inv.args)
            except ProcessCut:
                # the PowerShell host was killed: no catch block ran, no JSON was printed
                return b"", b"", 1, False
            except Exception as exc:
                result = {"failed": True, "msg": f"{inv.module} (twin double) raised {type(exc).__name__}: {exc}",
                          "exception": traceback.format_exc()}
            finally:
                self.host.registry.reset_write_count(None)
        drop = self.host.faults.take_drop(inv.module)
        rc = 1 if result.get("failed") else 0
        return json.dumps(result).encode() + b"\r\n", b"", rc, drop

    def _exec_script(self, inv: powershell.Invocation):
        refused = self._bootstrap_refuses()
        if refused:
            return refused
        if inv.script == "powershell_mkdtemp.ps1":
            path = "%s\\%s" % (inv.args.get("Directory", "%TEMP%").replace("%TEMP%", self._temp()), inv.args.get("Name", "tmp"))
            return path.encode() + b"\r\n", b"", 0, False
        if inv.script == "powershell_expand_user.ps1":
            path = inv.args.get("Path", "~")
            home = f"C:\\Users\\{self.host.config.user}"
            out = home if path == "~" else home + path[1:] if path.startswith("~\\") else path
            return out.encode() + b"\r\n", b"", 0, False
        return b"", f"twin: exec helper '{inv.script}' is not modelled (no file transfer on the twin)".encode(), 1, False

    def _temp(self) -> str:
        return f"C:\\Users\\{self.host.config.user}\\AppData\\Local\\Temp"

    def _script(self, script: str):
        for pattern, handler in SCRIPTS:
            match = re.search(pattern, script, re.IGNORECASE | re.DOTALL)
            if match:
                stdout, rc = handler(self.host, match, script)
                return stdout.encode() + (b"\r\n" if stdout else b""), b"", rc, False
        first = script.strip().splitlines()[0][:200] if script.strip() else "(empty)"
        return b"", f"twin: command not modelled: {first}".encode(), 1, False
