# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Pester 5 runner of the conformance vectors (tests/conformance/vectors/<module>/<case>.json) against the REAL
# modules on a Windows host: for each vector it writes registry_before, runs plugins/modules/<module>.ps1 through
# Ansible.Basic with the vector's args and check/diff flags in a child Windows PowerShell, and compares the result
# subset (key by key, lists exactly) and the dump of registry_after_roots, as tests/conformance/test_vectors.py
# does against the twin's doubles.
#
# DESTRUCTIVE: run it only on a disposable host. It deletes and rewrites every key a vector names (most live under
# HKLM\SOFTWARE\tlsops_conformance) and, for vectors with local_before, changes the local CNG cipher-suite order.
# Vectors that need the twin (fault injection, a certificate store model, a host personality) are skipped, and so
# are vectors for another windows_version than the host's.
#
# Usage (from a checkout on the host, elevated):
#   $env:ANSIBLE_BASIC_CS = 'C:\path\to\ansible\module_utils\csharp\Ansible.Basic.cs'   # from the ansible-core used
#   Invoke-Pester -Path tests\windows\Conformance.Tests.ps1 -Output Detailed
# Not run in this project's CI: no Windows host and no pwsh exist where it is built (molecule/windows/README.md).

BeforeDiscovery {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
    $vectorRoot = Join-Path $repo 'tests\conformance\vectors'
    $script:Vectors = foreach ($file in (Get-ChildItem -LiteralPath $vectorRoot -Recurse -Filter '*.json' | Sort-Object FullName)) {
        @{ Name = "$($file.Directory.Name)/$($file.BaseName)"; Path = $file.FullName }
    }
}

BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
    $shared = Join-Path $repo 'plugins\module_utils\_SchannelRegistry.psm1'
    Import-Module -Name $shared -Force
    # The twin personalities' version keys, from the build number Windows reports
    $builds = @{ 7601 = '2008r2'; 9200 = '2012'; 9600 = '2012r2'; 14393 = '2016'; 17763 = '2019'; 20348 = '2022'; 26100 = '2025' }
    $script:HostVersion = $builds[[Int32](Get-CimInstance -ClassName Win32_OperatingSystem).BuildNumber]

    Function Set-RegistryState {
        # Writes a dump {path: {name: {type, data}}} after removing every path it names and every root to compare.
        param($Dump, [String[]]$Roots)
        foreach ($root in $Roots) { Remove-SchannelKey -Path $root }
        foreach ($path in @($Dump.Keys)) { Remove-SchannelKey -Path $path }
        foreach ($path in @($Dump.Keys | Sort-Object Length)) {
            $null = New-SchannelKey -Path $path
            foreach ($name in @($Dump[$path].Keys)) {
                $v = $Dump[$path][$name]
                Set-SchannelValue -Path $path -Name $name -Type $v.type -Data $v.data
            }
        }
    }

    Function Get-RegistryState {
        param([String[]]$Roots)
        $dump = @{}
        foreach ($root in $Roots) {
            foreach ($node in (Get-SchannelSubtree -Path $root)) {
                $values = @{}
                foreach ($v in $node.values) { $values[$v.name] = @{ type = $v.type; data = $v.data } }
                $dump[$node.path] = $values
            }
        }
        $dump
    }

    Function Set-LocalLists {
        param($Lists)
        if ($null -ne $Lists.cipher_suites) {
            foreach ($s in @(Get-TlsCipherSuite)) { Disable-TlsCipherSuite -Name $s.Name }
            for ($i = 0; $i -lt @($Lists.cipher_suites).Count; $i++) { Enable-TlsCipherSuite -Name $Lists.cipher_suites[$i] -Position $i }
        }
        if ($null -ne $Lists.ecc_curves) {
            foreach ($c in @(Get-TlsEccCurve)) { Disable-TlsEccCurve -Name $c }
            for ($i = 0; $i -lt @($Lists.ecc_curves).Count; $i++) { Enable-TlsEccCurve -Name $Lists.ecc_curves[$i] -Position $i }
        }
    }

    Function ConvertTo-Canonical {
        # JSON text with sorted keys, so two results compare as values whatever their key order and .NET types.
        param($Value)
        if ($null -eq $Value) { return 'null' }
        if ($Value -is [System.Collections.IDictionary]) {
            $parts = foreach ($k in (@($Value.Keys) | Sort-Object)) { (ConvertTo-Json -InputObject ([String]$k) -Compress) + ':' + (ConvertTo-Canonical $Value[$k]) }
            return '{' + ($parts -join ',') + '}'
        }
        if ($Value -is [PSCustomObject]) {
            $h = @{}
            foreach ($p in $Value.PSObject.Properties) { $h[$p.Name] = $p.Value }
            return ConvertTo-Canonical $h
        }
        if ($Value -is [System.Collections.IEnumerable] -and $Value -isnot [String]) {
            $items = foreach ($i in $Value) { ConvertTo-Canonical $i }
            return '[' + (@($items) -join ',') + ']'
        }
        if ($Value -is [Bool]) { return $Value.ToString().ToLowerInvariant() }
        if ($Value -is [ValueType] -and $Value -isnot [Char]) { return [String]::Format([System.Globalization.CultureInfo]::InvariantCulture, '{0}', $Value) }
        ConvertTo-Json -InputObject ([String]$Value) -Compress
    }

    Function Invoke-ModuleUnderTest {
        # Runs plugins/modules/<module>.ps1 in a child Windows PowerShell, as Ansible's module wrapper would: Ansible.Basic
        # compiled, the shared module util imported, the arguments in a file named by $args[0].
        param([String]$Module, $Arguments, [Bool]$CheckMode, [Bool]$Diff)
        $work = Join-Path ([IO.Path]::GetTempPath()) ("tlsops-conformance-" + [Guid]::NewGuid())
        $null = [IO.Directory]::CreateDirectory($work)
        $moduleArgs = @{}
        if ($null -ne $Arguments) { foreach ($p in $Arguments.PSObject.Properties) { $moduleArgs[$p.Name] = $p.Value } }
        $moduleArgs['_ansible_check_mode'] = $CheckMode
        $moduleArgs['_ansible_diff'] = $Diff
        $argsFile = Join-Path $work 'args.json'
        ConvertTo-Json -InputObject @{ ANSIBLE_MODULE_ARGS = $moduleArgs } -Depth 20 | Set-Content -LiteralPath $argsFile -Encoding UTF8
        $runner = Join-Path $work 'run.ps1'
        @'
param([String]$Cs, [String]$Shared, [String]$Module, [String]$ArgsFile)
$ErrorActionPreference = 'Stop'
$refs = @(Select-String -LiteralPath $Cs -Pattern '^//AssemblyReference -Name (\S+)' | ForEach-Object { $_.Matches[0].Groups[1].Value -replace '\.dll$', '' })
Add-Type -TypeDefinition (Get-Content -LiteralPath $Cs -Raw) -ReferencedAssemblies $refs
Import-Module -Name $Shared
& ([ScriptBlock]::Create((Get-Content -LiteralPath $Module -Raw))) $ArgsFile
'@ | Set-Content -LiteralPath $runner -Encoding UTF8
        $output = & powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $runner -Cs $env:ANSIBLE_BASIC_CS `
            -Shared $shared -Module (Join-Path $repo "plugins\modules\$Module.ps1") -ArgsFile $argsFile
        Remove-Item -LiteralPath $work -Recurse -Force
        ($output | Out-String) | ConvertFrom-Json
    }
}

Describe 'conformance vectors against the real modules' {
    It '<Name>' -ForEach $script:Vectors {
        $vector = Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json
        $twinOnly = @('faults', 'certificates', 'host') | Where-Object { $vector.PSObject.Properties.Name -contains $_ }
        if ($twinOnly) { Set-ItResult -Skipped -Because "needs the twin ($($twinOnly -join ', '))"; return }
        $wantedVersion = '2019'
        if ($vector.PSObject.Properties.Name -contains 'windows_version') { $wantedVersion = $vector.windows_version }
        if ($wantedVersion -ne $script:HostVersion) { Set-ItResult -Skipped -Because "written for $wantedVersion, host is $($script:HostVersion)"; return }
        if (-not $env:ANSIBLE_BASIC_CS) { throw 'set $env:ANSIBLE_BASIC_CS to the Ansible.Basic.cs of the ansible-core in use' }

        $before = @{}
        if ($null -ne $vector.registry_before) {
            foreach ($p in $vector.registry_before.PSObject.Properties) {
                $values = @{}
                foreach ($v in $p.Value.PSObject.Properties) { $values[$v.Name] = @{ type = $v.Value.type; data = $v.Value.data } }
                $before[$p.Name] = $values
            }
        }
        $roots = [String[]]@($vector.registry_after_roots)
        Set-RegistryState -Dump $before -Roots $roots
        if ($null -ne $vector.local_before) { Set-LocalLists -Lists $vector.local_before }

        $result = Invoke-ModuleUnderTest -Module $vector.module -Arguments $vector.args -CheckMode ([Bool]$vector.check_mode) -Diff ([Bool]$vector.diff)

        foreach ($p in $vector.expected.PSObject.Properties) {
            (ConvertTo-Canonical $result.($p.Name)) | Should -Be (ConvertTo-Canonical $p.Value) -Because "result.$($p.Name)"
        }
        if ($null -ne $vector.registry_after) {
            (ConvertTo-Canonical (Get-RegistryState -Roots $roots)) | Should -Be (ConvertTo-Canonical $vector.registry_after) -Because 'registry_after'
        }
        if ($null -ne $vector.local_after) {
            if ($null -ne $vector.local_after.cipher_suites) {
                (ConvertTo-Canonical @(Get-TlsCipherSuite | ForEach-Object { $_.Name })) | Should -Be (ConvertTo-Canonical $vector.local_after.cipher_suites)
            }
            if ($null -ne $vector.local_after.ecc_curves) {
                (ConvertTo-Canonical @(Get-TlsEccCurve)) | Should -Be (ConvertTo-Canonical $vector.local_after.ecc_curves)
            }
        }
    }
}
