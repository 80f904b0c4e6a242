import Foundation

/// Filter arithmetic as PostgreSQL does it in `float8`: division and remainder by zero give no
/// value (the translation's `NULLIF(…, 0)`); what PostgreSQL refuses to compute (an overflow, the
/// power of a negative number to a fraction) gives no value either, so the feature does not match.
enum Arithmetic {
    static func apply(_ op: CQL2ArithmeticOperator, _ x: Double, _ y: Double) -> Double? {
        let result: Double
        switch op {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide:
            guard y != 0 else { return nil }
            result = x / y
        case .integerDivide:
            guard y != 0 else { return nil }
            result = (x / y).rounded(.towardZero)
        case .remainder:
            guard y != 0 else { return nil }
            result = x.truncatingRemainder(dividingBy: y)
        case .power: result = pow(x, y)
        }
        return result.isFinite ? result : nil
    }
}
