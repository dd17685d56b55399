/// The TensorFlow Playground's colour scale for a value in [-1, 1] (a node's or the network's output): orange at
/// -1, near-white at 0, blue at +1; values beyond are clamped. Text has no colour of its own to spare, so the two
/// sides differ by texture: block shades for negative values, dots for positive ones, denser further from 0 and
/// blank near 0 (where the Playground is white: the decision boundary). On a colour terminal the glyphs are also
/// painted orange (yellow) and blue.
///
///     -1 ▓▓▒▒░░    ··⠶⠶⣿⣿ +1        ASCII: # = -  . + %
enum DivergingScale {
    /// The Playground's colours (its `colorScale`): orange, near-white, blue.
    static let negativeColor = (r: 0xf5, g: 0x93, b: 0x22)
    static let middleColor = (r: 0xe8, g: 0xea, b: 0xeb)
    static let positiveColor = (r: 0x08, g: 0x77, b: 0xbd)

    /// |value| below this is drawn blank (the white band around 0).
    static let blankBelow = 0.2

    /// The value as the Playground's "discretize output" shows it: -1 or +1.
    static func discretized(_ value: Double) -> Double { value > 0 ? 1 : -1 }

    /// 0 (blank), 1, 2 or 3 (densest) for |value|; NaN is blank.
    static func level(_ value: Double) -> Int {
        guard value.isFinite else { return value.isNaN ? 0 : 3 }
        let magnitude = abs(value)
        return magnitude < blankBelow ? 0 : magnitude < 0.5 ? 1 : magnitude < 0.8 ? 2 : 3
    }

    /// The glyph of a value: its side's texture at its level.
    static func glyph(_ value: Double, unicode: Bool) -> String {
        let negative = unicode ? [" ", "░", "▒", "▓"] : [" ", "-", "=", "#"]
        let positive = unicode ? [" ", "·", "⠶", "⣿"] : [" ", ".", "+", "%"]
        return (value < 0 ? negative : positive)[level(value)]
    }

    /// SGR foreground code of a value's side: yellow (the terminal's orange) or blue; faint at the lightest level.
    static func sgr(_ value: Double) -> String {
        (level(value) == 1 ? "2;" : "") + (value < 0 ? "33" : "34")
    }

    /// SGR code of a point of the negative (class 0) or positive (class 1) side: bold.
    static func pointSGR(negative: Bool) -> String { negative ? "1;33" : "1;34" }

    /// "#rrggbb" for SVG: the Playground's scale, linear between its three colours.
    static func svgColor(_ value: Double) -> String {
        let v = value.isFinite ? min(max(value, -1), 1) : 0
        let (from, to, t) = v < 0 ? (middleColor, negativeColor, -v) : (middleColor, positiveColor, v)
        func channel(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        let digits = Array("0123456789abcdef")
        var out = "#"
        for c in [channel(from.r, to.r), channel(from.g, to.g), channel(from.b, to.b)] {
            let value = min(max(c, 0), 255)
            out.append(digits[value / 16])
            out.append(digits[value % 16])
        }
        return out
    }
}
