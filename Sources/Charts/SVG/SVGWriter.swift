import Basics

/// SVG markup built element by element: one element per line (so a notebook's diff stays readable),
/// attributes in the order written, coordinates with at most one decimal, and no ids, so any number of
/// figures can share an HTML page without one's references reaching into another's.
struct SVGWriter {
    private(set) var lines: [String] = []

    enum Anchor: String { case start, middle, end }

    mutating func raw(_ line: String) { lines.append(line) }

    mutating func append(_ other: SVGWriter) { lines.append(contentsOf: other.lines) }

    /// Opens a group; `attributes` is preformatted (`SVGWriter.attributes`).
    mutating func open(_ tag: String = "g", _ attributes: String = "") {
        lines.append("<\(tag)\(attributes.isEmpty ? "" : " " + attributes)>")
    }

    mutating func close(_ tag: String = "g") { lines.append("</\(tag)>") }

    /// `body` inside a group with `attributes`, or nothing when the body is empty.
    mutating func group(_ attributes: String, _ body: SVGWriter) {
        guard !body.lines.isEmpty else { return }
        open("g", attributes)
        append(body)
        close()
    }

    /// Draws `body` shifted by (x, y).
    mutating func translated(_ x: Double, _ y: Double, _ body: SVGWriter) {
        guard !body.lines.isEmpty else { return }
        if x == 0 && y == 0 {
            append(body)
            return
        }
        open("g", "transform=\"translate(\(SVGWriter.number(x)) \(SVGWriter.number(y)))\"")
        append(body)
        close()
    }

    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String? = nil, extra: String = "") {
        var attributes = "x=\"\(SVGWriter.number(x))\" y=\"\(SVGWriter.number(y))\" width=\"\(SVGWriter.number(width))\" height=\"\(SVGWriter.number(height))\""
        if let fill { attributes += " fill=\"\(fill)\"" }
        if !extra.isEmpty { attributes += " " + extra }
        lines.append("<rect \(attributes)/>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String? = nil, extra: String = "") {
        var attributes = "x1=\"\(SVGWriter.number(x1))\" y1=\"\(SVGWriter.number(y1))\" x2=\"\(SVGWriter.number(x2))\" y2=\"\(SVGWriter.number(y2))\""
        if let stroke { attributes += " stroke=\"\(stroke)\"" }
        if !extra.isEmpty { attributes += " " + extra }
        lines.append("<line \(attributes)/>")
    }

    mutating func circle(_ x: Double, _ y: Double, radius: Double, extra: String = "") {
        lines.append("<circle cx=\"\(SVGWriter.number(x))\" cy=\"\(SVGWriter.number(y))\" r=\"\(SVGWriter.number(radius))\"\(extra.isEmpty ? "" : " " + extra)/>")
    }

    mutating func path(_ data: String, extra: String) {
        guard !data.isEmpty else { return }
        lines.append("<path d=\"\(data)\" \(extra)/>")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], extra: String) {
        guard points.count > 1 else { return }
        let coordinates = points.map { SVGWriter.number($0.x) + "," + SVGWriter.number($0.y) }.joined(separator: " ")
        lines.append("<polyline points=\"\(coordinates)\" \(extra)/>")
    }

    /// Text at (x, y) (the baseline); `rotated` turns it to read upwards, as a y-axis name does.
    mutating func text(_ content: String, _ x: Double, _ y: Double, anchor: Anchor = .start, size: Double? = nil,
                       bold: Bool = false, fill: String? = nil, rotated: Bool = false) {
        var attributes = "x=\"\(SVGWriter.number(x))\" y=\"\(SVGWriter.number(y))\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        if let size { attributes += " font-size=\"\(SVGWriter.number(size))\"" }
        if bold { attributes += " font-weight=\"bold\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        if rotated { attributes += " transform=\"rotate(-90 \(SVGWriter.number(x)) \(SVGWriter.number(y)))\"" }
        lines.append("<text \(attributes)>\(SVGWriter.escape(content))</text>")
    }

    // MARK: Values

    private static let oneDecimal = NumberFormat(validating: "%.1f") ?? NumberFormat.general

    /// A coordinate with at most one decimal ("12", "12.5", "-3.2"): plenty for a screen, and the same bytes
    /// on every run. Non-finite values (never expected) become 0 so the document stays valid.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = oneDecimal.format(value)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text == "-0" ? "0" : text
    }

    /// Text made safe for XML content and attribute values: markup characters escaped; control characters
    /// (which XML 1.0 forbids, and which could hide escape codes) become spaces, non-characters '?'.
    static func escape(_ text: String) -> String {
        SafeText.markupEscaped(text, keepLineBreaks: false, replacingNoncharacters: true)
    }

    /// Estimated width of `text` in pixels at `size`: a generous average glyph width for DejaVu Sans and
    /// Helvetica, so labels get room without measuring fonts.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.unicodeScalars.count) * size * 0.62
    }

    /// `text` shortened with an ellipsis to about `width` pixels.
    static func fit(_ text: String, width: Double, size: Double) -> String {
        let limit = max(Int(width / (size * 0.62)), 1)
        return TextLayout.truncate(text, to: limit, ellipsis: "…")
    }
}
