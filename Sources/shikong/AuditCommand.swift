import ArgumentParser
import Foundation
import Logging
import Platform
import Projections

/// `shikong audit verify`: proves the audit log's hash chain unbroken, or names the first row that
/// does not fit (exit status 1).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the audit trail.",
        discussion:
            "The trail itself is the audit collection (auditors only): GET /collections/audit/items?user=…&collection=…&datetime=…, exportable with f=csv.",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit log's hash chain; name the first altered, removed or inserted row.")
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap("shikong.audit")
            let configuration = try options.configuration()
            let report = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
                try await AuditChain(client: client, logger: logger).verify()
            }
            if let broken = report.broken {
                print(
                    "audit chain BROKEN at row \(broken.seq) (entry \(broken.id.uuidString.lowercased())): \(broken.reason); \(report.checked) rows before it verify"
                )
                throw ExitCode(1)
            }
            print("audit chain intact: \(report.checked) entries verify")
        }
    }
}
