# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows Server versions the knowledge engine knows, and how to recognise them.

Every table in this package is keyed by the short version keys below (``2008r2`` ... ``2025``).  Each key maps
to the Microsoft cipher-suite page that describes it (facts §4: W32-CS7, W32-CS8, W32-CS81, W32-CS1607,
W32-CS1809, W32-CS2022, W32-CS2025), so a build number tells us which page's facts apply.
"""
from __future__ import annotations

import re
from collections import OrderedDict

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError


class WindowsVersion(object):
    """One Windows Server release: key, label, NT version, RTM build, and the doc its suite facts come from."""

    __slots__ = ("key", "label", "nt_version", "build", "suite_doc", "index")

    def __init__(self, key, label, nt_version, build, suite_doc, index):
        self.key = key
        self.label = label
        self.nt_version = nt_version
        self.build = build
        self.suite_doc = suite_doc
        self.index = index

    @property
    def version_string(self):
        return "%s.%d" % (self.nt_version, self.build)

    def __repr__(self):
        return "WindowsVersion(%r)" % self.key


# Source: contracts "Windows versions"; suite docs per facts §4 (mapping of server -> doc per W32-CS).
WINDOWS_VERSIONS = OrderedDict(
    (v.key, v)
    for v in (
        WindowsVersion("2008r2", "Windows Server 2008 R2", "6.1", 7601, "W32-CS7", 0),
        WindowsVersion("2012", "Windows Server 2012", "6.2", 9200, "W32-CS8", 1),
        WindowsVersion("2012r2", "Windows Server 2012 R2", "6.3", 9600, "W32-CS81", 2),
        WindowsVersion("2016", "Windows Server 2016", "10.0", 14393, "W32-CS1607", 3),
        WindowsVersion("2019", "Windows Server 2019", "10.0", 17763, "W32-CS1809", 4),
        WindowsVersion("2022", "Windows Server 2022", "10.0", 20348, "W32-CS2022", 5),
        WindowsVersion("2025", "Windows Server 2025", "10.0", 26100, "W32-CS2025", 6),
    )
)
VERSION_KEYS = tuple(WINDOWS_VERSIONS)

_NT_TO_KEY = {"6.1": "2008r2", "6.2": "2012", "6.3": "2012r2"}
_ALIASES = {
    "2008r2": "2008r2", "2008 r2": "2008r2", "2k8r2": "2008r2", "win7": "2008r2",
    "2012": "2012", "2012r2": "2012r2", "2012 r2": "2012r2",
    "2016": "2016", "2019": "2019", "2022": "2022", "2025": "2025",
}
_FIX = "use one of %s, a build number such as 17763, or a version string such as 10.0.17763" % ", ".join(VERSION_KEYS)


def _from_build(build, field, original):
    """Map a build number onto the release whose suite facts apply.

    6.x builds map by release; 10.0 server builds map to the newest release at or below them (a later
    cumulative-update build keeps its release's suite list).  Builds between 9600 and 14393 are Windows 10
    1507/1511 client builds, for which this project has no server facts.
    """
    if 7600 <= build < 9200:
        return "2008r2"
    if 9200 <= build < 9600:
        return "2012"
    if 9600 <= build < 10240:
        return "2012r2"
    if build < 14393:  # below 7600, or a Windows 10 1507/1511 client build
        raise SchannelInputError(
            field, "build %s (%r) is not a Windows Server 2008 R2 to 2025 build; %s" % (build, original, _FIX))
    best = None
    for v in WINDOWS_VERSIONS.values():
        if v.build <= build:
            best = v.key
    return best


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
    caption = caption.replace("\u00ae", " ").replace("(r)", " ").strip()
    match = re.match(r"^(2008 r2|2012 r2|2008|2012|2016|2019|2022|2025)\b", caption)
    if match and match.group(1) != "2008":
        return _ALIASES[match.group(1)]
    raise SchannelInputError(field, "unknown Windows version %r; %s" % (text, _FIX))


def version_index(key):
    """Position of a version key in release order (2008r2 = 0)."""
    return WINDOWS_VERSIONS[key].index


def at_least(key, minimum):
    """True when release ``key`` is ``minimum`` or newer."""
    return WINDOWS_VERSIONS[key].index >= WINDOWS_VERSIONS[minimum].index
