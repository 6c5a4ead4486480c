using System.Diagnostics;

namespace Snapshot.Docs.Tests;

/// <summary>
/// Runs a piece of a doc in bash, from the repository root, with <c>virt-snap</c> a shell function
/// that runs the virt-snap this project built (<c>dotnet virt-snap.dll</c>), TZ=UTC (virsh's times
/// are local) and stderr merged into stdout in the order written, as a terminal shows them.
/// </summary>
public static class Shell
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "virt-snap.dll");

    /// <summary>virt-snap itself.</summary>
    public static string Runnable => $"virt-snap() {{ dotnet {Quote(Dll)} \"$@\"; }}\n";

    /// <summary>
    /// virt-snap for commands written for a real VM: any <c>-c URI</c> is replaced by test:///default (no
    /// domain there but <c>test</c>), and each exit code is appended to <paramref name="codes"/>.
    /// </summary>
    public static string ParseOnly(string codes) => $$"""
        virt-snap() {
          local a=() skip=0 x
          for x in "$@"; do
            if [ "$skip" = 1 ]; then skip=0; continue; fi
            case "$x" in -c|--connect) skip=1; continue ;; --connect=*) continue ;; esac
            a+=("$x")
          done
          dotnet {{Quote(Dll)}} -c test:///default "${a[@]}"
          local rc=$?
          echo "$rc" >> {{Quote(codes)}}
          return "$rc"
        }

        """;

    /// <summary>Runs <paramref name="script"/> after <paramref name="prelude"/>; returns the exit code and the merged output.</summary>
    public static (int ExitCode, string Output) Run(string prelude, string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec 2>&1\ncd " + Quote(Repo.Root) + "\nunset LIBVIRT_DEFAULT_URI\nexport TZ=UTC\n" + prelude + script);
        start.ArgumentList.Add("doc");
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("timed out: " + script);
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
