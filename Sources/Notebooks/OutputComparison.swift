import Basics
import Foundation
import Transcript

/// One number that came out differently: where, what was stored, what the code produces now.
public struct NumberDifference: Equatable, Sendable {
    /// 1-based line of the cell's output.
    public var line: Int
    /// The text just before the number ("loss "), to say which number it is.
    public var context: String
    public var stored: String
    public var produced: String

    /// "loss 0.3121 -> 0.3125 (+0.0004, +0.13%)"
    public var summary: String {
        var text = "\(context)\(stored) -> \(produced)"
        if let a = Double(stored), let b = Double(produced) {
            let decimals = max(OutputComparison.decimals(stored), OutputComparison.decimals(produced))
            let delta = b - a
            text += " (\(delta >= 0 ? "+" : "-")\(NumberText.fixed(abs(delta), decimals))"
            if a != 0 { text += ", \(delta >= 0 ? "+" : "-")\(NumberText.fixed(abs(delta / a) * 100, 2))%" }
            text += ")"
        }
        return text
    }

    /// |produced - stored| / |stored| (0 when equal, infinity from zero).
    var relativeDifference: Double {
        guard let a = Double(stored), let b = Double(produced) else { return .infinity }
        if a == b { return 0 }
        return a == 0 ? .infinity : abs(b - a) / abs(a)
    }
}

/// How a cell's stored output compares with what its code produces now.
public enum CellVerdict: Equatable, Sendable {
    case same
    /// Equal once durations ("0.11 s", "0.110 s/epoch") are left out.
    case sameIgnoringDurations
    /// Only numbers differ, each by at most the tolerance asked for.
    case withinTolerance([NumberDifference])
    /// The same text around the numbers; these numbers differ.
    case numbersDiffer([NumberDifference])
    /// The text itself differs from this line on (numbers found different before it are listed too).
    case textDiffers(line: Int, stored: String, produced: String, numbers: [NumberDifference])
    /// The notebook has no outputs and no execution count for this cell: it was never run.
    case notRun

    public var matches: Bool {
        switch self {
        case .same, .sameIgnoringDurations, .withinTolerance: return true
        default: return false
        }
    }
}

public enum OutputComparison {
    /// What a cell showed, as one text: streams, the plain-text form of displays, and errors without the file
    /// name their location starts with (the same cell says `lab.ipynb In[3]:2:1` or `In[3]:2:1` depending on
    /// who ran it). Figures are compared apart, by `figures(of:)`.
    public static func text(of outputs: [NotebookOutput]) -> String {
        var text = ""
        for output in outputs {
            switch output {
            case .stream(_, let chunk):
                text += chunk
            case .display(let data):
                if let plain = data["text/plain"] { text += plain.hasSuffix("\n") ? plain : plain + "\n" }
            case .error(let name, _, let traceback):
                text += "[\(name)]\n"
                for line in traceback { text += withoutFileName(line) + "\n" }
            }
        }
        return text
    }

    /// The SVG of each figure, in order.
    public static func figures(of outputs: [NotebookOutput]) -> [String] {
        outputs.compactMap { if case .display(let data) = $0 { return data["image/svg+xml"] } else { return nil } }
    }

    /// "lab.ipynb In[3]:2:7: error: ..." -> "2:7: error: ..."; other lines unchanged.
    static func withoutFileName(_ line: String) -> String {
        guard let marker = line.range(of: ": error: ") else { return line }
        let place = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        let lineAndColumn = place.suffix(2)
        if place.count >= 3, lineAndColumn.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return lineAndColumn.joined(separator: ":") + line[marker.lowerBound...]
        }
        return "error: " + line[marker.upperBound...]
    }

    public static func compare(stored: String, produced: String, ignoreDurations: Bool, tolerance: Double) -> CellVerdict {
        if stored == produced { return .same }
        let a = stored.split(separator: "\n", omittingEmptySubsequences: false)
        let b = produced.split(separator: "\n", omittingEmptySubsequences: false)
        var numbers: [NumberDifference] = []
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "", right = index < b.count ? String(b[index]) : ""
            if left == right && index < a.count && index < b.count { continue }
            let p = pieces(left), q = pieces(right)
            guard index < a.count, index < b.count, sameSkeleton(p, q) else {
                return .textDiffers(line: index + 1, stored: index < a.count ? left : "<no more output>",
                                    produced: index < b.count ? right : "<no more output>", numbers: numbers)
            }
            var context = ""
            for (x, y) in zip(p, q) {
                switch (x, y) {
                case (.text(let t), _):
                    context = label(t)
                case (.number(let s, let duration), .number(let r, _)) where s != r:
                    if !(duration && ignoreDurations) {
                        numbers.append(NumberDifference(line: index + 1, context: context, stored: s, produced: r))
                    }
                    context = ""
                default:
                    context = ""
                }
            }
        }
        if numbers.isEmpty { return ignoreDurations ? .sameIgnoringDurations : .same }
        if tolerance > 0 && numbers.allSatisfy({ $0.relativeDifference <= tolerance }) { return .withinTolerance(numbers) }
        return .numbersDiffer(numbers)
    }

    /// The words that name the number after them: "  val_loss " -> "val_loss ", "% (" -> "".
    static func label(_ text: String) -> String {
        var words: [Substring] = []
        var length = 0
        for word in text.split(separator: " ").reversed() {
            guard word.contains(where: { $0.isLetter }), length + word.count <= 24 else { break }
            words.insert(word, at: 0)
            length += word.count + 1
        }
        return words.isEmpty ? "" : words.joined(separator: " ") + " "
    }

    // MARK: numbers in text

    enum Piece: Equatable {
        case text(String)
        /// The number as written, and whether a unit of time follows it ("0.11 s", "3 ms", "0.110 s/epoch").
        case number(String, duration: Bool)
    }

    static func sameSkeleton(_ p: [Piece], _ q: [Piece]) -> Bool {
        guard p.count == q.count else { return false }
        for (x, y) in zip(p, q) {
            switch (x, y) {
            // Tables re-align when a number's width changes: runs of spaces match whatever their length.
            case (.text(let s), .text(let t)) where collapsingSpaces(s) == collapsingSpaces(t): continue
            case (.number, .number): continue
            default: return false
            }
        }
        return true
    }

    static func collapsingSpaces(_ text: String) -> String {
        var out = ""
        var previousWasSpace = false
        for c in text {
            if c == " " {
                if !previousWasSpace { out.append(c) }
                previousWasSpace = true
            } else {
                out.append(c)
                previousWasSpace = false
            }
        }
        return out
    }

    /// The two lines from a little before their first difference, so a long line shows where it differs.
    public static func aroundFirstDifference(_ a: String, _ b: String, width: Int = 100) -> (String, String) {
        let x = Array(a), y = Array(b)
        var first = 0
        while first < x.count, first < y.count, x[first] == y[first] { first += 1 }
        let start = first > width / 2 ? first - width / 3 : 0
        func cut(_ chars: [Character]) -> String {
            guard start < chars.count else { return start == 0 ? "" : "..." }
            let piece = String(chars[start..<min(chars.count, start + width)])
            return (start > 0 ? "..." : "") + piece + (start + width < chars.count ? "..." : "")
        }
        return (cut(x), cut(y))
    }

    /// Splits a line into text and numbers. A number starts at a digit (or a sign or '.' before one) that does
    /// not continue a word: "fc1" and "784-128" are not a number and a negative one.
    static func pieces(_ line: String) -> [Piece] {
        let chars = Array(line)
        var result: [Piece] = []
        var text = ""
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < chars.count && chars[k].isASCII && chars[k].isNumber }
        while i < chars.count {
            let previous: Character? = i > 0 ? chars[i - 1] : nil
            let continuesWord = previous.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ?? false
            var start = i
            var isNumberStart = false
            if !continuesWord {
                if isDigit(i) { isNumberStart = true }
                else if (chars[i] == "-" || chars[i] == "+") && (isDigit(i + 1) || chars.count > i + 2 && chars[i + 1] == "." && isDigit(i + 2)) {
                    isNumberStart = previous.map { !($0 == ")" || $0 == "]") } ?? true
                } else if chars[i] == "." && isDigit(i + 1) { isNumberStart = true }
            }
            guard isNumberStart else {
                text.append(chars[i])
                i += 1
                continue
            }
            if chars[i] == "-" || chars[i] == "+" { i += 1 }
            while isDigit(i) { i += 1 }
            if i < chars.count, chars[i] == ".", isDigit(i + 1) { i += 1; while isDigit(i) { i += 1 } }
            if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                var j = i + 1
                if j < chars.count, chars[j] == "-" || chars[j] == "+" { j += 1 }
                if isDigit(j) { i = j; while isDigit(i) { i += 1 } }
            }
            // A digit run that runs into a letter is a word ("3x3", "2d"), not a number.
            if i < chars.count, chars[i].isLetter, !isUnitStart(chars, i) {
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                text += String(chars[start..<i])
                continue
            }
            if !text.isEmpty { result.append(.text(text)); text = "" }
            result.append(.number(String(chars[start..<i]), duration: isDuration(chars, after: i)))
            start = i
        }
        if !text.isEmpty { result.append(.text(text)) }
        return result
    }

    /// "0.11 s", "0.11s", "12 ms", "0.110 s/epoch", "3 min": a unit of time after the number.
    static func isDuration(_ chars: [Character], after end: Int) -> Bool {
        var k = end
        if k < chars.count, chars[k] == " " { k += 1 }
        for unit in ["s", "ms", "µs", "us", "min", "h"] {
            let u = Array(unit)
            guard k + u.count <= chars.count, Array(chars[k..<k + u.count]) == u else { continue }
            let next = k + u.count
            if next == chars.count || !(chars[next].isLetter || chars[next].isNumber) { return true }
        }
        return false
    }

    /// Directly after a number, a unit of time (duration) or a percent is not the start of a word.
    private static func isUnitStart(_ chars: [Character], _ k: Int) -> Bool {
        isDuration(chars, after: k)
    }

    static func decimals(_ number: String) -> Int {
        guard let dot = number.firstIndex(of: ".") else { return 0 }
        return number[number.index(after: dot)...].prefix(while: \.isNumber).count
    }
}
