import Foundation

/// A position as a request gives it: x then y (longitude, latitude for geographic CRSs), as GeoJSON
/// writes positions whatever the CRS's official axis order.
public struct Position: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// `x,y` (e.g. `lon,lat`); `parameter` names it in the error.
    public init(parsing text: String?, parameter: String) throws(ParameterError) {
        guard let text else { throw ParameterError("\(parameter) is required: longitude,latitude") }
        let numbers = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 2, let x = numbers[0], let y = numbers[1], x.isFinite, y.isFinite else {
            throw ParameterError("\(parameter) must be longitude,latitude (two numbers), not \(text)")
        }
        self.init(x: x, y: y)
    }

    /// One coordinate given as its own parameter (`lon=`, `lat=`).
    public static func coordinate(_ text: String?, parameter: String) throws(ParameterError) -> Double {
        guard let text, let value = Double(text), value.isFinite else {
            throw ParameterError("\(parameter) must be a number, not \(text ?? "(missing)")")
        }
        return value
    }
}
