import CLibXML2
import Foundation

/// An HTML page parsed by libxml2's HTML parser, which recovers from broken markup as browsers do.
/// Not `Sendable`: parse, query and drop it within one task.
public final class HTMLDocument {
    let pointer: htmlDocPtr

    /// Parses `bytes`. `encoding` is the charset the server declared (`Content-Type`), if any;
    /// without it the parser reads `<meta charset>` and falls back to UTF-8. GB2312 is read as
    /// GB18030, its superset, since pages that declare GB2312 routinely use GBK characters.
    public init(bytes: [UInt8], url: String? = nil, encoding: String? = nil) throws(HTMLParseError) {
        LibXML2.prepareThread()
        guard !bytes.isEmpty else { throw HTMLParseError("the page is empty") }
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                | HTML_PARSE_NOBLANKS.rawValue | HTML_PARSE_COMPACT.rawValue)
        // libxml2 would read a `<meta charset=gb2312>` itself, as strict GB2312: the prescan finds it first.
        let charset = (encoding ?? Self.declaredInMeta(bytes)).map(Self.libxmlEncoding)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                htmlReadMemory(base, Int32(clamping: buffer.count), url, charset, options)
            }
        }
        guard let parsed else { throw HTMLParseError("libxml2 could not parse the page as HTML") }
        guard xmlDocGetRootElement(parsed) != nil else {
            xmlFreeDoc(parsed)
            throw HTMLParseError("the page has no HTML element")
        }
        pointer = parsed
    }

    deinit { xmlFreeDoc(pointer) }

    /// The document's root node, for queries from the top.
    public var root: HTMLNode { HTMLNode(pointer: UnsafeMutablePointer(OpaquePointer(pointer)), document: self) }

    /// Evaluates an XPath expression from `node` (the whole document when nil).
    public func evaluate(_ expression: XPathExpression, from node: HTMLNode? = nil) throws(XPathError) -> XPathValue {
        LibXML2.prepareThread()
        guard let context = xmlXPathNewContext(pointer) else { throw XPathError(expression: expression.text, reason: "out of memory") }
        defer { xmlXPathFreeContext(context) }
        shikong_xpath_context_silence(context)
        context.pointee.node = node?.pointer ?? UnsafeMutablePointer(OpaquePointer(pointer))
        guard let object = xmlXPathEvalExpression(expression.text, context) else {
            throw XPathError(expression: expression.text, reason: XPathExpression.lastError(context) ?? "the expression could not be evaluated")
        }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            var nodes: [HTMLNode] = []
            if let set = object.pointee.nodesetval, let table = set.pointee.nodeTab {
                for index in 0..<Int(set.pointee.nodeNr) {
                    if let item = table[index] { nodes.append(HTMLNode(pointer: item, document: self)) }
                }
            }
            return .nodes(nodes)
        case XPATH_STRING: return .string(object.pointee.stringval.map { String(cString: $0) } ?? "")
        case XPATH_NUMBER: return .number(object.pointee.floatval)
        case XPATH_BOOLEAN: return .boolean(object.pointee.boolval != 0)
        default: throw XPathError(expression: expression.text, reason: "the result is of a type extraction cannot use")
        }
    }

    /// The `href` of every link (`<a>`, `<area>`), in document order, as written (unresolved).
    public var linkTargets: [String] {
        guard case .nodes(let nodes) = try? evaluate(Self.links) else { return [] }
        return nodes.map(\.text).filter { !$0.isEmpty }
    }

    /// `<base href>`, which relative links resolve against when present.
    public var baseHref: String? {
        guard case .nodes(let nodes) = try? evaluate(Self.base), let first = nodes.first else { return nil }
        let value = first.text
        return value.isEmpty ? nil : value
    }

    /// `<meta name="robots">` directives (lower-cased): `noindex`, `nofollow`, `none`.
    public var robotsDirectives: Set<String> {
        guard case .nodes(let nodes) = try? evaluate(Self.metaRobots) else { return [] }
        return Set(
            nodes.flatMap { $0.text.lowercased().split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) })
    }

    private static let links = XPathExpression(checked: "//a/@href | //area/@href")
    private static let base = XPathExpression(checked: "//base/@href")
    private static let metaRobots = XPathExpression(
        checked:
            "//meta[translate(@name, 'ROBTS', 'robts') = 'robots' or translate(@name, 'SHIKONGRAWLE-', 'shikongrawle-') = 'shikong-crawler']/@content"
    )

    /// The charset a `<meta>` in the first 1,024 bytes declares (`charset=…`, as the HTML standard's
    /// prescan finds it), if any.
    static func declaredInMeta(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(1_024).map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self).lowercased()
        guard let marker = head.range(of: "charset=") else { return nil }
        let name = head[marker.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
            .prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." }
        return name.isEmpty ? nil : String(name)
    }

    /// libxml2's name for a declared charset.
    static func libxmlEncoding(_ declared: String) -> String {
        switch declared.lowercased().trimmingCharacters(in: .whitespaces) {
        case "gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80": "GB18030"
        default: declared
        }
    }
}

/// Why a page could not be parsed.
public struct HTMLParseError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
