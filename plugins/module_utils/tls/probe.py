# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe engine: one target end to end, and many targets concurrently with asyncio.

Order of work per target, chosen so a dead or hostile endpoint costs one connection: resolve; one connectivity
hello (stop here on refused / timeout / plain HTTP / garbage); then, concurrently, elimination per protocol
version; then order checks, groups, certificates, ALPN/HTTP-2 checks and client simulations; then policies,
diagnosis and the prediction check. Concurrency is bounded globally (``concurrency``) and per host
(``per_host``); every connection by ``timeout``.
"""
from __future__ import annotations

import asyncio
import gc
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import (
    certificate, clients, connection, diagnose, elimination, iana, policies, simulate, wire)
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import (
    CertificateResult, ClientCertificateResult, ProbeFinding, KeyExchangeSize, ProtocolResult, SniResult, TargetResult)

PROBE_VERSIONS = (wire.SSL3, wire.TLS10, wire.TLS11, wire.TLS12, wire.TLS13)  # by elimination; SSL 2.0 apart
SSL2_CODES = tuple(s.code for s in iana.SSL2_SUITES)
GROUP_CANDIDATES = tuple(wire.GROUPS)
EC_GROUPS_TLS12 = tuple(g for g in wire.GROUPS if g < 0x0100 and g not in (0x001F, 0x0020, 0x0021))


@dataclass
class ProbeOptions:
    timeout: float = 5.0
    validate_certs: bool = True
    ca_path: Optional[str] = None
    clients: Sequence[str] = tuple(clients.CLIENTS)
    policies: Sequence[str] = ()
    expect: Dict[str, Dict[str, object]] = field(default_factory=dict)
    concurrency: int = 20
    per_host: int = 8
    enumerate_groups: bool = True
    # a key of schannel.versions.WINDOWS_VERSIONS: compare what the server accepts with what that release offers
    windows_version: Optional[str] = None


@dataclass
class Target:
    host: str
    port: int = 443
    sni: Optional[str] = None

    @property
    def server_name(self) -> Optional[str]:
        return self.sni if self.sni is not None else self.host


# Hellos whose answers nothing else waits for (client replays, the trust handshake) share this many connection
# slots per target. The enumeration is a chain -- each hello depends on the previous answer -- and a server works
# through its queue in arrival order, so letting thirteen independent replays in first would put every step of
# the chain behind them; two at a time keep the server busy in the chain's gaps instead.
BACKGROUND_SLOTS = 2


class TargetProbe:
    def __init__(self, target: Target, options: ProbeOptions, budget: connection.Budget) -> None:
        self.target = target
        self.options = options
        self.budget = budget
        self.address: Optional[str] = None
        self.background = asyncio.Semaphore(BACKGROUND_SLOTS)
        # seen in passing by every exchange (see _observe), so no check needs a connection of its own when an
        # answer read for another reason already shows it
        self.dh_seen: Dict[str, KeyExchangeSize] = {}
        self.cert_request: Optional[wire.CertificateRequest] = None
        self.cert_request_version: Optional[str] = None
        self.name_warned = False
        self.ssl_results: List[connection.SslResult] = []
        self.no_name: Optional[Dict[str, Any]] = None

    # --- sending ---------------------------------------------------------------------------------------------

    @property
    def resolved(self) -> str:
        """The address ``run`` looked up; every send comes after that lookup."""
        if self.address is None:
            raise RuntimeError("%s: nothing is sent before the target is resolved" % self.target.host)
        return self.address

    async def send(self, params: wire.HelloParams, want: str = "hello", source: str = "probe") -> connection.Exchange:
        ex = await connection.exchange(self.resolved, self.target.port, wire.build_client_hello(params),
                                       self.budget, want)
        self._observe(ex, params, source)
        return ex

    def _observe(self, ex: connection.Exchange, params: wire.HelloParams, source: str) -> None:
        """Facts any answer may carry: an unrecognized_name warning for our server name, a CertificateRequest,
        the DH prime of a DHE suite."""
        flight = ex.flight
        if flight is None:
            return
        if params.server_name and any(a.description == 112 for a in flight.warnings):
            self.name_warned = True
        hello = flight.server_hello
        if hello is None:
            return
        version = wire.VERSION_NAMES.get(hello.version, "0x%04X" % hello.version)
        if flight.certificate_request is not None and self.cert_request is None:
            self.cert_request, self.cert_request_version = flight.certificate_request, version
        kx = flight.key_exchange
        suite = iana.SUITES_BY_CODE.get(hello.cipher_suite)
        if kx is not None and kx.dh_bits and suite is not None and suite.kex == "DHE":
            family = "DHE_" + suite.auth
            self.dh_seen.setdefault(family, KeyExchangeSize("DHE", family, kx.dh_bits, version, suite.name, source))

    async def sslv2(self) -> ProtocolResult:
        """SSL 2.0 in one connection: a CLIENT-HELLO offering every SSL 2.0 cipher kind; a server that speaks it
        lists every kind it shares in its SERVER-HELLO (SSL 2.0 has no server choice, so no order either)."""
        ex = await connection.exchange(self.resolved, self.target.port, wire.build_sslv2_client_hello(SSL2_CODES),
                                       self.budget, "hello")
        hello = ex.flight.sslv2_hello if ex.outcome == "sslv2" and ex.flight is not None else None
        if hello is not None and hello.error is None and hello.cipher_kinds:
            names = [iana.SSL2_SUITES_BY_CODE[c].name if c in iana.SSL2_SUITES_BY_CODE else "0x%06X" % c
                     for c in hello.cipher_kinds]
            return ProtocolResult(version="SSL 2.0", supported=True, cipher_suites=names, outcome="hello",
                                  connections=1)
        if hello is not None:  # speaks SSL 2.0 but shares nothing: an ERROR message or an empty list
            return ProtocolResult(version="SSL 2.0", supported=False, outcome="sslv2_error",
                                  detail="SSL 2.0 answer without a usable cipher kind (%s)"
                                  % (hello.error or "empty list"), connections=1)
        untested = ex.outcome in elimination.FATAL_OUTCOMES
        return ProtocolResult(version="SSL 2.0", supported=False, outcome=elimination.describe_outcome(ex),
                              detail=ex.detail, connections=1, tested=not untested,
                              untested_reason=("no usable answer to an SSL 2.0 CLIENT-HELLO (%s: %s): whether SSL 2.0 "
                                               "is enabled is not known" % (ex.outcome, ex.detail)) if untested else None)

    def base_params(self, version: int, suites: Sequence[int], **extra: Any) -> wire.HelloParams:
        tls13 = version >= wire.TLS13
        params: Dict[str, Any] = dict(
            max_version=version, min_version=version if tls13 else wire.SSL3, cipher_suites=list(suites),
            server_name=self.target.server_name,
            # x25519 only: a server preferring another group answers HelloRetryRequest, which names
            # the chosen suite as well, and a second (P-256) share would cost a key generation up front
            key_share_groups=(0x001D,) if tls13 else (),
            signature_algorithms=wire.DEFAULT_SIGALGS)
        params.update(extra)
        return wire.HelloParams(**params)

    async def send_background(self, params: wire.HelloParams, want: str = "hello",
                              source: str = "probe") -> connection.Exchange:
        async with self.background:
            return await self.send(params, want, source)

    async def ssl_background(self, **kwargs: Any) -> connection.SslResult:
        async with self.background:
            return await self.ssl(**kwargs)

    async def send_version(self, version: int, suites: Sequence[int]) -> connection.Exchange:
        return await self.send(self.base_params(version, suites))

    async def ssl(self, **kwargs: Any) -> connection.SslResult:
        loop = asyncio.get_running_loop()
        async with self.budget.per_host, self.budget.global_limit:
            self.budget.connections += 1
            result = await loop.run_in_executor(None, lambda: connection.ssl_handshake(
                self.resolved, self.target.port, self.target.server_name, self.options.timeout, **kwargs))
        self.ssl_results.append(result)
        return result

    # --- the steps -------------------------------------------------------------------------------------------

    async def run(self) -> TargetResult:
        started = time.monotonic()
        t = self.target
        result = TargetResult(host=t.host, port=t.port, sni=t.server_name)
        resolved = await connection.lookup(t.host, t.port)
        if "error" in resolved:
            result.failed, result.error = True, str(resolved["error"])
            result.findings.append(ProbeFinding("unresolvable", "critical", result.error, {"host": t.host}))
            return result
        self.address = str(resolved["address"])
        result.address = self.address
        # 1. connectivity: one broad hello (TLS 1.0-1.3, the common suites)
        first = await self.send(self.base_params(wire.TLS13, elimination.CANDIDATES_TLS13
                                                 + elimination.CANDIDATES_TLS12[:100], min_version=wire.TLS10))
        failure = diagnose.connect_failure(first, t.host, t.port)
        if first.outcome == "sslv2":  # an SSL 2.0-only server: enumerate that, nothing else will answer
            result.protocols["SSL 2.0"] = await self.sslv2()
        if failure is not None:
            result.findings.append(failure)
            result.failed, result.error = True, failure.message
            result.reachable = first.outcome not in ("refused", "unreachable")
            return self._finish(result, started)
        result.reachable = True
        if first.outcome == "alert" and first.alert is not None and first.alert.description == 112:
            # unrecognized_name: the server name decides, not the suites; enumerating would only repeat it
            refusal = diagnose.sni_refused(t.host, t.port, self._name_sent())
            result.sni_check = SniResult(server_name=self._name_sent(), tested=self._name_sent() is None,
                                         without_name="alert:unrecognized_name" if self._name_sent() is None else None,
                                         required=True if self._name_sent() is None else None,
                                         name_recognized=False if self._name_sent() else None,
                                         detail=refusal.message)
            result.findings.append(refusal)
            result.failed, result.error = True, refusal.message
            return self._finish(result, started)
        # Client hellos and the trust handshake do not depend on the enumeration: start them now so they overlap
        # with it instead of waiting behind it.
        profiles = [clients.CLIENTS[k] for k in self.options.clients]
        sslv2_task = asyncio.ensure_future(self.sslv2())
        # The trust handshake first: it runs in a worker thread and takes longest.
        verify_task = asyncio.ensure_future(self.ssl_background(verify=self.options.validate_certs,
                                                                ca_path=self.options.ca_path))
        client_task = asyncio.ensure_future(asyncio.gather(*(
            self.send_background(simulate.hello_params(p, t.server_name), want="flight", source="client:" + p.key)
            for p in profiles)))
        try:
            # 2. enumeration per version, concurrently
            runs = await asyncio.gather(*(elimination.eliminate(
                self.send_version, v, elimination.CANDIDATES_TLS13 if v == wire.TLS13 else elimination.CANDIDATES_TLS12)
                for v in PROBE_VERSIONS))
            await asyncio.gather(*(elimination.detect_order(self.send_version, r) for r in runs if r.supported))
            outcomes = {}
            result.protocols["SSL 2.0"] = await sslv2_task
            for run in runs:
                name = wire.VERSION_NAMES[run.version]
                outcomes[name] = run.outcome or ("hello" if run.supported else "")
                untested = not run.supported and run.fatal is not None
                result.protocols[name] = ProtocolResult(
                    version=name, supported=run.supported, cipher_suites=[iana.suite_name(c) for c in run.accepted],
                    server_order=run.server_order, order=run.order, outcome=run.outcome, detail=run.detail,
                    connections=run.exchanges, tested=not untested,
                    untested_reason=("no usable answer to a %s hello (%s%s): whether %s is enabled is not known"
                                     % (name, run.outcome, ": " + run.detail if run.detail else "", name))
                    if untested else None)
                for anomaly in run.anomalies:
                    result.findings.append(ProbeFinding("server_anomaly", "warning", "%s: %s" % (name, anomaly), {}))
                if run.fatal is not None:
                    finding = diagnose.connect_failure(run.fatal, t.host, t.port)
                    if finding is not None:
                        finding.severity = "warning"
                        finding.message = "%s probe: %s; whether %s is enabled is not known" % (
                            name, finding.message, name)
                        result.findings.append(finding)
            result.findings.extend(diagnose.version_findings(result, outcomes))
            # 3. the rest, concurrently
            await asyncio.gather(self._groups(result, runs), self._certificates(result, runs, verify_task, client_task),
                                 self._alpn(result, runs), self._dh_sizes(result, runs, client_task),
                                 self._without_name(runs))
            self._group_sizes(result)
            self._judge_sni(result)
            await self._judge_client_certificate(result)
            self._judge_clients(result, profiles, await client_task)
        finally:  # an unexpected error above must not leave connections running behind the result
            for task in (client_task, verify_task, sslv2_task):
                if not task.done():
                    task.cancel()
        # 4. verdicts
        for name in self.options.policies:
            result.policies[name] = policies.evaluate(name, result)
        result.findings.extend(diagnose.certificate_findings(result))
        result.findings.extend(diagnose.sni_findings(result))
        result.findings.extend(diagnose.client_certificate_findings(result))
        result.findings.extend(diagnose.client_findings(result))
        if self.options.expect:
            result.findings.extend(diagnose.expectation_findings(result, self.options.expect))
        if self.options.windows_version:
            result.findings.extend(diagnose.windows_version_findings(result, self.options.windows_version))
        result.failed = any(not p.passed for p in result.policies.values())
        return self._finish(result, started)

    def _finish(self, result: TargetResult, started: float) -> TargetResult:
        result.connections = self.budget.connections
        result.elapsed = round(time.monotonic() - started, 3)
        return result

    async def _groups(self, result: TargetResult, runs: List[elimination.Elimination]) -> None:
        if not self.options.enumerate_groups:
            return
        by_version = {r.version: r for r in runs}
        tls13 = by_version.get(wire.TLS13)
        found: List[int] = []
        if tls13 is not None and tls13.supported:
            suites = tls13.accepted[:1]

            async def send13(groups: List[int]) -> connection.Exchange:
                return await self.send(self.base_params(wire.TLS13, suites, groups=groups, key_share_groups=()))

            found = await elimination.eliminate_groups_tls13(send13, GROUP_CANDIDATES)
        best12 = next((r for r in sorted(runs, key=lambda r: -r.version) if r.version < wire.TLS13 and r.supported),
                      None)
        if best12 is not None:
            ecdhe = [c for c in best12.accepted if iana.SUITES_BY_CODE[c].kex == "ECDHE"]
            if ecdhe:
                async def send12(groups: List[int]) -> connection.Exchange:
                    return await self.send(self.base_params(best12.version, ecdhe, groups=groups), want="flight")

                for g in await elimination.eliminate_groups_tls12(
                        send12, [g for g in EC_GROUPS_TLS12 if g not in found]):
                    found.append(g)
        result.groups = [wire.GROUPS.get(g, "0x%04X" % g) for g in found]

    async def _certificates(self, result: TargetResult, runs: List[elimination.Elimination],
                            verify_task: "asyncio.Future[connection.SslResult]",
                            client_task: "asyncio.Future[List[connection.Exchange]]") -> None:
        """Chains per key type from the TLS <= 1.2 flights the client simulations already read (one raw hello per
        key type they did not cover), plus the trust verdict of the full handshake."""
        auth_key = {"RSA": "rsa", "ECDSA": "ecdsa", "DSS": "dsa"}
        raw_chains: Dict[str, List[bytes]] = {}
        for ex in await client_task:
            if ex.outcome == "hello" and ex.flight is not None and ex.flight.certificates:
                suite = iana.SUITES_BY_CODE.get(ex.server_hello.cipher_suite)
                key = auth_key.get(suite.auth) if suite else None
                if key:
                    raw_chains.setdefault(key, ex.flight.certificates)
        best12 = next((r for r in sorted(runs, key=lambda r: -r.version) if r.version < wire.TLS13 and r.supported),
                      None)
        if best12 is not None:
            by_auth: Dict[str, List[int]] = {}
            for code in best12.accepted:
                key = auth_key.get(iana.SUITES_BY_CODE[code].auth)
                if key and key not in raw_chains:
                    by_auth.setdefault(key, []).append(code)
            exchanges = await asyncio.gather(*(self.send(self.base_params(best12.version, codes), want="flight")
                                               for codes in by_auth.values()))
            for key, ex in zip(by_auth, exchanges):
                if ex.flight is not None and ex.flight.certificates:
                    raw_chains[key] = ex.flight.certificates
        verify = self.options.validate_certs
        ssl_result = await verify_task
        if verify and ssl_result.verified is False:
            trusted, verify_error = False, ssl_result.verify_error
            if not raw_chains:  # TLS 1.3 only: fetch the chain without verification
                ssl_result = await self.ssl(verify=False)
        elif verify and ssl_result.ok:
            trusted, verify_error = True, None
        else:
            trusted, verify_error = None, (ssl_result.error if verify else None)
        primary_key = None
        chain: Optional[List[bytes]] = None
        source = "ssl"
        if ssl_result.ok and ssl_result.chain:
            chain = ssl_result.chain
        elif raw_chains:
            primary_key = "rsa" if "rsa" in raw_chains else next(iter(raw_chains))
            chain, source = raw_chains[primary_key], "tls12-raw"
        if chain is None:
            result.certificate = CertificateResult(source="none", trusted=trusted, verify_error=verify_error or
                                                   ssl_result.error, hostname=self.target.server_name)
            return
        try:
            cert = certificate.analyse_chain(chain, source, self.target.server_name, trusted, verify_error)
        except ValueError as exc:
            result.findings.append(ProbeFinding("certificate_unreadable", "error", str(exc), {}))
            return
        for _key, der_chain in list(raw_chains.items()) + ([("tls13", chain)] if source == "ssl" else []):
            try:
                analysed = cert if der_chain is chain else certificate.analyse_chain(der_chain, "tls12-raw", None)
            except ValueError:
                continue
            if analysed.chain:
                leaf = analysed.chain[0]
                cert.by_key_type.setdefault(leaf.key_type, certificate.leaf_summary(leaf, analysed.chain))
        if trusted is None and verify and not ssl_result.ok:
            why = self._trust_untested(result, ssl_result)
            cert.verify_error = why or "validation handshake failed: %s" % (ssl_result.error or "unknown error")
            if why:
                result.untested["certificate_trust"] = why
        result.certificate = cert

    @staticmethod
    def _trust_untested(result: TargetResult, ssl_result: connection.SslResult) -> Optional[str]:
        """Why the validation handshake (the local TLS library's) could not run, when it is not the server's
        certificate: a protocol the local library cannot speak, or a client certificate the probe does not have."""
        offered = result.supported_protocols
        local = connection.local_versions()
        if offered and not any(v in local for v in offered):
            return ("not validated: the local TLS library (%s) cannot speak %s, the only protocol%s the server "
                    "offers; the chain shown is the one the server sent in answer to a raw hello"
                    % (connection.LIBRARY, ", ".join(offered), "" if len(offered) == 1 else "s"))
        if ssl_result.client_auth == "required":
            return ("not validated: the server requires a client certificate and refused the validation handshake "
                    "without one (%s); the chain shown is the one it sent in answer to a raw hello"
                    % (ssl_result.client_auth_alert or ssl_result.error or "no alert"))
        return None

    async def _alpn(self, result: TargetResult, runs: List[elimination.Elimination]) -> None:
        """h2 under TLS 1.2 is visible in the ServerHello; under TLS 1.3 only after a full handshake."""
        by_version = {r.version: r for r in runs}
        info: Dict[str, object] = {"h2_tls12": None, "h2_tls13": None, "h2_with_blocklisted_suite": None}
        tls12 = by_version.get(wire.TLS12)
        tasks = []
        if tls12 is not None and tls12.supported:
            async def check12() -> None:
                ex = await self.send(self.base_params(wire.TLS12, tls12.accepted, alpn=("h2", "http/1.1")))
                if ex.outcome == "hello":
                    info["h2_tls12"] = ex.server_hello.alpn == "h2"
                    info["tls12_alpn"] = ex.server_hello.alpn
                blocked = [c for c in tls12.accepted if iana.SUITES_BY_CODE[c].h2_blocklisted]
                if info["h2_tls12"] and blocked:
                    ex2 = await self.send(self.base_params(wire.TLS12, blocked, alpn=("h2",)))
                    if ex2.outcome == "hello" and ex2.server_hello.alpn == "h2":
                        info["h2_with_blocklisted_suite"] = iana.suite_name(ex2.server_hello.cipher_suite)
            tasks.append(check12())
        tls13 = by_version.get(wire.TLS13)
        if tls13 is not None and tls13.supported:
            async def check13() -> None:
                r = await self.ssl(verify=False, alpn=("h2", "http/1.1"), versions=("TLS 1.3",))
                if r.ok:
                    info["h2_tls13"] = r.alpn == "h2"
                    info["tls13_alpn"] = r.alpn
                else:
                    result.untested["h2_tls13"] = ("the TLS 1.3 handshake that reads the (encrypted) ALPN answer "
                                                   "failed: %s" % (r.error or "unknown error"))
            tasks.append(check13())
        await asyncio.gather(*tasks)
        result.alpn = info

    def _judge_clients(self, result: TargetResult, profiles: Sequence[clients.ClientProfile],
                       exchanges: Sequence[connection.Exchange]) -> None:
        certs = dict(result.certificate.by_key_type) if result.certificate else {}
        alpn = result.alpn.get("tls13_alpn") if result.alpn else None
        tls13_alpn = alpn if isinstance(alpn, str) else None
        for profile, ex in zip(profiles, exchanges):
            result.clients[profile.key] = simulate.judge(profile, ex, certs, tls13_alpn, result.client_certificate)

    # --- key exchange sizes, SNI, client certificates ---------------------------------------------------------

    @staticmethod
    def _best12(runs: List[elimination.Elimination]) -> Optional[elimination.Elimination]:
        return next((r for r in sorted(runs, key=lambda r: -r.version) if r.version < wire.TLS13 and r.supported),
                    None)

    async def _dh_sizes(self, result: TargetResult, runs: List[elimination.Elimination],
                        client_task: "asyncio.Future[List[connection.Exchange]]") -> None:
        """The DH prime of every accepted DHE family (DHE_RSA, DHE_DSS), whatever the simulated clients picked:
        their answers first (free), then one hello per family none of them measured."""
        best12 = self._best12(runs)
        if best12 is None:
            return
        families: Dict[str, List[int]] = {}
        for code in best12.accepted:
            suite = iana.SUITES_BY_CODE[code]
            if suite.kex == "DHE":
                families.setdefault("DHE_" + suite.auth, []).append(code)
        if not families:
            return
        await client_task
        missing = [codes for family, codes in families.items() if family not in self.dh_seen]
        await asyncio.gather(*(self.send(self.base_params(best12.version, codes), want="flight") for codes in missing))
        for family in families:
            if family in self.dh_seen:
                result.key_exchange.append(self.dh_seen[family])
            else:
                result.untested["dh_size:" + family] = ("%s suites are accepted but no answer carried readable DH "
                                                        "parameters" % family)

    def _group_sizes(self, result: TargetResult) -> None:
        for name in result.groups:
            bits = wire.GROUP_BITS.get(wire.GROUP_CODES.get(name, -1))
            if bits:
                result.key_exchange.append(KeyExchangeSize("FFDHE" if name.startswith("ffdhe") else "ECDHE", name,
                                                           bits, source="group"))

    def _name_sent(self) -> Optional[str]:
        name = self.target.server_name
        return name if name and not wire._is_ip(name) else None

    async def _without_name(self, runs: List[elimination.Elimination]) -> None:
        """One hello without a server name (only when the probe sends one): does the server need it, and which
        certificate does a client without SNI get? TLS <= 1.2: a raw hello, the chain is in the clear; TLS 1.3
        only: a full handshake."""
        if self._name_sent() is None:
            return
        best12 = self._best12(runs)
        tls13 = next((r for r in runs if r.version == wire.TLS13 and r.supported), None)
        if best12 is not None:
            ex = await self.send(self.base_params(best12.version, best12.accepted, server_name=None), want="flight")
            outcome = elimination.describe_outcome(ex)
            leaf = ex.flight.certificates[0] if ex.outcome == "hello" and ex.flight and ex.flight.certificates else None
            self.no_name = {"outcome": outcome, "leaf": leaf, "detail": ex.detail,
                            "tested": ex.outcome not in elimination.FATAL_OUTCOMES}
        elif tls13 is not None:
            r = await self.ssl(verify=False, sni=False)
            outcome = "hello" if r.ok else connection.alert_outcome(r.error)
            self.no_name = {"outcome": outcome, "leaf": r.chain[0] if r.ok and r.chain else None,
                            "detail": r.error or "", "tested": r.ok or outcome.startswith("alert:")}

    def _judge_sni(self, result: TargetResult) -> None:
        name = self._name_sent()
        check = SniResult(server_name=name, name_recognized=(not self.name_warned) if name else None)
        result.sni_check = check
        if name is None:
            check.detail = "the target is an IP address without sni: every hello went without a server name"
            return
        if self.no_name is None:
            check.detail = "no protocol to send a hello without a server name with"
            return
        check.without_name = self.no_name["outcome"]
        check.tested = bool(self.no_name["tested"])
        if not check.tested:
            check.detail = "no usable answer to the hello without a server name: %s" % self.no_name["detail"]
            result.untested["sni"] = check.detail
            return
        leaf = self.no_name["leaf"]
        check.required = leaf is None
        with_leaf = result.certificate.chain[0] if result.certificate and result.certificate.chain else None
        if with_leaf is not None:
            check.with_name_certificate = "%s, SHA-256 %s" % (with_leaf.subject, with_leaf.sha256_fingerprint[:16])
        if leaf is not None:
            fingerprint = hashlib.sha256(leaf).hexdigest()
            same = with_leaf is not None and fingerprint == with_leaf.sha256_fingerprint.replace(":", "").lower()
            subject = with_leaf.subject if same and with_leaf is not None else None
            if subject is None:  # another certificate: read it (only then; a parse costs CPU per target)
                try:
                    subject = certificate.analyse_chain([leaf], "tls12-raw", None).chain[0].subject
                except (ValueError, IndexError):
                    subject = "(unreadable certificate)"
            check.without_name_certificate = "%s, SHA-256 %s" % (subject, fingerprint[:16])
            if with_leaf is not None:
                check.certificate_differs = not same

    async def _judge_client_certificate(self, result: TargetResult) -> None:
        """A CertificateRequest in any TLS <= 1.2 flight or in a full handshake (TLS 1.3, decrypted); "required"
        from what the server did to the full handshakes, which never present a certificate. When the request was
        seen only in a raw flight (the validation handshake stopped at an untrusted chain before it), one handshake
        without validation asks the question."""
        request, version = self.cert_request, self.cert_request_version
        verdicts = [r.client_auth for r in self.ssl_results if r.certificate_request is not None]
        if request is not None and not verdicts:
            extra = await self.ssl(verify=False)
            if extra.certificate_request is not None:
                verdicts.append(extra.client_auth)
        for r in self.ssl_results:
            if r.certificate_request is not None and (request is None or not request.ca_names):
                request, version = r.certificate_request, r.version or version
        if request is None:
            result.client_certificate = ClientCertificateResult(requested=False, required=False)
            return
        cc = ClientCertificateResult(requested=True, ca_names=list(request.ca_names), protocol=version)
        if "required" in verdicts:
            cc.required = True
            refusal = next(r for r in self.ssl_results if r.client_auth == "required")
            cc.alert = refusal.client_auth_alert
            if refusal.client_auth_http:
                cc.detail = ("the TLS handshake completes without a certificate, then the web server refuses the "
                             "request: %s" % refusal.client_auth_http)
        elif "optional" in verdicts:
            cc.required = False
        else:
            cc.detail = ("the server asks for a client certificate; whether it refuses clients without one was not "
                         "determined (no full handshake saw the request)")
            result.untested["client_certificate_required"] = cc.detail
        result.client_certificate = cc


def validate_target(raw: Dict[str, Any]) -> Target:
    host = raw.get("host")
    if not isinstance(host, str) or not host.strip():
        raise ValueError("target %r: 'host' must be a non-empty string" % (raw,))
    port = raw.get("port", 443)
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ValueError("target %s: port %r is not a number" % (host, port)) from None
    if not 1 <= port <= 65535:
        raise ValueError("target %s: port %d is out of range 1-65535" % (host, port))
    sni = raw.get("sni")
    if sni is not None and not isinstance(sni, str):
        raise ValueError("target %s: sni must be a string" % host)
    return Target(host=host.strip(), port=port, sni=sni)


async def probe_many(targets: Sequence[Target], options: ProbeOptions) -> List[TargetResult]:
    """Probe every target concurrently; one target's failure never touches the others."""
    global_limit = asyncio.Semaphore(max(1, options.concurrency))
    per_host: Dict[str, asyncio.Semaphore] = {}

    async def one(target: Target) -> TargetResult:
        key = target.host.lower()
        sem = per_host.setdefault(key, asyncio.Semaphore(max(1, options.per_host)))
        budget = connection.Budget(options.timeout, sem, global_limit)
        try:
            return await TargetProbe(target, options, budget).run()
        except Exception as exc:  # a bug must not take the batch down; report it on this target
            res = TargetResult(host=target.host, port=target.port, sni=target.server_name, failed=True,
                               error="internal error while probing: %s: %s" % (exc.__class__.__name__, exc))
            res.findings.append(ProbeFinding("internal_error", "critical", res.error or "", {}))
            res.connections = budget.connections
            return res

    return list(await asyncio.gather(*(one(t) for t in targets)))


def settle_imports() -> None:
    """For a process that exists to probe (the ``tls_verify`` module, ``benchmarks/bench_probe.py``), called right
    after its imports, which ran with collection off (``gc.disable()``): move every object the imports made --
    modules, classes, the suite registry, the client table -- into the collector's permanent generation, then
    turn collection back on. Those objects live until exit anyway; left in the normal generations they are walked
    again by every full collection during the probe and by the last one at interpreter exit, ~25 ms of a ~0.2 s
    probe on the build machine. Not for long-running processes that import this module among others."""
    gc.freeze()
    gc.enable()


def run(targets: Sequence[Target], options: ProbeOptions) -> List[TargetResult]:
    """Synchronous entry point (the module and the benchmarks)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(probe_many(targets, options))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
