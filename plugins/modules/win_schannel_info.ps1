#!powershell

# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -PowerShell ansible_collections.tlsops.schannel.plugins.module_utils._SchannelRegistry

# Read only. Dumps the registry keys the action plugin names (it takes them from the registry model), the local
# CNG cipher-suite and curve lists, the HTTP.sys TLS bindings with their certificates, why a reboot is pending,
# whether the updates the action plugin names are installed, and the collection's own run state (lease, intent).
# It decides nothing: effective state, defaults and look-alike keys are worked out in Python.
# A part that cannot be read (a denied key, a failing cmdlet) is listed in read_errors with a warning; the rest is
# still returned, because every action plugin reads the host through this module first (review P12).

$spec = @{
    options = @{
        keys = @{ type = 'list'; elements = 'str'; default = @() }
        cipher_suites = @{ type = 'bool'; default = $true }
        bindings = @{ type = 'bool'; default = $true }
        updates = @{ type = 'list'; elements = 'str'; default = @() }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

# Update ids are checked before anything is read (only KB ids reach the WQL filter below)
$wanted = [System.Collections.Generic.List[String]]@()
foreach ($id in $module.Params.updates) {
    # \A...\z and [0-9]: '$' would also match before a final newline and '\d' any Unicode digit
    if ($id -notmatch '\AKB[0-9]+\z') { $module.FailJson("updates: '$id' is not an update id such as KB3042058") }
    $wanted.Add($id)
}

$readErrors = [System.Collections.Generic.List[Hashtable]]@()
Function Add-ReadError {
    param([String]$What, [String]$Message)
    $readErrors.Add(@{ what = $What; error = $Message })
    $module.Warn("could not read $($What): $Message")
}

# Registry dump: every key under each requested root, parent before children, children in ordinal-ignore-case order
$registry = @{}
# Params['keys'], not Params.keys: the latter is the dictionary's own Keys collection
foreach ($path in $module.Params['keys']) {
    if (-not $path.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) { $module.FailJson("keys: '$path' must start with 'HKLM\'") }
    $errorsHere = [System.Collections.Generic.List[Hashtable]]@()
    foreach ($node in (Get-SchannelSubtree -Path $path -ReadErrors $errorsHere)) {
        $values = @{}
        foreach ($value in $node.values) { $values[$value.name] = @{ type = $value.type; data = $value.data } }
        $registry[$node.path] = $values
    }
    foreach ($e in $errorsHere) { Add-ReadError -What $e.what -Message $e.error }
}
$module.Result.registry = $registry

# Operating system
$module.Result.os = @{ version = $null; build = $null; caption = $null; installation_type = $null }
$module.Result.last_boot_time = $null
try {
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $module.Result.os.version = [String]$os.Version
    $module.Result.os.build = [Int32]$os.BuildNumber
    $module.Result.os.caption = [String]$os.Caption
    $module.Result.last_boot_time = Get-SchannelTimestamp -Date $os.LastBootUpTime
}
catch { Add-ReadError -What 'Win32_OperatingSystem' -Message (Get-SchannelErrorMessage -ErrorRecord $_) }
try {
    $installationType = Get-SchannelValue -Path 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion' -Name 'InstallationType'
    if ($null -ne $installationType) { $module.Result.os.installation_type = [String]$installationType.data }
}
catch { Add-ReadError -What 'InstallationType' -Message (Get-SchannelErrorMessage -ErrorRecord $_) }

# Local CNG cipher-suite and curve order (TLS cmdlets, Windows Server 2016 and later): null when not read (option
# off or no cmdlet), a list otherwise (review P17)
$module.Result.tls_cipher_suites = $null
$module.Result.tls_ecc_curves = $null
if ($module.Params.cipher_suites) {
    if (Get-Command -Name Get-TlsCipherSuite -ErrorAction SilentlyContinue) {
        try {
            $suites = [System.Collections.Generic.List[Hashtable]]@()
            # foreach, never a pipeline (Select-Object, ForEach-Object): Get-TlsCipherSuite's output is known not to
            # behave as one object per suite there (serverfault 910177), and foreach enumerates a list either way.
            foreach ($suite in Get-TlsCipherSuite) {
                $suites.Add(@{ name = [String]$suite.Name; code = [Int32]$suite.CipherSuite })
            }
            $module.Result.tls_cipher_suites = $suites
        }
        catch { Add-ReadError -What 'Get-TlsCipherSuite' -Message (Get-SchannelErrorMessage -ErrorRecord $_) }
    }
    if (Get-Command -Name Get-TlsEccCurve -ErrorAction SilentlyContinue) {
        try {
            $curves = [System.Collections.Generic.List[String]]@()
            foreach ($curve in Get-TlsEccCurve) { $curves.Add([String]$curve) }
            $module.Result.tls_ecc_curves = $curves
        }
        catch { Add-ReadError -What 'Get-TlsEccCurve' -Message (Get-SchannelErrorMessage -ErrorRecord $_) }
    }
}

# HTTP.sys TLS bindings (IIS, WinRM HTTPS, ...) read from the registry, which does not depend on the UI language
Function Get-CertificateFacts {
    param([String]$Thumbprint, [String]$Store)
    $facts = @{ subject = $null; key_type = $null; key_size = $null; signature_hash = $null; not_after = $null }
    # An empty hash would name the store itself (Get-Item returns the X509Store, whose NotAfter is $null and fails
    # the [DateTime] parameter): only a certificate has facts.
    if ($Thumbprint -eq '') { return $facts }
    $cert = Get-Item -LiteralPath "Cert:\LocalMachine\$Store\$Thumbprint" -ErrorAction SilentlyContinue
    if ($cert -isnot [System.Security.Cryptography.X509Certificates.X509Certificate2]) { return $facts }
    $facts.subject = $cert.Subject
    $facts.not_after = Get-SchannelTimestamp -Date $cert.NotAfter
    switch ($cert.PublicKey.Oid.Value) {
        '1.2.840.113549.1.1.1' {
            $facts.key_type = 'rsa'
            try { $facts.key_size = [Int32]$cert.PublicKey.Key.KeySize } catch { $facts.key_size = $null }
        }
        '1.2.840.10045.2.1' {
            $facts.key_type = 'ecdsa'
            # The curve is the DER-encoded OID in the key parameters: P-256 1.2.840.10045.3.1.7,
            # P-384 1.3.132.0.34, P-521 1.3.132.0.35.
            $curveHex = ''
            try { $curveHex = [BitConverter]::ToString($cert.PublicKey.EncodedParameters.RawData) } catch { $curveHex = '' }
            $facts.key_size = switch -Wildcard ($curveHex) {
                '*2A-86-48-CE-3D-03-01-07' { 256 }
                '*2B-81-04-00-22' { 384 }
                '*2B-81-04-00-23' { 521 }
                default { $null }
            }
        }
    }
    # The signature hash from the algorithm's OID (FriendlyName is a display name from the OID table); a name only
    # for an OID not listed here. RSASSA-PSS (1.2.840.113549.1.1.10) keeps its hash in the parameters: null.
    $facts.signature_hash = switch ([String]$cert.SignatureAlgorithm.Value) {
        '1.2.840.113549.1.1.4' { 'md5' }
        '1.2.840.113549.1.1.5' { 'sha1' }
        '1.3.14.3.2.29' { 'sha1' }
        '1.2.840.10045.4.1' { 'sha1' }
        '1.2.840.10040.4.3' { 'sha1' }
        '1.2.840.113549.1.1.14' { 'sha224' }
        '1.2.840.10045.4.3.1' { 'sha224' }
        '1.2.840.113549.1.1.11' { 'sha256' }
        '1.2.840.10045.4.3.2' { 'sha256' }
        '2.16.840.1.101.3.4.3.2' { 'sha256' }
        '1.2.840.113549.1.1.12' { 'sha384' }
        '1.2.840.10045.4.3.3' { 'sha384' }
        '1.2.840.113549.1.1.13' { 'sha512' }
        '1.2.840.10045.4.3.4' { 'sha512' }
        '1.2.840.113549.1.1.10' { $null }
        default {
            $hash = $null
            if ([String]$cert.SignatureAlgorithm.FriendlyName -match '^(md5|sha\d*)') {
                $hash = if ($Matches[1] -eq 'sha') { 'sha1' } else { $Matches[1].ToLowerInvariant() }
            }
            $hash
        }
    }
    $facts
}

$module.Result.bindings = $null
if ($module.Params.bindings) {
    $bindings = [System.Collections.Generic.List[Hashtable]]@()
    # IP bindings, SNI bindings and IIS Central Certificate Store bindings (review P10); a CCS binding has no
    # certificate hash of its own: IIS picks the certificate from the store by host name.
    $kinds = @(
        @{ key = 'SslBindingInfo'; kind = 'ip' }
        @{ key = 'SslSniBindingInfo'; kind = 'sni' }
        @{ key = 'SslCcsBindingInfo'; kind = 'ccs' }
    )
    foreach ($k in $kinds) {
        $root = "HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\$($k.key)"
        $endpoints = @()
        try { $endpoints = Get-SchannelSubKeyName -Path $root }
        catch { Add-ReadError -What "registry key $root" -Message (Get-SchannelErrorMessage -ErrorRecord $_) }
        foreach ($endpoint in $endpoints) {
            try {
                $split = $endpoint.LastIndexOf(':')
                $hostPart = $endpoint.Substring(0, $split)
                $binding = @{
                    kind = $k.kind
                    ip = $null
                    hostname = $null
                    port = [Int32]$endpoint.Substring($split + 1)
                    thumbprint = $null
                    ccs = ($k.kind -eq 'ccs')
                }
                if ($k.kind -eq 'sni') { $binding.hostname = $hostPart } else { $binding.ip = $hostPart.Trim('[', ']') }
                if ($k.kind -ne 'ccs') {
                    $hash = Get-SchannelValue -Path "$root\$endpoint" -Name 'SslCertHash'
                    if ($null -ne $hash) {
                        $store = Get-SchannelValue -Path "$root\$endpoint" -Name 'SslCertStoreName'
                        $storeName = 'MY'
                        if ($null -ne $store) { $storeName = [String]$store.data }
                        $binding.thumbprint = ([BitConverter]::ToString([Byte[]]@($hash.data))).Replace('-', '')
                        $facts = Get-CertificateFacts -Thumbprint $binding.thumbprint -Store $storeName
                        foreach ($f in $facts.Keys) { $binding[$f] = $facts[$f] }
                    }
                }
                $bindings.Add($binding)
            }
            catch { Add-ReadError -What "binding $($k.key)\$endpoint" -Message (Get-SchannelErrorMessage -ErrorRecord $_) }
        }
    }
    $module.Result.bindings = $bindings
}

# Reboot pending, and why: the markers ansible.windows setup reads (ansible_reboot_pending), each value tested for
# PowerShell truthiness as setup does, so an empty PendingFileRenameOperations is not pending (review P9)
$reasons = [System.Collections.Generic.List[String]]@()
$markers = @(
    @{ path = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'; name = $null; reason = 'Component Based Servicing (updates or features) waits for a reboot' }
    @{ path = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'; name = $null; reason = 'Windows Update waits for a reboot' }
    @{ path = 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager'; name = 'PendingFileRenameOperations'; reason = 'files are queued for replacement at boot (PendingFileRenameOperations)' }
    @{ path = 'HKLM\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache'; name = 'RestartRequired'; reason = 'Server Manager waits for a reboot (ServerComponentCache RestartRequired)' }
)
foreach ($m in $markers) {
    try {
        if ($null -eq $m.name) {
            if (Test-SchannelKey -Path $m.path) { $reasons.Add($m.reason) }
        }
        else {
            $value = Get-SchannelValue -Path $m.path -Name $m.name
            if ($null -ne $value -and $value.data) { $reasons.Add($m.reason) }
        }
    }
    catch {
        $what = $m.path
        if ($null -ne $m.name) { $what = "$($m.path)\$($m.name)" }
        Add-ReadError -What $what -Message (Get-SchannelErrorMessage -ErrorRecord $_)
    }
}
$module.Result.reboot_pending = $reasons.Count -gt 0
$module.Result.reboot_pending_reasons = $reasons

# Installed updates (issue 15, M8): only the ids the action plugin asks for (the updates the knowledge tables
# assume), as Win32_QuickFixEngineering lists them (what Get-HotFix shows). true: listed; false: not listed (a rollup
# can contain an update without listing it); null: the query failed (a read error says why).
$updates = @{}
if ($wanted.Count -gt 0) {
    try {
        $filter = ($wanted | ForEach-Object { "HotFixID='$_'" }) -join ' OR '
        $listed = @{}
        foreach ($fix in Get-CimInstance -ClassName Win32_QuickFixEngineering -Filter $filter -ErrorAction Stop) {
            if ($fix.HotFixID) { $listed[([String]$fix.HotFixID).Trim().ToUpperInvariant()] = $true }
        }
        foreach ($id in $wanted) { $updates[$id] = $listed.ContainsKey($id.ToUpperInvariant()) }
    }
    catch {
        Add-ReadError -What 'Win32_QuickFixEngineering' -Message (Get-SchannelErrorMessage -ErrorRecord $_)
        foreach ($id in $wanted) { $updates[$id] = $null }
    }
}
$module.Result.updates = $updates

# The collection's own run state (issue 14, docs/dev/crash-consistency-design.md): the Lease a running play holds
# and the Intent an interrupted write left, each one REG_SZ JSON text the write modules write. Parsed when it is a
# JSON object, else {raw, error}; null when absent.
$runKey = 'HKLM\SOFTWARE\tlsops\schannel'
Function Read-RunStateValue {
    param([String]$Name)
    $value = Get-SchannelValue -Path $runKey -Name $Name
    if ($null -eq $value) { return $null }
    $problem = "$Name does not hold a JSON object (REG_SZ JSON text); remove the value once no run of this collection holds the host"
    if ($value.type -ne 'string') { return @{ raw = $value.data; error = $problem } }
    $parsed = $null
    try { $parsed = [Ansible.Basic.AnsibleModule]::FromJson([String]$value.data) } catch { $parsed = $null }
    if ($parsed -isnot [System.Collections.IDictionary]) { return @{ raw = [String]$value.data; error = $problem } }
    return $parsed
}
$runState = @{ lease = $null; interrupted = $null }
try {
    $runState.lease = Read-RunStateValue -Name 'Lease'
    $runState.interrupted = Read-RunStateValue -Name 'Intent'
}
catch {
    Add-ReadError -What "registry key $runKey" -Message (Get-SchannelErrorMessage -ErrorRecord $_)
    $unread = @{ raw = $null; error = 'could not be read (see read_errors)' }
    $runState = @{ lease = $unread; interrupted = $unread }
}
$module.Result.run_state = $runState
$module.Result.read_errors = $readErrors

$module.ExitJson()
