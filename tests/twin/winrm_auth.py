"""WinRM service authentication and message encryption, as a Windows host configures them out of the box.

A stock WinRM listener (``winrm quickconfig``) offers ``Negotiate`` (and Kerberos, which the twin does not model),
refuses Basic (``Service\\Auth\\Basic = false``) and refuses unencrypted messages over HTTP
(``Service\\AllowUnencrypted = false``): over HTTP every SOAP message is sealed with the NTLM session keys inside a
``multipart/encrypted; protocol="application/HTTP-SPNEGO-session-encrypted"`` body ([MS-WSMV] 2.2.9.1.1). Over HTTPS
TLS protects the message and the body is plain SOAP. ``WinRMService(basic=True)`` is the usual lab setup (Basic
and AllowUnencrypted switched on).

The NTLM acceptor is pyspnego's (``spnego.server(protocol="negotiate")``, which takes raw NTLM as pywinrm sends it
and SPNEGO-wrapped NTLM as pypsrp sends it); it reads the accepted credentials from the file named by the
``NTLM_USER_FILE`` environment variable, written by ``write_user_file``. NTLM authenticates a TCP connection, so
one ``ConnectionAuth`` lives per connection (per ``BaseHTTPRequestHandler`` instance).
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import re
import struct
from pathlib import Path

import spnego
from spnego.channel_bindings import GssChannelBindings
from spnego.exceptions import SpnegoError

PROTOCOL = "application/HTTP-SPNEGO-session-encrypted"
BOUNDARY = b"--Encrypted Boundary"
ENCRYPTED_CONTENT_TYPE = f'multipart/encrypted;protocol="{PROTOCOL}";boundary="Encrypted Boundary"'
_LENGTH = re.compile(rb"Length=(\d+)")


class AuthRefused(Exception):
    """Answer 401 with the listed challenges (the connection's NTLM context, if any, is dropped)."""


class EncryptionRequired(Exception):
    """An unencrypted message over HTTP while AllowUnencrypted is false."""


def write_user_file(path: Path, computer: str, user: str, password: str) -> Path:
    """The NTLM credential store in pyspnego's ``DOMAIN:USER:PASSWORD`` form: a local account answers as ``user``,
    ``COMPUTER\\user`` and ``.\\user``, as Windows does."""
    lines = [f"{domain}:{user}:{password}" for domain in ("", computer.upper(), ".")]
    path.write_text("\n".join(lines) + "\n")
    os.chmod(path, 0o600)
    os.environ["NTLM_USER_FILE"] = str(path)
    return path


def endpoint_binding(cert_der: bytes, hash_name: str) -> GssChannelBindings:
    """RFC 5929 ``tls-server-end-point``: the certificate hashed with its signature hash (SHA-256 for MD5/SHA-1),
    which is what requests_ntlm and pypsrp bind NTLM to over HTTPS (WinRM CbtHardeningLevel Relaxed checks it)."""
    name = hash_name.lower() if hash_name and hash_name.lower() not in ("md5", "sha1") else "sha256"
    return GssChannelBindings(application_data=b"tls-server-end-point:" + hashlib.new(name, cert_der).digest())


@dataclasses.dataclass
class WinRMService:
    """The service settings that decide who gets in: Windows defaults unless ``basic`` is switched on."""

    computer: str
    user: str
    password: str
    basic: bool = False  # Auth\Basic and AllowUnencrypted both true (the lab setup); Windows default: both false

    def challenges(self) -> list[str]:
        return ["Negotiate"] + (['Basic realm="WSMAN"'] if self.basic else [])


class ConnectionAuth:
    """The authentication state of one TCP connection to a WinRM listener."""

    def __init__(self, service: WinRMService, tls: bool, binding: GssChannelBindings | None = None):
        self.service, self.tls, self.binding = service, tls, binding
        self.context = None  # spnego context while negotiating or once authenticated
        self.method: str | None = None  # "negotiate" | "basic" once authenticated

    def authenticate(self, header: str) -> str | None:
        """Process an ``Authorization`` header; returns the token to send back (``Negotiate <b64>``) or None.

        Raises AuthRefused when the request must be answered 401 (the returned challenge continues a handshake).
        """
        scheme, _sp, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme in ("negotiate", "ntlm"):
            return self._negotiate(scheme, value.strip())
        if scheme == "basic" and self.service.basic:
            try:
                user, _c, password = base64.b64decode(value).decode().partition(":")
            except ValueError:
                raise AuthRefused(self.service.challenges()) from None
            if user.split("\\")[-1].lower() == self.service.user.lower() and password == self.service.password:
                self.method, self.context = "basic", None
                return None
            raise AuthRefused(self.service.challenges())
        if self.method is None:  # no header (or an unoffered scheme) on a connection that is not authenticated
            raise AuthRefused(self.service.challenges())
        return None

    def _negotiate(self, scheme: str, value: str) -> str | None:
        try:
            token = base64.b64decode(value)
        except ValueError:
            raise AuthRefused(self.service.challenges()) from None
        if self.context is None or self.context.complete:  # a new handshake replaces the connection's identity
            self.method = None
            self.context = spnego.server(hostname=self.service.computer, service="http", protocol="negotiate",
                                         channel_bindings=self.binding)
        try:
            out = self.context.step(token)
        except SpnegoError:  # wrong password, unknown user, bad channel binding
            self.context = None
            raise AuthRefused(self.service.challenges()) from None
        reply = f"{scheme.capitalize() if scheme == 'ntlm' else 'Negotiate'} {base64.b64encode(out).decode()}" if out else None
        if not self.context.complete:
            raise AuthRefused([reply] if reply else self.service.challenges())
        self.method = "negotiate"
        return reply

    # -- message encryption -----------------------------------------------------------------------------
    def open(self, content_type: str, body: bytes) -> tuple[bytes, bool]:
        """(SOAP bytes, was it encrypted); raises EncryptionRequired for plain SOAP over HTTP when required."""
        if content_type.lower().startswith("multipart/encrypted") and PROTOCOL.lower() in content_type.lower():
            if self.method != "negotiate":
                raise AuthRefused(self.service.challenges())
            return self._unseal(body), True
        if body and not self.tls and not self.service.basic:
            raise EncryptionRequired("unencrypted traffic is disabled in the service configuration (AllowUnencrypted false)")
        return body, False

    def _unseal(self, body: bytes) -> bytes:
        """The inverse of pywinrm's ``Encryption._encrypt_message`` (one part; pywinrm and pypsrp send one)."""
        parts = [p for p in body.split(BOUNDARY + b"\r\n") if p]
        if len(parts) < 2:
            raise ValueError("encrypted body without its two MIME parts")
        message = b""
        for header, payload in zip(parts[0::2], parts[1::2]):
            length = _LENGTH.search(header)
            if length is None:
                raise ValueError("encrypted part without OriginalContent Length")
            payload = payload.removesuffix(BOUNDARY + b"--\r\n")
            payload = payload.replace(b"\tContent-Type: application/octet-stream\r\n", b"", 1)
            sig_len = struct.unpack("<i", payload[:4])[0]
            plain = self.context.unwrap_winrm(payload[4:4 + sig_len], payload[4 + sig_len:])
            if len(plain) != int(length.group(1)):
                raise ValueError("decrypted length differs from the OriginalContent Length")
            message += plain
        return message

    def seal(self, message: bytes) -> bytes:
        """A response body as Windows frames it (the inverse of pywinrm's ``_decrypt_response``)."""
        wrapped = self.context.wrap_winrm(message)
        return (
            BOUNDARY + b"\r\n"
            b"\tContent-Type: " + PROTOCOL.encode() + b"\r\n"
            b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=" + str(len(message)).encode() + b"\r\n"
            + BOUNDARY + b"\r\n"
            b"\tContent-Type: application/octet-stream\r\n"
            + struct.pack("<i", len(wrapped.header)) + wrapped.header + wrapped.data
            + BOUNDARY + b"--\r\n"
        )
