using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using MongoDB.Driver;

namespace Chat.Admin;

/// <summary>Runs one command; every refusal is a message on stderr and a non-zero exit code, never a stack trace.</summary>
public static class AdminCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        AdminOptions? options = null;
        try
        {
            options = AdminOptions.Parse(args);
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables()
                .AddCommandLine([.. options.ConfigurationArguments])
                .Build();
            var settings = DeploymentSettings.From(configuration);
            if (options.Command == AdminOptions.Import && !File.Exists(options.File))
            {
                throw new AdminException($"There is no export file {options.File}.");
            }
            using var stores = DeploymentStores.Open(settings, existing: options.Command == AdminOptions.Export);
            if (options.Command == AdminOptions.Export)
            {
                var manifest = await new DeploymentExporter(stores, error, TimeProvider.System).ExportAsync(options.File, cancellationToken);
                await output.WriteLineAsync($"exported {settings.Describe()} to {options.File}: {Summary(manifest)}");
            }
            else
            {
                var manifest = await new DeploymentImporter(stores, output).ImportAsync(options.File, options.AllowNonEmpty, cancellationToken);
                await output.WriteLineAsync($"imported {options.File} into {settings.Describe()}: {Summary(manifest)}");
            }
            return 0;
        }
        catch (AdminException e)
        {
            await error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
        catch (Exception e) when (e is FormatException or MongoConfigurationException)
        {
            // A malformed setting (a connection string, a command-line key without a value).
            await error.WriteLineAsync($"Invalid configuration: {e.Message}");
            return AdminException.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or MongoException)
        {
            // The engines' own words are the clearest account of a full disk, a locked file or an unreachable server.
            await error.WriteLineAsync($"{options?.Command ?? "command"} failed: {e.Message}");
            return AdminException.Failed;
        }
    }

    private static string Summary(ArchiveManifest manifest) =>
        string.Join(", ", manifest.Counts.Select(count => $"{count.Value} {count.Key.TrimEnd('/')}"));
}
