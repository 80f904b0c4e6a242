import Foundation

/// Validators of an earlier fetch, sent back as `If-None-Match` / `If-Modified-Since` so an
/// unchanged page answers `304 Not Modified` without its body.
public struct Validators: Sendable, Hashable, Codable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    public var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// What one HTTP request answered.
public struct FetchResult: Sendable {
    public var url: URL
    public var status: Int
    /// `Content-Type` without parameters, lower-cased (`text/html`).
    public var mediaType: String?
    /// The `charset` parameter of `Content-Type`, if any.
    public var charset: String?
    public var validators: Validators
    /// `Location`, for redirects.
    public var location: String?
    /// `Retry-After` in seconds, when the server asked to slow down (429, 503).
    public var retryAfter: Double?
    public var body: [UInt8]
    public var elapsed: Duration

    public init(
        url: URL, status: Int, mediaType: String? = nil, charset: String? = nil, validators: Validators = Validators(), location: String? = nil,
        retryAfter: Double? = nil, body: [UInt8] = [], elapsed: Duration = .zero
    ) {
        self.url = url
        self.status = status
        self.mediaType = mediaType
        self.charset = charset
        self.validators = validators
        self.location = location
        self.retryAfter = retryAfter
        self.body = body
        self.elapsed = elapsed
    }

    /// `Content-Type: text/html; charset=GBK` → (`text/html`, `GBK`).
    static func parseContentType(_ value: String?) -> (mediaType: String?, charset: String?) {
        guard let value else { return (nil, nil) }
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let media = parts.first?.lowercased()
        let charset = parts.dropFirst().first { $0.lowercased().hasPrefix("charset=") }.map {
            String($0.dropFirst("charset=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
        return (media?.isEmpty == true ? nil : media, charset?.isEmpty == true ? nil : charset)
    }
}

/// Why a request got no answer, in words a task's status shows.
public enum FetchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case timeout(seconds: Double)
    case tooLarge(limit: Int)
    case network(String)
    case invalidURL(String)

    public var description: String {
        switch self {
        case .timeout(let seconds): "no complete answer within \(seconds) s"
        case .tooLarge(let limit): "larger than the \(limit)-byte limit; not read"
        case .network(let reason): "network: \(reason)"
        case .invalidURL(let url): "not a URL that can be fetched: \(url)"
        }
    }

    /// A short code for counting failures by kind.
    public var code: String {
        switch self {
        case .timeout: "timeout"
        case .tooLarge: "too_large"
        case .network: "network"
        case .invalidURL: "invalid_url"
        }
    }
}

/// How one request is made: validators for a conditional GET, `Accept`, extra headers (an API
/// key), and the deadline and size limit of the task that sends it.
public struct FetchOptions: Sendable {
    public var validators = Validators()
    public var accept = "*/*"
    public var headers: [String: String] = [:]
    public var timeout: Duration = .seconds(20)
    public var maximumBytes = 2 * 1_024 * 1_024

    public init(
        validators: Validators = Validators(), accept: String = "*/*", timeout: Duration = .seconds(20), maximumBytes: Int = 2 * 1_024 * 1_024
    ) {
        self.validators = validators
        self.accept = accept
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }
}

/// Sends one GET; redirects are not followed (the caller re-checks every target against its scope
/// and robots.txt before fetching it).
public protocol PageFetching: Sendable {
    func fetch(_ url: URL, options: FetchOptions) async throws(FetchFailure) -> FetchResult
}
