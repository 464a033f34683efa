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
- ``updates``: for each id asked for (``KB`` and digits, else the run fails before reading), whether the twin's
  installed updates list it: ``host.config.hotfixes`` (TwinConfig; a vector's ``host.hotfixes``), or when that is
  None the release's stock list ``DEFAULT_HOTFIXES`` (the updates the knowledge tables assume: a patched host).
  ``{}`` when no id is asked for. The twin has no WMI to fail, so ``null`` (query failed) is not produced here.
- ``run_state``: ``Lease`` and ``Intent`` under ``HKLM\\SOFTWARE\\tlsops\\schannel`` parsed when each is a REG_SZ JSON
  object, ``{raw, error}`` otherwise, null when absent; an unreadable key (``fail_reads``) is a read error and both
  are ``{raw: null, error}``.
- ``read_errors``: a key that cannot be read (fault ``fail_reads``) is listed ``{what, error}`` with a warning and
  the run goes on.
"""
from __future__ import annotations

import json
import re

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


RUN_KEY = "HKLM\\SOFTWARE\\tlsops\\schannel"
UPDATE_ID = re.compile(r"KB[0-9]+", re.IGNORECASE)  # fullmatch (\A..\z); PowerShell's -match is case-insensitive
# Updates a stock twin lists: the ones the knowledge tables of its release assume (catalogue.PREREQUISITE_UPDATES:
# W32-CS7/W32-CS8 KB3042058, W32-CS81 KB2919355) and the one a managed value needs (catalogue.VALUE_UPDATES:
# KB3140245 for DefaultSecureProtocols), so a stock twin is the fully updated host the tables describe.
DEFAULT_HOTFIXES = {"2008r2": ("KB3042058", "KB3140245"), "2012": ("KB3042058", "KB3140245"),
                    "2012r2": ("KB2919355",)}


def installed_hotfixes(host) -> list:
    configured = getattr(getattr(host, "config", None), "hotfixes", None)
    return list(configured) if configured is not None else list(DEFAULT_HOTFIXES.get(host.version, ()))


def _updates(host, wanted: list) -> dict:
    if not wanted:
        return {}
    listed = {str(h).strip().upper() for h in installed_hotfixes(host)}
    out = common.CaseInsensitiveDict()  # a PowerShell hashtable: 'kb1' after 'KB1' is the same key
    for kb in wanted:
        out[kb] = kb.upper() in listed
    return out


def _run_state_value(host, name: str):
    value = host.registry.get_value(RUN_KEY, name)
    if value is None:
        return None
    problem = (f"{name} does not hold a JSON object (REG_SZ JSON text); remove the value once no run of this "
               "collection holds the host")
    if value["type"] != "string":
        return {"raw": value["data"], "error": problem}
    try:
        parsed = json.loads(str(value["data"]))
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        return {"raw": str(value["data"]), "error": problem}
    return parsed


def _run_state(host, read_errors: list) -> dict:
    try:
        if host.registry.key_exists(RUN_KEY):
            _check_read(host, RUN_KEY)
        return {"lease": _run_state_value(host, "Lease"), "interrupted": _run_state_value(host, "Intent")}
    except RegistryWriteError as exc:
        read_errors.append({"what": f"registry key {RUN_KEY}", "error": str(exc)})
        unread = {"raw": None, "error": "could not be read (see read_errors)"}
        return {"lease": dict(unread), "interrupted": dict(unread)}


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
        try:
            if store.key_exists(root):
                _check_read(host, root)  # Get-SchannelSubKeyName opens the kind's key
        except RegistryWriteError as exc:
            read_errors.append({"what": f"registry key {root}", "error": str(exc)})
            continue
        for endpoint in store.child_names(root):
            path = f"{root}\\{endpoint}"
            try:
                host_part, port = _split_endpoint(endpoint)
                if kind != "ccs":  # the .ps1 opens an endpoint's key only for its SslCertHash (not for ccs)
                    _check_read(host, path)
            except (RegistryWriteError, ValueError) as exc:
                read_errors.append({"what": f"binding {kind_key}\\{endpoint}", "error": str(exc)})
                continue
            binding = {"kind": kind, "ip": None, "hostname": None, "port": port, "thumbprint": None,
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


def _split_endpoint(endpoint: str) -> tuple:
    """``$endpoint.Substring(0, $endpoint.LastIndexOf(':'))`` and ``[Int32]`` of the rest, with PowerShell's failures:
    no ':' is a Substring error; the port converts as PowerShell converts a string ('' is 0, surrounding blanks are
    ignored), anything else is a conversion error. ``ValueError`` carries the .NET text."""
    cut = endpoint.rfind(":")
    if cut < 0:
        raise ValueError("Length cannot be less than zero.\r\nParameter name: length")
    text = endpoint[cut + 1:].strip()
    if text == "":
        return endpoint[:cut], 0
    reason = "Input string was not in a correct format."
    if re.fullmatch(r"[+-]?[0-9]+", text):
        if -2 ** 31 <= int(text) < 2 ** 31:
            return endpoint[:cut], int(text)
        reason = "Value was either too large or too small for an Int32."
    raise ValueError(f'Cannot convert value "{endpoint[cut + 1:]}" to type "System.Int32". Error: "{reason}"')


def _check_read(host, path: str) -> None:
    """Fault ``fail_reads``: opening this key for reading is refused, as an ACL would refuse it."""
    faults = getattr(host, "faults", None)
    if faults is not None:
        faults.check_read(path)


def _dump(host, keys: list, read_errors: list) -> dict:
    """The registry dump, root by root; a root that does not start with ``HKLM\\`` raises ``ValueError`` when the loop
    reaches it (the .ps1 fails there, with the read errors of the roots before it already warned)."""
    out = common.CaseInsensitiveDict()  # $registry is a PowerShell hashtable (overlapping roots spelled differently)
    for root in keys:
        if not root.upper().startswith("HKLM\\"):
            raise ValueError(f"keys: '{root}' must start with 'HKLM\\'")
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
    for kb in params["updates"]:
        if not UPDATE_ID.fullmatch(kb):
            return {"failed": True, "msg": f"updates: '{kb}' is not an update id such as KB3042058"}
    read_errors: list = []
    version = versions().WINDOWS_VERSIONS[host.version]
    try:
        registry = _dump(host, params["keys"], read_errors)
    except ValueError as exc:
        failed = {"failed": True, "msg": str(exc)}
        if read_errors:
            failed["warnings"] = _warnings(read_errors)
        return failed
    installation = None
    try:
        if host.registry.key_exists(personality.CURRENT_VERSION_KEY):
            _check_read(host, personality.CURRENT_VERSION_KEY)
        installation = host.registry.get_value(personality.CURRENT_VERSION_KEY, "InstallationType")
    except RegistryWriteError as exc:
        read_errors.append({"what": "InstallationType", "error": str(exc)})
    result = {
        "changed": False,
        "registry": registry,
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
        try:
            if host.registry.key_exists(path):
                _check_read(host, path)  # Test-SchannelKey / Get-SchannelValue open the key for reading
            present = ps_truthy(host.registry.get_value(path, name)) if name else host.registry.key_exists(path)
        except RegistryWriteError as exc:
            read_errors.append({"what": f"{path}\\{name}" if name else path, "error": str(exc)})
            continue
        if present:
            reasons.append(reason)
    result["reboot_pending"] = bool(reasons)
    result["reboot_pending_reasons"] = reasons
    result["updates"] = _updates(host, params["updates"])
    result["run_state"] = _run_state(host, read_errors)
    result["read_errors"] = read_errors
    if read_errors:
        result["warnings"] = _warnings(read_errors)
    return result


def _warnings(read_errors: list) -> list:
    """``Add-ReadError``'s ``$module.Warn``: one warning per read error, in order."""
    return [f"could not read {e['what']}: {e['error']}" for e in read_errors]


def run(host, args: dict) -> dict:
    return common.run_module("win_schannel_info", args, lambda params, check_mode: _info(host, params))
