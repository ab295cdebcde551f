global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Hosting;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Routing;
global using Microsoft.Extensions.Configuration;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Logging;
// The web's stores are Core's interfaces (implemented in Newsletter.Data, wired by the host's AddNewsletter).
global using Newsletter.Core.Issues;
global using Newsletter.Core.Users;
