using Microsoft.Data.Sqlite;

namespace Chat.Sqlite;

/// <summary>
/// One service's SQLite file: opens pooled connections with the pragmas every store relies on
/// (WAL so readers never block the writer, a busy timeout so replicas sharing the file queue instead of failing).
/// </summary>
public sealed class SqliteDatabase
{
    private const string ConnectionPragmas = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        var fullPath = Path.GetFullPath(path);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
        if (!File.Exists(fullPath))
        {
            try
            {
                PrivateFiles.CreateNew(fullPath).Dispose();
            }
            catch (IOException) when (File.Exists(fullPath))
            {
                // Another replica sharing the file created it first.
            }
        }
        PrivateFiles.Restrict(fullPath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        FilePath = fullPath;
    }

    public string FilePath { get; }

    public async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = ConnectionPragmas;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Switches the file to WAL (persistent) and brings the schema up to date: every SQLite store keeps its file's
    /// history as one ordered list of steps, and step <c>i</c> runs once, when <c>PRAGMA user_version</c> is below
    /// <c>i + 1</c>. Each step runs in its own IMMEDIATE transaction, so replicas starting together apply it once; a
    /// file already up to date only reads the version. Steps are only ever appended, never edited or reordered.
    /// </summary>
    public void Migrate(params SqliteMigration[] steps)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = $"{ConnectionPragmas} PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
        for (var version = 1; version <= steps.Length; version++)
        {
            using var transaction = connection.BeginTransaction();
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "PRAGMA user_version";
            if ((long)read.ExecuteScalar()! >= version)
            {
                continue;
            }
            steps[version - 1].Apply(connection, transaction);
            using var done = connection.CreateCommand($"PRAGMA user_version = {version}", transaction);
            done.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
