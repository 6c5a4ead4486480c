using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Keeps a deleted snapshot's children as they were. libvirt 9.0's record-only delete of an external snapshot
/// re-parents its children and also points their disks at the deleted snapshot's frozen images, as if it had
/// merged them (measured: a child reverted afterwards came back with its parent's disk). The children are
/// read before the delete and redefined after it with their own disks and their new parent.
/// </summary>
internal static class ChildDefinitions
{
    public static List<string> Read(LibvirtDomainSnapshot snapshot)
    {
        using var children = OwnedHandles.Of(snapshot.ListAllChildren());
        return children.Select(c => c.GetXmlDesc(SnapshotXmlFlags.Secure)).ToList();
    }

    public static void Restore(LibvirtDomain dom, List<string> before)
    {
        foreach (var xml in before)
        {
            var original = XElement.Parse(xml);
            var name = (string)original.Element("name")!;
            using var child = dom.LookupSnapshot(name);
            var now = XElement.Parse(child.GetXmlDesc(SnapshotXmlFlags.Secure));
            if (SameDisks(original, now))
                continue;
            original.Element("parent")?.Remove();
            if (now.Element("parent") is { } parent)
                original.Element("name")!.AddAfterSelf(new XElement(parent));
            var current = dom.HasCurrentSnapshot && CurrentName(dom) == name;
            dom.CreateSnapshot(original.ToString(SaveOptions.DisableFormatting),
                SnapshotCreateFlags.Redefine | (current ? SnapshotCreateFlags.Current : 0)).Dispose();
        }
    }

    private static string CurrentName(LibvirtDomain dom)
    {
        using var current = dom.GetCurrentSnapshot();
        return current.Name;
    }

    private static bool SameDisks(XElement a, XElement b) =>
        Sources(a).SequenceEqual(Sources(b), StringComparer.Ordinal);

    private static IEnumerable<string> Sources(XElement snapshot) =>
        snapshot.Descendants("source").Select(s => (string?)s.Attribute("file") ?? "");
}
