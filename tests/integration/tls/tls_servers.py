"""Test servers for tls_verify, run as subprocesses: ``python tls_servers.py MODE --port-file F --lifetime S ...``.

Every server binds 127.0.0.1 only, exits by itself after ``--lifetime`` seconds, and is stopped by the test by PID.
Modes:
  tls      a Python ``ssl`` server (cipher string, protocol range, server order, ALPN, certificate chain,
           --require-sni NAME: refuse other names and hellos without one, as IIS "Require SNI" does)
  reset    reads the ClientHello, then resets the TCP connection (Schannel's answer to "no shared suite")
  silent   accepts and never answers
  http     answers like a plain HTTP server
  garbage  answers with random non-TLS bytes
  badlen   answers with a handshake record whose length field exceeds what follows, then closes
  endless  answers with an endless stream of valid-looking handshake records
  drip     sends a ServerHello one byte per second
  sslv2    Windows Server 2008 R2 with only its default-on SSL 2.0 server left: answers an SSL 2.0 CLIENT-HELLO
           with a SERVER-HELLO (certificate + the shared cipher kinds, RC4-MD5 and DES-CBC3-MD5 first, as
           schannel-facts §5 lists them), and resets every TLS hello
"""
from __future__ import annotations

import argparse
import os
import socket
import ssl
import struct
import sys
import threading
import time


def serve_tls(conn: socket.socket, ctx: ssl.SSLContext) -> None:
    try:
        conn.settimeout(5)
        with ctx.wrap_socket(conn, server_side=True) as tls:
            try:
                tls.recv(1024)
            except (ssl.SSLError, OSError):
                pass
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    except (ssl.SSLError, OSError):
        pass


def read_hello(conn: socket.socket) -> bytes:
    conn.settimeout(5)
    data = b""
    try:
        while len(data) < 5 or len(data) < 5 + struct.unpack(">H", data[3:5])[0]:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


# SSL 2.0 cipher kinds the fake 2008 R2 server shares, in its order (schannel-facts §5: D39/D40 + export RC4)
SSL2_SERVER_KINDS = (0x010080, 0x0700C0, 0x020080)


def serve_sslv2(conn: socket.socket, certificate_der: bytes) -> None:
    conn.settimeout(5)
    head = b""
    try:
        while len(head) < 3:
            chunk = conn.recv(65536)
            if not chunk:
                return
            head += chunk
        if not (head[0] & 0x80 and head[2] == 1):  # a TLS record: no SSL 3.0/TLS here
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        length = ((head[0] & 0x7F) << 8) | head[1]
        while len(head) < 2 + length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            head += chunk
        body = head[2:2 + length]
        specs_len = struct.unpack(">H", body[3:5])[0]
        offered = [int.from_bytes(body[9 + i:12 + i], "big") for i in range(0, specs_len, 3)]
        shared = b"".join(k.to_bytes(3, "big") for k in SSL2_SERVER_KINDS if k in offered)
        connection_id = os.urandom(16)
        hello = struct.pack(">BBBHHHH", 4, 0, 1, 0x0002, len(certificate_der), len(shared), len(connection_id))
        hello += certificate_der + shared + connection_id
        conn.sendall(struct.pack(">H", 0x8000 | len(hello)) + hello)
        conn.recv(1024)  # the client hangs up here (the prober never sends CLIENT-MASTER-KEY)
    except OSError:
        pass
    finally:
        conn.close()


def serve_raw(conn: socket.socket, mode: str, deadline: float) -> None:
    try:
        if mode == "silent":
            conn.settimeout(max(deadline - time.time(), 0.1))
            try:
                while conn.recv(65536):
                    pass
            except OSError:
                pass
            return
        read_hello(conn)
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "http":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 11\r\n\r\n"
                         b"Bad Request")
        elif mode == "garbage":
            conn.sendall(b"\x00\xffgarbage-not-tls" + os.urandom(64))
        elif mode == "badlen":
            conn.sendall(b"\x16\x03\x03\x40\x00\x02\x00\x00\x46\x03\x03")
        elif mode == "endless":
            record = b"\x17\x03\x03\x00\x04\x00\x00\x00\x00"  # well-formed application-data records, forever
            while time.time() < deadline:
                conn.sendall(record * 512)
        elif mode == "drip":
            hello = b"\x16\x03\x03\x00\x2a\x02\x00\x00\x26\x03\x03" + b"\x00" * 32 + b"\x00\xc0\x2f\x00"
            for byte in hello:
                if time.time() > deadline:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(1.0)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def build_context(args) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if args.ciphers:  # before the certificate: @SECLEVEL=0 is what lets a SHA-1 chain load
        ctx.set_ciphers(args.ciphers)
    ctx.load_cert_chain(args.cert, args.key)
    if args.cert2:
        ctx.load_cert_chain(args.cert2, args.key2)
    versions = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2,
                "1.3": ssl.TLSVersion.TLSv1_3}
    ctx.minimum_version = versions[args.min]
    ctx.maximum_version = versions[args.max]
    if args.server_order:
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
    else:  # Python's server context prefers its own order by default
        ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    if args.curve:
        ctx.set_ecdh_curve(args.curve)
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    ctx.options |= getattr(ssl, "OP_NO_TICKET", 0)
    if args.require_sni:  # like nginx's ssl_reject_handshake / IIS "Require SNI": no or another name -> alert
        wanted = args.require_sni.lower()

        def servername(_sock, name, _ctx):
            if name is None or name.lower() != wanted:
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            return None
        ctx.sni_callback = servername
    return ctx


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["tls", "reset", "silent", "http", "garbage", "badlen", "endless", "drip",
                                         "sslv2"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--lifetime", type=float, default=60)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--cert2")
    parser.add_argument("--key2")
    parser.add_argument("--min", default="1.2")
    parser.add_argument("--max", default="1.3")
    parser.add_argument("--ciphers")
    parser.add_argument("--server-order", action="store_true")
    parser.add_argument("--curve")
    parser.add_argument("--alpn")
    parser.add_argument("--require-sni", help="refuse hellos without this server name (unrecognized_name alert)")
    args = parser.parse_args()
    deadline = time.time() + args.lifetime
    ctx = build_context(args) if args.mode == "tls" else None
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(256)
    srv.settimeout(0.5)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(str(srv.getsockname()[1]))
    os.replace(tmp, args.port_file)
    while time.time() < deadline:
        try:
            conn, _peer = srv.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        if args.mode == "sslv2":
            with open(args.cert) as fh:
                target, argv = serve_sslv2, (conn, ssl.PEM_cert_to_DER_cert(fh.read()))
        elif ctx is not None:
            target, argv = serve_tls, (conn, ctx)
        else:
            target, argv = serve_raw, (conn, args.mode, deadline)
        threading.Thread(target=target, args=argv, daemon=True).start()
    srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
