namespace Newsletter.Data.Tests;
