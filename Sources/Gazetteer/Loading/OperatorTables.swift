import Foundation
import Geodesy

/// The tables operators edit: aliases and address points, as CSV with a header row.
public enum OperatorTables {
    /// An alias table: `kind,alias,target[,scope]`, where `kind` is `address` (an institution's
    /// common name) or `element` (a shop's nickname, a signature product), `target` is
    /// `point:<address point id>`, `division:<code>` or a standard address, and `scope` an optional
    /// division code the alias is limited to.
    public static func aliases(csv: String) throws(GazetteerLoadError) -> [GazetteerChange] {
        let rows = CSVReader.rows(csv)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
            let kindColumn = header.firstIndex(of: "kind"), let aliasColumn = header.firstIndex(of: "alias"),
            let targetColumn = header.firstIndex(of: "target")
        else { throw GazetteerLoadError("an alias table needs the columns kind, alias, target (and optionally scope)") }
        let scopeColumn = header.firstIndex(of: "scope")
        var changes: [GazetteerChange] = []
        for (number, row) in rows.dropFirst().enumerated() {
            guard row.count > max(kindColumn, aliasColumn, targetColumn) else {
                throw GazetteerLoadError("alias table row \(number + 2) has \(row.count) fields")
            }
            guard let kind = Alias.Kind(rawValue: row[kindColumn].trimmingCharacters(in: .whitespaces)) else {
                throw GazetteerLoadError("alias table row \(number + 2): kind must be address or element, not \(row[kindColumn])")
            }
            let text = row[aliasColumn].trimmingCharacters(in: .whitespaces)
            let targetText = row[targetColumn].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !targetText.isEmpty else { throw GazetteerLoadError("alias table row \(number + 2): empty alias or target") }
            let target: Alias.Target
            if targetText.hasPrefix("point:") {
                target = .addressPoint(id: String(targetText.dropFirst(6)))
            } else if targetText.hasPrefix("division:") {
                target = .division(code: String(targetText.dropFirst(9)))
            } else {
                target = .address(targetText)
            }
            let scope = scopeColumn.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil }.flatMap { $0.isEmpty ? nil : $0 }
            changes.append(.aliasAdded(Alias(kind: kind, text: text, target: target, scopeCode: scope)))
        }
        return changes
    }

    /// An address table: `id,address,lon,lat[,name][,crs]`; `crs` (per row, default EPSG:4490) may be
    /// any CRS the platform accepts, GCJ-02 and BD-09 included.
    public static func addressPoints(csv: String, transformer: CoordinateTransformer) throws(GazetteerLoadError) -> [GazetteerChange] {
        let rows = CSVReader.rows(csv)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
            let idColumn = header.firstIndex(of: "id"), let addressColumn = header.firstIndex(of: "address"),
            let lonColumn = header.firstIndex(of: "lon"), let latColumn = header.firstIndex(of: "lat")
        else { throw GazetteerLoadError("an address table needs the columns id, address, lon, lat (and optionally name, crs)") }
        let nameColumn = header.firstIndex(of: "name")
        let crsColumn = header.firstIndex(of: "crs")
        var changes: [GazetteerChange] = []
        for (number, row) in rows.dropFirst().enumerated() {
            let line = number + 2
            guard row.count > max(idColumn, addressColumn, lonColumn, latColumn) else {
                throw GazetteerLoadError("address table row \(line) has \(row.count) fields")
            }
            guard let lon = Double(row[lonColumn].trimmingCharacters(in: .whitespaces)),
                let lat = Double(row[latColumn].trimmingCharacters(in: .whitespaces))
            else { throw GazetteerLoadError("address table row \(line): lon and lat must be numbers") }
            let crsText = crsColumn.flatMap { $0 < row.count ? row[$0] : nil }.flatMap { $0.isEmpty ? nil : $0 } ?? "EPSG:4490"
            guard let crs = CoordinateReferenceSystem(parsing: crsText) else {
                throw GazetteerLoadError("address table row \(line): unknown CRS \(crsText)")
            }
            let position: (x: Double, y: Double)
            do {
                position = try transformer.transform(x: lon, y: lat, from: crs, to: .cgcs2000)
            } catch {
                throw GazetteerLoadError("address table row \(line): \(error)")
            }
            let name = nameColumn.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil }.flatMap { $0.isEmpty ? nil : $0 }
            changes.append(
                .addressPointUpserted(
                    AddressPoint(
                        id: row[idColumn], standardAddress: row[addressColumn], name: name, point: GeoPoint(lon: position.x, lat: position.y))))
        }
        return changes
    }
}
