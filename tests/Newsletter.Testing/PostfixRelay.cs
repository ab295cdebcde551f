using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// A real Postfix instance (not the system MTA: its own throwaway configuration, queue and data directories, run as
/// <c>master -c &lt;dir&gt; -d</c>) standing in for the institute's relay, with a real next hop that refuses some
/// recipients after the relay has accepted the message from us:
/// <list type="bullet">
/// <item>127.0.0.1:<see cref="Port"/> — the relay's smtpd: relays for loopback clients to the next hop.</item>
/// <item>127.0.0.1:<see cref="NextHopPort"/> — the next hop, a second smtpd service of the same instance with its own
/// host name (so the relay sees another MTA): it answers RCPT for each refused recipient with
/// <c>550 5.1.1 … User unknown</c> and accepts and discards the rest. The relay then bounces the refused ones: its
/// bounce daemon mails a DSN to the envelope sender.</item>
/// <item>Mail for <see cref="ReturnDomain"/> (the return path, VERP addresses included) is delivered by Postfix's
/// virtual(8) agent into one Maildir — the one a <see cref="DovecotImap"/> serves, so the DSNs appear in its INBOX.</item>
/// </list>
/// Postfix needs root (it drops to <c>mail_owner = postfix</c> itself). Stopped on dispose.
/// </summary>
public sealed class PostfixRelay : IDisposable
{
    private readonly TempDirectory _root = new("postfix");
    private readonly Process _master;

    /// <param name="returnDomain">The domain of the envelope sender; its mail goes to <paramref name="maildir"/>.</param>
    /// <param name="maildir">A Maildir (ends with <c>/</c>) the return mail is delivered to, created when missing.</param>
    /// <param name="mailUid">Owner of the delivered files (the Maildir's reader).</param>
    /// <param name="mailGid">Group of the delivered files.</param>
    /// <param name="refusedRecipients">Addresses the next hop refuses with 550 5.1.1.</param>
    public PostfixRelay(string returnDomain, string maildir, int mailUid, int mailGid, IEnumerable<string> refusedRecipients)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the Postfix relay of this test runs on Linux");
        }
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("the Postfix relay of this test needs root (Postfix switches to its mail_owner itself): run the tests as root, as tests/run.sh in CI does");
        }
        ArgumentNullException.ThrowIfNull(maildir);
        ReturnDomain = returnDomain;
        Port = LoopbackServer.FreePort();
        do
        {
            NextHopPort = LoopbackServer.FreePort();
        }
        while (NextHopPort == Port);
        var dir = _root.Path;
        // Postfix's processes run as the postfix user and must reach the queue below this folder; the queue itself
        // must be owned by root (`postfix check` creates its subdirectories with the right owners).
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        var etc = Directory.CreateDirectory(Path.Combine(dir, "etc")).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "queue"));
        File.SetUnixFileMode(Path.Combine(dir, "queue"), (UnixFileMode)0x1ED);
        MailLogPath = Path.Combine(dir, "maillog");
        var refused = new StringBuilder();
        foreach (var address in refusedRecipients)
        {
            refused.Append(CultureInfo.InvariantCulture, $"{address} 550 5.1.1 User unknown\n");
        }
        File.WriteAllText(Path.Combine(etc, "refused"), refused.ToString());

        // virtual(8) wants the mailbox as a path below virtual_mailbox_base; a trailing slash means Maildir.
        var maildirFull = Path.GetFullPath(maildir.TrimEnd('/'));
        var mailboxBase = Path.GetDirectoryName(maildirFull)!;
        var mailbox = Path.GetFileName(maildirFull) + "/";
        File.WriteAllText(Path.Combine(etc, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {dir}/queue
            data_directory = {dir}/data
            mail_owner = postfix
            maillog_file = {MailLogPath}
            maillog_file_prefixes = {dir}
            myhostname = relay.{returnDomain}
            mydomain = {returnDomain}
            myorigin = $myhostname
            # Nothing is delivered locally; no aliases, no system mailboxes.
            mydestination =
            local_recipient_maps =
            alias_maps =
            alias_database =
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject
            relayhost = [127.0.0.1]:{NextHopPort}
            smtp_dns_support_level = disabled
            virtual_mailbox_domains = {returnDomain}
            virtual_mailbox_base = {mailboxBase}
            virtual_mailbox_maps = static:{mailbox}
            virtual_minimum_uid = 1
            virtual_uid_maps = static:{mailUid}
            virtual_gid_maps = static:{mailGid}
            nexthop_recipient_restrictions = check_recipient_access texthash:{etc}/refused, permit
            """);
        // chroot off everywhere: the throwaway folders are not inside a chroot jail.
        File.WriteAllText(Path.Combine(etc, "master.cf"), $"""
            127.0.0.1:{Port} inet n - n - - smtpd
            127.0.0.1:{NextHopPort} inet n - n - - smtpd -o syslog_name=nexthop -o myhostname=mx.nexthop.example -o smtpd_recipient_restrictions=$nexthop_recipient_restrictions -o content_filter=discard:
            cleanup   unix  n - n -     0 cleanup
            qmgr      unix  n - n 300   1 qmgr
            rewrite   unix  - - n -     - trivial-rewrite
            bounce    unix  - - n -     0 bounce
            defer     unix  - - n -     0 bounce
            trace     unix  - - n -     0 bounce
            verify    unix  - - n -     1 verify
            flush     unix  n - n 1000? 0 flush
            proxymap  unix  - - n -     - proxymap
            smtp      unix  - - n -     - smtp
            relay     unix  - - n -     - smtp
            showq     unix  n - n -     - showq
            error     unix  - - n -     - error
            retry     unix  - - n -     - error
            discard   unix  - - n -     - discard
            virtual   unix  - n n -     - virtual
            anvil     unix  - - n -     1 anvil
            scache    unix  - - n -     1 scache
            postlog   unix-dgram n - n - 1 postlogd
            """);

        var check = Run(TestEnvironment.PostfixPath, "-c", etc, "check");
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException($"postfix check failed ({check.ExitCode}): {check.Output} {MailLog()}");
        }
        var start = new ProcessStartInfo(TestEnvironment.PostfixMasterPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", etc, "-d" }) start.ArgumentList.Add(a);
        _master = Process.Start(start) ?? throw new InvalidOperationException("postfix master did not start");
        LoopbackServer.WaitUntilListening(_master, Port, "postfix", TimeSpan.FromSeconds(20), MailLog);
        LoopbackServer.WaitUntilListening(_master, NextHopPort, "postfix (next hop)", TimeSpan.FromSeconds(20), MailLog);
    }

    public string Host => "127.0.0.1";

    /// <summary>The relay's SMTP port (no TLS, no authentication; relays for loopback).</summary>
    public int Port { get; }

    /// <summary>The next hop's SMTP port (refuses the refused recipients).</summary>
    public int NextHopPort { get; }

    public string ReturnDomain { get; }

    public string MailLogPath { get; }

    /// <summary>Postfix's log so far (for failure messages).</summary>
    public string MailLog()
    {
        try
        {
            return File.Exists(MailLogPath) ? File.ReadAllText(MailLogPath) : "(no mail log)";
        }
        catch (IOException e)
        {
            return "(mail log unreadable: " + e.Message + ")";
        }
    }

    /// <summary>What is still queued (<c>postqueue -p</c>), for failure messages.</summary>
    public string Queue()
    {
        var (exit, output) = Run(TestEnvironment.PostqueuePath, "-c", Path.Combine(_root.Path, "etc"), "-p");
        return exit == 0 ? output : $"(postqueue -p: exit {exit}: {output})";
    }

    /// <summary>Everything a failing test should show: the queue and the log.</summary>
    public string Diagnostics() => $"--- postfix queue\n{Queue()}\n--- postfix mail log\n{MailLog()}";

    public void Dispose()
    {
        LoopbackServer.Stop(_master);
        _root.Dispose();
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"{file} did not finish within 60 s");
        }
        return (p.ExitCode, (stdout.Result + stderr.Result).Trim());
    }
}
