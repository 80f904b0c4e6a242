/// The records of a page: the whole page as one record, or one record per element that `record`
/// matches (a list of notices, a table of events), each field evaluated from that element.
public struct RecordTemplate: Sendable {
    public let record: CompiledRule?
    public let fields: [(name: String, rule: CompiledRule)]

    public init(record: CompiledRule?, fields: [(name: String, rule: CompiledRule)]) {
        self.record = record
        self.fields = fields
    }

    /// Every record's fields by name; fields without a value are left out, and so are records
    /// with no field at all.
    public func records(in document: HTMLDocument) throws(XPathError) -> [[String: String]] {
        let roots: [HTMLNode?]
        if let record {
            roots = try document.evaluate(record.expression, from: nil).nodes.map { Optional($0) }
        } else {
            roots = [nil]
        }
        var records: [[String: String]] = []
        for root in roots {
            var fieldValues: [String: String] = [:]
            for (name, rule) in fields {
                if let value = try rule.value(in: document, from: root) { fieldValues[name] = value }
            }
            if !fieldValues.isEmpty { records.append(fieldValues) }
        }
        return records
    }
}
