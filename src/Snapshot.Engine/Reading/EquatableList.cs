using System.Collections;

namespace Snapshot.Engine;

/// <summary>
/// A read-only list compared by its items, so that records holding one are equal when their items are, and print
/// them (<c>[a, b]</c>) instead of the list's type name.
/// </summary>
internal sealed class EquatableList<T>(IEnumerable<T> items) : IReadOnlyList<T>, IEquatable<EquatableList<T>>
{
    private readonly T[] _items = [.. items];

    public static EquatableList<T> Empty { get; } = new([]);

    public static EquatableList<T> Of(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items as EquatableList<T> ?? new(items);
    }

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(EquatableList<T>? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => obj is EquatableList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
