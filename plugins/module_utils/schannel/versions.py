# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows releases the knowledge engine plans for, and how a build number finds the Microsoft page for it.

Every table in this package is keyed by the version keys below.  A key is a *release whose Schannel a Microsoft
page describes*:

* the seven Long-Term Servicing releases (``2008r2`` ... ``2025``), each with its own cipher-suite page
  (W32-CS7, W32-CS8, W32-CS81, W32-CS1607, W32-CS1809, W32-CS2022, W32-CS2025);
* the Semi-Annual Channel server releases that have a page (``1709``, ``1803``, ``1903``, ``20h2``): their pages
  list exactly the 2019 suites and W32-PROT gives them the 2019 protocol defaults, so they share the 2019 tables
  (``based_on``) under their own name and source (tests pin both equalities to the fact sheet);
* ``23h2``, Windows Server, version 23H2 (Annual Channel, build 25398, HCS): W32-CS2022's note takes three suites
  out of the default list "in Windows Server 2022 23H2 and later", the only Microsoft text about that release;
* ``vnext``, any build after 26100: planned with the newest page ("TLS Cipher Suites in Windows Server 2025 and
  later", W32-CS2025) and with TLS 1.0/1.1 off by default, as W32-DEPR says of the Insider builds since 2024; a
  plan on it says so (SCH017).

A build maps only to the release Microsoft publishes it as (``RELEASE_BUILDS``, from HCS and W32-CS): client builds
that share a server build (14393, 17763, 26100, the SAC builds) and client builds described by the same page as a
server release (Windows 10 21H1/21H2: W32-CS20H2) are mapped; a client release with its own page (Windows 10
1507/1511/1703/22H2, Windows 11 21H2/22H2), a server release without a page (1909, 2004) and a build of no known
release are refused with the reason, never guessed.  See docs/windows-versions.md.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError

CHANNELS = ("ltsc", "sac", "annual", "newer")


@dataclass(frozen=True)
class WindowsVersion(object):
    """One release the engine plans for: key, label, NT version, build, its Microsoft suite page and table origin.

    ``based_on``: the Long-Term Servicing key whose tables this release shares (None for those seven); the
    differences, where there are any, live next to the tables (catalogue, registry_model) with their source.
    ``note``: what a plan on this release must say about the mapping (SCH017), with its severity.
    """

    key: str
    label: str
    nt_version: str
    build: int
    suite_doc: str
    index: int
    channel: str = "ltsc"
    based_on: Optional[str] = None
    note: Optional[str] = None
    note_severity: str = "info"

    @property
    def version_string(self):
        return "%s.%d" % (self.nt_version, self.build)

    @property
    def table_key(self) -> str:
        """The Long-Term Servicing key whose column of the fact sheet's tables this release starts from."""
        return self.based_on or self.key

    def __repr__(self):
        return "WindowsVersion(%r)" % self.key


_SAC_NOTE = ("%s: Microsoft's page %s lists exactly the suites of Windows Server 2019 (W32-CS1809), and W32-PROT "
             "gives it the 2019 protocol defaults, so it is planned with those tables")
# Source: W32-CS index (cipher-suite page per release), HCS (build numbers), W32-CS2022 note, W32-DEPR, W32-PROT.
WINDOWS_VERSIONS = OrderedDict((v.key, v) for v in (
    WindowsVersion("2008r2", "Windows Server 2008 R2", "6.1", 7601, "W32-CS7", 0),
    WindowsVersion("2012", "Windows Server 2012", "6.2", 9200, "W32-CS8", 1),
    WindowsVersion("2012r2", "Windows Server 2012 R2", "6.3", 9600, "W32-CS81", 2),
    WindowsVersion("2016", "Windows Server 2016", "10.0", 14393, "W32-CS1607", 3),
    WindowsVersion("1709", "Windows Server, version 1709", "10.0", 16299, "W32-CS1709", 4, "sac", "2019",
                   _SAC_NOTE % ("Windows Server, version 1709 (build 16299)", "W32-CS1709") +
                   " (W32-PROT has a TLS row for 1709 but no DTLS and SSL rows; those of 1703 and 1803, equal to "
                   "2019's, are used)"),
    WindowsVersion("1803", "Windows Server, version 1803", "10.0", 17134, "W32-CS1803", 5, "sac", "2019",
                   _SAC_NOTE % ("Windows Server, version 1803 (build 17134)", "W32-CS1803")),
    WindowsVersion("2019", "Windows Server 2019", "10.0", 17763, "W32-CS1809", 6),
    WindowsVersion("1903", "Windows Server, version 1903", "10.0", 18362, "W32-CS1903", 7, "sac", "2019",
                   _SAC_NOTE % ("Windows Server, version 1903 (build 18362)", "W32-CS1903")),
    WindowsVersion("20h2", "Windows Server, version 20H2", "10.0", 19042, "W32-CS20H2", 8, "sac", "2019",
                   _SAC_NOTE % ("Windows Server, version 20H2 (build 19042; the page also covers Windows 10 21H1 "
                                "19043 and 21H2 19044)", "W32-CS20H2")),
    WindowsVersion("2022", "Windows Server 2022", "10.0", 20348, "W32-CS2022", 9),
    WindowsVersion("23h2", "Windows Server, version 23H2", "10.0", 25398, "W32-CS2022", 10, "annual", "2022",
                   "Windows Server, version 23H2 (Annual Channel, build 25398, HCS) has no page of its own; it is "
                   "planned with the Windows Server 2022 tables as W32-CS2022's note amends them: "
                   "TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 and "
                   "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 are 'not enabled by default in Windows Server 2022 23H2 and "
                   "later'"),
    WindowsVersion("2025", "Windows Server 2025", "10.0", 26100, "W32-CS2025", 11),
    WindowsVersion("vnext", "Windows Server after 2025 (a build newer than 26100)", "10.0", 26101, "W32-CS2025", 12,
                   "newer", "2025",
                   "this host's build is newer than any release this collection knows (the newest is Windows Server "
                   "2025, build 26100): it is planned with the 'Windows Server 2025 and later' suite tables "
                   "(W32-CS2025) and with TLS 1.0 and 1.1 off by default, as W32-DEPR says of the Windows 11 and "
                   "Windows Server Insider builds since 2024; an in-market release that keeps them on is not "
                   "described by any page this collection has", "warning"),
))
VERSION_KEYS = tuple(WINDOWS_VERSIONS)
# The seven releases with their own column in the fact sheet's tables (facts §2, §4.2, §4.3).
LTSC_KEYS = tuple(k for k, v in WINDOWS_VERSIONS.items() if v.channel == "ltsc")
NEWEST_KNOWN_BUILD = WINDOWS_VERSIONS["2025"].build

# Source: HCS (microsoft/hcsshim osversion/windowsbuilds.go: RS1..V25H1Server), W32-CS (which page describes which
# release), W32-PROT (7600/7601: Windows 7 / Server 2008 R2 rows).  build -> (release name, key or None, why not)
_CLIENT = ("is a client release with a cipher-suite page of its own (%s) that no server release shares; this "
           "collection plans Windows Server releases and the client builds that share their page")
_NO_PAGE = ("has no Microsoft cipher-suite page (W32-CS lists 1903 and 20H2, not this release); the collection does "
            "not guess its suites. If you accept a neighbouring page for this host, give windows_version: 1903 or 20h2")
RELEASE_BUILDS = OrderedDict((b, (name, key, why)) for b, name, key, why in (
    (7600, "Windows Server 2008 R2 / Windows 7", "2008r2", None),
    (7601, "Windows Server 2008 R2 SP1 / Windows 7 SP1", "2008r2", None),
    (9200, "Windows Server 2012 / Windows 8", "2012", None),
    (9600, "Windows Server 2012 R2 / Windows 8.1", "2012r2", None),
    (10240, "Windows 10, version 1507", None, _CLIENT % "W32-CS1507"),
    (10586, "Windows 10, version 1511", None, _CLIENT % "W32-CS1511"),
    (14393, "Windows Server 2016 / Windows 10, version 1607", "2016", None),
    (15063, "Windows 10, version 1703", None, _CLIENT % "W32-CS1703"),
    (16299, "Windows Server, version 1709 / Windows 10, version 1709", "1709", None),
    (17134, "Windows Server, version 1803 / Windows 10, version 1803", "1803", None),
    (17763, "Windows Server 2019 / Windows 10, version 1809", "2019", None),
    (18362, "Windows Server, version 1903 / Windows 10, version 1903", "1903", None),
    (18363, "Windows Server, version 1909 / Windows 10, version 1909", None, _NO_PAGE),
    (19041, "Windows Server, version 2004 / Windows 10, version 2004", None, _NO_PAGE),
    (19042, "Windows Server, version 20H2 / Windows 10, version 20H2", "20h2", None),
    (19043, "Windows 10, version 21H1", "20h2", None),
    (19044, "Windows 10, version 21H2", "20h2", None),
    (19045, "Windows 10, version 22H2", None, _CLIENT % "W32-CS10-22H2"),
    (20348, "Windows Server 2022", "2022", None),
    (22000, "Windows 11, version 21H2", None, _CLIENT % "W32-CS11"),
    (22621, "Windows 11, version 22H2", None, _CLIENT % "W32-CS11-22H2"),
    (25398, "Windows Server, version 23H2", "23h2", None),
    (26100, "Windows Server 2025 / Windows 11, version 24H2", "2025", None),
))

_NT_TO_KEY = {"6.1": "2008r2", "6.2": "2012", "6.3": "2012r2"}
_ALIASES = {
    "2008r2": "2008r2", "2008 r2": "2008r2", "2k8r2": "2008r2", "win7": "2008r2",
    "2012": "2012", "2012r2": "2012r2", "2012 r2": "2012r2",
    "2016": "2016", "2019": "2019", "2022": "2022", "2025": "2025",
    "1709": "1709", "1803": "1803", "1903": "1903", "20h2": "20h2", "23h2": "23h2", "vnext": "vnext",
    "version 1709": "1709", "version 1803": "1803", "version 1903": "1903", "version 20h2": "20h2",
    "version 23h2": "23h2",
}
_FIX = ("use one of %s, a build number such as 17763, or a version string such as 10.0.17763"
        % ", ".join(VERSION_KEYS))


def describe_build(build):
    """``(release name, key or None, why not)`` for a build number (see the module docstring)."""
    if build in RELEASE_BUILDS:
        return RELEASE_BUILDS[build]
    if build > NEWEST_KNOWN_BUILD:
        return ("a build after Windows Server 2025 (26100)", "vnext", None)
    below = [b for b in RELEASE_BUILDS if b < build]
    above = [b for b in RELEASE_BUILDS if b > build]
    if not below:
        return (None, None, "is older than Windows Server 2008 R2 (7600), the oldest release this collection plans")
    near = "%d (%s)" % (below[-1], RELEASE_BUILDS[below[-1]][0])
    if above:
        near += " and %d (%s)" % (above[0], RELEASE_BUILDS[above[0]][0])
    return (None, None, "is not the build of a release this collection knows (the known releases around it: %s); "
            "no Microsoft page is tied to it here. If you know which release's page describes this host, give "
            "windows_version as that release's key" % near)


def _from_build(build, field, original):
    """Map a build number onto the release whose Microsoft page describes it, or refuse with the reason."""
    name, key, why = describe_build(build)
    if key is not None:
        return key
    what = "build %s (%r)" % (build, original) + (" is %s and" % name if name else "")
    raise SchannelInputError(field, "%s %s; %s" % (what, why, _FIX))


def resolve_windows_version(value, field="windows_version"):
    """Return the version key for a key, label, caption, build number or ``major.minor.build`` string.

    >>> resolve_windows_version("Windows Server 2019 Datacenter")
    '2019'
    """
    if value.__class__ is str and value in WINDOWS_VERSIONS:  # fast path: already a key (hot in loops)
        return value
    if isinstance(value, WindowsVersion):
        return value.key
    if isinstance(value, bool) or value is None:
        raise SchannelInputError(field, "no Windows version given; %s" % _FIX)
    if isinstance(value, int):
        if str(value) in WINDOWS_VERSIONS:  # YAML reads ``windows_version: 2019`` as the int 2019
            return str(value)
        if value == 2008:
            raise SchannelInputError(field, "Windows Server 2008 (non-R2) is not supported; %s" % _FIX)
        return _from_build(value, field, value)
    text = str(value).strip()
    low = text.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    if low.isdigit():
        number = int(low)
        if number in (2008, 2012, 2016, 2019, 2022, 2025):  # a bare year that is not an alias: 2008 (non-R2)
            raise SchannelInputError(field, "Windows Server %s is not supported; %s" % (text, _FIX))
        return _from_build(number, field, value)
    match = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:\.\d+)?$", low)
    if match:
        nt = "%s.%s" % (match.group(1), match.group(2))
        if match.group(3):
            return _from_build(int(match.group(3)), field, value)
        if nt in _NT_TO_KEY:
            return _NT_TO_KEY[nt]
        raise SchannelInputError(field, "version %r needs a build number to tell the release; %s" % (text, _FIX))
    caption = re.sub(r"\s+", " ", low.replace("windows", " ").replace("server", " ").replace("microsoft", " "))
    caption = caption.replace("\u00ae", " ").replace("(r)", " ").replace(",", " ").strip()
    caption = re.sub(r"\s+", " ", caption)
    match = re.match(r"^(2008 r2|2012 r2|2008|2012|2016|2019|2022|2025)\b", caption)
    if match and match.group(1) != "2008":
        return _ALIASES[match.group(1)]
    match = re.match(r"^version (1709|1803|1903|20h2|23h2)\b", caption)
    if match:
        return _ALIASES[match.group(1)]
    raise SchannelInputError(field, "unknown Windows version %r; %s" % (text, _FIX))


def version_index(key):
    """Position of a version key in release order (2008r2 = 0)."""
    return WINDOWS_VERSIONS[key].index


def at_least(key, minimum):
    """True when release ``key`` is ``minimum`` or newer."""
    return WINDOWS_VERSIONS[key].index >= WINDOWS_VERSIONS[minimum].index
