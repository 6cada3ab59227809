using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Chat.Media.Tests;

/// <summary>Real images made with ImageSharp, so every format the service accepts is exercised with true bytes.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height) => Encode(width, height, new PngEncoder());

    public static byte[] Jpeg(int width, int height, ushort? exifOrientation = null) => Encode(width, height, new JpegEncoder(), exifOrientation);

    public static byte[] Gif(int width, int height) => Encode(width, height, new GifEncoder());

    public static byte[] Webp(int width, int height) => Encode(width, height, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });

    public static byte[] Of(string format, int width, int height) => format switch
    {
        "png" => Png(width, height),
        "jpeg" => Jpeg(width, height),
        "gif" => Gif(width, height),
        "webp" => Webp(width, height),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>A real PNG whose header is rewritten to claim the given size (CRC fixed), with the original few pixels behind it.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var png = Png(4, 4);
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height; the CRC covers type and data (17 bytes).
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A flat image with one red corner pixel, optionally carrying an EXIF orientation.</summary>
    private static byte[] Encode(int width, int height, IImageEncoder encoder, ushort? exifOrientation = null)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(30, 90, 200));
        image[0, 0] = new Rgba32(255, 0, 0);
        if (exifOrientation is { } orientation)
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
            image.Metadata.ExifProfile.SetValue(ExifTag.Software, "chat-tests");
        }
        using var output = new MemoryStream();
        image.Save(output, encoder);
        return output.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
