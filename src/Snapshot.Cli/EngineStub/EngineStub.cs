// TEMPORARY: the façade's published signatures, so the CLI builds before Snapshot.Engine's
// SnapshotEngine lands on main. Deleted by the merge that brings the real one.
#pragma warning disable CA1822, CA1034, CS1591, CA1812, IDE0060
using Microsoft.Extensions.Logging;

namespace Snapshot.Interop
{
    public enum DomainEventType { Defined, Undefined, Started, Suspended, Resumed, Stopped, Shutdown, PMSuspended, Crashed }

    public sealed record DomainLifecycleEvent(string DomainName, Guid DomainUuid, DomainEventType Type, int Detail, DateTimeOffset Time);
}

namespace Snapshot.Engine
{
    public sealed record SnapshotProgress(string Phase, long BytesDone, long BytesTotal);

    public sealed class SnapshotPointTakenEventArgs(DateTimeOffset time, TimeSpan guestPaused) : EventArgs
    {
        public DateTimeOffset Time { get; } = time;
        public TimeSpan GuestPaused { get; } = guestPaused;
    }

    public sealed class SnapshotEngine : IDisposable
    {
        private static NotSupportedException Missing() => new("SnapshotEngine is not merged yet");

        public event EventHandler<SnapshotPointTakenEventArgs>? SnapshotPointTaken;

        public static SnapshotEngine Connect(string? uri, ILoggerFactory? loggerFactory = null, bool readOnly = false) => throw Missing();
        public HostVersions GetVersions() => throw Missing();
        public Task<SnapshotInfo> CreateAsync(string domain, SnapshotCreateOptions options, IProgress<SnapshotProgress>? progress = null, CancellationToken ct = default) => throw Missing();
        public Task<SnapshotInfo> CreateFromXmlAsync(string domain, string snapshotXml, SnapshotCreateModifiers modifiers, IProgress<SnapshotProgress>? progress = null, CancellationToken ct = default) => throw Missing();
        public string BuildXml(SnapshotCreateOptions options) => throw Missing();
        public static MemorySpec ParseMemorySpec(string text) => throw Missing();
        public static DiskSpec ParseDiskSpec(string text) => throw Missing();
        public IReadOnlyList<SnapshotInfo> List(string domain, SnapshotListFilter filter) => throw Missing();
        public SnapshotDetails GetInfo(string domain, string name) => throw Missing();
        public SnapshotInfo? GetCurrent(string domain) => throw Missing();
        public SnapshotInfo SetCurrent(string domain, string name) => throw Missing();
        public SnapshotInfo? GetParent(string domain, string name) => throw Missing();
        public string GetXml(string domain, string name, bool securityInfo = false) => throw Missing();
        public string? GetCurrentXml(string domain, bool securityInfo = false) => throw Missing();
        public Task DeleteAsync(string domain, string name, SnapshotDeleteOptions options, CancellationToken ct = default) => throw Missing();
        public Task<SnapshotInfo> RevertAsync(string domain, string? name, SnapshotRevertOptions options, CancellationToken ct = default) => throw Missing();
        public IAsyncEnumerable<Snapshot.Interop.DomainLifecycleEvent> WatchEventsAsync(string? domain, CancellationToken ct = default) => throw Missing();
        public static SnapshotErrorKind Classify(Exception e) => e is SnapshotException s ? s.Kind : e is OperationCanceledException ? SnapshotErrorKind.Cancelled : SnapshotErrorKind.Failed;
        public void Dispose() => SnapshotPointTaken?.Invoke(this, new SnapshotPointTakenEventArgs(default, default));
    }
}
