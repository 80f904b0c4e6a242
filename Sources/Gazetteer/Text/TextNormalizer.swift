/// Turns free text into the scalar sequence that matching works on: traditional and variant
/// characters simplified, full-width forms folded to ASCII, letters lower-cased, whitespace and
/// punctuation dropped, and a leading `中国`/`中华人民共和国` removed.
struct TextNormalizer: Sendable {
    let tables: CharacterTables

    func normalize(_ text: String) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if value == 0x3000 { continue }  // ideographic space
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }  // full-width ASCII
            if value < 0x80 {
                if (0x41...0x5A).contains(value) { value += 0x20 }
                if (0x30...0x39).contains(value) || (0x61...0x7A).contains(value) {
                    output.append(value)
                }
                continue  // spaces, punctuation, controls
            }
            if Self.dropped.contains(value) { continue }
            output.append(tables.simplify(value))
        }
        for prefix in Self.countryPrefixes where output.starts(with: prefix) {
            output.removeFirst(prefix.count)
            break
        }
        return output
    }

    /// CJK punctuation and symbols that carry no address information.
    static let dropped: Set<UInt32> = Set(
        "，。、；：？！「」『』（）【】《》〈〉“”‘’…—－·・～〜＃№︰﹐﹑".unicodeScalars.map(\.value))

    static let countryPrefixes: [[UInt32]] = ["中华人民共和国", "中国"].map { $0.unicodeScalars.map(\.value) }
}

extension String {
    /// The scalar values of a string.
    var scalarValues: [UInt32] { unicodeScalars.map(\.value) }

    /// A string from scalar values.
    init<C: Collection>(scalars: C) where C.Element == UInt32 {
        var view = String.UnicodeScalarView()
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        self = String(view)
    }
}
