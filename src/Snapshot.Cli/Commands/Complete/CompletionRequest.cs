using System.CommandLine;

namespace Snapshot.Cli.Commands.Complete;

/// <summary>What the word being completed is: a command, an option, a domain, a snapshot of a domain, or nothing we know.</summary>
internal enum CompletionKind
{
    None,
    Command,
    Option,
    Domain,
    Snapshot,
}

/// <summary>
/// Reads a partial command line as virt-snap's parser would, to tell what its last word is. The words are those after
/// the program name, the last one being the word under the cursor (possibly empty). A positional word fills the first
/// operand the line has not named, as in <see cref="Common.Operands"/>.
/// </summary>
internal sealed record CompletionRequest(CompletionKind Kind, string Prefix, Command Command, string? Domain, IReadOnlySet<string> Given)
{
    /// <summary>Operands whose value is a snapshot name (snapshot-list's --from included).</summary>
    private static readonly HashSet<string> SnapshotOperands = new(StringComparer.Ordinal) { "snapshotname", "from" };

    public static CompletionRequest Parse(RootCommand root, IReadOnlyList<string> words)
    {
        var prefix = words.Count > 0 ? words[^1] : "";
        Command? command = null;
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        var positional = new List<string>();
        Option? pending = null;
        var operandsOnly = false;
        foreach (var word in words.Take(words.Count - 1))
        {
            if (pending is not null)
            {
                named[pending.Name] = word;
                pending = null;
            }
            else if (word == "--")
            {
                operandsOnly = true;
            }
            else if (!operandsOnly && word.Length > 1 && word[0] == '-')
            {
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                var option = Find(root, command, equals < 0 ? word : word[..equals]);
                if (option is null)
                {
                    continue;
                }

                given.Add(option.Name);
                if (equals >= 0)
                {
                    named[option.Name] = word[(equals + 1)..];
                }
                else if (TakesValue(option))
                {
                    pending = option;
                }
            }
            else if (command is null)
            {
                command = root.Subcommands.FirstOrDefault(c => c.Name == word && !c.Hidden);
                if (command is null)
                {
                    return new CompletionRequest(CompletionKind.None, prefix, root, null, given);
                }
            }
            else
            {
                positional.Add(word);
            }
        }

        var scope = command ?? root;
        if (pending is not null)
        {
            return new CompletionRequest(KindOfOperand(pending.Name.TrimStart('-')), prefix, scope, DomainOf(scope, named, positional), given);
        }

        if (!operandsOnly && prefix.StartsWith('-'))
        {
            return new CompletionRequest(CompletionKind.Option, prefix, scope, null, given);
        }

        if (command is null)
        {
            return new CompletionRequest(CompletionKind.Command, prefix, root, null, given);
        }

        var free = Operands(command).Where(o => !named.ContainsKey("--" + o)).ToList();
        var kind = positional.Count < free.Count ? KindOfOperand(free[positional.Count]) : CompletionKind.None;
        return new CompletionRequest(kind, prefix, command, DomainOf(command, named, positional), given);
    }

    /// <summary>The options a user may still type here: the command's and the global ones, each once unless repeatable.</summary>
    public IEnumerable<string> OptionNames(RootCommand root) =>
        Command.Options.Concat(ReferenceEquals(Command, root) ? [] : root.Options.Where(o => o.Recursive))
            .Where(o => !o.Hidden && (o.Arity.MaximumNumberOfValues > 1 || !Given.Contains(o.Name)))
            .Select(o => o.Name)
            .Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);

    /// <summary>virsh's data options of a command, in their positional order: arguments with an option of the same name.</summary>
    private static IEnumerable<string> Operands(Command command) =>
        command.Arguments.Select(a => a.Name).Where(n => command.Options.Any(o => o.Name == "--" + n));

    private static CompletionKind KindOfOperand(string name) =>
        name == "domain" ? CompletionKind.Domain : SnapshotOperands.Contains(name) ? CompletionKind.Snapshot : CompletionKind.None;

    /// <summary>The domain the line names: --domain, else the first positional word when the domain is positional.</summary>
    private static string? DomainOf(Command command, Dictionary<string, string> named, List<string> positional)
    {
        if (named.TryGetValue("--domain", out var domain))
        {
            return domain;
        }

        return Operands(command).FirstOrDefault() == "domain" && positional.Count > 0 ? positional[0] : null;
    }

    private static Option? Find(RootCommand root, Command? command, string token) =>
        (command?.Options ?? []).Concat(root.Options).FirstOrDefault(o => o.Name == token || o.Aliases.Contains(token));

    private static bool TakesValue(Option option) => option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
}
