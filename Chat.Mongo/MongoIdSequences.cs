using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Mongo;

/// <summary>
/// 64-bit ids from named counters (one document per sequence, <c>$inc</c> with upsert), so ids stay the small
/// integers the public contract promises instead of ObjectIds. A failed insert after taking an id leaves a gap; ids
/// only need to be unique.
/// </summary>
public sealed class MongoIdSequences(IMongoDatabase database)
{
    public const string CollectionName = "sequences";

    private readonly IMongoCollection<SequenceDocument> _sequences = database.GetCollection<SequenceDocument>(CollectionName);

    public async Task<long> NextAsync(string name, CancellationToken cancellationToken)
    {
        // An upsert on an _id equality is retried by the server when two first uses race on the unique _id.
        var sequence = await _sequences.FindOneAndUpdateAsync(
            Builders<SequenceDocument>.Filter.Eq(s => s.Name, name),
            Builders<SequenceDocument>.Update.Inc(s => s.Value, 1L),
            new FindOneAndUpdateOptions<SequenceDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return sequence.Value;
    }

    public sealed class SequenceDocument
    {
        [BsonId]
        public string Name { get; set; } = "";

        [BsonElement("value")]
        [BsonRepresentation(BsonType.Int64)]
        public long Value { get; set; }
    }
}
