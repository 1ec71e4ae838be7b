using System.Text.Json.Serialization;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// <c>check --json</c>'s output, generated at compile time: the native executable has no reflection-based
/// serialisation (it would throw at run time).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CheckCommand.Row[]))]
internal sealed partial class CheckJson : JsonSerializerContext;
