"""PowerShell Remoting (PSRP) over the twin's WS-Management endpoint, for Ansible's ``psrp`` connection (pypsrp).

A PSRP client talks to the same ``/wsman`` listener as WinRS, on the resource
``http://schemas.microsoft.com/powershell/Microsoft.PowerShell``: Create opens a Runspace Pool (its first PSRP
fragments ride in ``creationXml``), Command creates a pipeline (``CommandId`` = the pipeline id, the first fragment
in ``Arguments``), Send carries pipeline input, Receive returns PSRP fragments on ``stdout``, Signal stops a
pipeline, Delete closes the pool. The PSRP messages themselves (session capability, runspace pool state, pipeline
output/state, host calls) are psrpcore's server side (``ServerRunspacePool``/``ServerPipeline``).

No PowerShell runs here either: a pipeline's script is what Ansible's ``powershell`` shell plugin would have sent as
``-EncodedCommand`` over WinRS (the psrp connection decodes it and runs it as a script), so it is handed to the same
``Executor`` (``dispatch.py``) with the pipeline input as stdin, and the same doubles answer. stdout becomes one
output object, stderr an error record, and a non-zero exit code the ``SetShouldExit`` host call that PowerShell's
``exit N`` makes, which is where Ansible's psrp connection reads the rc.
"""
from __future__ import annotations

import base64
import struct
import threading
import uuid
from xml.sax.saxutils import escape

from psrpcore import (
    CreatePipelineEvent,
    EndOfPipelineInputEvent,
    PipelineInputEvent,
    PSRPCoreError,
    PSRPPayload,
    ServerPipeline,
    ServerRunspacePool,
    StreamType,
)
from psrpcore.types import HostMethodIdentifier, NETException, PSInvocationState

from . import wsman

RESOURCE_URI = "http://schemas.microsoft.com/powershell/Microsoft.PowerShell"
# what ansible's powershell shell plugin puts before -EncodedCommand (_common_args)
_COMMON_ARGS = "-NoProfile -NonInteractive -ExecutionPolicy Unrestricted"
FAULT_OPERATION_TIMEOUT = 2150858793  # 0x80338029: nothing to receive yet; pypsrp polls again
_DONE = {PSInvocationState.Completed, PSInvocationState.Failed, PSInvocationState.Stopped}


class NotModelled(Exception):
    """A pipeline shape the twin does not run (commands with parameters, several commands)."""


class _Pipe:
    def __init__(self, pool: ServerRunspacePool, command_id: str):
        self.command_id = command_id
        self.pipeline = ServerPipeline(pool, uuid.UUID(command_id))
        self.script: str | None = None
        self.input: list[str] = []
        self.ready = False  # all input received
        self.drop = False


class RunspacePoolShell:
    """One Runspace Pool (a WinRS shell of the PowerShell resource) and its pipelines."""

    def __init__(self, execute, ps_version: str = "5.1"):
        self.execute = execute
        self.pool = ServerRunspacePool(application_private_data={"PSVersionTable": {"PSVersion": ps_version}})
        self.pipes: dict[str, _Pipe] = {}
        self.outbox: dict[str | None, bytearray] = {}  # command id (None: the pool) -> PSRP fragments to send
        self.lock = threading.Lock()

    def feed(self, data: bytes, command_id: str | None = None) -> None:
        pipe = self.pipes.get(command_id) if command_id else None
        self.pool.receive_data(PSRPPayload(data, StreamType.default, pipe.pipeline.pipeline_id if pipe else None))
        while True:
            event = self.pool.next_event()
            if event is None:
                break
            self._on_event(event)
        self._drain()

    def _on_event(self, event) -> None:
        pid = str(event.pipeline_id).upper() if getattr(event, "pipeline_id", None) else None
        pipe = self.pipes.get(pid) if pid else None
        if isinstance(event, CreatePipelineEvent):
            spec = event.pipeline
            commands = spec.commands
            if len(commands) != 1 or not commands[0].is_script or commands[0].parameters:
                pipe.script = None  # answered with an error record naming what is not modelled
            else:
                pipe.script = commands[0].command_text
            pipe.ready = spec.no_input
        elif isinstance(event, PipelineInputEvent) and pipe is not None:
            pipe.input.append(str(event.data))
        elif isinstance(event, EndOfPipelineInputEvent) and pipe is not None:
            pipe.ready = True

    def _drain(self) -> None:
        while True:
            payload = self.pool.data_to_send()
            if payload is None:
                return
            target = str(payload.pipeline_id).upper() if payload.pipeline_id else None
            self.outbox.setdefault(target, bytearray()).extend(payload.data)

    def create_pipeline(self, command_id: str, first_fragment: bytes) -> None:
        self.pipes[command_id] = _Pipe(self.pool, command_id)
        self.feed(first_fragment, command_id)

    def run(self, pipe: _Pipe) -> None:
        """Execute a pipeline whose input is complete (once)."""
        if pipe.pipeline.state != PSInvocationState.NotStarted or not pipe.ready:
            return
        pipe.pipeline.start()
        if pipe.script is None:
            pipe.pipeline.write_error(NETException(Message="the twin runs only a single script pipeline (not modelled)"),
                                      fully_qualified_error_id="NotModelled")
            pipe.pipeline.complete()
            self._drain()
            return
        arguments = f"{_COMMON_ARGS} -EncodedCommand {base64.b64encode(pipe.script.encode('utf-16-le')).decode()}"
        stdout, stderr, rc, drop = self.execute("PowerShell", arguments, "\n".join(pipe.input).encode())
        text = stdout.decode("utf-8", "replace").rstrip("\r\n")
        if text:
            pipe.pipeline.write_output(text)
        if stderr:
            pipe.pipeline.write_error(NETException(Message=stderr.decode("utf-8", "replace")),
                                      fully_qualified_error_id="NativeCommandError")
        if rc:
            pipe.pipeline.host_call(HostMethodIdentifier.SetShouldExit, [rc])
        pipe.pipeline.complete()
        pipe.drop = drop
        self._drain()

    def take(self, command_id: str | None) -> bytes:
        return bytes(self.outbox.pop(command_id, b""))


class PSRPEndpoint:
    """The PowerShell resource of one twin's WS-Management service."""

    def __init__(self, execute, address: str, ps_version: str = "5.1"):
        self.execute, self.address, self.ps_version = execute, address, ps_version
        self.shells: dict[str, RunspacePoolShell] = {}
        self.lock = threading.Lock()

    @staticmethod
    def wants(req: wsman.Request) -> bool:
        return req.resource_uri.lower().startswith("http://schemas.microsoft.com/powershell/")

    def handle(self, req: wsman.Request):
        """(HTTP status, body, drop connection)."""
        try:
            return self._dispatch(req)
        except KeyError as exc:
            return 500, wsman.fault(req.message_id, wsman.FAULT_INVALID_SELECTORS, f"unknown shell or command {exc}"), False
        except (PSRPCoreError, ValueError, TypeError, AttributeError, IndexError, struct.error) as exc:
            # a PSRP message psrpcore cannot process (or a missing element): a fault, never a traceback
            return 500, wsman.fault(req.message_id, wsman.FAULT_MALFORMED, f"{type(exc).__name__}: {exc}"), False

    def _dispatch(self, req: wsman.Request):
        ns = wsman.NS
        if req.action == wsman.ACTION_CREATE:
            shell_id = (req.body.get("ShellId") if req.body is not None else None) or str(uuid.uuid4()).upper()
            creation = req.body.find("{http://schemas.microsoft.com/powershell}creationXml")
            shell = RunspacePoolShell(self.execute, self.ps_version)
            with self.lock:
                self.shells[shell_id.upper()] = shell
            with shell.lock:
                shell.feed(base64.b64decode(creation.text or ""))
            return 200, wsman.create_response(req, shell_id.upper(), self.address, RESOURCE_URI), False
        shell = self.shells[(req.shell_id or "").upper()]
        with shell.lock:
            if req.action == wsman.ACTION_DELETE:
                with self.lock:
                    self.shells.pop((req.shell_id or "").upper(), None)
                return 200, wsman.delete_response(req), False
            if req.action == wsman.ACTION_COMMAND:
                command_id = (req.body.get("CommandId") or str(uuid.uuid4())).upper()
                fragment = base64.b64decode(req.body.findtext("rsp:Arguments", "", ns))
                shell.create_pipeline(command_id, fragment)
                return 200, wsman.command_response(req, command_id), False
            if req.action == wsman.ACTION_SEND:
                stream = req.body.find("rsp:Stream", ns)
                command_id = (stream.get("CommandId") or "").upper() or None
                shell.feed(base64.b64decode(stream.text or ""), command_id)
                return 200, wsman.send_response(req), False
            if req.action == wsman.ACTION_RECEIVE:
                command_id = (wsman.receive_command_id(req.body) or "").upper() or None
                pipe = shell.pipes[command_id] if command_id else None
                if pipe is not None:
                    shell.run(pipe)
                    if pipe.drop:
                        pipe.drop = False
                        return 200, b"", True
                data = shell.take(command_id)
                done = pipe is not None and pipe.pipeline.state in _DONE
                if not data and not done:
                    return 500, wsman.fault(req.message_id, FAULT_OPERATION_TIMEOUT, "operation timed out (nothing to receive)"), False
                return 200, _receive_response(req, command_id, data, done), False
            if req.action == wsman.ACTION_SIGNAL:
                shell.pipes.pop((req.body.get("CommandId") or "").upper(), None)
                return 200, wsman.signal_response(req), False
        return 500, wsman.fault(req.message_id, 2150858770, f"action not supported by the twin: {req.action}"), False


def _receive_response(req: wsman.Request, command_id: str | None, data: bytes, done: bool) -> bytes:
    rsp = wsman.NS["rsp"]
    cid = f' CommandId="{escape(command_id)}"' if command_id else ""
    parts = ["<rsp:ReceiveResponse>"]
    if data:
        parts.append(f'<rsp:Stream Name="stdout"{cid}>{base64.b64encode(data).decode()}</rsp:Stream>')
    if done:
        parts.append(f'<rsp:Stream Name="stdout"{cid} End="true"></rsp:Stream>')
        parts.append(f'<rsp:CommandState{cid} State="{rsp}/CommandState/Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState>')
    elif command_id:
        parts.append(f'<rsp:CommandState{cid} State="{rsp}/CommandState/Running"/>')
    parts.append("</rsp:ReceiveResponse>")
    return wsman.envelope(rsp + "/ReceiveResponse", req.message_id, "".join(parts))
