namespace Snapshot.Engine;

/// <summary>Where a public call leaves the engine: every failure goes out as a <see cref="SnapshotException"/> (see <see cref="ErrorClassifier"/>).</summary>
internal static class EngineBoundary
{
    public static T Run<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (!ErrorClassifier.PassesThrough(e))
        {
            throw ErrorClassifier.AtBoundary(e);
        }
    }

    public static async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (!ErrorClassifier.PassesThrough(e))
        {
            throw ErrorClassifier.AtBoundary(e);
        }
    }

    public static async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
        }
        catch (Exception e) when (!ErrorClassifier.PassesThrough(e))
        {
            throw ErrorClassifier.AtBoundary(e);
        }
    }
}
