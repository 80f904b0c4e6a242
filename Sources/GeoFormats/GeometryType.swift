import CGDAL

/// A geometry type by its ISO WKB code: `1` Point … `7` GeometryCollection, curves and surfaces up to
/// `17`, plus 1000 for Z, 2000 for M, 3000 for ZM (so `1003` is a Polygon Z). `0` is "any type".
public struct GeometryType: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public static let unknown = GeometryType(rawValue: 0)
    public static let point = GeometryType(rawValue: 1)
    public static let lineString = GeometryType(rawValue: 2)
    public static let polygon = GeometryType(rawValue: 3)
    public static let multiPoint = GeometryType(rawValue: 4)
    public static let multiLineString = GeometryType(rawValue: 5)
    public static let multiPolygon = GeometryType(rawValue: 6)
    public static let geometryCollection = GeometryType(rawValue: 7)

    /// The type without Z and M.
    public var flat: GeometryType { GeometryType(rawValue: rawValue % 1000) }
    public var hasZ: Bool { rawValue / 1000 == 1 || rawValue / 1000 == 3 }
    public var hasM: Bool { rawValue / 1000 == 2 || rawValue / 1000 == 3 }

    /// This type with Z (and M) set or cleared.
    public func with(z: Bool, m: Bool = false) -> GeometryType {
        GeometryType(rawValue: rawValue % 1000 + (z ? 1000 : 0) + (m ? 2000 : 0))
    }

    /// OGR's name, e.g. `3D Multi Polygon`.
    public var description: String {
        GDALLibrary.ensureRegistered()
        return String(cString: OGRGeometryTypeToName(ogrType))
    }

    /// OGR's own code for the type (which marks Z on the classic types with the 2.5D bit).
    var ogrType: OGRwkbGeometryType {
        OGR_GT_SetModifier(OGRwkbGeometryType(rawValue: rawValue % 1000), hasZ ? 1 : 0, hasM ? 1 : 0)
    }

    init(ogr type: OGRwkbGeometryType) {
        if type == wkbNone {
            self = .unknown
            return
        }
        let flat = OGR_GT_Flatten(type).rawValue
        self.init(rawValue: flat + (OGR_GT_HasZ(type) != 0 ? 1000 : 0) + (OGR_GT_HasM(type) != 0 ? 2000 : 0))
    }
}
