# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lint findings: what is wrong or risky in a plan, with a stable code and the fix.

Each check is a small pure function over plain data so it can be unit-tested on its own; the compiler calls them
in order.  Codes are stable (documentation and ``fail_on_findings`` users depend on them):

======  ========  =====================================================================================
code    severity  meaning
======  ========  =====================================================================================
SCH001  error     suite name unknown or not valid on this Windows version (closest valid name in ``fix``)
SCH002  warning   suite needs a certificate type the host does not have (ECDSA suite on an RSA host)
SCH003  error     HTTP/2 on: an RFC 7540 Appendix A suite is ordered ahead of an allowed one (KB4032720)
SCH004  warning   suite without forward secrecy (error when the profile requires forward secrecy)
SCH005  error     cipher-suite list longer than the 1,023 characters Group Policy takes (every version; a
                  warning for a host's own list that the plan leaves in place)
SCH006  error     protocol enabled with no usable suite (warning when it is only the OS default)
SCH007  warning   protocol enabled on one side (client/server) and disabled on the other
SCH008  warning   protocol ``Enabled``/``DisabledByDefault`` holds a value Microsoft does not use (not 0/1, and
                  not the 0xFFFFFFFF that DOTNET-TLS prescribes for ``Enabled``)
SCH009  error     profile not achievable on this version with this certificate (closest alternative in ``fix``)
SCH010  error     the plan would cut the management connection (protocol/suite the controller uses)
SCH011  info      profile suite or protocol not available on this version, left out / renamed (a warning
                  for a curve name the release does not know at all, nearest names in ``fix``)
SCH012  warning   HTTP/2 requested on a version without HTTP/2 support (IIS 10 / Server 2016+)
SCH013  warning   suite trimmed to fit the 1,023-character limit
SCH014  error     certificate does not meet the profile's certificate rules
SCH017  info      the Windows release is planned with another release's page (SAC, 23H2); warning for a build
                  newer than any known release
SCH018  warning   the plan or host relies on a setting whose effect Microsoft does not document for this release
                  (PKCS, ECDH before 2016, AEAD hashes, Enabled without DisabledByDefault): modelled the stricter way
SCH019  info      the release's tables assume a Windows update (KB3042058, KB2919355), or a value the plan
                  writes needs one (KB3140245 for DefaultSecureProtocols on 2008 R2/2012); warning when
                  win_schannel_info did not find it installed, nothing when it did
SCH020  warning   the host's cipher-suite (or curve) list holds names this release's Schannel does not know and
                  the plan leaves it in place (info when the plan replaces a suite list): Microsoft warns all TLS
                  may stop (ASE); ``fix`` names the nearest names the release knows
======  ========  =====================================================================================

(SCH015 and SCH016 are the override findings of ``plugin_utils/_planning.py``.)
"""
from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import UNKNOWN_SUITE_RISK
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import WINDOWS_VERSIONS, at_least

SEVERITIES = ("error", "warning", "info")
# Source: facts §3.3 (W32-PRIO, WSD-MANAGE): the list limit, on every version (M1; registry_model.GPO_LIST_LIMIT).
GPO_LIST_LIMIT = rm.GPO_LIST_LIMIT
# Source: facts §2 notes (ASPNET-H2): HTTP/2 on IIS needs Server 2016 / IIS 10.
HTTP2_FROM = "2016"


@dataclass(frozen=True)
class PlanFinding(object):
    code: str
    severity: str
    item: str
    message: str
    fix: object = None

    def as_dict(self):
        return {"code": self.code, "severity": self.severity, "item": self.item, "message": self.message,
                "fix": self.fix}


def has_errors(findings):
    return any(f.severity == "error" for f in findings)


def suite_name(name, version, literal=True):
    """SCH001 for a name that ``version`` does not know (``literal``: the user wrote it for this host); ``fix``
    names the nearest names the release knows (the catalogue's pick first)."""
    suite, problem, _suggestion = catalogue.explain_name(name, version)
    if suite is not None:
        return None
    nearest = catalogue.suggest_suites(name, version)
    fix = ("use %s" % " or ".join(nearest)) if nearest else "remove it; see catalogue.suites_for('%s')" % version
    return PlanFinding("SCH001", "error", name, problem, fix)


def curve_name(name, version):
    """SCH011 warning for a profile or override curve name ``version``'s Schannel does not know at all (W32-ECC-1607),
    with the nearest known names; None for a known name, and before 2016 (no curve list: the suffix decides)."""
    known, problem, nearest = catalogue.explain_curve(name, version)
    if known is not None:
        return None
    return PlanFinding("SCH011", "warning", str(name), problem + "; left out",
                       ("use %s" % " or ".join(nearest)) if nearest else "remove it")


def certificate_match(suites, certificate):
    """SCH002 for each suite the host's certificate cannot serve."""
    if not certificate:
        return []
    out = []
    for suite in suites:
        need = suite.certificate_type
        if need in ("any", None) or need == certificate["type"]:
            continue
        out.append(PlanFinding(
            "SCH002", "warning", suite.name,
            "%s needs an %s certificate; this host has %s, so Schannel never picks it" % (
                suite.name, need.upper(), certificate["type"].upper()),
            "remove it, or move it to the bottom if the certificate will change"))
    return out


def http2_order(suites, version, http2):
    """SCH003 (2016+) / SCH012 (older): HTTP/2 needs the Appendix A suites below every allowed one."""
    if not http2:
        return []
    if not at_least(version, HTTP2_FROM):
        return [PlanFinding("SCH012", "warning", "http2",
                            "HTTP/2 over TLS needs IIS 10 / Windows Server 2016 or later (ASPNET-H2); %s serves HTTP/1.1"
                            % WINDOWS_VERSIONS[version].label, "set http2: false for this host")]
    tls12 = [s for s in suites if not s.tls13 and "TLS 1.2" in s.protocols]
    last_allowed = max([i for i, s in enumerate(tls12) if not s.h2_blocklisted] or [-1])
    out = []
    for suite in tls12[:last_allowed]:
        if suite.h2_blocklisted:
            out.append(PlanFinding(
                "SCH003", "error", suite.name,
                "%s is on the RFC 7540 Appendix A list and sits ahead of HTTP/2-allowed suites; HTTP/2 clients "
                "that also offer it get INADEQUATE_SECURITY (Chrome: ERR_SPDY_INADEQUATE_TRANSPORT_SECURITY; "
                "KB4032720)" % suite.name,
                "order the (EC)DHE AEAD suites (%s) first" % ", ".join(
                    s.name for s in tls12 if not s.h2_blocklisted)))
    return out


def forward_secrecy(suites, required=False):
    """SCH004 for suites without forward secrecy (any in the list when ``required``, else those ahead of an FS suite)."""
    out = []
    last_fs = max([i for i, s in enumerate(suites) if s.pfs] or [-1])
    for i, suite in enumerate(suites):
        if suite.pfs or suite.tls13:
            continue
        if required or i < last_fs:
            out.append(PlanFinding(
                "SCH004", "error" if required else "warning", suite.name,
                "%s has no forward secrecy (static RSA key exchange)%s" % (
                    suite.name, "; the profile requires forward secrecy" if required else
                    " and is ordered ahead of forward-secret suites, so clients that offer both may get it"),
                "remove it" if required else "move it below the ECDHE/DHE suites"))
    if suites and not any(s.pfs or s.tls13 for s in suites):
        out.append(PlanFinding("SCH004", "error" if required else "warning", "cipher_suites",
                               "no suite in the list has forward secrecy", "add ECDHE suites"))
    return out


def policy_list_excess(names):
    """How many characters the comma-joined list is over the Group Policy limit (0 when it fits; M1)."""
    return max(0, len(",".join(names)) - GPO_LIST_LIMIT)


def list_length(names, version, severity="error"):
    """SCH005 when the comma-joined list exceeds 1,023 characters (every version: W32-PRIO, WSD-MANAGE; M1)."""
    excess = policy_list_excess(names)
    if not excess:
        return []
    return [PlanFinding("SCH005", severity, "cipher_suites",
                        "the list is %d characters; Microsoft limits the cipher-suite list to %d (W32-PRIO, WSD-MANAGE, "
                        "for every version; facts §3.3), so on %s the suites past the limit may not be read"
                        % (len(",".join(names)), GPO_LIST_LIMIT, WINDOWS_VERSIONS[version].label),
                        "drop the last %d characters' worth of suites (e.g. the _P384 variants or legacy suites)"
                        % excess)]


def protocols_without_suites(state, explicit=()):
    """SCH006: a server protocol that is on while no suite in effect can be used with it."""
    out = []
    for protocol in sorted(state.server_protocols, key=rm.TLS_PROTOCOLS.index):
        if state.suites(protocol):
            continue
        asked = protocol in explicit
        out.append(PlanFinding(
            "SCH006", "error" if asked else "warning", protocol,
            "%s is enabled on the server but no cipher suite in effect works with it: clients that only speak %s "
            "are reset (facts §9)%s" % (protocol, protocol, "" if asked else " (OS default)"),
            "add a %s suite or disable %s" % (protocol, protocol)))
    return out


def client_server_mismatch(state, version):
    """SCH007: a protocol on one side only (outgoing and incoming connections then differ)."""
    out = []
    for protocol in rm.TLS_PROTOCOLS:
        server, client = protocol in state.server_protocols, protocol in state.client_protocols
        if server == client:
            continue
        # 2008 R2 ships SSL 2.0 server on / client off (facts §2): not a mistake of the plan.
        if state.protocol_reasons.get("%s Server" % protocol, "").endswith("default: enabled") and \
                state.protocol_reasons.get("%s Client" % protocol, "").endswith("default: disabled"):
            continue
        out.append(PlanFinding(
            "SCH007", "warning", protocol,
            "%s is %s for the server and %s for the client" % (
                protocol, "enabled" if server else "disabled", "enabled" if client else "disabled"),
            "set it on both sides with protocols: (or set server_protocols/client_protocols on purpose)"))
    return out


def protocol_values(dump):
    """SCH008: protocol values other than 0/1 in a registry dump (read as enabled when non-zero)."""
    out = []
    for path, values in sorted((dump or {}).items()):
        if "\\protocols\\" not in path.lower():
            continue
        for name, value in sorted((values or {}).items()):
            if name.lower() not in ("enabled", "disabledbydefault"):
                continue
            data = value.get("data") if isinstance(value, dict) else value
            if data in (0, 1) or (name.lower() == "enabled" and data == rm.ENABLED_ALL):
                continue  # M7: DOTNET-TLS prescribes Enabled 0 or 0xFFFFFFFF; WSD-REG-2019 "a non-zero value"
            out.append(PlanFinding(
                "SCH008", "warning", "%s\\%s" % (path, name),
                "%s = %r; Schannel reads any non-zero value as set (WSD-REG-2019), but Microsoft's texts only use 1, "
                "0 and, for Enabled, 0xFFFFFFFF (DOTNET-TLS; facts §1.2)" % (name, data),
                "write 1 (or 0); the plan does this for every protocol it manages"))
    return out


def version_note(version):
    """SCH017: how this release is planned when it has no page of its own or is newer than every known one."""
    release = WINDOWS_VERSIONS[version]
    if not release.note:
        return []
    fix = None
    if release.note_severity != "info":
        fix = ("compare the host's defaults with Microsoft's pages for its release (W32-CS, W32-PROT, W32-DEPR); "
               "state protocols and suites explicitly in the profile so the plan does not rest on defaults")
    return [PlanFinding("SCH017", release.note_severity, "windows_version", release.note, fix)]


def assumptions(state, managed=()):
    """SCH018: each reading of the registry that rests on no Microsoft text (see effective.py), once per item.

    ``managed``: items the plan writes itself (then the finding says the plan relies on it).
    """
    out = []
    for item, text in state.assumptions:
        out.append(PlanFinding("SCH018", "warning", item, text,
                               "prefer the cipher-suite order to Ciphers/Hashes/KeyExchangeAlgorithms keys (WSD-REG-2019) "
                               "and write both Enabled and DisabledByDefault for protocols; verify with tls_verify"))
    return out


def prerequisite_update(version, updates):
    """SCH019: the update the release's tables assume (M8) -- info when unknown, warning when not found installed.

    ``updates``: win_schannel_info's ``updates`` fact (``{"KB3042058": true|false|null}``) or None.
    """
    need = catalogue.PREREQUISITE_UPDATES.get(version)
    if need is None:
        return []
    kb, source = need
    label = WINDOWS_VERSIONS[version].label
    found = (updates or {}).get(kb)
    if found is True:
        return []
    if found is False:
        return [PlanFinding("SCH019", "warning", kb,
                            "win_schannel_info did not find %s among the installed updates (Win32_QuickFixEngineering), "
                            "and the %s suite tables this plan uses describe a host with it (%s). A rollup or updated "
                            "installation media can contain it without listing it; without it some names the plan "
                            "writes may be unknown to Schannel: %s" % (kb, label, source, UNKNOWN_SUITE_RISK),
                            "check the host's update history (Get-HotFix, or wusa) and install %s if it is missing" % kb)]
    return [PlanFinding("SCH019", "info", kb, "the %s suite tables (%s) describe a host with update %s installed; this "
                        "plan relies on it (not checked: no updates fact from win_schannel_info)" % (label, source, kb),
                        None)]


def value_updates(version, updates, operations):
    """SCH019 for a value the plan writes that Windows reads only with an update installed (KB3140245 for WinHTTP's
    DefaultSecureProtocols on 2008 R2 and 2012): no finding when listed, a warning when not, info when unknown.

    ``operations``: the plan's registry operations (``name``, ``state``); ``updates`` as for prerequisite_update.
    """
    out, seen = [], set()
    label = WINDOWS_VERSIONS[version].label
    for op in operations or ():
        need = catalogue.VALUE_UPDATES.get(op.get("name") or "", {}).get(version)
        if need is None or op.get("state") != "present" or (op["name"], need[0]) in seen:
            continue
        seen.add((op["name"], need[0]))
        kb, source = need
        found = (updates or {}).get(kb)
        if found is True:
            continue
        if found is False:
            out.append(PlanFinding("SCH019", "warning", kb,
                                   "win_schannel_info did not find %s among the installed updates "
                                   "(Win32_QuickFixEngineering); without it %s does not read %s, so what the plan "
                                   "writes there has no effect (%s). A rollup can contain it without listing it"
                                   % (kb, label, op["name"], source),
                                   "check the host's update history (Get-HotFix) and install %s if it is missing, "
                                   "then reboot" % kb))
        else:
            out.append(PlanFinding("SCH019", "info", kb, "the plan writes %s, which %s reads only with update %s "
                                   "installed (%s) (not checked: no updates fact from win_schannel_info)"
                                   % (op["name"], label, kb, source), None))
    return out


def nearest_fix(names, version, curves=False):
    """"NAME: use A, B or C" for each unknown name (the nearest names ``version`` knows), "remove it" when none."""
    parts = []
    for name in names:
        near = catalogue.explain_curve(name, version)[2] if curves else catalogue.suggest_suites(name, version)
        parts.append("%s: %s" % (name, ("use %s" % " or ".join(near)) if near else
                                 "remove it (no known name is close)"))
    return "; ".join(parts)


def unknown_names(state, replaced=False):
    """SCH020: a configured list with names this release's Schannel does not know (M6, ASE), suites or curves.

    A warning, not an error: the plan neither creates nor removes the risk (a domain GPO may own the list), but its
    predictions assume Schannel skips those names, which Microsoft does not promise.  Each finding names the names,
    the release and, in ``fix``, the nearest names the release knows.
    """
    out = []
    label = WINDOWS_VERSIONS[state.version].label
    if state.unknown_cipher_suites and getattr(state, "unknown_from_host_cng", False):
        out.append(PlanFinding("SCH020", "warning", "cipher_suites", state.cipher_suites_risk,
                               "check that %s is this host's release (win_schannel_info os.build); if it is, the "
                               "collection's table for it lacks %s: add them (CONTRIBUTING.md, adding a Windows "
                               "version)" % (label, ", ".join(state.unknown_cipher_suites))))
    elif state.unknown_cipher_suites:
        if replaced:
            out.append(PlanFinding("SCH020", "info", "cipher_suites", state.cipher_suites_risk + "; the plan replaces "
                                   "that list", None))
        else:
            out.append(PlanFinding("SCH020", "warning", "cipher_suites", state.cipher_suites_risk + "; the predictions "
                                   "assume Schannel skips those names",
                                   "manage cipher_suites in this plan (it then writes a list of known names) or fix the "
                                   "%s list: %s" % (state.cipher_suites_source,
                                                    nearest_fix(state.unknown_cipher_suites, state.version))))
    unknown_curves = getattr(state, "unknown_ecc_curves", ())
    if unknown_curves and not replaced:
        out.append(PlanFinding("SCH020", "warning", "ecc_curves",
                               "the %s curve list holds %s, which %s's Schannel does not list among its curves "
                               "(W32-ECC-1607); Microsoft does not say what Schannel does with such a name, the "
                               "predictions assume it is skipped" % (state.ecc_curves_source, ", ".join(unknown_curves),
                                                                     label),
                               "manage ecc_curves in this plan or fix the %s list: %s" % (
                                   state.ecc_curves_source, nearest_fix(unknown_curves, state.version, curves=True))))
    return out


def management(state, mgmt):
    """SCH010: the controller's own connection (protocol and suite) must survive the plan."""
    if not mgmt:
        return []
    protocol = mgmt.get("protocol")
    suite = mgmt.get("cipher_suite")
    if protocol and protocol not in state.server_protocols:
        return [PlanFinding("SCH010", "error", protocol,
                            "the management connection uses %s, which the plan disables on the server: the controller "
                            "would lose the host after the reboot" % protocol,
                            "keep %s enabled, or move the management connection to %s first" % (
                                protocol, ", ".join(sorted(state.server_protocols)) or "another transport"))]
    if suite:
        base = catalogue.split_suffix(suite.upper())[0]
        usable = [s for s in state.suites(protocol) if s.base_name == base]
        if not usable:
            return [PlanFinding("SCH010", "error", suite,
                                "the management connection uses %s, which is not in the planned order%s: the controller "
                                "would lose the host after the reboot" % (base, " for %s" % protocol if protocol else ""),
                                "keep %s in the list" % base)]
    return []


def certificate_rules(rules, certificate):
    """SCH014: the host certificate against the profile's ``certificate`` rules (e.g. ATS: RSA >= 2048)."""
    if not rules or not certificate:
        return []
    out = []
    kind, bits = certificate["type"], certificate.get("bits")
    if kind == "rsa" and rules.get("min_rsa_bits") and bits and bits < rules["min_rsa_bits"]:
        out.append(PlanFinding("SCH014", "error", "certificate_key", "RSA %d bits; the profile needs at least %d" % (
            bits, rules["min_rsa_bits"]), "issue an RSA %d+ or ECDSA P-256 certificate" % rules["min_rsa_bits"]))
    if kind == "ecdsa" and rules.get("min_ecc_bits") and bits and bits < rules["min_ecc_bits"]:
        out.append(PlanFinding("SCH014", "error", "certificate_key", "ECC %d bits; the profile needs at least %d" % (
            bits, rules["min_ecc_bits"]), "issue a P-256 or P-384 certificate"))
    types = rules.get("key_types")
    if types and kind not in types:
        out.append(PlanFinding("SCH014", "error", "certificate_key", "%s certificate; the profile needs %s" % (
            kind.upper(), " or ".join(t.upper() for t in types)), "issue a %s certificate" % types[0].upper()))
    hashes = rules.get("signature_hashes")
    sig = certificate.get("signature_hash")
    if hashes and sig and sig not in hashes:
        out.append(PlanFinding("SCH014", "error", "certificate_key", "certificate signed with %s; the profile needs %s"
                               % (sig, ", ".join(hashes)), "reissue the certificate with %s" % hashes[0]))
    return out
