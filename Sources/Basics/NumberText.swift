#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The one place numbers become text: `NumberText` for everything nnlab prints (values, tables, ticks, sizes),
// `NumberFormat` for a printf-style format checked before use.

/// A printf-style format for one number, checked before use: C's printf would read garbage (or crash) on
/// `%s` or `%n` with a Double argument, and the format may come from a script the student typed.
/// Accepted: literal text, `%%`, and exactly one conversion `%[flags][width][.precision]` followed by one of
/// `f F e E g G a A` (formats the Double) or `d i u x X o` (formats the rounded integer).
public struct NumberFormat: Sendable {
    private let cFormat: String
    private let isIntegerConversion: Bool

    public static let general = NumberFormat(validating: "%g") ?? NumberFormat(cFormat: "%g", integer: false)

    private init(cFormat: String, integer: Bool) {
        self.cFormat = cFormat
        self.isIntegerConversion = integer
    }

    public init?(validating format: String) {
        var output = ""
        var conversions = 0
        var integer = false
        var scalars = Array(format.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                output.unicodeScalars.append(scalar)
                continue
            }
            if scalars.first == "%" {
                scalars.removeFirst()
                output += "%%"
                continue
            }
            var spec = "%"
            while let flag = scalars.first, "-+ #0".unicodeScalars.contains(flag) {
                spec.unicodeScalars.append(flag)
                scalars.removeFirst()
            }
            var digits = ""
            while let digit = scalars.first, ("0"..."9").contains(digit) {
                digits.unicodeScalars.append(digit)
                scalars.removeFirst()
            }
            guard digits.count <= 2 else { return nil }  // widths beyond 99 columns make no sense in a chart
            spec += digits
            if scalars.first == "." {
                scalars.removeFirst()
                var precision = ""
                while let digit = scalars.first, ("0"..."9").contains(digit) {
                    precision.unicodeScalars.append(digit)
                    scalars.removeFirst()
                }
                guard precision.count <= 2 else { return nil }
                spec += "." + precision
            }
            // Length modifiers are accepted and dropped: we choose the argument type ourselves.
            while let modifier = scalars.first, "hlLqjzt".unicodeScalars.contains(modifier) { scalars.removeFirst() }
            guard let conversion = scalars.popFirst() else { return nil }
            if "fFeEgGaA".unicodeScalars.contains(conversion) {
                spec.unicodeScalars.append(conversion)
            } else if "diuxXo".unicodeScalars.contains(conversion) {
                spec += "ll"
                spec.unicodeScalars.append(conversion)
                integer = true
            } else {
                return nil
            }
            conversions += 1
            output += spec
        }
        guard conversions == 1 else { return nil }
        self.init(cFormat: output, integer: integer)
    }

    /// NaN and infinities print as "NaN", "inf" and "-inf" whatever the conversion.
    public func format(_ value: Double) -> String {
        guard value.isFinite else { return NumberFormat.nonFiniteText(value) }
        if isIntegerConversion {
            let rounded = value.rounded()
            let integer: Int64 = rounded >= 9.2e18 ? Int64.max : (rounded <= -9.2e18 ? Int64.min : Int64(rounded))
            return NumberFormat.cFormatted(cFormat, integer)
        }
        return NumberFormat.cFormatted(cFormat, value)
    }

    public static func nonFiniteText(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf")
    }

    private static func cFormatted(_ format: String, _ argument: any CVarArg) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([argument]) { arguments in
                vsnprintf(pointer.baseAddress, pointer.count, format, arguments)
            }
        }
        guard written >= 0 else { return "?" }
        // Validated widths and precisions stay below 100, so 256 bytes only run short for %f of huge numbers.
        if Int(written) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(written) + 1)
            _ = buffer.withUnsafeMutableBufferPointer { pointer in
                withVaList([argument]) { arguments in
                    vsnprintf(pointer.baseAddress, pointer.count, format, arguments)
                }
            }
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Short number texts for axis ticks and cell values.
public enum NumberText {
    /// Up to `significantDigits` significant digits, trailing zeros dropped: 2.4, 0.9485, 4690, 1e-05.
    public static func compact(_ value: Double, significantDigits: Int = 4) -> String {
        guard value.isFinite else { return NumberFormat.nonFiniteText(value) }
        let digits = min(max(significantDigits, 1), 17)
        let text = NumberFormat(validating: "%.\(digits)g")?.format(value) ?? String(value)
        return text == "-0" ? "0" : text
    }

    /// Labels for a set of tick values, with just enough digits that neighbouring ticks read differently.
    public static func ticks(_ values: [Double]) -> [String] {
        for digits in 3...8 {
            let texts = values.map { compact($0, significantDigits: digits) }
            if Set(texts).count == Set(values).count { return texts }
        }
        return values.map { compact($0, significantDigits: 10) }
    }

    /// Values for a grid of cells: whole numbers when every value is whole, else three significant digits.
    public static func cellValues(_ values: [Double]) -> [String] {
        let finite = values.filter(\.isFinite)
        let allWhole = finite.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 }
        return values.map { value in
            guard value.isFinite else { return NumberFormat.nonFiniteText(value) }
            return allWhole ? compact(value, significantDigits: 15) : compact(value, significantDigits: 3)
        }
    }

    // MARK: numbers in sentences and tables

    /// A number as a script writes it: integers without a decimal point ("3", "-40"), others with up to six
    /// significant digits ("0.01", "3.14159", "1.5e-07"); "nan", "inf", "-inf".
    public static func value(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        var s = String(v)
        if s.count > 10 { s = significant(v, 6) }
        return s
    }

    /// A Float setting as the user would write it: 0.01 -> "0.01", 0.0 -> "0", 1e-05 -> "1e-05".
    public static func float(_ x: Float) -> String {
        let text = "\(x)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// `digits` significant digits, trailing zeros dropped: (0.000123456, 3) -> "0.000123", (1234567, 3) -> "1.23e6".
    public static func significant(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite, v != 0 else { return value(v) }
        let digits = max(1, digits)
        var exponent = 0
        var m = abs(v)
        while m >= 10 { m /= 10; exponent += 1 }
        while m < 1 { m *= 10; exponent -= 1 }
        if exponent < -4 || exponent >= digits {
            let scaled = (m * pow10(digits - 1)).rounded() / pow10(digits - 1)
            return (v < 0 ? "-" : "") + trimZeros(fixed(scaled, digits - 1)) + "e" + String(exponent)
        }
        return trimZeros(fixed(v, max(0, digits - 1 - exponent)))
    }

    /// Fixed point with `decimals` digits after the point, rounded half away from zero: (2.345, 1) -> "2.3".
    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return value(v) }
        let decimals = min(max(decimals, 0), 15)
        let scale = pow10(decimals)
        let rounded = (abs(v) * scale).rounded()
        guard rounded < 9e18 else { return String(v) }
        let whole = Int64(rounded)
        var text = String(whole / Int64(scale))
        if decimals > 0 {
            let fraction = String(whole % Int64(scale))
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (v < 0 && rounded != 0 ? "-" : "") + text
    }

    /// Thousands separated: 12345 -> "12,345".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A fraction as a percentage with two decimals: 0.97812 -> "97.81%".
    public static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 2) + "%" }

    /// Bytes for people: "512 MB", "1.5 GB", "900 KB", "12 bytes".
    public static func bytes(_ count: Int) -> String {
        let units = [(1 << 40, "TB"), (1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for (size, name) in units where count >= size {
            let amount = Double(count) / Double(size)
            return (amount >= 100 ? fixed(amount, 0) : trimZeros(fixed(amount, 1))) + " " + name
        }
        return "\(count) byte\(count == 1 ? "" : "s")"
    }

    private static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(n) { r *= 10 }
        return n < 0 ? 1 / r : r
    }

    private static func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
