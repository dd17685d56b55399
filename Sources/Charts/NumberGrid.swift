extension Chart {
    /// The numeric grid of an image (e.g. 28x28 pixel values) as aligned integers/decimals.
    ///
    /// Every value is printed with `decimals` digits after the point (0...6) and right-aligned to the widest,
    /// one image row per line, so a digit's shape shows in the numbers. NaN/Inf print as "NaN"/"inf".
    /// The grid is as wide as the data needs; it is not fitted to a terminal width.
    public static func numberGrid(_ values: [Float], width: Int, height: Int, decimals: Int = 0) -> String {
        if let problem = imageProblem(pixelCount: values.count, width: width, height: height) {
            return nothingToPlot(problem)
        }
        let format = NumberFormat(validating: "%.\(min(max(decimals, 0), 6))f") ?? NumberFormat.general
        let texts = values.map { value -> String in
            let text = format.format(Double(value))
            // "-0" (a tiny negative rounded away) reads as a different number from "0".
            return text.allSatisfy { "-0.".contains($0) } && text.hasPrefix("-") ? String(text.dropFirst()) : text
        }
        let columnWidth = texts.map(TextLayout.displayWidth).max() ?? 1
        let lines = (0..<height).map { row in
            texts[(row * width)..<((row + 1) * width)].map { TextLayout.padLeft($0, to: columnWidth) }.joined(separator: " ")
        }
        return TextLayout.joinLines(lines)
    }
}
