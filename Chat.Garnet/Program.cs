using Chat.Garnet;
using Garnet;

// The embedded Redis role: Garnet speaks the Redis protocol, so the services cannot tell it from Redis.
var port = Environment.GetEnvironmentVariable(EmbeddedRedisArguments.PortVariable) ?? "6379";
var password = Environment.GetEnvironmentVariable(EmbeddedRedisArguments.PasswordVariable) ?? string.Empty;

using var server = new GarnetServer(EmbeddedRedisArguments.For(port, password, args));
server.Start();
Console.WriteLine($"Garnet listening on 127.0.0.1:{port} (password required)");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
