/// How to take one field out of a page: a CSS selector or an XPath expression, optionally an
/// attribute of the matched elements, and whether every match counts or only the first.
///
/// JSON: `{"css": "div.article p", "all": true}`, `{"xpath": "//meta[@name='pubdate']/@content"}`,
/// `{"css": "time", "attribute": "datetime"}`.
public struct ExtractionRule: Codable, Sendable, Hashable {
    public var css: String?
    public var xpath: String?
    /// Take this attribute of each matched element instead of its text.
    public var attribute: String?
    /// Join every match's text with line breaks (default: the first non-empty match only).
    public var all: Bool?

    public init(css: String? = nil, xpath: String? = nil, attribute: String? = nil, all: Bool? = nil) {
        self.css = css
        self.xpath = xpath
        self.attribute = attribute
        self.all = all
    }

    /// The rule checked and ready to evaluate.
    public func compiled() throws(ExtractionRuleError) -> CompiledRule {
        let expression: XPathExpression
        switch (css, xpath) {
        case (let css?, nil):
            do { expression = try CSSSelector(css).xpath } catch { throw ExtractionRuleError(error.description) }
        case (nil, let xpath?):
            do { expression = try XPathExpression(xpath) } catch { throw ExtractionRuleError(error.description) }
        case (nil, nil): throw ExtractionRuleError("a rule needs \"css\" or \"xpath\"")
        default: throw ExtractionRuleError("a rule has either \"css\" or \"xpath\", not both")
        }
        if let attribute, attribute.isEmpty || attribute.contains(where: { $0.isWhitespace }) {
            throw ExtractionRuleError("\"attribute\" must be an attribute name, found \"\(attribute)\"")
        }
        return CompiledRule(expression: expression, attribute: attribute?.lowercased(), all: all ?? false)
    }
}

/// A rule ready to evaluate against pages.
public struct CompiledRule: Sendable, Hashable {
    public let expression: XPathExpression
    public let attribute: String?
    public let all: Bool

    /// The rule's values in `document` from `node` (the whole page when nil), empty ones dropped.
    public func values(in document: HTMLDocument, from node: HTMLNode? = nil) throws(XPathError) -> [String] {
        let result = try document.evaluate(expression, from: node)
        let texts: [String]
        if let attribute {
            texts = result.nodes.compactMap { $0.attribute(attribute).map(TextCollector.normalise) }.filter { !$0.isEmpty }
        } else {
            texts = result.texts
        }
        return all ? texts : Array(texts.prefix(1))
    }

    /// The rule's value as one text: the first match, or every match on its own line.
    public func value(in document: HTMLDocument, from node: HTMLNode? = nil) throws(XPathError) -> String? {
        let texts = try values(in: document, from: node)
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }
}

/// A rule that cannot be used, and why.
public struct ExtractionRuleError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
