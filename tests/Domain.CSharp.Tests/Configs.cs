namespace CachetMonitor.Domain.CSharp.Tests;

/// <summary>The configs the tests parse.</summary>
internal static class Configs
{
    /// <summary>One endpoint on component 7 that opens incidents, and a webhook.</summary>
    public const string Api = """
        endpoints:
          - name: api
            url: http://127.0.0.1:1/health
            method: GET
            timeout: 1
            frequency: 30
            allowed_fails: 0
            component_id: 7
            action: [UPDATE_STATUS, CREATE_INCIDENT]
            expectation:
              - type: HTTP_STATUS
                status_range: 200-300
        cachet:
          api_url: https://status.example.com/api/v1
          token: example-token
        webhooks:
          - url: https://hooks.example.com/notify
            params:
              text: "{title}: {message}"
        """;

    /// <summary>Nothing from the environment.</summary>
    public static string? NoEnvironment(string name) => null;

    /// <summary>The valid config of <paramref name="yaml"/>; fails the test when it has errors.</summary>
    public static MonitorConfig Parse(string yaml)
    {
        var parsed = MonitorCore.ParseConfig(yaml, NoEnvironment);
        Assert.True(parsed.TryGetConfig(out var config), string.Join("\n", parsed.Errors));
        return config;
    }
}
