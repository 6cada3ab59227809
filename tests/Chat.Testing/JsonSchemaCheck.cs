using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Testing;

/// <summary>
/// A small walker of the JSON Schema subset ASP.NET Core's OpenAPI generator writes: <c>$ref</c>, <c>type</c> (one or a
/// list), <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>oneOf</c> /
/// <c>anyOf</c> / <c>allOf</c>, and the date-time format. Stricter than JSON Schema on purpose: an object property the
/// schema does not name is a violation unless <c>additionalProperties</c> allows it, so an undocumented field fails.
/// </summary>
public sealed class JsonSchemaCheck(JsonNode document)
{
    /// <summary>Where <paramref name="value"/> departs from <paramref name="schema"/>, one line each; empty when it conforms.</summary>
    public List<string> Check(JsonNode? schema, JsonElement value, string at = "$")
    {
        var problems = new List<string>();
        Walk(schema, value, at, problems, depth: 0);
        return problems;
    }

    private void Walk(JsonNode? schema, JsonElement value, string at, List<string> problems, int depth)
    {
        if (depth > 64)
        {
            problems.Add($"{at}: the schema nests too deep (a reference cycle?)");
            return;
        }
        schema = Resolve(schema);
        if (schema is not JsonObject rules)
        {
            return; // true / {} / absent: anything goes.
        }

        if (rules["allOf"] is JsonArray all)
        {
            foreach (var part in all)
            {
                Walk(part, value, at, problems, depth + 1);
            }
        }
        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (rules[keyword] is JsonArray choices && !choices.Any(choice => Passes(choice, value, at, depth)))
            {
                problems.Add($"{at}: {Describe(value)} matches none of the {keyword} alternatives");
            }
        }
        if (rules["enum"] is JsonArray allowed && !allowed.Any(option => JsonNode.DeepEquals(option, JsonNode.Parse(value.GetRawText()))))
        {
            problems.Add($"{at}: {value.GetRawText()} is not one of {allowed.ToJsonString()}");
        }
        if (TypesOf(rules) is { } types && !types.Any(type => IsOfType(value, type)))
        {
            problems.Add($"{at}: {Describe(value)} where the document says {string.Join(" or ", types)}");
            return;
        }
        if (value.ValueKind == JsonValueKind.String && rules["format"]?.GetValue<string>() == "date-time"
            && !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            problems.Add($"{at}: '{value.GetString()}' is not a date-time");
        }

        if (value.ValueKind == JsonValueKind.Array && rules["items"] is { } items)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Walk(items, item, $"{at}[{index++}]", problems, depth + 1);
            }
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            WalkObject(rules, value, at, problems, depth);
        }
    }

    private void WalkObject(JsonObject rules, JsonElement value, string at, List<string> problems, int depth)
    {
        var properties = rules["properties"] as JsonObject;
        foreach (var name in (rules["required"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
        {
            if (!value.TryGetProperty(name, out _))
            {
                problems.Add($"{at}: the required property '{name}' is missing");
            }
        }
        if (properties is null && rules["additionalProperties"] is null)
        {
            return; // A free-form object.
        }
        foreach (var property in value.EnumerateObject())
        {
            if (properties?[property.Name] is { } propertySchema)
            {
                Walk(propertySchema, property.Value, $"{at}.{property.Name}", problems, depth + 1);
            }
            else if (rules["additionalProperties"] is { } extra && !(extra.GetValueKind() == JsonValueKind.False))
            {
                Walk(extra, property.Value, $"{at}.{property.Name}", problems, depth + 1);
            }
            else
            {
                problems.Add($"{at}: the property '{property.Name}' is not in the document" +
                    (properties is null ? "" : $" (it names {string.Join(", ", properties.Select(p => p.Key))})"));
            }
        }
    }

    private bool Passes(JsonNode? schema, JsonElement value, string at, int depth)
    {
        var problems = new List<string>();
        Walk(schema, value, at, problems, depth + 1);
        return problems.Count == 0;
    }

    /// <summary>Follows <c>$ref</c>s within the document (JSON pointers such as <c>#/components/schemas/User</c>).</summary>
    public JsonNode? Resolve(JsonNode? schema)
    {
        for (var hops = 0; schema is JsonObject { } node && node["$ref"] is { } reference; hops++)
        {
            if (hops > 32)
            {
                throw new InvalidOperationException($"The reference {reference} does not end.");
            }
            var pointer = reference.GetValue<string>();
            if (!pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Only references inside the document are followed, not {pointer}.");
            }
            JsonNode? target = document;
            foreach (var part in pointer[2..].Split('/'))
            {
                target = target?[part.Replace("~1", "/").Replace("~0", "~")];
            }
            schema = target ?? throw new InvalidOperationException($"The reference {pointer} leads nowhere in the document.");
        }
        return schema;
    }

    private static string[]? TypesOf(JsonObject rules) => rules["type"] switch
    {
        JsonArray list => list.Select(t => t!.GetValue<string>()).ToArray(),
        JsonValue single => [single.GetValue<string>()],
        _ => null,
    };

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && number == decimal.Truncate(number),
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => throw new InvalidOperationException($"Unknown schema type '{type}'."),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        _ => value.GetRawText(),
    };
}
