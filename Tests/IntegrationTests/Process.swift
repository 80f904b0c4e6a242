import ShikongTesting

/// Child processes in these tests are started with `posix_spawn`, not Foundation's `Process.run()`
/// (see `SpawnedProcess`).
typealias Process = SpawnedProcess
