namespace Newsletter.Testing;

/// <summary>
/// Where the real servers and tools that tests/run.sh installs and starts are. A test that needs one calls
/// the matching property; when it is missing the test fails (never skips) with a message saying how to get it.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Connection string of the throwaway PostgreSQL cluster (maintenance database <c>postgres</c>).</summary>
    public static string PostgresConnectionString => Require("NEWSLETTER_TEST_PG", "a PostgreSQL server on loopback");

    /// <summary>Path of Postfix's <c>smtp-sink</c>.</summary>
    public static string SmtpSinkPath => RequireFile("NEWSLETTER_TEST_SMTP_SINK", "/usr/sbin/smtp-sink", "Postfix's smtp-sink");

    /// <summary>Path of Postfix's <c>smtp-source</c>.</summary>
    public static string SmtpSourcePath => RequireFile("NEWSLETTER_TEST_SMTP_SOURCE", "/usr/sbin/smtp-source", "Postfix's smtp-source");

    /// <summary>A <c>node_modules</c> folder holding mjml 5.4.1 (and cssnano, htmlparser2).</summary>
    public static string MjmlNodeModules => RequireDirectory("NEWSLETTER_TEST_MJML_NODE_MODULES",
        Path.Combine(RepositoryRoot, ".cache", "mjml541", "node_modules"), "node's mjml 5.4.1");

    /// <summary>Path of Dovecot's master.</summary>
    public static string DovecotPath => RequireFile("NEWSLETTER_TEST_DOVECOT", "/usr/sbin/dovecot", "Dovecot (dovecot-imapd)");

    /// <summary>Dovecot's POP3 server (package dovecot-pop3d), beside its IMAP server.</summary>
    public static string DovecotPop3Path => RequireFile("NEWSLETTER_TEST_DOVECOT_POP3", "/usr/lib/dovecot/pop3", "Dovecot's POP3 server (dovecot-pop3d)");

    /// <summary>The <c>postfix</c> command (package postfix).</summary>
    public static string PostfixPath => RequireFile("NEWSLETTER_TEST_POSTFIX", "/usr/sbin/postfix", "Postfix");

    /// <summary>Postfix's master daemon.</summary>
    public static string PostfixMasterPath => RequireFile("NEWSLETTER_TEST_POSTFIX_MASTER", "/usr/lib/postfix/sbin/master", "Postfix's master daemon");

    /// <summary>Postfix's <c>postqueue</c>.</summary>
    public static string PostqueuePath => RequireFile("NEWSLETTER_TEST_POSTQUEUE", "/usr/sbin/postqueue", "Postfix's postqueue");

    /// <summary>Path of the Chromium executable.</summary>

    public static string ChromiumPath => RequireFile("NEWSLETTER_TEST_CHROMIUM", "/usr/bin/chromium", "Chromium");

    /// <summary>The repository root (the folder holding Newsletter.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The read-only shared folder beside the repository (<c>../shared</c>), or <c>NEWSLETTER_SHARED</c>.</summary>
    public static string SharedDirectory =>
        Environment.GetEnvironmentVariable("NEWSLETTER_SHARED") is { Length: > 0 } s
            ? s
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The MJML 5.4.1 reference corpus.</summary>
    public static string MjmlCorpusDirectory => Path.Combine(SharedDirectory, "mjml-corpus");

    private static string Require(string variable, string what) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{what} is needed by this test but {variable} is not set: run the tests with tests/run.sh, which installs and starts it.");

    private static string RequireFile(string variable, string fallback, string what)
    {
        var path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : fallback;
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{what} is needed by this test but {path} does not exist: run the tests with tests/run.sh, which installs it.");
    }

    private static string RequireDirectory(string variable, string fallback, string what)
    {
        var path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : fallback;
        return Directory.Exists(path)
            ? path
            : throw new InvalidOperationException($"{what} is needed by this test but {path} does not exist: run the tests with tests/run.sh, which installs it.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Newsletter.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Newsletter.sln not found above " + AppContext.BaseDirectory);
    }
}
