using Aspire.Hosting.ApplicationModel;
using Chat.AppHost;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.System.Tests;

/// <summary>
/// The AppHost's start-up order, read from its model without starting anything: services wait for one another in one
/// direction only, and every call that goes against that direction is declared as such.
/// </summary>
public class StartupOrderTests
{
    [Fact]
    public async Task ServicesWaitForEachOtherWithoutACycle()
    {
        var services = await LoadServicesAsync();

        var order = new List<string>();
        var done = new HashSet<string>();
        var visiting = new HashSet<string>();
        void Visit(string name)
        {
            if (done.Contains(name))
            {
                return;
            }
            Assert.True(visiting.Add(name), $"'{name}' waits, through others, for itself.");
            foreach (var waited in services[name].Waits)
            {
                Visit(waited);
            }
            visiting.Remove(name);
            done.Add(name);
            order.Add(name);
        }
        foreach (var name in services.Keys)
        {
            Visit(name);
        }

        Assert.Equal(["identity", "presence", "messaging", "media", "gateway"], order.Where(IsService));
    }

    [Fact]
    public async Task EveryServiceReferenceIsWaitedForOrDeclaredToStartLater()
    {
        var services = await LoadServicesAsync();

        foreach (var (name, service) in services.Where(s => IsService(s.Key)))
        {
            foreach (var referenced in service.References.Where(IsService))
            {
                if (service.Waits.Contains(referenced))
                {
                    continue;
                }
                Assert.True(service.Later.ContainsKey(referenced),
                    $"'{name}' references '{referenced}' but neither waits for it nor declares that it starts later.");
                Assert.True(WaitsFor(services, referenced, name),
                    $"'{name}' declares that '{referenced}' starts later, but '{referenced}' does not wait for '{name}'.");
            }
        }
    }

    private static bool IsService(string name) => name is "identity" or "presence" or "messaging" or "media" or "gateway";

    private static bool WaitsFor(IReadOnlyDictionary<string, ServiceModel> services, string from, string target) =>
        services[from].Waits.Any(w => w == target || WaitsFor(services, w, target));

    private sealed record ServiceModel(IReadOnlySet<string> Waits, IReadOnlySet<string> References, IReadOnlyDictionary<string, string> Later);

    private static async Task<IReadOnlyDictionary<string, ServiceModel>> LoadServicesAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            [$"--Chat:DataDirectory={Path.GetTempPath()}"], (app, _) => app.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        return model.Resources.ToDictionary(r => r.Name, r => new ServiceModel(
            r.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet(),
            r.Annotations.OfType<ResourceRelationshipAnnotation>().Where(a => a.Type == "Reference").Select(a => a.Resource.Name).ToHashSet(),
            r.Annotations.OfType<LaterServiceAnnotation>().ToDictionary(a => a.Service.Name, a => a.Because)));
    }
}
