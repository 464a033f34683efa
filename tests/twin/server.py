"""The twin process: WinRM over HTTP and HTTPS and an IIS-like HTTPS port, a lifetime, and reboots.

One process per twin, one thread per connection (``ThreadingHTTPServer``): idle twins cost no CPU, so twenty of
them fit on two cores. The HTTPS listeners pass every connection through the Schannel gate (``tlsgate``) and
then through an ``ssl`` context built from the configuration derived at boot; a reboot closes the listeners and
every open connection, waits, re-derives, and binds the same ports again.
"""
from __future__ import annotations

import base64
import http.server
import json
import os
import signal
import ssl
import threading
import time

from . import tlsgate
from .dispatch import Executor
from .host import TwinConfig, TwinHost
from .winrs import DropConnection, WinRS


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, twin: "Twin", tls: bool, alpn=None):
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

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, dummy, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        cfg = self.server.twin.host.config
        return user.split("\\")[-1].lower() == cfg.user.lower() and password == cfg.password

    def _reply(self, status: int, body: bytes, extra=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        data = self.rfile.read(length)
        if not self._authorised():
            self._reply(401, b"", {"WWW-Authenticate": 'Basic realm="WSMAN"'})
            return
        if self.path.rstrip("/").lower() != "/wsman":
            self._reply(404, b"")
            return
        try:
            status, body = self.server.twin.winrs.handle(data)
        except DropConnection:
            tlsgate.reset(self.connection)
            self.close_connection = True
            return
        self._reply(status, body)


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

    def __init__(self, config: TwinConfig):
        self.host = TwinHost(config)
        self.host.endpoints = self
        self.winrs = WinRS(Executor(self.host), f"http://{config.address}/wsman")
        self.connections: set = set()
        self.servers: dict = {}
        self.ports = {name: int(config.ports.get(name, 0)) for name, dummy, dummy2 in self.LISTENERS}

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


def serve(config: TwinConfig) -> None:
    """Run one twin in this process until its lifetime ends or SIGTERM arrives."""
    deadline = time.monotonic() + config.lifetime
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    twin = Twin(config)
    twin.start()
    while not stop.is_set() and time.monotonic() < deadline:
        stop.wait(min(1.0, max(0.0, deadline - time.monotonic())))
    twin.host.state = "stopped"
    try:
        twin.host.write_status()
    finally:
        os._exit(0)


def config_from_json(text: str) -> TwinConfig:
    return TwinConfig(**json.loads(text))
