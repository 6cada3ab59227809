using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Chat.Messaging.Tests;

/// <summary>
/// Writes docs/hub.md from the hub itself: its public methods (what a client may call), the events of its client
/// interface (what a client receives), and every payload type as the hub's own JSON serializer names its properties.
/// Summaries come from the assembly's XML documentation, so the reference says what the code's comments say.
/// </summary>
public static partial class HubReference
{
    public const string DocsPath = "docs/hub.md";

    private static readonly NullabilityInfoContext Nullability = new();

    public static string Generate(Type hub, Type client, JsonSerializerOptions payloadOptions)
    {
        var docs = XmlDocs.For(hub.Assembly);
        var types = new List<Type>();
        var text = new StringBuilder();
        text.AppendLine("# Chat hub reference")
            .AppendLine()
            .AppendLine($"<!-- Generated from {hub.Name} and {client.Name} by HubReferenceTests: do not edit by hand. After changing the hub,")
            .AppendLine("     run `CHAT_UPDATE_DOCS=1 dotnet test tests/Chat.Messaging.Tests --filter HubReference` and commit the result. -->")
            .AppendLine()
            .AppendLine("The real-time half of the public contract (the HTTP half is in the OpenAPI documents: see the README).")
            .AppendLine("Connect to `/hubs/chat?access_token=<access token>` through the gateway with a SignalR client (JSON or MessagePack")
            .AppendLine("protocol). A connection lives no longer than its token: reconnect with a fresh one. A rejected call throws a")
            .AppendLine("`HubException` whose message starts with a stable error code (`conversation-not-found: …`, `rate-limited: …; retry after N s`).")
            .AppendLine()
            .AppendLine("## Methods the client calls")
            .AppendLine();

        var methods = hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == hub)
            .OrderBy(m => m.MetadataToken);
        foreach (var method in methods)
        {
            var returns = UnwrapTask(method.ReturnType);
            var parameters = method.GetParameters();
            text.AppendLine($"### `{method.Name}({string.Join(", ", parameters.Select(p => p.Name))})`")
                .AppendLine();
            AppendSummary(text, docs.Member('M', hub, method.Name));
            if (parameters.Length > 0)
            {
                text.AppendLine("| argument | type |").AppendLine("|---|---|");
                foreach (var parameter in parameters)
                {
                    text.AppendLine($"| `{parameter.Name}` | {Describe(parameter.ParameterType, Nullability.Create(parameter), types)} |");
                }
                text.AppendLine();
            }
            text.AppendLine(returns is null
                ? "Returns nothing; completes when the call has taken effect."
                : $"Returns {Describe(returns, Nullability.Create(method.ReturnParameter).GenericTypeArguments.FirstOrDefault() ?? Nullability.Create(method.ReturnParameter), types)}.")
                .AppendLine();
        }

        text.AppendLine("## Events the client receives").AppendLine();
        foreach (var method in client.GetMethods().OrderBy(m => m.MetadataToken))
        {
            var parameters = method.GetParameters();
            text.AppendLine($"### `{method.Name}`").AppendLine();
            AppendSummary(text, docs.Member('M', client, method.Name));
            text.AppendLine(parameters.Length == 0
                ? "Carries nothing."
                : $"Carries {string.Join(", ", parameters.Select(p => Describe(p.ParameterType, Nullability.Create(p), types)))}.")
                .AppendLine();
        }

        text.AppendLine("## Payloads").AppendLine();
        for (var i = 0; i < types.Count; i++)
        {
            var type = types[i];
            var info = payloadOptions.GetTypeInfo(type);
            text.AppendLine($"### {type.Name}").AppendLine();
            AppendSummary(text, docs.Member('T', type, null));
            text.AppendLine("| property | type |").AppendLine("|---|---|");
            foreach (var property in info.Properties.OrderBy(p => p.Order))
            {
                var nullability = property.AttributeProvider switch
                {
                    PropertyInfo p => Nullability.Create(p),
                    FieldInfo f => Nullability.Create(f),
                    _ => null,
                };
                text.AppendLine($"| `{property.Name}` | {Describe(property.PropertyType, nullability, types)} |");
            }
            text.AppendLine();
        }
        return text.ToString().TrimEnd() + "\n";
    }

    private static void AppendSummary(StringBuilder text, string? summary)
    {
        if (!string.IsNullOrEmpty(summary))
        {
            text.AppendLine(summary).AppendLine();
        }
    }

    private static Type? UnwrapTask(Type type) =>
        type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask) ? null
        : type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)) ? type.GetGenericArguments()[0]
        : type;

    /// <summary>The JSON type, in words a client author reads: <c>integer</c>, <c>string or null</c>, an array of a linked payload.</summary>
    private static string Describe(Type type, NullabilityInfo? nullability, List<Type> types)
    {
        var nullable = Nullable.GetUnderlyingType(type) is not null || nullability?.ReadState == NullabilityState.Nullable;
        type = Nullable.GetUnderlyingType(type) ?? type;
        string name;
        if (type == typeof(string))
        {
            name = "string";
        }
        else if (type == typeof(bool))
        {
            name = "boolean";
        }
        else if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            name = "integer";
        }
        else if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            name = "number";
        }
        else if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            name = "string (ISO 8601 date-time)";
        }
        else if (ElementType(type) is { } element)
        {
            name = $"array of {Describe(element, nullability?.ElementType ?? nullability?.GenericTypeArguments.FirstOrDefault(), types)}";
        }
        else
        {
            if (!types.Contains(type))
            {
                types.Add(type);
            }
            name = $"[{type.Name}](#{type.Name.ToLowerInvariant()})";
        }
        return nullable ? $"{name} or null" : name;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && type.IsGenericType && type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable
            ? enumerable.GetGenericArguments()[0]
            : null;

    /// <summary>The summaries of an assembly's XML documentation file, as plain markdown lines.</summary>
    private sealed partial class XmlDocs(Dictionary<string, string> summaries)
    {
        public static XmlDocs For(Assembly assembly)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} is missing: the hub's project must set GenerateDocumentationFile.");
            }
            var summaries = XDocument.Load(path).Descendants("member")
                .Where(member => member.Element("summary") is not null)
                .ToDictionary(member => (string)member.Attribute("name")!, member => ToMarkdown(member.Element("summary")!));
            return new XmlDocs(summaries);
        }

        /// <summary>A type's summary (<c>T:</c>), or a method's by name (<c>M:</c>; the hub has no overloads).</summary>
        public string? Member(char kind, Type type, string? member)
        {
            var prefix = member is null ? $"T:{type.FullName}" : $"M:{type.FullName}.{member}";
            return summaries.FirstOrDefault(s => s.Key == prefix || s.Key.StartsWith(prefix + "(", StringComparison.Ordinal)).Value;
        }

        private static string ToMarkdown(XElement summary)
        {
            var text = new StringBuilder();
            foreach (var node in summary.Nodes())
            {
                text.Append(node switch
                {
                    XText plain => plain.Value,
                    XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
                    XElement { Name.LocalName: "see" or "seealso" } see when see.Attribute("cref") is { } cref => $"`{cref.Value.Split('(')[0].Split('.', ':').Last()}`",
                    XElement { Name.LocalName: "see" } see when see.Attribute("langword") is { } word => $"`{word.Value}`",
                    XElement { Name.LocalName: "paramref" or "typeparamref" } reference => $"`{reference.Attribute("name")?.Value}`",
                    XElement other => other.Value,
                    _ => "",
                });
            }
            return Whitespace().Replace(text.ToString(), " ").Trim();
        }

        [GeneratedRegex(@"\s+")]
        private static partial Regex Whitespace();
    }
}
