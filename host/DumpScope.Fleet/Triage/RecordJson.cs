using System.Text.Json;

namespace DumpScope.Fleet.Triage;

/// <summary>One run as one JSON line (the output of batch and worker; keys in docs/fleet.md).</summary>
public static class RecordJson
{
    /// <summary>The line, without the newline; <paramref name="skipped"/> marks a dump answered from the store.</summary>
    public static string Line(TriageRecord record, bool skipped)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var d = record.Dump;
            w.WriteStartObject();
            w.WriteString("path", d.Path);
            w.WriteString("hash", d.Hash);
            w.WriteNumber("size", d.Size);
            w.WriteString("status", record.Status.Name());
            w.WriteBoolean("skipped", skipped);
            Nullable(w, "error", record.Error);
            Nullable(w, "signature", record.Signature);
            Nullable(w, "title", record.Title);
            Nullable(w, "stopped_by", record.StoppedBy);
            Nullable(w, "kernel_release", d.KernelRelease);
            Nullable(w, "build_id", d.BuildId);
            Nullable(w, "host", d.Host);
            Nullable(w, "dump_time", d.DumpTime);
            Nullable(w, "capture_format", d.CaptureFormat);
            w.WriteString("started_at", record.StartedAt);
            w.WriteNumber("duration_ms", record.DurationMs);
            w.WriteString("tool_version", record.ToolVersion);
            w.WriteString("job_key", record.JobKey);
            w.WriteStartArray("findings");
            foreach (var f in record.Findings)
            {
                w.WriteStartObject();
                w.WriteNumber("rank", f.Rank);
                w.WriteString("severity", f.Severity);
                w.WriteString("kind", f.Kind);
                w.WriteString("title", f.Title);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Nullable(Utf8JsonWriter w, string key, string? value)
    {
        if (value is null) w.WriteNull(key);
        else w.WriteString(key, value);
    }
}
