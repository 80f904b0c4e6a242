import Foundation
import Gazetteer
import JSON

/// The records of one response: parsed whole before anything is mapped, so a broken response
/// (bad JSON, a missing records array, a ragged CSV) is one error and nothing of it is used.
enum ResponseRecords {
    static func parse(_ body: [UInt8], format: APIPollDefinition.Format, records path: FieldPath?) throws(ResponseError) -> [JSONValue] {
        switch format {
        case .json, .geojson:
            let document: JSONValue
            do {
                document = try JSONParser.parse(bytes: body)
            } catch {
                throw ResponseError("the response is not valid JSON: \(error.description)")
            }
            let located: JSONValue?
            if let path {
                located = path.value(in: document)
                guard located != nil else { throw ResponseError("the response has nothing at \(path.text)") }
            } else if format == .geojson {
                guard document["type"]?.string == "FeatureCollection" else {
                    throw ResponseError("the response is not a GeoJSON FeatureCollection (its type is \(document["type"]?.summary ?? "missing"))")
                }
                located = document["features"]
            } else {
                located = document
            }
            guard case .array(let items)? = located else {
                throw ResponseError("expected an array of records\(path.map { " at \($0.text)" } ?? ""), found \(located?.summary ?? "nothing")")
            }
            return items
        case .csv:
            guard let text = String(validating: body, as: UTF8.self) else { throw ResponseError("the CSV is not UTF-8") }
            let rows = CSVReader.rows(text).filter { !($0.count == 1 && $0[0].isEmpty) }
            guard let header = rows.first, !header.isEmpty else { throw ResponseError("the CSV is empty: no header row") }
            var records: [JSONValue] = []
            for (index, row) in rows.dropFirst().enumerated() {
                guard row.count == header.count else {
                    throw ResponseError("CSV row \(index + 1) has \(row.count) fields; the header has \(header.count)")
                }
                records.append(.object(zip(header, row).map { ($0, .string($1)) }))
            }
            return records
        }
    }
}

/// Why a response could not be used at all.
public struct ResponseError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
