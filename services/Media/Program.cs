using Chat.Media.Apis;
using Chat.Media.Extensions;
using Chat.Media.Signing;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseServiceDefaults();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapPublicApiDocument();
app.MapMediaApi().RequireAuthorization();
app.MapMediaLimitsApi().RequireAuthorization();
app.MapMediaDownloadsApi().RequireAuthorization(SignedUrlAuthenticationHandler.DownloadPolicy);
app.MapInternalMediaApi().RequireInternalKey();

app.Run();

public partial class Program;
