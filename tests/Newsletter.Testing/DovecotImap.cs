using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Testing;

/// <summary>
/// A real Dovecot IMAP server on 127.0.0.1 and a free port, with its own throwaway configuration, state and Maildir
/// (not the system's): one passwd-file user, plain authentication on loopback; with <c>pop3: true</c> also its POP3
/// server (package dovecot-pop3d) on <see cref="Pop3Port"/>, over the same Maildir. Stopped on dispose.
/// </summary>
public sealed class DovecotImap : IDisposable
{
    private readonly TempDirectory _root = new("dovecot");
    private readonly Process _process;

    public DovecotImap(string userName = "bounces", string password = "imap-test-password", bool pop3 = false)
    {
        UserName = userName;
        Password = password;
        Port = LoopbackServer.FreePort();
        if (pop3)
        {
            _ = TestEnvironment.DovecotPop3Path;   // fails with how to install it when missing
            do
            {
                Pop3Port = LoopbackServer.FreePort();
            }
            while (Pop3Port == Port);
        }
        var dir = _root.Path;
        foreach (var sub in new[] { "run", "state", "mail" }) Directory.CreateDirectory(Path.Combine(dir, sub));
        // As root, Dovecot runs its login and mail processes as nobody; otherwise as the current user.
        var root = Environment.UserName == "root";
        var user = root ? "nobody" : Environment.UserName;
        var (uid, gid) = root ? (Id("-u", "nobody"), Id("-g", "nobody")) : (Id("-u"), Id("-g"));
        MailUid = int.Parse(uid, System.Globalization.CultureInfo.InvariantCulture);
        MailGid = int.Parse(gid, System.Globalization.CultureInfo.InvariantCulture);
        Maildir = $"{dir}/mail/{userName}/Maildir/";
        var pop3Service = pop3
            ? $$"""
              service pop3-login {
                inet_listener pop3 {
                  address = 127.0.0.1
                  port = {{Pop3Port}}
                }
                inet_listener pop3s {
                  port = 0
                }
                chroot =
              }
              """
            : "";
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(dir, "mail"), (UnixFileMode)0x1FF);
        }
        File.WriteAllText(Path.Combine(dir, "passwd"), $"{userName}:{{PLAIN}}{password}\n");
        var config = Path.Combine(dir, "dovecot.conf");
        File.WriteAllText(config, $$"""
            protocols = imap{{(pop3 ? " pop3" : "")}}
            listen = 127.0.0.1
            base_dir = {{dir}}/run
            state_dir = {{dir}}/state
            log_path = {{dir}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = {{user}}
            default_login_user = {{user}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN {{dir}}/passwd
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{dir}}/mail/%u
            }
            mail_location = maildir:{{dir}}/mail/%u/Maildir
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
              chroot =
            }
            {{pop3Service}}
            service anvil {
              chroot =
            }
            """);
        var start = new ProcessStartInfo(TestEnvironment.DovecotPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dovecot did not start");
        var log = Path.Combine(_root.Path, "dovecot.log");
        LoopbackServer.WaitUntilListening(_process, Port, "dovecot", TimeSpan.FromSeconds(20), () => File.Exists(log) ? File.ReadAllText(log) : "");
        if (pop3)
        {
            LoopbackServer.WaitUntilListening(_process, Pop3Port, "dovecot (pop3)", TimeSpan.FromSeconds(20), () => File.Exists(log) ? File.ReadAllText(log) : "");
        }
    }

    public string Host => "127.0.0.1";

    /// <summary>The IMAP port.</summary>
    public int Port { get; }

    /// <summary>The POP3 port (0 unless started with <c>pop3: true</c>).</summary>
    public int Pop3Port { get; }

    /// <summary>The user's Maildir (ending with <c>/</c>): an MTA delivering into it makes mail appear in the INBOX.</summary>
    public string Maildir { get; }

    /// <summary>The user id the mail files belong to (nobody when run as root).</summary>
    public int MailUid { get; }

    /// <summary>The group id the mail files belong to.</summary>
    public int MailGid { get; }

    public string UserName { get; }

    public string Password { get; }

    public void Dispose()
    {
        LoopbackServer.Stop(_process);
        _root.Dispose();
    }

    private static string Id(params string[] args)
    {
        var start = new ProcessStartInfo("id") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }
}
