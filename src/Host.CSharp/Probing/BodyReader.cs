using System.Buffers;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// Reads a response body up to a cap, undoing its Content-Encoding (gzip, deflate, br), and decodes it by its
/// declared charset, else UTF-8. The cap counts decoded bytes, so a compressed bomb stays bounded too.
/// </summary>
public static class BodyReader
{
    private const int FirstBufferBytes = 4 * 1024;

    public static async Task<string> ReadAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        var encodings = content.Headers.ContentEncoding;
        var raw = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using var stream = await DecompressingAsync(raw, encodings, maxBytes, ct).ConfigureAwait(false);
        // With a plain body of known length one buffer of that size is enough; otherwise start small and grow.
        var expected = encodings.Count == 0 ? content.Headers.ContentLength : null;
        var first = (int)Math.Min(maxBytes, expected is { } length ? Math.Max(length, 1) : FirstBufferBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(first);
        var filled = 0;
        try
        {
            while (filled < maxBytes && (expected is null || filled < expected))
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes, 2L * buffer.Length));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var want = Math.Min(buffer.Length, maxBytes) - filled;
                var read = await stream.ReadAsync(buffer.AsMemory(filled, want), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                filled += read;
            }
            return Decode(buffer.AsSpan(0, filled), content.Headers.ContentType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The body with its content codings undone (the last one applied is undone first); unknown ones are left as they are.</summary>
    private static async Task<Stream> DecompressingAsync(Stream raw, ICollection<string> encodings, int maxBytes, CancellationToken ct)
    {
        var stream = raw;
        foreach (var encoding in encodings.Reverse())
        {
            stream = encoding.Trim().ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(stream, CompressionMode.Decompress),
                "deflate" => await InflatingAsync(stream, maxBytes, ct).ConfigureAwait(false),
                "br" => new BrotliStream(stream, CompressionMode.Decompress),
                _ => stream,
            };
        }
        return stream;
    }

    /// <summary>
    /// "deflate" is zlib-wrapped (RFC 9110), but some servers send the bare deflate stream: the first two bytes
    /// tell which. The compressed bytes (at most <paramref name="maxBytes"/>, never more than the cap needs in
    /// practice) are held so they can be looked at and then read from the start.
    /// </summary>
    private static async Task<Stream> InflatingAsync(Stream compressed, int maxBytes, CancellationToken ct)
    {
        var held = new MemoryStream();
        await using (compressed.ConfigureAwait(false))
        {
            var chunk = new byte[Math.Min(maxBytes, 16 * 1024)];
            while (held.Length < maxBytes)
            {
                var read = await compressed.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - held.Length)), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                held.Write(chunk, 0, read);
            }
        }
        held.Position = 0;
        var head = held.GetBuffer();
        // zlib: compression method 8 in the low nibble of the first byte, and the two bytes a multiple of 31.
        var zlib = held.Length >= 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
        return zlib ? new ZLibStream(held, CompressionMode.Decompress) : new DeflateStream(held, CompressionMode.Decompress);
    }

    /// <summary>Decodes with the declared charset (a BOM wins), falling back to UTF-8; invalid bytes become U+FFFD.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, MediaTypeHeaderValue? contentType)
    {
        var encoding = EncodingOf(contentType);
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            return Encoding.UTF8.GetString(bytes[Encoding.UTF8.Preamble.Length..]);
        }
        if (bytes.StartsWith(Encoding.Unicode.Preamble))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }
        if (bytes.StartsWith(Encoding.BigEndianUnicode.Preamble))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }
        return encoding.GetString(bytes);
    }

    private static Encoding EncodingOf(MediaTypeHeaderValue? contentType)
    {
        var charset = contentType?.CharSet?.Trim('"', ' ');
        if (string.IsNullOrEmpty(charset))
        {
            return Encoding.UTF8;
        }
        try
        {
            return Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }
}
