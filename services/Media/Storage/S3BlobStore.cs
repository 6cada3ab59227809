using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Chat.Media.Storage;

/// <summary>
/// Blobs as S3 objects (MinIO, or any S3) named by their key, which is a content hash, never user input. Path-style
/// addressing, no chunked (streaming) signatures and checksums only where required, which non-AWS servers need.
/// Reads come back as a seekable <see cref="S3ObjectStream"/>, so range requests on downloads keep working.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly Lazy<Task> _bucketReady;

    public S3BlobStore(S3BlobStoreOptions options)
    {
        _s3 = new AmazonS3Client(
            new BasicAWSCredentials(options.AccessKey, options.SecretKey),
            new AmazonS3Config
            {
                ServiceURL = options.ServiceUrl,
                ForcePathStyle = true,
                AuthenticationRegion = options.Region,
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
        _bucket = options.Bucket;
        _bucketReady = new Lazy<Task>(() => options.CreateBucket ? CreateBucketAsync() : Task.CompletedTask);
    }

    public async Task PutAsync(string key, string stagedFilePath, CancellationToken cancellationToken)
    {
        BlobKeys.Validate(key);
        await _bucketReady.Value.WaitAsync(cancellationToken);
        // Same key, same bytes: an object that is already there is kept and the upload skipped.
        if (await LengthAsync(key, cancellationToken) is null)
        {
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                FilePath = stagedFilePath,
                ContentType = "application/octet-stream",
                UseChunkEncoding = false,
            }, cancellationToken);
        }
        File.Delete(stagedFilePath);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        BlobKeys.Validate(key);
        await _bucketReady.Value.WaitAsync(cancellationToken);
        return await LengthAsync(key, cancellationToken) is { } length ? new S3ObjectStream(_s3, _bucket, key, length) : null;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        BlobKeys.Validate(key);
        await _bucketReady.Value.WaitAsync(cancellationToken);
        // S3 answers 204 whether or not the object existed.
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
    }

    public void Dispose() => _s3.Dispose();

    private async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task CreateBucketAsync()
    {
        try
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _bucket });
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists" || e.StatusCode == HttpStatusCode.Conflict)
        {
            // Another replica, or an operator, made it first.
        }
    }
}
