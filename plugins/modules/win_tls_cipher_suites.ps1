#!powershell

# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Writes a FINAL ordered cipher-suite list and curve list, already validated against the host's Windows version
# and resolved from set/add/remove by the action plugin (plugins/action/win_tls_cipher_suites.py).
# Contract: docs/dev/contracts.md "win_tls_cipher_suites.ps1".
# - scope=policy: the Group Policy values (REG_SZ Functions, REG_MULTI_SZ EccCurves); they apply at the next boot.
# - scope=local:  the CNG local list through the TLS cmdlets (Server 2016 and later); no reboot.

$spec = @{
    options = @{
        scope = @{ type = 'str'; choices = @('policy', 'local'); default = 'policy' }
        cipher_suites = @{ type = 'list'; elements = 'str' }
        ecc_curves = @{ type = 'list'; elements = 'str' }
        state = @{ type = 'str'; choices = @('present', 'absent'); default = 'present' }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

$policyPath = 'SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
$policyLabel = "HKLM\$policyPath"
$rebootReason = 'the Group Policy cipher-suite and curve order is read at boot'
$hklm = [Microsoft.Win32.Registry]::LocalMachine

Function Get-PolicyState {
    $state = @{ cipher_suites = $null; ecc_curves = $null; functions_raw = $null; functions_type = $null }
    $key = $hklm.OpenSubKey($policyPath, $false)
    if ($null -eq $key) { return $state }
    try {
        $names = $key.GetValueNames()
        if ($names -contains 'Functions') {
            $raw = $key.GetValue('Functions')
            # Group Policy writes REG_SZ (comma-separated); tolerate a REG_MULTI_SZ written by other tools.
            $state.functions_type = if ($key.GetValueKind('Functions') -eq [Microsoft.Win32.RegistryValueKind]::MultiString) { 'multistring' } else { 'string' }
            $state.functions_raw = $raw
            $state.cipher_suites = @(@($raw) -join ',' -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        }
        if ($names -contains 'EccCurves') {
            $state.ecc_curves = @([String[]]$key.GetValue('EccCurves'))
        }
    }
    finally {
        $key.Dispose()
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

Function Open-PolicyKey {
    $segments = $policyPath.Split('\')
    $current = $hklm.OpenSubKey($segments[0], $true)
    for ($i = 1; $i -lt $segments.Count; $i++) {
        $next = $current.OpenSubKey($segments[$i], $true)
        if ($null -eq $next) { $next = $current.CreateSubKey($segments[$i]) }
        $current.Dispose()
        $current = $next
    }
    $current
}

$changedValues = [System.Collections.Generic.List[String]]@()
$backup = [System.Collections.Generic.List[Hashtable]]@()
$module.Diff.before = @{}
$module.Diff.after = @{}

if ($module.Params.scope -eq 'policy') {
    $before = Get-PolicyState
    $wanted = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    if ($module.Params.state -eq 'absent') {
        $wanted.cipher_suites = $null
        $wanted.ecc_curves = $null
    }
    else {
        if ($null -ne $module.Params.cipher_suites) { $wanted.cipher_suites = @($module.Params.cipher_suites) }
        if ($null -ne $module.Params.ecc_curves) { $wanted.ecc_curves = @($module.Params.ecc_curves) }
    }

    # Functions: REG_SZ; also rewrite a REG_MULTI_SZ with the same suites as REG_SZ
    $suitesDiffer = -not (Test-SameList -A $before.cipher_suites -B $wanted.cipher_suites)
    $typeDiffers = ($null -ne $wanted.cipher_suites) -and ($before.functions_type -eq 'multistring')
    $curvesDiffer = -not (Test-SameList -A $before.ecc_curves -B $wanted.ecc_curves)

    if ($null -ne $before.cipher_suites) {
        $module.Diff.before["$policyLabel\Functions"] = ($before.cipher_suites -join ',')
    }
    if ($null -ne $before.ecc_curves) {
        $module.Diff.before["$policyLabel\EccCurves"] = (($before.ecc_curves -join ', ') + ' (multistring)')
    }
    if ($null -ne $wanted.cipher_suites) { $module.Diff.after["$policyLabel\Functions"] = ($wanted.cipher_suites -join ',') }
    if ($null -ne $wanted.ecc_curves) { $module.Diff.after["$policyLabel\EccCurves"] = (($wanted.ecc_curves -join ', ') + ' (multistring)') }

    $writes = [System.Collections.Generic.List[Hashtable]]@()
    if ($suitesDiffer -or $typeDiffers) {
        $changedValues.Add('Functions')
        if ($null -eq $before.functions_raw) {
            $backup.Add(@{ path = $policyLabel; name = 'Functions'; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason })
        }
        else {
            $backup.Add(@{ path = $policyLabel; name = 'Functions'; state = 'present'; type = $before.functions_type; data = $before.functions_raw; reboot_reason = $rebootReason })
        }
        $writes.Add(@{ name = 'Functions'; value = $wanted.cipher_suites })
    }
    if ($curvesDiffer) {
        $changedValues.Add('EccCurves')
        if ($null -eq $before.ecc_curves) {
            $backup.Add(@{ path = $policyLabel; name = 'EccCurves'; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason })
        }
        else {
            $backup.Add(@{ path = $policyLabel; name = 'EccCurves'; state = 'present'; type = 'multistring'; data = $before.ecc_curves; reboot_reason = $rebootReason })
        }
        $writes.Add(@{ name = 'EccCurves'; value = $wanted.ecc_curves })
    }

    # A policy key this run creates (from ...\Policies\Microsoft\Cryptography down) is removed by the backup
    # too, so a restore leaves no empty keys behind.
    if ($writes.Count -gt 0) {
        $segments = $policyPath.Split('\')
        for ($i = 4; $i -le $segments.Count; $i++) {
            $sub = $segments[0..($i - 1)] -join '\'
            $probe = $hklm.OpenSubKey($sub, $false)
            if ($null -eq $probe) {
                $backup.Add(@{ path = "HKLM\$sub"; name = $null; state = 'absent'; type = $null; data = $null; reboot_reason = $rebootReason })
                break
            }
            $probe.Dispose()
        }
    }

    if ($writes.Count -gt 0 -and -not $module.CheckMode) {
        $key = Open-PolicyKey
        $done = [System.Collections.Generic.List[String]]@()
        try {
            foreach ($w in $writes) {
                if ($null -eq $w.value) { $key.DeleteValue($w.name, $false) }
                elseif ($w.name -eq 'Functions') {
                    $key.SetValue('Functions', ($w.value -join ','), [Microsoft.Win32.RegistryValueKind]::String)
                }
                else { $key.SetValue('EccCurves', [String[]]$w.value, [Microsoft.Win32.RegistryValueKind]::MultiString) }
                $done.Add($w.name)
            }
        }
        catch {
            $message = $_.Exception.Message
            foreach ($undo in $backup) {
                if ($done -notcontains $undo.name) { continue }
                try {
                    if ($undo.state -eq 'absent') { $key.DeleteValue($undo.name, $false) }
                    elseif ($undo.type -eq 'multistring') { $key.SetValue($undo.name, [String[]]$undo.data, [Microsoft.Win32.RegistryValueKind]::MultiString) }
                    else { $key.SetValue($undo.name, [String]$undo.data, [Microsoft.Win32.RegistryValueKind]::String) }
                }
                catch { $module.Warn("rollback of $policyLabel\$($undo.name) failed: $($_.Exception.Message)") }
            }
            $module.FailJson("failed to write $policyLabel\$($w.name) ($message); the values this run had already written were restored", $_)
        }
        finally {
            $key.Dispose()
        }
    }

    $module.Result.before = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    $module.Result.after = @{ cipher_suites = $wanted.cipher_suites; ecc_curves = $wanted.ecc_curves }
    $module.Result.reboot_required = $changedValues.Count -gt 0
    $module.Result.reboot_reasons = @(if ($changedValues.Count -gt 0) { $rebootReason })
    $module.Result.backup = $backup
}
else {
    if (-not (Get-Command -Name Get-TlsCipherSuite -ErrorAction SilentlyContinue)) {
        $module.FailJson('scope: local needs the TLS cmdlets (Get-TlsCipherSuite), which exist on Windows Server 2016 and later; use scope: policy')
    }
    $hasCurves = [bool](Get-Command -Name Get-TlsEccCurve -ErrorAction SilentlyContinue)

    Function Get-LocalState {
        $suites = @(Get-TlsCipherSuite | ForEach-Object { [String]$_.Name })
        $curves = if ($hasCurves) { @(Get-TlsEccCurve | ForEach-Object { [String]$_ }) } else { $null }
        @{ cipher_suites = $suites; ecc_curves = $curves }
    }

    Function Set-LocalOrder {
        # Keep the common prefix, disable the rest, then enable the wanted tail position by position:
        # CNG cannot move an entry, only remove and insert it.
        param([String]$Kind, [String[]]$Current, [String[]]$Wanted)
        $prefix = 0
        while ($prefix -lt $Current.Count -and $prefix -lt $Wanted.Count -and $Current[$prefix] -ceq $Wanted[$prefix]) { $prefix++ }
        for ($i = $prefix; $i -lt $Current.Count; $i++) {
            if ($Kind -eq 'suite') { Disable-TlsCipherSuite -Name $Current[$i] -WhatIf:$module.CheckMode }
            else { Disable-TlsEccCurve -Name $Current[$i] -WhatIf:$module.CheckMode }
        }
        for ($i = $prefix; $i -lt $Wanted.Count; $i++) {
            if ($Kind -eq 'suite') { Enable-TlsCipherSuite -Name $Wanted[$i] -Position $i -WhatIf:$module.CheckMode }
            else { Enable-TlsEccCurve -Name $Wanted[$i] -Position $i -WhatIf:$module.CheckMode }
        }
    }

    $before = Get-LocalState
    $wanted = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    if ($null -ne $module.Params.cipher_suites) { $wanted.cipher_suites = @($module.Params.cipher_suites) }
    if ($null -ne $module.Params.ecc_curves) {
        if (-not $hasCurves) { $module.FailJson('ecc_curves: this host has no Get-TlsEccCurve cmdlet; use scope: policy') }
        $wanted.ecc_curves = @($module.Params.ecc_curves)
    }
    $suitesDiffer = -not (Test-SameList -A $before.cipher_suites -B $wanted.cipher_suites)
    $curvesDiffer = $hasCurves -and -not (Test-SameList -A $before.ecc_curves -B $wanted.ecc_curves)

    $module.Diff.before['local\cipher_suites'] = ($before.cipher_suites -join ',')
    $module.Diff.after['local\cipher_suites'] = ($wanted.cipher_suites -join ',')
    if ($hasCurves) {
        $module.Diff.before['local\ecc_curves'] = ($before.ecc_curves -join ', ')
        $module.Diff.after['local\ecc_curves'] = ($wanted.ecc_curves -join ', ')
    }

    $step = 'cipher_suites'
    try {
        if ($suitesDiffer) {
            $changedValues.Add('cipher_suites')
            Set-LocalOrder -Kind suite -Current $before.cipher_suites -Wanted $wanted.cipher_suites
        }
        $step = 'ecc_curves'
        if ($curvesDiffer) {
            $changedValues.Add('ecc_curves')
            Set-LocalOrder -Kind curve -Current $before.ecc_curves -Wanted $wanted.ecc_curves
        }
    }
    catch {
        $message = $_.Exception.Message
        if (-not $module.CheckMode) {
            try {
                $now = Get-LocalState
                Set-LocalOrder -Kind suite -Current $now.cipher_suites -Wanted $before.cipher_suites
                if ($hasCurves) { Set-LocalOrder -Kind curve -Current $now.ecc_curves -Wanted $before.ecc_curves }
            }
            catch { $module.Warn("rollback of the local order failed: $($_.Exception.Message)") }
        }
        $module.FailJson("failed to write the local $step order ($message); the previous local order was restored", $_)
    }

    $module.Result.before = @{ cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
    $module.Result.after = @{ cipher_suites = $wanted.cipher_suites; ecc_curves = $wanted.ecc_curves }
    $module.Result.reboot_required = $false
    $module.Result.reboot_reasons = @()
    $module.Result.backup = @{ scope = 'local'; cipher_suites = $before.cipher_suites; ecc_curves = $before.ecc_curves }
}

$module.Result.changed = $changedValues.Count -gt 0
$module.ExitJson()
