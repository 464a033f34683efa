"""What a Windows Server release looks like from a module's point of view, beyond Schannel: its caption, its
in-box PowerShell, and which TLS cmdlets it has. Schannel's own defaults come from the knowledge engine, not here.

- Caption: ``Win32_OperatingSystem.Caption`` for the edition; 2008 R2 ends it with a space, as that release does.
- PowerShell: the in-box version (Microsoft "Windows PowerShell system requirements": 2008 R2 ships 2.0, 2012
  3.0, 2012 R2 4.0, 2016 and later 5.1). WMF 5.1 can be installed on 2008 R2 SP1, 2012 and 2012 R2 (it needs .NET
  Framework 4.5.2 or later first); ``PSVersionTable.PSVersion`` is then 5.1.14409.1005 (WMF 5.1 RTM).
- TLS cmdlets (the TLS module, Windows Server 2016 and later): each checked on its own, as the ``.ps1`` does with
  ``Get-Command``.
"""
from __future__ import annotations

STOCK_POWERSHELL = {"2008r2": "2.0", "2012": "3.0", "2012r2": "4.0"}  # every later release: 5.1 in-box
WMF51_VERSION = "5.1.14409.1005"
CAPTIONS = {
    "2008r2": "Microsoft Windows Server 2008 R2 {edition} ",
    "2012": "Microsoft Windows Server 2012 {edition}",
    "2012r2": "Microsoft Windows Server 2012 R2 {edition}",
    "2016": "Microsoft Windows Server 2016 {edition}",
    "2019": "Microsoft Windows Server 2019 {edition}",
    "2022": "Microsoft Windows Server 2022 {edition}",
    "2025": "Microsoft Windows Server 2025 {edition}",
}
TLS_CMDLETS = {"Get-TlsCipherSuite": "2016", "Get-TlsEccCurve": "2016"}  # first release that has the cmdlet
ORDER = ("2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025")
WMF51_DOWNLOAD = "https://learn.microsoft.com/powershell/scripting/windows-powershell/wmf/setup/install-configure"
CURRENT_VERSION_KEY = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"


def caption(version: str, edition: str = "Datacenter") -> str:
    return CAPTIONS[version].format(edition=edition)


def powershell_version(version: str, build: int, wmf51: bool) -> str:
    """``$PSVersionTable.PSVersion.ToString()`` on this host."""
    stock = STOCK_POWERSHELL.get(version)
    if stock is None:
        return f"5.1.{build}.1"
    return WMF51_VERSION if wmf51 else stock


def has_powershell_51(text: str) -> bool:
    major, minor = (int(p) for p in text.split(".")[:2])
    return (major, minor) >= (5, 1)


def has_cmdlet(version: str, cmdlet: str) -> bool:
    first = TLS_CMDLETS.get(cmdlet)
    return first is not None and ORDER.index(version) >= ORDER.index(first)
