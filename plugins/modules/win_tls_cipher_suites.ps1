#!powershell

# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -PowerShell ansible_collections.tlsops.schannel.plugins.module_utils._SchannelRegistry

# Writes a FINAL ordered cipher-suite list and curve list, already validated against the host's Windows version
# and resolved from set/add/remove by the action plugin (plugins/action/win_tls_cipher_suites.py).
# Contract: docs/dev/contracts.md "win_tls_cipher_suites.ps1".
# - scope=policy: the Group Policy values (REG_SZ Functions, REG_MULTI_SZ EccCurves); they apply at the next boot.
#   Registry access goes through _SchannelRegistry.psm1.
# - scope=local:  the CNG local list through the TLS cmdlets (Server 2016 and later); no reboot.
# - write-ahead intent and host lease as win_schannel.ps1 (_SchannelRegistry.psm1, issue 14): the intent holds the
#   policy writes and their undo as registry operations, or for scope=local the wanted and the previous lists.

$spec = @{
    options = @{
        scope = @{ type = 'str'; choices = @('policy', 'local'); default = 'policy' }
        cipher_suites = @{ type = 'list'; elements = 'str' }
        ecc_curves = @{ type = 'list'; elements = 'str' }
        state = @{ type = 'str'; choices = @('present', 'absent'); default = 'present' }
        restore = @{
            type = 'list'
            elements = 'dict'
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

$policyLabel = 'HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
$rebootReason = 'the Group Policy cipher-suite and curve order is read at boot'

Function Get-PolicyState {
    # The policy lists plus the stored Functions value as it is (its kind kept for the backup, review T9).
    $state = @{ cipher_suites = $null; ecc_curves = $null; functions = $null; ecc = $null }
    $functions = Get-SchannelValue -Path $policyLabel -Name 'Functions'
    if ($null -ne $functions) {
        # Group Policy writes REG_SZ (comma-separated); tolerate a REG_MULTI_SZ written by other tools.
        $state.functions = $functions
        $suites = [System.Collections.Generic.List[String]]@()
        foreach ($entry in ((@($functions.data) -join ',') -split ',')) {
            if ($entry.Trim()) { $suites.Add($entry.Trim()) }
        }
        $state.cipher_suites = $suites
    }
    $ecc = Get-SchannelValue -Path $policyLabel -Name 'EccCurves'
    if ($null -ne $ecc) {
        $state.ecc = $ecc
        $curves = [System.Collections.Generic.List[String]]@()
        foreach ($entry in @($ecc.data)) { $curves.Add([String]$entry) }
        $state.ecc_curves = $curves
    }
    $state
}

Function Test-SameList {
    param($A, $B)
    if ($null -eq $A -and $null -eq $B) { return $true }
    if ($null -eq $A -or $null -eq $B) { return $false }
    $a = @($A)
    $b = @($B)
    if ($a.Count -ne $b.Count) { return $false }
    for ($i = 0; $i -lt $a.Count; $i++) { if ($a[$i] -cne $b[$i]) { return $false } }
    $true
}

Function New-PolicyUndo {
    param([String]$Name, $Value)
    if ($null -eq $Value) {
        return @{ path = $policyLabel; name = $Name; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason }
    }
    @{ path = $policyLabel; name = $Name; state = 'present'; type = $Value.type; data = $Value.data; reboot_reason = $rebootReason }
}

Function Invoke-PolicyOperation {
    # One registry operation on the policy key (a backup entry or a restore operation); a value write into a missing
    # key creates it first.
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

Function Invoke-PolicyUndo {
    # Applies backup operations in order; $true when every one succeeded.
    param([System.Collections.Generic.List[Hashtable]]$Undo)
    $clean = $true
    foreach ($op in $Undo) {
        try { Invoke-PolicyOperation -Op $op }
        catch {
            $clean = $false
            $module.Warn("rollback of $($op.path)\$($op.name) failed: $(Get-SchannelErrorMessage -ErrorRecord $_)")
        }
    }
    $clean
}

Function Set-LocalOrder {
    # The CNG call sequence, in one place (issue 14 may reorder it). Prefix-safe: the live list never loses an entry
    # that both the old and the new list hold, except the one being moved, and is never empty while they share one.
    # CNG cannot move an entry, only remove and insert it; -Position is 0-based.
    # -Confirm:$false: the cmdlets support ShouldProcess and their ConfirmImpact is not documented; the module runs
    # in a runspace without a host (Ansible's module_wrapper), where a confirmation prompt would fail the call.
    # $null = : their output type is not documented (System.Object); anything they wrote would follow the module's
    # JSON on stdout.
    param([String]$Kind, [String[]]$Current, [String[]]$Wanted, [Switch]$WhatIf)
    $live = [System.Collections.Generic.List[String]]@()
    foreach ($name in $Current) { $live.Add($name) }
    for ($i = 0; $i -lt $Wanted.Count; $i++) {
        $name = $Wanted[$i]
        if ($i -lt $live.Count -and $live[$i] -ceq $name) { continue }
        $at = -1
        for ($j = 0; $j -lt $live.Count; $j++) { if ($live[$j] -ceq $name) { $at = $j; break } }
        if ($at -ge 0) {
            if ($Kind -eq 'suite') { $null = Disable-TlsCipherSuite -Name $name -WhatIf:$WhatIf -Confirm:$false }
            else { $null = Disable-TlsEccCurve -Name $name -WhatIf:$WhatIf -Confirm:$false }
            $live.RemoveAt($at)
        }
        if ($Kind -eq 'suite') { $null = Enable-TlsCipherSuite -Name $name -Position $i -WhatIf:$WhatIf -Confirm:$false }
        else { $null = Enable-TlsEccCurve -Name $name -Position $i -WhatIf:$WhatIf -Confirm:$false }
        $live.Insert([Math]::Min($i, $live.Count), $name)
    }
    for ($i = $live.Count - 1; $i -ge $Wanted.Count; $i--) {
        if ($Kind -eq 'suite') { $null = Disable-TlsCipherSuite -Name $live[$i] -WhatIf:$WhatIf -Confirm:$false }
        else { $null = Disable-TlsEccCurve -Name $live[$i] -WhatIf:$WhatIf -Confirm:$false }
    }
}

$changedValues = [System.Collections.Generic.List[String]]@()
$module.Diff.before = @{}
$module.Diff.after = @{}

Function Set-PolicyDiff {
    param($Before, $After)
    if ($null -ne $Before.cipher_suites) { $module.Diff.before["$policyLabel\Functions"] = ($Before.cipher_suites -join ',') }
    if ($null -ne $Before.ecc_curves) { $module.Diff.before["$policyLabel\EccCurves"] = (($Before.ecc_curves -join ', ') + ' (multistring)') }
    if ($null -ne $After.cipher_suites) { $module.Diff.after["$policyLabel\Functions"] = ($After.cipher_suites -join ',') }
    if ($null -ne $After.ecc_curves) { $module.Diff.after["$policyLabel\EccCurves"] = (($After.ecc_curves -join ', ') + ' (multistring)') }
}

if ($null -ne $module.Params.restore) {
    # A policy-order backup (what this module returned as backup, or its .reg file read by the action plugin):
    # registry operations on the policy key only, applied in order as win_schannel applies operations: planned in a
    # simulation, the intent, the writes, and on a failed write the blocks already written undone newest first.
    if ($module.Params.scope -ne 'policy' -or $null -ne $module.Params.cipher_suites -or $null -ne $module.Params.ecc_curves) {
        $module.FailJson('restore: a cipher-suite backup is applied on its own with scope: policy; leave out cipher_suites and ecc_curves')
    }
    for ($i = 0; $i -lt @($module.Params.restore).Count; $i++) {
        $op = @($module.Params.restore)[$i]
        if (-not [String]::Equals($op.path.TrimEnd('\'), $policyLabel, [StringComparison]::OrdinalIgnoreCase)) {
            $module.FailJson("restore[$i]: a cipher-suite backup only writes values of $policyLabel or that key, not $($op.path)")
        }
    }
    $runState = Enter-SchannelRun -Module $module -Name 'win_tls_cipher_suites'
    $before = Get-PolicyState
    Enable-SchannelSimulation
    $planned = [System.Collections.Generic.List[Hashtable]]@()   # @{ op; block } per operation that changes something
    try {
        foreach ($op in $module.Params.restore) {
            $block = [System.Collections.Generic.List[Hashtable]]@()
            if ($null -eq $op.name -and $op.state -ne 'absent') {
                if (Test-SchannelKey -Path $policyLabel) { continue }
                $block.Add(@{ path = $policyLabel; name = $null; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason })
            }
            elseif ($null -eq $op.name) {
                if (-not (Test-SchannelKey -Path $policyLabel)) { continue }
                $block.Add(@{ path = $policyLabel; name = $null; state = 'present'; type = $null; data = $null; reboot_reason = $rebootReason })
                foreach ($value in (Get-SchannelValueSet -Path $policyLabel)) { $block.Add((New-PolicyUndo -Name $value.name -Value $value)) }
            }
            else {
                if ($op.state -ne 'absent' -and $null -eq $op.type) { throw 'type is required to write a value' }
                $current = Get-SchannelValue -Path $policyLabel -Name $op.name
                if ($op.state -eq 'absent') {
                    if ($null -eq $current) { continue }
                }
                elseif ($null -ne $current -and $current.type -eq $op.type -and (Test-SameList -A $current.data -B $op.data)) { continue }
                $block.Add((New-PolicyUndo -Name $op.name -Value $current))
                if ($op.state -ne 'absent' -and -not (Test-SchannelKey -Path $policyLabel)) {
                    $block.Add(@{ path = $policyLabel; name = $null; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason })
                }
            }
            Invoke-PolicyOperation -Op $op
            $planned.Add(@{ op = $op; block = $block })
            $changedValues.Add([String]$op.name)
        }
    }
    catch {
        # found while planning: nothing has been written
        $message = Get-SchannelErrorMessage -ErrorRecord $_
        if (-not $module.CheckMode) { Disable-SchannelSimulation }
        Exit-SchannelRun -Module $module
        $module.FailJson("restore: $message; nothing was written", $_)
    }
    $afterState = Get-PolicyState
    $blocks = [System.Collections.Generic.List[Object]]@()
    if ($module.CheckMode) { foreach ($entry in $planned) { $blocks.Add($entry.block) } }
    else {
        Disable-SchannelSimulation
        Write-SchannelPlannedIntent -Module $module -Name 'win_tls_cipher_suites' -State $runState -Planned $planned
        foreach ($entry in $planned) {
            try {
                Invoke-PolicyOperation -Op $entry.op
                $blocks.Add($entry.block)
            }
            catch {
                $message = Get-SchannelErrorMessage -ErrorRecord $_
                $label = $policyLabel
                if ($null -ne $entry.op.name) { $label = "$policyLabel\$($entry.op.name)" }
                if ($null -eq $entry.op.name -and $entry.op.state -eq 'absent') { $blocks.Add($entry.block) }   # a partial DeleteSubKeyTree is rebuilt
                $undo = [System.Collections.Generic.List[Hashtable]]@()
                for ($i = $blocks.Count - 1; $i -ge 0; $i--) { foreach ($u in $blocks[$i]) { $undo.Add($u) } }
                $clean = Invoke-PolicyUndo -Undo $undo
                Exit-SchannelRun -Module $module -Clean:($clean -and -not $runState.recovering)
                if ($clean) {
                    $module.FailJson("failed to write $label ($message); the values this run had already written were restored", $_)
                }
                $module.FailJson("failed to write $label ($message); the values this run had already written could not all be restored (see warnings)", $_)
            }
        }
    }
    $backup = [System.Collections.Generic.List[Hashtable]]@()
    for ($i = $blocks.Count - 1; $i -ge 0; $i--) { foreach ($u in $blocks[$i]) { $backup.Add($u) } }
    Set-PolicyDiff -Before $before -After $afterState
    $module.Result.before = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    $module.Result.after = @{ cipher_suites = $afterState.cipher_suites; ecc_curves = $afterState.ecc_curves }
    $module.Result.reboot_required = $planned.Count -gt 0
    $reasons = [System.Collections.Generic.List[String]]@()
    if ($planned.Count -gt 0) { $reasons.Add($rebootReason) }
    $module.Result.reboot_reasons = $reasons
    $module.Result.backup = $backup
}
elseif ($module.Params.scope -eq 'policy') {
    $runState = Enter-SchannelRun -Module $module -Name 'win_tls_cipher_suites'
    if ($module.CheckMode) { Enable-SchannelSimulation }
    $before = Get-PolicyState
    $wanted = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    if ($module.Params.state -eq 'absent') {
        $wanted.cipher_suites = $null
        $wanted.ecc_curves = $null
    }
    else {
        if ($null -ne $module.Params.cipher_suites) { $wanted.cipher_suites = [String[]]@($module.Params.cipher_suites) }
        if ($null -ne $module.Params.ecc_curves) { $wanted.ecc_curves = [String[]]@($module.Params.ecc_curves) }
    }

    # Functions: REG_SZ; also rewrite another kind (REG_MULTI_SZ, ...) holding the same suites as REG_SZ
    $suitesDiffer = -not (Test-SameList -A $before.cipher_suites -B $wanted.cipher_suites)
    $typeDiffers = ($null -ne $wanted.cipher_suites) -and ($null -ne $before.functions) -and ($before.functions.type -ne 'string')
    $curvesDiffer = (-not (Test-SameList -A $before.ecc_curves -B $wanted.ecc_curves)) -or
        (($null -ne $wanted.ecc_curves) -and ($null -ne $before.ecc) -and ($before.ecc.type -ne 'multistring'))

    Set-PolicyDiff -Before $before -After $wanted

    $writes = [System.Collections.Generic.List[Hashtable]]@()
    $backup = [System.Collections.Generic.List[Hashtable]]@()
    if ($suitesDiffer -or $typeDiffers) {
        $changedValues.Add('Functions')
        $backup.Add((New-PolicyUndo -Name 'Functions' -Value $before.functions))
        $data = $null
        if ($null -ne $wanted.cipher_suites) { $data = $wanted.cipher_suites -join ',' }
        $writes.Add(@{ name = 'Functions'; type = 'string'; data = $data })
    }
    if ($curvesDiffer) {
        $changedValues.Add('EccCurves')
        $backup.Add((New-PolicyUndo -Name 'EccCurves' -Value $before.ecc))
        $writes.Add(@{ name = 'EccCurves'; type = 'multistring'; data = $wanted.ecc_curves })
    }
    # The backup removes ...\SSL\00010002 when this run creates it, and never a key above it (review P2): the
    # restore path only accepts keys inside the managed roots. Empty parents this run created may remain; they
    # have no effect.
    if ($writes.Count -gt 0 -and -not (Test-SchannelKey -Path $policyLabel)) {
        $backup.Add(@{ path = $policyLabel; name = $null; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason })
    }

    if ($writes.Count -gt 0) {
        $intentOps = [System.Collections.Generic.List[Hashtable]]@()
        foreach ($w in $writes) {
            $state = 'present'
            if ($null -eq $w.data) { $state = 'absent' }
            $intentOps.Add(@{ path = $policyLabel; name = $w.name; state = $state; type = $w.type; data = $w.data; reboot_reason = $rebootReason })
        }
        Write-SchannelIntent -Module $module -Name 'win_tls_cipher_suites' -State $runState -Operations $intentOps -Undo $backup
    }

    # The write loop: every policy write of this module happens here (check mode: simulated).
    $done = [System.Collections.Generic.List[Hashtable]]@()
    $current = $policyLabel
    try {
        if ($writes.Count -gt 0) {
            $null = New-SchannelKey -Path $policyLabel
            foreach ($w in $writes) {
                $current = "$policyLabel\$($w.name)"
                if ($null -eq $w.data) { Remove-SchannelValue -Path $policyLabel -Name $w.name }
                else { Set-SchannelValue -Path $policyLabel -Name $w.name -Type $w.type -Data $w.data }
                $done.Add($w)
            }
        }
    }
    catch {
        $message = Get-SchannelErrorMessage -ErrorRecord $_
        if ($module.CheckMode) { $module.FailJson("failed to write $current ($message)", $_) }
        # undo the values written, then the key when this run created it
        $undo = [System.Collections.Generic.List[Hashtable]]@()
        foreach ($u in $backup) {
            $written = $null -eq $u.name
            foreach ($d in $done) { if ($d.name -eq $u.name) { $written = $true } }
            if ($written) { $undo.Add($u) }
        }
        $clean = Invoke-PolicyUndo -Undo $undo
        # a recovery rolled back to the interrupted state keeps the intent it recovers
        Exit-SchannelRun -Module $module -Clean:($clean -and -not $runState.recovering)
        if ($clean) {
            $module.FailJson("failed to write $current ($message); the values this run had already written were restored", $_)
        }
        $module.FailJson("failed to write $current ($message); the values this run had already written could not all be restored (see warnings)", $_)
    }

    $module.Result.before = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    $module.Result.after = @{ cipher_suites = $wanted.cipher_suites; ecc_curves = $wanted.ecc_curves }
    $module.Result.reboot_required = $changedValues.Count -gt 0
    $reasons = [System.Collections.Generic.List[String]]@()
    if ($changedValues.Count -gt 0) { $reasons.Add($rebootReason) }
    $module.Result.reboot_reasons = $reasons
    $module.Result.backup = $backup
}
else {
    if (-not (Get-Command -Name Get-TlsCipherSuite -ErrorAction SilentlyContinue)) {
        $module.FailJson('scope: local needs the TLS cmdlets (Get-TlsCipherSuite), which exist on Windows Server 2016 and later; use scope: policy')
    }
    $hasCurves = [bool](Get-Command -Name Get-TlsEccCurve -ErrorAction SilentlyContinue)

    Function Get-LocalState {
        # Lists always (never a scalar for one entry, review P4); ecc_curves $null only without the cmdlet.
        $state = @{ cipher_suites = [System.Collections.Generic.List[String]]@(); ecc_curves = $null }
        # foreach, never a pipeline: see win_schannel_info.ps1 (Get-TlsCipherSuite's output in Select-Object)
        foreach ($suite in Get-TlsCipherSuite) { $state.cipher_suites.Add([String]$suite.Name) }
        if ($hasCurves) {
            $state.ecc_curves = [System.Collections.Generic.List[String]]@()
            foreach ($curve in Get-TlsEccCurve) { $state.ecc_curves.Add([String]$curve) }
        }
        $state
    }

    # a TLS cmdlet that throws here fails with the module's own message (review P12), before the lease is taken
    $before = $null
    try { $before = Get-LocalState }
    catch { $module.FailJson("could not read the local order ($(Get-SchannelErrorMessage -ErrorRecord $_)); nothing was changed", $_) }
    $wanted = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    if ($null -ne $module.Params.cipher_suites) { $wanted.cipher_suites = [String[]]@($module.Params.cipher_suites) }
    if ($null -ne $module.Params.ecc_curves) {
        if (-not $hasCurves) { $module.FailJson('ecc_curves: this host has no Get-TlsEccCurve cmdlet; use scope: policy') }
        $wanted.ecc_curves = [String[]]@($module.Params.ecc_curves)
    }
    $runState = Enter-SchannelRun -Module $module -Name 'win_tls_cipher_suites'
    $suitesDiffer = -not (Test-SameList -A $before.cipher_suites -B $wanted.cipher_suites)
    $curvesDiffer = $hasCurves -and -not (Test-SameList -A $before.ecc_curves -B $wanted.ecc_curves)
    if ($suitesDiffer -or $curvesDiffer) {
        Write-SchannelIntent -Module $module -Name 'win_tls_cipher_suites' -State $runState `
            -Operations @{ scope = 'local'; cipher_suites = $wanted.cipher_suites; ecc_curves = $wanted.ecc_curves } `
            -Undo @{ scope = 'local'; cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    }

    $module.Diff.before['local\cipher_suites'] = ($before.cipher_suites -join ',')
    $module.Diff.after['local\cipher_suites'] = ($wanted.cipher_suites -join ',')
    if ($hasCurves) {
        $module.Diff.before['local\ecc_curves'] = ($before.ecc_curves -join ', ')
        $module.Diff.after['local\ecc_curves'] = ($wanted.ecc_curves -join ', ')
    }

    # The write loop: every CNG call of this module happens here.
    $step = 'cipher_suites'
    try {
        if ($suitesDiffer) {
            $changedValues.Add('cipher_suites')
            Set-LocalOrder -Kind suite -Current $before.cipher_suites -Wanted $wanted.cipher_suites -WhatIf:$module.CheckMode
        }
        $step = 'ecc_curves'
        if ($curvesDiffer) {
            $changedValues.Add('ecc_curves')
            Set-LocalOrder -Kind curve -Current $before.ecc_curves -Wanted $wanted.ecc_curves -WhatIf:$module.CheckMode
        }
    }
    catch {
        $message = Get-SchannelErrorMessage -ErrorRecord $_
        if ($module.CheckMode) { $module.FailJson("failed to write the local $step order ($message)", $_) }
        $restored = $true
        try {
            $now = Get-LocalState
            Set-LocalOrder -Kind suite -Current $now.cipher_suites -Wanted $before.cipher_suites
            if ($hasCurves) { Set-LocalOrder -Kind curve -Current $now.ecc_curves -Wanted $before.ecc_curves }
        }
        catch {
            $restored = $false
            $module.Warn("rollback of the local order failed: $(Get-SchannelErrorMessage -ErrorRecord $_)")
        }
        Exit-SchannelRun -Module $module -Clean:($restored -and -not $runState.recovering)
        if ($restored) { $module.FailJson("failed to write the local $step order ($message); the previous local order was restored", $_) }
        $module.FailJson("failed to write the local $step order ($message); the previous local order could not be restored (see warnings)", $_)
    }

    $module.Result.before = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    $module.Result.after = @{ cipher_suites = $wanted.cipher_suites; ecc_curves = $wanted.ecc_curves }
    $module.Result.reboot_required = $false
    $module.Result.reboot_reasons = [System.Collections.Generic.List[String]]@()
    $module.Result.backup = @{ scope = 'local'; cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
}

Exit-SchannelRun -Module $module -Clean
$module.Result.changed = $changedValues.Count -gt 0
$module.ExitJson()
