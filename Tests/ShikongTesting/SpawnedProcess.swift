import Foundation
import LocalStack

#if canImport(Glibc)
    import Glibc
#endif

/// The part of Foundation's `Process` the tests use, started with `posix_spawn`. Foundation's
/// `Process.run()` on Linux over-reads `readdir` entries while it lists `/proc/self/fd`
/// (swift-corelibs-foundation PR 5472; Swift 6.3.1 has the bug) and now and then crashes the
/// test process, which holds over a thousand descriptors. Test targets alias `Process` to this.
public final class SpawnedProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String]?
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// A `Pipe` or a `FileHandle`, as with `Process`; nil is /dev/null.
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    private let exit = NSCondition()
    private var status: Int32?
    public private(set) var processIdentifier: pid_t = 0

    public init() {}

    public func run() throws {
        guard let executable = executableURL?.path else { throw LocalStackError("no executable to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in [(standardInput, Int32(0)), (standardOutput, 1), (standardError, 2)] {
            let reading = descriptor == 0
            if let pipe = target as? Pipe {
                let handle = reading ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, descriptor)
            } else if let handle = target as? FileHandle {
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, descriptor)
            } else {
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
            }
        }
        if let directory = currentDirectoryURL?.path {
            // glibc 2.29+; not in Swift's Glibc module map.
            typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
                throw LocalStackError("this C library cannot start a child in another directory")
            }
            _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory)
        }
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test process blocks some signals: the child starts with none blocked, default handlers.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + (arguments ?? [])).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in env { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        guard result == 0 else { throw LocalStackError("cannot start \(executable): \(String(cString: strerror(result)))") }
        exit.lock()
        processIdentifier = pid
        exit.unlock()
        // The child has its copies: close ours, so a reader sees the end when the child exits.
        var closed = Set<ObjectIdentifier>()
        for (target, parentEnd) in [(standardInput, "read"), (standardOutput, "write"), (standardError, "write")] {
            guard let pipe = target as? Pipe else { continue }
            let handle = parentEnd == "read" ? pipe.fileHandleForReading : pipe.fileHandleForWriting
            guard closed.insert(ObjectIdentifier(handle)).inserted else { continue }
            try? handle.close()
        }
        let spawned = pid
        let waiter = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(spawned, &raw, 0) < 0, errno == EINTR {}
            exit.lock()
            status = raw
            exit.broadcast()
            exit.unlock()
        }
        waiter.start()
    }

    public var isRunning: Bool {
        exit.lock()
        defer { exit.unlock() }
        return processIdentifier != 0 && status == nil
    }

    public func waitUntilExit() {
        exit.lock()
        defer { exit.unlock() }
        while status == nil { exit.wait() }
    }

    /// The exit code, or the number of the signal that ended the process (as `Process` gives it).
    public var terminationStatus: Int32 {
        exit.lock()
        defer { exit.unlock() }
        guard let status else { return 0 }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    public func terminate() {
        let pid = exit.withLock { processIdentifier }
        if pid != 0 { kill(pid, SIGTERM) }
    }
}
