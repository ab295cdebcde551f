using System.Runtime.CompilerServices;

namespace Newsletter.Cli.Tests;

/// <summary>
/// The CLI speaks 简体中文 unless told otherwise (issue 19); most tests here were written against its English words, so
/// this test process — and every CLI it starts, which inherits the variable — runs in English. The tests of the
/// language itself (LanguageTests) set the language they check explicitly.
/// </summary>
internal static class EnglishByDefault
{
#pragma warning disable CA2255 // a test assembly's one process-wide setting, before any test runs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Set() => Environment.SetEnvironmentVariable("NEWSLETTER_LANG", "en");
}
