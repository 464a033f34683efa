# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: the functions below may change in any release.
#
# Every registry touch of the collection's modules (win_schannel, win_tls_cipher_suites, win_schannel_info), so the
# pitfalls of docs/dev/contracts.md are handled once (the PowerShell gate, tests/unit/powershell, keeps the .ps1
# files from growing their own):
# - HKLM is opened with an explicit 64-bit view: a 32-bit PowerShell host would otherwise read and write the
#   WOW6432Node copies of SOFTWARE\Microsoft\.NETFramework (review P8).
# - A key path is created with CreateSubKey(remaining path) on the nearest existing ancestor, opened with the
#   CreateSubKey right only, so an account that may create keys there but not write every ancestor can still
#   write (P3). CreateSubKey splits on '\' only, so 'AES 128/128' stays one key (the registry provider would split
#   it on '/').
# - A value is read with its kind kept: the six contract kinds, 'none' (REG_NONE, writable) and 'unknown' (any
#   kind .NET reports as Unknown, e.g. REG_LINK; read as bytes, never written) (P16).
# - Check mode: Enable-SchannelSimulation makes every write go to an in-memory overlay that every read goes
#   through, so a check run decides exactly as the real run would, also for dependent operations (P5).
# - Paths are 'HKLM\...' spelled as the caller gave them; the spelling is kept in every path this module returns.
# - Error text: a .NET method's exception reaches a catch block wrapped ('Exception calling "SetValue" with "3"
#   argument(s): "..."'); Get-SchannelErrorMessage gives the .NET text itself, which is what the twin and the
#   conformance vectors carry. A key that cannot be created or removed fails with .NET's own text for a refused
#   RegCreateKeyEx, naming the key ('Access to the registry key 'HKEY_LOCAL_MACHINE\...' is denied.'), never
#   silently (DeleteSubKeyTree(name, $false) does nothing at all when it may not open the key).

$script:Hklm = $null
# $null: writes go to the registry. Otherwise check mode: a case-insensitive dictionary from subkey path to
# $null (key removed by this run) or @{ fresh = <created by this run>; values = <name -> @{name; type; data}> }.
$script:Overlay = $null

Function Get-SchannelErrorMessage {
    # The message of a caught error as .NET gave it: PowerShell wraps an exception thrown inside a .NET method or
    # property (MethodInvocationException, GetValueInvocationException, SetValueInvocationException, all
    # ExtendedTypeSystemException) around the original, which is the text a user should read.
    param($ErrorRecord)
    # A cmdlet's error stopped by $ErrorActionPreference = 'Stop' reaches a catch-all as its own exception in
    # PowerShell 3+, but an ActionPreferenceStopException ("The running command stopped because ...") is unwrapped
    # too, wherever one still surfaces.
    $e = $ErrorRecord
    if ($e -is [System.Management.Automation.ErrorRecord]) { $e = $e.Exception }
    while ($true) {
        if ($e -is [System.Management.Automation.ExtendedTypeSystemException] -and $null -ne $e.InnerException) {
            $e = $e.InnerException
        }
        elseif ($e -is [System.Management.Automation.ActionPreferenceStopException] -and $null -ne $e.ErrorRecord -and
            $null -ne $e.ErrorRecord.Exception -and -not [Object]::ReferenceEquals($e.ErrorRecord.Exception, $e)) {
            $e = $e.ErrorRecord.Exception
        }
        else { break }
    }
    $e.Message
}

Function New-SchannelAccessDenied {
    # The exception .NET throws when RegCreateKeyEx is refused, for a key this module may not create or remove.
    param([String]$SubKey)
    New-Object -TypeName System.UnauthorizedAccessException -ArgumentList "Access to the registry key 'HKEY_LOCAL_MACHINE\$SubKey' is denied."
}

Function Get-Hklm {
    if ($null -eq $script:Hklm) {
        $script:Hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey(
            [Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    }
    $script:Hklm
}

Function ConvertTo-SchannelSubKey {
    # 'HKLM\A\B' -> 'A\B' (the name under the HKLM handle); a trailing '\' is trimmed for the .NET call only.
    param([String]$Path)
    if (-not $Path.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) {
        throw "path '$Path' must start with 'HKLM\'"
    }
    $sub = $Path.Substring(5).TrimEnd('\')
    if ($sub -eq '' -or ($sub.Split('\') -contains '')) {
        throw "path '$Path' has an empty key name"
    }
    $sub
}

Function Get-ParentSubKey {
    param([String]$SubKey)
    $cut = $SubKey.LastIndexOf('\')
    if ($cut -lt 0) { return '' }
    $SubKey.Substring(0, $cut)
}

Function Open-RealKey {
    # Read-only handle or $null; '' is HKLM itself (not to be disposed by the caller: see Close-RealKey).
    param([String]$SubKey)
    if ($SubKey -eq '') { return Get-Hklm }
    (Get-Hklm).OpenSubKey($SubKey, $false)
}

Function Close-RealKey {
    param($Key)
    if ($null -ne $Key -and -not [Object]::ReferenceEquals($Key, $script:Hklm)) { $Key.Dispose() }
}

Function Read-RealValue {
    # {type, data} of one value of an open key, or $null when it does not exist. DWORD/QWORD as unsigned numbers,
    # REG_EXPAND_SZ unexpanded, byte kinds as a list of ints.
    param([Microsoft.Win32.RegistryKey]$Key, [String]$Name)
    # GetValueNames first: GetValueKind of a missing value throws an IOException
    if (-not ($Key.GetValueNames() -contains $Name)) { return $null }
    $kind = $Key.GetValueKind($Name)
    $raw = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    switch ($kind) {
        ([Microsoft.Win32.RegistryValueKind]::DWord) {
            return @{ type = 'dword'; data = [BitConverter]::ToUInt32([BitConverter]::GetBytes([Int32]$raw), 0) }
        }
        ([Microsoft.Win32.RegistryValueKind]::QWord) {
            return @{ type = 'qword'; data = [BitConverter]::ToUInt64([BitConverter]::GetBytes([Int64]$raw), 0) }
        }
        ([Microsoft.Win32.RegistryValueKind]::String) { return @{ type = 'string'; data = [String]$raw } }
        ([Microsoft.Win32.RegistryValueKind]::ExpandString) { return @{ type = 'expandstring'; data = [String]$raw } }
        ([Microsoft.Win32.RegistryValueKind]::MultiString) {
            $items = New-Object -TypeName 'System.Collections.Generic.List[String]'
            foreach ($s in $raw) { $items.Add([String]$s) }
            return @{ type = 'multistring'; data = $items }
        }
    }
    $type = 'unknown'
    if ($kind -eq [Microsoft.Win32.RegistryValueKind]::Binary) { $type = 'binary' }
    elseif ($kind -eq [Microsoft.Win32.RegistryValueKind]::None) { $type = 'none' }
    # .NET returns the bytes of REG_NONE, REG_BINARY and REG_DWORD_BIG_ENDIAN, and null (here: []) for REG_LINK
    # and the resource-list kinds.
    $bytes = New-Object -TypeName 'System.Collections.Generic.List[Int32]'
    if ($raw -is [Byte[]]) { foreach ($b in $raw) { $bytes.Add([Int32]$b) } }
    @{ type = $type; data = $bytes }
}

Function Read-RealValueSet {
    # Every value of an existing key, in a case-insensitive ordered dictionary name -> @{name; type; data}.
    param([String]$SubKey)
    $values = New-Object -TypeName System.Collections.Specialized.OrderedDictionary -ArgumentList ([StringComparer]::OrdinalIgnoreCase)
    $key = Open-RealKey -SubKey $SubKey
    if ($null -eq $key) { return , $values }
    try {
        foreach ($name in $key.GetValueNames()) {
            $v = Read-RealValue -Key $key -Name $name
            $values[$name] = @{ name = $name; type = $v.type; data = $v.data }
        }
    }
    finally { Close-RealKey -Key $key }
    , $values
}

Function Get-KeyView {
    # Where the truth about one key is: @{ exists; entry }. entry is the overlay's record, or $null when the key
    # is read from the registry.
    param([String]$SubKey)
    if ($null -ne $script:Overlay) {
        $probe = $SubKey
        while ($true) {
            if ($script:Overlay.Contains($probe)) {
                $entry = $script:Overlay[$probe]
                if ($probe -eq $SubKey) { return @{ exists = ($null -ne $entry); entry = $entry } }
                # an ancestor removed or created by this run: its registry children do not count
                if ($null -eq $entry -or $entry.fresh) { return @{ exists = $false; entry = $null } }
                break
            }
            if ($probe.IndexOf('\') -lt 0) { break }
            $probe = Get-ParentSubKey -SubKey $probe
        }
    }
    $key = Open-RealKey -SubKey $SubKey
    if ($null -eq $key) { return @{ exists = $false; entry = $null } }
    Close-RealKey -Key $key
    @{ exists = $true; entry = $null }
}

Function Add-OverlayEntry {
    # The overlay record of an existing key, taking a copy of its registry values the first time.
    param([String]$SubKey)
    if ($script:Overlay.Contains($SubKey) -and $null -ne $script:Overlay[$SubKey]) { return $script:Overlay[$SubKey] }
    $entry = @{ fresh = $false; values = (Read-RealValueSet -SubKey $SubKey) }
    $script:Overlay[$SubKey] = $entry
    $entry
}

Function Enable-SchannelSimulation {
    # Check mode: from now on writes change only the overlay, and reads see them.
    $script:Overlay = New-Object -TypeName System.Collections.Specialized.OrderedDictionary -ArgumentList ([StringComparer]::OrdinalIgnoreCase)
}

Function Test-SchannelKey {
    param([String]$Path)
    (Get-KeyView -SubKey (ConvertTo-SchannelSubKey -Path $Path)).exists
}

Function Get-SchannelValue {
    # {type, data} of one value, or $null when the key or the value does not exist.
    param([String]$Path, [String]$Name)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    $view = Get-KeyView -SubKey $sub
    if (-not $view.exists) { return $null }
    if ($null -ne $view.entry) {
        if (-not $view.entry.values.Contains($Name)) { return $null }
        $v = $view.entry.values[$Name]
        return @{ type = $v.type; data = $v.data }
    }
    $key = Open-RealKey -SubKey $sub
    if ($null -eq $key) { return $null }
    try { Read-RealValue -Key $key -Name $Name } finally { Close-RealKey -Key $key }
}

Function Get-SchannelValueSet {
    # Every value of a key as a list of @{name; type; data}, names in ordinal-ignore-case order; empty when the key
    # does not exist.
    param([String]$Path)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    $view = Get-KeyView -SubKey $sub
    $list = New-Object -TypeName 'System.Collections.Generic.List[Hashtable]'
    if (-not $view.exists) { return , $list }
    $values = $null
    if ($null -eq $view.entry) { $values = Read-RealValueSet -SubKey $sub } else { $values = $view.entry.values }
    $names = [String[]]@($values.Keys)
    [Array]::Sort($names, [StringComparer]::OrdinalIgnoreCase)
    foreach ($name in $names) { $list.Add($values[$name]) }
    , $list
}

Function Get-SchannelSubKeyName {
    # Names of a key's subkeys, sorted ordinal-ignore-case (review D2: the double sorts the same way).
    param([String]$Path)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    $view = Get-KeyView -SubKey $sub
    $names = New-Object -TypeName System.Collections.Specialized.OrderedDictionary -ArgumentList ([StringComparer]::OrdinalIgnoreCase)
    if (-not $view.exists) { return , [String[]]@() }
    if ($null -eq $view.entry -or -not $view.entry.fresh) {
        $key = Open-RealKey -SubKey $sub
        if ($null -ne $key) {
            try { foreach ($n in $key.GetSubKeyNames()) { $names[$n] = $true } } finally { Close-RealKey -Key $key }
        }
    }
    if ($null -ne $script:Overlay) {
        foreach ($candidate in @($script:Overlay.Keys)) {
            if (-not [String]::Equals((Get-ParentSubKey -SubKey $candidate), $sub, [StringComparison]::OrdinalIgnoreCase)) { continue }
            $leaf = $candidate.Substring($candidate.LastIndexOf('\') + 1)
            if ($null -eq $script:Overlay[$candidate]) { $names.Remove($leaf) } else { $names[$leaf] = $true }
        }
    }
    $sorted = [String[]]@($names.Keys)
    [Array]::Sort($sorted, [StringComparer]::OrdinalIgnoreCase)
    , $sorted
}

Function Get-SchannelSubtree {
    # Depth-first dump of a key and everything under it: a list of @{ path; values }, parent before children,
    # children in ordinal-ignore-case order. Empty when the key does not exist. With -ReadErrors, a key that cannot
    # be read is recorded there ({what, error}) and skipped; without it, the error propagates.
    param([String]$Path, [System.Collections.Generic.List[Hashtable]]$ReadErrors, [System.Collections.Generic.List[Hashtable]]$Into)
    if ($null -eq $Into) { $Into = New-Object -TypeName 'System.Collections.Generic.List[Hashtable]' }
    $node = $null
    try {
        if (-not (Test-SchannelKey -Path $Path)) { return , $Into }
        $node = @{ path = $Path; values = (Get-SchannelValueSet -Path $Path); children = (Get-SchannelSubKeyName -Path $Path) }
    }
    catch {
        if ($null -eq $ReadErrors) { throw }
        $ReadErrors.Add(@{ what = "registry key $Path"; error = (Get-SchannelErrorMessage -ErrorRecord $_) })
        return , $Into
    }
    $Into.Add(@{ path = $node.path; values = $node.values })
    $base = $Path.TrimEnd('\')
    foreach ($child in $node.children) {
        $null = Get-SchannelSubtree -Path "$base\$child" -ReadErrors $ReadErrors -Into $Into
    }
    , $Into
}

Function New-SchannelKey {
    # Creates the key path; returns the topmost key it created ('HKLM\...' in the caller's spelling) or $null when
    # the key already existed.
    param([String]$Path)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    $segments = $sub.Split('\')
    $existing = $segments.Count
    while ($existing -gt 0 -and -not (Get-KeyView -SubKey ($segments[0..($existing - 1)] -join '\')).exists) { $existing-- }
    if ($existing -eq $segments.Count) { return $null }
    # HKLM holds only hives; RegCreateKeyEx refuses a new key there (the twin would create one)
    if ($existing -eq 0) { throw "'$Path' would be a new registry hive (a key directly under HKLM), which cannot be created" }
    $prefix = $Path.Substring(0, 5)
    $top = $prefix + ($segments[0..$existing] -join '\')
    if ($null -ne $script:Overlay) {
        for ($i = $existing; $i -lt $segments.Count; $i++) {
            $script:Overlay[($segments[0..$i] -join '\')] = @{ fresh = $true; values = (New-Object -TypeName System.Collections.Specialized.OrderedDictionary -ArgumentList ([StringComparer]::OrdinalIgnoreCase)) }
        }
        return $top
    }
    $remaining = $segments[$existing..($segments.Count - 1)] -join '\'
    $anchor = Get-Hklm
    if ($existing -gt 0) {
        # KEY_CREATE_SUB_KEY on the nearest existing ancestor is all RegCreateKeyEx needs there; refused, OpenSubKey
        # throws a SecurityException that names no key, so the failure says which key could not be created
        try {
            $anchor = (Get-Hklm).OpenSubKey(($segments[0..($existing - 1)] -join '\'),
                [Microsoft.Win32.RegistryKeyPermissionCheck]::ReadWriteSubTree, [System.Security.AccessControl.RegistryRights]::CreateSubKey)
        }
        catch [System.Security.SecurityException] { throw (New-SchannelAccessDenied -SubKey $sub) }
        if ($null -eq $anchor) { throw "key '$($prefix + ($segments[0..($existing - 1)] -join '\'))' disappeared while its subkeys were being created" }
    }
    try {
        $created = $anchor.CreateSubKey($remaining)
        $created.Dispose()
    }
    finally { Close-RealKey -Key $anchor }
    $top
}

Function ConvertTo-RegistryData {
    # The .NET value and kind that write a contract {type, data}.
    param([String]$Type, $Data)
    switch ($Type) {
        'dword' { return @([BitConverter]::ToInt32([BitConverter]::GetBytes([UInt32][UInt64]$Data), 0), [Microsoft.Win32.RegistryValueKind]::DWord) }
        'qword' { return @([BitConverter]::ToInt64([BitConverter]::GetBytes([UInt64]$Data), 0), [Microsoft.Win32.RegistryValueKind]::QWord) }
        'string' { return @([String]$Data, [Microsoft.Win32.RegistryValueKind]::String) }
        'expandstring' { return @([String]$Data, [Microsoft.Win32.RegistryValueKind]::ExpandString) }
        'multistring' { return @(, [String[]]@($Data)) + @([Microsoft.Win32.RegistryValueKind]::MultiString) }
        'binary' { return @(, [Byte[]]@($Data)) + @([Microsoft.Win32.RegistryValueKind]::Binary) }
        'none' { return @(, [Byte[]]@($Data)) + @([Microsoft.Win32.RegistryValueKind]::None) }
    }
    throw "a value of type '$Type' cannot be written"
}

Function Set-SchannelValue {
    # Writes one value into an existing key (New-SchannelKey first when it is missing), opening only that key.
    param([String]$Path, [String]$Name, [String]$Type, $Data)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    $converted = ConvertTo-RegistryData -Type $Type -Data $Data
    if ($null -ne $script:Overlay) {
        if (-not (Get-KeyView -SubKey $sub).exists) { throw "key '$Path' does not exist" }
        $entry = Add-OverlayEntry -SubKey $sub
        # as the registry would read it back: an existing value keeps the spelling it was created with, and the kind
        # is the contract's lower-case name whatever case the caller's type choice had (Ansible.Basic accepts any)
        $stored = $Name
        if ($entry.values.Contains($Name)) { $stored = $entry.values[$Name].name }
        $entry.values[$Name] = @{ name = $stored; type = $Type.ToLowerInvariant(); data = $Data }
        return
    }
    $key = (Get-Hklm).OpenSubKey($sub, $true)
    if ($null -eq $key) { throw "key '$Path' does not exist" }
    try { $key.SetValue($Name, $converted[0], $converted[1]) } finally { $key.Dispose() }
}

Function Remove-SchannelValue {
    param([String]$Path, [String]$Name)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    if ($null -ne $script:Overlay) {
        if (-not (Get-KeyView -SubKey $sub).exists) { return }
        $entry = Add-OverlayEntry -SubKey $sub
        $entry.values.Remove($Name)
        return
    }
    # a value that is not there needs no write access to stay absent (as in the twin): look with a read handle first
    $key = Open-RealKey -SubKey $sub
    if ($null -eq $key) { return }
    $present = $false
    try { $present = $key.GetValueNames() -contains $Name } finally { Close-RealKey -Key $key }
    if (-not $present) { return }
    $key = (Get-Hklm).OpenSubKey($sub, $true)
    if ($null -eq $key) { return }
    # DeleteValue ignores every RegDeleteValue error but "not found" (.NET compatibility); the access check is the
    # OpenSubKey above, which throws when the key may not be written
    try { $key.DeleteValue($Name, $false) } finally { $key.Dispose() }
}

Function Assert-SchannelRemovableKey {
    # A key directly under HKLM is a hive (SOFTWARE, SYSTEM, ...): DeleteSubKeyTree would delete everything in it that
    # it may before RegDeleteKeyEx refuses the hive itself. No operation of this collection removes one; refused before
    # anything is read or written (review P15 took HKLM as the parent of such a path).
    param([String]$Path)
    $sub = ConvertTo-SchannelSubKey -Path $Path
    if ($sub.IndexOf('\') -lt 0) { throw "'$Path' is a registry hive (a key directly under HKLM), which is never removed" }
    $sub
}

Function Remove-SchannelKey {
    # Removes a key and its subtree (never a hive: Assert-SchannelRemovableKey).
    param([String]$Path)
    $sub = Assert-SchannelRemovableKey -Path $Path
    if ($null -ne $script:Overlay) {
        foreach ($candidate in @($script:Overlay.Keys)) {
            if ($candidate.StartsWith("$sub\", [StringComparison]::OrdinalIgnoreCase)) { $script:Overlay[$candidate] = $null }
        }
        $script:Overlay[$sub] = $null
        return
    }
    $parentSub = Get-ParentSubKey -SubKey $sub
    $leaf = $sub.Substring($sub.LastIndexOf('\') + 1)
    $parent = Get-Hklm
    if ($parentSub -ne '') {
        # RegDeleteKeyEx checks DELETE on the key itself, not rights on the parent: read access is enough here
        $parent = (Get-Hklm).OpenSubKey($parentSub, [Microsoft.Win32.RegistryKeyPermissionCheck]::ReadWriteSubTree,
            [System.Security.AccessControl.RegistryRights]::ReadKey)
    }
    if ($null -eq $parent) { return }
    try {
        # DeleteSubKeyTree opens the key with KEY_READ|KEY_WRITE through an internal call that returns null on ANY
        # error: with throwOnMissingSubKey $false a key it may not open is silently left in place. So the key is
        # opened first the same way (SecurityException when refused, $null when missing), then deleted with $true.
        $target = $null
        try { $target = $parent.OpenSubKey($leaf, $true) }
        catch [System.Security.SecurityException] { throw (New-SchannelAccessDenied -SubKey $sub) }
        if ($null -eq $target) { return }
        $target.Dispose()
        # RegDeleteKeyEx refused (no DELETE right) throws UnauthorizedAccessException without a key name
        try { $parent.DeleteSubKeyTree($leaf, $true) }
        catch [System.UnauthorizedAccessException], [System.Security.SecurityException] { throw (New-SchannelAccessDenied -SubKey $sub) }
    }
    finally { Close-RealKey -Key $parent }
}

Function Get-SchannelTimestamp {
    # ISO 8601 UTC; InvariantCulture because ':' in a custom format is the culture's time separator (review P7).
    param([DateTime]$Date)
    $Date.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

Function Disable-SchannelSimulation {
    # Back to real writes after a simulated pass (the write modules plan in simulation, then write for real).
    $script:Overlay = $null
}

# ---- Write-ahead intent and host lease (issue 14; docs/reliability.md "Interrupted runs and the host lease") -------
# Two REG_SZ values of the collection's own key, JSON text, each written with one SetValue (atomic on its own):
# Lease = {owner, run_id, expires, module}: the run that may write this host until expires (ISO 8601 UTC);
# Intent = {run_id, owner, module, started, operations, undo}: written before a run's first write, deleted after its
# last; one left behind marks the host as interrupted mid-change. Both count as writes (the twin's cut fault too).
$script:RunKey = 'HKLM\SOFTWARE\tlsops\schannel'
$script:RunMutex = 'Global\tlsops.schannel'

Function Get-SchannelRunRecord {
    # @{ text; value } of 'Lease' or 'Intent'; $null when absent. value: the parsed JSON, or @{ raw; error } when
    # the text is not a JSON object.
    param([String]$Name)
    $stored = Get-SchannelValue -Path $script:RunKey -Name $Name
    if ($null -eq $stored) { return $null }
    $text = [String]$stored.data
    try {
        $value = [Ansible.Basic.AnsibleModule]::FromJson($text)
        if ($value -isnot [System.Collections.IDictionary]) { throw 'not a JSON object' }
        return @{ text = $text; value = $value; error = $null }
    }
    catch {
        $message = Get-SchannelErrorMessage -ErrorRecord $_
        return @{ text = $text; value = @{ raw = $text; error = $message }; error = $message }
    }
}

Function Format-SchannelRunField {
    param($Value)
    if ($null -eq $Value -or [String]$Value -eq '') { return 'unknown' }
    [String]$Value
}

Function Test-SchannelLeaseLive {
    # $true when the lease names an expiry still ahead of $Now; an expiry that cannot be read counts as passed.
    param($Lease, [DateTime]$Now)
    try {
        $expires = [DateTime]::ParseExact([String]$Lease.expires, 'yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture,
            [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal)
    }
    catch { return $false }
    $expires -gt $Now
}

Function Invoke-SchannelRunLocked {
    # Runs $Body inside the host-wide named mutex, so that reading and taking the lease is one step for every
    # process on this host. An abandoned mutex (its holder was killed) is taken over.
    param([ScriptBlock]$Body)
    $mutex = New-Object -TypeName System.Threading.Mutex -ArgumentList $false, $script:RunMutex
    $held = $false
    try {
        try { $held = $mutex.WaitOne(30000) }
        catch [System.Threading.AbandonedMutexException] { $held = $true }
        if (-not $held) { throw "the host mutex $($script:RunMutex) was held by another process for 30 s" }
        & $Body
    }
    finally {
        if ($held) { $mutex.ReleaseMutex() }
        $mutex.Dispose()
    }
}

Function Enter-SchannelRun {
    # Before any write: the lease, then the intent. Fails the module (nothing written) when another run holds an
    # unexpired lease, or when an interrupted run's intent is present and run.recover is not set; otherwise takes or
    # renews the lease (only with a run, never in check mode: there a foreign lease or an intent only warns).
    # Returns @{ recovering = <an intent is present and run.recover is set> }.
    param($Module, [String]$Name)
    $run = $Module.Params.run
    $check = [bool]$Module.CheckMode
    $intent = $null
    # A registry error while the lease is read or taken (or the mutex held past its wait) fails the module with its
    # own message, not as an unhandled exception; the refusals below exit through FailJson outside this try.
    $state = $null
    try {
        $state = Invoke-SchannelRunLocked -Body {
            $lease = Get-SchannelRunRecord -Name 'Lease'
            $found = Get-SchannelRunRecord -Name 'Intent'
            $now = [DateTime]::UtcNow
            $holder = $null
            if ($null -ne $run -and $null -ne $lease -and $null -eq $lease.error -and
                [String]$lease.value.run_id -cne [String]$run.id -and (Test-SchannelLeaseLive -Lease $lease.value -Now $now)) {
                $holder = @{ owner = $lease.value.owner; run_id = $lease.value.run_id; expires = $lease.value.expires }
            }
            $out = @{ holder = $holder; intent = $found; lease = $lease }
            if ($check -or $null -ne $holder) { return $out }
            if ($null -ne $found -and -not ($null -ne $run -and $run.recover)) { return $out }
            if ($null -ne $run) {
                $record = @{ owner = $run.owner; run_id = $run.id; module = $Name
                    expires = (Get-SchannelTimestamp -Date $now.AddSeconds([Double]$run.lease_seconds)) }
                $null = New-SchannelKey -Path $script:RunKey
                Set-SchannelValue -Path $script:RunKey -Name 'Lease' -Type 'string' -Data ([Ansible.Basic.AnsibleModule]::ToJson($record))
            }
            $out
        }
    }
    catch {
        $Module.FailJson("failed to take the host lease in $($script:RunKey) ($(Get-SchannelErrorMessage -ErrorRecord $_)); no setting was changed", $_)
    }
    if ($null -ne $state.lease -and $null -ne $state.lease.error) {
        $Module.Warn("the lease in $($script:RunKey)\Lease is not readable ($($state.lease.error)); it was taken over")
    }
    if ($null -ne $state.holder) {
        $h = $state.holder
        $text = "the host is leased by $(Format-SchannelRunField $h.owner) (run $(Format-SchannelRunField $h.run_id)) until $(Format-SchannelRunField $h.expires); nothing was written; wait for that run to end or for the lease to expire"
        if ($check) { $Module.Warn($text) }
        else {
            $Module.Result.lease = $h
            $Module.FailJson($text)
        }
    }
    $intent = $state.intent
    $recovering = $null -ne $intent -and $null -ne $run -and $run.recover
    if ($null -ne $intent -and -not $recovering) {
        $i = $intent.value
        $text = "an interrupted run ($(Format-SchannelRunField $i.module), run $(Format-SchannelRunField $i.run_id) of $(Format-SchannelRunField $i.owner), started $(Format-SchannelRunField $i.started)) left this host mid-change; run the task again through the action plugin, which rolls it back first"
        if ($check) { $Module.Warn($text) }
        else {
            $Module.Result.interrupted = $i
            $Module.FailJson($text)
        }
    }
    @{ recovering = $recovering }
}

Function Write-SchannelIntent {
    # The write-ahead record, just before the first write of a run (not in check mode; a recovering run keeps the
    # intent it recovers, so a recovery that is cut again is recovered from the same undo).
    param($Module, [String]$Name, $State, $Operations, $Undo)
    if ($Module.CheckMode -or $State.recovering) { return }
    $params = $Module.Params.run
    $record = @{ run_id = $null; owner = $null; module = $Name; started = (Get-SchannelTimestamp -Date ([DateTime]::UtcNow))
        operations = $Operations; undo = $Undo }
    if ($null -ne $params) {
        $record.run_id = $params.id
        $record.owner = $params.owner
    }
    try {
        $null = New-SchannelKey -Path $script:RunKey
        Set-SchannelValue -Path $script:RunKey -Name 'Intent' -Type 'string' -Data ([Ansible.Basic.AnsibleModule]::ToJson($record))
    }
    catch {
        # nothing has been changed yet: the lease goes, the module fails
        $message = Get-SchannelErrorMessage -ErrorRecord $_
        Exit-SchannelRun -Module $Module
        $Module.FailJson("failed to write this run's intent in $($script:RunKey) ($message); no setting was changed", $_)
    }
}

Function Write-SchannelPlannedIntent {
    # The intent of a planned run: its changing operations in order and, newest first, the undo blocks planned for
    # them. $Planned: a list of @{ op; block }.
    param($Module, [String]$Name, $State, $Planned)
    if ($Planned.Count -eq 0) { return }
    $operations = [System.Collections.Generic.List[Object]]@()
    $undo = [System.Collections.Generic.List[Object]]@()
    foreach ($entry in $Planned) { $operations.Add($entry.op) }
    for ($i = $Planned.Count - 1; $i -ge 0; $i--) { foreach ($u in $Planned[$i].block) { $undo.Add($u) } }
    Write-SchannelIntent -Module $Module -Name $Name -State $State -Operations $operations -Undo $undo
}

Function Exit-SchannelRun {
    # After the last write (or the rollback): the intent goes when the host is in the old or the new state
    # (-Clean), then the lease when run.release and it is still this run's. A registry error here only warns: it must
    # not turn a finished run (or a failure being reported) into an unhandled exception, and an intent left behind
    # makes the next run treat this one as interrupted.
    param($Module, [Switch]$Clean)
    if ($Module.CheckMode) { return }
    try {
        if ($Clean) { Remove-SchannelValue -Path $script:RunKey -Name 'Intent' }
        $run = $Module.Params.run
        Invoke-SchannelRunLocked -Body {
            if ($null -ne $run -and $run.release) {
                $lease = Get-SchannelRunRecord -Name 'Lease'
                if ($null -ne $lease -and $null -eq $lease.error -and [String]$lease.value.run_id -ceq [String]$run.id) {
                    Remove-SchannelValue -Path $script:RunKey -Name 'Lease'
                }
            }
            # with neither value left, the collection's key goes too: a run that ends well leaves no trace
            $parent = Get-ParentSubKey -SubKey $script:RunKey
            if ((Test-SchannelKey -Path $script:RunKey) -and (Get-SchannelValueSet -Path $script:RunKey).Count -eq 0 -and
                (Get-SchannelSubKeyName -Path $script:RunKey).Count -eq 0) {
                Remove-SchannelKey -Path $script:RunKey
                if ((Get-SchannelValueSet -Path $parent).Count -eq 0 -and (Get-SchannelSubKeyName -Path $parent).Count -eq 0) {
                    Remove-SchannelKey -Path $parent
                }
            }
        }
    }
    catch {
        $Module.Warn("could not clear this run's state in $($script:RunKey) ($(Get-SchannelErrorMessage -ErrorRecord $_)); the next run may take this one as interrupted")
    }
}

Export-ModuleMember -Function Get-SchannelErrorMessage, ConvertTo-SchannelSubKey, Assert-SchannelRemovableKey, Enable-SchannelSimulation, Disable-SchannelSimulation, Test-SchannelKey,
    Get-SchannelValue, Get-SchannelValueSet, Get-SchannelSubKeyName, Get-SchannelSubtree, New-SchannelKey, Set-SchannelValue,
    Remove-SchannelValue, Remove-SchannelKey, Get-SchannelTimestamp, Get-SchannelRunRecord, Enter-SchannelRun,
    Write-SchannelIntent, Write-SchannelPlannedIntent, Exit-SchannelRun
