import CGDAL
import Foundation

/// Turns GDAL's C strings into Swift strings.
///
/// GDAL hands out UTF-8 for formats that declare their encoding (GeoPackage, GeoJSON, a shapefile with a
/// `.cpg`). A CSV carries no declaration: when its first megabyte is not valid UTF-8, every string of
/// the file is recoded from the fallback encoding (GB18030 unless told otherwise, which covers GBK and
/// GB2312). Elsewhere a string that is not valid UTF-8 is recoded on its own.
struct TextDecoding {
    var fallbackEncoding: String
    /// Recode every non-ASCII string (the file is known not to be UTF-8).
    var recodeAll = false

    func string(_ pointer: UnsafePointer<CChar>) -> String {
        if !recodeAll, let text = String(validatingCString: pointer) { return text }
        if recodeAll, isASCII(pointer) { return String(cString: pointer) }
        let recoded = CPLRecode(pointer, fallbackEncoding, "UTF-8")
        defer { VSIFree(recoded) }
        if let text = String(validatingCString: recoded) { return text }
        return String(cString: pointer)
    }

    private func isASCII(_ pointer: UnsafePointer<CChar>) -> Bool {
        var cursor = pointer
        while cursor.pointee != 0 {
            if cursor.pointee < 0 { return false }
            cursor += 1
        }
        return true
    }

    /// Whether the first megabyte of a file (any GDAL path, `/vsizip/` included) is valid UTF-8;
    /// a multi-byte character cut at the end of the sample does not count against it.
    static func startsAsUTF8(gdalPath: String) -> Bool {
        guard let file = VSIFOpenL(gdalPath, "rb") else { return true }
        defer { _ = VSIFCloseL(file) }
        var sample = [UInt8](repeating: 0, count: 1 << 20)
        let count = sample.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, $0.count, file) }
        sample.removeSubrange(count...)
        // Drop an incomplete last character.
        var end = sample.count
        var back = 0
        while back < 4, end > 0, sample[end - 1] & 0xC0 == 0x80 {
            end -= 1
            back += 1
        }
        if end > 0, sample[end - 1] >= 0xC0 { end -= 1 }
        return String(validating: sample[..<end], as: UTF8.self) != nil
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
