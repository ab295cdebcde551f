using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Web.Audience;

/// <summary>
/// The files of web imports, under <see cref="WebOptions.ImportsDirectory"/>: one folder per signed-in user (named by a
/// hash of the login, so no login text reaches the file system), one folder per import inside it (a random 128-bit id).
/// An import's folder holds the uploaded list while a column mapping is pending, and its rejects file afterwards.
/// Folders older than <see cref="Retention"/> are deleted whenever a new import starts.
/// </summary>
public sealed class ImportFiles(WebOptions options, TimeProvider time)
{
    /// <summary>How long an import's files are kept (a pending upload, a rejects file to download).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>The sub-folder the uploaded list is kept in while its import is not done.</summary>
    private const string UploadFolder = "upload";

    /// <summary>A new import folder of <paramref name="login"/>; returns its id.</summary>
    public string Create(string login)
    {
        Purge();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(Folder(login, id));
        return id;
    }

    /// <summary>The folder of import <paramref name="id"/> of <paramref name="login"/>; null when the id is malformed or unknown.</summary>
    public string? Find(string login, string? id) =>
        IsId(id) && Directory.Exists(Folder(login, id!)) ? Folder(login, id!) : null;

    /// <summary>Where the uploaded list of an import is kept, under the user's own file name (made safe) so messages name it.</summary>
    public static string UploadPath(string folder, string safeName) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(folder, UploadFolder)).FullName, safeName);

    /// <summary>The uploaded list kept in <paramref name="folder"/>; null when there is none.</summary>
    public static string? Upload(string folder) =>
        Directory.Exists(Path.Combine(folder, UploadFolder)) ? Directory.EnumerateFiles(Path.Combine(folder, UploadFolder)).FirstOrDefault() : null;

    /// <summary>The rejects file of an import of the list named <paramref name="safeName"/>: "名单.rejects.csv".</summary>
    public static string RejectsPath(string folder, string safeName) =>
        Path.Combine(folder, Path.GetFileNameWithoutExtension(safeName) + ".rejects.csv");

    /// <summary>The rejects file kept in <paramref name="folder"/>; null when the import rejected nothing.</summary>
    public static string? Rejects(string folder) => Directory.EnumerateFiles(folder, "*.rejects.csv").FirstOrDefault();

    /// <summary>Deletes the uploaded list of an import (kept only while its column mapping is pending).</summary>
    public static void DeleteUpload(string folder)
    {
        var upload = Path.Combine(folder, UploadFolder);
        if (Directory.Exists(upload)) Directory.Delete(upload, recursive: true);
    }

    /// <summary>
    /// A file name of the user's that is safe on every file system: no directories, separators, control characters or
    /// leading dots, at most 100 characters; "list" when nothing is left.
    /// </summary>
    public static string SafeName(string? fileName)
    {
        var name = Path.GetFileName(fileName ?? "");
        var invalid = Path.GetInvalidFileNameChars().Concat(['\\', '/', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        name = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c)]).Trim().TrimStart('.');
        if (name.Length > 100) name = name[^100..];
        return name.Length == 0 ? "list" : name;
    }

    private string Root => Path.GetFullPath(options.ImportsDirectory);

    private string Folder(string login, string id) => Path.Combine(Root, UserKey(login), id);

    private static string UserKey(string login) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(login)))[..32];

    private static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Deletes import folders older than <see cref="Retention"/>; a folder in use by another request may stay for the next time.</summary>
    private void Purge()
    {
        if (!Directory.Exists(Root)) return;
        var cutoff = time.GetUtcNow().UtcDateTime - Retention;
        foreach (var folder in Directory.EnumerateDirectories(Root).SelectMany(Directory.EnumerateDirectories))
        {
            try
            {
                if (Directory.GetCreationTimeUtc(folder) < cutoff) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Being read right now: the next import deletes it.
            }
        }
    }
}
