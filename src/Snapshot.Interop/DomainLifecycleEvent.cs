namespace Snapshot.Interop;

/// <summary>A <c>VIR_DOMAIN_EVENT_ID_LIFECYCLE</c> event.</summary>
/// <param name="DomainName">The domain's name.</param>
/// <param name="DomainUuid">The domain's UUID.</param>
/// <param name="Type">What happened.</param>
/// <param name="Detail">The raw detail; its meaning depends on <paramref name="Type"/> (see <see cref="DetailValue"/>).</param>
/// <param name="Time">When the binding received the event.</param>
public sealed record DomainLifecycleEvent(string DomainName, Guid DomainUuid, DomainEventType Type, int Detail, DateTimeOffset Time)
{
    /// <summary>The detail as its typed enum (boxed), e.g. <see cref="DomainEventStoppedDetail.FromSnapshot"/>.</summary>
    public Enum DetailValue => Type switch
    {
        DomainEventType.Defined => (DomainEventDefinedDetail)Detail,
        DomainEventType.Undefined => (DomainEventUndefinedDetail)Detail,
        DomainEventType.Started => (DomainEventStartedDetail)Detail,
        DomainEventType.Suspended => (DomainEventSuspendedDetail)Detail,
        DomainEventType.Resumed => (DomainEventResumedDetail)Detail,
        DomainEventType.Stopped => (DomainEventStoppedDetail)Detail,
        DomainEventType.Shutdown => (DomainEventShutdownDetail)Detail,
        DomainEventType.PMSuspended => (DomainEventPMSuspendedDetail)Detail,
        DomainEventType.Crashed => (DomainEventCrashedDetail)Detail,
        _ => (DomainEventDefinedDetail)Detail,
    };

    /// <summary>The detail's name, e.g. "FromSnapshot"; the number when libvirt is newer than this binding.</summary>
    public string DetailName => Type is >= DomainEventType.Defined and <= DomainEventType.Crashed
        ? DetailValue.ToString()
        : Detail.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The event with the type's and detail's enum names, e.g. <c>event 'lifecycle' for domain 'test': Suspended Paused</c> (virsh words some details differently; <c>virt-snap event</c> prints virsh's words).</summary>
    public override string ToString() => $"event 'lifecycle' for domain '{DomainName}': {Type} {DetailName}";
}
