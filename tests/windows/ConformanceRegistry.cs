// Copyright: (c) 2026, tlsops maintainers
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The Pester runner's own registry access (Conformance.Tests.ps1 compiles this with Add-Type): it must not go through
// plugins/module_utils/_SchannelRegistry.psm1, the code under test, or a bug there would write registry_before and
// read registry_after the same wrong way and pass. Raw RegQueryValueEx/RegSetValueEx keep every value kind and its
// bytes exactly, so a backup of a key the host had is put back as it was, REG_NONE, REG_LINK and the rest included.
// C# 5 (what Windows PowerShell 5.1's Add-Type compiles) against mscorlib alone: which other assemblies Add-Type
// references by default is not something to depend on (HashSet<T>, for one, is in System.Core on .NET Framework).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Principal;
using System.Text;
using Microsoft.Win32;
using Microsoft.Win32.SafeHandles;

namespace TlsopsConformance
{
    public class RawValue
    {
        public string Name;
        public int Kind;
        public byte[] Data;
    }

    public class RawKey
    {
        public string Name;
        public string Sddl;
        public List<RawValue> Values = new List<RawValue>();
        public List<RawKey> Children = new List<RawKey>();
    }

    public static class Registry64
    {
        public const int REG_NONE = 0;
        public const int REG_SZ = 1;
        public const int REG_EXPAND_SZ = 2;
        public const int REG_BINARY = 3;
        public const int REG_DWORD = 4;
        // GetValueKind reports it as Unknown and GetValue returns its bytes: the vectors' kind 'unknown'
        public const int REG_DWORD_BIG_ENDIAN = 5;
        public const int REG_MULTI_SZ = 7;
        public const int REG_QWORD = 11;
        private const int ERROR_MORE_DATA = 234;

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, EntryPoint = "RegQueryValueExW")]
        private static extern int RegQueryValueEx(SafeRegistryHandle key, string name, IntPtr reserved, out int kind,
            byte[] data, ref int size);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, EntryPoint = "RegSetValueExW")]
        private static extern int RegSetValueEx(SafeRegistryHandle key, string name, int reserved, int kind,
            byte[] data, int size);

        private static RegistryKey Hklm()
        {
            return RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64);
        }

        // 'HKLM\A\B\' -> 'A\B'; anything else (another hive, an empty key name) is refused.
        public static string SubKey(string path)
        {
            if (path == null || !path.StartsWith("HKLM\\", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException("not an HKLM\\ path: " + path);
            string sub = path.Substring(5).TrimEnd('\\');
            if (sub.Length == 0 || Array.IndexOf(sub.Split('\\'), "") >= 0)
                throw new ArgumentException("empty key name in " + path);
            return sub;
        }

        // A path the runner may back up and rewrite: well formed and at or under one of the prefixes.
        public static bool IsUnder(string path, string[] prefixes)
        {
            string sub = SubKey(path);
            foreach (string prefix in prefixes)
            {
                string p = SubKey(prefix);
                if (string.Equals(sub, p, StringComparison.OrdinalIgnoreCase) ||
                    sub.StartsWith(p + "\\", StringComparison.OrdinalIgnoreCase))
                    return true;
            }
            return false;
        }

        public static bool Exists(string path)
        {
            using (RegistryKey hklm = Hklm())
            using (RegistryKey key = hklm.OpenSubKey(SubKey(path), RegistryKeyPermissionCheck.ReadSubTree,
                RegistryRights.ReadPermissions))
            {
                return key != null;
            }
        }

        // The key a backup of 'path' must cover: the path itself when it exists, otherwise its topmost missing
        // ancestor, so that putting back "absent" also removes the parents a vector or a module created.
        public static string BackupRoot(string path)
        {
            string sub = SubKey(path);
            string[] segments = sub.Split('\\');
            string prefix = path.Substring(0, 5);
            for (int n = 1; n <= segments.Length; n++)
            {
                string candidate = prefix + string.Join("\\", segments, 0, n);
                if (!Exists(candidate))
                    return candidate;
            }
            return prefix + sub;
        }

        // ------------------------------------------------------------------ reading
        public static RawValue ReadValue(RegistryKey key, string name)
        {
            int kind;
            int size = 0;
            int rc = RegQueryValueEx(key.Handle, name, IntPtr.Zero, out kind, null, ref size);
            if (rc != 0)
                throw new InvalidOperationException("registry call failed with Win32 error " + rc);
            while (true)
            {
                byte[] data = new byte[size];
                int got = size;
                rc = RegQueryValueEx(key.Handle, name, IntPtr.Zero, out kind, data, ref got);
                if (rc == ERROR_MORE_DATA)
                {
                    size = got;
                    continue;
                }
                if (rc != 0)
                    throw new InvalidOperationException("registry call failed with Win32 error " + rc);
                if (got != data.Length)
                    Array.Resize(ref data, got);
                RawValue value = new RawValue();
                value.Name = name;
                value.Kind = kind;
                value.Data = data;
                return value;
            }
        }

        private static RawKey ReadTree(RegistryKey key, string leaf)
        {
            RawKey node = new RawKey();
            node.Name = leaf;
            node.Sddl = key.GetAccessControl(AccessControlSections.Access)
                .GetSecurityDescriptorSddlForm(AccessControlSections.Access);
            foreach (string name in key.GetValueNames())
                node.Values.Add(ReadValue(key, name));
            foreach (string child in key.GetSubKeyNames())
            {
                // a child this account cannot read throws here: the runner then stops before it changes anything
                using (RegistryKey sub = key.OpenSubKey(child, RegistryKeyPermissionCheck.ReadSubTree, RegistryRights.ReadKey))
                {
                    if (sub != null)
                        node.Children.Add(ReadTree(sub, child));
                }
            }
            return node;
        }

        // Everything at and under a key (values as raw kind and bytes, each key's DACL), or null when it is missing.
        public static RawKey Snapshot(string path)
        {
            string sub = SubKey(path);
            using (RegistryKey hklm = Hklm())
            using (RegistryKey key = hklm.OpenSubKey(sub, RegistryKeyPermissionCheck.ReadSubTree, RegistryRights.ReadKey))
            {
                if (key == null)
                    return null;
                return ReadTree(key, sub.Substring(sub.LastIndexOf('\\') + 1));
            }
        }

        // ------------------------------------------------------------------ putting a backup back
        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
                return false;
            for (int i = 0; i < a.Length; i++)
                if (a[i] != b[i])
                    return false;
            return true;
        }

        // Puts back a Snapshot: null removes the key; otherwise the key, its DACL, values and subkeys end exactly as
        // they were, changing only what differs (a key the account may read but not write is left alone when equal).
        public static void Restore(string path, RawKey snapshot)
        {
            string sub = SubKey(path);
            using (RegistryKey hklm = Hklm())
            {
                if (snapshot == null)
                {
                    hklm.DeleteSubKeyTree(sub, false);
                    return;
                }
                RestoreAt(hklm, sub, snapshot);
            }
        }

        private static void RestoreAt(RegistryKey hklm, string sub, RawKey snapshot)
        {
            using (RegistryKey probe = hklm.OpenSubKey(sub, RegistryKeyPermissionCheck.ReadSubTree, RegistryRights.ReadPermissions))
            {
                if (probe == null)
                {
                    using (RegistryKey created = hklm.CreateSubKey(sub, RegistryKeyPermissionCheck.ReadWriteSubTree)) { }
                }
            }
            // the DACL first: a deny a fault left must not stop the rest
            using (RegistryKey key = hklm.OpenSubKey(sub, RegistryKeyPermissionCheck.ReadWriteSubTree,
                RegistryRights.ReadPermissions | RegistryRights.ChangePermissions))
            {
                string now = key.GetAccessControl(AccessControlSections.Access)
                    .GetSecurityDescriptorSddlForm(AccessControlSections.Access);
                if (now != snapshot.Sddl)
                {
                    RegistrySecurity wanted = new RegistrySecurity();
                    wanted.SetSecurityDescriptorSddlForm(snapshot.Sddl, AccessControlSections.Access);
                    key.SetAccessControl(wanted);
                }
            }
            Dictionary<string, RawValue> want = new Dictionary<string, RawValue>(StringComparer.OrdinalIgnoreCase);
            foreach (RawValue v in snapshot.Values)
                want[v.Name] = v;
            Dictionary<string, bool> children = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            foreach (RawKey c in snapshot.Children)
                children[c.Name] = true;
            List<string> dropValues = new List<string>();
            List<RawValue> writeValues = new List<RawValue>();
            List<string> dropChildren = new List<string>();
            using (RegistryKey key = hklm.OpenSubKey(sub, RegistryKeyPermissionCheck.ReadSubTree, RegistryRights.ReadKey))
            {
                Dictionary<string, RawValue> have = new Dictionary<string, RawValue>(StringComparer.OrdinalIgnoreCase);
                foreach (string name in key.GetValueNames())
                {
                    have[name] = ReadValue(key, name);
                    if (!want.ContainsKey(name))
                        dropValues.Add(name);
                }
                foreach (RawValue v in snapshot.Values)
                {
                    RawValue h;
                    if (!have.TryGetValue(v.Name, out h) || h.Kind != v.Kind || h.Name != v.Name || !SameBytes(h.Data, v.Data))
                        writeValues.Add(v);
                }
                foreach (string name in key.GetSubKeyNames())
                    if (!children.ContainsKey(name))
                        dropChildren.Add(name);
            }
            if (dropValues.Count + writeValues.Count + dropChildren.Count > 0)
            {
                using (RegistryKey key = hklm.OpenSubKey(sub, RegistryKeyPermissionCheck.ReadWriteSubTree,
                    RegistryRights.ReadKey | RegistryRights.SetValue | RegistryRights.CreateSubKey))
                {
                    foreach (string name in dropValues)
                        key.DeleteValue(name, false);
                    foreach (RawValue v in writeValues)
                    {
                        // a name whose case differs is written under the snapshot's spelling
                        if (!dropValues.Contains(v.Name))
                            key.DeleteValue(v.Name, false);
                        Write(key, v.Name, v.Kind, v.Data);
                    }
                    foreach (string name in dropChildren)
                        key.DeleteSubKeyTree(name, false);
                }
            }
            foreach (RawKey c in snapshot.Children)
                RestoreAt(hklm, sub + "\\" + c.Name, c);
        }

        // ------------------------------------------------------------------ writing a vector's registry_before
        public static void Write(RegistryKey key, string name, int kind, byte[] data)
        {
            int rc = RegSetValueEx(key.Handle, name, 0, kind, data, data.Length);
            if (rc != 0)
                throw new InvalidOperationException("registry call failed with Win32 error " + rc);
        }

        public static void Delete(string path)
        {
            using (RegistryKey hklm = Hklm())
                hklm.DeleteSubKeyTree(SubKey(path), false);
        }

        public static void CreateKey(string path)
        {
            using (RegistryKey hklm = Hklm())
            using (RegistryKey key = hklm.CreateSubKey(SubKey(path), RegistryKeyPermissionCheck.ReadWriteSubTree)) { }
        }

        private static byte[] Bytes(object data)
        {
            IList items = data as IList;
            if (data == null)
                return new byte[0];
            if (items == null)
                throw new ArgumentException("byte data must be a list of numbers");
            byte[] bytes = new byte[items.Count];
            for (int i = 0; i < items.Count; i++)
                bytes[i] = Convert.ToByte(items[i], CultureInfo.InvariantCulture);
            return bytes;
        }

        private static byte[] Text(string s)
        {
            return Encoding.Unicode.GetBytes(s + "\0");
        }

        // The vector format's {type, data} (tests/conformance/README.md) as a raw kind and bytes.
        public static RawValue Encode(string name, string type, object data)
        {
            RawValue v = new RawValue();
            v.Name = name;
            switch (type)
            {
                case "dword":
                    v.Kind = REG_DWORD;
                    v.Data = BitConverter.GetBytes(Convert.ToUInt32(data, CultureInfo.InvariantCulture));
                    break;
                case "qword":
                    v.Kind = REG_QWORD;
                    v.Data = BitConverter.GetBytes(Convert.ToUInt64(data, CultureInfo.InvariantCulture));
                    break;
                case "string":
                    v.Kind = REG_SZ;
                    v.Data = Text((string)data);
                    break;
                case "expandstring":
                    v.Kind = REG_EXPAND_SZ;
                    v.Data = Text((string)data);
                    break;
                case "multistring":
                    {
                        v.Kind = REG_MULTI_SZ;
                        StringBuilder all = new StringBuilder();
                        foreach (object s in (IList)data)
                            all.Append((string)s).Append('\0');
                        all.Append('\0');
                        v.Data = Encoding.Unicode.GetBytes(all.ToString());
                        break;
                    }
                case "binary":
                    v.Kind = REG_BINARY;
                    v.Data = Bytes(data);
                    break;
                case "none":
                    v.Kind = REG_NONE;
                    v.Data = Bytes(data);
                    break;
                case "unknown":
                    v.Kind = REG_DWORD_BIG_ENDIAN;
                    v.Data = Bytes(data);
                    break;
                default:
                    throw new ArgumentException("unknown value type '" + type + "' for value '" + name + "'");
            }
            return v;
        }

        public static void WriteVectorValue(string path, string name, string type, object data)
        {
            RawValue v = Encode(name, type, data);
            using (RegistryKey hklm = Hklm())
            using (RegistryKey key = hklm.CreateSubKey(SubKey(path), RegistryKeyPermissionCheck.ReadWriteSubTree))
                Write(key, v.Name, v.Kind, v.Data);
        }

        // ------------------------------------------------------------------ the dump registry_after is compared with
        private static string UnText(byte[] data)
        {
            string s = Encoding.Unicode.GetString(data, 0, data.Length - data.Length % 2);
            // as .NET's GetValue: one terminating NUL is dropped
            if (s.Length > 0 && s[s.Length - 1] == '\0')
                s = s.Substring(0, s.Length - 1);
            return s;
        }

        private static object[] ByteList(byte[] data)
        {
            object[] list = new object[data.Length];
            for (int i = 0; i < data.Length; i++)
                list[i] = (int)data[i];
            return list;
        }

        public static Dictionary<string, object> Decode(RawValue v)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            switch (v.Kind)
            {
                case REG_DWORD:
                    d["type"] = "dword";
                    d["data"] = (long)BitConverter.ToUInt32(v.Data, 0);
                    break;
                case REG_QWORD:
                    d["type"] = "qword";
                    d["data"] = (decimal)BitConverter.ToUInt64(v.Data, 0);
                    break;
                case REG_SZ:
                    d["type"] = "string";
                    d["data"] = UnText(v.Data);
                    break;
                case REG_EXPAND_SZ:
                    d["type"] = "expandstring";
                    d["data"] = UnText(v.Data);
                    break;
                case REG_MULTI_SZ:
                    {
                        // each string ends with a NUL and the list with one more
                        string all = UnText(v.Data);
                        List<object> items = new List<object>();
                        if (all.Length > 0)
                        {
                            string[] parts = all.Split('\0');
                            int n = all[all.Length - 1] == '\0' ? parts.Length - 1 : parts.Length;
                            for (int i = 0; i < n; i++)
                                items.Add(parts[i]);
                        }
                        d["type"] = "multistring";
                        d["data"] = items.ToArray();
                        break;
                    }
                case REG_BINARY:
                    d["type"] = "binary";
                    d["data"] = ByteList(v.Data);
                    break;
                case REG_NONE:
                    d["type"] = "none";
                    d["data"] = ByteList(v.Data);
                    break;
                default:
                    d["type"] = "unknown";
                    d["data"] = ByteList(v.Data);
                    break;
            }
            return d;
        }

        private static void DumpInto(Dictionary<string, object> dump, string spelled, RawKey node)
        {
            Dictionary<string, object> values = new Dictionary<string, object>();
            foreach (RawValue v in node.Values)
                values[v.Name] = Decode(v);
            dump[spelled] = values;
            foreach (RawKey child in node.Children)
                DumpInto(dump, spelled + "\\" + child.Name, child);
        }

        // As the twin's RegistryStore.dump(roots): each root spelled as given (trailing '\' trimmed), the names
        // below it as stored.
        public static Dictionary<string, object> Dump(string[] roots)
        {
            Dictionary<string, object> dump = new Dictionary<string, object>();
            foreach (string root in roots)
            {
                RawKey node = Snapshot(root);
                if (node != null)
                    DumpInto(dump, root.TrimEnd('\\'), node);
            }
            return dump;
        }

        // ------------------------------------------------------------------ faults as registry ACL denies
        private static RegistryAccessRule Deny(RegistryRights rights)
        {
            return new RegistryAccessRule(WindowsIdentity.GetCurrent().User, rights,
                InheritanceFlags.None, PropagationFlags.None, AccessControlType.Deny);
        }

        // Adds (or takes off) an ACE on this key alone, not inherited by subkeys, denying this account the rights:
        // QueryValues|EnumerateSubKeys for fail_reads (opening the key to read then fails with .NET's "Requested
        // registry access is not allowed."), SetValue and/or Delete for fail_writes. The account keeps READ_CONTROL
        // and WRITE_DAC, so the deny can be taken off again.
        public static void SetDenied(string path, RegistryRights rights, bool denied)
        {
            using (RegistryKey hklm = Hklm())
            using (RegistryKey key = hklm.OpenSubKey(SubKey(path), RegistryKeyPermissionCheck.ReadWriteSubTree,
                RegistryRights.ReadPermissions | RegistryRights.ChangePermissions))
            {
                if (key == null)
                    throw new ArgumentException("a fault names a key that does not exist: " + path);
                RegistrySecurity security = key.GetAccessControl(AccessControlSections.Access);
                if (denied)
                    security.AddAccessRule(Deny(rights));
                else
                    security.RemoveAccessRuleSpecific(Deny(rights));
                key.SetAccessControl(security);
            }
        }
    }

    // JSON equality, the same rule as tests/conformance/test_vectors.py's json_equal: null, a bool (only equal to a
    // bool), a number (by value, whatever its .NET type), a string (ordinal), a list (same length, in order), an
    // object (the same keys, case-sensitive, each value equal).
    public static class Json
    {
        private static bool IsNumber(object v)
        {
            return v is int || v is long || v is decimal || v is double || v is float || v is uint || v is ulong ||
                v is short || v is ushort || v is byte || v is sbyte;
        }

        public static string Show(object v)
        {
            if (v == null)
                return "null";
            if (v is bool)
                return (bool)v ? "true" : "false";
            if (v is string)
                return "\"" + ((string)v).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            if (IsNumber(v))
                return Convert.ToString(v, CultureInfo.InvariantCulture);
            IDictionary d = v as IDictionary;
            if (d != null)
            {
                List<string> parts = new List<string>();
                foreach (DictionaryEntry e in d)
                    parts.Add(Show(Convert.ToString(e.Key, CultureInfo.InvariantCulture)) + ": " + Show(e.Value));
                return "{" + string.Join(", ", parts.ToArray()) + "}";
            }
            IList l = v as IList;
            if (l != null)
            {
                List<string> parts = new List<string>();
                foreach (object o in l)
                    parts.Add(Show(o));
                return "[" + string.Join(", ", parts.ToArray()) + "]";
            }
            return "<" + v.GetType().FullName + "> " + v;
        }

        // null when equal, else where and how they differ
        public static string Difference(object got, object want, string where)
        {
            string mismatch = where + ": got " + Show(got) + ", want " + Show(want);
            if (want == null)
                return got == null ? null : mismatch;
            if (got == null)
                return mismatch;
            if (want is bool)
                return (got is bool && (bool)got == (bool)want) ? null : mismatch;
            if (IsNumber(want))
            {
                if (!IsNumber(got))
                    return mismatch;
                if (want is double || want is float || got is double || got is float)
                    return Convert.ToDouble(got, CultureInfo.InvariantCulture) == Convert.ToDouble(want, CultureInfo.InvariantCulture) ? null : mismatch;
                return Convert.ToDecimal(got, CultureInfo.InvariantCulture) == Convert.ToDecimal(want, CultureInfo.InvariantCulture) ? null : mismatch;
            }
            if (want is string)
                return (got is string && string.Equals((string)got, (string)want, StringComparison.Ordinal)) ? null : mismatch;
            IDictionary wd = want as IDictionary;
            if (wd != null)
            {
                IDictionary gd = got as IDictionary;
                if (gd == null)
                    return mismatch;
                foreach (object k in wd.Keys)
                {
                    if (!gd.Contains(k))
                        return where + "[" + Show(k) + "]: missing, want " + Show(wd[k]);
                    string inner = Difference(gd[k], wd[k], where + "[" + Show(k) + "]");
                    if (inner != null)
                        return inner;
                }
                foreach (object k in gd.Keys)
                    if (!wd.Contains(k))
                        return where + "[" + Show(k) + "]: not expected, got " + Show(gd[k]);
                return null;
            }
            IList wl = want as IList;
            if (wl != null)
            {
                IList gl = got as IList;
                if (gl == null)
                    return mismatch;
                if (gl.Count != wl.Count)
                    return where + ": got " + gl.Count + " items, want " + wl.Count + ": got " + Show(got) + ", want " + Show(want);
                for (int i = 0; i < wl.Count; i++)
                {
                    string inner = Difference(gl[i], wl[i], where + "[" + i + "]");
                    if (inner != null)
                        return inner;
                }
                return null;
            }
            return where + ": cannot compare a " + want.GetType().FullName;
        }
    }
}
