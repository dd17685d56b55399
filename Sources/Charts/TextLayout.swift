import Basics

/// Measuring and aligning text by terminal columns rather than by characters: ANSI colour codes take no
/// columns, the rest as `SafeText.displayWidth` counts it (wide CJK two, combining marks none; every glyph the
/// charts draw, braille, blocks, shades and box lines, one).
enum TextLayout {
    static let escape: Unicode.Scalar = "\u{1B}"

    /// Columns `text` occupies: SGR sequences (ESC [ ... m) count zero, the rest as on a terminal.
    static func displayWidth(_ text: String) -> Int {
        guard text.unicodeScalars.contains(escape) else { return SafeText.displayWidth(text) }
        var visible = String.UnicodeScalarView()
        var insideEscape = false
        for scalar in text.unicodeScalars {
            if insideEscape {
                // An escape sequence ends at its final byte, a letter in 0x40...0x7E after the '['.
                if (0x40...0x7E).contains(scalar.value) && scalar != "[" { insideEscape = false }
                continue
            }
            if scalar == escape {
                insideEscape = true
                continue
            }
            visible.append(scalar)
        }
        return SafeText.displayWidth(String(visible))
    }

    static func padRight(_ text: String, to width: Int) -> String {
        let missing = width - displayWidth(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }

    static func padLeft(_ text: String, to width: Int) -> String {
        let missing = width - displayWidth(text)
        return missing > 0 ? String(repeating: " ", count: missing) + text : text
    }

    /// Centres `text` in `width` columns (extra column goes right), padding both sides.
    static func center(_ text: String, in width: Int) -> String {
        let missing = width - displayWidth(text)
        guard missing > 0 else { return text }
        let left = missing / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: missing - left)
    }

    /// Shortens plain text (no escape codes) to at most `width` columns, marking the cut with `ellipsis`.
    static func truncate(_ text: String, to width: Int, ellipsis: String) -> String {
        guard width > 0 else { return "" }
        guard displayWidth(text) > width else { return text }
        let ellipsisWidth = displayWidth(ellipsis)
        guard width > ellipsisWidth else { return String(text.prefix(width)) }
        var kept = ""
        for character in text {
            if displayWidth(kept + String(character)) > width - ellipsisWidth { break }
            kept.append(character)
        }
        return kept + ellipsis
    }

    /// Trailing blanks are noise in transcripts and snapshots; escape codes at the end are kept.
    static func trimTrailingSpaces(_ line: String) -> String {
        var scalars = Array(line.unicodeScalars)
        while let last = scalars.last, last == " " { scalars.removeLast() }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    static func joinLines(_ lines: [String]) -> String {
        lines.map(trimTrailingSpaces).joined(separator: "\n")
    }
}
