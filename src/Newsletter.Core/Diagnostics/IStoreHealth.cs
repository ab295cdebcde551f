namespace Newsletter.Core.Diagnostics;

/// <summary>Whether the data store answers, for the health endpoint a monitor polls (implemented in Newsletter.Data).</summary>
public interface IStoreHealth
{
    /// <summary>True when the database answers a trivial query now; false (never an exception) when it cannot be reached or is misconfigured.</summary>
    Task<bool> IsAvailableAsync(CancellationToken ct = default);
}
