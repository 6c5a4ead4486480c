namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// snapshot-prune's choice and its delete, on libvirt's test driver (its snapshots have no files, so its delete is
/// faithful to which records go): a chain whose snapshots were taken 10 days, 5 days, 2 days, an hour and a minute ago.
/// </summary>
public sealed class SnapshotPruneTests : IDisposable
{
    private static readonly (string Name, TimeSpan Age)[] Ages =
    [
        ("d10", TimeSpan.FromDays(10)), ("d5", TimeSpan.FromDays(5)), ("d2", TimeSpan.FromDays(2)),
        ("h1", TimeSpan.FromHours(1)), ("m1", TimeSpan.FromMinutes(1)),
    ];

    private readonly TestDriverNode _node = new();
    private readonly SnapshotEngine _engine;
    private readonly SnapshotDomain _domain;

    public SnapshotPruneTests()
    {
        _engine = SnapshotEngine.Connect(_node.Uri);
        _domain = _engine.Domain("test");
    }

    public void Dispose()
    {
        _engine.Dispose();
        _node.Dispose();
    }

    // Listed newest first on purpose: the prune orders by creation time, not by the order libvirt gives.
    private async Task BuildAsync(string current)
    {
        // A redefinition needs the domain's own definition (its UUID): taken from a first snapshot, deleted again.
        await _domain.CreateAsync(new SnapshotCreateOptions { Name = "seed" });
        var definition = System.Xml.Linq.XElement.Parse(await _domain.GetXmlAsync("seed")).Element("domain")!.ToString();
        await _domain.DeleteAsync("seed");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string? parent = null;
        foreach (var (name, age) in Ages)
        {
            var xml = $"<domainsnapshot><name>{name}</name><state>running</state><creationTime>{now - (long)age.TotalSeconds}</creationTime>"
                + (parent is null ? "" : $"<parent><name>{parent}</name></parent>")
                + definition + "</domainsnapshot>";
            await _domain.CreateFromXmlAsync(xml, new SnapshotCreateModifiers { Redefine = true, Current = name == current });
            parent = name;
        }
    }

    private async Task<List<string>> NamesAsync() => (await _domain.ListAsync()).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Keep_leaves_the_newest_and_never_the_current_unless_asked()
    {
        await BuildAsync(current: "d10");
        var pruned = await _domain.PruneAsync(new SnapshotPruneOptions { Keep = 2 });
        pruned.Select(s => s.Name).Should().Equal(["d5", "d2"], "oldest first, the current d10 kept");
        (await NamesAsync()).Should().Equal("d10", "h1", "m1");
        (await _domain.GetAsync("h1")).Parent.Should().Be("d10", "a deleted snapshot's child is re-parented");

        pruned = await _domain.PruneAsync(new SnapshotPruneOptions { Keep = 1, IncludeCurrent = true });
        pruned.Select(s => s.Name).Should().Equal("d10", "h1");
        (await NamesAsync()).Should().Equal("m1");
    }

    [Fact]
    public async Task Older_than_deletes_what_is_older_and_a_dry_run_changes_nothing()
    {
        await BuildAsync(current: "m1");
        var before = await NamesAsync();
        var would = await _domain.PruneAsync(new SnapshotPruneOptions { OlderThan = TimeSpan.FromDays(3), DryRun = true });
        would.Select(s => s.Name).Should().Equal("d10", "d5");
        (await NamesAsync()).Should().Equal(before, "a dry run deletes nothing");

        var pruned = await _domain.PruneAsync(new SnapshotPruneOptions { OlderThan = TimeSpan.FromDays(3) });
        pruned.Select(s => s.Name).Should().Equal(would.Select(s => s.Name), "it deletes what the dry run listed");
        (await NamesAsync()).Should().Equal("d2", "h1", "m1");
        (await _domain.PruneAsync(new SnapshotPruneOptions { OlderThan = TimeSpan.FromDays(3) })).Should().BeEmpty();
        (await _domain.PruneAsync(new SnapshotPruneOptions { Keep = 0 })).Select(s => s.Name).Should().Equal(["d2", "h1"], "m1 is current");
    }

    [Theory]
    [InlineData(null, null, "give one of Keep and OlderThan")]
    [InlineData(2, 60L, "give one of Keep and OlderThan")]
    [InlineData(-1, null, "Keep must be 0 or more")]
    [InlineData(null, 0L, "OlderThan must be more than zero")]
    public async Task A_bad_request_is_bad_input_and_changes_nothing(int? keep, long? seconds, string message)
    {
        await BuildAsync(current: "m1");
        var options = new SnapshotPruneOptions { Keep = keep, OlderThan = seconds is { } s ? TimeSpan.FromSeconds(s) : null };
        foreach (var dryRun in new[] { false, true })
        {
            var act = () => _domain.PruneAsync(options with { DryRun = dryRun });
            (await act.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);
            (await act.Should().ThrowAsync<SnapshotException>()).WithMessage(message);
        }
        (await NamesAsync()).Should().HaveCount(Ages.Length);
    }

    [Fact]
    public void Snapshots_of_one_second_go_in_name_order()
    {
        SnapshotInfo At(string name, long time) => new() { Domain = "d", Name = name, State = SnapshotState.Running, CreationTimeUnix = time, Location = SnapshotLocation.External };
        SnapshotPrune.Choose([At("b", 5), At("a", 5), At("c", 1), At("z", 9)], new SnapshotPruneOptions { Keep = 1 }, DateTimeOffset.UtcNow)
            .Select(s => s.Name).Should().Equal("c", "a", "b");
    }
}
