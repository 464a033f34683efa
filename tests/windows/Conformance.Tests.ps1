# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#Requires -Version 5.1
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 runner of the conformance vectors (tests/conformance/vectors/<module>/<case>.json) against the REAL modules
# on a Windows host, with the rules of tests/conformance/test_vectors.py (format: tests/conformance/README.md). For
# each vector it:
#  1. checks the vector's keys as the pytest runner does (an unknown key fails, it is not ignored);
#  2. decides whether a real host can run it, and skips it naming why if not: `certificates` and `host` model what
#     only the twin can make up; a `faults.fail_writes` rule on one value or on a key the run creates (a registry
#     ACL denies per key and right, Get-FaultDeny); a windows_version other than the host's (a vector without one runs on any 2016+ host); a key outside
#     the prefixes below (it holds the host's own state); a result that reports host state the runner cannot set;
#  3. backs up every key it or the module may touch (raw values of every kind, each key's DACL) and the CNG local
#     cipher-suite and curve lists;
#  4. clears those keys (the twin starts from an empty registry), writes registry_before and local_before, and
#     turns `faults` into ACEs on single keys denying this account QueryValues+EnumerateSubKeys (fail_reads),
#     SetValue and/or Delete (fail_writes);
#  5. runs plugins/modules/<module>.ps1 in a child Windows PowerShell the way ansible-core's module_wrapper.ps1 does
#     (Ansible.Basic compiled with Add-CSharpType, the .psm1 loaded with New-Module, ErrorActionPreference Stop, the
#     module's Console output captured), with the arguments in a file named by $args[0];
#  6. takes the denies off and compares: every `expected` key present and equal (JSON equality: lists in order,
#     objects key by key, a bool equals only a bool), the dump of registry_after_roots equal to registry_after,
#     each local_after list equal;
#  7. puts every backup back (also when a step above failed) and the local lists if they changed.
# Its registry access is its own (ConformanceRegistry.cs), not the _SchannelRegistry.psm1 under test.
#
# Usage (Windows PowerShell 5.1, elevated, Pester 5, from a checkout; molecule/windows/README.md has the steps):
#   $env:ANSIBLE_MODULE_UTILS = 'C:\ansible\module_utils'   # lib/ansible/module_utils of the ansible-core in use
#   Invoke-Pester -Path tests\windows\Conformance.Tests.ps1 -Output Detailed
# It changes the host only between a test's backup and its restore; use a disposable host all the same.
# Not run in this project's CI: no Windows host and no pwsh exist where it is built.

BeforeDiscovery {
    $vectorRoot = Join-Path ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..\..'))) 'tests\conformance\vectors'
    # one level, as test_vectors.py's glob('*/*.json')
    $Vectors = @(
        foreach ($folder in @(Get-ChildItem -LiteralPath $vectorRoot -Directory | Sort-Object -Property Name)) {
            foreach ($file in @(Get-ChildItem -LiteralPath $folder.FullName -File | Where-Object { $_.Extension -eq '.json' } | Sort-Object -Property Name)) {
                @{ Name = "$($folder.Name)/$($file.BaseName)"; Path = $file.FullName; Folder = $folder.Name }
            }
        }
    )
    if ($Vectors.Count -eq 0) { throw "no vectors under $vectorRoot" }
}

BeforeAll {
    $script:Repo = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..\..'))
    $script:SharedUtil = Join-Path $script:Repo 'plugins\module_utils\_SchannelRegistry.psm1'
    $script:SharedUtilName = 'ansible_collections.tlsops.schannel.plugins.module_utils._SchannelRegistry'

    # The vector format, as tests/conformance/test_vectors.py accepts it
    $script:TopKeys = @('description', 'module', 'windows_version', 'registry_before', 'local_before', 'args', 'check_mode',
        'diff', 'expected', 'registry_after', 'registry_after_roots', 'local_after', 'faults', 'certificates', 'host')
    $script:HostKeys = @('edition', 'hotfixes')
    $script:FaultKeys = @('fail_writes', 'fail_reads')
    $script:LocalKeys = @('cipher_suites', 'ecc_curves')
    $script:ModuleNames = @('win_schannel', 'win_tls_cipher_suites', 'win_schannel_info')
    # What a real host cannot be made to show: skipped, with the reason
    $script:TwinOnly = @('certificates', 'host')
    # Result keys of a module that report host state the runner does not set (bindings of the host's own services,
    # the reboot markers Windows keeps, the OS identity, the boot clock): a vector expecting a value there is skipped
    $script:HostStateResults = @{ win_schannel_info = @('bindings', 'os', 'reboot_pending', 'reboot_pending_reasons', 'last_boot_time') }
    # Keys the runner may back up, clear and rewrite; a vector naming any other key is skipped
    $script:Rewritable = [String[]]@(
        'HKLM\SOFTWARE\tlsops_conformance',
        'HKLM\SOFTWARE\tlsops',
        'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL',
        'HKLM\SOFTWARE\Policies\Microsoft\Cryptography')
    # Cleared before every vector, as the twin's registry starts without them: the sandbox and the modules' run state
    $script:AlwaysCleared = @('HKLM\SOFTWARE\tlsops_conformance', 'HKLM\SOFTWARE\tlsops\schannel')
    # A key a module reads or writes whatever its arguments
    $script:ModuleKeys = @{ win_tls_cipher_suites = @('HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002') }
    # The twin personalities' versions, by the build number Windows reports
    $script:Builds = @{ 7601 = '2008r2'; 9200 = '2012'; 9600 = '2012r2'; 14393 = '2016'; 17763 = '2019'; 20348 = '2022'; 26100 = '2025' }

    if ($PSVersionTable.PSEdition -ne 'Desktop') { throw 'run it in Windows PowerShell 5.1, where Ansible runs these modules' }
    $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
    if (-not (New-Object -TypeName Security.Principal.WindowsPrincipal -ArgumentList $identity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'run it elevated: the vectors write under HKLM'
    }
    if (-not $env:ANSIBLE_MODULE_UTILS) {
        throw 'set $env:ANSIBLE_MODULE_UTILS to the lib\ansible\module_utils folder of the ansible-core in use'
    }
    # no trailing '\': in a quoted command-line argument it would escape the closing quote
    $script:ModuleUtils = $env:ANSIBLE_MODULE_UTILS.TrimEnd('\')
    $script:AddTypeUtil = Join-Path $script:ModuleUtils 'powershell\Ansible.ModuleUtils.AddType.psm1'
    $script:BasicCs = Join-Path $script:ModuleUtils 'csharp\Ansible.Basic.cs'
    foreach ($needed in @($script:AddTypeUtil, $script:BasicCs, $script:SharedUtil)) {
        if (-not [IO.File]::Exists($needed)) { throw "missing $needed" }
    }

    Add-Type -AssemblyName System.Web.Extensions
    if (-not ('TlsopsConformance.Registry64' -as [Type])) {
        Add-Type -TypeDefinition ([IO.File]::ReadAllText((Join-Path $PSScriptRoot 'ConformanceRegistry.cs')))
    }
    $script:Json = New-Object -TypeName System.Web.Script.Serialization.JavaScriptSerializer
    $script:Json.MaxJsonLength = [Int32]::MaxValue
    $script:Json.RecursionLimit = 1000

    $script:HostVersion = $script:Builds[[Int32](Get-CimInstance -ClassName Win32_OperatingSystem).BuildNumber]
    $script:HasTlsCmdlets = $null -ne (Get-Command -Name Get-TlsCipherSuite -ErrorAction SilentlyContinue)
    # What AfterAll compares the host with: every key the runner may rewrite, and the local lists
    $script:HostAtStart = [TlsopsConformance.Registry64]::Dump($script:Rewritable)
    $script:LocalAtStart = $null

    Function Read-Json {
        # Case-sensitive Dictionary[String, Object] and Object[], numbers as Int32/Int64/Decimal: what Python's json
        # gives, where ConvertFrom-Json on 5.1 would give case-insensitive PSCustomObjects.
        param([String]$Text)
        , $script:Json.DeserializeObject($Text)
    }

    Function Test-Key {
        # ContainsKey: Dictionary[String, Object] implements IDictionary.Contains explicitly, out of 5.1's reach
        param($Dictionary, [String]$Key)
        ($Dictionary -is [System.Collections.IDictionary]) -and $Dictionary.ContainsKey($Key)
    }

    Function Get-VectorProblem {
        # What test_vectors.py asserts of a vector's shape, as text ('' when it is well formed)
        param($Vector, [String]$Folder)
        if ($Vector -isnot [System.Collections.IDictionary]) { return 'not a JSON object' }
        $unknown = @($Vector.Keys | Where-Object { $script:TopKeys -cnotcontains $_ })
        if ($unknown.Count) { return "unknown keys $($unknown -join ', ')" }
        foreach ($required in @('description', 'module', 'args', 'expected')) {
            if (-not (Test-Key $Vector $required)) { return "missing key $required" }
        }
        if ($script:ModuleNames -cnotcontains $Vector['module'] -or $Vector['module'] -cne $Folder) {
            return "module '$($Vector['module'])' does not match the folder '$Folder'"
        }
        if (Test-Key $Vector 'host') {
            $unknown = @($Vector['host'].Keys | Where-Object { $script:HostKeys -cnotcontains $_ })
            if ($unknown.Count) { return "unknown host keys $($unknown -join ', ')" }
        }
        if (Test-Key $Vector 'faults') {
            $unknown = @($Vector['faults'].Keys | Where-Object { $script:FaultKeys -cnotcontains $_ })
            if ($unknown.Count) { return "unknown faults keys $($unknown -join ', ')" }
        }
        foreach ($lists in @('local_before', 'local_after')) {
            if (Test-Key $Vector $lists) {
                $unknown = @($Vector[$lists].Keys | Where-Object { $script:LocalKeys -cnotcontains $_ })
                if ($unknown.Count) { return "unknown $lists keys $($unknown -join ', ')" }
            }
        }
        if ((Test-Key $Vector 'registry_after') -ne (Test-Key $Vector 'registry_after_roots')) {
            return 'registry_after and registry_after_roots go together'
        }
        ''
    }

    Function Get-ArgumentPath {
        # Every well-formed 'HKLM\...' string in the module arguments: keys the module may read or write. Paths the
        # module refuses (another prefix, an empty key name) are never opened, so they need no backup.
        param($Value)
        if ($Value -is [String]) {
            if ($Value.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) {
                try { $null = [TlsopsConformance.Registry64]::SubKey($Value); $Value } catch { Write-Verbose "not a key: $Value" }
            }
        }
        elseif ($Value -is [System.Collections.IDictionary]) { foreach ($v in $Value.Values) { Get-ArgumentPath $v } }
        elseif ($Value -is [System.Collections.IList]) { foreach ($v in $Value) { Get-ArgumentPath $v } }
    }

    Function Get-SkipReason {
        # Why a real host cannot run this vector ('' when it can)
        param($Vector)
        $twin = @($script:TwinOnly | Where-Object { Test-Key $Vector $_ })
        if ($twin.Count) { return "needs the twin ($($twin -join ', '))" }
        $faults = Get-FaultDeny -Vector $Vector
        if ($faults.problem) { return $faults.problem }
        if (Test-Key $Vector 'windows_version') {
            if ($Vector['windows_version'] -ne $script:HostVersion) {
                return "written for $($Vector['windows_version']), the host is $($script:HostVersion)"
            }
        }
        elseif (-not $script:HasTlsCmdlets) {
            return 'written for the default 2019; the host has no TLS cmdlets (before 2016)'
        }
        foreach ($key in @($script:HostStateResults[$Vector['module']])) {
            if ($null -ne $key -and (Test-Key $Vector['expected'] $key) -and $null -ne $Vector['expected'][$key]) {
                return "expects result '$key', which reports the host's own state"
            }
        }
        foreach ($path in @(Get-VectorPath -Vector $Vector)) {
            if (-not [TlsopsConformance.Registry64]::IsUnder($path, $script:Rewritable)) {
                return "names $path, which holds the host's own state (the runner rewrites only $($script:Rewritable -join ', '))"
            }
        }
        ''
    }

    Function Test-VectorKey {
        # Whether key Path exists once registry_before is written (it or a key below it is listed: parents are made)
        param($Vector, [String]$Path)
        if (-not (Test-Key $Vector 'registry_before')) { return $false }
        $sub = [TlsopsConformance.Registry64]::SubKey($Path)
        foreach ($k in $Vector['registry_before'].Keys) {
            $ks = [TlsopsConformance.Registry64]::SubKey($k)
            if ([String]::Equals($ks, $sub, [StringComparison]::OrdinalIgnoreCase) -or $ks.StartsWith($sub + '\', [StringComparison]::OrdinalIgnoreCase)) { return $true }
        }
        $false
    }

    Function Get-FaultDeny {
        # The vector's faults as registry ACL denies on single keys: @{ denies = list of @{ path; rights }; problem }.
        # problem names the first rule an ACL cannot stand for ('' when none): a rule on one value (an ACE denies
        # SetValue on the whole key), on a key the run creates (a deny of CreateSubKey on its parent would refuse
        # its siblings too), with create_key listed, or with set_value without delete_value (one right covers both).
        param($Vector)
        $out = @{ denies = New-Object -TypeName System.Collections.Generic.List[Object]; problem = '' }
        if (-not (Test-Key $Vector 'faults')) { return $out }
        if (Test-Key $Vector['faults'] 'fail_reads') {
            foreach ($p in $Vector['faults']['fail_reads']) {
                if (-not (Test-VectorKey -Vector $Vector -Path $p)) {
                    $out.problem = "faults.fail_reads names $p, which registry_before does not make: no key to put an ACL on"
                    return $out
                }
                $out.denies.Add(@{ path = [String]$p; rights = [System.Security.AccessControl.RegistryRights]'QueryValues, EnumerateSubKeys' })
            }
        }
        if (Test-Key $Vector['faults'] 'fail_writes') {
            foreach ($rule in $Vector['faults']['fail_writes']) {
                $p = [String]$rule['path']
                $all = -not (Test-Key $rule 'actions')
                $actions = @('create_key', 'delete_key', 'set_value', 'delete_value')
                if (-not $all) { $actions = @($rule['actions']) }
                if ((Test-Key $rule 'name') -and $null -ne $rule['name']) {
                    $out.problem = "faults.fail_writes refuses value '$($rule['name'])' of $p only; a registry ACL denies writes to the whole key"
                }
                elseif (-not (Test-VectorKey -Vector $Vector -Path $p)) {
                    $out.problem = "faults.fail_writes refuses $p, which the run creates; a deny on its parent would refuse its siblings too"
                }
                elseif (-not $all -and $actions -contains 'create_key') {
                    $out.problem = "faults.fail_writes refuses create_key of $p, an existing key"
                }
                elseif (($actions -contains 'set_value') -ne ($actions -contains 'delete_value')) {
                    $out.problem = "faults.fail_writes refuses only one of set_value and delete_value of $p; the SetValue right covers both"
                }
                if ($out.problem) { return $out }
                # create_key of a key that exists and whose removal is refused too cannot happen: nothing to deny
                $rights = [System.Security.AccessControl.RegistryRights]0
                if ($actions -contains 'set_value') { $rights = $rights -bor [System.Security.AccessControl.RegistryRights]::SetValue }
                if ($actions -contains 'delete_key') { $rights = $rights -bor [System.Security.AccessControl.RegistryRights]::Delete }
                if ([Int32]$rights -ne 0) { $out.denies.Add(@{ path = $p; rights = $rights }) }
            }
        }
        $out
    }

    Function Get-VectorPath {
        # Every key this vector's run may change or read back: cleared before it and backed up around it
        param($Vector)
        $paths = New-Object -TypeName System.Collections.Generic.List[String]
        foreach ($p in $script:AlwaysCleared) { $paths.Add($p) }
        if (Test-Key $Vector 'registry_before') { foreach ($p in $Vector['registry_before'].Keys) { $paths.Add($p) } }
        if (Test-Key $Vector 'registry_after_roots') { foreach ($p in $Vector['registry_after_roots']) { $paths.Add($p) } }
        if (Test-Key $Vector 'faults') {
            if (Test-Key $Vector['faults'] 'fail_reads') { foreach ($p in $Vector['faults']['fail_reads']) { $paths.Add($p) } }
            if (Test-Key $Vector['faults'] 'fail_writes') { foreach ($r in $Vector['faults']['fail_writes']) { $paths.Add($r['path']) } }
        }
        foreach ($p in @(Get-ArgumentPath $Vector['args'])) { $paths.Add($p) }
        foreach ($p in @($script:ModuleKeys[$Vector['module']])) { if ($null -ne $p) { $paths.Add($p) } }
        $paths
    }

    Function Backup-HostState {
        # Snapshots of the backup roots of every path, outermost only, before anything is changed
        param([String[]]$Paths)
        $roots = New-Object -TypeName System.Collections.Generic.List[String]
        foreach ($p in @($Paths + 'HKLM\SOFTWARE\tlsops')) { $roots.Add([TlsopsConformance.Registry64]::BackupRoot($p)) }
        $outer = @($roots | Where-Object {
                $r = $_
                -not @($roots | Where-Object { [TlsopsConformance.Registry64]::SubKey($r).StartsWith([TlsopsConformance.Registry64]::SubKey($_) + '\', [StringComparison]::OrdinalIgnoreCase) }).Count
            } | Sort-Object -Unique)
        $saved = @{ registry = New-Object -TypeName System.Collections.Generic.List[Object]; local = $null }
        foreach ($root in $outer) { $saved.registry.Add(@{ path = $root; snapshot = [TlsopsConformance.Registry64]::Snapshot($root) }) }
        if ($script:HasTlsCmdlets) { $saved.local = Get-LocalList }
        $saved
    }

    Function Restore-HostState {
        # Every backup back, the local lists if they changed; one failure does not stop the others
        param($Saved)
        $failures = New-Object -TypeName System.Collections.Generic.List[String]
        foreach ($entry in $Saved.registry) {
            try { [TlsopsConformance.Registry64]::Restore($entry.path, $entry.snapshot) }
            catch { $failures.Add("$($entry.path): $_") }
        }
        if ($null -ne $Saved.local) {
            try {
                $now = Get-LocalList
                if ([TlsopsConformance.Json]::Difference($now, $Saved.local, 'local')) { Set-LocalList -Lists $Saved.local }
            }
            catch { $failures.Add("local lists: $_") }
        }
        if ($failures.Count) { throw "the host could not be put back: $($failures -join '; ')" }
    }

    Function Get-LocalList {
        # Filled with Add, not from a pipeline: pipeline output can stay wrapped in PSObject inside an Object[], and
        # Json.Difference compares .NET strings
        $suites = New-Object -TypeName 'System.Collections.Generic.List[Object]'
        foreach ($s in Get-TlsCipherSuite) { $suites.Add([String]$s.Name) }
        $curves = New-Object -TypeName 'System.Collections.Generic.List[Object]'
        foreach ($c in Get-TlsEccCurve) { $curves.Add([String]$c) }
        $lists = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
        $lists['cipher_suites'] = $suites.ToArray()
        $lists['ecc_curves'] = $curves.ToArray()
        , $lists
    }

    Function Set-LocalList {
        # The CNG local lists exactly as given (only the fields given), in order
        param($Lists)
        if (Test-Key $Lists 'cipher_suites') {
            foreach ($s in Get-TlsCipherSuite) { Disable-TlsCipherSuite -Name $s.Name -Confirm:$false }
            $wanted = @($Lists['cipher_suites'])
            for ($i = 0; $i -lt $wanted.Count; $i++) { Enable-TlsCipherSuite -Name $wanted[$i] -Position $i -Confirm:$false }
        }
        if (Test-Key $Lists 'ecc_curves') {
            foreach ($c in Get-TlsEccCurve) { Disable-TlsEccCurve -Name $c -Confirm:$false }
            $wanted = @($Lists['ecc_curves'])
            for ($i = 0; $i -lt $wanted.Count; $i++) { Enable-TlsEccCurve -Name $wanted[$i] -Position $i -Confirm:$false }
        }
    }

    Function Set-VectorState {
        # The twin's starting point: the vector's keys cleared, registry_before written (missing parents created
        # empty), local_before set
        param($Vector, [String[]]$Paths)
        foreach ($p in $Paths) { [TlsopsConformance.Registry64]::Delete($p) }
        if (Test-Key $Vector 'registry_before') {
            foreach ($p in $Vector['registry_before'].Keys) {
                [TlsopsConformance.Registry64]::CreateKey($p)
                $values = $Vector['registry_before'][$p]
                foreach ($name in $values.Keys) {
                    [TlsopsConformance.Registry64]::WriteVectorValue($p, $name, $values[$name]['type'], $values[$name]['data'])
                }
            }
        }
        if (Test-Key $Vector 'local_before') { Set-LocalList -Lists $Vector['local_before'] }
    }

    if ($script:HasTlsCmdlets) { $script:LocalAtStart = Get-LocalList }

    # The child process: what lib/ansible/executor/powershell/module_wrapper.ps1 does for a module with
    # '#AnsibleRequires -CSharpUtil Ansible.Basic' and '-PowerShell <util>', with the arguments from a file.
    $script:ChildScript = @'
param([String]$Utils, [String]$UtilName, [String]$UtilPath, [String]$Module, [String]$ArgsFile, [String]$ReportFile)
$ErrorActionPreference = 'Stop'
Import-Module -Name (Join-Path $Utils 'powershell\Ansible.ModuleUtils.AddType.psm1')
Add-CSharpType -References @([IO.File]::ReadAllText((Join-Path $Utils 'csharp\Ansible.Basic.cs')))

$ps = [PowerShell]::Create()
$ps.Runspace.SessionStateProxy.SetVariable('ErrorActionPreference', 'Stop')
$ps.Runspace.SessionStateProxy.SetVariable('tlsopsUtilName', [IO.Path]::GetFileNameWithoutExtension($UtilName))
$ps.Runspace.SessionStateProxy.SetVariable('tlsopsUtilText', [IO.File]::ReadAllText($UtilPath))
$ps.Runspace.SessionStateProxy.SetVariable('tlsopsModuleText', [IO.File]::ReadAllText($Module))
$null = $ps.AddScript('Function Write-Host($msg) { Write-Output -InputObject $msg }').AddStatement()
$null = $ps.AddScript('New-Module -Name $tlsopsUtilName -ScriptBlock ([ScriptBlock]::Create($tlsopsUtilText)) | Import-Module -WarningAction SilentlyContinue -Scope Global').AddStatement()
$null = $ps.AddScript('${function:<AnsibleModule>} = [ScriptBlock]::Create($tlsopsModuleText); Remove-Variable -Name tlsopsUtilName, tlsopsUtilText, tlsopsModuleText').AddStatement()
$null = $ps.AddCommand('<AnsibleModule>', $false).AddArgument($ArgsFile).AddStatement()

$origOut = [Console]::Out
$sb = New-Object -TypeName System.Text.StringBuilder
$newOut = New-Object -TypeName System.IO.StringWriter -ArgumentList $sb
$exception = ''
$modOut = @()
try {
    [Console]::SetOut($newOut)
    $modOut = @($ps.Invoke())
}
catch { $exception = $_.Exception.ToString() }
finally {
    [Console]::SetOut($origOut)
    $newOut.Dispose()
}
$report = @{
    stdout = $sb.ToString()
    output = [String[]]@($modOut | ForEach-Object { [String]$_ })
    errors = [String[]]@($ps.Streams.Error | ForEach-Object { [String]$_ })
    exception = $exception
}
[IO.File]::WriteAllText($ReportFile, (ConvertTo-Json -InputObject $report -Compress -Depth 4))
'@

    Function Invoke-ModuleUnderTest {
        # The module's result as a Dictionary; fails when it printed anything but one JSON object
        param($Vector)
        $work = Join-Path ([IO.Path]::GetTempPath()) ('tlsops-conformance-' + [Guid]::NewGuid())
        $null = [IO.Directory]::CreateDirectory($work)
        try {
            $moduleArgs = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
            foreach ($k in $Vector['args'].Keys) { $moduleArgs[$k] = $Vector['args'][$k] }
            $moduleArgs['_ansible_check_mode'] = (Test-Key $Vector 'check_mode') -and [Bool]$Vector['check_mode']
            $moduleArgs['_ansible_diff'] = (Test-Key $Vector 'diff') -and [Bool]$Vector['diff']
            $moduleArgs['_ansible_module_name'] = $Vector['module']
            $wrapped = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
            $wrapped['ANSIBLE_MODULE_ARGS'] = $moduleArgs
            $argsFile = Join-Path $work 'args.json'
            [IO.File]::WriteAllText($argsFile, $script:Json.Serialize($wrapped))
            $childFile = Join-Path $work 'run.ps1'
            [IO.File]::WriteAllText($childFile, $script:ChildScript)
            $reportFile = Join-Path $work 'report.json'
            $modulePath = Join-Path $script:Repo "plugins\modules\$($Vector['module']).ps1"
            # a Process, not '& powershell.exe ... 2>&1': on 5.1 a child's stderr line would be a terminating error
            # under ErrorActionPreference Stop, and its text would be lost
            $start = New-Object -TypeName System.Diagnostics.ProcessStartInfo
            $start.FileName = Join-Path $PSHOME 'powershell.exe'
            $start.Arguments = ('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -Utils "{1}" -UtilName "{2}" ' +
                '-UtilPath "{3}" -Module "{4}" -ArgsFile "{5}" -ReportFile "{6}"') -f $childFile, $script:ModuleUtils,
                $script:SharedUtilName, $script:SharedUtil, $modulePath, $argsFile, $reportFile
            $start.UseShellExecute = $false
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $child = [Diagnostics.Process]::Start($start)
            $stdoutTask = $child.StandardOutput.ReadToEndAsync()
            $stderrTask = $child.StandardError.ReadToEndAsync()
            # a module waiting on something (a prompt -NonInteractive did not turn into an error) must not hang the run
            if (-not $child.WaitForExit(600000)) {
                $child.Kill()
                throw 'the module ran longer than 10 minutes and was stopped'
            }
            if (-not [IO.File]::Exists($reportFile)) {
                throw "the child PowerShell wrote no report (exit code $($child.ExitCode)): $($stdoutTask.Result) $($stderrTask.Result)"
            }
            $report = Read-Json ([IO.File]::ReadAllText($reportFile))
            $stdout = ([String]$report['stdout']).Trim()
            $problems = @()
            if ($report['exception']) { $problems += "exception: $($report['exception'])" }
            if (@($report['errors']).Count) { $problems += "error records: $(@($report['errors']) -join ' | ')" }
            if (@($report['output']).Count) { $problems += "pipeline output besides the result: $(@($report['output']) -join ' | ')" }
            if (-not $stdout.StartsWith('{') -or $stdout.Contains("`n")) { $problems += "stdout is not one JSON object: $stdout" }
            if ($problems.Count) { throw ($problems -join "`n") }
            Read-Json $stdout
        }
        finally {
            [IO.Directory]::Delete($work, $true)
        }
    }
}

AfterAll {
    # The safety net under the per-test restores: the keys the runner may rewrite and the local lists are as they
    # were before the first vector, or the run fails saying where they differ
    if ($null -ne $script:HostAtStart) {
        $now = [TlsopsConformance.Registry64]::Dump($script:Rewritable)
        $d = [TlsopsConformance.Json]::Difference($now, $script:HostAtStart, 'host registry after the run')
        if ($d) { throw "the host was left changed: $d" }
    }
    if ($null -ne $script:LocalAtStart) {
        $d = [TlsopsConformance.Json]::Difference((Get-LocalList), $script:LocalAtStart, 'local lists after the run')
        if ($d) { throw "the host was left changed: $d" }
    }
}

Describe 'conformance vectors against the real modules' {
    It '<Name>' -ForEach $Vectors {
        $vector = Read-Json ([IO.File]::ReadAllText($Path, [Text.Encoding]::UTF8))
        $problem = Get-VectorProblem -Vector $vector -Folder $Folder
        if ($problem) { throw "malformed vector: $problem" }
        $skip = Get-SkipReason -Vector $vector
        if ($skip) {
            Set-ItResult -Skipped -Because $skip
            return
        }

        $paths = [String[]]@(Get-VectorPath -Vector $vector)
        $saved = Backup-HostState -Paths $paths
        $denied = New-Object -TypeName System.Collections.Generic.List[Object]
        try {
            Set-VectorState -Vector $vector -Paths $paths
            foreach ($deny in (Get-FaultDeny -Vector $vector).denies) {
                [TlsopsConformance.Registry64]::SetDenied($deny.path, $deny.rights, $true)
                $denied.Add($deny)
            }
            try { $result = Invoke-ModuleUnderTest -Vector $vector }
            finally {
                foreach ($deny in $denied) { [TlsopsConformance.Registry64]::SetDenied($deny.path, $deny.rights, $false) }
                $denied.Clear()
            }

            $differences = New-Object -TypeName System.Collections.Generic.List[String]
            foreach ($key in $vector['expected'].Keys) {
                if (-not (Test-Key $result $key)) { $differences.Add("result[$key]: missing from the result"); continue }
                $d = [TlsopsConformance.Json]::Difference($result[$key], $vector['expected'][$key], "result[$key]")
                if ($d) { $differences.Add($d) }
            }
            if (Test-Key $vector 'registry_after') {
                $dump = [TlsopsConformance.Registry64]::Dump([String[]]@($vector['registry_after_roots']))
                $d = [TlsopsConformance.Json]::Difference($dump, $vector['registry_after'], 'registry_after')
                if ($d) { $differences.Add($d) }
            }
            if (Test-Key $vector 'local_after') {
                $now = Get-LocalList
                foreach ($field in $vector['local_after'].Keys) {
                    $d = [TlsopsConformance.Json]::Difference($now[$field], $vector['local_after'][$field], "local_after[$field]")
                    if ($d) { $differences.Add($d) }
                }
            }
            $differences -join "`n" | Should -BeNullOrEmpty -Because 'the real module must do what the vector and the twin agree on'
        }
        finally {
            # a deny still set is also undone by the restore (each key's DACL is in the backup)
            foreach ($deny in $denied) {
                try { [TlsopsConformance.Registry64]::SetDenied($deny.path, $deny.rights, $false) } catch { Write-Warning "deny on $($deny.path) not taken off: $_" }
            }
            Restore-HostState -Saved $saved
        }
    }
}
