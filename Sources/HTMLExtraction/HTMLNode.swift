import CLibXML2

/// A node of a parsed page (element, attribute or text). It keeps its document alive.
public struct HTMLNode {
    let pointer: xmlNodePtr
    let document: HTMLDocument

    /// The element's name in lower case (`div`), or `#text`, or the attribute's name.
    public var name: String {
        pointer.pointee.type == XML_TEXT_NODE ? "#text" : pointer.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// What a reader sees: for an element, its text without scripts and styles, a line break
    /// between blocks and runs of white space made one space; for an attribute, its value.
    public var text: String {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE, XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE:
            var collector = TextCollector()
            collector.collect(pointer)
            return collector.result
        default:
            guard let content = xmlNodeGetContent(pointer) else { return "" }
            defer { shikong_xml_free(content) }
            return TextCollector.normalise(String(cString: content))
        }
    }

    /// The value of an attribute of this element, if present.
    public func attribute(_ name: String) -> String? {
        guard pointer.pointee.type == XML_ELEMENT_NODE, let value = xmlGetProp(pointer, name) else { return nil }
        defer { shikong_xml_free(value) }
        return String(cString: value)
    }
}

/// Walks an element's subtree into readable text.
struct TextCollector {
    private(set) var lines: [String] = []
    private var current = ""

    static let skipped: Set<String> = ["script", "style", "noscript", "template", "head"]
    static let blocks: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header",
        "footer", "blockquote", "pre", "dd", "dt", "dl", "address", "title", "main", "nav", "aside", "figure", "figcaption",
    ]

    var result: String {
        (lines + [current]).map { Self.normalise($0) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    mutating func collect(_ node: xmlNodePtr) {
        var child = node.pointee.children
        while let next = child {
            switch next.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = next.pointee.content { current += String(cString: content) }
            case XML_ELEMENT_NODE:
                let name = next.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if !Self.skipped.contains(name) {
                    let block = Self.blocks.contains(name)
                    if block { breakLine() }
                    collect(next)
                    if block { breakLine() }
                }
            default: break
            }
            child = next.pointee.next
        }
    }

    private mutating func breakLine() {
        lines.append(current)
        current = ""
    }

    /// Runs of white space (the ideographic space of Chinese pages and non-breaking spaces
    /// included) become one space; the ends are trimmed.
    static func normalise(_ text: String) -> String {
        var output = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(" ") }
                pendingSpace = false
                output.append(character)
            }
        }
        return output
    }
}
