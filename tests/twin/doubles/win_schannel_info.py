"""``tlsops.schannel.win_schannel_info``: what ``win_schannel_info.ps1`` reads, from the twin's state.

``registry`` is the dump of the requested keys; ``os`` comes from the personality; ``tls_cipher_suites`` /
``tls_ecc_curves`` are the local CNG lists (``null`` before 2016, where the TLS cmdlets do not exist);
``bindings`` are the twin's two HTTPS listeners (IIS-like port and WinRM HTTPS) with its certificate;
``reboot_pending`` is read from the same registry markers the .ps1 reads (the twin does not set them: like
Windows, it does not know that a Schannel change waits for a reboot).
"""
from __future__ import annotations

from ..knowledge import catalogue, effective, versions
from . import common

OPTIONS = ("keys", "cipher_suites", "bindings")
LOCAL_SSL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002"
_PENDING = (
    ("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending", None,
     "Component Based Servicing (updates or features) waits for a reboot"),
    ("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired", None,
     "Windows Update waits for a reboot"),
    ("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager", "PendingFileRenameOperations",
     "files are queued for replacement at boot (PendingFileRenameOperations)"),
)


def has_tls_cmdlets(version: str) -> bool:
    return versions().at_least(version, "2016")


def local_suites(host) -> list:
    value = host.registry.get_value(LOCAL_SSL, "Functions")
    if value is not None:
        data = value["data"]
        return list(data) if isinstance(data, list) else [s for s in str(data).split(",") if s]
    return catalogue().default_order(host.version)


def local_curves(host) -> list:
    value = host.registry.get_value(LOCAL_SSL, "EccCurves")
    return list(value["data"]) if value is not None else list(effective().DEFAULT_CURVES)


def run(host, args: dict) -> dict:
    bad = common.unsupported(args, OPTIONS)
    if bad:
        return bad
    version = versions().WINDOWS_VERSIONS[host.version]
    result = {
        "changed": False,
        "registry": host.registry.dump(args.get("keys") or []),
        "os": {"version": version.version_string, "build": version.build,
               "caption": f"Microsoft {version.label} Datacenter", "installation_type": "Server"},
        "last_boot_time": host.boot_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tls_cipher_suites": None,
        "tls_ecc_curves": None,
        "bindings": None,
    }
    if args.get("cipher_suites", True) and has_tls_cmdlets(host.version):
        cat = catalogue()
        result["tls_cipher_suites"] = [
            {"name": name, "code": getattr(cat.get(name, host.version), "iana_code", None)} for name in local_suites(host)]
        result["tls_ecc_curves"] = local_curves(host)
    if args.get("bindings", True):
        cert = host.certificate.facts()
        result["bindings"] = [
            dict({"ip": "0.0.0.0", "hostname": None, "port": host.ports.get(port)}, **cert)
            for port in ("https", "winrm_https") if host.ports.get(port)]
    reasons = []
    for path, name, reason in _PENDING:
        present = host.registry.get_value(path, name) is not None if name else host.registry.key_exists(path)
        if present:
            reasons.append(reason)
    result["reboot_pending"] = bool(reasons)
    result["reboot_pending_reasons"] = reasons
    return result
