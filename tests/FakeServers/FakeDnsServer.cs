using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CachetMonitor.FakeServers;

/// <summary>
/// A tiny authoritative DNS server over UDP on 127.0.0.1 for <c>dns://</c> checks: it answers A, AAAA, CNAME, MX
/// and TXT questions from a table the test fills, SERVFAIL for names marked failing, and NXDOMAIN for names it does
/// not know. Its own small wire encoder (RFC 1035); the product uses the DnsClient library.
/// </summary>
public sealed class FakeDnsServer : IAsyncDisposable
{
    private const int NoError = 0;
    private const int ServerFailure = 2;
    private const int NameError = 3;

    private static readonly Dictionary<string, ushort> TypeCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = 1,
        ["CNAME"] = 5,
        ["MX"] = 15,
        ["TXT"] = 16,
        ["AAAA"] = 28,
    };

    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Name, ushort Type), string[]> _records = new();
    private readonly ConcurrentDictionary<string, int> _failing = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task _serving;
    private int _questions;

    private FakeDnsServer() => _serving = ServeAsync();

    public static FakeDnsServer Start() => new();

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Questions answered so far.</summary>
    public int Questions => Volatile.Read(ref _questions);

    /// <summary>
    /// Sets the answers for <paramref name="name"/> and <paramref name="type"/> (A/AAAA: addresses, CNAME: a name,
    /// MX: <c>PREFERENCE HOST</c>, TXT: texts); the name answers NOERROR from then on.
    /// </summary>
    public void Answer(string name, string type, params string[] data)
    {
        _failing.TryRemove(name, out _);
        _records[(Key(name), TypeCodes[type])] = data;
    }

    /// <summary>Makes the name answer SERVFAIL until <see cref="Answer"/> is called for it again.</summary>
    public void FailWithServerFailure(string name) => _failing[name] = ServerFailure;

    /// <summary>Makes the name unknown (NXDOMAIN) again.</summary>
    public void Forget(string name)
    {
        _failing.TryRemove(name, out _);
        foreach (var key in _records.Keys.Where(k => k.Name == Key(name)))
        {
            _records.TryRemove(key, out _);
        }
    }

    private static string Key(string name) => name.TrimEnd('.').ToLowerInvariant();

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(_stop.Token);
                if (Respond(received.Buffer) is { } answer)
                {
                    Interlocked.Increment(ref _questions);
                    await _socket.SendAsync(answer, received.RemoteEndPoint, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    /// <summary>The response to one query datagram; null for one that cannot be read.</summary>
    private byte[]? Respond(byte[] query)
    {
        if (query.Length < 12)
        {
            return null;
        }
        var offset = 12;
        var labels = new List<string>();
        while (offset < query.Length && query[offset] != 0)
        {
            int length = query[offset];
            if (offset + 1 + length > query.Length)
            {
                return null;
            }
            labels.Add(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += 1 + length;
        }
        if (offset + 5 > query.Length)
        {
            return null;
        }
        var questionEnd = offset + 5;
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset + 1));
        var name = Key(string.Join('.', labels));

        var code = _failing.TryGetValue(name, out var failing) ? failing
            : _records.Keys.Any(k => k.Name == name) ? NoError
            : NameError;
        var data = code == NoError && _records.TryGetValue((name, type), out var found) ? found : [];

        var output = new MemoryStream();
        var header = new byte[12];
        query.AsSpan(0, 2).CopyTo(header);
        // QR, the query's RD, RA; the response code.
        header[2] = (byte)(0x80 | (query[2] & 0x01));
        header[3] = (byte)(0x80 | code);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)data.Length);
        output.Write(header);
        output.Write(query, 12, questionEnd - 12);
        foreach (var item in data)
        {
            var rdata = RecordData(type, item);
            var record = new byte[12];
            // The name: a pointer to the question's (offset 12).
            record[0] = 0xC0;
            record[1] = 12;
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(2), type);
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(4), 1);
            BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(6), 60);
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(10), (ushort)rdata.Length);
            output.Write(record);
            output.Write(rdata);
        }
        return output.ToArray();
    }

    private static byte[] RecordData(ushort type, string data)
    {
        switch (type)
        {
            case 1:
            case 28:
                return IPAddress.Parse(data).GetAddressBytes();
            case 5:
                return EncodeName(data);
            case 15:
                var parts = data.Split(' ', 2);
                var preference = new byte[2];
                BinaryPrimitives.WriteUInt16BigEndian(preference, ushort.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
                return [.. preference, .. EncodeName(parts[1])];
            default:
                var text = Encoding.UTF8.GetBytes(data);
                var chunks = new MemoryStream();
                for (var i = 0; i < text.Length || i == 0; i += 255)
                {
                    var length = Math.Min(255, text.Length - i);
                    chunks.WriteByte((byte)length);
                    chunks.Write(text, i, length);
                }
                return chunks.ToArray();
        }
    }

    private static byte[] EncodeName(string name)
    {
        var output = new MemoryStream();
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            output.WriteByte((byte)bytes.Length);
            output.Write(bytes);
        }
        output.WriteByte(0);
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _serving;
        _stop.Dispose();
    }
}
