import Foundation
import ShikongTesting
import Testing

/// The API over HTTPS (`--http-tls-cert`, `--http-tls-key`): a `serve` process with a throwaway
/// self-signed certificate answers `/collections` to a client that trusts that certificate (curl,
/// an independent TLS stack), refuses one that does not, and does not speak plain HTTP on that port.
@Suite("HTTP TLS", .serialized)
struct HTTPTLSTests {
    @Test("serve --http-tls-cert/--http-tls-key answers HTTPS with that certificate, and only HTTPS")
    func https() async throws {
        let platform = try await TestPlatform.shared()
        let directory = platform.dataDirectory.appendingPathComponent("https-\(UUID().uuidString.prefix(6))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (certificate, key) = try DatabaseTLSTests.selfSigned(in: directory, name: "api")
        let (otherCA, _) = try DatabaseTLSTests.selfSigned(in: directory, name: "other")
        let serve = StageProcess(
            .serve, platform: platform, extraArguments: ["--http-tls-cert", certificate.path, "--http-tls-key", key.path])
        try serve.start()
        defer { serve.stop() }
        let url = "https://localhost:\(serve.httpPort)/collections"

        func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await runToolDetached("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "10"] + arguments)
        }
        // Until the process serves (it migrates and reads the catalogue first).
        var answer = (status: Int32(-1), output: "")
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline, serve.isRunning {
            answer = try await curl(["--cacert", certificate.path, "--fail", url])
            if answer.status == 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(answer.status == 0, "\(answer.output)\n\((try? String(contentsOf: serve.log, encoding: .utf8))?.suffix(2_000) ?? "")")
        let collections = (try? JSONSerialization.jsonObject(with: Data(answer.output.utf8))) as? [String: Any]
        #expect(
            ((collections?["collections"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == "sensors" }, "\(answer.output.prefix(300))")

        // A client that trusts another CA refuses the certificate (curl exit 60: peer certificate cannot be authenticated).
        let untrusted = try await curl(["--cacert", otherCA.path, url])
        #expect(untrusted.status == 60, "\(untrusted)")
        // Plain HTTP on the TLS port gets no HTTP answer.
        let plain = try await curl(["--fail", "http://localhost:\(serve.httpPort)/collections"])
        #expect(plain.status != 0, "\(plain)")
    }
}
