/// Units of measure written in UCUM (the Unified Code for Units of Measure, case-sensitive form),
/// as SensorThings asks: `ug/m3`, `km/h`, `/h`, `Cel`, `%`, `m3/s`, `{AQI}`, `10*3/uL`, `mm[Hg]`.
///
/// A syntax check with the atoms sensor data uses (SI base and derived units with their prefixes,
/// time, volume, pressure, the bracketed customary units, dimensionless annotations); two units are
/// the same unit when they are written the same. Conversions between units are not attempted: a
/// reading in another unit than its datastream's is refused, not converted.
public enum UCUM {
    /// Atoms that take SI prefixes.
    static let metric: Set<String> = [
        "m", "s", "g", "rad", "K", "C", "cd", "mol", "sr", "Hz", "N", "Pa", "J", "W", "A", "V", "F", "Ohm", "S", "Wb", "Cel", "T", "H",
        "lm", "lx", "Bq", "Gy", "Sv", "l", "L", "ar", "t", "bar", "eV", "u", "kat", "bit", "By", "Bd", "B", "Np", "Ci", "R", "G", "Mx",
        "Oe", "gf", "cal", "mho", "st", "Ao", "b", "atm", "m[H2O]", "m[Hg]", "U", "[iU]", "[IU]", "osm", "eq", "Ky", "Gal", "dyn",
        "erg", "P", "St", "Lmb", "ph", "sb",
    ]
    /// Atoms that do not.
    static let other: Set<String> = [
        "1", "10*", "10^", "%", "min", "h", "d", "a", "wk", "mo", "deg", "gon", "'", "''", "AU", "pc", "[ppth]", "[ppm]", "[ppb]",
        "[pptr]", "[pi]", "[in_i]", "[ft_i]", "[yd_i]", "[mi_i]", "[nmi_i]", "[kn_i]", "[psi]", "[degF]", "[degR]", "[lb_av]",
        "[oz_av]", "[gal_us]", "[pH]", "[HP]", "[Btu]", "[mi_us]", "[ft_us]", "[knt]", "[beaufort]", "[drp]", "[acr_us]", "a_j", "a_t",
        "mo_j", "mo_s", "[c]", "[g]", "[hp_C]", "[m_e]", "[m_p]", "[e]", "[k]", "[G]", "[h]", "Torr", "[S]", "[CFU]", "[arb'U]",
    ]
    static let prefixes = ["da", "Y", "Z", "E", "P", "T", "G", "M", "k", "h", "d", "c", "m", "u", "n", "p", "f", "a", "z", "y"]

    /// Why `unit` is not a UCUM unit this check knows, or `nil` when it is.
    public static func problem(_ unit: String) -> String? {
        guard !unit.isEmpty, unit.count <= 64 else { return "a UCUM unit has 1 to 64 characters" }
        var parser = Parser(text: Array(unit))
        do throws(Parser.Failure) {
            try parser.mainTerm()
            guard parser.atEnd else { throw Parser.Failure(position: parser.index) }
            return nil
        } catch {
            let hint = unit.contains("µ") || unit.contains("μ") || unit.contains("³") || unit.contains("°") ? " (UCUM is ASCII: ug/m3, Cel)" : ""
            return "\(unit) is not a UCUM unit (at character \(error.position + 1))\(hint); e.g. ug/m3, km/h, /h, Cel, %, m3/s, {AQI}"
        }
    }

    struct Parser {
        struct Failure: Error { var position: Int }
        let text: [Character]
        var index = 0

        var atEnd: Bool { index == text.count }
        var current: Character? { index < text.count ? text[index] : nil }

        mutating func mainTerm() throws(Failure) {
            if current == "/" { index += 1 }
            try term()
        }

        mutating func term() throws(Failure) {
            try component()
            while let character = current, character == "." || character == "/" {
                index += 1
                try component()
            }
        }

        mutating func component() throws(Failure) {
            guard let character = current else { throw Failure(position: index) }
            if character == "(" {
                index += 1
                try term()
                guard current == ")" else { throw Failure(position: index) }
                index += 1
                return
            }
            if character == "{" {
                try annotation()
                return
            }
            if lookingAtTenPower {
                index += 3
                exponent()
                return
            }
            if character.isDigitInUCUM {
                while current?.isDigitInUCUM == true { index += 1 }
                return
            }
            try simpleUnit()
            exponent()
            if current == "{" { try annotation() }
        }

        /// `10*` or `10^`, the power-of-ten atoms (`10*3/uL`).
        var lookingAtTenPower: Bool {
            index + 2 < text.count && text[index] == "1" && text[index + 1] == "0" && (text[index + 2] == "*" || text[index + 2] == "^")
        }

        mutating func annotation() throws(Failure) {
            index += 1
            while let character = current, character != "}" {
                guard character.isASCII, character != "{" else { throw Failure(position: index) }
                index += 1
            }
            guard current == "}" else { throw Failure(position: index) }
            index += 1
        }

        mutating func exponent() {
            var end = index
            if end < text.count, text[end] == "+" || text[end] == "-" { end += 1 }
            let digits = end
            while end < text.count, text[end].isDigitInUCUM { end += 1 }
            if end > digits { index = end }
        }

        /// The longest atom (optionally after a prefix) the text starts with here.
        mutating func simpleUnit() throws(Failure) {
            var end = index
            while end < text.count, !".+-/(){}".contains(text[end]), !(text[end].isDigitInUCUM && end > index && !inBracket(from: index, to: end)) {
                end += 1
            }
            // Try the longest candidate first, then shorter ones (an exponent may follow).
            var length = end - index
            while length > 0 {
                let candidate = String(text[index..<(index + length)])
                if UCUM.metric.contains(candidate) || UCUM.other.contains(candidate) || Self.prefixed(candidate) {
                    index += length
                    return
                }
                length -= 1
            }
            throw Failure(position: index)
        }

        func inBracket(from start: Int, to end: Int) -> Bool {
            var depth = 0
            for character in text[start..<end] {
                if character == "[" { depth += 1 } else if character == "]" { depth -= 1 }
            }
            return depth > 0
        }

        static func prefixed(_ candidate: String) -> Bool {
            UCUM.prefixes.contains { prefix in
                candidate.hasPrefix(prefix) && UCUM.metric.contains(String(candidate.dropFirst(prefix.count)))
            }
        }
    }
}

extension Character {
    /// An ASCII digit: UCUM writes exponents and factors only with these (`³` is numeric in Unicode, but not UCUM).
    fileprivate var isDigitInUCUM: Bool { isASCII && isNumber }
}
