using Garnet;

// The embedded Redis role: Garnet speaks the Redis protocol, so the services cannot tell it from Redis.
var port = Environment.GetEnvironmentVariable("GARNET_PORT") ?? "6379";
string[] garnetArgs = ["--bind", "127.0.0.1", "--port", port, "--lua", .. args];

using var server = new GarnetServer(garnetArgs);
server.Start();
Console.WriteLine($"Garnet listening on 127.0.0.1:{port}");

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
