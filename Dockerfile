# cachet-monitor: drop-in for the original's image.
#   docker build -t cachet-monitor .
#   docker run -v "$PWD"/config.yml:/usr/src/app/config/config.yml:ro cachet-monitor
# tests/CachetMonitor.Tests/Host/DockerImageTests.fs runs the build stage's commands and the entry point
# below as written; change them together.

# The AOT flavour of the SDK image carries the native linker (clang) Native AOT needs.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Restore first (locked: the lock files pin every package for linux-x64), so source edits keep this layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Domain.FSharp/Domain.FSharp.fsproj src/Domain.FSharp/packages.lock.json src/Domain.FSharp/
COPY src/Host.CSharp/Host.CSharp.csproj src/Host.CSharp/packages.lock.json src/Host.CSharp/
RUN dotnet restore src/Host.CSharp/Host.CSharp.csproj -r linux-x64 --locked-mode
COPY src/Domain.FSharp/ src/Domain.FSharp/
COPY src/Host.CSharp/ src/Host.CSharp/
# One native executable (Native AOT, set in the project): no .NET runtime is needed to run it.
RUN dotnet publish src/Host.CSharp -c Release -r linux-x64 --no-restore -o /app

# Chiseled runtime-deps: only what a native executable links against (libc, OpenSSL, certificates); no .NET
# runtime, no shell, no package manager, non-root. Only the executable is copied (not its .dbg symbols).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
COPY --from=build /app/cachet-monitor /app/cachet-monitor
# The chiseled base has no time zone data; maintenance windows with a `timezone` need it. The SDK image (on the
# full runtime-deps) has tzdata and tzdata-legacy: a few MB instead of the -extra base's ICU, which we do not use.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
WORKDIR /usr/src/app
USER $APP_UID
EXPOSE 9090
# The binary probes its own listener: no shell or curl needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/app/cachet-monitor", "health", "http://127.0.0.1:9090/healthz"]
# The config is read from config/config.yml under the working directory (the CLI's default).
ENTRYPOINT ["/app/cachet-monitor"]
CMD ["run", "--listen", "0.0.0.0:9090"]
