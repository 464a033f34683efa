#!powershell

# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Applies CONCRETE registry operations resolved by the action plugin (plugins/action/win_schannel.py); it knows
# nothing about profiles or Windows versions. Contract: docs/dev/contracts.md "Registry operations".
# - reads each value first and writes only what differs;
# - creates keys segment by segment with OpenSubKey(parent, $true).CreateSubKey(leaf), so 'AES 128/128' stays one
#   key (never New-Item, whose provider splits on '/');
# - returns the previous state as operations (backup) and, when a write fails, applies that backup to what it
#   already wrote and fails naming the value.

$spec = @{
    options = @{
        operations = @{
            type = 'list'
            elements = 'dict'
            required = $true
            options = @{
                path = @{ type = 'str'; required = $true }
                name = @{ type = 'str' }
                state = @{ type = 'str'; choices = @('present', 'absent'); default = 'present' }
                type = @{ type = 'str'; choices = @('dword', 'qword', 'string', 'expandstring', 'multistring', 'binary') }
                data = @{ type = 'raw' }
                reboot_reason = @{ type = 'str' }
            }
        }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

$hklm = [Microsoft.Win32.Registry]::LocalMachine

Function ConvertTo-SubKeyPath {
    param([String]$Path)
    if (-not $Path.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) {
        throw "path '$Path' must start with 'HKLM\'"
    }
    $Path.Substring(5).TrimEnd('\')
}

Function Get-ValueState {
    # {type, data} of one value, or $null when the key or the value does not exist.
    param([String]$Path, [String]$Name)
    $key = $hklm.OpenSubKey((ConvertTo-SubKeyPath -Path $Path), $false)
    if ($null -eq $key) { return $null }
    try {
        if ($key.GetValueNames() -notcontains $Name) { return $null }
        $kind = $key.GetValueKind($Name)
        $raw = $key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        switch ($kind) {
            ([Microsoft.Win32.RegistryValueKind]::DWord) {
                return @{ type = 'dword'; data = [BitConverter]::ToUInt32([BitConverter]::GetBytes([Int32]$raw), 0) }
            }
            ([Microsoft.Win32.RegistryValueKind]::QWord) {
                return @{ type = 'qword'; data = [BitConverter]::ToUInt64([BitConverter]::GetBytes([Int64]$raw), 0) }
            }
            ([Microsoft.Win32.RegistryValueKind]::String) { return @{ type = 'string'; data = [String]$raw } }
            ([Microsoft.Win32.RegistryValueKind]::ExpandString) { return @{ type = 'expandstring'; data = [String]$raw } }
            ([Microsoft.Win32.RegistryValueKind]::MultiString) { return @{ type = 'multistring'; data = @([String[]]$raw) } }
            default {
                $bytes = @()
                if ($null -ne $raw) { $bytes = @([Byte[]]$raw | ForEach-Object { [Int32]$_ }) }
                return @{ type = 'binary'; data = $bytes }
            }
        }
    }
    finally {
        $key.Dispose()
    }
}

Function Test-KeyExists {
    param([String]$Path)
    $key = $hklm.OpenSubKey((ConvertTo-SubKeyPath -Path $Path), $false)
    if ($null -eq $key) { return $false }
    $key.Dispose()
    $true
}

Function Test-SameValue {
    param($Current, [String]$Type, $Data)
    if ($null -eq $Current -or $Current.type -ne $Type) { return $false }
    switch ($Type) {
        { $_ -in @('dword', 'qword') } { return ([UInt64]$Current.data) -eq ([UInt64]$Data) }
        { $_ -in @('string', 'expandstring') } { return ([String]$Current.data) -ceq ([String]$Data) }
        default {
            $a = @($Current.data)
            $b = @($Data)
            if ($a.Count -ne $b.Count) { return $false }
            for ($i = 0; $i -lt $a.Count; $i++) {
                if ([String]$a[$i] -cne [String]$b[$i]) { return $false }
            }
            return $true
        }
    }
}

Function Format-Value {
    # Display string for diff: DWORDs as 0x%08x like win_regedit.
    param($Value)
    switch ($Value.type) {
        'dword' { return ('0x{0:x8} (dword)' -f [UInt32]$Value.data) }
        'qword' { return ('0x{0:x16} (qword)' -f [UInt64]$Value.data) }
        'multistring' { return ((@($Value.data) -join ', ') + ' (multistring)') }
        'binary' { return ((@($Value.data | ForEach-Object { '{0:x2}' -f [Int32]$_ }) -join ' ') + ' (binary)') }
        default { return [String]$Value.data }
    }
}

Function Open-KeyForWrite {
    # Opens (creating missing keys one segment at a time) a key for writing.
    param([String]$Path)
    $segments = (ConvertTo-SubKeyPath -Path $Path).Split('\')
    $current = $hklm.OpenSubKey($segments[0], $true)
    if ($null -eq $current) { $current = $hklm.CreateSubKey($segments[0]) }
    for ($i = 1; $i -lt $segments.Count; $i++) {
        $next = $current.OpenSubKey($segments[$i], $true)
        if ($null -eq $next) { $next = $current.CreateSubKey($segments[$i]) }
        $current.Dispose()
        $current = $next
    }
    $current
}

Function Set-Value {
    param([String]$Path, [String]$Name, [String]$Type, $Data)
    $key = Open-KeyForWrite -Path $Path
    try {
        switch ($Type) {
            'dword' {
                $v = [BitConverter]::ToInt32([BitConverter]::GetBytes([UInt32][UInt64]$Data), 0)
                $key.SetValue($Name, $v, [Microsoft.Win32.RegistryValueKind]::DWord)
            }
            'qword' {
                $v = [BitConverter]::ToInt64([BitConverter]::GetBytes([UInt64]$Data), 0)
                $key.SetValue($Name, $v, [Microsoft.Win32.RegistryValueKind]::QWord)
            }
            'string' { $key.SetValue($Name, [String]$Data, [Microsoft.Win32.RegistryValueKind]::String) }
            'expandstring' { $key.SetValue($Name, [String]$Data, [Microsoft.Win32.RegistryValueKind]::ExpandString) }
            'multistring' { $key.SetValue($Name, [String[]]@($Data), [Microsoft.Win32.RegistryValueKind]::MultiString) }
            'binary' { $key.SetValue($Name, [Byte[]]@($Data), [Microsoft.Win32.RegistryValueKind]::Binary) }
        }
    }
    finally {
        $key.Dispose()
    }
}

Function Remove-Value {
    param([String]$Path, [String]$Name)
    $key = $hklm.OpenSubKey((ConvertTo-SubKeyPath -Path $Path), $true)
    if ($null -eq $key) { return }
    try { $key.DeleteValue($Name, $false) } finally { $key.Dispose() }
}

Function Remove-Key {
    param([String]$Path)
    $sub = ConvertTo-SubKeyPath -Path $Path
    $split = $sub.LastIndexOf('\')
    $parent = $hklm.OpenSubKey($sub.Substring(0, $split), $true)
    if ($null -eq $parent) { return }
    try { $parent.DeleteSubKeyTree($sub.Substring($split + 1), $false) } finally { $parent.Dispose() }
}

Function Get-KeyRestoreOperation {
    # Operations that re-create a key subtree exactly (used as the backup of a key removal).
    param([String]$Path, [String]$RebootReason, [System.Collections.Generic.List[Hashtable]]$Into)
    $key = $hklm.OpenSubKey((ConvertTo-SubKeyPath -Path $Path), $false)
    if ($null -eq $key) { return }
    try {
        $Into.Add(@{ path = $Path; name = $null; state = 'present'; type = $null; data = $null; reboot_reason = $RebootReason })
        foreach ($name in $key.GetValueNames()) {
            $v = Get-ValueState -Path $Path -Name $name
            $Into.Add(@{ path = $Path; name = $name; state = 'present'; type = $v.type; data = $v.data; reboot_reason = $RebootReason })
        }
        foreach ($child in $key.GetSubKeyNames()) {
            Get-KeyRestoreOperation -Path "$Path\$child" -RebootReason $RebootReason -Into $Into
        }
    }
    finally {
        $key.Dispose()
    }
}

Function Invoke-Operation {
    param($Op)  # a Dictionary from Ansible.Basic or a Hashtable from the backup
    if ($null -eq $Op.name) {
        if ($Op.state -eq 'absent') { Remove-Key -Path $Op.path } else { $k = Open-KeyForWrite -Path $Op.path; $k.Dispose() }
    }
    elseif ($Op.state -eq 'absent') { Remove-Value -Path $Op.path -Name $Op.name }
    else { Set-Value -Path $Op.path -Name $Op.name -Type $Op.type -Data $Op.data }
}

$changes = [System.Collections.Generic.List[Hashtable]]@()
$backupBlocks = [System.Collections.Generic.List[Object]]@()   # one block per changed operation, newest last
$reasons = [System.Collections.Generic.List[String]]@()
$diffBefore = @{}
$diffAfter = @{}

Function Invoke-Backup {
    # Undo what this run already wrote: newest change first.
    for ($i = $backupBlocks.Count - 1; $i -ge 0; $i--) {
        foreach ($undo in $backupBlocks[$i]) {
            try { Invoke-Operation -Op $undo } catch { $module.Warn("rollback of $($undo.path)\$($undo.name) failed: $($_.Exception.Message)") }
        }
    }
}

foreach ($op in $module.Params.operations) {
    $label = if ($null -eq $op.name) { $op.path } else { "$($op.path)\$($op.name)" }
    try {
        $block = [System.Collections.Generic.List[Hashtable]]@()
        if ($null -eq $op.name) {
            $exists = Test-KeyExists -Path $op.path
            if (($op.state -eq 'absent') -ne $exists) { continue }
            if ($op.state -eq 'absent') {
                Get-KeyRestoreOperation -Path $op.path -RebootReason $op.reboot_reason -Into $block
                foreach ($restore in $block) {
                    if ($null -eq $restore.name) { continue }
                    $changes.Add(@{ path = $restore.path; name = $restore.name; before = @{ type = $restore.type; data = $restore.data }; after = $null })
                    $diffBefore["$($restore.path)\$($restore.name)"] = Format-Value -Value $restore
                }
                $changes.Add(@{ path = $op.path; name = $null; before = @{ type = 'key'; data = $null }; after = $null })
                $diffBefore[$op.path] = '(key)'
            }
            else {
                $block.Add(@{ path = $op.path; name = $null; state = 'absent'; type = $null; data = $null; reboot_reason = $op.reboot_reason })
                $changes.Add(@{ path = $op.path; name = $null; before = $null; after = @{ type = 'key'; data = $null } })
                $diffAfter[$op.path] = '(key)'
            }
        }
        else {
            $before = Get-ValueState -Path $op.path -Name $op.name
            if ($op.state -eq 'absent') {
                if ($null -eq $before) { continue }
                $after = $null
            }
            else {
                if ($null -eq $op.type) { throw "type is required to write a value" }
                if (Test-SameValue -Current $before -Type $op.type -Data $op.data) { continue }
                $after = @{ type = $op.type; data = $op.data }
            }
            if ($null -eq $before) {
                $block.Add(@{ path = $op.path; name = $op.name; state = 'absent'; type = $null; data = $null; reboot_reason = $op.reboot_reason })
            }
            else {
                $block.Add(@{ path = $op.path; name = $op.name; state = 'present'; type = $before.type; data = $before.data; reboot_reason = $op.reboot_reason })
                $diffBefore[$label] = Format-Value -Value $before
            }
            if ($null -ne $after) { $diffAfter[$label] = Format-Value -Value $after }
            $changes.Add(@{ path = $op.path; name = $op.name; before = $before; after = $after })
        }

        $backupBlocks.Add($block)
        if ($op.reboot_reason -and -not $reasons.Contains($op.reboot_reason)) { $reasons.Add($op.reboot_reason) }
        if (-not $module.CheckMode) {
            Invoke-Operation -Op $op
        }
    }
    catch {
        $message = $_.Exception.Message
        if (-not $module.CheckMode) { Invoke-Backup }
        $module.Result.failed_operation = $op
        $module.FailJson("failed to write $label ($message); the values this run had already written were restored", $_)
    }
}

# The backup restores the previous state when applied in order: newest change first.
$backup = [System.Collections.Generic.List[Hashtable]]@()
for ($i = $backupBlocks.Count - 1; $i -ge 0; $i--) {
    foreach ($undo in $backupBlocks[$i]) { $backup.Add($undo) }
}

$module.Result.changed = $changes.Count -gt 0
$module.Result.changes = $changes
$module.Result.backup = $backup
$module.Result.reboot_required = $reasons.Count -gt 0
$module.Result.reboot_reasons = $reasons
$module.Diff.before = $diffBefore
$module.Diff.after = $diffAfter

$module.ExitJson()
