/// Entry points of the CQL2 module: parse a `filter` in either encoding.
///
/// ```swift
/// let expression = try CQL2.parse(filter, language: .init(parameter: filterLang))
/// ```
public enum CQL2 {
    /// The two encodings of OGC API Features Part 3, by their `filter-lang` names.
    public enum Language: String, Sendable, Hashable, CaseIterable {
        case text = "cql2-text"
        case json = "cql2-json"

        /// From a `filter-lang` parameter: absent means cql2-text (the Part 3 default for GET).
        public init(parameter: String?) throws(CQL2Error) {
            guard let parameter else {
                self = .text
                return
            }
            guard let language = Language(rawValue: parameter.lowercased()) else {
                throw CQL2Error(.unsupported, "filter-lang \(parameter) is not supported; use cql2-text or cql2-json")
            }
            self = language
        }
    }

    /// Deepest nesting of parentheses, NOT, functions and operators a filter may have.
    public static let maximumDepth = 64

    /// Parses a filter written in `language`.
    public static func parse(_ filter: String, language: Language = .text) throws(CQL2Error) -> CQL2Expression {
        switch language {
        case .text:
            var parser = try CQL2TextParser(filter)
            return try parser.parseFilter()
        case .json:
            return try CQL2JSONParser.parse(filter)
        }
    }
}
