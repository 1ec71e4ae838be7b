/// The Cachet API's ids are typed both ways: no call takes, and no answer carries, a bare int where a component's,
/// an incident's or a metric's id is meant, so one id can never be passed where another is wanted.
module CachetMonitor.Tests.Host.CachetIdTypesTests

open System
open System.Collections.Generic
open System.Reflection
open System.Threading.Tasks
open Expecto
open CachetMonitor.Host.Cachet.Api

/// A name that says it holds an id: `Id`, `componentId`, `IncidentId`, ….
let private namesAnId (name: string) =
    name.Equals("id", StringComparison.OrdinalIgnoreCase)
    || name.EndsWith("Id", StringComparison.Ordinal)

let private isBareInt (t: Type) =
    t = typeof<int> || t = typeof<Nullable<int>> || t = typeof<int64>

/// The types an answer is made of: `Task<IReadOnlyList<CachetIncident>>` gives the list and `CachetIncident`.
let rec private answerTypes (t: Type) : Type list =
    if t.IsGenericType then
        let definition = t.GetGenericTypeDefinition()

        if
            definition = typedefof<Task<_>>
            || definition = typedefof<IReadOnlyList<_>>
            || definition = typedefof<IAsyncEnumerable<_>>
            || definition = typedefof<Nullable<_>>
        then
            t.GetGenericArguments() |> List.ofArray |> List.collect answerTypes
        else
            [ t ]
    else
        [ t ]

/// Every `name: type` of a call's parameters, and of the properties of the records its answer is made of.
let private idsOf (m: MethodInfo) =
    let parameters =
        m.GetParameters() |> Seq.map (fun p -> $"{m.Name}({p.Name})", p.ParameterType)

    let answers =
        answerTypes m.ReturnType
        |> Seq.filter (fun t -> t.Namespace = typeof<ICachetApi>.Namespace)
        |> Seq.collect (fun t -> t.GetProperties() |> Seq.map (fun p -> $"{t.Name}.{p.Name}", p.PropertyType))

    Seq.append parameters answers
    |> Seq.filter (fun (name: string, _) -> namesAnId (name.Split('.', '(') |> Array.last |> _.TrimEnd(')')))

[<Tests>]
let tests =
    testList
        "Cachet API ids"
        [
            test "no call of ICachetApi takes or answers a bare int where an id is meant" {
                let ids = typeof<ICachetApi>.GetMethods() |> Seq.collect idsOf |> List.ofSeq
                let answered = ids |> List.map fst |> List.filter (fun n -> n.Contains '.')

                // The check must see the answer records, or it would pass on an API that answers nothing.
                for record in
                    [
                        "CachetComponent.Id"
                        "CachetIncident.Id"
                        "CachetIncident.ComponentId"
                        "CachetMetric.Id"
                    ] do
                    Expect.contains answered record $"{record} is seen"

                let bare = ids |> List.filter (snd >> isBareInt) |> List.map fst |> List.distinct
                Expect.isEmpty bare "ids that are bare ints"
            }
            test "an id type does not compare equal to another kind of id with the same number" {
                Expect.notEqual (box (ComponentId 3)) (box (IncidentId 3)) "component 3 is not incident 3"
                Expect.equal (ComponentId 3) (ComponentId 3) "equal by value"
                Expect.equal (string (IncidentId 42)) "42" "written as the number"

                Expect.equal
                    (List.sort [ IncidentId 9; IncidentId 2; IncidentId 5 ])
                    [ IncidentId 2; IncidentId 5; IncidentId 9 ]
                    "sorted by number"
            }
        ]
