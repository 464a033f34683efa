"""``tlsops.schannel.win_schannel_info``: what ``win_schannel_info.ps1`` reads, from the twin's state.

- ``registry``: the dump of the requested keys (each must start with ``HKLM\\``), spelled from the key as given,
  depth-first, every value with its kind (``none``, ``unknown`` included; a default value has the name "").
- ``os``: version and build from the personality, ``caption`` as ``Win32_OperatingSystem.Caption`` gives it,
  ``installation_type`` read from ``HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion`` (null when absent).
- ``tls_cipher_suites`` / ``tls_ecc_curves``: the local CNG lists, each only when its cmdlet exists on the release
  (``null`` otherwise or with ``cipher_suites: false``; ``[]`` when read and empty).
- ``bindings``: every HTTP.sys binding in the twin's registry (``SslBindingInfo``, ``SslSniBindingInfo``,
  ``SslCcsBindingInfo``), with the certificate facts from the twin's certificate store by thumbprint.
- ``reboot_pending``: the markers ansible.windows ``setup`` reads (the twin does not set them: like Windows, it
  does not know that a Schannel change waits for a reboot).
- ``read_errors``: a key that cannot be read (fault ``fail_reads``) is listed ``{what, error}`` with a warning and
  the run goes on.
"""
from __future__ import annotations

from ..knowledge import catalogue, effective, versions
from .. import personality
from ..registry import RegistryWriteError
from . import common

LOCAL_SSL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002"
HTTP_PARAMETERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters"
BINDING_KINDS = (("SslBindingInfo", "ip"), ("SslSniBindingInfo", "sni"), ("SslCcsBindingInfo", "ccs"))
CERT_FACTS = ("subject", "key_type", "key_size", "signature_hash", "not_after")
# (key, value or None for "the key exists", reason), as ansible.windows setup.ps1 checks them
_PENDING = (
    ("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending", None,
     "Component Based Servicing (updates or features) waits for a reboot"),
    ("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired", None,
     "Windows Update waits for a reboot"),
    ("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager", "PendingFileRenameOperations",
     "files are queued for replacement at boot (PendingFileRenameOperations)"),
    ("HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache", "RestartRequired",
     "Server Manager waits for a reboot (ServerComponentCache RestartRequired)"),
)


def has_cmdlet(host, cmdlet: str) -> bool:
    return personality.has_cmdlet(host.version, cmdlet)


def has_tls_cmdlets(version: str) -> bool:
    return personality.has_cmdlet(version, "Get-TlsCipherSuite")


def local_suites(host) -> list:
    """``Get-TlsCipherSuite`` names: the stored local list, or the release's default order before any change."""
    value = host.registry.get_value(LOCAL_SSL, "Functions")
    if value is not None:
        data = value["data"]
        return list(data) if isinstance(data, list) else [s for s in str(data).split(",") if s]
    return catalogue().default_order(host.version)


def local_curves(host) -> list:
    value = host.registry.get_value(LOCAL_SSL, "EccCurves")
    return list(value["data"]) if value is not None else list(effective().DEFAULT_CURVES)


def ps_truthy(value) -> bool:
    """PowerShell's ``[bool]`` of a registry value's data (an empty REG_MULTI_SZ or a 0 DWORD is false)."""
    if value is None:
        return False
    data = value["data"]
    if isinstance(data, list):
        return len(data) > 1 or (len(data) == 1 and ps_truthy({"data": data[0]}))
    return bool(data)


def _bindings(host, read_errors: list) -> list:
    store = host.registry
    out = []
    for kind_key, kind in BINDING_KINDS:
        root = f"{HTTP_PARAMETERS}\\{kind_key}"
        for endpoint in store.child_names(root):
            path = f"{root}\\{endpoint}"
            try:
                _check_read(host, path)
            except RegistryWriteError as exc:
                read_errors.append({"what": f"binding {kind_key}\\{endpoint}", "error": str(exc)})
                continue
            host_part, _sep, port = endpoint.rpartition(":")
            binding = {"kind": kind, "ip": None, "hostname": None, "port": int(port), "thumbprint": None,
                       "ccs": kind == "ccs"}
            if kind == "sni":
                binding["hostname"] = host_part
            else:
                binding["ip"] = host_part.strip("[]")
            cert_hash = store.get_value(path, "SslCertHash")
            if kind != "ccs" and cert_hash is not None:
                binding["thumbprint"] = bytes(cert_hash["data"]).hex().upper()
                store_name = (store.get_value(path, "SslCertStoreName") or {"data": "MY"})["data"]
                facts = getattr(host, "cert_store", {}).get(str(store_name).upper(), {}).get(binding["thumbprint"]) or {}
                binding.update({k: facts.get(k) for k in CERT_FACTS})
            out.append(binding)
    return out


def _check_read(host, path: str) -> None:
    """Fault ``fail_reads``: opening this key for reading is refused, as an ACL would refuse it."""
    faults = getattr(host, "faults", None)
    if faults is not None:
        faults.check_read(path)


def _dump(host, keys: list, read_errors: list) -> dict:
    out = {}
    for root in keys:
        unreadable = []  # a key that cannot be opened hides its subkeys too
        for path, values in host.registry.subtree(root).items():
            if any(path.lower().startswith(u.lower() + "\\") for u in unreadable):
                continue
            try:
                _check_read(host, path)
            except RegistryWriteError as exc:
                read_errors.append({"what": f"registry key {path}", "error": str(exc)})
                unreadable.append(path)
                continue
            out[path] = values
    return out


def _info(host, params: dict) -> dict:
    for path in params["keys"]:
        if not path.upper().startswith("HKLM\\"):
            return {"failed": True, "msg": f"keys: '{path}' must start with 'HKLM\\'"}
    read_errors: list = []
    version = versions().WINDOWS_VERSIONS[host.version]
    installation = host.registry.get_value(personality.CURRENT_VERSION_KEY, "InstallationType")
    result = {
        "changed": False,
        "registry": _dump(host, params["keys"], read_errors),
        "os": {"version": version.version_string, "build": version.build,
               "caption": personality.caption(host.version, getattr(host.config, "edition", "Datacenter")),
               "installation_type": installation["data"] if installation else None},
        "last_boot_time": host.boot_time.strftime("%Y-%m-%dT%H:%M:%SZ"),  # invariant by construction (P7)
        "tls_cipher_suites": None,
        "tls_ecc_curves": None,
        "bindings": None,
    }
    if params["cipher_suites"]:
        if has_cmdlet(host, "Get-TlsCipherSuite"):
            cat = catalogue()
            # [Int32]$suite.CipherSuite: every suite CNG lists has a code; the catalogue knows every name CNG takes
            result["tls_cipher_suites"] = [
                {"name": name, "code": getattr(cat.get(name, host.version), "iana_code", None) or 0}
                for name in local_suites(host)]
        if has_cmdlet(host, "Get-TlsEccCurve"):
            result["tls_ecc_curves"] = local_curves(host)
    if params["bindings"]:
        result["bindings"] = _bindings(host, read_errors)
    reasons = []
    for path, name, reason in _PENDING:
        present = ps_truthy(host.registry.get_value(path, name)) if name else host.registry.key_exists(path)
        if present:
            reasons.append(reason)
    result["reboot_pending"] = bool(reasons)
    result["reboot_pending_reasons"] = reasons
    result["read_errors"] = read_errors
    if read_errors:
        result["warnings"] = [f"could not read {e['what']}: {e['error']}" for e in read_errors]
    return result


def run(host, args: dict) -> dict:
    return common.run_module("win_schannel_info", args, lambda params, check_mode: _info(host, params))
