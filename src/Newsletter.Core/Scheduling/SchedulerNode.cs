namespace Newsletter.Core.Scheduling;

/// <summary>This process among the nodes sharing the database: recorded with each firing, so one can tell who ran it.</summary>
public sealed record SchedulerNode(string Name)
{
    public static SchedulerNode Current { get; } = new($"{Environment.MachineName}:{Environment.ProcessId}");
}
