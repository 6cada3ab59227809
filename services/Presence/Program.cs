using Chat.Presence.Apis;
using Chat.Presence.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseServiceDefaults();

app.MapDefaultEndpoints();
app.MapPublicApiDocument();
app.MapPresenceApi().RequireAuthorization();
app.MapConnectionsApi().RequireInternalKey();
app.MapContactsCacheApi().RequireInternalKey();

app.Run();

public partial class Program;
