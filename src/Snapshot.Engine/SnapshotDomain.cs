using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// One domain's snapshots, from <see cref="SnapshotEngine.Domain(string)"/> and its overloads. A value: it holds no
/// libvirt handle and needs no disposing; the domain is looked up at each call.
/// </summary>
public sealed class SnapshotDomain : ISnapshotDomain
{
    private readonly SnapshotEngine _engine;
    private readonly DomainRef _domain;

    internal SnapshotDomain(SnapshotEngine engine, DomainRef domain)
    {
        _engine = engine;
        _domain = domain;
    }

    /// <summary>How the domain was named: its name, UUID, ID or virsh operand.</summary>
    public override string ToString() => _domain.Text;

    /// <inheritdoc />
    public Task<IReadOnlyList<SnapshotInfo>> ListAsync(SnapshotListFilter? filter = null, CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.List(_domain, filter ?? new SnapshotListFilter()), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SnapshotLink>> ListLinksAsync(SnapshotListFilter? filter = null, CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.ListLinks(_domain, filter ?? new SnapshotListFilter()), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotInfo> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.Get(_domain, name), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotInfo?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        Read(() =>
        {
            using var dom = _engine.Context.Resolve(_domain);
            LibvirtDomainSnapshot snapshot;
            try
            {
                snapshot = EngineContext.Lookup(dom, name);
            }
            catch (SnapshotNotFoundException)
            {
                return null;
            }
            using (snapshot)
                return (SnapshotInfo?)EngineContext.Describe(snapshot);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotDetails> GetDetailsAsync(string name, CancellationToken cancellationToken = default)
    {
        _engine.ThrowIfDisposed();
        return EngineBoundary.RunAsync(() => Task.Run(() => _engine.Reader.GetInfoAsync(_domain, name, cancellationToken), cancellationToken).WaitAsync(cancellationToken));
    }

    /// <inheritdoc />
    public Task<SnapshotInfo?> GetCurrentAsync(CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.GetCurrent(_domain), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotInfo?> GetParentAsync(string name, CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.GetParent(_domain, name), cancellationToken);

    /// <inheritdoc />
    public Task<string> GetXmlAsync(string name, bool securityInfo = false, CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.GetXml(_domain, name, securityInfo), cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetCurrentXmlAsync(bool securityInfo = false, CancellationToken cancellationToken = default) =>
        Read(() => _engine.Reader.GetCurrentXml(_domain, securityInfo), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotInfo> SetCurrentAsync(string name, CancellationToken cancellationToken = default) =>
        Write("current-set", () => Task.Run(() => _engine.Reader.SetCurrent(_domain, name), cancellationToken).WaitAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotInfo> CreateAsync(SnapshotCreateOptions options, IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Write(options?.Modifiers.Instant == true ? "instant-create" : "create",
            () => new SnapshotCreate(_engine.Context).RunAsync(_domain, options!, progress, cancellationToken), cancellationToken,
            check: () => SnapshotCreate.BuildXml(options!));

    /// <inheritdoc />
    public Task<SnapshotInfo> CreateFromXmlAsync(string snapshotXml, SnapshotCreateModifiers? modifiers = null, IProgress<SnapshotProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Write(modifiers?.Instant == true ? "instant-create" : "create", () => new SnapshotCreate(_engine.Context).RunFromXmlAsync(_domain, snapshotXml, modifiers ?? new SnapshotCreateModifiers(), progress, cancellationToken),
            cancellationToken, check: () => SnapshotCreate.CheckXml(snapshotXml, modifiers ?? new SnapshotCreateModifiers()));

    /// <inheritdoc />
    public Task<SnapshotInfo> RevertAsync(string name, SnapshotRevertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Write("revert", () => new SnapshotRevert(_engine.Context).RunAsync(_domain, name, options ?? new SnapshotRevertOptions(), cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SnapshotInfo> RevertToCurrentAsync(SnapshotRevertOptions? options = null, CancellationToken cancellationToken = default) =>
        Write("revert", () => new SnapshotRevert(_engine.Context).RunAsync(_domain, null, options ?? new SnapshotRevertOptions(), cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<KeptRevert> RevertKeepingCurrentAsync(string? name, string? keptName = null, SnapshotRevertOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Write("revert", () => new SnapshotRevert(_engine.Context).RunKeepingAsync(_domain, name, keptName, options ?? new SnapshotRevertOptions(), cancellationToken),
            cancellationToken, check: () =>
            {
                if (keptName is not null)
                    CreateRules.CheckName(keptName);
            });

    /// <inheritdoc />
    public Task<SnapshotDeleteResult> DeleteAsync(string name, SnapshotDeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        Write("delete", () => new SnapshotDelete(_engine.Context).RunAsync(_domain, name, options ?? new SnapshotDeleteOptions(), cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotPruneResult> PruneAsync(SnapshotPruneOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DryRun)
        {
            return Read(() =>
            {
                SnapshotPrune.CheckRequest(options);
                return new SnapshotPrune(_engine.Context).Chosen(_domain, options);
            }, cancellationToken);
        }

        return Write("prune", () => new SnapshotPrune(_engine.Context).RunAsync(_domain, options, cancellationToken), cancellationToken,
            check: () => SnapshotPrune.CheckRequest(options));
    }

    private const string RecoverOperation = "recover";

    /// <inheritdoc />
    public Task<RecoveryResult> RecoverAsync(CancellationToken cancellationToken = default) =>
        Write(RecoverOperation, async () =>
        {
            using var dom = _engine.Context.Resolve(_domain);
            return await JournalRecovery.RecoverAsync(_engine.Context, dom, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<InterruptedOperation?> GetInterruptedAsync(CancellationToken cancellationToken = default) =>
        Read(() =>
        {
            using var dom = _engine.Context.Resolve(_domain);
            return JournalRecovery.Interrupted(_engine.Context, dom, lockHeld: false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task SuspendAsync(CancellationToken cancellationToken = default) => OnDomain(d => d.Suspend(), cancellationToken);

    /// <inheritdoc />
    public Task ResumeAsync(CancellationToken cancellationToken = default) => OnDomain(d => d.Resume(), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<LifecycleEvent> WatchEventsAsync(CancellationToken cancellationToken = default)
    {
        _engine.ThrowIfDisposed();
        return EngineBoundary.Run(() => _engine.Events.Watch(_domain, cancellationToken));
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<LifecycleEvent> handler)
    {
        _engine.ThrowIfDisposed();
        return EngineBoundary.Run(() => _engine.Events.Subscribe(_domain, handler));
    }

    private Task<bool> OnDomain(Action<LibvirtDomain> call, CancellationToken cancellationToken) =>
        Read(() =>
        {
            using var dom = _engine.Context.Resolve(_domain);
            call(dom);
            return true;
        }, cancellationToken);

    // libvirt's calls block; they run off the caller's thread, and the token stops the wait.
    private Task<T> Read<T>(Func<T> body, CancellationToken cancellationToken)
    {
        _engine.ThrowIfDisposed();
        return EngineBoundary.RunAsync(() => Task.Run(body, cancellationToken).WaitAsync(cancellationToken));
    }

    // A changing call holds the domain's operation lock from before its first check to its end (DomainLock).
    // check: the request's own rules, which need no domain, before the domain is looked up and locked: bad input
    // is told as bad input, whether the domain exists or is busy.
    private Task<T> Write<T>(string operation, Func<Task<T>> body, CancellationToken cancellationToken, Action? check = null)
    {
        _engine.ThrowIfDisposed();
        return EngineBoundary.RunAsync(async () =>
        {
            var timeline = _engine.Context.Timeline = new CallTimeline();
            check?.Invoke();
            DomainLock held;
            OperationJournal journal;
            using (var dom = _engine.Context.Resolve(_domain))
            {
                timeline.Mark("domain resolved");
                held = await DomainLock.AcquireAsync(_engine.Context.Connection, dom, operation, cancellationToken).ConfigureAwait(false);
                timeline.Mark("locked");
                try
                {
                    // An operation a dead process left half done is recovered first, under the same lock.
                    if (operation != RecoverOperation
                        && await JournalRecovery.RecoverAsync(_engine.Context, dom, cancellationToken).ConfigureAwait(false) is { Outcome: not RecoveryOutcome.None } recovered)
                        _engine.OnRecovered(recovered);
                }
                catch
                {
                    held.Dispose();
                    throw;
                }
                timeline.Mark("recovery checked");
                journal = OperationJournal.For(_engine.Context.Journals, _engine.Context.Connection, dom, operation);
                timeline.Mark("journal opened");
            }
            using (held)
            {
                _engine.Context.Journal = journal;
                try
                {
                    return await body().ConfigureAwait(false);
                }
                finally
                {
                    // Ended here, done or rolled back: only a process that dies leaves its journal.
                    journal.Complete();
                }
            }
        });
    }
}
