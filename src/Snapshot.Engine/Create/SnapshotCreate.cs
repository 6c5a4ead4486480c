namespace Snapshot.Engine;

/// <summary>Creating a snapshot: the request's rules, then the classic create or the instant snapshot.</summary>
internal sealed class SnapshotCreate(EngineContext context)
{
    /// <summary>The snapshot XML that <paramref name="options"/> describe, after the request's rules.</summary>
    public static string BuildXml(SnapshotCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CreateRules.CheckName(options.Name);
        CreateRules.CheckRequest(options.Modifiers, options.Memory, options.Disks);
        return SnapshotXmlWriter.Build(options);
    }

    /// <summary>From typed options (snapshot-create-as).</summary>
    public Task<SnapshotInfo> RunAsync(DomainRef domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        var xml = BuildXml(options);
        if (options.Modifiers.Instant)
            return InstantAsync(domain, options, progress, cancellationToken);
        return new ClassicCreate(context).RunAsync(domain, xml, options.Modifiers, progress, cancellationToken);
    }

    /// <summary>The request a full &lt;domainsnapshot&gt; XML makes, after its rules (no domain needed).</summary>
    public static SnapshotCreateOptions CheckXml(string snapshotXml, SnapshotCreateModifiers modifiers)
    {
        ArgumentNullException.ThrowIfNull(snapshotXml);
        ArgumentNullException.ThrowIfNull(modifiers);
        var request = CreateRequest.Parse(snapshotXml, modifiers);
        CreateRules.CheckRequest(modifiers, request.Memory, request.Disks);
        return request;
    }

    /// <summary>From a full &lt;domainsnapshot&gt; XML (snapshot-create).</summary>
    public Task<SnapshotInfo> RunFromXmlAsync(DomainRef domain, string snapshotXml, SnapshotCreateModifiers modifiers,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        var request = CheckXml(snapshotXml, modifiers);
        if (modifiers.Instant)
            return InstantAsync(domain, request, progress, cancellationToken);
        return new ClassicCreate(context).RunAsync(domain, snapshotXml, modifiers, progress, cancellationToken);
    }

    private async Task<SnapshotInfo> InstantAsync(DomainRef domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        // The request is the moment the call reached the engine, before its lock and recovery: those count too.
        var requestedAt = context.Timeline?.StartedAt ?? DateTimeOffset.UtcNow;
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = context.Resolve(domain);
        CreateRules.CheckState(options.Modifiers, dom.IsActive);
        using var run = new InstantSnapshot(context, dom, options, requestedAt,
            point => context.Callbacks.Invoke(options.OnSnapshotPoint, point, "snapshot-point callback"));
        return await run.RunAsync(progress, cancellationToken).ConfigureAwait(false);
    }
}
