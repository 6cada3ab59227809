using MongoDB.Driver;

namespace Chat.Mongo;

public static class MongoErrors
{
    /// <summary>A write refused by a unique index (E11000), whether it came alone or in a bulk write.</summary>
    public static bool IsDuplicateKey(this MongoException exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException command => command.Code == 11000,
        _ => false,
    };
}
