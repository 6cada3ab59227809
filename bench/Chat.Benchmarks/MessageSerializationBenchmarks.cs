using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Chat.Messaging.Contracts;
using MessagePack;
using MessagePack.Resolvers;

namespace Chat.Benchmarks;

/// <summary>
/// One <c>MessageReceived</c> payload, as the hub's two protocols write and read it: System.Text.Json with a source-generated
/// context (what the JSON hub protocol is configured with) and MessagePack with the contractless resolver (what SignalR's
/// MessagePack protocol uses for types without attributes).
/// </summary>
[MemoryDiagnoser]
public class MessageSerializationBenchmarks
{
    private static readonly MessagePackSerializerOptions MessagePackOptions = MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance);

    private readonly MessageView _message = new(1234, 56789, 42, "0b7c9f8e-client-id", "text",
        new string('x', 100), [], null, DateTimeOffset.UtcNow, null, null, 56789);

    private byte[] _json = null!;
    private byte[] _messagePack = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _json = JsonSerializer.SerializeToUtf8Bytes(_message, BenchJsonContext.Default.MessageView);
        _messagePack = MessagePackSerializer.Serialize(_message, MessagePackOptions);
        Console.WriteLine($"// payload: JSON {_json.Length} bytes, MessagePack {_messagePack.Length} bytes");
    }

    [Benchmark(Baseline = true)]
    public byte[] SerializeJsonSourceGenerated() => JsonSerializer.SerializeToUtf8Bytes(_message, BenchJsonContext.Default.MessageView);

    [Benchmark]
    public byte[] SerializeMessagePackContractless() => MessagePackSerializer.Serialize(_message, MessagePackOptions);

    [Benchmark]
    public MessageView? DeserializeJsonSourceGenerated() => JsonSerializer.Deserialize(_json, BenchJsonContext.Default.MessageView);

    [Benchmark]
    public MessageView DeserializeMessagePackContractless() => MessagePackSerializer.Deserialize<MessageView>(_messagePack, MessagePackOptions);
}

/// <summary>The same source-generated shape as Messaging's own (internal) JSON context: web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageView))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
