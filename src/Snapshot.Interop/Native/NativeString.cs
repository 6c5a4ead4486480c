using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>UTF-8 conversions for libvirt's two kinds of returned strings.</summary>
internal static unsafe class NativeString
{
    /// <summary>A borrowed <c>const char*</c>: converted, never freed.</summary>
    public static string? FromBorrowed(byte* ptr) => ptr == null ? null : Marshal.PtrToStringUTF8((nint)ptr);

    /// <summary>A caller-owned <c>char*</c>: converted, then freed with libc <c>free</c> (libvirt allocated it).</summary>
    public static string? TakeOwned(nint ptr)
    {
        if (ptr == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(ptr);
        }
        finally
        {
            Interop.Libc.Free((void*)ptr);
        }
    }
}
