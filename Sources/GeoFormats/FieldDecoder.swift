import CGDAL
import Foundation

/// Reads the attribute values of a layer's features into `Properties`, in field order.
struct FieldDecoder {
    struct Column {
        var index: Int32
        var name: String
        var kind: OGRFieldType
        var isBoolean: Bool
        /// For CSV: the `<name>_original` text column GDAL adds next to a typed column.
        var original: Int32?
    }

    /// The columns that become properties.
    private(set) var columns: [Column]
    /// Every column by lower-cased name, including those not returned as properties (for CSV lookups).
    private(set) var allColumns: [String: Column]
    let text: TextDecoding

    init(definition: OGRFeatureDefnH, text: TextDecoding, pairOriginals: Bool) {
        self.text = text
        var all: [Column] = []
        for index in 0..<OGR_FD_GetFieldCount(definition) {
            let field = OGR_FD_GetFieldDefn(definition, index)
            let name = OGR_Fld_GetNameRef(field).map(text.string) ?? "field\(index)"
            all.append(
                Column(
                    index: index, name: name, kind: OGR_Fld_GetType(field), isBoolean: OGR_Fld_GetSubType(field) == OFSTBoolean,
                    original: nil))
        }
        var kept: [Column] = []
        var position = 0
        while position < all.count {
            var column = all[position]
            let next = position + 1 < all.count ? all[position + 1] : nil
            if pairOriginals, column.kind != OFTString, let next, next.kind == OFTString, next.name == column.name + "_original" {
                column.original = next.index
                position += 1
            }
            kept.append(column)
            position += 1
        }
        columns = kept
        allColumns = Dictionary(kept.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Drops columns (by index) from the properties, e.g. the CSV coordinate columns.
    mutating func exclude(_ indices: Set<Int32>) {
        columns.removeAll { indices.contains($0.index) }
    }

    /// The field definitions of the properties, with the widths and precisions the source declares.
    func definitions(from definition: OGRFeatureDefnH) -> [FieldDefinition] {
        columns.map { column in
            let field = OGR_FD_GetFieldDefn(definition, column.index)
            return FieldDefinition(
                column.name, Self.fieldType(of: column), width: Int(OGR_Fld_GetWidth(field)), precision: Int(OGR_Fld_GetPrecision(field)))
        }
    }

    static func fieldType(of column: Column) -> FieldType {
        switch column.kind {
        case OFTInteger where column.isBoolean: .boolean
        case OFTInteger, OFTInteger64: .integer
        case OFTReal: .real
        case OFTDate: .date
        case OFTDateTime: .dateTime
        default: .string
        }
    }

    func properties(of feature: OGRFeatureH) -> Properties {
        Properties(columns.map { Property($0.name, value(of: $0, in: feature)) })
    }

    /// The column's text as the source wrote it (for CSV: the original text, before type detection).
    func sourceText(of column: Column, in feature: OGRFeatureH) -> String? {
        if let original = column.original, OGR_F_IsFieldSetAndNotNull(feature, original) != 0 {
            return OGR_F_GetFieldAsString(feature, original).map(text.string)
        }
        guard OGR_F_IsFieldSetAndNotNull(feature, column.index) != 0 else { return nil }
        return OGR_F_GetFieldAsString(feature, column.index).map(text.string)
    }

    func value(of column: Column, in feature: OGRFeatureH) -> FieldValue {
        let index = column.index
        guard OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else {
            // A CSV value that did not parse as its column's detected type keeps its text.
            if let original = column.original, OGR_F_IsFieldSetAndNotNull(feature, original) != 0,
                let raw = OGR_F_GetFieldAsString(feature, original)
            {
                return .string(text.string(raw))
            }
            return .null
        }
        switch column.kind {
        case OFTInteger where column.isBoolean:
            return .boolean(OGR_F_GetFieldAsInteger(feature, index) != 0)
        case OFTInteger, OFTInteger64:
            return .integer(OGR_F_GetFieldAsInteger64(feature, index))
        case OFTReal:
            return .real(OGR_F_GetFieldAsDouble(feature, index))
        case OFTDate, OFTDateTime:
            return dateValue(of: column, in: feature)
        case OFTIntegerList:
            var count: Int32 = 0
            guard let values = OGR_F_GetFieldAsIntegerList(feature, index, &count) else { return .string("[]") }
            return .string("[" + (0..<Int(count)).map { String(values[$0]) }.joined(separator: ",") + "]")
        case OFTInteger64List:
            var count: Int32 = 0
            guard let values = OGR_F_GetFieldAsInteger64List(feature, index, &count) else { return .string("[]") }
            return .string("[" + (0..<Int(count)).map { String(values[$0]) }.joined(separator: ",") + "]")
        case OFTRealList:
            var count: Int32 = 0
            guard let values = OGR_F_GetFieldAsDoubleList(feature, index, &count) else { return .string("[]") }
            return .string("[" + (0..<Int(count)).map { String(values[$0]) }.joined(separator: ",") + "]")
        case OFTStringList:
            var items: [String] = []
            if var cursor = OGR_F_GetFieldAsStringList(feature, index) {
                while let item = cursor.pointee {
                    items.append(text.string(item).jsonQuoted)
                    cursor += 1
                }
            }
            return .string("[" + items.joined(separator: ",") + "]")
        case OFTBinary:
            var count: Int32 = 0
            guard let bytes = OGR_F_GetFieldAsBinary(feature, index, &count) else { return .string("") }
            return .string(Data(bytes: bytes, count: Int(count)).base64EncodedString())
        default:
            return OGR_F_GetFieldAsString(feature, index).map { .string(text.string($0)) } ?? .null
        }
    }

    private func dateValue(of column: Column, in feature: OGRFeatureH) -> FieldValue {
        var year: Int32 = 0
        var month: Int32 = 0
        var day: Int32 = 0
        var hour: Int32 = 0
        var minute: Int32 = 0
        var second: Float = 0
        var zone: Int32 = 0
        guard OGR_F_GetFieldAsDateTimeEx(feature, column.index, &year, &month, &day, &hour, &minute, &second, &zone) != 0 else {
            return .null
        }
        let date = CivilDate(year: Int(year), month: Int(month), day: Int(day))
        guard column.kind == OFTDateTime else { return .date(date) }
        let whole = Int(second.rounded(.down))
        let millisecond = min(999, Int(((Double(second) - Double(whole)) * 1000).rounded()))
        let civilZone: CivilDateTime.Zone =
            switch zone {
            case 1: .local
            // 100 is UTC; each step above or below is 15 minutes east or west of it.
            case 2...: .offset(minutes: Int(zone - 100) * 15)
            default: .unknown
            }
        return .dateTime(
            CivilDateTime(date: date, hour: Int(hour), minute: Int(minute), second: whole, millisecond: millisecond, zone: civilZone))
    }
}
