using System.Buffers;
using System.Net.Http.Headers;
using System.Text;

namespace CachetMonitor.Host.Probing;

/// <summary>Reads a response body up to a cap and decodes it by its declared charset, else UTF-8.</summary>
public static class BodyReader
{
    public static async Task<string> ReadAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes, 64 * 1024));
        try
        {
            using var collected = new MemoryStream();
            while (collected.Length < maxBytes)
            {
                var want = (int)Math.Min(buffer.Length, maxBytes - collected.Length);
                var read = await stream.ReadAsync(buffer.AsMemory(0, want), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                collected.Write(buffer, 0, read);
            }
            return Decode(collected.GetBuffer().AsSpan(0, (int)collected.Length), content.Headers.ContentType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
