using Microsoft.Data.Sqlite;

namespace Chat.Sqlite;

/// <summary>
/// One step of a file's schema history, run once and in order by <see cref="SqliteDatabase.Migrate"/>: SQL (a string
/// converts to a step), or a column that a file from before numbered steps may already have.
/// </summary>
public abstract class SqliteMigration
{
    public static implicit operator SqliteMigration(string sql) => new Sql(sql);

    /// <summary>
    /// Adds the column unless the table already has it (a file whose schema was kept by name, before numbered steps);
    /// <paramref name="backfill"/> runs only when the column is added here.
    /// </summary>
    public static SqliteMigration AddColumn(string table, string name, string type, string? backfill = null) => new Column(table, name, type, backfill);

    internal abstract void Apply(SqliteConnection connection, SqliteTransaction transaction);

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand(sql, transaction);
        command.ExecuteNonQuery();
    }

    private sealed class Sql(string sql) : SqliteMigration
    {
        internal override void Apply(SqliteConnection connection, SqliteTransaction transaction) => Execute(connection, transaction, sql);
    }

    private sealed class Column(string table, string name, string type, string? backfill) : SqliteMigration
    {
        internal override void Apply(SqliteConnection connection, SqliteTransaction transaction)
        {
            using (var exists = connection.CreateCommand("SELECT EXISTS (SELECT 1 FROM pragma_table_info(@table) WHERE name = @name COLLATE NOCASE)", transaction)
                .With("@table", table)
                .With("@name", name))
            {
                if ((long)exists.ExecuteScalar()! == 1)
                {
                    return;
                }
            }
            Execute(connection, transaction, $"ALTER TABLE {table} ADD COLUMN {name} {type}");
            if (backfill is not null)
            {
                Execute(connection, transaction, backfill);
            }
        }
    }
}
