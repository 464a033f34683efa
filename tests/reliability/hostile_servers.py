"""In-process hostile servers on 127.0.0.1 for the reliability suite.

Each server is a daemon thread that accepts until its deadline (bounded lifetime), serves one behaviour per
connection and closes; ``stop()`` closes the listening socket. Nothing binds outside 127.0.0.0/8.
"""
from __future__ import annotations

import socket
import ssl
import struct
import threading
import time

# one reader of a ClientHello record for every test server of the project
from ansible_collections.tlsops.schannel.tests.integration.tls.tls_servers import read_hello


SERVER_HELLO = (b"\x02\x00\x00\x26\x03\x03" + b"\x11" * 32 + b"\x00\xc0\x2f\x00")  # TLS 1.2, ECDHE-RSA-AES128-GCM


def _record(ctype, payload):
    return struct.pack(">BHH", ctype, 0x0303, len(payload)) + payload


class HostileServer:
    """``mode``: ``renegotiate`` (ServerHello, then HelloRequest records forever), ``hello_request`` (HelloRequest
    forever, no ServerHello), ``drip_flight`` (a valid ServerHello, then a Certificate message one byte a tick),
    ``tls`` (a real TLS server with ``context``)."""

    def __init__(self, mode, lifetime=30.0, context=None):
        self.mode = mode
        self.context = context
        self.deadline = time.time() + lifetime
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while time.time() < self.deadline:
            try:
                conn, dummy = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()
        self.stop()

    def _serve(self, conn):
        try:
            if self.mode == "tls":
                conn.settimeout(5)
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    try:
                        tls.recv(1024)
                    except (ssl.SSLError, OSError):
                        pass
                return
            read_hello(conn)
            end = min(self.deadline, time.time() + 20)
            if self.mode == "renegotiate":
                conn.sendall(_record(22, SERVER_HELLO))
                while time.time() < end:
                    conn.sendall(_record(22, b"\x00\x00\x00\x00") * 64)  # HelloRequest, again and again
                    time.sleep(0.01)
            elif self.mode == "hello_request":
                while time.time() < end:
                    conn.sendall(_record(22, b"\x00\x00\x00\x00"))
                    time.sleep(0.01)
            elif self.mode == "drip_flight":
                conn.sendall(_record(22, SERVER_HELLO))
                body = _record(22, b"\x0b\x00\x10\x00" + b"\x00" * 4096)
                for byte in body:
                    if time.time() > end:
                        break
                    conn.sendall(bytes([byte]))
                    time.sleep(0.2)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self):
        self.deadline = 0
        try:
            self.sock.close()
        except OSError:
            pass
