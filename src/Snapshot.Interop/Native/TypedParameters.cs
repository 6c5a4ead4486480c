using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>Copies a <c>virTypedParameter</c> array into managed values (the caller frees the array).</summary>
internal static unsafe class TypedParameters
{
    public static Dictionary<string, object> ToDictionary(Interop.VirTypedParameter* parameters, int count)
    {
        var result = new Dictionary<string, object>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var p = &parameters[i];
            var name = Marshal.PtrToStringUTF8((nint)p) ?? string.Empty; // the field name is at offset 0, NUL-terminated
            object value = (TypedParameterType)p->Type switch
            {
                TypedParameterType.Int => p->I,
                TypedParameterType.Uint => p->UI,
                TypedParameterType.Llong => p->L,
                TypedParameterType.Ullong => p->UL,
                TypedParameterType.Double => p->D,
                TypedParameterType.Boolean => p->B != 0,
                TypedParameterType.String => NativeString.FromBorrowed(p->S) ?? string.Empty,
                _ => p->UL,
            };
            result[name] = value;
        }

        return result;
    }
}
