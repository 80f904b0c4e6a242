import Foundation

/// A regular expression over URLs (ICU syntax, searched anywhere in the URL unless anchored).
/// URLs are plain text, so a regular expression is the right tool here; pages are never matched
/// this way (they go through the HTML parser).
public struct URLPattern: Sendable {
    public let pattern: String
    private let expression: SharedExpression

    public init(_ pattern: String) throws(URLPatternError) {
        do {
            expression = SharedExpression(try NSRegularExpression(pattern: pattern))
        } catch {
            throw URLPatternError(description: "\(pattern) is not a regular expression: \(error.localizedDescription)")
        }
        self.pattern = pattern
    }

    public func matches(_ text: String) -> Bool {
        expression.value.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// `NSRegularExpression` is immutable and documented as safe to use from several threads.
private final class SharedExpression: @unchecked Sendable {
    let value: NSRegularExpression
    init(_ value: NSRegularExpression) { self.value = value }
}

public struct URLPatternError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
