using System.Collections;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>A list of snapshot handles that disposes them all with itself: one <c>using</c> instead of a loop per call site.</summary>
internal sealed class SnapshotHandles(IReadOnlyList<LibvirtDomainSnapshot> handles) : IReadOnlyList<LibvirtDomainSnapshot>, IDisposable
{
    public static SnapshotHandles Of(IReadOnlyList<LibvirtDomainSnapshot> handles) => new(handles);

    public LibvirtDomainSnapshot this[int index] => handles[index];

    public int Count => handles.Count;

    public IEnumerator<LibvirtDomainSnapshot> GetEnumerator() => handles.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var handle in handles)
            handle.Dispose();
    }
}
