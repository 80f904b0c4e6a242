import Foundation
import Gazetteer

/// The engine's side of the independent evaluation (scripts/bench-gazetteer-evalset.py builds the set,
/// scripts/bench-gazetteer-score.py scores it by name next to JioNLP and cpca): geocodes every address
/// of a JSON-lines file, measures single-thread and batch throughput, and writes one JSON line per
/// address with the names found at each level, the failure and its reason.
enum Evaluation {
    static func run(_ gazetteer: Gazetteer, input: String, output: String) throws {
        let rows = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n").map { line -> (Int, String) in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return (object["id"] as? Int ?? 0, object["text"] as? String ?? "")
        }
        let texts = rows.map(\.1)
        print("== independent evaluation set: \(texts.count) addresses from \(input)")
        let (single, singleTime) = measure { texts.map { gazetteer.geocode($0) } }
        print(
            "   single thread: \(format(Double(texts.count) / singleTime)) addresses/s (\(format(singleTime * 1e6 / Double(texts.count), 1)) µs each)"
        )
        // The set is small: geocode it several times over so the batch figure is not start-up cost.
        let repeated = Array(repeating: texts, count: max(1, 100_000 / max(texts.count, 1))).flatMap { $0 }
        let (_, batchTime) = measure { BatchGeocoder.geocode(repeated, with: gazetteer) }
        print(
            "   batch (\(ProcessInfo.processInfo.activeProcessorCount) cores): \(format(Double(repeated.count) / batchTime)) addresses/s (\(repeated.count) geocodes)"
        )
        var lines = ""
        for ((id, _), result) in zip(rows, single) {
            var object: [String: Any] = ["id": id, "ok": result.isSuccess, "score": result.score]
            for level in AdminLevel.allCases where level != .village {
                if let match = result.admin.first(where: { $0.level == level }) { object[level.description] = match.name }
            }
            if let failure = result.failure {
                object["failure"] = failure.code
                object["reason"] = failure.description
            }
            object["standard"] = result.standardAddress ?? ""
            object["notes"] = result.notes
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        try lines.write(toFile: output, atomically: true, encoding: .utf8)
        print("   results written to \(output)")
    }
}
