namespace DumpScope.Plugins.Files.Tests.Fixtures;

/// <summary>kd1 with the files plugin only.</summary>
public sealed class Kd1Session() : SharedFixtureSession(() => Testing.Fixtures.Kd1Zlib, typeof(FilesPlugin).Assembly);

/// <summary>kd3 (fxstack's 200 open files) with the files plugin only.</summary>
public sealed class Kd3Session() : SharedFixtureSession(() => Testing.Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), typeof(FilesPlugin).Assembly);

/// <summary>k510 (Debian 11's 5.10) with the files plugin only.</summary>
public sealed class K510Session() : SharedFixtureSession(() => Testing.Fixtures.K510Zlib, typeof(FilesPlugin).Assembly);
