using System.Security.Cryptography;
using System.Text;
using Snapshot.Interop;

namespace Snapshot.Cli.Tests.BadInput;

/// <summary>
/// What a bad command must leave as it was: the domain's XML, each snapshot's XML and whether it is
/// current, and every file under the domain's directory (name, size, mode, SHA-256 of its bytes).
/// </summary>
public static class CorpusState
{
    public static string Capture(LibvirtConnection connection, string domainName, string directory)
    {
        var sb = new StringBuilder();
        using (var domain = connection.LookupDomain(domainName))
        {
            sb.Append("state: ").Append(domain.GetState().State).Append('\n');
            sb.Append(domain.GetXmlDesc()).Append('\n');
            sb.Append(domain.GetXmlDesc(DomainXmlFlags.Inactive)).Append('\n');
            foreach (var snapshot in domain.ListAllSnapshots().OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                using (snapshot)
                {
                    sb.Append("snapshot ").Append(snapshot.Name).Append(snapshot.IsCurrent ? " (current)\n" : "\n");
                    sb.Append(snapshot.GetXmlDesc()).Append('\n');
                }
            }
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            sb.Append("file ").Append(Path.GetRelativePath(directory, path));
            if (info.Exists)
            {
                using var stream = File.OpenRead(path);
                sb.Append(' ').Append(info.Length).Append(' ').Append(info.UnixFileMode).Append(' ').Append(Convert.ToHexString(SHA256.HashData(stream)));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
