/// Text from a user or a file made safe to show on a terminal, and measured the way a terminal lays it out.
///
/// Whatever nnlab quotes back (a word of a script, a CSV field or header, a path, a model name) can hold
/// control characters: ESC starts sequences that recolour or clear the screen or retitle the window, NUL and
/// BEL do their own things, bidirectional overrides reorder what is read. `escaped` shows each of them as a
/// visible escape (`\u{1B}`, `\0`) instead. `displayWidth` counts terminal columns, so that a caret lines up
/// under wide (CJK) and combining characters.
public enum SafeText {
    /// `text` with control characters shown as escapes; `keepLineBreaks` leaves "\n" (and tabs) as they are,
    /// for output that is meant to span lines (`print "a\nb"`).
    public static func escaped(_ text: some StringProtocol, keepLineBreaks: Bool = false) -> String {
        // Fast path: most text has nothing to escape.
        if !text.unicodeScalars.contains(where: { needsEscape($0, keepLineBreaks: keepLineBreaks) }) { return String(text) }
        var out = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepLineBreaks: keepLineBreaks) {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Output as nnlab composed it (charts with their colours, lines quoting user words), made safe as a last
    /// line of defence: line breaks, tabs, and the colour (`ESC [ 1;31 m`) and erase-line (`ESC [ 2 K`)
    /// sequences nnlab writes itself are kept; any other control character is shown escaped.
    public static func forTerminal(_ text: String) -> String {
        if !text.unicodeScalars.contains(where: { needsEscape($0, keepLineBreaks: true) }) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\u{1B}", let end = styleSequenceEnd(scalars, from: index) {
                out.append(contentsOf: scalars[index..<end])
                index = end
                continue
            }
            if needsEscape(scalar, keepLineBreaks: true) {
                out.append(contentsOf: escape(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    /// The end of `ESC [ digits/semicolons m` or `ESC [ digits K` starting at `start`, if that is what is there.
    static func styleSequenceEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var index = start + 2
        while index < scalars.count, index - start < 32, ("0"..."9").contains(scalars[index]) || scalars[index] == ";" {
            index += 1
        }
        guard index < scalars.count, scalars[index] == "m" || scalars[index] == "K" else { return nil }
        return index + 1
    }

    /// `text` in 7-bit ASCII, each scalar beyond it written as its escape (`猫` as `\u{732B}`): where only ASCII can
    /// be shown (charts under LANG=C), names in any script stay readable and apart instead of all becoming "?".
    public static func asciiEscaped(_ text: some StringProtocol) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar) } else { out += escape(scalar) }
        }
        return out
    }

    /// `text` in 7-bit ASCII for a terminal that shows nothing else, as readable as it can be: a Latin letter with
    /// accents or a stroke loses them (`café` → `cafe`, `Łódź` → `Lodz`), the ligatures and special letters are
    /// spelled out (`ß` → `ss`, `æ` → `ae`), typographic quotes and dashes become their ASCII forms, combining
    /// marks after a letter are dropped; anything else (CJK, Greek, emoji...) is written as its escape (`猫` as
    /// `\u{732B}`), so that names in any script stay apart.
    public static func asciiTransliterated(_ text: some StringProtocol) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else if let folded = asciiFold(scalar) {
                out += folded
            } else if scalar.properties.generalCategory == .nonspacingMark, out.last?.isLetter == true, out.last?.isASCII == true {
                continue  // a combining accent on a letter already written
            } else {
                out += escape(scalar)
            }
        }
        return out
    }

    /// The ASCII spelling of one Latin letter or punctuation mark, or nil. Letters go by their Unicode name:
    /// "LATIN SMALL LETTER E WITH ACUTE" is an "e".
    static func asciiFold(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x2018, 0x2019, 0x201A, 0x2032: return "'"
        case 0x201C, 0x201D, 0x201E, 0x2033: return "\""
        case 0x2010...0x2015, 0x2212: return "-"
        case 0x2026: return "..."
        case 0x00A0, 0x2002...0x200A, 0x202F: return " "
        case 0x00D7: return "x"
        default: break
        }
        guard let name = scalar.properties.name else { return nil }
        let small = name.hasPrefix("LATIN SMALL LETTER ") || name.hasPrefix("LATIN SMALL LIGATURE ")
        guard small || name.hasPrefix("LATIN CAPITAL LETTER ") || name.hasPrefix("LATIN CAPITAL LIGATURE ") else { return nil }
        let words = name.split(separator: " ")
        guard words.count >= 4 else { return nil }
        let letter = words[3]
        let spelled: String
        switch letter {
        case "SHARP" where words.count == 5 && words[4] == "S": spelled = small ? "ss" : "SS"
        case "DOTLESS": spelled = "I"
        case "ETH": spelled = "D"
        case "THORN": spelled = "TH"
        case "AE", "OE", "IJ": spelled = String(letter)
        default:
            guard letter.count == 1, let c = letter.first, c.isASCII, c.isLetter else { return nil }
            spelled = String(letter)
        }
        // The rest of the name must be what a letter can carry ("WITH ACUTE", "WITH STROKE"), not another letter.
        guard words.count == 4 || words[4] == "WITH" || (letter == "SHARP" && words.count == 5) else { return nil }
        return small ? spelled.lowercased() : spelled
    }

    /// Whether `text` holds anything `escaped` would change.
    public static func needsEscaping(_ text: some StringProtocol, keepLineBreaks: Bool = false) -> Bool {
        text.unicodeScalars.contains { needsEscape($0, keepLineBreaks: keepLineBreaks) }
    }

    static func needsEscape(_ scalar: Unicode.Scalar, keepLineBreaks: Bool) -> Bool {
        let v = scalar.value
        if keepLineBreaks && (v == 0x0A || v == 0x09) { return false }
        // C0 controls and DEL; C1 controls (0x9B is a one-byte CSI on some terminals).
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        // Bidirectional embeddings, overrides and isolates, and the Unicode line/paragraph separators.
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x2028 || v == 0x2029 { return true }
        // Invisible characters that would make a quoted word look like another: zero-width space, direction marks,
        // word joiner and invisible operators, byte order mark. (Joiners stay: emoji sequences need them.)
        if v == 0x200B || v == 0x200E || v == 0x200F || (0x2060...0x2064).contains(v) || v == 0xFEFF { return true }
        return false
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00: return "\\0"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
        }
    }

    // MARK: markup

    /// `text` for XML or HTML content and attribute values: the markup characters `& < > " '` as entities, control
    /// characters (which XML 1.0 forbids and which could hide escape codes) as spaces. `keepLineBreaks` leaves "\n"
    /// and tabs as they are (HTML's `<pre>` needs them); `replacingNoncharacters` writes U+FFFE and U+FFFF, which
    /// XML 1.0 forbids as well, as "?".
    public static func markupEscaped(_ text: some StringProtocol, keepLineBreaks: Bool, replacingNoncharacters: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\n" where keepLineBreaks, "\t" where keepLineBreaks: result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    result += " "
                } else if replacingNoncharacters && (scalar.value == 0xFFFE || scalar.value == 0xFFFF) {
                    result += "?"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    // MARK: display width

    /// Terminal columns `text` takes: 2 for wide characters (CJK, fullwidth forms, most emoji), 0 for
    /// combining marks and other zero-width scalars, 1 otherwise. Controls count as the width of their escape.
    public static func displayWidth(_ text: some StringProtocol) -> Int {
        // Fast path: printable ASCII is one column a byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        for character in text { total += displayWidth(of: character) }
        return total
    }

    /// Columns one user-perceived character takes (a base letter with its combining marks is one column).
    public static func displayWidth(of character: Character) -> Int {
        var width = 0
        var escapes = 0
        for scalar in character.unicodeScalars {
            if needsEscape(scalar, keepLineBreaks: false) {
                escapes += escape(scalar).count
                continue
            }
            // VS16 asks for the emoji (wide) presentation of what precedes it.
            if scalar.value == 0xFE0F { width = max(width, 2); continue }
            width = max(width, scalarWidth(scalar))
        }
        return width + escapes
    }

    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }  // ASCII and Latin: the common case
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) { return 0 }  // Hangul medial vowels and final consonants join the syllable
        return isWide(v) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15), and the emoji blocks terminals draw two columns wide.
    static func isWide(_ v: UInt32) -> Bool {
        for range in wideRanges where range.contains(v) { return true }
        return false
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF,
        0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

extension String {
    /// Every occurrence of `target` replaced, left to right, without overlaps (Foundation's
    /// replacingOccurrences, for the modules that do without Foundation).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
