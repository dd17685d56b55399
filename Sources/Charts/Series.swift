/// One named line of a line chart: y values over x positions (pairs beyond the shorter array are ignored).
public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]

    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }

    /// x runs 1...n, the usual "step" or "epoch" axis.
    public init(name: String, y: [Double]) {
        self.init(name: name, x: y.indices.map { Double($0 + 1) }, y: y)
    }

    /// Points whose coordinates are both finite; `nil` entries mark NaN/Inf gaps, where the line breaks.
    var pointsWithGaps: [(x: Double, y: Double)?] {
        zip(x, y).map { pair in (pair.0.isFinite && pair.1.isFinite) ? (x: pair.0, y: pair.1) : nil }
    }
}
