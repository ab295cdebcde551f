namespace Newsletter.Mjml;
