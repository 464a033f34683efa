"""The twin process: WinRM over HTTP and HTTPS and an IIS-like HTTPS port, a lifetime, and reboots.

One process per twin, one thread per connection (``ThreadingHTTPServer``): idle twins cost no CPU, so twenty of
them fit on two cores. The HTTPS listeners pass every connection through the Schannel gate (``tlsgate``) and
then through an ``ssl`` context built from the configuration derived at boot; a reboot closes the listeners and
every open connection, waits, re-derives, and binds the same ports again.
"""
from __future__ import annotations

import http.server
import json
import os
import signal
import ssl
import threading
import time

from spnego.exceptions import SpnegoError

from . import tlsgate, winrm_auth, wsman
from .dispatch import Executor
from .host import TwinConfig, TwinHost
from .psrp import PSRPEndpoint
from .winrs import DropConnection, WinRS


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, twin: Twin, tls: bool, alpn=None):
        self.twin, self.tls, self.alpn = twin, tls, alpn
        self.ssl_context = twin.host.served.context(alpn) if tls and twin.host.served is not None else None
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        raw = request
        self.twin.connections.add(raw)  # a reboot resets every open connection
        try:
            if self.tls:
                request = self._handshake(raw)
                if request is None:
                    return
            self.RequestHandlerClass(request, client_address, self)
        finally:
            self.twin.connections.discard(raw)

    def _handshake(self, sock):
        try:
            hello = tlsgate.parse_hello(tlsgate.peek_hello(sock))
        except OSError:
            sock.close()
            return None
        if hello is None:
            sock.close()
            return None
        ok, _why = tlsgate.shares_something(self.twin.host.served, hello)
        if not ok or self.ssl_context is None:
            tlsgate.reset(sock)
            return None
        try:
            sock.settimeout(30)
            return self.ssl_context.wrap_socket(sock, server_side=True)
        except (ssl.SSLError, OSError):
            sock.close()
            return None

    def handle_error(self, request, client_address):
        pass  # a client going away mid-request is normal (reboots, RST tests)


class _WinRMHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-HTTPAPI/2.0"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # NTLM authenticates the TCP connection: one state per connection, i.e. per handler instance
        self.auth = winrm_auth.ConnectionAuth(self.server.twin.winrm_service, self.server.tls,
                                              self.server.twin.channel_binding() if self.server.tls else None)

    def _reply(self, status: int, body: bytes, extra=(), content_type="application/soap+xml;charset=UTF-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        data = self.rfile.read(length)
        try:
            token = self.auth.authenticate(self.headers.get("Authorization", ""))
            soap, encrypted = self.auth.open(self.headers.get("Content-Type", ""), data)
        except winrm_auth.AuthRefused as refused:
            self._reply(401, b"", [("WWW-Authenticate", c) for c in refused.args[0]])
            return
        except winrm_auth.EncryptionRequired as exc:
            self._reply(400, wsman.fault("", wsman.FAULT_ACCESS_DENIED, str(exc)))
            return
        except (ValueError, SpnegoError):  # a sealed body the session keys do not open
            # Windows answers a bare 400 here (no SOAP fault): ansible-core's winrm connection relies on it to ignore
            # the cleanup message pywinrm re-sends, sealed for the old socket, after a dropped connection.
            self._reply(400, b"")
            return
        extra = [("WWW-Authenticate", token)] if token else []
        if self.path.rstrip("/").lower() != "/wsman":
            self._reply(404, b"", extra)
            return
        if not soap:  # pywinrm's empty POST that sets up the session keys before the first sealed message
            self._reply(200, b"", extra)
            return
        try:
            status, body = self.server.twin.winrs.handle(soap)
        except DropConnection:
            tlsgate.reset(self.connection)
            self.close_connection = True
            return
        if encrypted:
            self._reply(status, self.auth.seal(body), extra, winrm_auth.ENCRYPTED_CONTENT_TYPE)
        else:
            self._reply(status, body, extra)


class _IISHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    timeout = 120  # idle keep-alive connections of probes and browsers do not pin a thread for the whole lifetime

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = f"<html><body>IIS on {self.server.twin.host.name} (twin)</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET


class Twin:
    """Listeners of one twin; ``host.endpoints`` points here so a reboot can stop and restart them."""

    LISTENERS = (("winrm_http", _WinRMHandler, False), ("winrm_https", _WinRMHandler, True), ("https", _IISHandler, True))

    def __init__(self, config: TwinConfig, winrm_basic: bool = False):
        self.host = TwinHost(config)
        self.winrm_service = winrm_auth.WinRMService(config.name, config.user, config.password, basic=winrm_basic)
        winrm_auth.write_user_file(self.host.dir / "ntlm_users", config.name, config.user, config.password)
        self._binding = None
        self.host.endpoints = self
        executor = Executor(self.host)
        self.winrs = WinRS(executor, f"http://{config.address}/wsman",
                           psrp=PSRPEndpoint(executor, f"http://{config.address}/wsman", self.host.powershell_version))
        self.connections: set = set()
        self.servers: dict = {}
        self.ports = {name: int(config.ports.get(name, 0)) for name, dummy, dummy2 in self.LISTENERS}

    def channel_binding(self):
        """The HTTPS listeners' ``tls-server-end-point`` binding (the certificate survives reboots)."""
        if self._binding is None:
            from cryptography import x509
            from cryptography.hazmat.primitives.serialization import Encoding
            cert = x509.load_pem_x509_certificate((self.host.dir / "cert.pem").read_bytes())
            hash_name = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else "sha256"
            self._binding = winrm_auth.endpoint_binding(cert.public_bytes(Encoding.DER), hash_name)
        return self._binding

    def start(self) -> None:
        for name, handler, tls in self.LISTENERS:
            server = self._bind(name, handler, tls)
            self.ports[name] = server.server_address[1]
            self.servers[name] = server
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        self.host.ports = dict(self.ports)
        self.host.write_status()

    def _alpn(self, name):
        """IIS 10 (2016+) offers HTTP/2 over TLS when asked to (``--alpn h2,http/1.1``); WinRM never does."""
        from .knowledge import versions
        if name != "https" or not self.host.config.alpn or not versions().at_least(self.host.version, "2016"):
            return None
        return self.host.config.alpn

    def _bind(self, name, handler, tls):
        for _attempt in range(50):  # after a reboot the old port may linger a moment
            try:
                return _Server((self.host.config.address, self.ports[name]), handler, self, tls, self._alpn(name))
            except OSError:
                if not self.ports[name]:
                    raise
                time.sleep(0.1)
        return _Server((self.host.config.address, self.ports[name]), handler, self, tls, self._alpn(name))

    def refresh_tls(self) -> None:
        """Serve a re-derived configuration without a reboot (the local CNG list changes live)."""
        for server in self.servers.values():
            if server.tls:
                server.ssl_context = self.host.served.context(server.alpn) if self.host.served is not None else None

    def stop(self) -> None:
        servers, self.servers = self.servers, {}
        for server in servers.values():
            server.shutdown()
            server.server_close()
        for conn in list(self.connections):
            tlsgate.reset(conn)
        self.connections.clear()


def serve(config: TwinConfig, winrm_basic: bool = False) -> None:
    """Run one twin in this process until its lifetime ends or SIGTERM arrives."""
    deadline = time.monotonic() + config.lifetime
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    twin = Twin(config, winrm_basic=winrm_basic)
    twin.start()
    while not stop.is_set() and time.monotonic() < deadline:
        stop.wait(min(1.0, max(0.0, deadline - time.monotonic())))
    twin.host.state = "stopped"
    try:
        twin.host.write_status()
    finally:
        os._exit(0)


def config_from_json(text: str) -> tuple[TwinConfig, dict]:
    """(host config, listener options): ``winrm_basic`` belongs to the WinRM service, not to the host model."""
    fields = json.loads(text)
    options = {"winrm_basic": bool(fields.pop("winrm_basic", False))}
    return TwinConfig(**fields), options
