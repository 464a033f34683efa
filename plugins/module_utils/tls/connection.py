# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One connection, one hello, one classified answer.

Why classify at this level: the interesting Schannel failures are not TLS messages. Schannel answers a hello it
cannot serve (no shared suite, protocol disabled) with a TCP reset, a plain-HTTP port answers with text, a
firewall drops packets. Every connection therefore ends in exactly one ``outcome`` word that the enumerator and
the diagnosis read, and every connection is bounded by a deadline, a byte budget and a per-host semaphore, so a
hostile or stuck server costs at most ``timeout`` seconds and never a traceback.
"""
from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana, wire

MAX_FLIGHT_BYTES = 1 << 18  # a server flight (hello + chain) is a few KB; more is a hostile server

OUTCOMES = ("hello", "hrr", "alert", "reset", "closed", "timeout", "http", "garbage", "sslv2", "refused",
            "unreachable")


@dataclass
class Exchange:
    """The classified result of sending one ClientHello."""

    outcome: str
    flight: Optional[wire.ServerFlight] = None
    detail: str = ""
    elapsed: float = 0.0
    received: int = 0

    @property
    def hello(self) -> Optional[wire.ServerHello]:
        return self.flight.server_hello if self.flight else None

    @property
    def server_hello(self) -> wire.ServerHello:
        """The ServerHello of an exchange whose outcome the caller has checked ("hello" or "hrr"): typed without
        None, so the checker holds the caller to that check."""
        hello = self.hello
        if hello is None:
            raise ValueError("the exchange ended in %r, not a ServerHello" % self.outcome)
        return hello

    @property
    def alert(self) -> Optional[wire.Alert]:
        """The fatal alert that ended the exchange; a warning alert only when nothing else came (a server that
        warns and then hangs up has said all it will)."""
        if self.flight is None:
            return None
        if self.flight.alert is None and self.flight.server_hello is None and self.flight.warnings:
            return self.flight.warnings[0]
        return self.flight.alert


class Budget:
    """Limits and counters shared by every connection to one target (and the global concurrency limit)."""

    def __init__(self, timeout: float, per_host: asyncio.Semaphore, global_limit: asyncio.Semaphore) -> None:
        self.timeout = timeout
        self.per_host = per_host
        self.global_limit = global_limit
        self.connections = 0


class _State:
    """What one exchange has seen so far; survives the cancellation that enforces the deadline."""

    def __init__(self) -> None:
        self.parser = wire.FlightParser()
        self.received = bytearray()
        self.sock: Optional[socket.socket] = None
        self.connected = False


async def _talk(address: str, port: int, payload: bytes, want: str, state: _State) -> Optional[Exchange]:
    """Connect, send, read until ``want``; returns an Exchange only for the early endings (too much data).

    Plain non-blocking sockets driven by the loop's ``sock_*`` calls, not streams: a prober opens thousands of
    short connections that each read one flight, and a stream's transport, protocol and buffer objects cost more
    CPU per connection than the exchange itself (measured in benchmarks/README.md, "Probe")."""
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    state.sock = sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    await loop.sock_connect(sock, (address, port))
    state.connected = True
    await loop.sock_sendall(sock, payload)
    parser = state.parser
    while not parser.done(want):
        chunk = await loop.sock_recv(sock, 65536)
        if not chunk:
            break
        state.received += chunk
        if len(state.received) > MAX_FLIGHT_BYTES:
            return Exchange("garbage", parser.flight, "more than %d bytes without a complete handshake flight"
                            % MAX_FLIGHT_BYTES, 0.0, len(state.received))
        parser.feed(chunk)
    return None


async def exchange(address: str, port: int, payload: bytes, budget: Budget, want: str = "hello") -> Exchange:
    """Connect, send ``payload`` (a ClientHello record), read until ``want`` is satisfied (see
    ``FlightParser.done``), classify. One deadline (``budget.timeout``) covers connect, send and every read.
    Never raises for network or peer misbehaviour."""
    async with budget.per_host, budget.global_limit:
        budget.connections += 1
        started = time.monotonic()
        state = _State()
        try:
            early = await asyncio.wait_for(_talk(address, port, payload, want, state), budget.timeout)
            if early is not None:
                early.elapsed = time.monotonic() - started
                return early
        except asyncio.TimeoutError:
            if not state.connected:
                return Exchange("unreachable", detail="no TCP connection within %.1f s" % budget.timeout,
                                elapsed=time.monotonic() - started)
            got = len(state.received)
            detail = ("no answer within %.1f s" % budget.timeout if not got else
                      "only %d bytes within %.1f s (slow or incomplete answer)" % (got, budget.timeout))
            return Exchange("timeout", state.parser.flight if got else None, detail, time.monotonic() - started, got)
        except ConnectionRefusedError as exc:
            return Exchange("refused", detail=str(exc), elapsed=time.monotonic() - started)
        except (ConnectionResetError, BrokenPipeError) as exc:
            return Exchange("reset", state.parser.flight if state.received else None,
                            str(exc) or "connection reset by peer", time.monotonic() - started, len(state.received))
        except wire.WireError as exc:
            return _classify_bad_bytes(bytes(state.received), str(exc), time.monotonic() - started)
        except OSError as exc:
            kind = "reset" if state.connected else "unreachable"
            return Exchange(kind, None, str(exc), time.monotonic() - started, len(state.received))
        finally:
            if state.sock is not None:
                state.sock.close()
        elapsed = time.monotonic() - started
        flight = state.parser.flight
        received = state.received
        if flight.sslv2:
            return Exchange("sslv2", flight, "SSLv2 ServerHello", elapsed, len(received))
        if flight.server_hello is None and (flight.alert is not None or flight.warnings):
            alert = flight.alert or flight.warnings[0]
            return Exchange("alert", flight, alert.name, elapsed, len(received))
        if flight.server_hello is not None:
            return Exchange("hrr" if flight.server_hello.is_hrr else "hello", flight, "", elapsed, len(received))
        if received:
            return Exchange("garbage", flight, "connection closed in the middle of a record", elapsed,
                            len(received))
        return Exchange("closed", None, "connection closed without an answer", elapsed, 0)


def _classify_bad_bytes(data: bytes, error: str, elapsed: float) -> Exchange:
    head = data[:16]
    if head[:5] in (b"HTTP/", b"<html", b"<!DOC") or head[:4] in (b"<HTM", b"<htm"):
        first = data.split(b"\r\n", 1)[0][:80].decode("latin-1", "replace")
        return Exchange("http", None, "plain HTTP answer: %s" % first, elapsed, len(data))
    return Exchange("garbage", None, "%s; first bytes %s" % (error, head.hex()), elapsed, len(data))


# --- full handshakes through the ssl module --------------------------------------------------------------------


@dataclass
class SslResult:
    """A full handshake through Python's ``ssl``: what only a completed handshake can show."""

    ok: bool
    version: Optional[str] = None
    cipher: Optional[str] = None
    alpn: Optional[str] = None
    chain: Optional[List[bytes]] = None
    verified: Optional[bool] = None
    verify_error: Optional[str] = None
    error: Optional[str] = None
    # client certificates: the server's CertificateRequest (TLS 1.3: seen only here, decrypted) and what happened
    # to a client that had none: "required" (the server ended the connection), "optional" (it went on), None
    certificate_request: Optional[wire.CertificateRequest] = None
    client_auth: Optional[str] = None
    client_auth_alert: Optional[str] = None
    client_auth_http: Optional[str] = None  # the HTTP status line that refused a client without a certificate


def _context(verify: bool, ca_path: Optional[str], alpn: Sequence[str], versions: Optional[Sequence[str]]
             ) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # Level 0 so that TLS 1.0/SHA-1 servers still complete the handshake: weak algorithms are reported by our own
    # analysis, trust here means "the chain leads to a CA in the bundle".
    ctx.set_ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
    if versions:
        mapping = {"TLS 1.0": ssl.TLSVersion.TLSv1, "TLS 1.1": ssl.TLSVersion.TLSv1_1,
                   "TLS 1.2": ssl.TLSVersion.TLSv1_2, "TLS 1.3": ssl.TLSVersion.TLSv1_3}
        wanted = [mapping[v] for v in versions if v in mapping]
        if wanted:
            ctx.minimum_version, ctx.maximum_version = min(wanted), max(wanted)
    if verify:
        ctx.check_hostname = False  # hostname is checked separately so a mismatch and an untrusted CA both show
        ctx.verify_mode = ssl.CERT_REQUIRED
        if ca_path:
            import os

            if os.path.isdir(ca_path):
                ctx.load_verify_locations(capath=ca_path)
            else:
                ctx.load_verify_locations(cafile=ca_path)
        else:
            ctx.load_default_certs()
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    return ctx


def _chain(sock: ssl.SSLSocket) -> Optional[List[bytes]]:
    obj = getattr(sock, "_sslobj", None)
    for owner, name in ((sock, "get_unverified_chain"), (obj, "get_unverified_chain")):
        getter = getattr(owner, name, None)
        if getter is None:
            continue
        try:
            chain = getter()
        except (ssl.SSLError, ValueError, AttributeError):
            continue
        if chain:
            out = []
            for cert in chain:
                # ssl._ssl: the C module's DER constant, which ssl does not re-export
                der = ssl._ssl.ENCODING_DER  # type: ignore[attr-defined]
                out.append(cert if isinstance(cert, bytes) else cert.public_bytes(der))
            return out
    leaf = sock.getpeercert(binary_form=True)
    return [leaf] if leaf else None


# How long a client that was asked for a certificate and sent none waits for the server's verdict: a TLS 1.3 server
# that requires one answers the client's Finished with an alert at once; a web server that leaves the decision to
# HTTP (nginx ssl_verify_client on) answers a request with 400 at once. A server that asks only later, by
# renegotiation (IIS without "Negotiate Client Certificate" on the binding), sends no request here and is not seen.
CLIENT_AUTH_WAIT = 0.5
# The request sent to ask that question: GET, because the refusal's reason is in the body (nginx: "400 No required
# SSL certificate was sent"); at most _HTTP_READ bytes are read.
_HTTP_PROBE = "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
_HTTP_READ = 2048


class _Watch:
    """What the ssl module's message callback saw: the CertificateRequest (decrypted in TLS 1.3) and alerts."""

    def __init__(self) -> None:
        self.request: Optional[wire.CertificateRequest] = None
        self.alerts: List[str] = []

    def __call__(self, _conn: object, direction: str, version: int, content_type: int, msg_type: int,
                 data: bytes) -> None:
        if direction != "read":
            return
        if int(content_type) == wire.CONTENT_HANDSHAKE and int(msg_type) == wire.HS_CERTIFICATE_REQUEST \
                and self.request is None:
            try:
                self.request = wire.parse_certificate_request(bytes(data[4:]), tls13=int(version) >= wire.TLS13)
            except wire.WireError:
                self.request = wire.CertificateRequest(ca_names=["(unreadable CertificateRequest)"])
        elif int(content_type) == wire.CONTENT_ALERT and len(data) >= 2:
            self.alerts.append(wire.ALERTS.get(data[1], "alert_%d" % data[1]))


def ssl_handshake(address: str, port: int, server_name: Optional[str], timeout: float, verify: bool,
                  ca_path: Optional[str] = None, alpn: Sequence[str] = (),
                  versions: Optional[Sequence[str]] = None, sni: bool = True) -> SslResult:
    """Blocking full handshake (run in a worker thread by the engine). ``sni=False`` sends no server name.

    Also tells whether the server asks for a client certificate and what it does to a client that has none:
    the request is read through the ssl module's message callback (a documented-as-debugging hook,
    ``SSLContext._msg_callback``; without it only TLS <= 1.2 flights of the raw hellos show a request)."""
    try:
        ctx = _context(verify, ca_path, alpn, versions)
    except (ssl.SSLError, OSError, ValueError) as exc:
        return SslResult(ok=False, error="cannot build TLS context: %s" % exc)
    watch = _Watch()
    try:
        ctx._msg_callback = watch  # type: ignore[attr-defined]
    except (AttributeError, TypeError):  # another Python: TLS 1.2 flights still show a request
        pass
    name = server_name if sni and server_name and not wire._is_ip(server_name) else None
    try:
        with socket.create_connection((address, port), timeout=timeout) as raw:
            raw.settimeout(timeout)
            with ctx.wrap_socket(raw, server_hostname=name) as sock:
                negotiated = sock.cipher()  # None only before a handshake, and this one has completed
                result = SslResult(ok=True, version=iana.protocol_name(sock.version()),
                                   cipher=negotiated[0] if negotiated else None,
                                   alpn=sock.selected_alpn_protocol(), chain=_chain(sock),
                                   verified=True if verify else None, certificate_request=watch.request)
                if watch.request is not None:  # TLS 1.3: the verdict on our empty Certificate comes after Finished
                    result.client_auth, result.client_auth_http = _client_auth_verdict(
                        sock, watch, min(timeout, CLIENT_AUTH_WAIT), name or address)
                    result.client_auth_alert = watch.alerts[0] if watch.alerts else None
                return result
    except ssl.SSLCertVerificationError as exc:
        return SslResult(ok=False, verified=False, verify_error=exc.verify_message or str(exc),
                         error="certificate verification failed: %s" % (exc.verify_message or exc),
                         certificate_request=watch.request)
    except (ssl.SSLError, OSError, ValueError) as exc:
        failed = SslResult(ok=False, error=str(exc) or exc.__class__.__name__, certificate_request=watch.request)
        if watch.request is not None:  # asked for a certificate, got none, and ended the handshake
            failed.client_auth = "required"
            failed.client_auth_alert = watch.alerts[0] if watch.alerts else None
        return failed


def _client_auth_verdict(sock: ssl.SSLSocket, watch: _Watch, wait: float,
                         host: str) -> Tuple[Optional[str], Optional[str]]:
    """("required" / "optional" / None, the refusing HTTP status line) for a client that was asked for a
    certificate, sent none and finished its side of the handshake: a TLS alert, an HTTP 400/403 naming the
    certificate, or a server that goes on."""
    sock.settimeout(wait)
    data = b""
    try:
        sock.sendall((_HTTP_PROBE % host).encode("idna" if not wire._is_ip(host) else "ascii"))
        data = sock.recv(_HTTP_READ)
        while data and len(data) < _HTTP_READ and b"certificate" not in data.lower():
            more = sock.recv(_HTTP_READ - len(data))
            if not more:
                break
            data += more
    except (socket.timeout, TimeoutError):
        if data:  # an answer came, then silence: judge what came
            return _http_verdict(data)
        return "optional", None  # silence (or session tickets): the server accepted no certificate
    except (ssl.SSLError, OSError, UnicodeError):
        return ("required" if watch.alerts else None), None
    if not data:  # closed: with an alert that is a refusal, without one it says nothing
        return ("required" if watch.alerts else None), None
    return _http_verdict(data)


def _http_verdict(data: bytes) -> Tuple[Optional[str], Optional[str]]:
    head = data.decode("latin-1", "replace")
    status = head.split("\r\n", 1)[0][:120]
    if head.startswith("HTTP/") and status[9:12] in ("400", "403") and "certificate" in head.lower():
        lines = (re.sub(r"<[^>]*>", " ", line).strip() for line in head.split("\n"))
        reason = next((line for line in lines if "certificate" in line.lower()), "")
        return "required", "%s: %s" % (status, re.sub(r"\s+", " ", reason)[:120])
    return "optional", None


LIBRARY = ssl.OPENSSL_VERSION


def local_versions() -> List[str]:
    """Protocol versions the local TLS library (through Python's ssl) can negotiate in the full handshakes; the
    raw hellos speak every version, these handshakes (trust, TLS 1.3 ALPN, client-certificate verdict) do not."""
    out = []
    for name, flag in (("SSL 3.0", "HAS_SSLv3"), ("TLS 1.0", "HAS_TLSv1"), ("TLS 1.1", "HAS_TLSv1_1"),
                       ("TLS 1.2", "HAS_TLSv1_2"), ("TLS 1.3", "HAS_TLSv1_3")):
        if getattr(ssl, flag, False):
            out.append(name)
    return out


def alert_outcome(error: Optional[str]) -> str:
    """An ssl error text as the raw probe would have classified it: ``alert:<name>`` when the text names a TLS
    alert (OpenSSL: "tlsv1 unrecognized name", "sslv3 alert handshake failure"), else ``error``."""
    text = (error or "").lower()
    for name in wire.ALERTS.values():
        if name.replace("_", " ") in text:
            return "alert:" + name
    return "error"


async def lookup(host: str, port: int) -> Dict[str, object]:
    """The address to probe: an IP literal as it is, a name through ``resolve`` in a worker thread (getaddrinfo
    blocks; a literal needs neither the lookup nor the thread)."""
    if wire._is_ip(host):
        return {"address": host.strip("[]")}
    return await asyncio.get_running_loop().run_in_executor(None, resolve, host, port)


def resolve(host: str, port: int) -> Dict[str, object]:
    """getaddrinfo once per target; the probes then use the address (and the name for SNI)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        return {"error": "cannot resolve %r: %s" % (host, exc)}
    families = sorted(infos, key=lambda i: 0 if i[0] == socket.AF_INET else 1)
    return {"address": families[0][4][0]}
