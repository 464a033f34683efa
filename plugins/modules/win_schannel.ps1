#!powershell

# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -PowerShell ansible_collections.tlsops.schannel.plugins.module_utils._SchannelRegistry

# Applies CONCRETE registry operations resolved by the action plugin (plugins/action/win_schannel.py); it knows
# nothing about profiles or Windows versions. Contract: docs/dev/contracts.md "Registry operations".
# - reads each value first and writes only what differs; every registry touch is in _SchannelRegistry.psm1;
# - check mode runs the same code with the writes simulated in memory, so it reports exactly the real run's
#   changes and backup, also when one operation depends on another (values, then their key);
# - returns the previous state as operations (backup) and, when a write fails, applies that backup to what it
#   already wrote (newest first) and fails naming the value;
# - write-ahead intent and host lease (_SchannelRegistry.psm1, issue 14): with `run`, takes the host's lease first
#   (refused while another run holds it); refuses while an interrupted run's intent is present unless run.recover;
#   plans every operation in simulation, records the intent (the changing operations and their undo), writes,
#   then deletes the intent and releases the lease. A process ended between two writes leaves the intent, so the
#   next run knows the host is mid-change: see docs/reliability.md.

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
                type = @{ type = 'str'; choices = @('dword', 'qword', 'string', 'expandstring', 'multistring', 'binary', 'none') }
                data = @{ type = 'raw' }
                reboot_reason = @{ type = 'str' }
            }
        }
        run = @{
            type = 'dict'
            options = @{
                id = @{ type = 'str'; required = $true }
                owner = @{ type = 'str'; required = $true }
                lease_seconds = @{ type = 'int'; default = 900 }
                release = @{ type = 'bool'; default = $true }
                recover = @{ type = 'bool'; default = $false }
            }
        }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

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
        { $_ -in @('binary', 'none', 'unknown') } {
            return ((@($Value.data | ForEach-Object { '{0:x2}' -f [Int32]$_ }) -join ' ') + " ($($Value.type))")
        }
        default { return [String]$Value.data }
    }
}

Function New-Undo {
    param([String]$Path, $Name, $Value, $RebootReason)
    if ($null -eq $Value) {
        return @{ path = $Path; name = $Name; state = 'absent'; type = $null; data = $null; reboot_reason = $RebootReason }
    }
    @{ path = $Path; name = $Name; state = 'present'; type = $Value.type; data = $Value.data; reboot_reason = $RebootReason }
}

Function Invoke-Operation {
    # Applies one operation (a Dictionary from Ansible.Basic or a Hashtable from the backup); a value write into a
    # missing key creates the key path first.
    param($Op)
    if ($null -eq $Op.name) {
        if ($Op.state -eq 'absent') { Remove-SchannelKey -Path $Op.path } else { $null = New-SchannelKey -Path $Op.path }
    }
    elseif ($Op.state -eq 'absent') { Remove-SchannelValue -Path $Op.path -Name $Op.name }
    else {
        $null = New-SchannelKey -Path $Op.path
        Set-SchannelValue -Path $Op.path -Name $Op.name -Type $Op.type -Data $Op.data
    }
}

$changes = [System.Collections.Generic.List[Hashtable]]@()
$backupBlocks = [System.Collections.Generic.List[Object]]@()   # one block per changed operation, newest last
$reasons = [System.Collections.Generic.List[String]]@()
$diffBefore = @{}
$diffAfter = @{}

Function Invoke-Undo {
    # Undo what this run already wrote, newest block first; $true when every undo succeeded. A value that already
    # holds what the undo would write is left alone: re-applying the failing operation's own block (a removal refused
    # before it deleted anything) then writes nothing, so a key this account may not write gives no rollback warning.
    param([System.Collections.Generic.List[Object]]$Blocks)
    $clean = $true
    for ($i = $Blocks.Count - 1; $i -ge 0; $i--) {
        foreach ($undo in $Blocks[$i]) {
            try {
                if ($null -ne $undo.name -and $undo.state -ne 'absent' -and
                    (Test-SameValue -Current (Get-SchannelValue -Path $undo.path -Name $undo.name) -Type $undo.type -Data $undo.data)) { continue }
                Invoke-Operation -Op $undo
            }
            catch {
                $clean = $false
                $module.Warn("rollback of $($undo.path)\$($undo.name) failed: $(Get-SchannelErrorMessage -ErrorRecord $_)")
            }
        }
    }
    $clean
}

$runState = Enter-SchannelRun -Module $module -Name 'win_schannel'

# Pass 1, the plan: every read and decision of this module, one operation at a time, with the writes simulated in
# memory so that each operation sees the ones before it. In check mode this is the whole run.
Enable-SchannelSimulation
$planned = [System.Collections.Generic.List[Hashtable]]@()   # @{ op; block; label } per changing operation
foreach ($op in $module.Params.operations) {
    $label = "$($op.path)\$($op.name)"
    if ($null -eq $op.name) { $label = $op.path }
    try {
        $block = [System.Collections.Generic.List[Hashtable]]@()
        if ($null -eq $op.name) {
            $exists = Test-SchannelKey -Path $op.path
            if (($op.state -eq 'absent') -ne $exists) { continue }
            if ($op.state -eq 'absent') {
                # a hive is refused before its whole subtree would be read into the backup
                $null = Assert-SchannelRemovableKey -Path $op.path
                foreach ($node in (Get-SchannelSubtree -Path $op.path)) {
                    $block.Add((New-Undo -Path $node.path -Name $null -Value @{ type = $null; data = $null } -RebootReason $op.reboot_reason))
                    foreach ($value in $node.values) {
                        if ($value.type -eq 'unknown') {
                            throw "$($node.path)\$($value.name) holds a value of kind unknown, which cannot be written back; the key was not removed"
                        }
                        $block.Add((New-Undo -Path $node.path -Name $value.name -Value $value -RebootReason $op.reboot_reason))
                        $changes.Add(@{ path = $node.path; name = $value.name; before = @{ type = $value.type; data = $value.data }; after = $null })
                        $diffBefore["$($node.path)\$($value.name)"] = Format-Value -Value $value
                    }
                }
                $changes.Add(@{ path = $op.path; name = $null; before = @{ type = 'key'; data = $null }; after = $null })
                $diffBefore[$op.path] = '(key)'
                Remove-SchannelKey -Path $op.path
            }
            else {
                $changes.Add(@{ path = $op.path; name = $null; before = $null; after = @{ type = 'key'; data = $null } })
                $diffAfter[$op.path] = '(key)'
                # the undo removes the topmost key this creates, so no empty parent of it stays behind
                $created = New-SchannelKey -Path $op.path
                $block.Add((New-Undo -Path $created -Name $null -Value $null -RebootReason $op.reboot_reason))
            }
        }
        else {
            $before = Get-SchannelValue -Path $op.path -Name $op.name
            $after = $null
            if ($op.state -eq 'absent') {
                if ($null -eq $before) { continue }
            }
            else {
                if ($null -eq $op.type) { throw "type is required to write a value" }
                if (Test-SameValue -Current $before -Type $op.type -Data $op.data) { continue }
                $after = @{ type = $op.type; data = $op.data }
            }
            $block.Add((New-Undo -Path $op.path -Name $op.name -Value $before -RebootReason $op.reboot_reason))
            if ($null -ne $before) { $diffBefore[$label] = Format-Value -Value $before }
            if ($null -ne $after) { $diffAfter[$label] = Format-Value -Value $after }
            $changes.Add(@{ path = $op.path; name = $op.name; before = $before; after = $after })
            if ($null -eq $after) { Remove-SchannelValue -Path $op.path -Name $op.name }
            else {
                $created = New-SchannelKey -Path $op.path
                if ($null -ne $created) { $block.Add((New-Undo -Path $created -Name $null -Value $null -RebootReason $op.reboot_reason)) }
                Set-SchannelValue -Path $op.path -Name $op.name -Type $op.type -Data $op.data
            }
        }
        $planned.Add(@{ op = $op; block = $block; label = $label })
        if ($op.reboot_reason -and -not $reasons.Contains($op.reboot_reason)) { $reasons.Add($op.reboot_reason) }
    }
    catch {
        # nothing has been written yet (an intent being recovered stays); the lease is released for real
        $message = Get-SchannelErrorMessage -ErrorRecord $_
        $module.Result.failed_operation = $op
        if (-not $module.CheckMode) { Disable-SchannelSimulation }
        Exit-SchannelRun -Module $module
        if ($module.CheckMode) { $module.FailJson("failed to write $label ($message)", $_) }
        $module.FailJson("failed to write $label ($message); the values this run had already written were restored", $_)
    }
}

if (-not $module.CheckMode) {
    Disable-SchannelSimulation
    Write-SchannelPlannedIntent -Module $module -Name 'win_schannel' -State $runState -Planned $planned
    # Pass 2, the writes: the changing operations in order; when one fails, the blocks already written are undone
    # newest first, with the failing operation's own block for a partial DeleteSubKeyTree or the keys a failed
    # value write created (review P14, D6).
    foreach ($entry in $planned) {
        $op = $entry.op
        try {
            Invoke-Operation -Op $op
            $backupBlocks.Add($entry.block)
        }
        catch {
            $message = Get-SchannelErrorMessage -ErrorRecord $_
            $module.Result.failed_operation = $op
            $own = [System.Collections.Generic.List[Hashtable]]@()
            foreach ($undo in $entry.block) {
                if (($null -eq $op.name -and $op.state -eq 'absent') -or $null -eq $undo.name) { $own.Add($undo) }
            }
            if ($own.Count -gt 0) { $backupBlocks.Add($own) }
            $clean = Invoke-Undo -Blocks $backupBlocks
            # a recovery rolled back to the interrupted state keeps the intent it recovers
            Exit-SchannelRun -Module $module -Clean:($clean -and -not $runState.recovering)
            if ($clean) {
                $module.FailJson("failed to write $($entry.label) ($message); the values this run had already written were restored", $_)
            }
            $module.FailJson("failed to write $($entry.label) ($message); the values this run had already written could not all be restored (see warnings)", $_)
        }
    }
}
else {
    foreach ($entry in $planned) { $backupBlocks.Add($entry.block) }
}
Exit-SchannelRun -Module $module -Clean

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
