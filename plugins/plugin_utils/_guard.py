# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lockout guard: will the management connection (and, on request, RDP) still work after this change + reboot?

Inputs are the host's effective Schannel state after the change (``effective.effective_state`` of the predicted
registry) and how Ansible reaches the host. Rules:

* WinRM over HTTPS rides on Schannel, whether Ansible talks to it with the ``winrm`` or the ``psrp`` connection
  (their variables are read as ansible-core's plugins read them: :func:`connection_info`). WinRM over HTTP (NTLM or
  Kerberos message encryption is not TLS) and non-WinRM connections are not affected; the guard says so and lets the
  change pass. CredSSP (``ansible_winrm_transport: credssp``, ``ansible_psrp_auth: credssp``) wraps its
  authentication in a TLS channel Schannel serves, over HTTP too, so it is checked the same way.
* For WinRM over HTTPS the controller's client is the ``pywinrm`` client profile (``clients.local_pywinrm_profile()``,
  i.e. this Python's ``ssl`` defaults), and the knowledge engine's predictor decides. ``schannel_plan`` (SCH010)
  and the write modules call the same :func:`check`, so plan and apply cannot disagree about a lockout.
  When the controller can reach the listener, a real handshake records what the connection negotiates today.
* With ``rdp=True`` on Windows Server 2008 R2 without KB3080079, RDP needs server TLS 1.0.

Warnings (never refusals): TLS 1.0/1.1 turned off while .NET strong crypto is not enabled; today's negotiated suite
disappears although another one still works.
"""
from __future__ import annotations

import socket
import ssl

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import predictor
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients as tls_clients
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana

_SSL_VERSION_NAMES = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3",
                      "SSLv3": "SSL 3.0"}


def _last(tv, *names):
    """The value Ansible takes for an option read from several variables: the last one set (``ansible_port``, then
    ``ansible_winrm_port``: the connection-specific variable wins)."""
    found = None
    for name in names:
        if tv.get(name) is not None and tv.get(name) != "":
            found = tv[name]
    return found


def _int_or_none(value):
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _bool_validation(value):
    """``validate``/``ignore`` (winrm and psrp both default to validate)."""
    return str(value if value is not None else "validate").strip().lower() != "ignore"


def connection_info(task_vars, play_context_connection=None):
    """How Ansible reaches the host, from the task's variables, read as the ``winrm`` and ``psrp`` connection plugins
    of ansible-core read them (same variables, same precedence, same defaults).

    Returns ``connection`` (last part of the name), ``scheme`` (``http``/``https``; None when not WinRM), ``host``,
    ``port``, ``auth`` (winrm ``transport`` or psrp ``auth``), ``transport`` (the same, kept for older readers),
    ``message_encryption``, ``cert_validation`` (bool), ``ca_path`` and ``variables``: which variables decided.
    """
    tv = task_vars or {}
    conn = tv.get("ansible_connection") or play_context_connection or "ssh"
    conn = str(conn).rsplit(".", 1)[-1]
    info = {"connection": conn, "scheme": None, "host": tv.get("ansible_host") or tv.get("inventory_hostname"),
            "port": _int_or_none(tv.get("ansible_port")), "auth": None, "transport": None,
            "message_encryption": None, "cert_validation": None, "ca_path": None, "variables": "ansible_*"}
    if conn == "winrm":
        # ansible.builtin.winrm: port 5986 unless set; scheme http only when unset and the port is 5985
        port = _int_or_none(_last(tv, "ansible_port", "ansible_winrm_port"))
        port = 5986 if port is None else port
        scheme = str(tv.get("ansible_winrm_scheme") or "").lower() or ("http" if port == 5985 else "https")
        transport = tv.get("ansible_winrm_transport")
        if isinstance(transport, (list, tuple)):
            transport = ",".join(str(t) for t in transport)
        info.update(scheme=scheme, port=port, host=_last(tv, "inventory_hostname", "ansible_host", "ansible_winrm_host"),
                    auth=transport, transport=transport,
                    message_encryption=tv.get("ansible_winrm_message_encryption") or "auto",
                    cert_validation=_bool_validation(tv.get("ansible_winrm_server_cert_validation")),
                    ca_path=tv.get("ansible_winrm_ca_trust_path"), variables="ansible_winrm_*")
    elif conn == "psrp":
        # ansible.builtin.psrp: https/5986 when neither is set; a port alone gives https unless it is 5985;
        # a protocol alone gives its standard port
        protocol = str(tv.get("ansible_psrp_protocol") or "").lower() or None
        port = _int_or_none(_last(tv, "ansible_port", "ansible_psrp_port"))
        if protocol is None and port is None:
            protocol, port = "https", 5986
        elif protocol is None:
            protocol = "http" if port == 5985 else "https"
        elif port is None:
            port = 5986 if protocol == "https" else 5985
        auth = str(tv.get("ansible_psrp_auth") or "negotiate").lower()
        info.update(scheme=protocol, port=port, host=_last(tv, "inventory_hostname", "ansible_host", "ansible_psrp_host"),
                    auth=auth, transport=auth,
                    message_encryption=tv.get("ansible_psrp_message_encryption") or "auto",
                    cert_validation=_bool_validation(tv.get("ansible_psrp_cert_validation")),
                    ca_path=_last(tv, "ansible_psrp_cert_trust_path", "ansible_psrp_ca_cert"),
                    variables="ansible_psrp_*")
    return info


def probe(host, port, timeout=5.0):
    """Handshake once with the controller's default client context; (protocol, IANA suite name) or an error."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=str(host)) as tls:
                version = _SSL_VERSION_NAMES.get(tls.version(), tls.version())
                name = tls.cipher()[0]
    except (OSError, ssl.SSLError) as exc:
        return {"connects": False, "protocol": None, "cipher_suite": None, "error": str(exc)}
    found = iana.SUITES_BY_NAME.get(name) or iana.SUITES_BY_OPENSSL_NAME.get(name)
    return {"connects": True, "protocol": version, "cipher_suite": found.name if found is not None else name,
            "error": None}


def predict_pywinrm(state, certificate):
    """The predictor's verdict for this controller's WinRM client against ``state`` (a dict)."""
    prediction = predictor.predict(state, certificate, {"pywinrm": tls_clients.local_pywinrm_profile()})["pywinrm"]
    return dict(prediction.as_dict(), predictor="knowledge engine")


def check(connection, after_state, version, certificate=None, rdp=False, rdp_kb3080079=False, live_probe=None,
          after_dump=None, dotnet_warning=True):
    """Decide; returns ``{checked, blocked, reasons, warnings, connection, prediction, probe}``.

    ``dotnet_warning=False`` leaves out the .NET strong-crypto warning, for a second check of the same host in one
    run (win_tls_cipher_suites after win_schannel), so the user reads it once per host.
    """
    result = {"checked": [], "blocked": False, "reasons": [], "warnings": [], "connection": connection,
              "prediction": None, "probe": live_probe}
    if connection.get("connection") in ("winrm", "psrp") and connection.get("scheme") == "https":
        result["checked"].append("winrm_https")
        prediction = predict_pywinrm(after_state, certificate)
        result["prediction"] = prediction
        if not prediction["connects"]:
            result["blocked"] = True
            result["reasons"].append(
                "WinRM over HTTPS (%s:%s) would no longer connect after the change and the reboot: %s"
                % (connection.get("host"), connection.get("port"), prediction.get("reason") or prediction.get("symptom")))
        elif live_probe and live_probe.get("connects") and prediction:
            if live_probe.get("cipher_suite") and prediction.get("cipher_suite") and \
                    live_probe["cipher_suite"] != prediction["cipher_suite"]:
                result["warnings"].append("WinRM over HTTPS negotiates %s/%s today and will move to %s/%s"
                                          % (live_probe["protocol"], live_probe["cipher_suite"],
                                             prediction.get("protocol"), prediction.get("cipher_suite")))
    elif connection.get("connection") in ("winrm", "psrp"):
        result["checked"].append("winrm_http")
    if connection.get("connection") in ("winrm", "psrp") and "credssp" in str(connection.get("auth") or "").lower():
        # CredSSP authenticates inside a TLS channel of its own that Schannel serves, over HTTP as well as HTTPS
        result["checked"].append("credssp_tls")
        prediction = result["prediction"] or predict_pywinrm(after_state, None)
        result["prediction"] = result["prediction"] or prediction
        if not prediction["connects"]:
            result["blocked"] = True
            result["reasons"].append(
                "CredSSP authentication (%s %s:%s) runs a TLS handshake Schannel answers, which would no longer "
                "succeed after the change and the reboot: %s"
                % (connection.get("connection"), connection.get("host"), connection.get("port"),
                   prediction.get("reason") or prediction.get("symptom")))
    if rdp:
        result["checked"].append("rdp")
        if version == "2008r2" and not rdp_kb3080079 and "TLS 1.0" not in after_state.server_protocols:
            result["blocked"] = True
            result["reasons"].append("RDP on Windows Server 2008 R2 without KB3080079 speaks only TLS 1.0, which "
                                     "the change disables; install KB3080079 (and set rdp_kb3080079: true) first")
    legacy_off = [p for p in ("TLS 1.0", "TLS 1.1") if p not in after_state.client_protocols
                  and rm.protocol_supported(p, version)]
    if dotnet_warning and legacy_off and not _strong_crypto_on(after_dump):
        result["warnings"].append(
            "%s disabled while .NET strong crypto (SchUseStrongCrypto/SystemDefaultTlsVersions) is not enabled: "
            ".NET clients on this host may fail with 'Could not create SSL/TLS secure channel'; set "
            "dotnet_strong_crypto: enabled (in the tlsops.schannel.schannel role: schannel_overrides: "
            "{dotnet_strong_crypto: enabled})" % " and ".join(legacy_off))
    return result


def _strong_crypto_on(dump):
    """Whether SchUseStrongCrypto=1 for .NET 4 (64-bit) in ``dump``."""
    if not dump:
        return False
    path = rm.NETFX_KEYS[0][2].lower()
    for key, values in dump.items():
        if key.lower() == path:
            for name, value in values.items():
                if name.lower() == "schusestrongcrypto" and int(value.get("data") or 0) != 0:
                    return True
    return False
