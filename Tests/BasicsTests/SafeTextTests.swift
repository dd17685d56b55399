import Basics
import XCTest

/// `SafeText`: ASCII spellings for output that can show nothing else, markup escaping, and terminal widths.
final class SafeTextTests: XCTestCase {
    func testASCIITransliterationDropsAccentsAndEscapesTheRest() {
        let cases: [(String, String)] = [
            ("café", "cafe"), ("Łódź", "Lodz"), ("straße", "strasse"), ("Æsir", "AEsir"), ("naïve", "naive"),
            ("Øre", "Ore"), ("œuvre", "oeuvre"), ("þorn", "thorn"), ("e\u{301}te\u{301}", "ete"),
            ("“quoted” – dash…", "\"quoted\" - dash..."), ("猫", "\\u{732B}"), ("µ", "\\u{B5}"),
            ("Ω and ω", "\\u{3A9} and \\u{3C9}"), ("class 猫 café", "class \\u{732B} cafe"), ("plain", "plain"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(SafeText.asciiTransliterated(text), expected, text)
            XCTAssertTrue(SafeText.asciiTransliterated(text).unicodeScalars.allSatisfy(\.isASCII), text)
        }
        // Names in other scripts stay apart; a combining mark after a non-letter is kept as an escape.
        XCTAssertNotEqual(SafeText.asciiTransliterated("猫"), SafeText.asciiTransliterated("犬"))
        XCTAssertEqual(SafeText.asciiTransliterated("1\u{301}"), "1\\u{301}")
    }

    func testMarkupEscapingForXMLAndHTML() {
        let text = "<a href=\"x\">R&D's</a>\n\tend\u{1B}[31m\u{85}\u{FFFE}\u{FFFF}é"
        // SVG (XML 1.0): no control character, no noncharacter survives.
        XCTAssertEqual(SafeText.markupEscaped(text, keepLineBreaks: false, replacingNoncharacters: true),
                       "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;  end [31m ??é")
        // HTML: line breaks and tabs stay for <pre>; noncharacters are left as they are.
        XCTAssertEqual(SafeText.markupEscaped(text, keepLineBreaks: true, replacingNoncharacters: false),
                       "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;\n\tend [31m \u{FFFE}\u{FFFF}é")
    }

    func testDisplayWidthCountsWideAndCombiningCharacters() {
        XCTAssertEqual(SafeText.displayWidth("café"), 4)
        XCTAssertEqual(SafeText.displayWidth("e\u{301}"), 1)
        XCTAssertEqual(SafeText.displayWidth("猫 cat"), 6)
        XCTAssertEqual(SafeText.displayWidth("学習曲線"), 8)
    }
}
