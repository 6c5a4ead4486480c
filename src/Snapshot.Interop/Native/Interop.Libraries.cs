using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>Raw imports: one method per native entry point, no error handling (that is <see cref="LibvirtError"/>'s job).</summary>
/// <remarks>
/// Conventions: borrowed <c>const char*</c> returns are <c>byte*</c> (never freed); caller-owned <c>char*</c>
/// returns are <c>nint</c> and go through <see cref="NativeString.TakeOwned"/>, which frees them with libc <c>free</c>.
/// </remarks>
internal static unsafe partial class Interop
{
    internal static partial class Libraries
    {
        internal const string Libvirt = "libvirt.so.0";
        internal const string LibvirtQemu = "libvirt-qemu.so.0";
        internal const string Libc = "libc.so.6";
    }

    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "free")]
        internal static partial void Free(void* ptr);
    }
}
