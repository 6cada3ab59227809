using System.Buffers.Binary;

namespace Chat.Media.Images;

/// <summary>
/// What an image's container says about its frames, read from chunk and block headers only (no pixel data):
/// the canvas, how many frames it holds and whether any frame reaches outside the canvas.
/// </summary>
/// <remarks>
/// Read by hand rather than through the decoder, so the frame policy does not depend on which animations a given
/// ImageSharp version happens to understand: a newer one that decodes animated WebP or APNG meets the same bound.
/// </remarks>
public sealed record FrameLayout(int CanvasWidth, int CanvasHeight, long Frames, bool FrameOutsideCanvas)
{
    public long CanvasPixels => (long)CanvasWidth * CanvasHeight;

    /// <summary>The layout of a GIF, PNG (APNG) or extended WebP; null when the container is not one of them or says too little.</summary>
    public static FrameLayout? Read(Stream stream)
    {
        try
        {
            Span<byte> signature = stackalloc byte[12];
            if (!TryRead(stream, signature))
            {
                return null;
            }
            stream.Position = 0;
            return signature switch
            {
                [0x47, 0x49, 0x46, 0x38, ..] => ReadGif(stream),
                [0x89, 0x50, 0x4E, 0x47, ..] => ReadPng(stream),
                [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50] => ReadWebp(stream),
                _ => null,
            };
        }
        catch (EndOfStreamException)
        {
            // A truncated container: the decoder will judge it, and refuse it if it is unusable.
            return null;
        }
    }

    private static FrameLayout? ReadGif(Stream stream)
    {
        Span<byte> header = stackalloc byte[13];
        ReadExactly(stream, header);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]), height = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        SkipColorTable(stream, header[10]);
        long frames = 0;
        var outside = false;
        Span<byte> descriptor = stackalloc byte[9];
        while (stream.ReadByte() is var block and not -1 and not 0x3B)
        {
            try
            {
                switch (block)
                {
                    case 0x21:
                        ReadByte(stream);
                        SkipSubBlocks(stream);
                        break;
                    case 0x2C:
                        ReadExactly(stream, descriptor);
                        int left = BinaryPrimitives.ReadUInt16LittleEndian(descriptor), top = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[2..]);
                        int frameWidth = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[4..]), frameHeight = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[6..]);
                        outside |= IsOutside(left, top, frameWidth, frameHeight, width, height);
                        frames++;
                        SkipColorTable(stream, descriptor[8]);
                        ReadByte(stream);
                        SkipSubBlocks(stream);
                        break;
                    default:
                        return new FrameLayout(width, height, Math.Max(frames, 1), outside);
                }
            }
            catch (EndOfStreamException)
            {
                // Cut short mid-block: the frames before the cut still count, so truncation cannot hide a bomb.
                break;
            }
        }
        return new FrameLayout(width, height, Math.Max(frames, 1), outside);
    }

    private static FrameLayout? ReadPng(Stream stream)
    {
        stream.Position = 8;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> data = stackalloc byte[26];
        int width = 0, height = 0;
        long declared = 0, controls = 0;
        var outside = false;
        while (TryRead(stream, chunk))
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var type = BinaryPrimitives.ReadUInt32BigEndian(chunk[4..]);
            var consumed = 0;
            switch (type)
            {
                case 0x49484452 when length >= 8: // IHDR
                    if (!TryRead(stream, data[..8]))
                    {
                        return Layout();
                    }
                    (width, height, consumed) = (ReadPngInt(data), ReadPngInt(data[4..]), 8);
                    break;
                case 0x6163544C when length >= 4: // acTL: the frame count the animation declares
                    if (!TryRead(stream, data[..4]))
                    {
                        return Layout();
                    }
                    (declared, consumed) = (BinaryPrimitives.ReadUInt32BigEndian(data), 4);
                    break;
                case 0x6663544C when length >= 20: // fcTL: one frame's rectangle
                    if (!TryRead(stream, data[..20]))
                    {
                        return Layout();
                    }
                    consumed = 20;
                    controls++;
                    outside |= IsOutside(ReadPngInt(data[12..]), ReadPngInt(data[16..]), ReadPngInt(data[4..]), ReadPngInt(data[8..]), width, height);
                    break;
                case 0x49454E44: // IEND
                    return Layout();
            }
            // The rest of the chunk and its CRC.
            stream.Seek(length - consumed + 4L, SeekOrigin.Current);
        }
        return Layout();

        FrameLayout? Layout() => width <= 0 || height <= 0 ? null : new FrameLayout(width, height, Math.Max(1, Math.Max(declared, controls)), outside);
    }

    private static FrameLayout? ReadWebp(Stream stream)
    {
        stream.Position = 12;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> data = stackalloc byte[12];
        int width = 0, height = 0;
        long frames = 0;
        var outside = false;
        while (TryRead(stream, chunk))
        {
            var type = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            var consumed = 0;
            switch (type)
            {
                case 0x56503858 when length >= 10: // VP8X: the canvas, 24-bit sizes less one
                    if (!TryRead(stream, data[..10]))
                    {
                        return Layout();
                    }
                    (width, height, consumed) = (ReadUInt24(data[4..]) + 1, ReadUInt24(data[7..]) + 1, 10);
                    break;
                case 0x414E4D46 when length >= 12: // ANMF: one frame, offsets in units of two pixels
                    if (!TryRead(stream, data))
                    {
                        return Layout();
                    }
                    consumed = 12;
                    frames++;
                    outside |= IsOutside(ReadUInt24(data) * 2, ReadUInt24(data[3..]) * 2, ReadUInt24(data[6..]) + 1, ReadUInt24(data[9..]) + 1, width, height);
                    break;
            }
            // Chunks are padded to an even length.
            stream.Seek(length - consumed + (length & 1), SeekOrigin.Current);
        }
        return Layout();

        // A simple (non-extended) WebP names its size inside the bitstream: the decoder's identify reads that.
        FrameLayout? Layout() => width <= 0 || height <= 0 ? null : new FrameLayout(width, height, Math.Max(frames, 1), outside);
    }

    private static bool IsOutside(long left, long top, long width, long height, long canvasWidth, long canvasHeight) =>
        width <= 0 || height <= 0 || left + width > canvasWidth || top + height > canvasHeight;

    private static int ReadPngInt(ReadOnlySpan<byte> bytes) => (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(bytes));

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => bytes[0] | bytes[1] << 8 | bytes[2] << 16;

    private static void SkipColorTable(Stream stream, byte packed)
    {
        if ((packed & 0x80) != 0)
        {
            stream.Seek(3L << ((packed & 7) + 1), SeekOrigin.Current);
        }
    }

    private static void SkipSubBlocks(Stream stream)
    {
        while (ReadByte(stream) is var size and > 0)
        {
            stream.Seek(size, SeekOrigin.Current);
        }
    }

    private static int ReadByte(Stream stream) => stream.ReadByte() is var b and not -1 ? b : throw new EndOfStreamException();

    private static void ReadExactly(Stream stream, Span<byte> buffer) => stream.ReadExactly(buffer);

    private static bool TryRead(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
}
