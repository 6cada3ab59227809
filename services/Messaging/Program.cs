using Chat.Messaging.Apis;
using Chat.Messaging.Extensions;
using Chat.Messaging.Hubs;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseServiceDefaults();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapPublicApiDocument();
app.MapConversationsApi().RequireAuthorization();
app.MapMessagesApi().RequireAuthorization();
app.MapMembersApi().RequireAuthorization();
app.MapReadMarkersApi().RequireAuthorization();
app.MapContactsApi().RequireInternalKey();
app.MapBlocksApi().RequireInternalKey();
app.MapChatHub().RequireAuthorization();

app.Run();

public partial class Program;
