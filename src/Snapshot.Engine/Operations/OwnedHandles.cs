using System.Collections;

namespace Snapshot.Engine;

/// <summary>
/// A list of libvirt handles (snapshots, domains) that disposes them all with itself: one <c>using</c> instead of
/// a loop per call site.
/// </summary>
internal sealed class OwnedHandles<T>(IReadOnlyList<T> handles) : IReadOnlyList<T>, IDisposable
    where T : IDisposable
{
    public T this[int index] => handles[index];

    public int Count => handles.Count;

    public IEnumerator<T> GetEnumerator() => handles.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var handle in handles)
            handle.Dispose();
    }
}

/// <summary>Builds <see cref="OwnedHandles{T}"/> with the type inferred.</summary>
internal static class OwnedHandles
{
    public static OwnedHandles<T> Of<T>(IReadOnlyList<T> handles) where T : IDisposable => new(handles);
}
