namespace Snapshot.Engine;

/// <summary>
/// How a caller named a domain: exactly by name, UUID or ID, or as virsh's "domain name, id or uuid"
/// operand (tried as an ID, a UUID, then a name). Its text is what messages show.
/// </summary>
internal readonly record struct DomainRef(DomainRefKind Kind, string Text)
{
    public static DomainRef ByName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(DomainRefKind.Name, name);
    }

    public static DomainRef ByUuid(Guid uuid) => new(DomainRefKind.Uuid, uuid.ToString("D"));

    public static DomainRef ById(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        return new(DomainRefKind.Id, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static DomainRef ByOperand(string operand)
    {
        ArgumentException.ThrowIfNullOrEmpty(operand);
        return new(DomainRefKind.Operand, operand);
    }

    public override string ToString() => Text;
}

internal enum DomainRefKind
{
    Name,
    Uuid,
    Id,
    Operand,
}
