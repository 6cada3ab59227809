using Chat.Gateway;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});

builder.AddServiceDefaults();
// YARP sets X-Forwarded-For to the browser's address, replacing any the browser sent; Identity believes it from loopback only.
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();

app.UseWebSockets();
app.UseWebClient();
app.MapDefaultEndpoints();
app.MapApiReference();
app.MapReverseProxy();
app.MapFallbackToFile("index.html");

app.Run();
