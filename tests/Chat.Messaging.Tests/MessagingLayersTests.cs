
using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Chat.Messaging.Tests;

/// <summary>
/// Messaging's namespaces form layers: wire contracts, options and storage at the bottom, application services above
/// them, the HTTP Apis and the hub on top, the composition root above all. A namespace depends only on lower ones.
/// </summary>
public sealed class MessagingLayersTests
{
    private const string Root = "Chat.Messaging";

    /// <summary>Each namespace's layer, bottom first; one not listed here fails the test, so a new one gets a place.</summary>
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["Chat.Messaging.Contracts"] = 0,
        [Root] = 1,
        ["Chat.Messaging.Storage"] = 2,
        ["Chat.Messaging.Messages"] = 3,
        ["Chat.Messaging.Presence"] = 4,
        ["Chat.Messaging.Conversations"] = 5,
        ["Chat.Messaging.Sync"] = 6,
        ["Chat.Messaging.Apis"] = 7,
        ["Chat.Messaging.Hubs"] = 7,
        ["Chat.Messaging.Extensions"] = 8,
    };

    private static readonly Assembly Messaging = typeof(Chat.Messaging.MessagingOptions).Assembly;

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Graph = new(BuildGraph);

    [Fact]
    public void EveryMessagingNamespaceHasALayer()
    {
        var unplaced = Namespaces().Where(ns => !Layers.ContainsKey(ns)).ToList();
        Assert.True(unplaced.Count == 0, $"Give these namespaces a layer in {nameof(MessagingLayersTests)}: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void MessagingNamespacesHaveNoDependencyCycle()
    {
        var cycle = FindCycle(Graph.Value);
        Assert.True(cycle is null, $"Namespace cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void NoMessagingNamespaceDependsOnAHigherOrEqualLayer()
    {
        var wrong = Graph.Value
            .SelectMany(from => from.Value.Select(to => (From: from.Key, To: to)))
            .Where(edge => Layers.TryGetValue(edge.From, out var from) && Layers.TryGetValue(edge.To, out var to) && to >= from)
            .Select(edge => $"{edge.From} -> {edge.To}")
            .ToList();
        Assert.True(wrong.Count == 0, $"Dependencies against the layers: {string.Join(", ", wrong)}");
    }

    [Fact]
    public void TheApisAndTheHubNeverSeeStorageRecordsWhichTheApplicationMapsToContracts()
    {
        var wrong = new[] { "Chat.Messaging.Apis", "Chat.Messaging.Hubs", "Chat.Messaging.Contracts" }
            .Where(ns => Graph.Value.GetValueOrDefault(ns)?.Contains("Chat.Messaging.Storage") == true)
            .ToList();
        Assert.True(wrong.Count == 0, $"These reach into Storage: {string.Join(", ", wrong)}");
    }

    [Fact]
    public void TheDependencyGraphSeesKnownDependencies()
    {
        Assert.Contains("Chat.Messaging.Storage", Graph.Value["Chat.Messaging.Messages"]);
        Assert.Contains("Chat.Messaging.Contracts", Graph.Value["Chat.Messaging.Hubs"]);
        Assert.Contains(Root, Graph.Value["Chat.Messaging.Conversations"]);
    }

    [Fact]
    public void TheCycleCheckFindsACycle()
    {
        var graph = new Dictionary<string, IReadOnlySet<string>>
        {
            ["A"] = new HashSet<string> { "B" },
            ["B"] = new HashSet<string> { "C" },
            ["C"] = new HashSet<string> { "A" },
        };
        Assert.Equal(new[] { "A", "B", "C", "A" }, FindCycle(graph));
    }

    private static List<string> Namespaces() => Messaging.GetTypes()
        .Select(t => t.Namespace)
        .OfType<string>()
        .Where(ns => ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal))
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>Which Chat.Messaging namespaces each one's types reference (its own not counted).</summary>
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> BuildGraph()
    {
        var namespaces = Namespaces();
        // The root namespace is named by its types: a namespace name would match every child namespace too.
        var rootTypes = Messaging.GetTypes().Where(t => t.Namespace == Root && !t.IsNested).Select(t => t.FullName!).ToArray();
        var graph = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var from in namespaces)
        {
            var edges = new HashSet<string>();
            foreach (var to in namespaces.Where(to => to != from))
            {
                string[] target = to == Root ? rootTypes : [to];
                var dependents = Types.InAssembly(Messaging)
                    .That().ResideInNamespaceMatching($"^{Regex.Escape(from)}$")
                    .And().HaveDependencyOnAny(target)
                    .GetTypes();
                if (dependents.Any())
                {
                    edges.Add(to);
                }
            }
            graph[from] = edges;
        }
        return graph;
    }

    /// <summary>A cycle as the path that closes it (first node repeated at the end), or null.</summary>
    private static List<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return [.. path.Skip(at), node];
            }
            if (!done.Add(node))
            {
                return null;
            }
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? new HashSet<string>())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            return null;
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(node) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }
}
