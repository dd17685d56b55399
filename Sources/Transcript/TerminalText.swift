/// Turns what a program wrote to a terminal into the text the terminal ended up showing, so a transcript
/// holds neither colour codes nor every intermediate state of a progress bar.
public enum TerminalText {
    /// Removes ANSI escape sequences (CSI/OSC and other ESC sequences) and resolves carriage-return
    /// progress redraws (keep only the last state of a line rewritten with \r), backspaces too.
    ///
    /// Follows terminal semantics: `\r` and backspace move the cursor, later text overwrites earlier text
    /// in place, and "erase in line" (`ESC[K`, `ESC[2K`) and horizontal cursor moves (`ESC[nG/C/D`) are
    /// applied. Other control characters except tab are dropped; `\r\n` line endings become `\n`.
    public static func clean(_ s: String) -> String {
        // Fast path: most output has nothing to resolve.
        if !s.unicodeScalars.contains(where: needsResolving) { return s }
        var screen = LineScreen()
        let scalars = Array(s.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar.value {
            case 0x1B:
                index = consumeEscape(scalars, from: index, into: &screen)
            case 0x9B:  // C1 form of CSI
                index = consumeControlSequence(scalars, from: index, into: &screen)
            case 0x0A:
                screen.newline()
            case 0x0D:
                screen.cursor = 0
            case 0x08:
                screen.cursor = max(0, screen.cursor - 1)
            case 0x09:
                screen.put(scalar)
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                break  // bell and other controls show nothing
            default:
                screen.put(scalar)
            }
        }
        return screen.finish()
    }

    private static func needsResolving(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: return true
        default: return false
        }
    }

    /// Consumes the sequence after an ESC; returns the index just past it.
    private static func consumeEscape(_ scalars: [Unicode.Scalar], from start: Int,
                                      into screen: inout LineScreen) -> Int {
        guard start < scalars.count else { return start }
        switch scalars[start] {
        case "[":
            return consumeControlSequence(scalars, from: start + 1, into: &screen)
        case "]", "P", "X", "^", "_":
            // OSC (titles, hyperlinks) and other string sequences end with BEL or ST (ESC \).
            var index = start + 1
            while index < scalars.count {
                if scalars[index].value == 0x07 { return index + 1 }
                if scalars[index].value == 0x1B {
                    return index + 1 < scalars.count && scalars[index + 1] == "\\" ? index + 2 : index + 1
                }
                index += 1
            }
            return index
        default:
            // Two-character or charset sequences: ESC, optional intermediates (0x20-0x2F), one final byte.
            var index = start
            while index < scalars.count, (0x20...0x2F).contains(scalars[index].value) { index += 1 }
            return min(index + 1, scalars.count)
        }
    }

    /// Consumes a CSI sequence (after "ESC[" or 0x9B): parameters, intermediates, one final byte.
    private static func consumeControlSequence(_ scalars: [Unicode.Scalar], from start: Int,
                                               into screen: inout LineScreen) -> Int {
        var index = start
        var parameters = ""
        while index < scalars.count, (0x30...0x3F).contains(scalars[index].value) {
            parameters.unicodeScalars.append(scalars[index])
            index += 1
        }
        while index < scalars.count, (0x20...0x2F).contains(scalars[index].value) { index += 1 }
        guard index < scalars.count else { return index }
        let final = scalars[index]
        guard (0x40...0x7E).contains(final.value) else { return index }  // malformed: drop what we read
        // Clamped: `ESC[99999999999C` must neither pad a line with that many spaces nor overflow the cursor.
        let firstNumber = parameters.split(separator: ";").first.flatMap { Int($0) }.map { min($0, LineScreen.maxColumn) }
        switch final {
        case "K": screen.eraseInLine(mode: firstNumber ?? 0)
        case "G": screen.cursor = max(0, (firstNumber ?? 1) - 1)
        case "C": screen.cursor = min(screen.cursor + max(1, firstNumber ?? 1), max(LineScreen.maxColumn, screen.line.count))
        case "D": screen.cursor = max(0, screen.cursor - max(1, firstNumber ?? 1))
        default: break  // colours, vertical moves and the rest change no text on this line
        }
        return index + 1
    }
}

/// The line being drawn (with its cursor) plus the lines already finished by "\n".
private struct LineScreen {
    /// Cursor moves go no further right than this (or than the text already on the line).
    static let maxColumn = 10_000
    var finished = String.UnicodeScalarView()
    var line: [Unicode.Scalar] = []
    var cursor = 0

    mutating func put(_ scalar: Unicode.Scalar) {
        while line.count < cursor { line.append(" ") }
        if cursor < line.count {
            line[cursor] = scalar
        } else {
            line.append(scalar)
        }
        cursor += 1
    }

    mutating func eraseInLine(mode: Int) {
        switch mode {
        case 0:
            if cursor < line.count { line.removeSubrange(cursor...) }
        case 1:
            for column in 0..<min(cursor + 1, line.count) { line[column] = " " }
        default:
            line.removeAll()
        }
    }

    mutating func newline() {
        finished.append(contentsOf: line)
        finished.append("\n")
        line.removeAll()
        cursor = 0
    }

    mutating func finish() -> String {
        finished.append(contentsOf: line)
        return String(finished)
    }
}
