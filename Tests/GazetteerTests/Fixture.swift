import Foundation
import Gazetteer
import Geodesy

/// The gazetteer built once from the committed fixture data (see Fixtures/README.md).
enum Fixture {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("gazetteer")

    static let transformer = CoordinateTransformer()

    static let changes: [GazetteerChange] = {
        let data = PackagedData(directory: directory)
        var changes = try! data.changes(transformer: transformer)
        changes += try! OperatorTables.addressPoints(
            csv: String(contentsOf: directory.appendingPathComponent("addresses.csv"), encoding: .utf8), transformer: transformer)
        changes += try! OperatorTables.aliases(csv: String(contentsOf: directory.appendingPathComponent("aliases.csv"), encoding: .utf8))
        return changes
    }()

    static let characters: CharacterTables = try! PackagedData(directory: directory).characterTables()

    static let gazetteer: Gazetteer = Gazetteer(characters: characters, changes: changes)
}

/// One table row: an address and the codes expected at some levels.
struct Expectation: CustomTestStringConvertible, Sendable {
    var address: String
    var codes: [AdminLevel: String]
    var testDescription: String { address }

    init(_ address: String, _ codes: String...) {
        self.address = address
        var expected: [AdminLevel: String] = [:]
        for code in codes {
            let level: AdminLevel
            switch code.count {
            case 9: level = .township
            default:
                if code.hasSuffix("0000") {
                    level = .province
                } else if code.hasSuffix("00") && !code.hasPrefix("429") {
                    level = .city
                } else {
                    level = .county
                }
            }
            expected[level] = code
        }
        self.codes = expected
    }
}

import Testing

/// Checks a result against an expectation: success, and the code at every expected level.
func check(_ result: GeocodeResult, _ expectation: Expectation, minimumScore: Double = 0.5, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.isSuccess, "\(expectation.address): \(result.failure?.description ?? "")", sourceLocation: sourceLocation)
    for (level, code) in expectation.codes {
        #expect(result.code(at: level) == code, "\(expectation.address) at \(level): \(result.admin)", sourceLocation: sourceLocation)
    }
    #expect(result.score >= minimumScore, "\(expectation.address) scored \(result.score): \(result.notes)", sourceLocation: sourceLocation)
    #expect(result.point != nil, "\(expectation.address) has no point", sourceLocation: sourceLocation)
}
