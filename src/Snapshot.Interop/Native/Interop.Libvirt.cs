using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libvirt
    {
        static Libvirt()
        {
            // Before anything else: libvirt's default error handler prints every error to stderr.
            try
            {
                virSetErrorFunc(null, &IgnoreError);
            }
            catch (DllNotFoundException)
            {
                // libvirt is absent; every import will report that itself.
            }
        }

        [UnmanagedCallersOnly]
        private static void IgnoreError(void* userData, VirError* error)
        {
        }

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virInitialize();

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virGetVersion(out CULong libVer, string? type, out CULong typeVer);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial VirError* virGetLastError();

        [LibraryImport(Libraries.Libvirt)]
        internal static partial void virResetLastError();

        [LibraryImport(Libraries.Libvirt)]
        internal static partial void virSetErrorFunc(void* userData, delegate* unmanaged<void*, VirError*, void> handler);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial void virTypedParamsFree(VirTypedParameter* @params, int nparams);
    }
}
