"""The HTML report in a real headless browser (Debian chromium): it renders, and the matrix has the right colours.

Two independent checks: the DOM chromium parsed (``--dump-dom``) carries the expected cell classes, and a
screenshot shows the matrix colours at the expected places (a red cell left of a green cell in the first host's
row, green cells in the second row). The matrix colours are used nowhere else on the page, so the cells can be
found by exact pixel colour; the anti-aliased text inside them does not matter.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import results as tls
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients import CLIENTS
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.model import FleetReport
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.write import write_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
GREEN = (0x2D, 0xA4, 0x4E)
RED = (0xCF, 0x22, 0x2E)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed (apt-get install chromium)"),
]

EVIL_SUBJECT = 'CN=<script>document.title="pwned"</script><img src=x onerror=alert(1)>'


def target(port, protocols, clients, policies, subject="CN=web"):
    """A tls_verify result as the module returns it (the prober's TargetResult.to_dict())."""
    leaf = tls.CertificateInfo(
        subject=subject, issuer="CN=Test CA", serial="01", not_before="2026-01-01T00:00:00Z",
        not_after="2027-01-01T00:00:00Z", days_left=30, lifetime_days=365, expired=False, not_yet_valid=False,
        key_type="rsa", key_size=2048, curve=None, signature_algorithm="sha256WithRSAEncryption",
        signature_hash="sha256", san_dns=[], san_ip=[], is_ca=False, self_signed=True, sha256_fingerprint="00")
    return tls.TargetResult(
        host="127.0.0.1", port=port, sni=None, reachable=True,
        protocols={v: tls.ProtocolResult(v, True, list(s)) for v, s in protocols.items()},
        certificate=tls.CertificateResult(source="ssl", chain=[leaf], chain_length=1),
        clients={key: tls.ClientResult(client=key, label=CLIENTS[key].label, connects=ok, protocol=proto,
                                       cipher_suite=suite, symptom=None if ok else "tcp_reset",
                                       reason=None if ok else "no shared cipher suite: TLS 1.2 is disabled")
                 for key, (ok, proto, suite) in clients.items()},
        policies={name: tls.PolicyResult(name, passed, [] if passed else [tls.Violation("protocol", "TLS 1.2 not "
                                                                                                    "offered")])
                  for name, passed in policies.items()},
    ).to_dict()


def known_run():
    """web2008 before hardening (iOS 9 ATS red, IE 11 green) and web2022 after (both green)."""
    return {
        "web2008": {
            "windows_version": "2008r2", "profile": "ios_ats", "mode": "verify", "failed": True,
            "failed_step": "verify", "msg": "verification failed: policy not met: ios_ats",
            "findings": [{"code": "SCH001", "severity": "error", "item": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                          "message": "does not exist on Windows Server 2008 R2",
                          "fix": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256"}],
            "verify": [target(8443, {"TLS 1.0": ["TLS_RSA_WITH_AES_128_CBC_SHA"]},
                              {"ios9_ats": (False, None, None),
                               "ie11_win7": (True, "TLS 1.0", "TLS_RSA_WITH_AES_128_CBC_SHA")},
                              {"ios_ats": False}, subject=EVIL_SUBJECT)],
        },
        "web2022": {
            "windows_version": "2022", "profile": "ios_ats", "rebooted": True, "reboot_required": True,
            "changes": [{"path": "HKLM\\SYSTEM\\...\\TLS 1.0\\Server", "name": "Enabled",
                         "before": {"type": "dword", "data": 1}, "after": {"type": "dword", "data": 0}}],
            "verify": [target(8443, {"TLS 1.2": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]},
                              {"ios9_ats": (True, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                               "ie11_win7": (True, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")},
                              {"ios_ats": True})],
        },
    }


def every_client_run():
    """Two hosts probed with every client of the table (pywinrm last): the widest matrix the report draws."""
    suite = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"
    return {name: {"windows_version": "2008r2", "profile": "ios_ats",
                   "verify": [target(443, {"TLS 1.2": [suite]},
                                     {key: (i % 3 != 1, "TLS 1.2", suite) for i, key in enumerate(CLIENTS)},
                                     {"ios_ats": True, "mozilla_intermediate": False})]}
            for name in ("web2008-with-a-long-host-name.example.internal", "web2012r2")}


def chromium(tmp_path, *args, timeout=60):
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=%s" % profile, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True,
                          env={**os.environ, "HOME": str(tmp_path)})


def read_png(path):
    """Decode an 8-bit non-interlaced RGB/RGBA PNG (what chromium writes) into rows of (r, g, b) tuples."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    idat = b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _row in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return rows


def regions(rows, colour, min_pixels=200):
    """Bounding boxes (x0, y0, x1, y1) of the connected areas of exactly ``colour`` (4-neighbourhood)."""
    height, width = len(rows), len(rows[0])
    seen = set()
    boxes = []
    for y in range(height):
        for x in range(width):
            if rows[y][x] != colour or (x, y) in seen:
                continue
            stack, count = [(x, y)], 0
            seen.add((x, y))
            x0 = x1 = x
            y0 = y1 = y
            while stack:
                cx, cy = stack.pop()
                count += 1
                x0, x1, y0, y1 = min(x0, cx), max(x1, cx), min(y0, cy), max(y1, cy)
                for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                    if 0 <= nx < width and 0 <= ny < height and (nx, ny) not in seen and rows[ny][nx] == colour:
                        seen.add((nx, ny))
                        stack.append((nx, ny))
            if count >= min_pixels:
                boxes.append((x0, y0, x1, y1))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


class CellClasses(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.row, self.title, self.in_title = [], None, "", False
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-host" in attrs:
            self.row = (attrs["data-host"], [])
            self.rows.append(self.row)
        if tag == "td" and "data-client" in attrs and self.row is not None:
            self.row[1].append((attrs["data-client"], set(attrs["class"].split())))
        if tag == "script":
            self.scripts += 1
        self.in_title = tag == "title"

    def handle_data(self, data):
        if self.in_title:
            self.title += data

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    report = FleetReport.from_results(known_run(), generated="2026-01-01T00:00:00Z")
    paths = write_report(report, str(out / "r"), formats=("html",))
    return out, paths["html"]


def test_chromium_parses_the_page_with_the_expected_cell_classes(page):
    tmp_path, html_path = page
    dom = chromium(tmp_path, "--dump-dom", "file://" + html_path).stdout
    parsed = CellClasses()
    parsed.feed(dom)
    matrix = [(host, [(client, "cell-ok" in cls, "cell-fail" in cls) for client, cls in cells])
              for host, cells in parsed.rows if cells]
    assert matrix == [
        ("web2008", [("ios9_ats", False, True), ("ie11_win7", True, False)]),
        ("web2022", [("ios9_ats", True, False), ("ie11_win7", True, False)]),
    ]
    # the hostile certificate subject stayed text: no script ran (the title is unchanged) and none was parsed
    assert parsed.scripts == 0
    assert parsed.title == "tlsops.schannel fleet report"
    assert "&lt;script&gt;" in dom


def test_screenshot_shows_red_and_green_cells_where_expected(page):
    tmp_path, html_path = page
    shot = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=1280,900", "--screenshot=%s" % shot, "file://" + html_path)
    rows = read_png(str(shot))
    red, green = regions(rows, RED), regions(rows, GREEN)
    assert len(red) == 1, red
    assert len(green) == 3, green
    (rx0, ry0, rx1, ry1) = red[0]
    first_row_green = [g for g in green if abs(g[1] - ry0) <= 2]
    second_row_green = [g for g in green if g[1] > ry1]
    assert len(first_row_green) == 1 and first_row_green[0][0] > rx1      # IE 11 green, right of iOS 9 red
    assert len(second_row_green) == 2                                      # web2022: both green
    assert second_row_green[0][0] == pytest.approx(rx0, abs=2)             # same column as the red cell
    if os.environ.get("TLSOPS_SAVE_SCREENSHOT"):
        shutil.copy(shot, os.environ["TLSOPS_SAVE_SCREENSHOT"])


def test_the_widest_matrix_fits_a_1400_px_laptop_screen_pywinrm_column_included(tmp_path):
    """Every client of the table as a column (13): each row shows all 13 cells, the last one (pywinrm) whole."""
    report = FleetReport.from_results(every_client_run(), generated="2026-01-01T00:00:00Z")
    assert report.clients[-1].key == "pywinrm" and len(report.clients) == len(CLIENTS)
    html_path = write_report(report, str(tmp_path / "r"), formats=("html",))["html"]
    shot = tmp_path / "wide.png"
    chromium(tmp_path, "--window-size=1400,900", "--screenshot=%s" % shot, "file://" + html_path)
    rows = read_png(str(shot))
    width = len(rows[0])
    cells = sorted(regions(rows, RED, min_pixels=100) + regions(rows, GREEN, min_pixels=100))
    first_row = [c for c in cells if abs(c[1] - min(b[1] for b in cells)) <= 2]
    assert len(first_row) == len(CLIENTS), first_row
    rightmost = max(c[2] for c in first_row)
    # the pywinrm cell ends inside the window, with the page margin to spare: nothing scrolls or is cut off
    assert rightmost < width - 10, (rightmost, width)
    if os.environ.get("TLSOPS_SAVE_SCREENSHOT"):
        shutil.copy(shot, os.environ["TLSOPS_SAVE_SCREENSHOT"] + ".wide.png")
