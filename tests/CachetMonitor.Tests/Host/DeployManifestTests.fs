/// The Kubernetes manifests and the systemd unit in `deploy/`: parsed, and their wiring checked against each
/// other and against the CLI and config parser they feed.
module CachetMonitor.Tests.Host.DeployManifestTests

open System
open System.IO
open Expecto
open YamlDotNet.RepresentationModel
open CachetMonitor.Domain
open CachetMonitor.Host.Cli
open CachetMonitor.Tests.Support

let private kubernetesDir = RepoFiles.path "deploy/kubernetes"

/// Every YAML document of a file.
let private documentsOf (file: string) =
    let stream = YamlStream()
    use reader = new StringReader(File.ReadAllText file)
    stream.Load reader
    stream.Documents |> Seq.map _.RootNode |> List.ofSeq

let private child (key: string) (node: YamlNode) =
    match node with
    | :? YamlMappingNode as mapping ->
        match mapping.Children.TryGetValue(YamlScalarNode key) with
        | true, value -> value
        | false, _ -> failwith $"no key {key} in {node.Start}"
    | _ -> failwith $"{node.Start} is not a mapping (looking for {key})"

/// The node at a dotted path of mapping keys.
let private at (path: string) (node: YamlNode) =
    path.Split '.' |> Array.fold (fun n key -> child key n) node

let private scalar (node: YamlNode) =
    match node with
    | :? YamlScalarNode as s ->
        match s.Value with
        | null -> ""
        | v -> v
    | _ -> failwith $"{node.Start} is not a scalar"

let private text path node = scalar (at path node)

let private items (node: YamlNode) =
    match node with
    | :? YamlSequenceNode as s -> List.ofSeq s.Children
    | _ -> failwith $"{node.Start} is not a sequence"

/// The item of a sequence whose `name` is `name`.
let private named (name: string) (node: YamlNode) =
    items node
    |> List.tryFind (fun item -> text "name" item = name)
    |> Option.defaultWith (fun () -> failwith $"no item named {name} in {node.Start}")

let private manifestFiles () =
    Directory.GetFiles(kubernetesDir, "*.yaml")
    |> Array.filter (fun f -> Path.GetFileName f <> "kustomization.yaml")
    |> Array.sort
    |> List.ofArray

/// Every Kubernetes object in the manifests, by kind.
let private objects =
    lazy
        (manifestFiles ()
         |> List.collect documentsOf
         |> List.map (fun doc -> text "kind" doc, doc)
         |> Map.ofList)

let private objectOf kind =
    match objects.Value.TryFind kind with
    | Some o -> o
    | None -> failwith $"no {kind} in deploy/kubernetes"

let private statefulSet () = objectOf "StatefulSet"

let private container () =
    statefulSet () |> at "spec.template.spec.containers" |> named "cachet-monitor"

let private args () =
    container () |> at "args" |> items |> List.map scalar

/// The value after an option in an argument list.
let private optionValue (option: string) (arguments: string list) =
    match arguments |> List.skipWhile ((<>) option) with
    | _ :: value :: _ -> value
    | _ -> failwith $"{option} has no value in %A{arguments}"

let private parseCli (arguments: string list) =
    let struct (parsed, error) = CliArguments.Parse(Array.ofList arguments)
    Expect.isNull error $"the CLI accepts %A{arguments}"
    nonNull parsed

let private listenPort () =
    let listen = optionValue "--listen" (args ())
    listen.Substring(listen.LastIndexOf ':' + 1)

/// The systemd unit as (section, key, value) triples, comments dropped.
let private unitEntries () =
    let mutable section = ""

    [
        for line in File.ReadAllLines(RepoFiles.path "deploy/systemd/cachet-monitor.service") do
            let line = line.Trim()

            if line.StartsWith '[' then
                section <- line.Trim('[', ']')
            elif line <> "" && not (line.StartsWith '#') then
                match line.Split('=', 2) with
                | [| key; value |] -> yield section, key.Trim(), value.Trim()
                | _ -> failwith $"not key=value: {line}"
    ]

let private unitValue section key =
    unitEntries ()
    |> List.filter (fun (s, k, _) -> s = section && k = key)
    |> List.map (fun (_, _, v) -> v)
    |> List.exactlyOne

[<Tests>]
let tests =
    testList
        "deploy manifests"
        [
            test "every manifest is YAML whose documents have the expected kind, apiVersion and a name" {
                let expected =
                    [ "ConfigMap", "v1"; "Secret", "v1"; "Service", "v1"; "StatefulSet", "apps/v1" ]

                let found =
                    manifestFiles ()
                    |> List.collect documentsOf
                    |> List.map (fun doc ->
                        Expect.isNotEmpty (text "metadata.name" doc) "every object is named"
                        text "kind" doc, text "apiVersion" doc)
                    |> List.sort

                Expect.equal found (List.sort expected) "one of each, with its API group and version"
            }

            test "the kustomization lists every manifest, so kubectl apply -k applies them all" {
                let kustomization =
                    documentsOf (Path.Combine(kubernetesDir, "kustomization.yaml"))
                    |> List.exactlyOne

                Expect.equal (text "kind" kustomization) "Kustomization" "kind"
                Expect.equal (text "apiVersion" kustomization) "kustomize.config.k8s.io/v1beta1" "apiVersion"

                Expect.equal
                    (kustomization |> at "resources" |> items |> List.map scalar |> List.sort)
                    (manifestFiles () |> List.map (fun f -> nonNull (Path.GetFileName f)))
                    "all files"
            }

            test "the container runs the daemon with the listener on, and the CLI accepts its arguments" {
                let arguments = args ()
                Expect.contains arguments "--listen" "the listener is on"
                let parsed = parseCli arguments
                Expect.equal parsed.Command "run" "the daemon"
                Expect.equal (string (nonNull parsed.Listen)) "0.0.0.0:9090" "on every interface of the pod"
                Expect.isEmpty parsed.Positionals "the config is the default config/config.yml"
            }

            test "the probes, the container port, the Service and the scrape annotations all use the listener's port" {
                let port = listenPort ()
                let c = container ()
                let containerPort = c |> at "ports" |> named "http-metrics"
                Expect.equal (text "containerPort" containerPort) port "the container port"
                Expect.equal (text "livenessProbe.httpGet.path" c) "/healthz" "liveness"
                Expect.equal (text "livenessProbe.httpGet.port" c) "http-metrics" "liveness port"
                Expect.equal (text "readinessProbe.httpGet.path" c) "/readyz" "readiness"
                Expect.equal (text "readinessProbe.httpGet.port" c) "http-metrics" "readiness port"

                let service = objectOf "Service"

                for annotations in
                    [
                        at "spec.template.metadata.annotations" (statefulSet ())
                        at "metadata.annotations" service
                    ] do
                    Expect.equal (child "prometheus.io/scrape" annotations |> scalar) "true" "scraped"
                    Expect.equal (child "prometheus.io/port" annotations |> scalar) port "on the listener's port"
                    Expect.equal (child "prometheus.io/path" annotations |> scalar) "/metrics" "at /metrics"

                let servicePort = service |> at "spec.ports" |> named "http-metrics"
                Expect.equal (text "port" servicePort) port "the Service port"
                Expect.equal (text "targetPort" servicePort) "http-metrics" "targets the container port"
                Expect.equal (text "spec.clusterIP" service) "None" "headless: one target per pod"

                Expect.equal
                    (text "spec.serviceName" (statefulSet ()))
                    (text "metadata.name" service)
                    "governs the pods"
            }

            test "the Service and the StatefulSet select the pods by their labels" {
                let podLabel =
                    statefulSet ()
                    |> at "spec.template.metadata.labels"
                    |> child "app.kubernetes.io/name"
                    |> scalar

                Expect.equal
                    (statefulSet ()
                     |> at "spec.selector.matchLabels"
                     |> child "app.kubernetes.io/name"
                     |> scalar)
                    podLabel
                    "the StatefulSet's selector"

                Expect.equal
                    (objectOf "Service"
                     |> at "spec.selector"
                     |> child "app.kubernetes.io/name"
                     |> scalar)
                    podLabel
                    "the Service's selector"
            }

            test "each pod's ordinal selects its shard: N is the replica count and $HOSTNAME is the pod name" {
                let replicas = int (text "spec.replicas" (statefulSet ()))
                let parsed = parseCli (args ())
                Expect.equal parsed.ShardsFromHostname (Nullable replicas) "--shard-from-hostname N with N = replicas"
                let hostname = container () |> at "env" |> named "HOSTNAME"
                Expect.equal (text "valueFrom.fieldRef.fieldPath" hostname) "metadata.name" "the pod name"
                let name = text "metadata.name" (statefulSet ())

                for ordinal in 0 .. replicas - 1 do
                    let shard = HostInterop.ShardOfHostname($"{name}-{ordinal}", replicas)
                    let found, owned = shard.TryGetShard()
                    Expect.isTrue found $"pod {ordinal} has a shard"
                    Expect.equal (owned.ToString()) $"{ordinal}/{replicas}" $"pod {ordinal} is shard {ordinal}"
            }

            test "the token goes from the Secret to the env var the config's ENVIRONMENT_VARIABLE provider reads" {
                let secret = objectOf "Secret"
                let tokenEnv = container () |> at "env" |> named "CACHET_TOKEN"
                Expect.equal (text "valueFrom.secretKeyRef.name" tokenEnv) (text "metadata.name" secret) "the Secret"
                let key = text "valueFrom.secretKeyRef.key" tokenEnv
                Expect.isNotEmpty (text $"stringData.{key}" secret) "the Secret has that key"

                let configMap = objectOf "ConfigMap"
                let configText = configMap |> at "data" |> child "config.yml" |> scalar

                let parsed =
                    HostInterop.ParseConfig(configText, Func<string, string | null>(fun _ -> null), TestTimeZones.func)

                let valid, config = parsed.TryGetConfig()
                Expect.isTrue valid $"the ConfigMap's config is valid: %A{List.ofSeq parsed.Errors}"

                Expect.equal
                    config.Cachet.Token
                    (Providers [ EnvironmentVariable "CACHET_TOKEN" ])
                    "the token is read from $CACHET_TOKEN, nowhere in the ConfigMap"
            }

            test "the ConfigMap is mounted as config/ under the image's working directory" {
                let mount = container () |> at "volumeMounts" |> named "config"
                Expect.equal (text "mountPath" mount) "/usr/src/app/config" "config/config.yml for the image's default"

                Expect.isFalse
                    ((mount :?> YamlMappingNode).Children.ContainsKey(YamlScalarNode "subPath"))
                    "no subPath: updates reach the pod"

                let volume = statefulSet () |> at "spec.template.spec.volumes" |> named "config"

                Expect.equal
                    (text "configMap.name" volume)
                    (text "metadata.name" (objectOf "ConfigMap"))
                    "the ConfigMap"
            }

            test "the container runs non-root, without privilege escalation, on a read-only root" {
                Expect.equal (text "spec.template.spec.securityContext.runAsNonRoot" (statefulSet ())) "true" "non-root"
                let c = container ()
                Expect.equal (text "securityContext.allowPrivilegeEscalation" c) "false" "no escalation"
                Expect.equal (text "securityContext.readOnlyRootFilesystem" c) "true" "read-only root"
            }

            test "the systemd unit runs the daemon on loopback, reloads with SIGHUP and does not restart a bad config" {
                let execStart = unitValue "Service" "ExecStart"

                let words =
                    execStart.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray

                let parsed = parseCli words.Tail
                Expect.equal parsed.Command "run" "the daemon"
                Expect.equal (string (nonNull parsed.Listen)) "127.0.0.1:9090" "the listener on loopback"
                Expect.stringContains (unitValue "Service" "ExecReload") "-HUP $MAINPID" "reload is SIGHUP"
                Expect.equal (unitValue "Service" "KillSignal") "SIGTERM" "stopped by SIGTERM"

                Expect.equal
                    (unitValue "Service" "RestartPreventExitStatus")
                    (string ExitCodes.BadArguments)
                    "a bad config is not restarted"

                Expect.equal (unitValue "Install" "WantedBy") "multi-user.target" "enabled at boot"
            }
        ]
