"""``DIR/inventory.yml``: an Ansible inventory for the running twins, with the variables the contracts name.

Hosts sit in ``twins`` and in one group per Windows version (``windows_2019``). The connection is what a user
sets for a stock Windows host: ``ntlm`` over HTTP, where pywinrm seals every message (``message_encryption: always``,
so a twin that stopped requiring it would fail the run instead of silently sending plain SOAP), or, with
``--scheme https``, ``ntlm`` over HTTPS with the certificate validated against the state folder's CA (the HTTPS
listener obeys the twin's own Schannel configuration, so a scenario without TLS 1.2 locks a modern controller out
there, as on Windows). Only a twin started with ``winrm_basic`` gets ``basic``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


def _psrp_vars(twin: dict, scheme: str) -> dict:
    """Ansible's ``psrp`` connection (pypsrp) on the same listener: NTLM sealed over HTTP, validated HTTPS."""
    basic = bool(twin.get("winrm_basic"))
    found = {
        "ansible_psrp_protocol": scheme,
        "ansible_psrp_auth": "basic" if basic else "ntlm",
        "ansible_psrp_message_encryption": "auto" if basic or scheme == "https" else "always",
    }
    if scheme == "https":
        found.update(ansible_psrp_cert_validation="validate", ansible_psrp_ca_cert=twin.get("ca_file"))
    return found


def host_vars(twin: dict) -> dict:
    scheme = twin.get("scheme", "http")
    ports = twin["ports"]
    if twin.get("connection") == "psrp":
        return {
            "ansible_host": twin["address"],
            "ansible_connection": "psrp",
            "ansible_port": ports["winrm_https"] if scheme == "https" else ports["winrm_http"],
            **_psrp_vars(twin, scheme),
            **_common(twin),
        }
    transport = {
        "ansible_winrm_transport": "basic" if twin.get("winrm_basic") else "ntlm",
        "ansible_winrm_message_encryption": "auto" if twin.get("winrm_basic") or scheme == "https" else "always",
    }
    if scheme == "https":
        transport.update(ansible_winrm_server_cert_validation="validate", ansible_winrm_ca_trust_path=twin.get("ca_file"))
    return {
        "ansible_host": twin["address"],
        "ansible_connection": "winrm",
        "ansible_port": ports["winrm_https"] if scheme == "https" else ports["winrm_http"],
        "ansible_winrm_scheme": scheme,
        **transport,
        **_common(twin),
    }


def _common(twin: dict) -> dict:
    ports = twin["ports"]
    return {
        "ansible_user": twin["user"],
        "ansible_password": twin["password"],
        "tlsops_twin_https_port": ports["https"],
        "tlsops_twin_winrm_https_port": ports["winrm_https"],
        "tlsops_twin_winrm_http_port": ports["winrm_http"],
        "tlsops_twin_version": twin["version"],
        "tlsops_twin_status_file": twin.get("status_file"),
        "tlsops_twin_registry_file": twin.get("registry_file"),
        "tlsops_twin_ca_file": twin.get("ca_file"),
    }


def write_inventory(path: Path, twins: dict) -> None:
    hosts = {name: host_vars(twin) for name, twin in sorted(twins.items())}
    groups = {}
    for name, twin in sorted(twins.items()):
        groups.setdefault(f"windows_{twin['version']}", {"hosts": {}})["hosts"][name] = {}
    doc = {"all": {"children": {"twins": {"hosts": hosts}, **groups}}}
    tmp = Path(path).with_name(f".{Path(path).name}.{os.getpid()}.tmp")
    tmp.write_text("# written by python -m tests.twin; JSON is valid YAML\n" + json.dumps(doc, indent=1) + "\n")
    os.replace(tmp, path)
