using System.IO.Compression;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Dumps;

/// <summary>
/// Inflates zlib pages with one zlib stream per thread that is reset between pages, instead of a new
/// <see cref="ZLibStream"/> per page: creating and ending the stream (inflateInit2 allocates its state and 32 KiB
/// window, inflateEnd frees them) cost about as much as inflating a 4 KiB page. It calls the zlib the runtime
/// itself ships (libSystem.IO.Compression.Native, the exports ZLibStream uses, inflateReset2 since .NET 9); where
/// that library or an export cannot be bound (a single-file host links it in statically), every page goes through
/// <see cref="ZLibStream"/> as before. Results are the same either way: exactly one page, or why not.
/// </summary>
internal sealed unsafe class ZlibPageInflater
{
    private const string Library = "libSystem.IO.Compression.Native";
    private const int WindowBits = 15; // zlib header and Adler-32 trailer, 32 KiB window (as makedumpfile's compress2 writes)
    private const int ZOk = 0, ZStreamEnd = 1, ZNeedDict = 2, ZBufError = -5, ZFinish = 4;

    private static int s_native; // 0 unknown, 1 bound, -1 not available
    [ThreadStatic] private static ZlibPageInflater? t_inflater;

    private readonly ZStream* _stream;

    private ZlibPageInflater(ZStream* stream) => _stream = stream;

    /// <summary>The zlib stream as the runtime's native shim lays it out (pal_zlib.h PAL_ZStream).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public sbyte* Message;
        public void* InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    [DllImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    private static extern int InflateInit2(ZStream* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    private static extern int InflateReset2(ZStream* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_Inflate")]
    private static extern int Inflate(ZStream* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    private static extern int InflateEnd(ZStream* stream);

    /// <summary>True when this thread can inflate through the reset stream (false: use a <see cref="ZLibStream"/> per page).</summary>
    public static bool Available => Current() is not null;

    /// <summary>
    /// Inflates <paramref name="source"/> into exactly <paramref name="destination"/> through this thread's reset
    /// stream: null, or why it failed. Only when <see cref="Available"/>.
    /// </summary>
    public static string? InflatePage(ReadOnlySpan<byte> source, Span<byte> destination) =>
        (Current() ?? throw new InvalidOperationException("the runtime's zlib cannot be bound here")).Run(source, destination);

    private static ZlibPageInflater? Current()
    {
        if (t_inflater is { } known) return known;
        if (Volatile.Read(ref s_native) < 0) return null;
        var stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        try
        {
            if (InflateInit2(stream, WindowBits) != ZOk)
            {
                NativeMemory.Free(stream);
                return null;
            }
            // The reset export is newer than the others: check it binds before relying on it.
            if (InflateReset2(stream, WindowBits) != ZOk)
            {
                InflateEnd(stream);
                NativeMemory.Free(stream);
                Volatile.Write(ref s_native, -1);
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            NativeMemory.Free(stream);
            Volatile.Write(ref s_native, -1);
            return null;
        }
        Volatile.Write(ref s_native, 1);
        return t_inflater = new ZlibPageInflater(stream);
    }

    private string? Run(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (InflateReset2(_stream, WindowBits) != ZOk) return "zlib stream could not be reset";
        fixed (byte* input = source)
        fixed (byte* output = destination)
        {
            _stream->NextIn = input;
            _stream->AvailIn = (uint)source.Length;
            _stream->NextOut = output;
            _stream->AvailOut = (uint)destination.Length;
            int status = Inflate(_stream, ZFinish);
            uint produced = (uint)destination.Length - _stream->AvailOut;
            string? message = _stream->Message is null ? null : new string(_stream->Message);
            _stream->NextIn = _stream->NextOut = null;
            _stream->AvailIn = _stream->AvailOut = 0;
            return status switch
            {
                ZStreamEnd when produced == destination.Length => null,
                ZStreamEnd => $"zlib data inflated to {produced} bytes, expected {destination.Length}",
                // Out of room with input left: the stream is longer than a page.
                ZOk or ZBufError when produced == destination.Length => $"zlib data inflates to more than {destination.Length} bytes",
                ZOk or ZBufError => $"zlib data inflated to {produced} bytes, expected {destination.Length} (the stream ends early)",
                ZNeedDict => "zlib data needs a preset dictionary",
                _ => $"zlib data is damaged: {message ?? $"status {status}"}",
            };
        }
    }

    /// <summary>Frees the thread's stream when the thread has gone and nothing holds the inflater.</summary>
    ~ZlibPageInflater()
    {
        InflateEnd(_stream);
        NativeMemory.Free(_stream);
    }
}
