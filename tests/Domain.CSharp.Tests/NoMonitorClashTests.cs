// The F# core's own namespace, imported beside the implicit usings (System.Threading among them): `Monitor`
// below must still be System.Threading.Monitor, or this file does not compile.
using CachetMonitor.Domain;

namespace CachetMonitor.Domain.CSharp.Tests;

public sealed class NoMonitorClashTests
{
    [Fact]
    public void Monitor_is_System_Threading_Monitor_with_the_core_imported()
    {
        var gate = new object();
        lock (gate)
        {
            Assert.True(Monitor.IsEntered(gate));
        }
        Assert.Equal(typeof(System.Threading.Monitor), typeof(Monitor));
    }
}
