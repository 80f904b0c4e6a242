import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A supervised child process: spawned in its own process group (so a terminal's Ctrl-C reaches
/// only `shikong`, which stops the children in order), output to a log file, pid recorded in a file
/// so a later run can reap it if this one was killed.
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let pid: pid_t
    private let pidFile: URL
    private let exit = NSCondition()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`. Its stdout and stderr go to `log` (appended).
    public init(name: String, executable: String, arguments: [String], log: URL, pidFile: URL, environment: [String: String]? = nil) throws {
        self.name = name
        self.pidFile = pidFile
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        closeInheritedDescriptors(&fileActions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in env { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, env)
        guard result == 0 else {
            throw LocalStackError("cannot start \(name) (\(executable)): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        let spawned = pid
        try? "\(pid)\n".write(to: pidFile, atomically: true, encoding: .utf8)
        let waiter = Thread { [self] in
            var status: Int32 = 0
            while waitpid(spawned, &status, 0) < 0, errno == EINTR {}
            exit.lock()
            exitStatus = status
            exit.broadcast()
            exit.unlock()
            try? FileManager.default.removeItem(at: pidFile)
        }
        waiter.name = "wait-\(name)"
        waiter.start()
    }

    public var isRunning: Bool {
        exit.lock()
        defer { exit.unlock() }
        return exitStatus == nil
    }

    /// The raw wait status once the process ended.
    public var status: Int32? {
        exit.lock()
        defer { exit.unlock() }
        return exitStatus
    }

    /// Waits until the process ends or the timeout passes; returns whether it ended.
    @discardableResult
    public func waitForExit(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        exit.lock()
        defer { exit.unlock() }
        while exitStatus == nil, exit.wait(until: deadline) {}
        return exitStatus != nil
    }

    /// Sends `signal`, waits up to `timeout`, then kills the process group.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 20) {
        guard isRunning else { return }
        kill(pid, signal)
        if !waitForExit(timeout: timeout) {
            kill(-pid, SIGKILL)
            waitForExit(timeout: 5)
        }
    }

    /// Kills a process left behind by an earlier run that was itself killed, if the pid file names
    /// a live process whose command line contains `expectedCommand`.
    public static func reapLeftover(pidFile: URL, expectedCommand: String, logger: Logger) {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = pid_t(text.split(whereSeparator: \.isNewline).first ?? ""), pid > 1
        else { return }
        let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.replacingOccurrences(of: "\0", with: " ") ?? ""
        guard commandLine.contains(expectedCommand) else {
            try? FileManager.default.removeItem(at: pidFile)
            return
        }
        logger.warning("stopping a process left by an earlier run", metadata: ["pid": "\(pid)", "command": "\(commandLine)"])
        kill(pid, SIGINT)
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(100_000) }
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            for _ in 0..<50 where kill(pid, 0) == 0 { usleep(100_000) }
        }
        try? FileManager.default.removeItem(at: pidFile)
    }
}

/// Makes the child close every descriptor above stderr, so that none of ours outlives it there: a
/// listening socket a child inherited would keep its port taken after we close it, and an API
/// restarted on that port could not bind it. glibc (2.34+) has the call but Swift's Glibc module
/// does not export it, so it is looked up at run time.
public func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
}

/// A failure to prepare or run the local stack, in words an operator can act on.
public struct LocalStackError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
