/// Splits what follows the divisions into road, door number, building, unit, room and the rest,
/// by scanning for the marker words (路/街/大道…, 号, 栋/幢/座, 单元, 室) — no regular expressions.
enum RemainderParser {
    static let roadSuffixes: [[UInt32]] = ["大道", "大街", "胡同", "路", "街", "巷", "弄", "道"].map(\.scalarValues)
    static let hao = "号".unicodeScalars.first!.value
    static let dao = "道".unicodeScalars.first!.value
    static let buildingWords: [[UInt32]] = ["号楼", "栋", "幢", "座"].map(\.scalarValues)
    static let unitWords: [[UInt32]] = ["单元"].map(\.scalarValues)
    static let roomWords: [[UInt32]] = ["室", "房", "户"].map(\.scalarValues)
    static let floorWords: [[UInt32]] = ["层", "楼"].map(\.scalarValues)

    struct Parsed {
        var parts = AddressParts()
        /// Scalars of the road and number, for the address index.
        var roadKey: [UInt32]?
        var numberKey: [UInt32]?
        /// Where the road and door number end in the text, when there is a door number.
        var matchedEnd: Int?
    }

    static func parse(_ text: ArraySlice<UInt32>) -> Parsed {
        var parsed = Parsed()
        guard !text.isEmpty else { return parsed }
        var index = text.startIndex
        var rest: [UInt32] = []
        // Road: the first road suffix after at least one character, followed by a number, the end,
        // or more text that is not a continuation of a longer word (路口 is still a road).
        var roadRange: Range<Int>?
        scan: for position in (text.startIndex + 1)..<text.endIndex {
            for suffix in roadSuffixes where matches(text, at: position, suffix) {
                let end = position + suffix.count
                if suffix == roadSuffixes[7], end < text.endIndex, !isDigit(text[end]) { continue }  // 道 alone: only before a number
                if suffix == roadSuffixes[4], end < text.endIndex, text[end] == dao { continue }  // 街道 is a township, not a road
                roadRange = text.startIndex..<end
                break scan
            }
        }
        if let roadRange {
            // Text before a road that is itself an address word (a community, a POI) goes to rest.
            parsed.roadKey = Array(text[roadRange])
            parsed.parts.road = String(scalars: text[roadRange])
            index = roadRange.upperBound
        }
        // Door number: digits (and -) followed by 号.
        if let (number, end) = numberFollowed(by: [[hao]], in: text, from: index), !buildingWords.contains(where: { matches(text, at: end - 1, $0) })
        {
            parsed.numberKey = number
            parsed.parts.number = String(scalars: number)
            parsed.matchedEnd = end
            index = end
        }
        while index < text.endIndex {
            if let (_, end) = numberFollowed(by: buildingWords, in: text, from: index) {
                parsed.parts.building = String(scalars: text[index..<end])
                index = end
            } else if let (_, end) = numberFollowed(by: unitWords, in: text, from: index) {
                parsed.parts.unit = String(scalars: text[index..<end])
                index = end
            } else if let (_, end) = numberFollowed(by: roomWords, in: text, from: index) {
                parsed.parts.room = String(scalars: text[index..<end])
                index = end
            } else if let (_, end) = numberFollowed(by: floorWords, in: text, from: index) {
                rest.append(contentsOf: text[index..<end])
                index = end
            } else if isDigit(text[index]), parsed.parts.room == nil, parsed.parts.building != nil || parsed.parts.unit != nil {
                var end = index
                while end < text.endIndex, isDigit(text[end]) { end += 1 }
                if end == text.endIndex {
                    parsed.parts.room = String(scalars: text[index..<end])
                    index = end
                } else {
                    rest.append(text[index])
                    index += 1
                }
            } else {
                rest.append(text[index])
                index += 1
            }
        }
        if !rest.isEmpty { parsed.parts.rest = String(scalars: rest) }
        return parsed
    }

    @inline(__always)
    static func isDigit(_ scalar: UInt32) -> Bool { (0x30...0x39).contains(scalar) || scalar == 0x2D || (0x61...0x7A).contains(scalar) }

    static func matches(_ text: ArraySlice<UInt32>, at position: Int, _ word: [UInt32]) -> Bool {
        guard position >= text.startIndex, position + word.count <= text.endIndex else { return false }
        for offset in 0..<word.count where text[position + offset] != word[offset] { return false }
        return true
    }

    /// Digits at `start` followed by one of the words: (the digits, the index after the word).
    static func numberFollowed(by words: [[UInt32]], in text: ArraySlice<UInt32>, from start: Int) -> ([UInt32], Int)? {
        var end = start
        while end < text.endIndex, isDigit(text[end]) { end += 1 }
        guard end > start, text[start] != 0x2D else { return nil }
        for word in words where matches(text, at: end, word) { return (Array(text[start..<end]), end + word.count) }
        return nil
    }
}
