namespace Newsletter.Mjml.Tests;
