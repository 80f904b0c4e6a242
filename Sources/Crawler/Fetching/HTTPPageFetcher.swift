import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `PageFetching` over AsyncHTTPClient: the crawler's user agent, gzip and deflate, a connect
/// timeout and each request's own deadline, each request's size limit enforced while the body
/// streams in (a page that says it is larger is not read at all), and no automatic redirects.
public final class HTTPPageFetcher: PageFetching {
    public struct Configuration: Sendable {
        public var userAgent: UserAgent
        public var connectTimeout: Duration = .seconds(10)
        /// Largest decompressed body of any request (each request has its own, smaller limit).
        public var maximumBytes = 256 * 1_024 * 1_024

        public init(userAgent: UserAgent) {
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    private let client: HTTPClient

    public init(configuration: Configuration) {
        self.configuration = configuration
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds)),
            decompression: .enabled(limit: .size(configuration.maximumBytes)))
        clientConfiguration.httpVersion = .automatic
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    /// Closes the client's connections; call once, when no fetch is running any more.
    public func shutdown() async {
        try? await client.shutdown()
    }

    public func fetch(_ url: URL, options: FetchOptions) async throws(FetchFailure) -> FetchResult {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw .invalidURL(url.absoluteString)
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: configuration.userAgent.description)
        request.headers.add(name: "Accept", value: options.accept)
        request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        for (name, value) in options.headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let etag = options.validators.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified = options.validators.lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        let started = ContinuousClock.now
        let seconds = Double(options.timeout.nanoseconds) / 1e9
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(options.timeout.nanoseconds))
            let limit = options.maximumBytes
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
                throw FetchFailure.tooLarge(limit: limit)
            }
            var body: [UInt8] = []
            for try await buffer in response.body {
                guard body.count + buffer.readableBytes <= limit else { throw FetchFailure.tooLarge(limit: limit) }
                body.append(contentsOf: buffer.readableBytesView)
            }
            let (mediaType, charset) = FetchResult.parseContentType(response.headers.first(name: "Content-Type"))
            return FetchResult(
                url: url, status: Int(response.status.code), mediaType: mediaType, charset: charset,
                validators: Validators(etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified")),
                location: response.headers.first(name: "Location"),
                retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init),
                body: body, elapsed: ContinuousClock.now - started)
        } catch let failure as FetchFailure {
            throw failure
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { throw .timeout(seconds: seconds) }
            throw .network(String(describing: error))
        } catch {
            // NIO's decompressor refuses a body that inflates past the client's limit.
            if String(describing: error).lowercased().contains("decompression") { throw .tooLarge(limit: options.maximumBytes) }
            if ContinuousClock.now - started >= options.timeout { throw .timeout(seconds: seconds) }
            throw .network(String(describing: error))
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
