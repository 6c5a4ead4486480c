namespace Snapshot.Interop;

/// <summary>Names the libvirt enum type (as in libvirt-api.xml) and the C prefix a C# enum mirrors.</summary>
[AttributeUsage(AttributeTargets.Enum, Inherited = false)]
internal sealed class LibvirtEnumAttribute(string typeName, string prefix) : Attribute
{
    public string TypeName { get; } = typeName;

    public string Prefix { get; } = prefix;
}

/// <summary>The C name of an enum member whose C# name is not the prefix-stripped, PascalCased C name.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
internal sealed class LibvirtNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
