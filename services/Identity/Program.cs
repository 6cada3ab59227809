using Chat.Identity.Apis;
using Chat.Identity.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseServiceDefaults();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapPublicApiDocument();
app.MapJwksApi();
app.MapUsersApi();
app.MapTokensApi();
app.MapRevocationsApi();
app.MapBlocksApi();
app.MapInternalUsersApi().RequireInternalKey();

app.Run();
public partial class Program;
