using System.Text.Json.Serialization;

namespace CachetMonitor.Host.Webhooks;

/// <summary>
/// A <c>json: true</c> webhook's body (a flat object of strings), generated at compile time: the native executable
/// has no reflection-based serialisation (it would throw at run time).
/// </summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class WebhookJson : JsonSerializerContext;
