using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>
/// The revert event table for every pair of states. Codes: S started, U suspended, R resumed, X stopped,
/// P pmsuspended, D defined (all FROM_SNAPSHOT but P, which is MEMORY); "!" an error; "" no event.
/// The expected codes are written out (generated once from the seed's table by hand-checked rules), not computed.
/// </summary>
public class RevertEventsTests
{
    [Theory]
    [InlineData(DomainState.NoState, DomainState.NoState, "!")]
    [InlineData(DomainState.NoState, DomainState.Running, "S")]
    [InlineData(DomainState.NoState, DomainState.Blocked, "!")]
    [InlineData(DomainState.NoState, DomainState.Paused, "SU")]
    [InlineData(DomainState.NoState, DomainState.Shutdown, "!")]
    [InlineData(DomainState.NoState, DomainState.Shutoff, "X")]
    [InlineData(DomainState.NoState, DomainState.Crashed, "!")]
    [InlineData(DomainState.NoState, DomainState.PMSuspended, "SP")]
    [InlineData(DomainState.Running, DomainState.NoState, "!")]
    [InlineData(DomainState.Running, DomainState.Running, "S")]
    [InlineData(DomainState.Running, DomainState.Blocked, "!")]
    [InlineData(DomainState.Running, DomainState.Paused, "U")]
    [InlineData(DomainState.Running, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Running, DomainState.Shutoff, "X")]
    [InlineData(DomainState.Running, DomainState.Crashed, "!")]
    [InlineData(DomainState.Running, DomainState.PMSuspended, "P")]
    [InlineData(DomainState.Blocked, DomainState.NoState, "!")]
    [InlineData(DomainState.Blocked, DomainState.Running, "S")]
    [InlineData(DomainState.Blocked, DomainState.Blocked, "!")]
    [InlineData(DomainState.Blocked, DomainState.Paused, "U")]
    [InlineData(DomainState.Blocked, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Blocked, DomainState.Shutoff, "X")]
    [InlineData(DomainState.Blocked, DomainState.Crashed, "!")]
    [InlineData(DomainState.Blocked, DomainState.PMSuspended, "P")]
    [InlineData(DomainState.Paused, DomainState.NoState, "!")]
    [InlineData(DomainState.Paused, DomainState.Running, "R")]
    [InlineData(DomainState.Paused, DomainState.Blocked, "!")]
    [InlineData(DomainState.Paused, DomainState.Paused, "")]
    [InlineData(DomainState.Paused, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Paused, DomainState.Shutoff, "X")]
    [InlineData(DomainState.Paused, DomainState.Crashed, "!")]
    [InlineData(DomainState.Paused, DomainState.PMSuspended, "P")]
    [InlineData(DomainState.Shutdown, DomainState.NoState, "!")]
    [InlineData(DomainState.Shutdown, DomainState.Running, "S")]
    [InlineData(DomainState.Shutdown, DomainState.Blocked, "!")]
    [InlineData(DomainState.Shutdown, DomainState.Paused, "U")]
    [InlineData(DomainState.Shutdown, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Shutdown, DomainState.Shutoff, "X")]
    [InlineData(DomainState.Shutdown, DomainState.Crashed, "!")]
    [InlineData(DomainState.Shutdown, DomainState.PMSuspended, "P")]
    [InlineData(DomainState.Shutoff, DomainState.NoState, "!")]
    [InlineData(DomainState.Shutoff, DomainState.Running, "S")]
    [InlineData(DomainState.Shutoff, DomainState.Blocked, "!")]
    [InlineData(DomainState.Shutoff, DomainState.Paused, "SU")]
    [InlineData(DomainState.Shutoff, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Shutoff, DomainState.Shutoff, "")]
    [InlineData(DomainState.Shutoff, DomainState.Crashed, "!")]
    [InlineData(DomainState.Shutoff, DomainState.PMSuspended, "SP")]
    [InlineData(DomainState.Crashed, DomainState.NoState, "!")]
    [InlineData(DomainState.Crashed, DomainState.Running, "S")]
    [InlineData(DomainState.Crashed, DomainState.Blocked, "!")]
    [InlineData(DomainState.Crashed, DomainState.Paused, "SU")]
    [InlineData(DomainState.Crashed, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Crashed, DomainState.Shutoff, "")]
    [InlineData(DomainState.Crashed, DomainState.Crashed, "!")]
    [InlineData(DomainState.Crashed, DomainState.PMSuspended, "SP")]
    [InlineData(DomainState.PMSuspended, DomainState.NoState, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.Running, "R")]
    [InlineData(DomainState.PMSuspended, DomainState.Blocked, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.Paused, "U")]
    [InlineData(DomainState.PMSuspended, DomainState.Shutdown, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.Shutoff, "X")]
    [InlineData(DomainState.PMSuspended, DomainState.Crashed, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.PMSuspended, "")]
    public void The_seed_table_within_one_process(DomainState oldState, DomainState newState, string expected) =>
        Codes(() => RevertEvents.Transition(oldState, newState)).Should().Be(expected);

    [Theory]
    [InlineData(DomainState.NoState, DomainState.NoState, "!")]
    [InlineData(DomainState.NoState, DomainState.Running, "DS")]
    [InlineData(DomainState.NoState, DomainState.Blocked, "!")]
    [InlineData(DomainState.NoState, DomainState.Paused, "DSU")]
    [InlineData(DomainState.NoState, DomainState.Shutdown, "!")]
    [InlineData(DomainState.NoState, DomainState.Shutoff, "DX")]
    [InlineData(DomainState.NoState, DomainState.Crashed, "!")]
    [InlineData(DomainState.NoState, DomainState.PMSuspended, "DSP")]
    [InlineData(DomainState.Running, DomainState.NoState, "!")]
    [InlineData(DomainState.Running, DomainState.Running, "XDS")]
    [InlineData(DomainState.Running, DomainState.Blocked, "!")]
    [InlineData(DomainState.Running, DomainState.Paused, "XDSU")]
    [InlineData(DomainState.Running, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Running, DomainState.Shutoff, "XD")]
    [InlineData(DomainState.Running, DomainState.Crashed, "!")]
    [InlineData(DomainState.Running, DomainState.PMSuspended, "XDSP")]
    [InlineData(DomainState.Blocked, DomainState.NoState, "!")]
    [InlineData(DomainState.Blocked, DomainState.Running, "XDS")]
    [InlineData(DomainState.Blocked, DomainState.Blocked, "!")]
    [InlineData(DomainState.Blocked, DomainState.Paused, "XDSU")]
    [InlineData(DomainState.Blocked, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Blocked, DomainState.Shutoff, "XD")]
    [InlineData(DomainState.Blocked, DomainState.Crashed, "!")]
    [InlineData(DomainState.Blocked, DomainState.PMSuspended, "XDSP")]
    [InlineData(DomainState.Paused, DomainState.NoState, "!")]
    [InlineData(DomainState.Paused, DomainState.Running, "XDS")]
    [InlineData(DomainState.Paused, DomainState.Blocked, "!")]
    [InlineData(DomainState.Paused, DomainState.Paused, "XDSU")]
    [InlineData(DomainState.Paused, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Paused, DomainState.Shutoff, "XD")]
    [InlineData(DomainState.Paused, DomainState.Crashed, "!")]
    [InlineData(DomainState.Paused, DomainState.PMSuspended, "XDSP")]
    [InlineData(DomainState.Shutdown, DomainState.NoState, "!")]
    [InlineData(DomainState.Shutdown, DomainState.Running, "XDS")]
    [InlineData(DomainState.Shutdown, DomainState.Blocked, "!")]
    [InlineData(DomainState.Shutdown, DomainState.Paused, "XDSU")]
    [InlineData(DomainState.Shutdown, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Shutdown, DomainState.Shutoff, "XD")]
    [InlineData(DomainState.Shutdown, DomainState.Crashed, "!")]
    [InlineData(DomainState.Shutdown, DomainState.PMSuspended, "XDSP")]
    [InlineData(DomainState.Shutoff, DomainState.NoState, "!")]
    [InlineData(DomainState.Shutoff, DomainState.Running, "DS")]
    [InlineData(DomainState.Shutoff, DomainState.Blocked, "!")]
    [InlineData(DomainState.Shutoff, DomainState.Paused, "DSU")]
    [InlineData(DomainState.Shutoff, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Shutoff, DomainState.Shutoff, "D")]
    [InlineData(DomainState.Shutoff, DomainState.Crashed, "!")]
    [InlineData(DomainState.Shutoff, DomainState.PMSuspended, "DSP")]
    [InlineData(DomainState.Crashed, DomainState.NoState, "!")]
    [InlineData(DomainState.Crashed, DomainState.Running, "DS")]
    [InlineData(DomainState.Crashed, DomainState.Blocked, "!")]
    [InlineData(DomainState.Crashed, DomainState.Paused, "DSU")]
    [InlineData(DomainState.Crashed, DomainState.Shutdown, "!")]
    [InlineData(DomainState.Crashed, DomainState.Shutoff, "D")]
    [InlineData(DomainState.Crashed, DomainState.Crashed, "!")]
    [InlineData(DomainState.Crashed, DomainState.PMSuspended, "DSP")]
    [InlineData(DomainState.PMSuspended, DomainState.NoState, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.Running, "XDS")]
    [InlineData(DomainState.PMSuspended, DomainState.Blocked, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.Paused, "XDSU")]
    [InlineData(DomainState.PMSuspended, DomainState.Shutdown, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.Shutoff, "XD")]
    [InlineData(DomainState.PMSuspended, DomainState.Crashed, "!")]
    [InlineData(DomainState.PMSuspended, DomainState.PMSuspended, "XDSP")]
    public void A_revert_in_a_new_process_stops_the_old_one_and_reports_the_new_definition(DomainState oldState, DomainState newState, string expected) =>
        Codes(() => RevertEvents.For(oldState, newState, newProcess: true, redefined: true)).Should().Be(expected);

    // Measured with virsh event on libvirt 9.0 and 11.3 alike: a boot to running sends Resumed before Started, a
    // restore to running Started before Resumed; a start is done (and its events may be let through) after both.
    [Theory]
    [InlineData(nameof(RevertStart.FreshBoot), DomainState.Running, "Resumed Started")]
    [InlineData(nameof(RevertStart.FreshBoot), DomainState.Paused, "Started Suspended")]
    [InlineData(nameof(RevertStart.Restore), DomainState.Running, "Started Resumed")]
    [InlineData(nameof(RevertStart.Restore), DomainState.Paused, "Started Suspended")]
    [InlineData(nameof(RevertStart.DefineOnly), DomainState.Shutoff, "Defined")]
    public void A_start_waits_for_every_raw_event_libvirt_sends_for_it(string start, DomainState target, string expected) =>
        string.Join(' ', RevertEvents.RawOfStart(Enum.Parse<RevertStart>(start), target)).Should().Be(expected);

    [Fact]
    public void Events_carry_the_from_snapshot_details()
    {
        RevertEvents.Stopped.Should().Be(new RevertEvent(DomainEventType.Stopped, (int)DomainEventStoppedDetail.FromSnapshot));
        RevertEvents.Started.Should().Be(new RevertEvent(DomainEventType.Started, (int)DomainEventStartedDetail.FromSnapshot));
        RevertEvents.Suspended.Should().Be(new RevertEvent(DomainEventType.Suspended, (int)DomainEventSuspendedDetail.FromSnapshot));
        RevertEvents.Resumed.Should().Be(new RevertEvent(DomainEventType.Resumed, (int)DomainEventResumedDetail.FromSnapshot));
        RevertEvents.Defined.Should().Be(new RevertEvent(DomainEventType.Defined, (int)DomainEventDefinedDetail.FromSnapshot));
        RevertEvents.Started.ToString().Should().Be("Started FromSnapshot");
    }

    private static string Codes(Func<IReadOnlyList<RevertEvent>> table)
    {
        IReadOnlyList<RevertEvent> events;
        try
        {
            events = table();
        }
        catch (SnapshotException e) when (e.Message.Contains("suspicious domain state", StringComparison.Ordinal))
        {
            return "!";
        }
        return string.Concat(events.Select(e => e.Type switch
        {
            DomainEventType.Started => "S",
            DomainEventType.Suspended => "U",
            DomainEventType.Resumed => "R",
            DomainEventType.Stopped => "X",
            DomainEventType.PMSuspended => "P",
            DomainEventType.Defined => "D",
            _ => "?",
        }));
    }
}
