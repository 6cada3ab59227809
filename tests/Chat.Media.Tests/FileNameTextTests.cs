using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

/// <summary>An uploaded file's name, shown to every member, cannot carry characters that reorder or hide its text.</summary>
public sealed class FileNameTextTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    public static TheoryData<string> Refused() =>
    [
        "\u202E", "\u202D", "\u2067", "\u2068", // bidi overrides and isolates
        "\u200B", "\u200C", "\u200E", "\u2060", "\uFEFF", // zero-width and marks
        "\u0001", "\u007F", // other controls
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AFileNameWithAnInvisibleOrControlCharacterIsRejectedNamingTheField(string character)
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        // "invoice‮fdp.exe" displays as "invoiceexe.pdf".
        using var upload = await _services.UploadAsync(a, conversationId, "%PDF-1.4 x"u8.ToArray(), $"invoice{character}fdp.exe");

        var problem = await AssertProblemAsync(upload, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.Errors?.ContainsKey("fileName"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AFileNameInAnotherScriptIsKept()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        var uploaded = await _services.UploadCreatedAsync(a, conversationId, "%PDF-1.4 x"u8.ToArray(), "חשבונית Σ.pdf");

        Assert.Equal("חשבונית Σ.pdf", uploaded.GetProperty("fileName").GetString());
    }
}
