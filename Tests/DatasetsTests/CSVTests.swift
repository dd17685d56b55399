import XCTest
@testable import Datasets

final class CSVTests: TemporaryDirectoryTestCase {
    func testHeaderAndNumericLabels() throws {
        let file = try write("data.csv", text: "label,x,y\n1,0.5,-2\n0,3,4e-1\n2,+7,.25\n")
        let data = try CSV.readLabeled(file)
        XCTAssertEqual(data.name, "data.csv")
        XCTAssertEqual(data.count, 3)
        XCTAssertEqual(data.featureCount, 2)
        XCTAssertEqual(data.features, [0.5, -2, 3, 0.4, 7, 0.25])
        XCTAssertEqual(data.labels, [1, 0, 2])
        XCTAssertEqual(data.classNames, ["0", "1", "2"])
        XCTAssertNil(data.imageShape)
        XCTAssertEqual(data.classCounts(), [1, 1, 1])
    }

    func testNoHeader() throws {
        let file = try write("plain.csv", text: "3,1,2\n0,4,5")
        let data = try CSV.readLabeled(file, name: "plain")
        XCTAssertEqual(data.name, "plain")
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(data.labels, [3, 0])
        XCTAssertEqual(data.classNames, ["0", "1", "2", "3"])
        XCTAssertEqual(data.features, [1, 2, 4, 5])
    }

    func testLabelColumnByNameAndNegativeIndex() throws {
        let file = try write("d.csv", text: "a,b,class\n1,2,1\n3,4,0\n")
        let byName = try CSV.readLabeled(file, labelColumn: "class")
        XCTAssertEqual(byName.labels, [1, 0])
        XCTAssertEqual(byName.features, [1, 2, 3, 4])
        let caseInsensitive = try CSV.readLabeled(file, labelColumn: "CLASS")
        XCTAssertEqual(caseInsensitive.labels, [1, 0])
        let last = try CSV.readLabeled(file, labelColumn: "-1")
        XCTAssertEqual(last.labels, [1, 0])
        let middle = try CSV.readLabeled(file, labelColumn: "1")
        XCTAssertEqual(middle.labels, [2, 4])
        XCTAssertEqual(middle.features, [1, 1, 3, 0])
    }

    func testStringLabelsWithAndWithoutHeader() throws {
        let withHeader = try write("iris.csv", text: "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,\"virginica\"\n4.9,1.4,setosa\n")
        let data = try CSV.readLabeled(withHeader, labelColumn: "species")
        XCTAssertEqual(data.classNames, ["setosa", "versicolor", "virginica"])
        XCTAssertEqual(data.labels, [0, 1, 2, 0])
        XCTAssertEqual(data.features, [5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.4])

        let headerless = try write("iris2.csv", text: "setosa,5.1\nvirginica,6.3\n")
        let plain = try CSV.readLabeled(headerless)
        XCTAssertEqual(plain.count, 2)
        XCTAssertEqual(plain.classNames, ["setosa", "virginica"])
    }

    func testHeaderWithNumericColumnNames() throws {
        let file = try write("h.csv", text: "label,0,1\n2,10,20\n1,30,40\n")
        let data = try CSV.readLabeled(file)
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(data.labels, [2, 1])
    }

    func testSignedLabelsBecomeSortedClasses() throws {
        let file = try write("pm.csv", text: "1,0.5\n-1,0.25\n1,0\n")
        let data = try CSV.readLabeled(file)
        XCTAssertEqual(data.classNames, ["-1", "1"])
        XCTAssertEqual(data.labels, [1, 0, 1])
    }

    func testFormattingVariants() throws {
        // BOM, CRLF, blank lines, spaces, quoted numbers, semicolons.
        let file = try write("v.csv", [0xEF, 0xBB, 0xBF] + Array("y;a;b\r\n\r\n1; 2 ;\"3\"\r\n  \r\n0;4;5\r\n".utf8))
        let data = try CSV.readLabeled(file)
        XCTAssertEqual(data.labels, [1, 0])
        XCTAssertEqual(data.features, [2, 3, 4, 5])
        let tabs = try write("t.tsv", text: "1\t2\t3\n")
        XCTAssertEqual(try CSV.readLabeled(tabs).features, [2, 3])
    }

    func testGzippedCSVAndImageShape() throws {
        let row = (["7"] + (0..<64).map(String.init)).joined(separator: ",")
        let file = path("img.csv.gz")
        try Gzip.writeFile(file, Array((row + "\n" + row + "\n").utf8))
        let data = try CSV.readLabeled(file)
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(data.featureCount, 64)
        XCTAssertEqual(data.imageShape?.rows, 8)
        XCTAssertEqual(data.imageShape?.cols, 8)
        XCTAssertEqual(data.features[63], 63)
    }

    func testManyRowsParseExactly() throws {
        var text = "label," + (1...20).map { "p\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<500 {
            text += "\(row % 10)," + (1...20).map { String(($0 * row) % 256) }.joined(separator: ",") + "\n"
        }
        let data = try CSV.readLabeled(try write("many.csv", text: text))
        XCTAssertEqual(data.count, 500)
        XCTAssertEqual(data.featureCount, 20)
        XCTAssertEqual(data.features[499 * 20 + 19], Float((20 * 499) % 256))
        XCTAssertEqual(data.classCounts(), [Int](repeating: 50, count: 10))
    }

    // MARK: Errors

    func testWrongColumnCount() throws {
        let file = try write("data.csv", text: "label,a,b\n1,2,3\n4,5\n")
        assertDataError("\(file):3: expected 3 values, found 2") { try CSV.readLabeled(file) }
        let long = try write("long.csv", text: "1,2,3\n4,5,6,7\n")
        assertDataError("\(long):2: expected 3 values, found 4") { try CSV.readLabeled(long) }
    }

    func testNonNumericValueNamesColumn() throws {
        let file = try write("data.csv", text: "label,a,b\n1,2,3\n\n1,abc,3\n")
        assertDataError("\(file):4: column 2: expected a number, found \"abc\"") { try CSV.readLabeled(file) }
        let empty = try write("e.csv", text: "1,2,3\n1,,3\n")
        assertDataError("\(empty):2: column 2: expected a number, found an empty field") { try CSV.readLabeled(empty) }
        let nan = try write("n.csv", text: "1,2,3\n1,2,nan\n")
        assertDataError("\(nan):2: column 3: expected a number, found \"nan\"") { try CSV.readLabeled(nan) }
    }

    func testLabelProblems() throws {
        let fraction = try write("f.csv", text: "1,2\n2.5,3\n")
        assertDataError("\(fraction):2: column 1: a label must be a whole number or a name, found \"2.5\"") {
            try CSV.readLabeled(fraction)
        }
        let mixed = try write("m.csv", text: "1,2\ncat,3\n")
        assertDataError("\(mixed):2: column 1: expected a numeric label like the rows above, found \"cat\"") {
            try CSV.readLabeled(mixed)
        }
        let missing = try write("ml.csv", text: "1,2\n,3\n")
        assertDataError("\(missing):2: column 1: missing label") { try CSV.readLabeled(missing) }
    }

    func testMissingLabelColumn() throws {
        let file = try write("d.csv", text: "a,b,c\n1,2,3\n")
        assertDataError("\(file):1: no column named \"label\" in the header (columns: a, b, c)") {
            try CSV.readLabeled(file, labelColumn: "label")
        }
        assertDataError("\(file):1: label column 3 does not exist: rows have 3 columns (0...2)") {
            try CSV.readLabeled(file, labelColumn: "3")
        }
        let headerless = try write("n.csv", text: "1,2,3\n")
        assertDataError("\(headerless):1: label column \"label\" not found: the file has no header row (give a column number instead)") {
            try CSV.readLabeled(headerless, labelColumn: "label")
        }
    }

    func testEmptyAndHeaderOnlyFiles() throws {
        let empty = try write("empty.csv", text: "")
        assertDataError("\(empty): file is empty") { try CSV.readLabeled(empty) }
        let blank = try write("blank.csv", text: "\n  \n")
        assertDataError("\(blank): file is empty") { try CSV.readLabeled(blank) }
        let header = try write("header.csv", text: "label,a\n")
        assertDataError("\(header): no data rows after the header") { try CSV.readLabeled(header) }
        let single = try write("single.csv", text: "1\n2\n")
        assertDataError("\(single):1: expected at least 2 columns (a label and a feature), found 1") {
            try CSV.readLabeled(single)
        }
    }

    func testMissingFile() {
        let missing = path("none.csv")
        assertDataError("no such file: \(missing)") { try CSV.readLabeled(missing) }
    }
}
