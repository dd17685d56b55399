import Foundation
import Basics

/// Comma-separated data: one row per example, one column holding the class label, the others numbers.
///
/// - The delimiter is `,` (or `;` / tab when the first line has no comma). Fields may be "quoted".
/// - The first row is a header when none of its feature fields is a number, or when its label field is not a
///   number while the next row's label is (a header like `label,0,1,2`). So string labels (`setosa`) work
///   with or without a header; a label column given by name needs a header. Any other row (the first one
///   included) that does not parse is an error naming its line and column, never skipped.
/// - Labels: whole numbers 0...65535 keep their value as the class index (MNIST digits), classes named
///   "0"..."max". Other whole numbers (e.g. -1/+1) and names (`setosa`) become classes in sorted order.
/// - The file may be gzip-compressed. Blank lines are skipped; `\r\n` and `\r` line ends are fine.
/// - Values must fit a 32-bit float; labels and header names are shown with control characters escaped.
///
/// The parser indexes the bytes as an array (bounds-checked in every build): the content is untrusted.
public enum CSV {
    /// Reads a labelled CSV file. `labelColumn` is a 0-based column number (negative counts from the
    /// end: "-1" is the last column) or a header name. `name` defaults to the file name.
    /// `memoryLimit` bounds the file's bytes and the values it holds together (the session's memory budget).
    public static func readLabeled(_ path: String, labelColumn: String = "0", name: String? = nil,
                                   memoryLimit: Int = Int.max) throws -> LabeledData {
        let bytes = try Gzip.readFile(path, limit: memoryLimit)
        let defaultName = (path as NSString).lastPathComponent
        return try parseLabeled(bytes, file: path, labelColumn: labelColumn, name: name ?? defaultName,
                                memoryLimit: memoryLimit)
    }

    /// Parses CSV content; `file` names it in errors.
    public static func parseLabeled(_ bytes: [UInt8], file: String, labelColumn: String = "0",
                                    name: String, memoryLimit: Int = Int.max) throws -> LabeledData {
        if bytes.isEmpty { throw DataError(file: file, message: "file is empty") }
        var parser = Parser(base: bytes, file: file)
        parser.memoryLimit = memoryLimit
        return try parser.parse(labelColumn: labelColumn, name: name)
    }

    static let maximumDenseLabel = 65535
}

/// One pass over the bytes. Number fields take a fast path (digits, '.', exponent, straight into the
/// float buffer); anything unusual (quotes, spaces, "inf") falls back to a general field reader.
private struct Parser {
    let base: [UInt8]
    let end: Int
    let file: String
    var delimiter: UInt8 = UInt8(ascii: ",")
    var memoryLimit = Int.max

    init(base: [UInt8], file: String) {
        self.base = base
        self.end = base.count
        self.file = file
    }

    private static let quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// A line's byte range (without its line break) and 1-based number.
    struct Line {
        var start: Int
        var end: Int
        var number: Int
    }

    /// The label of one row before classes are assigned.
    enum RawLabel {
        case number(Int)
        case name(String)
    }

    mutating func parse(labelColumn: String, name: String) throws -> LabeledData {
        var position = 0
        // A UTF-8 byte order mark (Excel writes one) is not part of the first field.
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { position = 3 }
        var lineNumber = 0
        guard let first = nextNonBlankLine(&position, &lineNumber) else {
            throw DataError(file: file, message: "file is empty")
        }
        delimiter = chooseDelimiter(first)
        let firstFields = fields(of: first)
        let columnCount = firstFields.count
        if columnCount < 2 {
            throw DataError(file: file, line: first.number,
                            message: "expected at least 2 columns (a label and a feature), found \(columnCount)")
        }
        let afterFirst = position, lineAfterFirst = lineNumber
        let second = nextNonBlankLine(&position, &lineNumber)
        position = afterFirst
        lineNumber = lineAfterFirst

        let isNumericField = { (text: String) in Self.parseNumberText(text) != nil }
        let hasHeader: Bool
        let labelIndex: Int
        if let index = Int(labelColumn.trimmingCharacters(in: .whitespaces)) {
            labelIndex = index < 0 ? columnCount + index : index
            guard labelIndex >= 0 && labelIndex < columnCount else {
                throw DataError(file: file, line: first.number,
                                message: "label column \(SafeText.escaped(labelColumn)) does not exist: rows have \(columnCount) columns (0...\(columnCount - 1))")
            }
            // A header names every column; a row with some numbers among its features is data (with a typo,
            // which parsing the row reports), not a header to skip silently.
            let featureFields = firstFields.enumerated().filter { $0.offset != labelIndex }.map(\.element)
            let featuresAreText = featureFields.allSatisfy { !isNumericField($0) }
            let labelIsText = !isNumericField(firstFields[labelIndex])
            var nextLabelIsNumber = false
            if let second {
                let secondFields = fields(of: second)
                nextLabelIsNumber = labelIndex < secondFields.count && isNumericField(secondFields[labelIndex])
            }
            hasHeader = featuresAreText || (labelIsText && nextLabelIsNumber)
        } else {
            let wanted = labelColumn.trimmingCharacters(in: .whitespaces)
            let headerLooksLikeData = firstFields.allSatisfy(isNumericField)
            if headerLooksLikeData {
                throw DataError(file: file, line: first.number,
                                message: "label column \"\(SafeText.escaped(wanted))\" not found: the file has no header row (give a column number instead)")
            }
            let match = firstFields.firstIndex(of: wanted)
                ?? firstFields.firstIndex { $0.lowercased() == wanted.lowercased() }
            guard let match else {
                let shown = firstFields.prefix(8).map { SafeText.escaped($0) }.joined(separator: ", ") + (columnCount > 8 ? ", ..." : "")
                throw DataError(file: file, line: first.number,
                                message: "no column named \"\(SafeText.escaped(wanted))\" in the header (columns: \(shown))")
            }
            hasHeader = true
            labelIndex = match
        }
        if !hasHeader {
            position = 0
            if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { position = 3 }
            lineNumber = 0
        }

        let featureCount = columnCount - 1
        // Count line breaks once so the float buffer is allocated exactly once.
        var estimatedRows = 1
        var index = position
        while index < end {
            let byte = base[index]
            if byte == Self.newline || (byte == Self.carriageReturn && (index + 1 == end || base[index + 1] != Self.newline)) {
                estimatedRows += 1
            }
            index += 1
        }
        let (capacity, overflow) = estimatedRows.multipliedReportingOverflow(by: featureCount)
        if overflow {
            throw DataError(file: file, message: "too many values to hold in memory")
        }
        // The values as floats, beside the file's bytes, before anything is allocated.
        if capacity > (memoryLimit - end) / 4 {
            throw DataError.memory(file, "its \(estimatedRows) rows of \(featureCount) values", needed: end + capacity * 4, limit: memoryLimit)
        }

        var rawLabels: [RawLabel] = []
        rawLabels.reserveCapacity(estimatedRows)
        var rowCount = 0
        var features: [Float] = []
        features.reserveCapacity(capacity)
        while let line = nextNonBlankLine(&position, &lineNumber) {
            let label = try parseRow(line, into: &features, featureCount: featureCount, labelIndex: labelIndex,
                                     columnCount: columnCount, firstLabel: rawLabels.first)
            rawLabels.append(label)
            rowCount += 1
        }
        if rowCount == 0 {
            throw DataError(file: file, message: hasHeader ? "no data rows after the header" : "file is empty")
        }
        let (labels, classNames) = try assignClasses(rawLabels)
        let side = Int(Double(featureCount).squareRoot().rounded())
        let imageShape: (rows: Int, cols: Int)? = side >= 8 && side * side == featureCount ? (side, side) : nil
        return LabeledData(name: name, features: features, labels: labels, count: rowCount,
                           featureCount: featureCount, imageShape: imageShape, classNames: classNames)
    }

    // MARK: Lines and fields

    /// Advances past the next line that has any non-space content; nil at end of input.
    func nextNonBlankLine(_ position: inout Int, _ lineNumber: inout Int) -> Line? {
        while position < end {
            let start = position
            var stop = start
            while stop < end && base[stop] != Self.newline && base[stop] != Self.carriageReturn { stop += 1 }
            // "\r\n" (Windows) and a lone "\r" (old Macs) end a line as "\n" does.
            position = stop
            if position < end && base[position] == Self.carriageReturn { position += 1 }
            if position < end && base[position] == Self.newline { position += 1 }
            lineNumber += 1
            let trimmedEnd = stop
            var blank = true
            for index in start..<trimmedEnd where base[index] != 0x20 && base[index] != 0x09 {
                blank = false
                break
            }
            if !blank { return Line(start: start, end: trimmedEnd, number: lineNumber) }
        }
        return nil
    }

    func chooseDelimiter(_ line: Line) -> UInt8 {
        var semicolons = 0, tabs = 0
        for index in line.start..<line.end {
            switch base[index] {
            case UInt8(ascii: ","): return UInt8(ascii: ",")
            case UInt8(ascii: ";"): semicolons += 1
            case 0x09: tabs += 1
            default: break
            }
        }
        if tabs > 0 { return 0x09 }
        if semicolons > 0 { return UInt8(ascii: ";") }
        return UInt8(ascii: ",")
    }

    /// Reads the field starting at `position` (which ends on the delimiter or the line end);
    /// returns its text with surrounding spaces and quotes removed.
    func readField(_ position: inout Int, lineEnd: Int) -> String {
        var start = position
        while start < lineEnd && (base[start] == 0x20 || base[start] == 0x09) && base[start] != delimiter { start += 1 }
        if start < lineEnd && base[start] == Self.quote {
            var text: [UInt8] = []
            var index = start + 1
            while index < lineEnd {
                if base[index] == Self.quote {
                    if index + 1 < lineEnd && base[index + 1] == Self.quote {
                        text.append(Self.quote)
                        index += 2
                        continue
                    }
                    break
                }
                text.append(base[index])
                index += 1
            }
            while index < lineEnd && base[index] != delimiter { index += 1 }
            position = index
            return String(decoding: text, as: UTF8.self)
        }
        var stop = start
        while stop < lineEnd && base[stop] != delimiter { stop += 1 }
        position = stop
        var trimmedEnd = stop
        while trimmedEnd > start && (base[trimmedEnd - 1] == 0x20 || base[trimmedEnd - 1] == 0x09) { trimmedEnd -= 1 }
        return String(decoding: base[start..<trimmedEnd], as: UTF8.self)
    }

    func fields(of line: Line) -> [String] {
        var result: [String] = []
        var position = line.start
        while true {
            result.append(readField(&position, lineEnd: line.end))
            if position >= line.end { return result }
            position += 1
        }
    }

    // MARK: Rows

    /// Parses one data row: features into `output`, the label returned.
    func parseRow(_ line: Line, into output: inout [Float], featureCount: Int, labelIndex: Int,
                  columnCount: Int, firstLabel: RawLabel?) throws -> RawLabel {
        var position = line.start
        var column = 0
        var featureIndex = 0
        var label: RawLabel?
        while true {
            if column == labelIndex {
                let text = readField(&position, lineEnd: line.end)
                label = try parseLabel(text, line: line, column: column, firstLabel: firstLabel)
            } else if featureIndex < featureCount {
                let fieldStart = position
                var value: Double
                if let (scanned, next) = scanNumber(from: position, lineEnd: line.end) {
                    value = scanned
                    position = next
                } else {
                    let text = readField(&position, lineEnd: line.end)
                    guard let parsed = Self.parseNumberText(text) else {
                        let found = text.isEmpty ? "an empty field" : "\"\(Self.shown(text))\""
                        throw DataError(file: file, line: line.number, column: column + 1,
                                        message: "expected a number, found \(found)"
                                            + (line.number == 1 ? " (a header row names every column)" : ""))
                    }
                    value = parsed
                }
                // Beyond Float's range the value would silently become infinity (and training NaN).
                guard abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                    var stop = fieldStart
                    let text = readField(&stop, lineEnd: line.end)
                    throw DataError(file: file, line: line.number, column: column + 1,
                                    message: "value \(Self.shown(text)) is too large for a 32-bit float (at most about 3.4e38)")
                }
                output.append(Float(value))
                featureIndex += 1
            } else {
                _ = readField(&position, lineEnd: line.end)  // surplus field: count it for the message
            }
            column += 1
            if position >= line.end { break }
            position += 1
        }
        guard column == columnCount, let label else {
            // Leave the rows before this one whole: the caller throws, but keep the invariant anyway.
            output.removeLast(featureIndex)
            throw DataError(file: file, line: line.number,
                            message: "expected \(columnCount) values, found \(column)")
        }
        return label
    }

    func parseLabel(_ text: String, line: Line, column: Int, firstLabel: RawLabel?) throws -> RawLabel {
        if let value = Self.parseNumberText(text) {
            guard value == value.rounded(), abs(value) <= 1e9 else {
                throw DataError(file: file, line: line.number, column: column + 1,
                                message: "a label must be a whole number or a name, found \"\(Self.shown(text))\"")
            }
            if case .name = firstLabel { return .name(text) }
            return .number(Int(value))
        }
        if text.isEmpty {
            throw DataError(file: file, line: line.number, column: column + 1, message: "missing label")
        }
        if case .number = firstLabel {
            throw DataError(file: file, line: line.number, column: column + 1,
                            message: "expected a numeric label like the rows above, found \"\(Self.shown(text))\"")
        }
        // Two different byte strings would both read as U+FFFD and silently become one class.
        if text.unicodeScalars.contains("\u{FFFD}") {
            throw DataError(file: file, line: line.number, column: column + 1,
                            message: "the label \"\(Self.shown(text))\" is not valid UTF-8 text")
        }
        return .name(text)
    }

    /// Turns raw labels into class indices: small non-negative integers are their own class index,
    /// anything else is numbered in sorted order.
    func assignClasses(_ raw: [RawLabel]) throws -> ([Int32], [String]) {
        var numbers: [Int] = []
        numbers.reserveCapacity(raw.count)
        var names: [String] = []
        for label in raw {
            switch label {
            case .number(let value): numbers.append(value)
            case .name(let text): names.append(text)
            }
        }
        if names.isEmpty, let low = numbers.min(), let high = numbers.max(), low >= 0, high <= CSV.maximumDenseLabel {
            return (numbers.map { Int32($0) }, (0...high).map(String.init))
        }
        if names.isEmpty {
            let distinct = Array(Set(numbers)).sorted()
            if distinct.count > CSV.maximumDenseLabel {
                throw DataError(file: file, message: "too many distinct labels (\(distinct.count)); is the label column right?")
            }
            let indexOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, Int32($0.offset)) })
            return (numbers.map { indexOf[$0] ?? 0 }, distinct.map(String.init))
        }
        // Mixed numbers and names cannot happen (parseLabel keeps to the first row's kind) except
        // numbers read as names; treat every label as a name then.
        let texts = raw.map { label -> String in
            switch label {
            case .number(let value): return String(value)
            case .name(let text): return text
            }
        }
        let distinct = Array(Set(texts)).sorted()
        if distinct.count > CSV.maximumDenseLabel {
            throw DataError(file: file, message: "too many distinct labels (\(distinct.count)); is the label column right?")
        }
        let indexOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, Int32($0.offset)) })
        return (texts.map { indexOf[$0] ?? 0 }, distinct.map { SafeText.escaped($0) })
    }

    /// A field quoted in a message: control characters escaped, and cut short when long.
    static func shown(_ text: String) -> String {
        let cut = text.count > 40 ? String(text.prefix(40)) + "..." : text
        return SafeText.escaped(cut)
    }

    // MARK: Numbers

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Fast path for a plain decimal number that runs exactly up to the delimiter or the line end:
    /// `-12`, `0.5`, `1e-3`. Anything else returns nil and goes through `parseNumberText`.
    @inline(__always)
    func scanNumber(from start: Int, lineEnd: Int) -> (Double, Int)? {
        var index = start
        var negative = false
        if index < lineEnd && (base[index] == UInt8(ascii: "-") || base[index] == UInt8(ascii: "+")) {
            negative = base[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitCount = 0
        var exponent = 0
        while index < lineEnd {
            let digit = base[index] &- 0x30
            if digit > 9 { break }
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { significantDigits += 1 }
            } else {
                exponent += 1
            }
            digitCount += 1
            index += 1
        }
        if index < lineEnd && base[index] == UInt8(ascii: ".") {
            index += 1
            while index < lineEnd {
                let digit = base[index] &- 0x30
                if digit > 9 { break }
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    if mantissa != 0 { significantDigits += 1 }
                    exponent -= 1
                }
                digitCount += 1
                index += 1
            }
        }
        if digitCount == 0 { return nil }
        if index < lineEnd && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < lineEnd && (base[index] == UInt8(ascii: "-") || base[index] == UInt8(ascii: "+")) {
                exponentNegative = base[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var exponentDigits = 0
            while index < lineEnd {
                let digit = base[index] &- 0x30
                if digit > 9 { break }
                if written < 10_000 { written = written * 10 + Int(digit) }
                exponentDigits += 1
                index += 1
            }
            if exponentDigits == 0 { return nil }
            exponent += exponentNegative ? -written : written
        }
        if index < lineEnd && base[index] != delimiter { return nil }
        var value = Double(mantissa)
        if exponent != 0 && mantissa != 0 {
            if exponent > 0 && exponent <= 22 {
                value *= Self.powersOfTen[exponent]
            } else if exponent < 0 && exponent >= -22 {
                value /= Self.powersOfTen[-exponent]
            } else {
                return nil  // rare: let the exact library parser handle extreme exponents
            }
        }
        if !value.isFinite { return nil }
        return (negative ? -value : value, index)
    }

    /// The general number reader (spaces, quotes already removed): anything Swift's parser accepts
    /// that is finite. "nan" and "inf" are rejected: they would silently poison training.
    static func parseNumberText(_ text: String) -> Double? {
        guard !text.isEmpty, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
