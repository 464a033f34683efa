#!powershell

# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Read only. Dumps the registry keys the action plugin names (it takes them from the registry model), the local
# CNG cipher-suite and curve lists, the HTTP.sys TLS bindings with their certificates, and why a reboot is pending.
# It decides nothing: effective state, defaults and look-alike keys are worked out in Python.

$spec = @{
    options = @{
        keys = @{ type = 'list'; elements = 'str'; default = @() }
        cipher_suites = @{ type = 'bool'; default = $true }
        bindings = @{ type = 'bool'; default = $true }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

$hklm = [Microsoft.Win32.Registry]::LocalMachine

Function ConvertTo-SubKeyPath {
    param([String]$Path)
    if (-not $Path.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) {
        $module.FailJson("keys: '$Path' must start with 'HKLM\'")
    }
    $Path.Substring(5).TrimEnd('\')
}

Function ConvertTo-DumpValue {
    # One registry value as {type, data}; DWORD/QWORD as unsigned numbers.
    param([Microsoft.Win32.RegistryKey]$Key, [String]$Name)
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
            $items = [System.Collections.Generic.List[String]]@()
            foreach ($s in $raw) { $items.Add([String]$s) }
            return @{ type = 'multistring'; data = $items }
        }
        default {
            $bytes = [System.Collections.Generic.List[Int32]]@()
            if ($null -ne $raw) { foreach ($b in [Byte[]]$raw) { $bytes.Add([Int32]$b) } }
            return @{ type = 'binary'; data = $bytes }
        }
    }
}

Function Add-KeyDump {
    # Every existing key under $SubPath, also when it holds no values; '/' stays part of a key name because the
    # .NET API splits paths on '\' only.
    param([Hashtable]$Dump, [String]$SubPath)
    $key = $hklm.OpenSubKey($SubPath, $false)
    if ($null -eq $key) { return }
    try {
        $values = @{}
        foreach ($name in $key.GetValueNames()) {
            $values[$name] = ConvertTo-DumpValue -Key $key -Name $name
        }
        $Dump["HKLM\$SubPath"] = $values
        foreach ($child in $key.GetSubKeyNames()) {
            Add-KeyDump -Dump $Dump -SubPath "$SubPath\$child"
        }
    }
    finally {
        $key.Dispose()
    }
}

$registry = @{}
# Params['keys'], not Params.keys: the latter is the dictionary's own Keys collection
foreach ($path in $module.Params['keys']) {
    Add-KeyDump -Dump $registry -SubPath (ConvertTo-SubKeyPath -Path $path)
}
$module.Result.registry = $registry

# Operating system
$os = Get-CimInstance -ClassName Win32_OperatingSystem
$installationType = $null
$cv = $hklm.OpenSubKey('SOFTWARE\Microsoft\Windows NT\CurrentVersion', $false)
if ($null -ne $cv) {
    $installationType = $cv.GetValue('InstallationType', $null)
    $cv.Dispose()
}
$module.Result.os = @{
    version = [String]$os.Version
    build = [Int32]$os.BuildNumber
    caption = [String]$os.Caption
    installation_type = $installationType
}
$module.Result.last_boot_time = $os.LastBootUpTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')

# Local CNG cipher-suite and curve order (TLS cmdlets, Windows Server 2016 and later)
$module.Result.tls_cipher_suites = $null
$module.Result.tls_ecc_curves = $null
if ($module.Params.cipher_suites) {
    if (Get-Command -Name Get-TlsCipherSuite -ErrorAction SilentlyContinue) {
        $suites = [System.Collections.Generic.List[Hashtable]]@()
        foreach ($suite in Get-TlsCipherSuite) {
            $suites.Add(@{ name = [String]$suite.Name; code = [Int32]$suite.CipherSuite })
        }
        $module.Result.tls_cipher_suites = $suites
    }
    if (Get-Command -Name Get-TlsEccCurve -ErrorAction SilentlyContinue) {
        $curves = [System.Collections.Generic.List[String]]@()
        foreach ($curve in Get-TlsEccCurve) { $curves.Add([String]$curve) }
        $module.Result.tls_ecc_curves = $curves
    }
}

# HTTP.sys TLS bindings (IIS, WinRM HTTPS, ...) read from the registry, which does not depend on the UI language
Function Get-CertificateFacts {
    param([String]$Thumbprint, [String]$Store)
    $facts = @{ subject = $null; key_type = $null; key_size = $null; signature_hash = $null; not_after = $null }
    $cert = Get-Item -LiteralPath "Cert:\LocalMachine\$Store\$Thumbprint" -ErrorAction SilentlyContinue
    if ($null -eq $cert) { return $facts }
    $facts.subject = $cert.Subject
    $facts.not_after = $cert.NotAfter.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
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
    $sig = [String]$cert.SignatureAlgorithm.FriendlyName
    if ($sig -match '^(md5|sha\d*)') {
        $facts.signature_hash = if ($Matches[1] -eq 'sha') { 'sha1' } else { $Matches[1] }
    }
    $facts
}

$module.Result.bindings = $null
if ($module.Params.bindings) {
    $bindings = [System.Collections.Generic.List[Hashtable]]@()
    foreach ($kind in @('SslBindingInfo', 'SslSniBindingInfo')) {
        $root = $hklm.OpenSubKey("SYSTEM\CurrentControlSet\Services\HTTP\Parameters\$kind", $false)
        if ($null -eq $root) { continue }
        try {
            foreach ($endpoint in $root.GetSubKeyNames()) {
                $entry = $root.OpenSubKey($endpoint, $false)
                $hash = $entry.GetValue('SslCertHash', $null)
                $store = $entry.GetValue('SslCertStoreName', 'MY')
                $entry.Dispose()
                $split = $endpoint.LastIndexOf(':')
                $hostPart = $endpoint.Substring(0, $split)
                $binding = @{
                    ip = $null
                    hostname = $null
                    port = [Int32]$endpoint.Substring($split + 1)
                    thumbprint = $null
                }
                if ($kind -eq 'SslSniBindingInfo') { $binding.hostname = $hostPart } else { $binding.ip = $hostPart.Trim('[', ']') }
                if ($null -ne $hash) {
                    $binding.thumbprint = ([BitConverter]::ToString([Byte[]]$hash)).Replace('-', '')
                    $facts = Get-CertificateFacts -Thumbprint $binding.thumbprint -Store $store
                    foreach ($k in $facts.Keys) { $binding[$k] = $facts[$k] }
                }
                $bindings.Add($binding)
            }
        }
        finally {
            $root.Dispose()
        }
    }
    $module.Result.bindings = $bindings
}

# Reboot pending, and why
$reasons = [System.Collections.Generic.List[String]]@()
$probe = @(
    @{ path = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'; reason = 'Component Based Servicing (updates or features) waits for a reboot' }
    @{ path = 'SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'; reason = 'Windows Update waits for a reboot' }
)
foreach ($p in $probe) {
    $k = $hklm.OpenSubKey($p.path, $false)
    if ($null -ne $k) {
        $reasons.Add($p.reason)
        $k.Dispose()
    }
}
$sm = $hklm.OpenSubKey('SYSTEM\CurrentControlSet\Control\Session Manager', $false)
if ($null -ne $sm) {
    if ($null -ne $sm.GetValue('PendingFileRenameOperations', $null)) {
        $reasons.Add('files are queued for replacement at boot (PendingFileRenameOperations)')
    }
    $sm.Dispose()
}
$module.Result.reboot_pending = $reasons.Count -gt 0
$module.Result.reboot_pending_reasons = $reasons

$module.ExitJson()
