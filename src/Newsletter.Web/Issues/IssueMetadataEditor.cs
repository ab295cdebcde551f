using System.Text;
using Newsletter.Core.Issues;

namespace Newsletter.Web.Issues;

/// <summary>
/// The issue page's 期号 and date form: writes them into the uploaded file and clears <c>sample</c>. A Markdown upload
/// gets them in its front matter (other lines kept); a plain-text upload is imported once into Markdown beside it, which
/// the upload then points at, so what is reviewed, tested and sent is one file.
/// </summary>
public sealed class IssueMetadataEditor(UploadedIssueStore issues)
{
    /// <summary>Applies <paramref name="overrides"/> to the upload; returns false when its file cannot be read as an issue.</summary>
    public async Task<bool> ApplyAsync(UploadedIssue upload, IssueOverrides overrides, CancellationToken ct)
    {
        if (IssueLoader.KindOf(upload.Path) == IssueFileKind.WordDocument)
        {
            // The Word file stays as uploaded; the 期号 and date go into its Markdown, which the upload then points at.
            var bytes = IssueLoader.ReadBytes(upload.Path, out var error);
            var fromWord = error is null ? new BulletinWordImporter().Import(bytes, upload.Path, overrides).Markdown : null;
            if (fromWord is null)
            {
                return false;
            }
            var converted = Path.ChangeExtension(upload.Path, ".md");
            await File.WriteAllTextAsync(converted, fromWord, new UTF8Encoding(false), ct);
            await issues.SetFileAsync(upload.Id, Path.GetFileName(converted), converted, ct);
            return true;
        }
        var text = IssueLoader.ReadText(upload.Path);
        if (text.Text is null)
        {
            return false;
        }
        if (IssueLoader.KindOf(upload.Path) == IssueFileKind.BulletinText)
        {
            var imported = new BulletinTextImporter().Import(text.Text, upload.Path, overrides);
            if (imported.Markdown is null)
            {
                return false;
            }
            var markdownPath = Path.ChangeExtension(upload.Path, ".md");
            await File.WriteAllTextAsync(markdownPath, imported.Markdown, new UTF8Encoding(false), ct);
            await issues.SetFileAsync(upload.Id, Path.GetFileName(markdownPath), markdownPath, ct);
            return true;
        }
        var parsed = new IssueParser().Parse(text.Text, upload.Path);
        if (parsed.Issue is null)
        {
            return false;
        }
        await File.WriteAllTextAsync(upload.Path, FrontMatterEditor.Apply(text.Text, parsed.Issue, overrides), new UTF8Encoding(false), ct);
        return true;
    }
}
