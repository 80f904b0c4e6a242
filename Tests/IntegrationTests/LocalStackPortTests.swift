import Foundation
import LocalStack
import Logging
import ShikongTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A port of the local stack already taken by someone else: the stack must refuse to start rather
/// than let its own service fail to bind and then talk to whatever answers there (a leftover broker
/// of another run, with that run's topics and consumer groups).
@Suite("Local stack ports")
struct LocalStackPortTests {
    @Test("a stack whose Kafka port another process listens on refuses to start and names the port")
    func takenPort() async throws {
        let holder = try Listener()
        defer { holder.close() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stack-ports-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = StackConfiguration(dataDirectory: directory, tansuExecutable: "/nonexistent/tansu")
        configuration.postgresPort = freePort()
        configuration.mqttPort = freePort()
        configuration.kafkaPort = holder.port
        do {
            let stack = try await LocalStack.start(configuration, logger: Logger(label: "test"))
            stack.stop()
            Issue.record("the stack started on a port another process holds")
        } catch let error as LocalStackError {
            #expect(error.message.contains("127.0.0.1:\(holder.port)") && error.message.contains("Kafka"), "\(error.message)")
        }
        // Nothing was started: the check comes before the first service.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("postgres/PG_VERSION").path))
    }

    /// A socket listening on a free loopback port.
    final class Listener: Sendable {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 8) == 0 else { throw LocalStackError("cannot listen on a loopback port") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        func close() { _ = Glibc.close(descriptor) }
    }
}
