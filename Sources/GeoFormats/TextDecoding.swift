import CGDAL
import Foundation

/// Turns GDAL's C strings into Swift strings: UTF-8 when valid, else recoded from a fallback encoding
/// (GB18030 unless the reader was told otherwise), so a GBK CSV still reads as Chinese.
struct TextDecoding {
    var fallbackEncoding: String

    func string(_ pointer: UnsafePointer<CChar>) -> String {
        if let text = String(validatingCString: pointer) { return text }
        let recoded = CPLRecode(pointer, fallbackEncoding, "UTF-8")
        defer { VSIFree(recoded) }
        if let text = String(validatingCString: recoded) { return text }
        return String(cString: pointer)
    }
}

extension String {
    /// The string as a JSON string literal.
    var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
