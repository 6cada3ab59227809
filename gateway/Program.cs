using Chat.Gateway;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});

builder.AddServiceDefaults();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();

app.UseWebSockets();
app.UseWebClient();
app.MapDefaultEndpoints();
app.MapReverseProxy();
app.MapFallbackToFile("index.html");

app.Run();
