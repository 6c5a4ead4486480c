using System.Text;

namespace Snapshot.Cli.Common;

/// <summary>
/// The engine names options in the library's words (<c>Modifiers.DiskOnly</c>, <c>DiskSpec.Excluded("vdb")</c>);
/// the CLI's messages name its flags instead (<c>--disk-only</c>, <c>--diskspec vdb,snapshot=no</c>).
/// </summary>
internal static class CliOptionNames
{
    public static string Spell(string option, string? disk) => option switch
    {
        "Memory" => "--memspec",
        "MemorySpec.External" => "--memspec FILE",
        "Disks" => "--diskspec",
        "DiskSpec.External" => $"--diskspec {disk},file=PATH",
        "DiskSpec.Excluded" => $"--diskspec {disk},snapshot=no",
        "Filter.FromCurrent" => "--current",
        "MetadataOnly" => "--metadata",
        "Name" => "<name>",
        _ => Flag(option[(option.LastIndexOf('.') + 1)..]),
    };

    // ReuseExternal -> --reuse-external: the CLI's flags are the options' names in kebab case.
    private static string Flag(string name)
    {
        var flag = new StringBuilder("-");
        foreach (var c in name)
        {
            if (char.IsUpper(c))
            {
                flag.Append('-');
            }

            flag.Append(char.ToLowerInvariant(c));
        }

        return flag.ToString();
    }
}
