using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Chat.Testing;

/// <summary>Real images made with ImageSharp, so every format the service accepts is exercised with true bytes.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height) => Encode(width, height, new PngEncoder());

    /// <summary>A sunset-coloured gradient PNG: something worth looking at in a screenshot.</summary>
    public static byte[] Gradient(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(255 - y * 120 / height), (byte)(90 + x * 110 / width), (byte)(60 + y * 180 / height));
            }
        }
        using var output = new MemoryStream();
        image.Save(output, new PngEncoder());
        return output.ToArray();
    }

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

    /// <summary>
    /// An animated GIF: a canvas of the given size and that many 1 × 1 frames. Small as a file, but every frame a
    /// decoder composes costs a whole canvas.
    /// </summary>
    public static byte[] AnimatedGif(int canvasWidth, int canvasHeight, int frames)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, canvasWidth);
        WriteUInt16(output, canvasHeight);
        // A global colour table of two entries (black, white); background 0; no aspect ratio.
        output.Write([0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]);
        for (var i = 0; i < frames; i++)
        {
            // Graphic control: 1/100 s a frame.
            output.Write([0x21, 0xF9, 4, 0, 1, 0, 0, 0]);
            output.WriteByte(0x2C);
            WriteUInt16(output, 0);
            WriteUInt16(output, 0);
            WriteUInt16(output, 1);
            WriteUInt16(output, 1);
            // No local table; LZW code size 2; codes clear (4), pixel 0, end (5) in 3 bits each.
            output.Write([0, 2, 2, 0x44, 0x01, 0]);
        }
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>A real GIF whose screen is rewritten to be smaller than its one frame.</summary>
    public static byte[] GifWithFrameOutsideItsCanvas(int frameWidth, int frameHeight, int canvasWidth, int canvasHeight)
    {
        var gif = Gif(frameWidth, frameHeight);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), (ushort)canvasWidth);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), (ushort)canvasHeight);
        return gif;
    }

    /// <summary>
    /// An animated PNG (APNG), built chunk by chunk: a grey canvas of the given size as its default image and first
    /// frame, then 1 × 1 frames, so the file stays small.
    /// </summary>
    public static byte[] AnimatedPng(int canvasWidth, int canvasHeight, int frames)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, canvasWidth);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), canvasHeight);
        // 8-bit greyscale, deflate, adaptive filtering, no interlace.
        header[8] = 8;
        WritePngChunk(output, "IHDR", header);
        var animation = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(animation, frames);
        WritePngChunk(output, "acTL", animation);
        var sequence = 0;
        WritePngChunk(output, "fcTL", FrameControl(sequence++, canvasWidth, canvasHeight));
        WritePngChunk(output, "IDAT", Deflate(new byte[(canvasWidth + 1) * canvasHeight]));
        var pixel = Deflate(new byte[2]);
        for (var i = 1; i < frames; i++)
        {
            WritePngChunk(output, "fcTL", FrameControl(sequence++, 1, 1));
            var data = new byte[4 + pixel.Length];
            BinaryPrimitives.WriteInt32BigEndian(data, sequence++);
            pixel.CopyTo(data, 4);
            WritePngChunk(output, "fdAT", data);
        }
        WritePngChunk(output, "IEND", []);
        return output.ToArray();

        static byte[] FrameControl(int sequence, int width, int height)
        {
            var control = new byte[26];
            BinaryPrimitives.WriteInt32BigEndian(control, sequence);
            BinaryPrimitives.WriteInt32BigEndian(control.AsSpan(4), width);
            BinaryPrimitives.WriteInt32BigEndian(control.AsSpan(8), height);
            // Offsets 0, 0; delay 1/10 s.
            BinaryPrimitives.WriteUInt16BigEndian(control.AsSpan(20), 1);
            BinaryPrimitives.WriteUInt16BigEndian(control.AsSpan(22), 10);
            return control;
        }
    }

    /// <summary>
    /// An animated WebP, built by hand (this encoder writes no animations): a VP8X header declaring the canvas, an
    /// ANIM chunk, then that many ANMF frames each holding a real 1 × 1 lossless bitstream.
    /// </summary>
    public static byte[] AnimatedWebp(int canvasWidth, int canvasHeight, int frames)
    {
        var still = Webp(1, 1);
        var bitstream = FindRiffChunk(still, "VP8L");
        using var body = new MemoryStream();
        body.Write("WEBP"u8);
        // Flags: animation (0x02); then the canvas, 24-bit sizes less one.
        var extended = new byte[10];
        extended[0] = 0x02;
        WriteUInt24(extended.AsSpan(4), canvasWidth - 1);
        WriteUInt24(extended.AsSpan(7), canvasHeight - 1);
        WriteRiffChunk(body, "VP8X", extended);
        // Background colour, loop forever.
        WriteRiffChunk(body, "ANIM", new byte[6]);
        var frame = new byte[16 + 8 + bitstream.Length + (bitstream.Length & 1)];
        // Offset 0, 0; 1 × 1 (sizes less one are 0); 100 ms.
        WriteUInt24(frame.AsSpan(12), 100);
        Encoding.ASCII.GetBytes("VP8L").CopyTo(frame, 16);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(20), bitstream.Length);
        bitstream.CopyTo(frame, 24);
        for (var i = 0; i < frames; i++)
        {
            WriteRiffChunk(body, "ANMF", frame);
        }
        using var output = new MemoryStream();
        output.Write("RIFF"u8);
        var size = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(size, (int)body.Length);
        output.Write(size);
        body.Position = 0;
        body.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] FindRiffChunk(byte[] riff, string type)
    {
        for (var offset = 12; offset + 8 <= riff.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(riff.AsSpan(offset + 4));
            if (Encoding.ASCII.GetString(riff, offset, 4) == type)
            {
                return riff.AsSpan(offset + 8, length).ToArray();
            }
            offset += 8 + length + (length & 1);
        }
        throw new InvalidOperationException($"No {type} chunk.");
    }

    private static void WriteRiffChunk(Stream output, string type, byte[] data)
    {
        output.Write(Encoding.ASCII.GetBytes(type));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, data.Length);
        output.Write(length);
        output.Write(data);
        if ((data.Length & 1) != 0)
        {
            output.WriteByte(0);
        }
    }

    private static void WritePngChunk(Stream output, string type, byte[] data)
    {
        var chunk = new byte[8 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        output.Write(chunk);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(chunk.AsSpan(4)));
        output.Write(crc);
    }

    private static byte[] Deflate(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(raw);
        }
        return output.ToArray();
    }

    private static void WriteUInt16(Stream output, int value) => output.Write([(byte)value, (byte)(value >> 8)]);

    private static void WriteUInt24(Span<byte> bytes, int value) => (bytes[0], bytes[1], bytes[2]) = ((byte)value, (byte)(value >> 8), (byte)(value >> 16));

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
