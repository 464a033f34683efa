"""The bad-input table: every case, its input, the field the error names and the text the user sees.

``docs/bad-input.md`` is generated from this list and the messages the code really gives
(``TLSOPS_WRITE_DOCS=1 .venv/bin/python -m pytest tests/reliability/test_bad_input.py``); a test fails when the
page is stale.

Each case: ``(target, args, field, text)``. ``target`` is the plugin (or ``role`` for role variables); ``field``
is what the error must name (the ``field`` key of the result, or a word in the message for Ansible's own argument
validation); ``text`` must appear in the message.
"""
from __future__ import annotations

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"

WIN_SCHANNEL = [
    # wrong types
    ({"protocols": "TLS 1.2"}, "protocols", "dict"),
    ({"protocols": {"TLS 1.2": True}}, "protocols.TLS 1.2", "enabled"),
    ({"protocols": {"TLS 1.2": "on"}}, "protocols.TLS 1.2", "enabled"),
    ({"ciphers": ["RC4 128/128"]}, "ciphers", "dict"),
    ({"key_sizes": {"dh_server_min": "big"}}, "key_sizes.dh_server_min", "integer"),
    ({"dotnet_strong_crypto": "on"}, "dotnet_strong_crypto", "one of"),
    ({"reboot_timeout": "soon", "protocols": {"TLS 1.0": "disabled"}}, "reboot_timeout", "int"),
    ({"guard": "maybe", "protocols": {"TLS 1.0": "disabled"}}, "guard", "bool"),
    # unknown names
    ({"protocol": {"TLS 1.0": "disabled"}}, "protocol", "Unsupported parameters"),
    ({"protocols": {"TLS 1.4": "enabled"}}, "protocols.TLS 1.4", "unknown"),
    ({"ciphers": {"AES 128": "enabled"}}, "ciphers.AES 128", "unknown"),
    ({"hashes": {"SHA3": "disabled"}}, "hashes.SHA3", "unknown"),
    ({"winhttp_protocols": ["TLS 1.4"]}, "winhttp_protocols[0].TLS 1.4", "unknown name"),
    ({"profile": "no_such_profile"}, "profile", "unknown profile"),
    ({"profile": "../../../../etc/passwd"}, "profile", "profile"),
    ({"profile": "/etc/hostname"}, "/etc/hostname", "profile"),
    # contradictions
    ({}, "profile", "give a profile"),
    ({"restore": [], "protocols": {"TLS 1.0": "disabled"}}, "restore", "cannot be combined"),
    ({"protocols": {"TLS 1.0": "disabled"}, "server_protocols": {"TLS 1.0": "enabled"}}, "server_protocols.TLS 1.0",
     "contradicts"),
    # restores that would write outside the managed keys, or are not ours
    ({"restore": [{"path": "HKLM\\SOFTWARE", "name": None, "state": "absent"}]}, "restore[0].path",
     "outside the keys this collection manages"),
    ({"restore": [{"path": "HKCU\\Software\\x", "name": "a"}]}, "restore[0].path", "HKLM"),
    ({"restore": [{"path": SCHANNEL + "\\..\\..\\Lsa", "name": "x", "state": "absent"}]}, "restore[0].path",
     "'..' key names"),
    ({"restore": [{"path": SCHANNEL + "\\Protocols\x00", "name": "x", "state": "absent"}]}, "restore[0].path",
     "NUL"),
    ({"restore": [{"path": SCHANNEL, "name": "x", "type": "dword", "data": -1}]}, "restore[0].data", "integer"),
    ({"restore": [{"path": SCHANNEL, "name": "x", "type": "dword", "data": 2 ** 32}]}, "restore[0].data", "integer"),
    ({"restore": [{"path": SCHANNEL, "name": "x", "type": "sz", "data": "a"}]}, "restore[0].type", "one of"),
    ({"restore": "/nonexistent/backup.reg"}, "restore", "is not a file"),
    ({"restore": "/etc/hostname"}, "restore", "not a backup written by tlsops.schannel"),
    ({"restore": 42}, "restore", "list of registry operations"),
    # review §3 B9: a backup cut at a line boundary is still a valid .reg file; it must not restore half the state
    ({"restore": "{tmp}/files/cut.reg"}, "restore", "incomplete"),
    # review §3 B9: a hand-edited backup is refused as changed, not replayed (nor reported as a change each run)
    ({"restore": "{tmp}/files/edited.reg"}, "restore", "changed after it was written"),
]

WIN_TLS_CIPHER_SUITES = [
    ({"cipher_suites": "TLS_RSA_WITH_AES_128_CBC_SHA,TLS_NOPE"}, "cipher_suites", "TLS_NOPE"),
    ({"cipher_suites": ["TLS_NOPE_WITH_NOTHING"]}, "cipher_suites", "TLS_NOPE_WITH_NOTHING"),
    ({"cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"], "position": 2}, "position", "list_mode: add"),
    ({"cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"], "list_mode": "add", "position": -1}, "position",
     "0 or more"),
    ({"profile": "ios_ats", "cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"]}, "profile",
     "mutually exclusive"),
    ({"scope": "global", "cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"]}, "scope", "one of"),
    ({"ecc_curves": ["NistP999"]}, "ecc_curves", "NistP999"),
    ({"restore": [{"path": "HKLM\\SOFTWARE\\Microsoft", "name": "x", "state": "absent"}]}, "restore[0].path",
     "only touches"),
    # review §3 B9: a .reg backup path given to this module's restore (it takes the returned backup) says which module
    # takes the file, instead of "give cipher_suites ..., restore, or state: absent"
    ({"restore": "{tmp}/files/cut.reg"}, "restore", "tlsops.schannel.win_schannel (restore: <that path>)"),
]

SCHANNEL_PLAN = [
    ({"profile": "ios_ats"}, "windows_version", "windows_version"),
    # review §3 A2: a path that names no file says so (a name that is no profile lists the shipped ones, above)
    ({"profile": "{tmp}/files/no-such-profile.yml", "windows_version": "2019"}, "profile", "profile file not found"),
    ({"profile": "no_such_profile", "windows_version": "2019"}, "profile", "use one of best_practices"),
    # review §3 A2: an unknown extends names the file it is in
    ({"profile": "{tmp}/files/extends-unknown.yml", "windows_version": "2019"}, "extends-unknown.yml: extends",
     "unknown profile 'no_such'"),
    # review §3 A3: a suite name Schannel does not have (in a profile or an override) stops the plan naming it and
    # the name to use; the role prints this one line (not the plan) and writes nothing
    ({"profile": "best_practices", "windows_version": "2019",
      "overrides": {"cipher_suites": {"add": ["TLS_ECDHE_RSA_WITH_AES_512_GCM_SHA999"]}}},
     "TLS_ECDHE_RSA_WITH_AES_512_GCM_SHA999", "SCH001"),
    ({"profile": "ios_ats", "windows_version": "2003"}, "windows_version", "2003"),
    ({"profile": "ios_ats", "windows_version": "2019", "certificate_key": "dsa:1024"}, "certificate_key", "dsa"),
    ({"profile": "ios_ats", "windows_version": "2019", "overrides": {"protocols": {1.2: "enabled"}}},
     "overrides: protocols", "'1.2' was unexpected"),
    ({"profile": "ios_ats", "windows_version": "2019", "overrides": {"protocols": {"TLS 1.2": "on"}}},
     "overrides", "TLS 1.2"),
    ({"profile": "ios_ats", "windows_version": "2019", "clients": ["netscape4"]}, "clients", "must be one"),
    ({"profile": "ios_ats", "windows_version": "2019", "overrides": {"cipher_suites": {"set": ["A"], "add": ["B"]}}},
     "overrides", "cipher_suites"),
]

SCHANNEL_REPORT = [
    ({"results": {"web01": {}}}, "dest", "missing required arguments"),
    ({"dest": "{tmp}", "results": {"web01": {}}, "formats": ["pdf"]}, "formats", "must be one"),
    ({"dest": "{tmp}/link", "results": {"web01": {}}}, "report directory", "symlink"),
    ({"dest": "{tmp}/file", "results": {"web01": {}}}, "report directory", "not a directory"),
]

# Host names become backup file names: they must stay inside the backup folder whatever they hold.
HOSTNAMES = ["../../etc/passwd", "/etc/passwd", "web01\x00.evil", "..", ".hidden", "a/../../b", "C:\\Windows\\x",
             "web 01;rm -rf ~", "x" * 500]

# Role variables (roles/schannel/meta/argument_specs.yml, checked by Ansible before any task of the role).
ROLE = [
    ({"schannel_profile": "ios_ats", "schannel_reboot": "sometimes"}, "schannel_reboot", "one of"),
    ({"schannel_profile": "ios_ats", "schannel_scope": "global"}, "schannel_scope", "one of"),
    ({"schannel_profile": "ios_ats", "schannel_reboot_timeout": "soon"}, "schannel_reboot_timeout", "int"),
    ({"schannel_profile": "ios_ats", "schannel_guard": "maybe"}, "schannel_guard", "bool"),
    ({"schannel_profile": "ios_ats", "schannel_overrides": "TLS 1.2"}, "schannel_overrides", "dict"),
    ({"schannel_profile": "ios_ats", "schannel_verify": {"endpoints": [{"port": "https"}]}},
     "port", "int"),
    ({"schannel_profile": "ios_ats", "schannel_verify": {"endpoints": [], "polices": []}}, "polices",
     "Supported parameters include"),
    ({"schannel_profile": "ios_ats", "schannel_verify": {"endpoints": [], "validate_certs": "nah"}},
     "validate_certs", "bool"),
    ({}, "schannel_profile", "missing required arguments"),
]

# tls_verify (a Python module: Ansible validates its options, the module validates targets).
TLS_VERIFY = [
    ({"host": "127.0.0.1", "port": 70000}, "port", "out of range"),
    ({"host": "", "port": 443}, "host", "non-empty"),
    ({"host": "127.0.0.1", "timeout": -1}, "timeout", "positive"),
    # review §3 C21: a huge timeout hung the probe; it is bounded
    ({"host": "127.0.0.1", "timeout": 1e9}, "timeout", "maximum of 300 s"),
    ({"host": "127.0.0.1", "ca_path": "/nonexistent/ca.pem"}, "ca_path", "does not exist"),
    ({"host": "127.0.0.1", "assert": ["ats"]}, "assert", "must be one"),
    ({"host": "127.0.0.1", "targets": [{"host": "x"}]}, "host", "mutually exclusive"),
    ({"port": 443}, "host", "one of the following is required"),
    ({"host": "127.0.0.1", "concurrency": 0}, "concurrency", "at least 1"),
]
