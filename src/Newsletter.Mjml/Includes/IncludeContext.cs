using Newsletter.Mjml.Parsing;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml;

/// <summary>
/// Resolves mj-include as mjml-parser-xml does (MJML, html and css includes), but only inside one allow-listed folder:
/// absolute paths, drive letters, UNC paths, NUL bytes and paths that leave the folder (also through symbolic links)
/// are denied and replaced by an HTML comment, as mjml 5 does.
/// </summary>
internal sealed class IncludeContext
{
    private const int MaxIncludeDepth = 20;
    private readonly string _root;
    private readonly Stack<string> _files = new();
    private readonly List<MjmlNode> _cssIncludes = [];

    public IncludeContext(string directory, ComponentRegistry registry, bool keepComments)
    {
        _root = RealPath(Path.GetFullPath(directory));
        Registry = registry;
        KeepComments = keepComments;
    }

    public ComponentRegistry Registry { get; }
    public bool KeepComments { get; }

    /// <summary>Set when an include cycle was found: mjml throws, so the whole input is rejected.</summary>
    public string? Fatal { get; private set; }

    private string CurrentDirectory => _files.Count == 0 ? _root : Path.GetDirectoryName(_files.Peek())!;

    public void Handle(MjmlNode current, MjmlNode root, List<KeyValuePair<string, string>> attributes, int line)
    {
        string? Get(string name)
        {
            foreach (var pair in attributes)
            {
                if (pair.Key == name) return pair.Value;
            }
            return null;
        }

        var file = Get("path") ?? "undefined";
        var type = Get("type");
        var decoded = FullyDecode(file);
        if (decoded.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(decoded) || HasDriveLetter(decoded) || decoded.StartsWith('\\') || decoded.StartsWith("//", StringComparison.Ordinal))
        {
            Deny(current, line);
            return;
        }
        var partialPath = Path.GetFullPath(Path.Combine(CurrentDirectory, decoded));
        if (!IsAllowed(partialPath))
        {
            Deny(current, line);
            return;
        }
        string content;
        try
        {
            content = File.ReadAllText(partialPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            current.Children.Add(new MjmlNode("mj-raw", line)
            {
                Content = $"<!-- mj-include fails to read file : {file} at {partialPath} -->",
                IncludeError = $"mj-include fails to read file : {file} at {partialPath}",
                Parent = current,
            });
            return;
        }

        if (type == "html")
        {
            current.Children.Add(new MjmlNode("mj-raw", line) { Content = content, Parent = current });
            return;
        }
        if (type == "css")
        {
            var style = new MjmlNode("mj-style", line) { Content = content };
            if (Get("css-inline") == "inline") style.Attributes.Add(new("inline", "inline"));
            _cssIncludes.Add(style);
            return;
        }

        if (_files.Contains(partialPath) || _files.Count >= MaxIncludeDepth)
        {
            Fatal ??= $"Circular inclusion detected on file : {partialPath}";
            return;
        }
        if (!content.Contains("<mjml>", StringComparison.Ordinal)) content = "<mjml><mj-body>" + content + "</mj-body></mjml>";
        _files.Push(partialPath);
        MjmlNode? partial;
        try
        {
            partial = MjmlParser.Parse(content, Registry.IsEndingTag, KeepComments, this);
        }
        finally
        {
            _files.Pop();
        }
        if (partial is null || partial.TagName != "mjml") return;
        if (partial.FindChild("mj-body") is { } body)
        {
            foreach (var child in body.Children)
            {
                child.Parent = current;
                current.Children.Add(child);
            }
        }
        if (partial.FindChild("mj-head") is { } head)
        {
            var currentHead = root.FindChild("mj-head");
            if (currentHead is null)
            {
                currentHead = new MjmlNode("mj-head", 0) { Parent = root };
                root.Children.Add(currentHead);
            }
            foreach (var child in head.Children)
            {
                child.Parent = currentHead;
                currentHead.Children.Add(child);
            }
        }
    }

    /// <summary>Appends the css includes to mj-head (creating it when missing), after parsing, as mjml does.</summary>
    public void AppendCssIncludes(MjmlNode root)
    {
        if (_cssIncludes.Count == 0) return;
        var head = root.FindChild("mj-head");
        if (head is null)
        {
            head = new MjmlNode("mj-head", 0) { Parent = root };
            root.Children.Add(head);
        }
        foreach (var style in _cssIncludes)
        {
            style.Parent = head;
            head.Children.Add(style);
        }
    }

    private static void Deny(MjmlNode current, int line) =>
        current.Children.Add(new MjmlNode("mj-raw", line) { Content = "<!-- mj-include denied -->", Parent = current });

    private bool IsAllowed(string path)
    {
        try
        {
            var target = RealPath(path);
            var relative = Path.GetRelativePath(_root, target);
            return relative.Length > 0 && relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The path with every symbolic link along it resolved.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                var resolved = info.ResolveLinkTarget(returnFinalTarget: true);
                if (resolved is not null) current = Path.GetFullPath(resolved.FullName);
            }
        }
        return current;
    }

    private static bool HasDriveLetter(string p) => p.Length >= 2 && char.IsAsciiLetter(p[0]) && p[1] == ':';

    private static string FullyDecode(string input)
    {
        var result = input;
        for (var i = 0; i < 10; i++)
        {
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(result);
            }
            catch (UriFormatException)
            {
                break;
            }
            if (decoded == result) break;
            result = decoded;
        }
        return result;
    }
}
