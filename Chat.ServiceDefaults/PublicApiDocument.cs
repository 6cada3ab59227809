using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Each service's public HTTP contract as an OpenAPI document at <see cref="DocumentPath"/>, generated from its endpoints.
/// Only <c>/api/*</c> routes (the ones the gateway forwards) are in it: never the internal, health or key-set routes.
/// </summary>
public static class PublicApiDocument
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string PublicPathPrefix = "api/";
    public const string BearerSchemeName = "Bearer";
    public const string ProblemContentType = "application/problem+json";

    public static TBuilder AddPublicApiDocument<TBuilder>(this TBuilder builder, string title, string description)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = endpoint => endpoint.RelativePath?.StartsWith(PublicPathPrefix, StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = title, Version = DocumentName, Description = description };
                // The gateway is the one origin: relative paths resolve against wherever the document was read, never a service's own address.
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "The access token from POST /api/identity/tokens (or /tokens/refresh), as `Authorization: Bearer <token>`.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(DescribeSecurityAndErrorsAsync);
            options.AddSchemaTransformer(DescribeWhatIsWrittenAsync);
        });
        return builder;
    }

    /// <summary>The document, readable by anyone: it holds only what the public routes already tell.</summary>
    public static WebApplication MapPublicApiDocument(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }

    /// <summary>Bearer on every route that needs a token; every error, documented or not, is ProblemDetails.</summary>
    private static async Task DescribeSecurityAndErrorsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // Named after its handler (CreateUserAsync: CreateUser) unless the endpoint names itself.
        if (operation.OperationId is null && metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler)
        {
            operation.OperationId = handler.Name.EndsWith("Async", StringComparison.Ordinal) ? handler.Name[..^"Async".Length] : handler.Name;
        }
        operation.Responses ??= new OpenApiResponses();
        var problem = await ProblemSchemaAsync(context, cancellationToken);
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = [] }];
            operation.Responses.TryAdd("401", ProblemResponse("No valid access token (`authentication-required`, `token-expired`, `invalid-token`).", problem));
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            operation.Responses.TryAdd("429", ProblemResponse("Too many requests (`rate-limited`); the `Retry-After` header says when to try again.", problem));
        }
        foreach (var (status, response) in operation.Responses.ToList())
        {
            // A bare error status (a NotFound result) is written as ProblemDetails by the status-code pages.
            if (status.Length == 3 && status[0] is '4' or '5' && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
            {
                operation.Responses[status] = ProblemResponse(bare.Description ?? "An error.", problem);
            }
        }
        operation.Responses.TryAdd("4XX", ProblemResponse("Any other refusal, with a stable `type` naming it.", problem));
        operation.Responses.TryAdd("5XX", ProblemResponse("A failure of the service.", problem));
    }

    private static async Task<IOpenApiSchema> ProblemSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        const string id = nameof(ProblemDetails);
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(id))
        {
            document.AddComponent(id, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
        }
        return new OpenApiSchemaReference(id, document);
    }

    private static OpenApiResponse ProblemResponse(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [ProblemContentType] = new() { Schema = schema } },
    };

    /// <summary>
    /// Three corrections, so the schemas say what the services write: numbers as numbers (the web JSON defaults also
    /// read them from strings, but never write them so); a nullable property as optional (Media leaves nulls out, and
    /// every request may omit them); ProblemDetails open to its extensions (<c>traceId</c>, <c>errors</c>, <c>field</c>).
    /// </summary>
    private static Task DescribeWhatIsWrittenAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
        {
            foreach (var name in required.Where(name => properties.TryGetValue(name, out var property) && IsNullable(property)).ToList())
            {
                required.Remove(name);
            }
        }
        if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type) && schema.Properties is { } problem)
        {
            problem.TryAdd("traceId", new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace, to find it in the logs." });
            schema.AdditionalProperties = new OpenApiSchema();
        }
        return Task.CompletedTask;
    }

    private static bool IsNullable(IOpenApiSchema schema) =>
        (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
        || schema.OneOf?.Any(choice => choice.Type == JsonSchemaType.Null) == true
        || schema.AnyOf?.Any(choice => choice.Type == JsonSchemaType.Null) == true;
}
