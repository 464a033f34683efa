"""Decode what Ansible sends through WinRS into something the twin can answer.

Ansible runs everything as ``PowerShell -NoProfile ... -EncodedCommand <base64 UTF-16LE>``. A module arrives as
the encoded ``bootstrap_wrapper.ps1`` plus stdin holding two JSON documents separated by a line of four NUL
bytes: the bootstrap manifest (``exec_wrapper``) and the exec manifest, whose ``actions`` end with
``module_wrapper.ps1`` (``Script`` = ``ansible_collections.<ns>.<coll>.plugins.modules.<name>.ps1`` and the
module arguments in the ``complex_args`` variable) or with a helper script such as ``powershell_mkdtemp.ps1``.
Anything else is a plain script (what ``win_reboot`` runs, or a user's command).
"""
from __future__ import annotations

import base64
import dataclasses
import json
import re


@dataclasses.dataclass
class Invocation:
    kind: str  # "module" | "exec_script" | "script"
    script: str = ""  # the decoded PowerShell (kind "script") or the helper script's name (kind "exec_script")
    module: str = ""  # FQCN of the module (kind "module")
    args: dict = dataclasses.field(default_factory=dict)  # module args or helper script params


def decode_command(command: str, arguments: str) -> str:
    """The PowerShell text behind a WinRS command line (or the command line itself when it is not encoded)."""
    words = (command + " " + arguments).split()
    for flag in ("-EncodedCommand", "-encodedcommand", "-enc", "-e"):
        if flag in words:
            encoded = words[words.index(flag) + 1]
            return base64.b64decode(encoded).decode("utf-16-le")
    return (command + " " + arguments).strip()


def module_name(script_name: str) -> str:
    """``ansible_collections.ansible.windows.plugins.modules.win_ping.ps1`` -> ``ansible.windows.win_ping``."""
    name = re.sub(r"\.ps1$", "", script_name)
    match = re.match(r"^ansible_collections\.(\w+)\.(\w+)\.plugins\.modules\.(\w+)$", name)
    if match:
        return ".".join(match.groups())
    return "ansible.builtin." + name.rsplit(".", 1)[-1]


def parse(command: str, arguments: str, stdin: bytes) -> Invocation:
    script = decode_command(command, arguments)
    if b"\0\0\0\0" not in stdin:
        return Invocation(kind="script", script=script)
    rest = stdin.partition(b"\0\0\0\0")[2]  # [0] is the bootstrap manifest (exec_wrapper)
    manifest_text = rest.split(b"\0\0\0\0")[0].strip()
    manifest = json.loads(manifest_text) if manifest_text else {}
    actions = manifest.get("actions") or []
    if not actions:
        return Invocation(kind="script", script=script)
    last = actions[-1]
    params = last.get("params") or {}
    if last.get("name") == "module_wrapper.ps1":
        args = {}
        for variable in params.get("Variables") or []:
            if variable.get("Name") == "complex_args":
                args = variable.get("Value") or {}
        return Invocation(kind="module", module=module_name(params.get("Script", "")), args=args)
    return Invocation(kind="exec_script", script=last.get("name", ""), args=params)
