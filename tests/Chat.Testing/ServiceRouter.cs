namespace Chat.Testing;

/// <summary>
/// Sends a service's outgoing calls (<c>http://identity/...</c>, <c>http://messaging/...</c>) to the in-memory test
/// servers of the other services, so services talk to each other over real HTTP pipelines in one test process.
/// </summary>
public sealed class ServiceRouter
{
    private readonly Dictionary<string, Func<HttpMessageHandler>> _services = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string serviceName, Func<HttpMessageHandler> handler) => _services[serviceName] = handler;

    public HttpMessageHandler CreateHandler() => new RoutingHandler(this);

    private sealed class RoutingHandler(ServiceRouter router) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.Host;
            if (!router._services.TryGetValue(host, out var handler))
            {
                throw new HttpRequestException($"No test server for service '{host}'.");
            }
            using var invoker = new HttpMessageInvoker(handler(), disposeHandler: true);
            return invoker.SendAsync(request, cancellationToken);
        }
    }
}
