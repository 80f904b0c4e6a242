import CQL2
import Foundation
import JSON
import PostgresNIO
import Testing

/// The in-memory evaluator against PostGIS: every fixture filter of ``CQL2FilterTests`` runs through
/// the SQL translation on the real table and through ``CQL2Filter`` on the same 3,000 rows read into
/// memory; both must select the same ids.
@Suite("CQL2 filters evaluated in memory select what PostGIS selects")
struct CQL2EvaluatorTests {
    /// The fixture rows as features, read once.
    static let features = FeatureLoader()

    actor FeatureLoader {
        private var loaded: [(id: Int, feature: CQL2PropertyFeature)]?

        func get() async throws -> [(id: Int, feature: CQL2PropertyFeature)] {
            if let loaded { return loaded }
            let client = try await CQL2Fixture.client()
            let microseconds = { (column: String) in "(extract(epoch FROM \(column)) * 1000000)::int8" }
            let query = PostgresQuery(
                unsafeSQL: """
                    SELECT json_build_object('id', id, 'name', name, 'kind', kind, 'pm25', pm25, 'count', count, 'active', active,
                        'day', day::text, 'observed_at', \(microseconds("observed_at")), 'valid_from', \(microseconds("valid_from")),
                        'valid_to', \(microseconds("valid_to")), 'period_null', period IS NULL,
                        'period_lower', CASE WHEN lower_inf(period) THEN NULL ELSE \(microseconds("lower(period)")) END,
                        'period_upper', CASE WHEN upper_inf(period) THEN NULL ELSE \(microseconds("upper(period)")) END,
                        'geometry', ST_AsGeoJSON(geom, 17, 0)::json, 'area', ST_AsGeoJSON(area, 17, 0)::json)::text
                    FROM \(CQL2Fixture.table) ORDER BY id
                    """)
            var rows: [(id: Int, feature: CQL2PropertyFeature)] = []
            for try await text in try await client.query(query, logger: CQL2Fixture.logger).decode(String.self) {
                let row = try JSONParser.parse(text)
                rows.append((Int(row["id"]?.number ?? 0), Self.feature(row)))
            }
            loaded = rows
            return rows
        }

        static func feature(_ row: JSONValue) -> CQL2PropertyFeature {
            func instant(_ key: String) -> CQL2Timestamp? { row[key]?.number.map { CQL2Timestamp(microsecondsSinceEpoch: Int64($0)) } }
            var values: [String: CQL2Value] = [:]
            for (name, type) in [
                ("name", Queryable.ValueType.string), ("kind", .string), ("pm25", .number), ("count", .integer), ("active", .boolean),
            ] {
                values[name] = row[name].flatMap { CQL2Value(json: $0, as: type) }
            }
            values["day"] = row["day"].flatMap { CQL2Value(json: $0, as: .date) }
            values["observed_at"] = instant("observed_at").map(CQL2Value.timestamp)
            values["valid"] = .interval(start: instant("valid_from"), end: instant("valid_to"))
            if row["period_null"]?.bool == false { values["period"] = .interval(start: instant("period_lower"), end: instant("period_upper")) }
            values["geometry"] = row["geometry"].flatMap { CQL2Value(json: $0, as: .geometry) }
            values["area"] = row["area"].flatMap { CQL2Value(json: $0, as: .geometry) }
            return CQL2PropertyFeature(values)
        }
    }

    @Test("same ids as PostGIS", arguments: CQL2FilterTests.cases)
    func sameIDs(_ case: CQL2FilterTests.Case) async throws {
        let features = try await Self.features.get()
        #expect(features.count == CQL2Fixture.rowCount)
        let crs = try `case`.crs.map { try FilterCRS(parsing: $0) } ?? .crs84
        let translator = CQL2Translator(queryables: CQL2Fixture.queryables, filterCRS: crs, accentInsensitiveFunction: "unaccent")
        var encodings: [(CQL2.Language, String)] = [(.text, `case`.filter)]
        if let json = `case`.json { encodings.append((.json, json)) }
        for (language, text) in encodings {
            let expression = try CQL2.parse(text, language: language)
            var query = PostgresQuery(unsafeSQL: "SELECT id FROM \(CQL2Fixture.table) WHERE ")
            try translator.append(expression, to: &query)
            query.sql += " ORDER BY id"
            let selected = try await CQL2Fixture.ids(query)
            let filter = try CQL2Filter(expression, queryables: CQL2Fixture.queryables, filterCRS: crs, accentInsensitive: true)
            let evaluated = features.filter { filter.evaluate($0.feature) }.map(\.id)
            let missing = Set(selected).subtracting(evaluated).sorted()
            let extra = Set(evaluated).subtracting(selected).sorted()
            #expect(
                missing.isEmpty && extra.isEmpty,
                "\(language.rawValue): evaluated \(evaluated.count), PostGIS \(selected.count); missing \(missing.prefix(10)), extra \(extra.prefix(10))"
            )
        }
    }

    @Test("a filter is refused in memory exactly when the translation refuses it")
    func sameErrors() throws {
        for text in ["pm25 = 'high'", "unknown > 1", "S_INTERSECTS(pm25, BBOX(0, 0, 1, 1))", "ACCENTI(name) = 'x'", "pm25 LIKE '1%'"] {
            let expression = try CQL2.parse(text)
            var translationError: CQL2Error?
            do { _ = try CQL2Translator(queryables: CQL2Fixture.queryables).fragment(expression) } catch { translationError = error }
            var evaluatorError: CQL2Error?
            do { _ = try CQL2Filter(expression, queryables: CQL2Fixture.queryables) } catch { evaluatorError = error }
            #expect(translationError != nil, "\(text)")
            #expect(evaluatorError == translationError, "\(text)")
        }
    }
}
