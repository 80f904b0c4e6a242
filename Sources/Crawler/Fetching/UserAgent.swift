/// How the crawler names itself: `Shikong-crawler/<version> (+<contact URL>)`, so a site's
/// operator can see who is fetching and how to reach them; the product token is what robots.txt
/// groups are matched against.
public struct UserAgent: Sendable, Hashable, CustomStringConvertible {
    /// The robots.txt product token.
    public static let productToken = "Shikong-crawler"
    /// The crawler's version, raised when its behaviour towards sites changes.
    public static let version = "1.0"

    /// Where a site's operator learns about the crawler or asks for it to stop (`--crawler-contact`).
    public var contactURL: String

    public init(contactURL: String) {
        self.contactURL = contactURL
    }

    public var description: String { "\(Self.productToken)/\(Self.version) (+\(contactURL))" }
}
