namespace Newsletter.Cli.Tests;
