"""WS-Management / WinRS envelopes: parse what pywinrm sends, render what Windows answers.

Only the shell resource (``.../windows/shell/cmd``) is modelled: Create, Command, Send, Receive, Signal,
Delete. The answers carry the elements pywinrm and Ansible's ``winrm`` connection look for (``ShellId``,
``CommandId``, ``Stream``, ``CommandState``/``ExitCode``, ``RelatesTo``) in the namespaces Windows uses, and
faults come back as HTTP 500 with a ``WSManFault`` code, which is how pywinrm recognises an operation timeout.
"""
from __future__ import annotations

import base64
import dataclasses
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
}

ACTION_CREATE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
ACTION_DELETE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete"
ACTION_COMMAND = NS["rsp"] + "/Command"
ACTION_SEND = NS["rsp"] + "/Send"
ACTION_RECEIVE = NS["rsp"] + "/Receive"
ACTION_SIGNAL = NS["rsp"] + "/Signal"

FAULT_INVALID_SELECTORS = 2150858843  # 0x8033805B, unknown ShellId
FAULT_ACCESS_DENIED = 5  # ERROR_ACCESS_DENIED, what WinRM reports for a refused (e.g. unencrypted) message
FAULT_MALFORMED = 2150858817  # the twin's answer to a request it cannot parse (HTTP 500 + WSManFault, as WinRM does)


@dataclasses.dataclass
class Request:
    """The parts of a WS-Man request the twin acts on."""

    action: str
    message_id: str
    shell_id: str | None
    body: ET.Element | None
    options: dict[str, str]
    resource_uri: str = ""  # .../windows/shell/cmd (WinRS) or .../powershell/Microsoft.PowerShell (PSRP)


class MalformedRequest(ValueError):
    """The bytes are not a SOAP envelope the twin can act on (answered with a fault, never a traceback)."""


def parse_request(data: bytes) -> Request:
    """Raises MalformedRequest for anything that is not a SOAP envelope with a Header and a Body."""
    try:
        root = ET.fromstring(data)  # expat refuses entity-expansion bombs; external entities are never fetched
    except ET.ParseError as exc:
        raise MalformedRequest(f"the request is not well-formed XML: {exc}") from None
    header = root.find("s:Header", NS)
    body = root.find("s:Body", NS)
    if header is None or body is None:
        raise MalformedRequest("the request is not a SOAP envelope with a Header and a Body")
    action = _text(header, "a:Action")
    message_id = _text(header, "a:MessageID")
    shell_id = None
    for selector in header.iterfind("w:SelectorSet/w:Selector", NS):
        if selector.get("Name") == "ShellId":
            shell_id = selector.text
    options = {opt.get("Name"): (opt.text or "") for opt in header.iterfind("w:OptionSet/w:Option", NS)}
    first = next(iter(body), None) if body is not None else None
    return Request(action=action, message_id=message_id, shell_id=shell_id, body=first, options=options,
                   resource_uri=_text(header, "w:ResourceURI"))


def _text(parent: ET.Element, path: str) -> str:
    node = parent.find(path, NS)
    return (node.text or "").strip() if node is not None else ""


def command_line(body: ET.Element) -> tuple[str, str]:
    """(command, arguments) of a ``rsp:CommandLine`` body."""
    return _text(body, "rsp:Command"), " ".join(a.text or "" for a in body.iterfind("rsp:Arguments", NS))


def send_stream(body: ET.Element) -> tuple[str, bytes, bool]:
    """(command id, data, end of input) of a ``rsp:Send`` body."""
    stream = body.find("rsp:Stream", NS)
    data = base64.b64decode(stream.text) if stream is not None and stream.text else b""
    end = stream is not None and stream.get("End", "").lower() == "true"
    return stream.get("CommandId") if stream is not None else "", data, end


def receive_command_id(body: ET.Element) -> str:
    return body.find("rsp:DesiredStream", NS).get("CommandId")


def signal_command_id(body: ET.Element) -> str:
    return body.get("CommandId")


def envelope(action: str, relates_to: str, body: str) -> bytes:
    return (
        '<s:Envelope xml:lang="en-US" xmlns:s="{s}" xmlns:a="{a}" xmlns:x="{x}" xmlns:w="{w}" xmlns:rsp="{rsp}">'
        "<s:Header><a:Action>{action}</a:Action><a:MessageID>uuid:{mid}</a:MessageID>"
        "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
        "<a:RelatesTo>{rel}</a:RelatesTo></s:Header><s:Body>{body}</s:Body></s:Envelope>"
    ).format(action=action, mid=uuid.uuid4(), rel=escape(relates_to), body=body, **NS).encode("utf-8")


CMD_RESOURCE = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"


def create_response(req: Request, shell_id: str, address: str, resource_uri: str = CMD_RESOURCE) -> bytes:
    body = (
        f"<x:ResourceCreated><a:Address>{escape(address)}</a:Address><a:ReferenceParameters>"
        f"<w:ResourceURI>{escape(resource_uri)}</w:ResourceURI>"
        f'<w:SelectorSet><w:Selector Name="ShellId">{shell_id}</w:Selector></w:SelectorSet>'
        "</a:ReferenceParameters></x:ResourceCreated>"
        f"<rsp:Shell><rsp:ShellId>{shell_id}</rsp:ShellId><rsp:ResourceUri>{escape(resource_uri)}</rsp:ResourceUri></rsp:Shell>"
    )
    return envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse", req.message_id, body)


def command_response(req: Request, command_id: str) -> bytes:
    body = f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId></rsp:CommandResponse>"
    return envelope(NS["rsp"] + "/CommandResponse", req.message_id, body)


def send_response(req: Request) -> bytes:
    return envelope(NS["rsp"] + "/SendResponse", req.message_id, "<rsp:SendResponse/>")


def receive_response(req: Request, command_id: str, stdout: bytes, stderr: bytes, exit_code: int | None) -> bytes:
    parts = ["<rsp:ReceiveResponse>"]
    done = exit_code is not None
    for name, data in (("stdout", stdout), ("stderr", stderr)):
        if data:
            parts.append(f'<rsp:Stream Name="{name}" CommandId="{command_id}">{base64.b64encode(data).decode()}</rsp:Stream>')
        if done:
            parts.append(f'<rsp:Stream Name="{name}" CommandId="{command_id}" End="true"></rsp:Stream>')
    if done:
        parts.append(
            f'<rsp:CommandState CommandId="{command_id}" State="{NS["rsp"]}/CommandState/Done">'
            f"<rsp:ExitCode>{exit_code}</rsp:ExitCode></rsp:CommandState>"
        )
    else:
        parts.append(f'<rsp:CommandState CommandId="{command_id}" State="{NS["rsp"]}/CommandState/Running"/>')
    parts.append("</rsp:ReceiveResponse>")
    return envelope(NS["rsp"] + "/ReceiveResponse", req.message_id, "".join(parts))


def signal_response(req: Request) -> bytes:
    return envelope(NS["rsp"] + "/SignalResponse", req.message_id, "<rsp:SignalResponse/>")


def delete_response(req: Request) -> bytes:
    return envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse", req.message_id, "")


def fault(req_message_id: str, code: int, reason: str) -> bytes:
    """A SOAP fault as WinRM sends it (HTTP 500); ``code`` lands in ``WSManFault/@Code``."""
    body = (
        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value>"
        f"</s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">{escape(reason)}</s:Text></s:Reason>"
        f'<s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="{code}" '
        f'Machine="twin"><f:Message>{escape(reason)}</f:Message></f:WSManFault></s:Detail></s:Fault>'
    )
    return envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", req_message_id, body)
