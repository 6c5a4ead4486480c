using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    /// <summary>Layout of <c>struct _virError</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirError
    {
        public int Code;
        public int Domain;
        public byte* Message;
        public int Level;
        public nint Conn;
        public nint Dom;
        public byte* Str1;
        public byte* Str2;
        public byte* Str3;
        public int Int1;
        public int Int2;
        public nint Net;
    }

    /// <summary>Layout of <c>struct _virDomainJobInfo</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainJobInfo
    {
        public int Type;
        public ulong TimeElapsed;
        public ulong TimeRemaining;
        public ulong DataTotal;
        public ulong DataProcessed;
        public ulong DataRemaining;
        public ulong MemTotal;
        public ulong MemProcessed;
        public ulong MemRemaining;
        public ulong FileTotal;
        public ulong FileProcessed;
        public ulong FileRemaining;
    }

    /// <summary>Layout of <c>struct _virTypedParameter</c> (80-byte field name, type, 8-byte union).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 96)]
    internal struct VirTypedParameter
    {
        public const int FieldLength = 80;

        [FieldOffset(0)]
        public FieldBuffer Field;

        [FieldOffset(80)]
        public int Type;

        [FieldOffset(88)]
        public int I;

        [FieldOffset(88)]
        public uint UI;

        [FieldOffset(88)]
        public long L;

        [FieldOffset(88)]
        public ulong UL;

        [FieldOffset(88)]
        public double D;

        [FieldOffset(88)]
        public byte B;

        [FieldOffset(88)]
        public byte* S;
    }

    [InlineArray(VirTypedParameter.FieldLength)]
    internal struct FieldBuffer
    {
        private byte _element0;
    }
}
