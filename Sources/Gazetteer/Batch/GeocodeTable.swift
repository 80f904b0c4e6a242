import Foundation

/// A table to geocode: rows of named fields, read from CSV (with a header row) or JSON lines.
public struct GeocodeTable: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case jsonLines = "jsonl"

        /// The format a file name suggests (`.jsonl`, `.ndjson`, `.json` → JSON lines; otherwise CSV).
        public init(fileName: String) {
            let lower = fileName.lowercased()
            self = lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") ? .jsonLines : .csv
        }
    }

    /// Column names in input order.
    public var columns: [String]
    /// Field values by row, aligned with ``columns`` (missing fields are empty).
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Parses a table.
    public static func parse(_ data: Data, format: Format) throws(GazetteerLoadError) -> GeocodeTable {
        let text = String(decoding: data, as: UTF8.self)
        switch format {
        case .csv:
            var rows = CSVReader.rows(text)
            guard !rows.isEmpty else { throw GazetteerLoadError("the CSV is empty: it needs a header row") }
            let columns = rows.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            return GeocodeTable(columns: columns, rows: rows.map { row in (0..<columns.count).map { $0 < row.count ? row[$0] : "" } })
        case .jsonLines:
            var columns: [String] = []
            var index: [String: Int] = [:]
            var objects: [[String: String]] = []
            for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                    throw GazetteerLoadError("line \(number + 1) is not a JSON object")
                }
                var fields: [String: String] = [:]
                for (key, value) in object {
                    if index[key] == nil {
                        index[key] = columns.count
                        columns.append(key)
                    }
                    switch value {
                    case let text as String: fields[key] = text
                    case is NSNull: fields[key] = ""
                    default:
                        let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
                        fields[key] = data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
                    }
                }
                objects.append(fields)
            }
            return GeocodeTable(columns: columns, rows: objects.map { fields in columns.map { fields[$0] ?? "" } })
        }
    }

    /// The values of a column, or an error naming the columns there are.
    public func values(of column: String) throws(GazetteerLoadError) -> [String] {
        guard let index = columns.firstIndex(of: column) else {
            throw GazetteerLoadError("no column \"\(column)\"; the columns are: \(columns.joined(separator: ", "))")
        }
        return rows.map { $0[index] }
    }
}
