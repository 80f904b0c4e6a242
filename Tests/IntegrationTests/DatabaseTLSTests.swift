import Database
import Foundation
import Logging
import PostgresNIO
import ShikongTesting
import Testing

/// The database's TLS modes against a real PostgreSQL with a certificate: `require` and
/// `verify-full` (with the CA that signed it) connect encrypted, `verify-full` with another CA is
/// refused, and `disable` still connects in the clear.
@Suite("Database TLS", .serialized)
struct DatabaseTLSTests {
    @Test("require and verify-full encrypt; verify-full refuses a certificate its CA did not sign")
    func modes() async throws {
        // The shared platform's PostgreSQL takes TLS for this test and drops it after; clients that do
        // not ask for TLS (every other test's) are not affected either way.
        let platform = try await TestPlatform.shared()
        let logger = Logger(label: "shikong.test.tls")
        let directory = platform.dataDirectory.appendingPathComponent("tls-\(UUID().uuidString.prefix(6))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
        let (certificate, key) = try Self.selfSigned(in: directory, name: "server")
        let (otherCA, _) = try Self.selfSigned(in: directory, name: "other")
        // PostgreSQL reads the key as its own user, and only a key no one else can read.
        if getuid() == 0, let owner = getpwnam("postgres") { chown(key.path, owner.pointee.pw_uid, owner.pointee.pw_gid) }
        chmod(key.path, 0o600)
        try await platform.withDatabase { client in
            for statement in [
                "ALTER SYSTEM SET ssl_cert_file = '\(certificate.path)'", "ALTER SYSTEM SET ssl_key_file = '\(key.path)'",
                "ALTER SYSTEM SET ssl = on",
                "SELECT pg_reload_conf()",
            ] {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
        try await Task.sleep(for: .milliseconds(500))

        func encrypted(_ mode: TLSMode, caFile: String?) async throws -> Bool {
            var configuration = platform.configuration.database
            configuration.host = "localhost"
            configuration.tls = mode
            configuration.caFile = caFile
            return try await DatabaseSession.withClient(configuration, logger: logger) { client in
                try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger).decode(Bool.self)
                    .reduce(false) { $0 || $1 }
            }
        }
        defer {
            Task {
                try? await platform.withDatabase { client in
                    for statement in [
                        "ALTER SYSTEM RESET ssl", "ALTER SYSTEM RESET ssl_cert_file", "ALTER SYSTEM RESET ssl_key_file", "SELECT pg_reload_conf()",
                    ] {
                        try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
            }
        }
        #expect(try await encrypted(.require, caFile: nil))
        #expect(try await encrypted(.verifyFull, caFile: certificate.path))
        #expect(try await encrypted(.verifyCA, caFile: certificate.path))
        #expect(try await !encrypted(.disable, caFile: nil))
        await #expect(throws: (any Error).self) { _ = try await encrypted(.verifyFull, caFile: otherCA.path) }
    }

    /// A self-signed certificate for `localhost` and its key, made by openssl.
    static func selfSigned(in directory: URL, name: String) throws -> (certificate: URL, key: URL) {
        let certificate = directory.appendingPathComponent("\(name).crt")
        let key = directory.appendingPathComponent("\(name).key")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", key.path, "-out", certificate.path,
        ]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        chmod(certificate.path, 0o644)
        return (certificate, key)
    }
}
