import Basics

/// The Markdown of notebook cells as HTML, for the `.html` transcript: the subset lab texts use —
/// ATX headings, paragraphs, bullet and numbered lists, fenced code, block quotes, thematic breaks, and
/// inline code spans, emphasis, strong emphasis and links. Everything else is text, escaped, so no markup
/// from a cell reaches the page as markup (raw HTML shows as written, `javascript:` links stay text).
enum MarkdownHTML {
    static func render(_ markdown: String) -> String {
        let lines = displayLines(markdown.replacingOccurrences(of: "\r\n", with: "\n"))
        var html: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var index = 0

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            html.append("<p>" + paragraph.map { inline(trimmed($0)) }.joined(separator: "\n") + "</p>")
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            html.append("<\(tag)>" + current.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            list = nil
        }

        while index < lines.count {
            let line = lines[index]
            let text = trimmed(line)
            index += 1
            if text.isEmpty {
                flushParagraph()
                flushList()
                continue
            }
            if text.hasPrefix("```") || text.hasPrefix("~~~") {
                flushParagraph()
                flushList()
                let fence = String(text.prefix { $0 == text.first })
                var code: [String] = []
                while index < lines.count, !trimmed(lines[index]).hasPrefix(fence) {
                    code.append(lines[index])
                    index += 1
                }
                index += 1  // the closing fence (or the end)
                html.append("<pre><code>" + escape(code.joined(separator: "\n")) + "</code></pre>")
                continue
            }
            if let (level, title) = heading(text) {
                flushParagraph()
                flushList()
                html.append("<h\(level)>\(inline(title))</h\(level)>")
                continue
            }
            if text == "---" || text == "***" || text == "___" {
                flushParagraph()
                flushList()
                html.append("<hr>")
                continue
            }
            if text.hasPrefix(">") {
                flushParagraph()
                flushList()
                var quoted = [String(text.dropFirst()).trimmingLeadingSpace]
                while index < lines.count, trimmed(lines[index]).hasPrefix(">") {
                    quoted.append(String(trimmed(lines[index]).dropFirst()).trimmingLeadingSpace)
                    index += 1
                }
                html.append("<blockquote>" + render(quoted.joined(separator: "\n")) + "</blockquote>")
                continue
            }
            if let (ordered, item) = listItem(text) {
                flushParagraph()
                if let current = list, current.ordered != ordered { flushList() }
                if list == nil { list = (ordered, []) }
                list?.items.append(item)
                continue
            }
            if list != nil, line.hasPrefix("  ") {
                // A continuation line of the last list item.
                if let last = list?.items.popLast() { list?.items.append(last + "\n" + text) }
                continue
            }
            flushList()
            paragraph.append(line)
        }
        flushParagraph()
        flushList()
        return html.joined(separator: "\n")
    }

    private static func trimmed(_ line: String) -> String {
        String(line.drop { $0 == " " || $0 == "\t" }).trimmingTrailingBlanks
    }

    private static func heading(_ text: String) -> (Int, String)? {
        let hashes = text.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = text.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var title = String(rest).trimmingLeadingSpace
        // A closing run of #s is not part of the title.
        while title.hasSuffix("#") { title.removeLast() }
        return (hashes, title.trimmingTrailingBlanks)
    }

    private static func listItem(_ text: String) -> (ordered: Bool, item: String)? {
        if let first = text.first, "-*+".contains(first), text.dropFirst().first == " " {
            return (false, String(text.dropFirst(2)))
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let rest = text.dropFirst(digits.count)
        guard let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first == " " else { return nil }
        return (true, String(rest.dropFirst(2)))
    }

    // MARK: Inline

    /// Code spans first (their content is literal), then links, strong and plain emphasis.
    static func inline(_ text: String) -> String {
        var out = ""
        let text = Substring(text)
        var rest = text
        while !rest.isEmpty {
            if rest.first == "\\", let next = rest.dropFirst().first, "\\`*_[]()#+-.!<>".contains(next) {
                out += escape(String(next))
                rest = rest.dropFirst(2)
                continue
            }
            if rest.first == "`" {
                let ticks = rest.prefix { $0 == "`" }
                let after = rest.dropFirst(ticks.count)
                if let close = after.range(of: String(ticks)) {
                    var code = String(after[..<close.lowerBound])
                    if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count > 1 { code = String(code.dropFirst().dropLast()) }
                    out += "<code>" + escape(code) + "</code>"
                    rest = after[close.upperBound...]
                    continue
                }
                out += escape(String(ticks))
                rest = after
                continue
            }
            if rest.first == "[", let (label, target, consumed) = link(rest) {
                out += "<a href=\"\(escape(target))\">" + inline(label) + "</a>"
                rest = rest.dropFirst(consumed)
                continue
            }
            if let marker = ["**", "__"].first(where: { rest.hasPrefix($0) }),
               let close = rest.dropFirst(2).range(of: marker), close.lowerBound > rest.index(rest.startIndex, offsetBy: 2) {
                out += "<strong>" + inline(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound])) + "</strong>"
                rest = rest[close.upperBound...]
                continue
            }
            let afterWord = rest.startIndex > text.startIndex && text[text.index(before: rest.startIndex)].isLetter
            if let first = rest.first, first == "*" || (first == "_" && !afterWord), let next = rest.dropFirst().first, next != " ",
               let close = rest.dropFirst().firstIndex(of: first), close > rest.index(after: rest.startIndex),
               first == "*" || rest.index(after: close) == rest.endIndex || !(rest[rest.index(after: close)].isLetter) {
                out += "<em>" + inline(String(rest[rest.index(after: rest.startIndex)..<close])) + "</em>"
                rest = rest[rest.index(after: close)...]
                continue
            }
            out += escape(String(rest.first ?? " "))
            rest = rest.dropFirst()
        }
        return out
    }

    /// `[label](target)` at the start of `text`: label, target and characters used. Only web, mail and
    /// relative targets become links.
    private static func link(_ text: Substring) -> (String, String, Int)? {
        guard let closeLabel = text.firstIndex(of: "]"), text.index(after: closeLabel) < text.endIndex,
              text[text.index(after: closeLabel)] == "(" else { return nil }
        let targetStart = text.index(closeLabel, offsetBy: 2)
        guard let closeTarget = text[targetStart...].firstIndex(of: ")") else { return nil }
        let label = String(text[text.index(after: text.startIndex)..<closeLabel])
        let target = String(text[targetStart..<closeTarget]).trimmingLeadingSpace.trimmingTrailingBlanks
        let lowered = target.lowercased()
        let hasScheme = lowered.prefix { $0 != "/" && $0 != "?" && $0 != "#" }.contains(":")
        guard !target.isEmpty, !hasScheme || lowered.hasPrefix("https://") || lowered.hasPrefix("http://") || lowered.hasPrefix("mailto:") else {
            return nil
        }
        return (label, target, text.distance(from: text.startIndex, to: closeTarget) + 1)
    }

    /// Text for HTML content and attribute values; control characters (invalid in HTML) become spaces, line breaks
    /// and tabs stay (code and outputs are `<pre>`).
    static func escape(_ text: String) -> String {
        SafeText.markupEscaped(text, keepLineBreaks: true, replacingNoncharacters: false)
    }
}

extension String {
    var trimmingLeadingSpace: String { String(drop { $0 == " " }) }

    var trimmingTrailingBlanks: String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
