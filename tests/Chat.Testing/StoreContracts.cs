using MongoDB.Driver;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Chat.Testing;

/// <summary>
/// Marks a contract-suite subclass that needs an engine this machine may not have: its tests run when the environment
/// variable holds a connection string and otherwise report SKIPPED with the reason — never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentVariableAttribute(string name, string purpose) : Attribute
{
    public string Name { get; } = name;

    public string Purpose { get; } = purpose;
}

/// <summary>A contract test: a fact, skipped with a reason when the test class names an environment variable that is unset.</summary>
[XunitTestCaseDiscoverer("Chat.Testing.ContractFactDiscoverer", "Chat.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

public static class MongoDbTesting
{
    public const string Variable = "CHAT_TEST_MONGODB";

    public const string Purpose = "a MongoDB replica-set connection string (transactions need a replica set), e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0";

    /// <summary>The connection string, or an exception: only reached by tests that were not skipped.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set.");

    /// <summary>A database name no other test run uses, so suites never see each other's documents.</summary>
    public static string NewDatabaseName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}

/// <summary>A database of its own on the test MongoDB, dropped with everything in it when the test is done.</summary>
public sealed class MongoTestDatabase(string prefix) : IDisposable
{
    public MongoClient Client { get; } = new(MongoDbTesting.ConnectionString);

    public string Name { get; } = MongoDbTesting.NewDatabaseName(prefix);

    public IMongoDatabase Database => Client.GetDatabase(Name);

    public void Dispose()
    {
        Client.DropDatabase(Name);
        Client.Dispose();
    }
}

public static class SqliteTesting
{
    /// <summary>A database file path in a new temporary directory, so no two tests share a file.</summary>
    public static string NewDatabasePath(string fileName) =>
        Path.Combine(Directory.CreateTempSubdirectory("chat-store-").FullName, fileName);
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        string? skipReason = null;
        foreach (var requirement in testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentVariableAttribute)))
        {
            var name = requirement.GetConstructorArguments().First() as string ?? "";
            var purpose = requirement.GetConstructorArguments().Skip(1).First() as string ?? "";
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)))
            {
                skipReason = $"{name} is not set: set it to {purpose} to run this suite.";
            }
        }
        yield return new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skipReason);
    }
}

/// <summary>An ordinary xUnit test case whose skip reason can come from the test class rather than the attribute.</summary>
public sealed class ContractTestCase : XunitTestCase
{
    private string? _skipReason;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, string? skipReason)
        : base(sink, display, options, testMethod)
    {
        _skipReason = skipReason;
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => _skipReason ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("ContractSkipReason", _skipReason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _skipReason = data.GetValue<string>("ContractSkipReason");
        base.Deserialize(data);
    }
}
