extension Chart {
    /// Two finished charts side by side, top-aligned, `gap` columns apart (measured in terminal columns, colour
    /// codes taking none): how the live training view shows the regions and the loss curves on a wide terminal.
    public static func sideBySide(_ left: String, _ right: String, gap: Int = 2) -> String {
        let a = left.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = right.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let width = a.map(TextLayout.displayWidth).max() ?? 0
        let lines = (0..<max(a.count, b.count)).map { i -> String in
            let l = i < a.count ? a[i] : ""
            let r = i < b.count ? b[i] : ""
            guard !r.isEmpty else { return l }
            return TextLayout.padRight(l, to: width) + String(repeating: " ", count: max(gap, 0)) + r
        }
        return TextLayout.joinLines(lines)
    }
}
