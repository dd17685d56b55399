#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A printf-style format for one number, checked before use: C's printf would read garbage (or crash) on
/// `%s` or `%n` with a Double argument, and the format may come from a script the student typed.
/// Accepted: literal text, `%%`, and exactly one conversion `%[flags][width][.precision]` followed by one of
/// `f F e E g G a A` (formats the Double) or `d i u x X o` (formats the rounded integer).
struct NumberFormat {
    private let cFormat: String
    private let isIntegerConversion: Bool

    static let general = NumberFormat(validating: "%g") ?? NumberFormat(cFormat: "%g", integer: false)

    private init(cFormat: String, integer: Bool) {
        self.cFormat = cFormat
        self.isIntegerConversion = integer
    }

    init?(validating format: String) {
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
    func format(_ value: Double) -> String {
        guard value.isFinite else { return NumberFormat.nonFiniteText(value) }
        if isIntegerConversion {
            let rounded = value.rounded()
            let integer: Int64 = rounded >= 9.2e18 ? Int64.max : (rounded <= -9.2e18 ? Int64.min : Int64(rounded))
            return NumberFormat.cFormatted(cFormat, integer)
        }
        return NumberFormat.cFormatted(cFormat, value)
    }

    static func nonFiniteText(_ value: Double) -> String {
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
enum NumberText {
    /// Up to `significantDigits` significant digits, trailing zeros dropped: 2.4, 0.9485, 4690, 1e-05.
    static func compact(_ value: Double, significantDigits: Int = 4) -> String {
        guard value.isFinite else { return NumberFormat.nonFiniteText(value) }
        let digits = min(max(significantDigits, 1), 17)
        let text = NumberFormat(validating: "%.\(digits)g")?.format(value) ?? String(value)
        return text == "-0" ? "0" : text
    }

    /// Labels for a set of tick values, with just enough digits that neighbouring ticks read differently.
    static func ticks(_ values: [Double]) -> [String] {
        for digits in 3...8 {
            let texts = values.map { compact($0, significantDigits: digits) }
            if Set(texts).count == Set(values).count { return texts }
        }
        return values.map { compact($0, significantDigits: 10) }
    }

    /// Values for a grid of cells: whole numbers when every value is whole, else three significant digits.
    static func cellValues(_ values: [Double]) -> [String] {
        let finite = values.filter(\.isFinite)
        let allWhole = finite.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 }
        return values.map { value in
            guard value.isFinite else { return NumberFormat.nonFiniteText(value) }
            return allWhole ? compact(value, significantDigits: 15) : compact(value, significantDigits: 3)
        }
    }
}
