import Database
import NIOSSL
import Testing

/// Database settings as commands take them: URL, pool size and libpq's sslmode.
@Suite("Database configuration")
struct DatabaseConfigurationTests {
    @Test("a URL with sslmode and a root certificate")
    func url() throws {
        let configuration = try #require(
            DatabaseConfiguration(url: "postgres://app:secret@db.internal:6543/city?sslmode=verify-full&sslrootcert=/etc/ca.pem"))
        #expect(configuration.host == "db.internal" && configuration.port == 6543 && configuration.database == "city")
        #expect(configuration.tls == .verifyFull && configuration.caFile == "/etc/ca.pem")
        #expect(configuration.description.contains("verify-full") && !configuration.description.contains("secret"))
        #expect(DatabaseConfiguration(url: "postgres://db/x?sslmode=sometimes") == nil)
        #expect(DatabaseConfiguration(url: "mysql://db/x") == nil)
        #expect(DatabaseConfiguration(url: "postgres://db")?.tls == .disable)
    }

    @Test("what each sslmode checks")
    func modes() throws {
        #expect(TLSMode.disable.tlsConfiguration(caFile: nil) == nil)
        #expect(TLSMode.require.tlsConfiguration(caFile: nil)?.certificateVerification == CertificateVerification.none)
        #expect(TLSMode.require.tlsConfiguration(caFile: "/ca.pem")?.certificateVerification == .noHostnameVerification)
        #expect(TLSMode.verifyCA.tlsConfiguration(caFile: nil)?.certificateVerification == .noHostnameVerification)
        #expect(TLSMode.verifyFull.tlsConfiguration(caFile: nil)?.certificateVerification == .fullVerification)
        var configuration = try #require(DatabaseConfiguration(url: "postgres://db/x"))
        configuration.poolSize = 3
        #expect(try configuration.client().options.maximumConnections == 3)
    }
}
