/// Grayscale images of one size (row-major pixels), each with a caption: one framed image (`Chart.image`) or a
/// grid of them (`Chart.imageGrid`).
struct ImagePlot: Sendable {
    var images: [[Float]]
    var width: Int
    var height: Int
    var captions: [String]
    /// Pixel values mapped to black...white; nil: the finite range over all the images.
    var range: ClosedRange<Float>?
    /// One image, its caption centred under it (the grid form shortens captions to a tile's width).
    var single: Bool

    var problem: String? {
        guard !images.isEmpty else { return "no images given" }
        for (index, pixels) in images.enumerated() {
            if let problem = Chart.imageProblem(pixelCount: pixels.count, width: width, height: height) {
                return single ? problem : "image \(index + 1): " + problem
            }
        }
        if let range, range.lowerBound.isFinite, range.upperBound.isFinite { return nil }
        guard valueRange != nil else { return single ? "the image has no finite pixels" : "the images have no finite pixels" }
        return nil
    }

    /// The range mapped to black...white: `range` when finite, else the finite range over all the images.
    var valueRange: ClosedRange<Float>? {
        if let range, range.lowerBound.isFinite, range.upperBound.isFinite { return range }
        return DataRange.finiteBounds(images.joined().map(Double.init)).map { Float($0.lower)...Float($0.upper) }
    }

    func caption(_ index: Int) -> String { index < captions.count ? captions[index] : "" }
}

extension Chart {
    /// Grayscale image (row-major, `pixels.count == width*height`), values mapped from `range` (default: min...max)
    /// to Unicode half-blocks with shades (two image rows per text row) or an ASCII ramp " .:-=+*#%@".
    ///
    /// Terminal cells are about twice as tall as wide, so two image rows per text row keeps the aspect.
    /// Without colour each cell shows the glyph among " ░▒▓█▀▄" closest to its two pixels; with colour it is
    /// "▀" with the top pixel as foreground grey and the bottom one as background. High values are bright,
    /// as MNIST digits are white on black. Images wider than the chart are averaged down; NaN pixels are
    /// drawn as background. The image is framed, with `caption` centred underneath.
    public static func image(_ pixels: [Float], width: Int, height: Int, caption: String? = nil,
                             range: ClosedRange<Float>? = nil, title: String? = nil) -> Chart {
        Chart(title: title, content: .images(ImagePlot(images: [pixels], width: width, height: height, captions: caption.map { [$0] } ?? [],
                                                       range: range, single: true)))
    }

    /// Several images side by side in rows, each with its caption underneath, wrapping to options.width.
    ///
    /// All images share `width`x`height` and one value range (`range`, else the finite range over all
    /// images) so their brightness compares fairly. Captions longer than a tile are shortened.
    public static func imageGrid(_ images: [[Float]], width: Int, height: Int, captions: [String],
                                 range: ClosedRange<Float>? = nil, title: String? = nil) -> Chart {
        Chart(title: title, content: .images(ImagePlot(images: images, width: width, height: height, captions: captions,
                                                       range: range, single: false)))
    }

    static func imageProblem(pixelCount: Int, width: Int, height: Int) -> String? {
        guard width > 0, height > 0 else { return "image size \(width)x\(height) is empty" }
        let (expected, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, expected == pixelCount else {
            return "image has \(pixelCount) pixels, expected \(width)x\(height)"
        }
        return nil
    }
}

extension ImagePlot {
    func text(title: String?, style: ChartStyle) -> String {
        if single {
            guard let tile = ImageTile(pixels: images[0], width: width, height: height, range: range,
                                       maximumColumns: style.width - 2, style: style) else {
                return Chart.nothingToPlot(problem ?? "the image has no finite pixels", style: style)
            }
            var lines = tile.framedLines(style: style)
            if let title, !title.isEmpty {
                lines.insert(TextLayout.center(style.label(title, limit: style.width), in: tile.columns + 2), at: 0)
            }
            let caption = self.caption(0)
            if !caption.isEmpty {
                lines.append(TextLayout.center(style.label(caption, limit: style.width), in: tile.columns + 2))
            }
            return TextLayout.joinLines(lines)
        }
        guard let sharedRange = range ?? valueRange else { return Chart.nothingToPlot(problem ?? "the images have no finite pixels", style: style) }
        let tiles = images.compactMap { pixels in
            ImageTile(pixels: pixels, width: width, height: height, range: sharedRange, maximumColumns: style.width - 2, style: style)
        }
        guard let first = tiles.first else { return Chart.nothingToPlot("the images have no finite pixels", style: style) }
        let tileWidth = first.columns + 2
        let gap = 2
        let perRow = max((style.width + gap) / (tileWidth + gap), 1)

        var lines: [String] = []
        if let title, !title.isEmpty {
            let rowWidth = min(perRow, tiles.count) * (tileWidth + gap) - gap
            lines.append(TextLayout.center(style.label(title, limit: style.width), in: rowWidth))
        }
        for start in stride(from: 0, to: tiles.count, by: perRow) {
            if start > 0 { lines.append("") }
            let indices = Array(start..<min(start + perRow, tiles.count))
            let blocks = indices.map { index -> [String] in
                let caption = style.label(self.caption(index), limit: tileWidth)
                return tiles[index].framedLines(style: style) + [TextLayout.center(caption, in: tileWidth)]
            }
            let spacer = String(repeating: " ", count: gap)
            for lineIndex in blocks[0].indices {
                lines.append(blocks.map { TextLayout.padRight($0[lineIndex], to: tileWidth) }.joined(separator: spacer))
            }
        }
        return TextLayout.joinLines(lines)
    }
}

/// One image scaled to the chart, as brightness fractions 0...1 (NaN for missing), with its text rendering.
struct ImageTile {
    let columns: Int
    /// Rows of image pixels after scaling (text rows are half as many, rounded up).
    let pixelRows: Int
    private let brightness: [Double]

    init?(pixels: [Float], width: Int, height: Int, range: ClosedRange<Float>?, maximumColumns: Int, style: ChartStyle) {
        let values = pixels.map(Double.init)
        let bounds: (lower: Double, upper: Double)
        if let range, range.lowerBound.isFinite, range.upperBound.isFinite {
            bounds = (Double(range.lowerBound), Double(range.upperBound))
        } else if let found = DataRange.finiteBounds(values) {
            bounds = found
        } else {
            return nil
        }
        let span = bounds.upper - bounds.lower
        var fractions = values.map { value -> Double in
            guard value.isFinite else { return .nan }
            guard span > 0 else { return value > bounds.lower ? 1 : (value < bounds.lower ? 0 : 0.5) }
            return min(max((value - bounds.lower) / span, 0), 1)
        }
        var columns = width, rows = height
        let limit = max(maximumColumns, 1)
        if width > limit {
            // Box-average down to the available columns, keeping the aspect ratio.
            let newRows = max(Int((Double(height) * Double(limit) / Double(width)).rounded()), 1)
            fractions = ImageTile.resample(fractions, width: width, height: height, toWidth: limit, height: newRows)
            (columns, rows) = (limit, newRows)
        }
        self.columns = columns
        self.pixelRows = rows
        self.brightness = fractions
    }

    /// Box filter: each target pixel averages the finite source pixels whose centres fall in its box.
    static func resample(_ source: [Double], width: Int, height: Int, toWidth: Int, height toHeight: Int) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(toWidth * toHeight)
        for row in 0..<toHeight {
            let rowStart = row * height / toHeight, rowEnd = max((row + 1) * height / toHeight, rowStart + 1)
            for column in 0..<toWidth {
                let columnStart = column * width / toWidth, columnEnd = max((column + 1) * width / toWidth, columnStart + 1)
                var sum = 0.0, count = 0
                for y in rowStart..<min(rowEnd, height) {
                    for x in columnStart..<min(columnEnd, width) where source[y * width + x].isFinite {
                        sum += source[y * width + x]
                        count += 1
                    }
                }
                result.append(count > 0 ? sum / Double(count) : .nan)
            }
        }
        return result
    }

    private func value(row: Int, column: Int) -> Double {
        guard row < pixelRows else { return 0 }
        let value = brightness[row * columns + column]
        return value.isFinite ? value : 0
    }

    /// Text rows, two image rows each.
    func lines(style: ChartStyle) -> [String] {
        stride(from: 0, to: pixelRows, by: 2).map { top in
            var line = ""
            for column in 0..<columns {
                let upper = value(row: top, column: column)
                let lower = value(row: top + 1, column: column)
                line += ImageTile.glyph(top: upper, bottom: lower, style: style)
            }
            return line
        }
    }

    func framedLines(style: ChartStyle) -> [String] {
        let rule = String(repeating: style.horizontal, count: columns)
        return [style.topLeft + rule + style.topRight]
            + lines(style: style).map { style.vertical + $0 + style.vertical }
            + [style.bottomLeft + rule + style.bottomRight]
    }

    /// Glyphs a half-block cell can show without colour, with the brightness of their top and bottom halves.
    private static let halfCellGlyphs: [(glyph: String, top: Double, bottom: Double)] = [
        (" ", 0, 0), ("░", 0.25, 0.25), ("▒", 0.5, 0.5), ("▓", 0.75, 0.75), ("█", 1, 1), ("▀", 1, 0), ("▄", 0, 1),
    ]
    private static let asciiRamp = Array(" .:-=+*#%@").map(String.init)

    static func glyph(top: Double, bottom: Double, style: ChartStyle) -> String {
        if !style.unicode {
            let index = DataRange.index(((top + bottom) / 2 * Double(asciiRamp.count - 1)).rounded(), clampedTo: 0...(asciiRamp.count - 1)) ?? 0
            return asciiRamp[index]
        }
        if style.color {
            return style.paint("▀", "38;5;\(Chart.grayCode(top));48;5;\(Chart.grayCode(bottom))")
        }
        // The glyph whose two halves are closest to the pixels (least squares; first wins a tie).
        var best = halfCellGlyphs[0]
        var bestError = Double.infinity
        for candidate in halfCellGlyphs {
            let error = (candidate.top - top) * (candidate.top - top) + (candidate.bottom - bottom) * (candidate.bottom - bottom)
            if error < bestError {
                best = candidate
                bestError = error
            }
        }
        return best.glyph
    }
}
