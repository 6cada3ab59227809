using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Testing;

/// <summary>
/// A service's published OpenAPI document (<c>/openapi/v1.json</c>), read as JSON: which operations it lists, and
/// whether an answer a test received is one the document describes (its status, and its body against the schema).
/// </summary>
public sealed class PublicApiContract
{
    public const string DocumentPath = "/openapi/v1.json";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    private readonly JsonSchemaCheck _schemas;

    private PublicApiContract(JsonNode document)
    {
        Document = document;
        _schemas = new JsonSchemaCheck(document);
        Operations = (document["paths"] as JsonObject ?? [])
            .SelectMany(path => (path.Value as JsonObject ?? [])
                .Where(operation => Methods.Contains(operation.Key))
                .Select(operation => new DocumentedOperation(operation.Key.ToUpperInvariant(), Normalize(path.Key), path.Key, (JsonObject)operation.Value!)))
            .ToList();
    }

    public JsonNode Document { get; }

    public IReadOnlyList<DocumentedOperation> Operations { get; }

    public static async Task<PublicApiContract> ReadAsync(HttpClient service)
    {
        using var response = await service.GetAsync(DocumentPath);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return new PublicApiContract(JsonNode.Parse(text)
            ?? throw new InvalidOperationException("The document is empty."));
    }

    /// <summary>The operation for a concrete request path (<c>/api/media/7/info</c>); literal segments win over parameters.</summary>
    public DocumentedOperation? Find(string method, string requestPath)
    {
        var segments = Normalize(requestPath).Split('/');
        return Operations
            .Where(operation => operation.Method == method.ToUpperInvariant())
            .Select(operation => (operation, score: Score(operation.Path.Split('/'), segments)))
            .Where(match => match.score >= 0)
            .OrderByDescending(match => match.score)
            .Select(match => match.operation)
            .FirstOrDefault();
    }

    /// <summary>The operation for a template path as written in the README (<c>/api/media/{id}/info</c>), parameter names aside.</summary>
    public DocumentedOperation? FindTemplate(string method, string templatePath) =>
        Operations.FirstOrDefault(operation => operation.Method == method.ToUpperInvariant()
            && Shape(operation.Path) == Shape(Normalize(templatePath)));

    /// <summary>What about this answer the document does not describe; empty when it describes it all.</summary>
    public List<string> Check(string method, string requestPath, int status, MediaTypeHeaderValue? contentType, string body)
    {
        var name = $"{method} {requestPath} → {status}";
        if (Find(method, requestPath) is not { } operation)
        {
            return [$"{name}: the document has no such operation"];
        }
        var responses = operation.Node["responses"] as JsonObject ?? [];
        // A 2xx must be listed as itself; an error may fall under its range (4XX) or default.
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            ?? (status >= 400 ? responses[$"{status / 100}XX"] ?? responses["default"] : null);
        if (response is null)
        {
            return [$"{name}: status {status} is not documented (it lists {string.Join(", ", responses.Select(r => r.Key))})"];
        }
        response = _schemas.Resolve(response);
        if (body.Length == 0 || contentType?.MediaType is not { } mediaType || !mediaType.Contains("json", StringComparison.Ordinal))
        {
            return [];
        }
        var content = response?["content"] as JsonObject;
        if (content?[mediaType] is not { } media)
        {
            return [$"{name}: answered {mediaType}, the document describes {(content is null ? "no body" : string.Join(", ", content.Select(c => c.Key)))}"];
        }
        using var json = JsonDocument.Parse(body);
        return _schemas.Check(media["schema"], json.RootElement).Select(problem => $"{name}: {problem}").ToList();
    }

    /// <summary>Lower case, no trailing slash, no query: <c>/api/conversations/</c> and <c>/api/conversations</c> are one route.</summary>
    public static string Normalize(string path)
    {
        var withoutQuery = path.Split('?')[0];
        var trimmed = withoutQuery.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    private static string Shape(string path) =>
        string.Join('/', path.Split('/').Select(segment => segment.StartsWith('{') ? "{}" : segment.ToLowerInvariant()));

    private static int Score(string[] template, string[] actual)
    {
        if (template.Length != actual.Length)
        {
            return -1;
        }
        var score = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i].StartsWith('{'))
            {
                continue;
            }
            if (!string.Equals(template[i], actual[i], StringComparison.OrdinalIgnoreCase))
            {
                return -1;
            }
            score++;
        }
        return score;
    }
}

public sealed record DocumentedOperation(string Method, string Path, string DocumentPath, JsonObject Node)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// Checks every answer that passes through it against the service's document and keeps what did not match, so a
/// test can call the API as usual and assert at the end that the document described all of it.
/// </summary>
public sealed class ContractCheckingHandler(PublicApiContract contract) : DelegatingHandler
{
    private readonly List<string> _violations = [];
    private readonly HashSet<string> _called = [];

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations)
            {
                return _violations.ToList();
            }
        }
    }

    /// <summary>The documented operations answered at least once.</summary>
    public IReadOnlySet<string> Called
    {
        get
        {
            lock (_violations)
            {
                return _called.ToHashSet();
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // Buffered so the test can still read the body after the check.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        var problems = contract.Check(request.Method.Method, path, (int)response.StatusCode, response.Content.Headers.ContentType, body);
        lock (_violations)
        {
            _violations.AddRange(problems);
            if (contract.Find(request.Method.Method, path) is { } operation)
            {
                _called.Add(operation.ToString());
            }
        }
        return response;
    }
}
