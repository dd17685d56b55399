extension LinePlot {
    /// Series with this many points or fewer get a dot at each point (per-epoch curves), so single
    /// measurements read as such.
    static let markedPointLimit = 30

    /// Lines over a gridded plot area with round ticks, one Okabe-Ito colour per series, legend on the right.
    func svg(title: String?) -> SVGPanel? {
        guard let bounds else { return nil }
        let xTicks = DataRange.niceTicks(bounds.x.lower, bounds.x.upper, count: 6)
        let yDomain: (lower: Double, upper: Double)
        var yValues: [Double]
        if yRange != nil {
            yDomain = verticalLimits(data: bounds.y)
            yValues = DataRange.niceTicks(yDomain.lower, yDomain.upper, count: 5).values
        } else {
            let ticks = DataRange.niceTicks(bounds.y.lower, bounds.y.upper, count: 5)
            yDomain = (ticks.lower, ticks.upper)
            yValues = ticks.values
        }
        yValues = yValues.filter { $0 >= yDomain.lower - 1e-12 * abs(yDomain.lower) && $0 <= yDomain.upper + 1e-12 * abs(yDomain.upper) }

        let style = ChartStyle(ChartOptions())
        var frame = SVGFrame(title: title, xDomain: (xTicks.lower, xTicks.upper), yDomain: yDomain, plotWidth: 520, plotHeight: 300)
        frame.xLabel = xLabel.map(style.clean)
        frame.yLabel = yLabel.map(style.clean)
        frame.xTicks = SVGFrame.ticks(xTicks.values)
        frame.yTicks = SVGFrame.ticks(yValues)
        let pointLists = self.pointLists
        let marked = pointLists.map { $0.compactMap { $0 }.count <= LinePlot.markedPointLimit }
        if series.contains(where: { !$0.name.isEmpty }) || series.count > 1 {
            frame.legend = series.indices.map { index in
                let name = series[index].name.isEmpty ? "series \(index + 1)" : style.clean(series[index].name)
                let hasData = pointLists[index].contains { $0 != nil }
                return SVGLegendEntry(name: SVGWriter.fit(name, width: 220, size: SVGFrame.labelSize) + (hasData ? "" : " (no data)"),
                                      swatch: .line(color: SVGPalette.seriesColor(index), marker: marked[index]))
            }
        }

        var writer = SVGWriter()
        frame.drawUnderlay(into: &writer)
        for (index, points) in pointLists.enumerated() {
            drawSeries(points, color: SVGPalette.seriesColor(index), marked: marked[index], frame: frame, into: &writer)
        }
        frame.drawOverlay(into: &writer)
        return SVGPanel(width: frame.width, height: frame.height, body: writer)
    }

    /// One series as polylines clipped to the plot area: a NaN/Inf gap or a stretch outside the area starts
    /// a new piece; a lone point is a dot.
    private func drawSeries(_ points: [(x: Double, y: Double)?], color: String, marked: Bool, frame: SVGFrame,
                            into writer: inout SVGWriter) {
        let (xScale, yScale) = (frame.xScale, frame.yScale)
        let box = (left: frame.left, right: frame.plotRight, top: frame.top, bottom: frame.plotBottom)
        func inside(_ p: (x: Double, y: Double)) -> Bool {
            p.x >= box.left - 0.01 && p.x <= box.right + 0.01 && p.y >= box.top - 0.01 && p.y <= box.bottom + 0.01
        }
        var pieces: [[(x: Double, y: Double)]] = []
        var dots: [(x: Double, y: Double)] = []
        var current: [(x: Double, y: Double)] = []
        var previous: (x: Double, y: Double)?
        var previousLone = false
        func flush() {
            if current.count > 1 { pieces.append(LinePlot.thinned(current)) }
            current = []
        }
        for point in points {
            guard let point else {
                if previousLone, let previous, inside(previous) { dots.append(previous) }
                flush()
                previous = nil
                continue
            }
            let pixel = (x: xScale(point.x), y: yScale(point.y))
            defer { previous = pixel }
            guard let start = previous else {
                previousLone = true
                if inside(pixel) { current = [pixel] }
                continue
            }
            previousLone = false
            guard let clipped = Canvas.clip(from: start, to: pixel, left: box.left, right: box.right, top: box.top, bottom: box.bottom) else {
                flush()
                continue
            }
            if let last = current.last, abs(last.x - clipped.start.x) < 0.01, abs(last.y - clipped.start.y) < 0.01 {
                current.append(clipped.end)
            } else {
                flush()
                current = [clipped.start, clipped.end]
            }
            if abs(clipped.end.x - pixel.x) > 0.01 || abs(clipped.end.y - pixel.y) > 0.01 { flush() }
        }
        if previousLone, let previous, inside(previous) { dots.append(previous) }
        flush()

        for piece in pieces {
            writer.polyline(piece, extra: "fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"")
        }
        var markers = dots
        if marked { markers = points.compactMap { $0 }.map { (x: xScale($0.x), y: yScale($0.y)) }.filter(inside) }
        guard !markers.isEmpty else { return }
        writer.open("g", "fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1\"")
        for marker in markers { writer.circle(marker.x, marker.y, radius: marked ? 3.5 : 2) }
        writer.close()
    }

    /// The piece with at most four points per pixel column — the first, lowest, highest and last, in their
    /// order — which draws the same picture as all of them (a noisy per-batch loss has thousands).
    static func thinned(_ piece: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard piece.count > 4 else { return piece }
        var kept: [(x: Double, y: Double)] = []
        var start = 0
        while start < piece.count {
            let column = piece[start].x.rounded(.down)
            var end = start + 1
            while end < piece.count && piece[end].x.rounded(.down) == column { end += 1 }
            var chosen: Set<Int> = [start, end - 1]
            if end - start > 2 {
                let range = start..<end
                if let low = range.min(by: { piece[$0].y < piece[$1].y }) { chosen.insert(low) }
                if let high = range.max(by: { piece[$0].y < piece[$1].y }) { chosen.insert(high) }
            }
            for index in chosen.sorted() { kept.append(piece[index]) }
            start = end
        }
        return kept
    }
}
