namespace Newsletter.Web.Pages;

/// <summary>Errors and notices a page shows above its content (rendered by <c>Shared/_Messages</c>).</summary>
public sealed class PageMessages
{
    public List<string> Errors { get; } = [];

    public List<string> Notices { get; } = [];
}
