using System.ComponentModel.DataAnnotations;
using Chat.Media.Storage;
using Chat.Mongo;
using Microsoft.Extensions.Configuration;

namespace Chat.Admin;

/// <summary>
/// Where a deployment keeps its data, read from the keys the services themselves use: each service's
/// <c>*:DataDirectory</c>, else <c>Chat:DataDirectory</c>/identity|messaging|media as the AppHost lays it out (default
/// <c>.data</c>); <c>ConnectionStrings:mongodb</c> moves all three services' documents to MongoDB; <c>Media:Blobs:*</c>.
/// </summary>
public sealed class DeploymentSettings
{
    public const string DefaultDataDirectory = ".data";

    public required string IdentityDatabase { get; init; }

    public required string MessagingDatabase { get; init; }

    public required string MediaDatabase { get; init; }

    /// <summary>Media's blob directory when <see cref="Blobs"/> is the filesystem engine.</summary>
    public required string BlobDirectory { get; init; }

    public string? MongoConnectionString { get; init; }

    public required BlobStoreOptions Blobs { get; init; }

    public static DeploymentSettings From(IConfiguration configuration)
    {
        var root = configuration["Chat:DataDirectory"] ?? DefaultDataDirectory;
        string DirectoryOf(string service) => Path.GetFullPath(configuration[$"{service}:DataDirectory"] ?? Path.Combine(root, service.ToLowerInvariant()));
        var media = DirectoryOf("Media");
        var blobs = new BlobStoreOptions();
        configuration.GetSection(BlobStoreOptions.SectionName).Bind(blobs);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(blobs, new ValidationContext(blobs), problems, validateAllProperties: true))
        {
            throw new AdminException(string.Join(Environment.NewLine, problems.Select(p => p.ErrorMessage)));
        }
        return new DeploymentSettings
        {
            IdentityDatabase = Path.Combine(DirectoryOf("Identity"), "identity.db"),
            MessagingDatabase = Path.Combine(DirectoryOf("Messaging"), "messaging.db"),
            MediaDatabase = Path.Combine(media, "media.db"),
            BlobDirectory = Path.Combine(media, "blobs"),
            MongoConnectionString = configuration.GetConnectionString(MongoRegistration.ConnectionName) is { Length: > 0 } mongo ? mongo : null,
            Blobs = blobs,
        };
    }

    /// <summary>Names the documents' and blobs' engines for the operator's log.</summary>
    public string Describe() =>
        (MongoConnectionString is null
            ? $"SQLite ({IdentityDatabase}, {MessagingDatabase}, {MediaDatabase})"
            : "MongoDB (ConnectionStrings:mongodb)")
        + (Blobs.Engine == BlobStoreOptions.S3Engine ? $", blobs in S3 bucket {Blobs.S3.Bucket}" : $", blobs in {BlobDirectory}");
}
