import Foundation

/// The obfuscating offsets of Chinese internet maps, which PROJ does not know.
///
/// - GCJ-02 (国测局坐标, "Mars coordinates"; Amap, Tencent, Google China) is WGS 84 shifted by a
///   published nonlinear function of position, inside China only: points outside China's rough
///   extent are left unchanged.
/// - BD-09 (Baidu) is GCJ-02 further rotated and shifted.
///
/// The forward functions are the public algorithm (as in the widely used `coordtransform`
/// libraries); the inverses are solved iteratively to better than 1e-9 degrees, unlike the one-step
/// approximations (≈1e-5 degrees, a metre or two) those libraries ship.
public enum InternetMapOffset: String, Hashable, Sendable, CaseIterable {
    /// GCJ-02, an offset of WGS 84.
    case gcj02 = "GCJ-02"
    /// BD-09, an offset of GCJ-02.
    case bd09 = "BD-09"

    /// Applies the offset: WGS 84 → this system.
    public func fromWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        let gcj = Self.gcj02(fromWGS84: lon, lat)
        switch self {
        case .gcj02: return gcj
        case .bd09: return Self.bd09(fromGCJ02: gcj.lon, gcj.lat)
        }
    }

    /// Removes the offset: this system → WGS 84.
    public func toWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        switch self {
        case .gcj02: return Self.wgs84(fromGCJ02: lon, lat)
        case .bd09:
            let gcj = Self.gcj02(fromBD09: lon, lat)
            return Self.wgs84(fromGCJ02: gcj.lon, gcj.lat)
        }
    }

    // MARK: - GCJ-02

    /// Semi-major axis and squared eccentricity of Krasovsky 1940, which the algorithm uses.
    private static let a = 6_378_245.0
    private static let ee = 0.006_693_421_622_965_943_23

    /// Whether a point lies outside the rectangle in which GCJ-02 applies its offset.
    public static func isOutsideChina(lon: Double, lat: Double) -> Bool {
        !(lon > 72.004 && lon < 137.8347 && lat > 0.8293 && lat < 55.8271)
    }

    /// WGS 84 → GCJ-02 (the public forward algorithm).
    public static func gcj02(fromWGS84 lon: Double, _ lat: Double) -> (lon: Double, lat: Double) {
        guard lon.isFinite, lat.isFinite, !isOutsideChina(lon: lon, lat: lat) else { return (lon, lat) }
        let d = delta(lon: lon, lat: lat)
        return (lon + d.lon, lat + d.lat)
    }

    /// GCJ-02 → WGS 84, by fixed-point iteration on the forward function until it reproduces the
    /// input to 1e-12 degrees (converges in a handful of steps: the offset varies slowly).
    public static func wgs84(fromGCJ02 lon: Double, _ lat: Double) -> (lon: Double, lat: Double) {
        guard lon.isFinite, lat.isFinite, !isOutsideChina(lon: lon, lat: lat) else { return (lon, lat) }
        var guess = (lon: lon, lat: lat)
        for _ in 0..<30 {
            let forward = gcj02(fromWGS84: guess.lon, guess.lat)
            let errorLon = forward.lon - lon
            let errorLat = forward.lat - lat
            guess = (guess.lon - errorLon, guess.lat - errorLat)
            if abs(errorLon) < 1e-12 && abs(errorLat) < 1e-12 { break }
        }
        return guess
    }

    /// The GCJ-02 offset at a WGS 84 position, in degrees.
    private static func delta(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        var dLat = transformLat(lon - 105.0, lat - 35.0)
        var dLon = transformLon(lon - 105.0, lat - 35.0)
        let radLat = lat / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return (dLon, dLat)
    }

    private static func transformLat(_ x: Double, _ y: Double) -> Double {
        var result = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        result += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        result += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        result += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        return result
    }

    private static func transformLon(_ x: Double, _ y: Double) -> Double {
        var result = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        result += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        result += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        result += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        return result
    }

    // MARK: - BD-09

    private static let xPi = Double.pi * 3000.0 / 180.0

    /// GCJ-02 → BD-09 (the public forward algorithm).
    public static func bd09(fromGCJ02 lon: Double, _ lat: Double) -> (lon: Double, lat: Double) {
        guard lon.isFinite, lat.isFinite else { return (lon, lat) }
        let z = (lon * lon + lat * lat).squareRoot() + 0.000_02 * sin(lat * xPi)
        let theta = atan2(lat, lon) + 0.000_003 * cos(lon * xPi)
        return (z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }

    /// BD-09 → GCJ-02: the usual closed-form approximation, refined by fixed-point iteration on the
    /// forward function until it reproduces the input to 1e-12 degrees.
    public static func gcj02(fromBD09 lon: Double, _ lat: Double) -> (lon: Double, lat: Double) {
        guard lon.isFinite, lat.isFinite else { return (lon, lat) }
        let x = lon - 0.0065
        let y = lat - 0.006
        let z = (x * x + y * y).squareRoot() - 0.000_02 * sin(y * xPi)
        let theta = atan2(y, x) - 0.000_003 * cos(x * xPi)
        var guess = (lon: z * cos(theta), lat: z * sin(theta))
        for _ in 0..<30 {
            let forward = bd09(fromGCJ02: guess.lon, guess.lat)
            let errorLon = forward.lon - lon
            let errorLat = forward.lat - lat
            guess = (guess.lon - errorLon, guess.lat - errorLat)
            if abs(errorLon) < 1e-12 && abs(errorLat) < 1e-12 { break }
        }
        return guess
    }
}
