using System.ComponentModel.DataAnnotations;

namespace Chat.Media.Storage;

/// <summary>Where blobs live: <c>Media:Blobs:Engine</c> = <c>filesystem</c> (the data directory) or <c>s3</c> (MinIO or any S3).</summary>
public sealed class BlobStoreOptions : IValidatableObject
{
    public const string SectionName = "Media:Blobs";
    public const string FileSystem = "filesystem";
    public const string S3Engine = "s3";

    [Required]
    public string Engine { get; set; } = FileSystem;

    public S3BlobStoreOptions S3 { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Engine is not (FileSystem or S3Engine))
        {
            yield return new ValidationResult($"Media:Blobs:Engine is '{FileSystem}' or '{S3Engine}', not '{Engine}'.", [nameof(Engine)]);
        }
        if (Engine == S3Engine)
        {
            if (!Uri.TryCreate(S3.ServiceUrl, UriKind.Absolute, out _))
            {
                yield return new ValidationResult("Media:Blobs:S3:ServiceUrl must be an absolute URL (e.g. http://127.0.0.1:9000).", [nameof(S3)]);
            }
            if (string.IsNullOrWhiteSpace(S3.Bucket) || string.IsNullOrWhiteSpace(S3.AccessKey) || string.IsNullOrWhiteSpace(S3.SecretKey))
            {
                yield return new ValidationResult("Media:Blobs:S3 needs Bucket, AccessKey and SecretKey.", [nameof(S3)]);
            }
        }
    }
}

public sealed class S3BlobStoreOptions
{
    /// <summary>The S3 endpoint, e.g. MinIO's <c>http://127.0.0.1:9000</c>; addressed path-style (no bucket sub-domains).</summary>
    public string ServiceUrl { get; set; } = "";

    public string Bucket { get; set; } = "chat-media";

    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>The signing region; MinIO accepts any, AWS wants the bucket's.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Creates the bucket on first use when it is missing (off where the bucket is provisioned and the key may not create one).</summary>
    public bool CreateBucket { get; set; } = true;
}
