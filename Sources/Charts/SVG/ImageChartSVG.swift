extension ImagePlot {
    /// Grey levels an SVG image is drawn with: plenty for the eye, and few enough that neighbouring pixels
    /// merge into one run.
    static let grayLevels = 64

    /// Each image as crisp square pixels (whole-pixel scale, `crispEdges`), bright for high values as in
    /// the terminal, with its caption underneath; a grid wraps into balanced rows.
    func svg(title: String?) -> SVGPanel? {
        guard let range = valueRange else { return nil }
        let style = ChartStyle(ChartOptions())
        // A single image is drawn larger; images beyond the target size are averaged down first.
        let target = single ? 168.0 : 84.0
        let longest = Double(max(width, height))
        var (columns, rows) = (width, height)
        var scale = max((target / longest).rounded(.down), 1)
        if longest > target {
            columns = max(Int((Double(width) * target / longest).rounded()), 1)
            rows = max(Int((Double(height) * target / longest).rounded()), 1)
            scale = 1
        }
        let tileWidth = Double(columns) * scale, tileHeight = Double(rows) * scale
        let gap = 14.0, captionHeight = captions.isEmpty ? 0.0 : 20.0
        let perRowLimit = max(Int((1000 + gap) / (tileWidth + gap)), 1)
        let rowCount = (images.count + perRowLimit - 1) / perRowLimit
        let perRow = (images.count + rowCount - 1) / rowCount
        let top = title == nil ? 8.0 : 40.0, left = 8.0
        let gridWidth = Double(perRow) * (tileWidth + gap) - gap
        var width = left * 2 + gridWidth
        if let title { width = max(width, SVGWriter.textWidth(title, size: SVGFrame.titleSize) + 24) }
        let height = top + Double(rowCount) * (tileHeight + captionHeight + gap) - gap + 8

        var writer = SVGWriter()
        if let title {
            writer.text(title, width / 2, 26, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
        }
        let span = Double(range.upperBound) - Double(range.lowerBound)
        for (index, pixels) in images.enumerated() {
            let x = left + Double(index % perRow) * (tileWidth + gap) + (width - left * 2 - gridWidth) / 2
            let y = top + Double(index / perRow) * (tileHeight + captionHeight + gap)
            var levels = pixels.map { value -> Int in
                let v = Double(value)
                guard v.isFinite else { return 0 }
                let fraction = span > 0 ? min(max((v - Double(range.lowerBound)) / span, 0), 1) : (v > Double(range.lowerBound) ? 1 : 0)
                return Int((fraction * Double(ImagePlot.grayLevels - 1)).rounded())
            }
            if columns != self.width || rows != self.height {
                let fractions = ImageTile.resample(levels.map { Double($0) }, width: self.width, height: self.height, toWidth: columns, height: rows)
                levels = fractions.map { $0.isFinite ? Int($0.rounded()) : 0 }
            }
            writer.translated(x, y, ImagePlot.pixelTile(levels, columns: columns, rows: rows, scale: scale))
            let caption = self.caption(index)
            if !caption.isEmpty {
                writer.text(SVGWriter.fit(style.clean(caption), width: tileWidth + gap, size: SVGFrame.labelSize),
                            x + tileWidth / 2, y + tileHeight + 15, anchor: .middle, fill: SVGPalette.text)
            }
        }
        return SVGPanel(width: width.rounded(.up), height: height.rounded(.up), body: writer)
    }

    /// One image as runs of equal grey: a rectangle in the most common level, then one path per other level
    /// made of its horizontal runs, in image pixels scaled up as a group.
    static func pixelTile(_ levels: [Int], columns: Int, rows: Int, scale: Double) -> SVGWriter {
        var frequency = [Int](repeating: 0, count: grayLevels)
        for level in levels { frequency[min(max(level, 0), grayLevels - 1)] += 1 }
        let background = frequency.indices.max { frequency[$0] < frequency[$1] } ?? 0
        var runs = [String](repeating: "", count: grayLevels)
        for row in 0..<rows {
            var column = 0
            while column < columns {
                let level = min(max(levels[row * columns + column], 0), grayLevels - 1)
                var end = column + 1
                while end < columns && min(max(levels[row * columns + end], 0), grayLevels - 1) == level { end += 1 }
                if level != background { runs[level] += "M\(column) \(row)h\(end - column)v1h-\(end - column)z" }
                column = end
            }
        }
        var writer = SVGWriter()
        writer.open("g", "transform=\"scale(\(SVGWriter.number(scale)))\" shape-rendering=\"crispEdges\"")
        writer.rect(0, 0, Double(columns), Double(rows), fill: shade(background))
        for level in 0..<grayLevels where !runs[level].isEmpty {
            writer.path(runs[level], extra: "fill=\"\(shade(level))\"")
        }
        writer.close()
        return writer
    }

    private static func shade(_ level: Int) -> String {
        SVGPalette.gray(Double(level) / Double(grayLevels - 1))
    }
}
