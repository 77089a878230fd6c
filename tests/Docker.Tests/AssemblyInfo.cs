// These tests start a private dockerd and read /proc: they run on Linux only (and skip elsewhere).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
