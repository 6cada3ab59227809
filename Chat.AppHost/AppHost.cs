var builder = DistributedApplication.CreateBuilder(args);
var garnet = builder.AddProject<Projects.Chat_Garnet>("garnet");
builder.Build().Run();
