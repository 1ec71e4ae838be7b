/// A fake time-zone lookup for config reads: the zones the tests name, and no other (the core asks it, not the machine).
module CachetMonitor.Tests.Support.TestTimeZones

open System

/// The IANA names this lookup knows.
let known = [ "UTC"; "Europe/Berlin"; "America/New_York"; "Australia/Lord_Howe" ]

/// The known zones (built from the machine's data, which the tests may read); any other name is unknown.
let lookup (name: string) : TimeZoneInfo option =
    if List.contains name known then
        Some(TimeZoneInfo.FindSystemTimeZoneById name)
    else
        None

/// The same lookup for the C# entry points (null = unknown).
let func =
    Func<string, TimeZoneInfo | null>(fun name ->
        match lookup name with
        | Some zone -> zone
        | None -> null)
