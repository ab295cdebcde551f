// The `newsletter` command: each verb group lives in its own file under Commands/ and registers itself here.
return await NewsletterApp.RunAsync(args);
