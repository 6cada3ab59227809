using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;

namespace Chat.Mongo;

public static class MongoRegistration
{
    /// <summary>The connection string that switches a service's documents from SQLite to MongoDB.</summary>
    public const string ConnectionName = "mongodb";

    /// <summary>
    /// When <c>ConnectionStrings:mongodb</c> is set, registers one <see cref="IMongoClient"/> and the service's
    /// <see cref="IMongoDatabase"/> (the database named in the connection string, else <paramref name="defaultDatabaseName"/>)
    /// and answers true; otherwise registers nothing and answers false (the service keeps its SQLite file).
    /// </summary>
    public static bool AddMongoDatabaseIfConfigured(this IHostApplicationBuilder builder, string defaultDatabaseName)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }
        var url = MongoUrl.Create(connectionString);
        builder.Services.AddSingleton<IMongoClient>(_ => new MongoClient(url));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName ?? defaultDatabaseName));
        builder.Services.AddSingleton<MongoIdSequences>();
        return true;
    }
}
