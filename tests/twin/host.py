"""One twin's state: identity, registry, certificate, boot time, what it serves, and its counters.

The registry is the only thing that persists (``registry.json``); everything else is derived at boot. A reboot
takes the endpoints down for a few seconds, re-derives the served TLS configuration from the registry (so
pending Schannel changes take effect exactly then) and moves the boot time, which is what ``win_reboot`` watches.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime
import json
import os
import threading
import time
from pathlib import Path

from . import boot, certs, personality, scenarios
from .faults import Faults
from .registry import RegistryStore

HTTP_PARAMETERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters"
BINDING_KINDS = ("SslBindingInfo", "SslSniBindingInfo", "SslCcsBindingInfo")
FILETIME_EPOCH_OFFSET = 11644473600  # seconds between 1601-01-01 and 1970-01-01


@dataclasses.dataclass
class TwinConfig:
    name: str
    version: str
    cert: str = "rsa:2048"
    scenario: str = "stock"
    state_dir: str = "."
    address: str = "127.0.0.1"
    lifetime: float = 600.0
    user: str = "ansible"
    password: str = "Twin-Passw0rd!"
    reboot_downtime: float = 3.0
    ports: dict = dataclasses.field(default_factory=dict)  # requested ports (0 = any free one)
    alpn: list = dataclasses.field(default_factory=list)  # ALPN the IIS-like port offers on 2016+ (IIS 10), e.g. h2
    # WMF 5.1 installed (2008 R2 SP1, 2012, 2012 R2; 2016+ have 5.1 in-box). On by default because ansible-core
    # needs it on every host; False gives the release's stock PowerShell, which refuses every module.
    wmf51: bool = True
    edition: str = "Datacenter"  # Win32_OperatingSystem.Caption
    installation_type: str = "Server"  # HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion InstallationType
    # Installed update ids as Win32_QuickFixEngineering lists them (HotFixID, e.g. "KB3042058"). None: the release's
    # stock list in doubles/win_schannel_info.py (the updates the knowledge tables assume, see DEFAULT_HOTFIXES);
    # [] an unpatched host.
    hotfixes: list | None = None


class TwinHost:
    def __init__(self, config: TwinConfig):
        self.config = config
        self.name = config.name
        self.version = config.version
        self.dir = Path(config.state_dir) / config.name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.faults = Faults(self.dir / "faults.json")
        self.registry = RegistryStore(self.dir / "registry.json", initial=scenarios.build(config.scenario, config.version))
        self.registry.write_guard = self.faults.check_write
        self.certificate = certs.load_or_create(self.dir, config.cert, config.name, Path(config.state_dir) / "_keys",
                                                address=config.address)
        # The LocalMachine certificate stores, by store name and thumbprint: what Cert:\LocalMachine\<store> holds.
        self.cert_store = {"MY": {self.certificate.thumbprint.upper(): self.certificate.facts()}}
        self.registry.seed(personality.CURRENT_VERSION_KEY, {
            "InstallationType": {"type": "string", "data": config.installation_type},
            "ProductName": {"type": "string", "data": personality.caption(config.version, config.edition).strip()[10:]}})
        self.module_executions = collections.Counter()
        self.state = "booting"
        self.boot_time = datetime.datetime.now(datetime.timezone.utc)
        self.boot_registry: dict = {}
        self.served = None  # boot.ServedConfig
        self.boot_error: str | None = None
        self._ports: dict = {}
        self.endpoints = None  # set by the server: has stop() and start()
        self._lock = threading.Lock()
        self._reboot_pending_timer: threading.Timer | None = None
        self.boot()

    # -- identity -----------------------------------------------------------------------------------------
    @property
    def powershell_version(self) -> str:
        from .knowledge import versions
        build = versions().WINDOWS_VERSIONS[self.version].build
        return personality.powershell_version(self.version, build, self.config.wmf51)

    @property
    def ports(self) -> dict:
        return self._ports

    @ports.setter
    def ports(self, ports: dict) -> None:
        """The listeners are up: HTTP.sys holds an IP binding (0.0.0.0:port, the twin's certificate in MY) for each
        TLS listener, kept where Windows keeps it, so win_schannel_info reads it as on a real host."""
        self._ports = dict(ports)
        for kind in BINDING_KINDS:
            self.registry.seed(f"{HTTP_PARAMETERS}\\{kind}", {}, replace_children=True)
        thumb = bytes.fromhex(self.certificate.thumbprint)
        for name in ("https", "winrm_https"):
            if self._ports.get(name):
                self.registry.seed(f"{HTTP_PARAMETERS}\\SslBindingInfo\\0.0.0.0:{self._ports[name]}", {
                    "SslCertHash": {"type": "binary", "data": list(thumb)},
                    "SslCertStoreName": {"type": "string", "data": "MY"}})

    # -- boot and reboot ---------------------------------------------------------------------------------
    def boot(self) -> None:
        self.boot_time = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        self.boot_registry = self.registry.dump()
        self.rederive()
        self.state = "running"
        self.write_status()

    def rederive(self) -> None:
        """Work out what the TLS ports serve: the boot-time registry plus the live local CNG list."""
        try:
            self.served = boot.derive(self.version, self.boot_registry, self.registry.dump(), self.certificate)
            self.boot_error = None
        except Exception as exc:  # knowledge engine missing or broken: WinRM over HTTP still works
            self.served = None
            self.boot_error = f"{type(exc).__name__}: {exc}"

    @property
    def boot_filetime(self) -> int:
        return int((self.boot_time.timestamp() + FILETIME_EPOCH_OFFSET) * 10_000_000)

    def schedule_reboot(self, delay: float) -> None:
        """What ``shutdown.exe /r /t N`` does: answer now, go down after ``delay`` seconds."""
        with self._lock:
            if self._reboot_pending_timer is not None:
                raise RuntimeError("A system shutdown has already been scheduled.(1190)")
            timer = threading.Timer(max(delay, 0.5), self._reboot)
            timer.daemon = True
            self._reboot_pending_timer = timer
            timer.start()

    def abort_reboot(self) -> bool:
        with self._lock:
            timer, self._reboot_pending_timer = self._reboot_pending_timer, None
        if timer is None:
            return False
        timer.cancel()
        return True

    def _reboot(self) -> None:
        self.state = "rebooting"
        self.write_status()
        if self.endpoints is not None:
            self.endpoints.stop()
        time.sleep(self.config.reboot_downtime + self.faults.take_refusal())
        with self._lock:
            self._reboot_pending_timer = None
        self.boot()
        if self.endpoints is not None:
            self.endpoints.start()
        self.write_status()

    # -- bookkeeping -------------------------------------------------------------------------------------
    def count_module(self, module: str) -> None:
        with self._lock:
            self.module_executions[module] += 1
        self.write_status()

    def status(self) -> dict:
        served = self.served.describe() if self.served is not None else None
        return {
            "name": self.name,
            "pid": os.getpid(),
            "version": self.version,
            "powershell_version": self.powershell_version,
            "address": self.config.address,
            "ports": self.ports,
            "state": self.state,
            "boot_time": self.boot_time.isoformat(),
            "boot_filetime": self.boot_filetime,
            "module_executions": sum(self.module_executions.values()),
            "module_executions_by_module": dict(self.module_executions),
            "served": served,
            "boot_error": self.boot_error,
            "certificate": self.certificate.facts(),
        }

    def write_status(self) -> None:
        with self._lock:
            path = self.dir / "status.json"
            tmp = path.with_name(f".status.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(self.status(), indent=1, default=str))
            os.replace(tmp, path)
