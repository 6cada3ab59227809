using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Messaging.Hubs;

public sealed partial class ChatBackplane
{
    private enum Target : byte
    {
        Hello = 0,
        All = 1,
        Users = 2,
        Connections = 3,
    }

    /// <summary>
    /// One backplane message: format version, the sending replica, its number in that replica's stream, whom it is
    /// for, and the push already serialised in every hub protocol, so a receiving replica writes bytes and serialises
    /// nothing.
    /// <code>2 | origin (16) | number (8) | target (1) | ids | excluded ids | protocols: name, length, bytes</code>
    /// Counts and lengths are 32-bit little-endian; strings are UTF-8 with a length before them.
    /// </summary>
    private readonly record struct Envelope(
        Guid Origin, long Number, Target Target, string[] Ids, string[] Excluded, SerializedHubMessage? Message)
    {
        private const byte Version = 2;
        private const int HeaderLength = 1 + 16 + 8 + 1;

        public static byte[] Hello(Guid origin, long number)
        {
            var buffer = new ArrayBufferWriter<byte>(HeaderLength);
            WriteHeader(buffer, origin, number, Target.Hello);
            return buffer.WrittenSpan.ToArray();
        }

        public static byte[] Push(
            Guid origin, long number, Target target, IReadOnlyList<string> ids, IReadOnlyList<string> excluded,
            IReadOnlyList<IHubProtocol> protocols, SerializedHubMessage message)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            WriteHeader(buffer, origin, number, target);
            WriteStrings(buffer, ids);
            WriteStrings(buffer, excluded);
            WriteInt(buffer, protocols.Count);
            foreach (var protocol in protocols)
            {
                var bytes = message.GetSerializedMessage(protocol).Span;
                WriteString(buffer, protocol.Name);
                WriteInt(buffer, bytes.Length);
                buffer.Write(bytes);
            }
            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>Numbers an envelope once built: the number is taken only as it goes out.</summary>
        public static void SetNumber(byte[] envelope, long number) =>
            BinaryPrimitives.WriteInt64LittleEndian(envelope.AsSpan(17, 8), number);

        public static Envelope Read(ReadOnlyMemory<byte> data)
        {
            var reader = new Reader(data);
            if (reader.Byte() != Version)
            {
                throw new InvalidDataException("Unknown backplane message version.");
            }
            var origin = new Guid(reader.Bytes(16).Span);
            var number = BinaryPrimitives.ReadInt64LittleEndian(reader.Bytes(8).Span);
            var target = (Target)reader.Byte();
            if (target == Target.Hello)
            {
                return new Envelope(origin, number, target, [], [], null);
            }
            if (target is not (Target.All or Target.Users or Target.Connections))
            {
                throw new InvalidDataException("Unknown backplane target.");
            }
            var ids = reader.Strings();
            var excluded = reader.Strings();
            var serialized = new SerializedMessage[reader.Count()];
            for (var i = 0; i < serialized.Length; i++)
            {
                var name = reader.String();
                serialized[i] = new SerializedMessage(name, reader.Bytes(reader.Count()));
            }
            return new Envelope(origin, number, target, ids, excluded, new SerializedHubMessage(serialized));
        }

        private static void WriteHeader(ArrayBufferWriter<byte> buffer, Guid origin, long number, Target target)
        {
            var span = buffer.GetSpan(HeaderLength);
            span[0] = Version;
            origin.TryWriteBytes(span[1..17]);
            BinaryPrimitives.WriteInt64LittleEndian(span[17..25], number);
            span[25] = (byte)target;
            buffer.Advance(HeaderLength);
        }

        private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
            buffer.Advance(4);
        }

        private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            WriteInt(buffer, length);
            Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
            buffer.Advance(length);
        }

        private static void WriteStrings(ArrayBufferWriter<byte> buffer, IReadOnlyList<string> values)
        {
            WriteInt(buffer, values.Count);
            foreach (var value in values)
            {
                WriteString(buffer, value);
            }
        }
    }

    private struct Reader(ReadOnlyMemory<byte> data)
    {
        private int _position;

        public byte Byte() => Bytes(1).Span[0];

        public ReadOnlyMemory<byte> Bytes(int length)
        {
            if (length < 0 || length > data.Length - _position)
            {
                throw new InvalidDataException("A backplane message ended early.");
            }
            var slice = data.Slice(_position, length);
            _position += length;
            return slice;
        }

        public int Count() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4).Span);

        public string String() => Encoding.UTF8.GetString(Bytes(Count()).Span);

        public string[] Strings()
        {
            var count = Count();
            if (count < 0 || count > data.Length)
            {
                throw new InvalidDataException("A backplane message has an impossible count.");
            }
            var values = new string[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = String();
            }
            return values;
        }
    }
}
