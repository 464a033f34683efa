"""The lockout guard reads ``winrm`` and ``psrp`` connection variables as ansible-core's own plugins do.

The oracle is ansible-core itself: each case is given to the ``winrm``/``psrp`` connection plugin, whose
``_build_winrm_kwargs``/``_build_kwargs`` decide port, scheme and certificate validation exactly as a real run would,
and ``_guard.connection_info`` must reach the same answer from the same variables.
"""
from __future__ import annotations

import pytest

from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import connection_loader

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import effective
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _guard

BASE = {"inventory_hostname": "web01", "ansible_host": "127.0.0.9", "ansible_user": "u", "ansible_password": "p"}

PSRP_CASES = [
    {},
    {"ansible_port": 5985},
    {"ansible_port": 5986},
    {"ansible_port": 15985},
    {"ansible_psrp_protocol": "http"},
    {"ansible_psrp_protocol": "https"},
    {"ansible_psrp_protocol": "http", "ansible_port": 8080},
    {"ansible_port": 5986, "ansible_psrp_port": 5985},          # the psrp variable wins over ansible_port
    {"ansible_psrp_cert_validation": "ignore"},
    {"ansible_psrp_cert_validation": "validate", "ansible_psrp_ca_cert": "/ca.pem"},
    {"ansible_psrp_cert_trust_path": "/old.pem", "ansible_psrp_ca_cert": "/new.pem"},
    {"ansible_psrp_auth": "ntlm", "ansible_psrp_message_encryption": "always", "ansible_psrp_protocol": "http"},
    {"ansible_psrp_host": "127.0.0.10"},
]

WINRM_CASES = [
    {},
    {"ansible_port": 5985},
    {"ansible_port": 5986},
    {"ansible_port": 15985},
    {"ansible_port": 5985, "ansible_winrm_scheme": "https"},
    {"ansible_port": 5986, "ansible_winrm_port": 5985},         # the winrm variable wins over ansible_port
    {"ansible_winrm_server_cert_validation": "ignore"},
    {"ansible_winrm_transport": "ntlm", "ansible_winrm_message_encryption": "always", "ansible_port": 5985},
    {"ansible_winrm_host": "127.0.0.10"},
]


def _plugin(name, hostvars):
    conn = connection_loader.get(name, PlayContext(), None)
    # as TaskExecutor passes them: the plugin's variables plus its ``ansible_<name>_*`` extras
    extras = dict((k, v) for k, v in hostvars.items() if k.startswith("ansible_%s_" % name))
    conn.set_options(var_options=dict(hostvars, _extras=extras))
    return conn


@pytest.mark.parametrize("case", PSRP_CASES, ids=[str(sorted(c.items())) for c in PSRP_CASES])
def test_psrp_variables_read_as_the_psrp_plugin_reads_them(case):
    pytest.importorskip("pypsrp")
    hostvars = dict(BASE, ansible_connection="psrp", **case)
    conn = _plugin("psrp", hostvars)
    conn._build_kwargs()
    kwargs = conn._psrp_conn_kwargs
    info = _guard.connection_info(hostvars)
    assert info["connection"] == "psrp"
    assert info["host"] == kwargs["server"]
    assert info["port"] == kwargs["port"]
    assert info["scheme"] == ("https" if kwargs["ssl"] else "http")
    assert info["auth"] == kwargs["auth"]
    assert info["message_encryption"] == kwargs["encryption"]
    assert info["cert_validation"] == (kwargs["cert_validation"] is not False)
    if isinstance(kwargs["cert_validation"], str):
        assert info["ca_path"] == kwargs["cert_validation"]


@pytest.mark.parametrize("case", WINRM_CASES, ids=[str(sorted(c.items())) for c in WINRM_CASES])
def test_winrm_variables_read_as_the_winrm_plugin_reads_them(case):
    pytest.importorskip("winrm")
    hostvars = dict(BASE, ansible_connection="winrm", **case)
    conn = _plugin("winrm", hostvars)
    conn._build_winrm_kwargs()
    info = _guard.connection_info(hostvars)
    assert (info["host"], info["port"], info["scheme"]) == (conn._winrm_host, conn._winrm_port, conn._winrm_scheme)
    # ansible_winrm_server_cert_validation is not a plugin option: it reaches pywinrm as an extra, whose default
    # is validate
    extras = conn._winrm_kwargs if hasattr(conn, "_winrm_kwargs") else {}
    assert info["cert_validation"] == (extras.get("server_cert_validation", "validate") != "ignore")


def test_fully_qualified_connection_name_and_play_context():
    assert _guard.connection_info({"ansible_connection": "ansible.builtin.psrp"})["connection"] == "psrp"
    assert _guard.connection_info({}, "ansible.builtin.psrp")["scheme"] == "https"
    assert _guard.connection_info({}, "ssh")["scheme"] is None


def _state(protocols):
    dump = {}
    base = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\%s\\%s"
    for proto in ("TLS 1.0", "TLS 1.1", "TLS 1.2"):
        on = proto in protocols
        for side in ("Server", "Client"):
            dump[base % (proto, side)] = {"Enabled": {"type": "dword", "data": int(on)},
                                          "DisabledByDefault": {"type": "dword", "data": int(not on)}}
    return effective.effective_state("2019", dump), dump


@pytest.mark.parametrize("protocol,port,checked", [("https", 5986, "winrm_https"), ("http", 5985, "winrm_http")])
def test_psrp_over_https_is_checked_like_winrm_over_https(protocol, port, checked):
    state, dump = _state({"TLS 1.0"})  # TLS 1.2 off: this controller's client (TLS 1.2+) cannot connect
    conn = _guard.connection_info(dict(BASE, ansible_connection="psrp", ansible_psrp_protocol=protocol,
                                       ansible_port=port))
    verdict = _guard.check(conn, state, "2019", after_dump=dump)
    assert checked in verdict["checked"]
    assert verdict["blocked"] is (protocol == "https")
    if protocol == "https":
        assert "127.0.0.9:5986" in verdict["reasons"][0]


@pytest.mark.parametrize("connection,variable", [("psrp", "ansible_psrp_auth"), ("winrm", "ansible_winrm_transport")])
def test_credssp_over_http_still_rides_on_schannel(connection, variable):
    state, dump = _state({"TLS 1.0"})
    conn = _guard.connection_info(dict(BASE, ansible_connection=connection, ansible_port=5985, **{variable: "credssp"}))
    assert conn["scheme"] == "http"
    verdict = _guard.check(conn, state, "2019", after_dump=dump)
    assert verdict["checked"] == ["winrm_http", "credssp_tls"]
    assert verdict["blocked"] and "CredSSP" in verdict["reasons"][0]
    ok_state, ok_dump = _state({"TLS 1.2"})
    assert not _guard.check(conn, ok_state, "2019", after_dump=ok_dump)["blocked"]


def test_dotnet_warning_names_the_role_variable_and_can_be_left_out():
    state, dump = _state({"TLS 1.2"})  # TLS 1.0/1.1 off, .NET strong crypto not set
    conn = _guard.connection_info(dict(BASE, ansible_connection="winrm", ansible_port=5985))
    warnings = _guard.check(conn, state, "2019", after_dump=dump)["warnings"]
    assert len(warnings) == 1 and "schannel_overrides: {dotnet_strong_crypto: enabled}" in warnings[0]
    assert _guard.check(conn, state, "2019", after_dump=dump, dotnet_warning=False)["warnings"] == []
