import Basics

/// The numbers of an image (e.g. 28x28 pixel values), printed in a grid.
struct NumberGridPlot: Sendable {
    var values: [Float]
    var width: Int
    var height: Int
    /// Digits after the point, 0...6.
    var decimals: Int

    var problem: String? { Chart.imageProblem(pixelCount: values.count, width: width, height: height) }

    /// Each value as printed; "-0" (a tiny negative rounded away) reads as a different number from "0".
    var texts: [String] {
        let format = NumberFormat(validating: "%.\(min(max(decimals, 0), 6))f") ?? NumberFormat.general
        return values.map { value -> String in
            let text = format.format(Double(value))
            return text.allSatisfy { "-0.".contains($0) } && text.hasPrefix("-") ? String(text.dropFirst()) : text
        }
    }
}

extension Chart {
    /// The numeric grid of an image (e.g. 28x28 pixel values) as aligned integers/decimals.
    ///
    /// Every value is printed with `decimals` digits after the point (0...6) and right-aligned to the widest,
    /// one image row per line, so a digit's shape shows in the numbers. NaN/Inf print as "NaN"/"inf".
    /// The grid is as wide as the data needs; it is not fitted to a terminal width. A title goes on a line
    /// of its own above it.
    public static func numberGrid(_ values: [Float], width: Int, height: Int, decimals: Int = 0, title: String? = nil) -> Chart {
        Chart(title: title, content: .numberGrid(NumberGridPlot(values: values, width: width, height: height, decimals: decimals)))
    }
}

extension NumberGridPlot {
    func text(title: String?, style: ChartStyle) -> String {
        let texts = self.texts
        let columnWidth = texts.map(TextLayout.displayWidth).max() ?? 1
        var lines = (0..<height).map { row in
            texts[(row * width)..<((row + 1) * width)].map { TextLayout.padLeft($0, to: columnWidth) }.joined(separator: " ")
        }
        if let title, !title.isEmpty { lines.insert(style.clean(title), at: 0) }
        return TextLayout.joinLines(lines)
    }
}
