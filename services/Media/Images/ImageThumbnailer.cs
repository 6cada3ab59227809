using Chat.Sqlite;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Processing;

namespace Chat.Media.Images;

/// <summary>An image that decoded: its upright size and a staged thumbnail file.</summary>
public sealed record Thumbnail(int Width, int Height, string StagedPath, string ContentType);

public enum ImageRejection
{
    None,
    Corrupt,
    TooManyPixels,
    AnimationTooLarge,
}

public sealed record ThumbnailResult(
    Thumbnail? Thumbnail, ImageRejection Rejection, int DeclaredWidth = 0, int DeclaredHeight = 0, long DeclaredFrames = 1);

/// <summary>
/// Checks an uploaded image's declared size and frames before decoding it, then decodes its first frame once to make
/// an upright, metadata-free WebP thumbnail. The original bytes are kept as uploaded.
/// </summary>
/// <remarks>
/// Frame policy, the same for every format: the frames are counted from the container's headers (<see cref="FrameLayout"/>)
/// before anything is decoded; a frame reaching outside the canvas is refused as corrupt, and frames × canvas over
/// <see cref="MediaOptions.MaxAnimationPixels"/> as too large (a decoder composes each frame on a whole canvas, and a
/// browser showing the original decodes them all). Only the first frame is ever decoded here.
/// </remarks>
public sealed class ImageThumbnailer
{
    public const string ThumbnailContentType = "image/webp";

    private readonly MediaOptions _options;
    private readonly Configuration _configuration;
    // Decoding holds the whole bitmap in memory: bound how many run at once.
    private readonly SemaphoreSlim _decodes = new(Math.Max(1, Environment.ProcessorCount / 2));

    public ImageThumbnailer(IOptions<MediaOptions> options)
    {
        _options = options.Value;
        // Only the four formats the service accepts: no other (multi-page) decoder is reachable at all.
        _configuration = new Configuration(
            new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(), new WebpConfigurationModule());
        // Bitmaps are 4 bytes a pixel at most, so this bounds one decode by the pixel limit too.
        _configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = (int)Math.Min(int.MaxValue, _options.MaxImagePixels * 4 / (1024 * 1024) + 64),
        });
        // An animation's thumbnail is its first frame; decoding every frame would multiply the pixel budget.
        // (This ImageSharp decodes only the first frame of PNG and refuses animated WebP; the header check bounds both anyway.)
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First, MaxFrames = 1 });
    }

    public async Task<ThumbnailResult> CreateAsync(string imagePath, string stagingDirectory, CancellationToken cancellationToken)
    {
        if (CheckFrames(imagePath) is { } refused)
        {
            return refused;
        }
        IImageInfo? info;
        try
        {
            info = await Image.IdentifyAsync(_configuration, imagePath, cancellationToken);
        }
        catch (Exception e) when (IsUndecodable(e))
        {
            return new ThumbnailResult(null, ImageRejection.Corrupt);
        }
        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            return new ThumbnailResult(null, ImageRejection.Corrupt);
        }
        if ((long)info.Width * info.Height > _options.MaxImagePixels)
        {
            return new ThumbnailResult(null, ImageRejection.TooManyPixels, info.Width, info.Height);
        }

        var stagedPath = Path.Combine(stagingDirectory, Guid.NewGuid().ToString("N"));
        await _decodes.WaitAsync(cancellationToken);
        try
        {
            using var image = await Image.LoadAsync(_configuration, imagePath, cancellationToken);
            // Whatever a decoder did, the thumbnail is made from one frame.
            while (image.Frames.Count > 1)
            {
                image.Frames.RemoveFrame(image.Frames.Count - 1);
            }
            image.Mutate(context => context.AutoOrient());
            var (width, height) = (image.Width, image.Height);
            var scale = Math.Min(1.0, (double)_options.ThumbnailSize / Math.Max(width, height));
            image.Mutate(context => context.Resize(
                Math.Max(1, (int)Math.Round(width * scale)),
                Math.Max(1, (int)Math.Round(height * scale))));
            StripMetadata(image.Metadata);

            await using (var output = PrivateFiles.CreateNew(stagedPath, 64 * 1024, FileOptions.Asynchronous))
            {
                await image.SaveAsync(output, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 80 }, cancellationToken);
            }
            return new ThumbnailResult(new Thumbnail(width, height, stagedPath, ThumbnailContentType), ImageRejection.None);
        }
        catch (Exception e) when (IsUndecodable(e))
        {
            File.Delete(stagedPath);
            return new ThumbnailResult(null, ImageRejection.Corrupt);
        }
        finally
        {
            _decodes.Release();
        }
    }

    /// <summary>The frame policy, applied to the container's headers alone; null when the image may be decoded.</summary>
    private ThumbnailResult? CheckFrames(string imagePath)
    {
        FrameLayout? layout;
        using (var stream = new FileStream(imagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024))
        {
            layout = FrameLayout.Read(stream);
        }
        if (layout is null)
        {
            return null;
        }
        if (layout.CanvasPixels > _options.MaxImagePixels)
        {
            return new ThumbnailResult(null, ImageRejection.TooManyPixels, layout.CanvasWidth, layout.CanvasHeight);
        }
        if (layout.FrameOutsideCanvas)
        {
            return new ThumbnailResult(null, ImageRejection.Corrupt);
        }
        if (layout.Frames > 1 && layout.Frames * layout.CanvasPixels > _options.MaxAnimationPixels)
        {
            return new ThumbnailResult(null, ImageRejection.AnimationTooLarge, layout.CanvasWidth, layout.CanvasHeight, layout.Frames);
        }
        return null;
    }

    private static void StripMetadata(ImageMetadata metadata)
    {
        metadata.ExifProfile = null;
        metadata.IccProfile = null;
        metadata.IptcProfile = null;
        metadata.XmpProfile = null;
    }

    private static bool IsUndecodable(Exception e) =>
        e is ImageFormatException or NotSupportedException or InvalidMemoryOperationException or EndOfStreamException or IndexOutOfRangeException or ArgumentException;
}
