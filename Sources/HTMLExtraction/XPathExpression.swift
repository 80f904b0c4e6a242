import Foundation
import CLibXML2

/// An XPath 1.0 expression that libxml2 compiles: checked when it is made, so a definition with a
/// broken expression is refused before any page is fetched.
public struct XPathExpression: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) throws(XPathError) {
        LibXML2.prepareThread()
        guard let context = xmlXPathNewContext(nil) else { throw XPathError(expression: text, reason: "out of memory") }
        defer { xmlXPathFreeContext(context) }
        shikong_xpath_context_silence(context)
        guard let compiled = xmlXPathCtxtCompile(context, text) else {
            throw XPathError(expression: text, reason: Self.lastError(context) ?? "not a valid XPath 1.0 expression")
        }
        xmlXPathFreeCompExpr(compiled)
        self.text = text
    }

    /// For expressions written in this module and covered by its tests.
    init(checked text: String) { self.text = text }

    public var description: String { text }

    /// The message of the last error libxml2 recorded on `context`.
    static func lastError(_ context: xmlXPathContextPtr) -> String? {
        guard let message = context.pointee.lastError.message else { return nil }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// What an XPath expression evaluated to.
public enum XPathValue {
    case nodes([HTMLNode])
    case string(String)
    case number(Double)
    case boolean(Bool)

    /// The values as text: each node's readable text, or the one scalar (empty results dropped).
    public var texts: [String] {
        switch self {
        case .nodes(let nodes): nodes.map(\.text).filter { !$0.isEmpty }
        case .string(let text): text.isEmpty ? [] : [TextCollector.normalise(text)]
        case .number(let value): value.isNaN ? [] : [value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)]
        case .boolean(let value): [String(value)]
        }
    }

    /// The matched nodes (none for a scalar result).
    public var nodes: [HTMLNode] {
        if case .nodes(let nodes) = self { return nodes }
        return []
    }
}

/// An XPath expression libxml2 refused, with its reason.
public struct XPathError: Error, Sendable, CustomStringConvertible {
    public var expression: String
    public var reason: String
    public var description: String { "XPath \(expression): \(reason)" }
}
