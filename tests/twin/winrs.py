"""WinRS shells and commands: the state behind Create/Command/Send/Receive/Signal/Delete.

A command runs when its input is complete: on ``Send`` with ``End="true"``, or on the first ``Receive`` when no
input was sent (pywinrm's ``run_cmd``). The doubles answer at once, so the first ``Receive`` returns all output
and ``CommandState/Done``. ``DropConnection`` tells the HTTP layer to cut the TCP connection without answering.
"""
from __future__ import annotations

import dataclasses
import threading
import uuid

from . import wsman


class DropConnection(Exception):
    """Cut the connection instead of answering (fault injection)."""


@dataclasses.dataclass
class Command:
    command: str
    arguments: str
    stdin: bytearray = dataclasses.field(default_factory=bytearray)
    stdin_closed: bool = False
    result: tuple | None = None  # (stdout, stderr, rc)
    drop: bool = False


class WinRS:
    """Shells for one twin; ``execute(command, arguments, stdin) -> (stdout, stderr, rc, drop)``."""

    def __init__(self, execute, address: str, psrp=None):
        self.execute = execute
        self.address = address
        self.psrp = psrp  # psrp.PSRPEndpoint: the PowerShell resource on the same endpoint
        self.shells: dict[str, dict[str, Command]] = {}
        self.lock = threading.Lock()

    def handle(self, data: bytes) -> tuple[int, bytes]:
        """(HTTP status, body); a malformed request gets a SOAP fault, never an exception (fuzzed in
        tests/reliability/test_fuzz_wsman.py)."""
        try:
            req = wsman.parse_request(data)
        except wsman.MalformedRequest as exc:
            return 500, wsman.fault("", wsman.FAULT_MALFORMED, str(exc))
        if self.psrp is not None and self.psrp.wants(req):
            status, body, drop = self.psrp.handle(req)
            if drop:
                raise DropConnection()
            return status, body
        try:
            return 200, self._dispatch(req)
        except KeyError as exc:
            return 500, wsman.fault(req.message_id, wsman.FAULT_INVALID_SELECTORS, f"unknown shell or command {exc}")
        except (AttributeError, TypeError, ValueError) as exc:  # a required element or attribute is missing/bad
            return 500, wsman.fault(req.message_id, wsman.FAULT_MALFORMED, f"malformed {req.action} request: {exc}")

    def _dispatch(self, req: wsman.Request) -> bytes:
        if req.action == wsman.ACTION_CREATE:
            shell_id = str(uuid.uuid4()).upper()
            with self.lock:
                self.shells[shell_id] = {}
            return wsman.create_response(req, shell_id, self.address)
        shell = self.shells[req.shell_id]
        if req.action == wsman.ACTION_DELETE:
            with self.lock:
                self.shells.pop(req.shell_id, None)
            return wsman.delete_response(req)
        if req.action == wsman.ACTION_COMMAND:
            command, arguments = wsman.command_line(req.body)
            command_id = str(uuid.uuid4()).upper()
            shell[command_id] = Command(command, arguments)
            return wsman.command_response(req, command_id)
        if req.action == wsman.ACTION_SEND:
            command_id, chunk, end = wsman.send_stream(req.body)
            cmd = shell[command_id]
            cmd.stdin.extend(chunk)
            if end:
                cmd.stdin_closed = True
                self._run(cmd)
            return wsman.send_response(req)
        if req.action == wsman.ACTION_RECEIVE:
            command_id = wsman.receive_command_id(req.body)
            cmd = shell[command_id]
            self._run(cmd)
            if cmd.drop:
                cmd.drop = False
                raise DropConnection()
            stdout, stderr, rc = cmd.result
            return wsman.receive_response(req, command_id, stdout, stderr, rc)
        if req.action == wsman.ACTION_SIGNAL:
            shell.pop(wsman.signal_command_id(req.body), None)
            return wsman.signal_response(req)
        return wsman.fault(req.message_id, 2150858770, f"action not supported by the twin: {req.action}")

    def _run(self, cmd: Command) -> None:
        if cmd.result is None:
            stdout, stderr, rc, drop = self.execute(cmd.command, cmd.arguments, bytes(cmd.stdin))
            cmd.result, cmd.drop = (stdout, stderr, rc), drop
