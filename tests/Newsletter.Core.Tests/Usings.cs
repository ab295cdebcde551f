namespace Newsletter.Core.Tests;
