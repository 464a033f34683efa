"""What the twin does with a WinRS command: run a module double, an exec helper, or a known plain script.

Anything it does not recognise fails loudly (rc 1, the module or command named in the message), so a play never
passes against the twin because a double was silently missing.
"""
from __future__ import annotations

import json
import re
import traceback

from . import powershell
from .doubles import MODULES
from .doubles.reboot import SCRIPTS


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

    def _module(self, inv: powershell.Invocation):
        double = MODULES.get(inv.module)
        self.host.count_module(inv.module)
        if double is None:
            result = {"failed": True, "msg": f"the Windows twin has no double for module '{inv.module}'"}
        else:
            try:
                result = double(self.host, inv.args)
            except Exception as exc:
                result = {"failed": True, "msg": f"{inv.module} (twin double) raised {type(exc).__name__}: {exc}",
                          "exception": traceback.format_exc()}
        drop = self.host.faults.take_drop(inv.module)
        rc = 1 if result.get("failed") else 0
        return json.dumps(result).encode() + b"\r\n", b"", rc, drop

    def _exec_script(self, inv: powershell.Invocation):
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
