#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Colours of the SVG figures. Series and classes use the Okabe-Ito palette (distinguishable with the
/// common colour-vision deficiencies, and in greyscale print by lightness); matrices use viridis
/// (perceptually uniform, readable in greyscale); images use plain grey, bright for high values.
/// Every figure has an opaque white background and dark text, so it reads the same in dark-themed viewers.
enum SVGPalette {
    static let background = "#ffffff"
    static let text = "#222222"
    static let mutedText = "#555555"
    static let axis = "#444444"
    static let grid = "#e3e3e3"
    static let missing = "#eeeeee"

    /// Okabe & Ito (2008), in the order series get them; yellow last, as it is faint on white.
    static let okabeIto = ["#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#000000", "#f0e442"]

    static func seriesColor(_ index: Int) -> String {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }

    /// Viridis sampled at eleven even steps (matplotlib's table); in between, linear interpolation.
    private static let viridisStops: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x25, 0x76), (0x41, 0x44, 0x87), (0x35, 0x60, 0x8d), (0x2a, 0x78, 0x8e), (0x21, 0x90, 0x8c),
        (0x22, 0xa8, 0x84), (0x43, 0xbf, 0x71), (0x7a, 0xd1, 0x51), (0xbb, 0xdf, 0x27), (0xfd, 0xe7, 0x25),
    ]

    /// The viridis colour of `fraction` (0 dark purple ... 1 yellow), clamped to 0...1.
    static func viridis(_ fraction: Double) -> String {
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let position = f * Double(viridisStops.count - 1)
        let index = min(Int(position), viridisStops.count - 2)
        let t = position - Double(index)
        let (a, b) = (viridisStops[index], viridisStops[index + 1])
        return hex(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
    }

    /// Grey from black (0) to white (1).
    static func gray(_ fraction: Double) -> String {
        let level = (fraction.isFinite ? min(max(fraction, 0), 1) : 0) * 255
        return hex(level, level, level)
    }

    /// `color` mixed with white: `amount` 0 keeps it, 1 gives white.
    static func tint(_ color: String, _ amount: Double) -> String {
        guard let (r, g, b) = components(color) else { return color }
        return hex(r + (255 - r) * amount, g + (255 - g) * amount, b + (255 - b) * amount)
    }

    /// Dark or white text, whichever reads better on `background` (by its relative luminance).
    static func textColor(on background: String) -> String {
        guard let (r, g, b) = components(background) else { return text }
        func linear(_ c: Double) -> Double {
            let s = c / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
        // Contrast against white vs against near-black: pick the larger.
        return (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / 0.0625) ? "#ffffff" : "#111111"
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for channel in [r, g, b] {
            let value = DataRange.index(channel.rounded(), clampedTo: 0...255) ?? 0
            out.append(digits[value / 16])
            out.append(digits[value % 16])
        }
        return out
    }

    private static func components(_ color: String) -> (Double, Double, Double)? {
        let scalars = Array(color.unicodeScalars)
        guard scalars.count == 7, scalars[0] == "#" else { return nil }
        var values: [Double] = []
        for index in stride(from: 1, to: 7, by: 2) {
            guard let value = UInt8(String(String.UnicodeScalarView(scalars[index..<(index + 2)])), radix: 16) else { return nil }
            values.append(Double(value))
        }
        return (values[0], values[1], values[2])
    }
}
