/// A surface of character cells addressed in pixels, after UnicodePlots' canvas.jl. How many pixels one
/// cell holds depends on the glyph set: braille 2x4 dots, quadrant blocks 2x2, ASCII 1x1 (a whole cell is
/// one pixel, marked with its series' character). The canvas knows nothing of frames, ticks or legends.
struct Canvas {
    enum Resolution {
        case braille, blocks, ascii

        var pixelsAcross: Int { self == .ascii ? 1 : 2 }
        var pixelsDown: Int {
            switch self {
            case .braille: return 4
            case .blocks: return 2
            case .ascii: return 1
            }
        }
    }

    let columns: Int
    let rows: Int
    let resolution: Resolution
    /// Data coordinates of the left/right and bottom/top pixel centres.
    let xRange: (lower: Double, upper: Double)
    let yRange: (lower: Double, upper: Double)

    /// Per cell: which of its pixels are set (bit layout depends on the resolution).
    private var dotMasks: [UInt8]
    /// Per cell: the series that drew into it last (-1 when empty); decides colour and ASCII marker.
    private var owners: [Int]

    var pixelWidth: Int { columns * resolution.pixelsAcross }
    var pixelHeight: Int { rows * resolution.pixelsDown }

    init(columns: Int, rows: Int, resolution: Resolution,
         xRange: (lower: Double, upper: Double), yRange: (lower: Double, upper: Double)) {
        self.columns = max(columns, 1)
        self.rows = max(rows, 1)
        self.resolution = resolution
        self.xRange = xRange
        self.yRange = yRange
        dotMasks = Array(repeating: 0, count: self.columns * self.rows)
        owners = Array(repeating: -1, count: self.columns * self.rows)
    }

    // MARK: Coordinates

    /// Continuous pixel column of a data x (0 is the leftmost pixel centre); may fall outside the canvas.
    /// (Each term is divided by the span first, so values near ±Double.greatestFiniteMagnitude cannot overflow.)
    func pixelX(_ x: Double) -> Double {
        let span = xRange.upper - xRange.lower
        return (x / span - xRange.lower / span) * Double(pixelWidth - 1)
    }

    /// Continuous pixel row of a data y, counted from the top.
    func pixelY(_ y: Double) -> Double {
        let span = yRange.upper - yRange.lower
        return (yRange.upper / span - y / span) * Double(pixelHeight - 1)
    }

    /// The cell row that shows data value `y`.
    func cellRow(forY y: Double) -> Int? {
        DataRange.index(pixelY(y).rounded(), clampedTo: 0...(pixelHeight - 1)).map { $0 / resolution.pixelsDown }
    }

    // MARK: Drawing

    mutating func setPixel(x: Int, y: Int, series: Int) {
        guard x >= 0, x < pixelWidth, y >= 0, y < pixelHeight else { return }
        let across = resolution.pixelsAcross
        let down = resolution.pixelsDown
        let cell = (y / down) * columns + x / across
        dotMasks[cell] |= Canvas.dotBit(resolution, column: x % across, row: y % down)
        owners[cell] = series
    }

    /// Sets the pixel nearest to a data point; points outside the ranges are left out.
    mutating func plotPoint(x: Double, y: Double, series: Int) {
        let px = pixelX(x).rounded()
        let py = pixelY(y).rounded()
        guard px.isFinite, py.isFinite, px >= 0, py >= 0, px < Double(pixelWidth), py < Double(pixelHeight) else { return }
        setPixel(x: Int(px), y: Int(py), series: series)
    }

    /// Draws a straight segment between two data points, clipped to the canvas. `stroke` carries the dash
    /// pattern and how far along it the polyline has come, so dashes continue across segments however
    /// densely the data is sampled (thousands of points may fall on one pixel).
    mutating func plotLine(from start: (x: Double, y: Double), to end: (x: Double, y: Double), series: Int,
                           stroke: inout Stroke) {
        var x0 = pixelX(start.x), y0 = pixelY(start.y)
        var x1 = pixelX(end.x), y1 = pixelY(end.y)
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
        guard let clipped = Canvas.clip(from: (x0, y0), to: (x1, y1), width: Double(pixelWidth), height: Double(pixelHeight)) else { return }
        ((x0, y0), (x1, y1)) = (clipped.start, clipped.end)
        let steps = max(Int(max(abs(x1 - x0), abs(y1 - y0)).rounded(.up)), 1)
        for step in 0...steps {
            let t = Double(step) / Double(steps)
            let px = Int((x0 + (x1 - x0) * t).rounded())
            let py = Int((y0 + (y1 - y0) * t).rounded())
            if stroke.advance(to: (px, py)) { setPixel(x: px, y: py, series: series) }
        }
    }

    /// Clips a segment (in pixel coordinates) to the pixel area [-0.5, width-0.5] x [-0.5, height-0.5]; nil
    /// when it misses. Clipping first keeps huge out-of-range values from producing billions of steps.
    static func clip(from start: (x: Double, y: Double), to end: (x: Double, y: Double),
                     width: Double, height: Double) -> (start: (x: Double, y: Double), end: (x: Double, y: Double))? {
        clip(from: start, to: end, left: -0.5, right: width - 0.5 - 1e-9, top: -0.5, bottom: height - 0.5 - 1e-9)
    }

    /// Liang–Barsky clipping of a segment to the box [left, right] x [top, bottom]; nil when it misses. A cut
    /// end is computed from the boundary it was cut at (x exactly on a vertical edge, y from the slope), which
    /// stays accurate when the other end lies at 1e300. The SVG renderer clips its lines with it too.
    static func clip(from start: (x: Double, y: Double), to end: (x: Double, y: Double),
                     left: Double, right: Double, top: Double, bottom: Double) -> (start: (x: Double, y: Double), end: (x: Double, y: Double))? {
        enum Boundary { case vertical(Double), horizontal(Double) }
        let dx = end.x - start.x, dy = end.y - start.y
        // Ends near ±Double.greatestFiniteMagnitude can overflow the difference; such a segment is skipped.
        guard dx.isFinite, dy.isFinite else { return nil }
        let edges: [(p: Double, q: Double, boundary: Boundary)] = [
            (-dx, start.x - left, .vertical(left)), (dx, right - start.x, .vertical(right)),
            (-dy, start.y - top, .horizontal(top)), (dy, bottom - start.y, .horizontal(bottom)),
        ]
        var t0 = 0.0, t1 = 1.0
        var startCut: Boundary?, endCut: Boundary?
        for (p, q, boundary) in edges {
            if p == 0 {
                if q < 0 { return nil }
                continue
            }
            let r = q / p
            if p < 0, r > t0 {
                (t0, startCut) = (r, boundary)
            } else if p > 0, r < t1 {
                (t1, endCut) = (r, boundary)
            }
            if t0 > t1 { return nil }
        }
        func point(cutAt boundary: Boundary?, otherwise original: (x: Double, y: Double)) -> (x: Double, y: Double) {
            switch boundary {
            case nil: return original
            case .vertical(let x): return (x, start.y + (x - start.x) * (dy / dx))
            case .horizontal(let y): return (start.x + (y - start.y) * (dx / dy), y)
            }
        }
        let clipped = (start: point(cutAt: startCut, otherwise: start), end: point(cutAt: endCut, otherwise: end))
        guard clipped.start.x.isFinite, clipped.start.y.isFinite, clipped.end.x.isFinite, clipped.end.y.isFinite else { return nil }
        return clipped
    }

    // MARK: Rendering

    /// One string per cell row. `markers` gives each series' character in ASCII resolution; `colors`, when
    /// given, the SGR code each series' cells are painted with.
    func renderRows(markers: [String], style: ChartStyle, colors: [String]? = nil) -> [String] {
        (0..<rows).map { row in
            var line = ""
            var run = ""
            var runOwner = -1
            func flush() {
                guard !run.isEmpty else { return }
                if let colors, runOwner >= 0, !colors.isEmpty {
                    line += style.paint(run, colors[runOwner % colors.count])
                } else {
                    line += run
                }
                run = ""
            }
            for column in 0..<columns {
                let cell = row * columns + column
                let owner = dotMasks[cell] == 0 ? -1 : owners[cell]
                if owner != runOwner {
                    flush()
                    runOwner = owner
                }
                run += glyph(mask: dotMasks[cell], owner: owner, markers: markers)
            }
            flush()
            return line
        }
    }

    private func glyph(mask: UInt8, owner: Int, markers: [String]) -> String {
        guard mask != 0 else { return " " }
        switch resolution {
        case .braille:
            return String(Character(Unicode.Scalar(0x2800 + UInt32(mask)) ?? " "))
        case .blocks:
            return Canvas.quadrantGlyphs[Int(mask & 0x0F)]
        case .ascii:
            guard !markers.isEmpty, owner >= 0 else { return "*" }
            return markers[owner % markers.count]
        }
    }

    // Braille dot numbering: left column dots 1,2,3,7 and right column 4,5,6,8, top to bottom.
    private static let brailleBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
    // Quadrant bits: 1 top-left, 2 top-right, 4 bottom-left, 8 bottom-right.
    static let quadrantGlyphs = [" ", "▘", "▝", "▀", "▖", "▌", "▞", "▛", "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█"]

    private static func dotBit(_ resolution: Resolution, column: Int, row: Int) -> UInt8 {
        switch resolution {
        case .braille: return brailleBits[column][row]
        case .blocks: return UInt8(1 << (row * 2 + column))
        case .ascii: return 1
        }
    }
}

/// Which pixels along a line are drawn: `on` pixels, then `off` pixels, repeating. Without colour, a
/// line's dash pattern is what tells the series apart.
struct DashPattern: Equatable {
    let on: Int
    let off: Int

    static let solid = DashPattern(on: 1, off: 0)
    static let dashed = DashPattern(on: 3, off: 2)
    static let dotted = DashPattern(on: 1, off: 1)
    static let longDashed = DashPattern(on: 6, off: 2)

    /// The patterns given to series 0, 1, 2, ... in turn.
    static let sequence: [DashPattern] = [.solid, .dashed, .dotted, .longDashed]

    func isOn(atPixel count: Int) -> Bool {
        off <= 0 || count % (on + off) < on
    }
}

/// One polyline's progress through its dash pattern: the last pixel it reached and how many pixel steps
/// it has taken (Chebyshev distance, so one step per pixel in any direction).
struct Stroke {
    let pattern: DashPattern
    private var lastPixel: (x: Int, y: Int)?
    private var pixelsStepped = 0

    init(pattern: DashPattern) { self.pattern = pattern }

    /// Moves the stroke to `pixel`; true when that pixel is to be drawn. Revisiting the current pixel
    /// decides nothing new.
    mutating func advance(to pixel: (x: Int, y: Int)) -> Bool {
        if let last = lastPixel {
            let distance = max(abs(pixel.x - last.x), abs(pixel.y - last.y))
            guard distance > 0 else { return false }
            pixelsStepped += distance
        }
        lastPixel = pixel
        return pattern.isOn(atPixel: pixelsStepped)
    }

    /// A NaN/Inf gap: the next point starts a new piece of line, continuing the pattern.
    mutating func lift() { lastPixel = nil }
}
