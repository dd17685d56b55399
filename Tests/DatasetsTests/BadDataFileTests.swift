import Foundation
import XCTest
@testable import Datasets
import Hashing

/// Data files a student might hand nnlab by mistake, each found by trying them (issue 17): every one is a
/// located error or a correct result, never a crash, a silently skipped row, or a value changed on the way in.
final class BadDataFileTests: TemporaryDirectoryTestCase {
    // MARK: CSV

    /// A header with no line break after it, and old Mac line ends ("\r" alone): the parser stepped one byte
    /// past the end (a crash in the unchecked build).
    func testLastLineWithoutLineBreakAndCarriageReturnLineEnds() throws {
        let header = try write("h.csv", text: "label,x,y")
        assertDataError("\(header): no data rows after the header") { try CSV.readLabeled(header) }
        let mac = try CSV.readLabeled(try write("mac.csv", text: "0,1,2\r1,3,4\r"))
        XCTAssertEqual(mac.count, 2)
        XCTAssertEqual(mac.features, [1, 2, 3, 4])
        let mixed = try CSV.readLabeled(try write("mixed.csv", text: "0,1,2\r\n1,3,4\r0,5,6\n1,7,8"))
        XCTAssertEqual(mixed.labels, [0, 1, 0, 1])
    }

    /// A first row with a typo among numbers is data with an error, not a header to drop in silence.
    func testFirstRowWithATypoIsAnErrorNotAHeader() throws {
        let file = try write("t.csv", text: "0,1,x2\n1,3,4\n0,5,6\n")
        assertDataError("\(file):1: column 3: expected a number, found \"x2\" (a header row names every column)") {
            try CSV.readLabeled(file)
        }
        // A real header (every feature column named) is still recognised.
        XCTAssertEqual(try CSV.readLabeled(try write("ok.csv", text: "label,x,y\n0,1,2\n")).count, 1)
    }

    /// 1e39 fits a Double but not a Float: it would have become infinity, and training NaN.
    func testValuesBeyondFloatRangeAreRefused() throws {
        let file = try write("big.csv", text: "0,1,2\n1,3,1e39\n")
        assertDataError("\(file):2: column 3: value 1e39 is too large for a 32-bit float (at most about 3.4e38)") {
            try CSV.readLabeled(file)
        }
        XCTAssertEqual(try CSV.readLabeled(try write("edge.csv", text: "0,3.4e38\n1,-3.4e38\n")).count, 2)
    }

    /// Control characters in labels and headers are shown escaped, in class names and in messages.
    func testControlCharactersAreEscapedInClassNamesAndMessages() throws {
        let data = try CSV.readLabeled(try write("esc.csv", [UInt8]("label,x\n\u{1B}[31mred,1\nblue\u{7},2\n".utf8)))
        XCTAssertEqual(data.classNames, ["\\u{1B}[31mred", "blue\\u{07}"])
        let header = try write("hdr.csv", [UInt8]("\u{1B}]0;title\u{7}a,b\n1,2\n".utf8))
        assertDataError("\(header):1: no column named \"c\" in the header (columns: \\u{1B}]0;title\\u{07}a, b)") {
            try CSV.readLabeled(header, labelColumn: "c")
        }
        let nul = try write("nul.csv", [0x30, 0x2C, 0x31, 0x0A, 0x31, 0x2C, 0x00, 0x0A])
        assertDataError("\(nul):2: column 2: expected a number, found \"\\0\"") { try CSV.readLabeled(nul) }
    }

    /// Two labels made of different invalid bytes would both read as U+FFFD: one class instead of two.
    func testLabelsThatAreNotUTF8AreRefused() throws {
        let file = try write("b.csv", [0x61, 0x2C, 0x31, 0x0A, 0xFF, 0x2C, 0x32, 0x0A, 0xFE, 0x2C, 0x33, 0x0A])
        assertDataError("\(file):2: column 1: the label \"\u{FFFD}\" is not valid UTF-8 text") { try CSV.readLabeled(file) }
    }

    /// A training and a test file number their classes each on their own; sharing makes them agree.
    func testTrainingAndTestFilesShareOneListOfClasses() throws {
        var train = try CSV.readLabeled(try write("a.csv", text: "cat,1\ndog,2\n"))
        var test = try CSV.readLabeled(try write("b.csv", text: "bird,1\ncat,2\n"))
        XCTAssertEqual(test.labels, [0, 1], "each file on its own: bird=0, cat=1, while cat=0 in training")
        XCTAssertEqual(LabeledData.sharingClasses(&train, &test), ["bird"])
        XCTAssertEqual(train.classNames, ["bird", "cat", "dog"])
        XCTAssertEqual(test.classNames, ["bird", "cat", "dog"])
        XCTAssertEqual(train.labels, [1, 2])
        XCTAssertEqual(test.labels, [0, 1])

        var digits = try CSV.readLabeled(try write("c.csv", text: "5,1\n0,2\n"))
        var fewer = try CSV.readLabeled(try write("d.csv", text: "1,1\n0,2\n9,3\n"))
        XCTAssertEqual(LabeledData.sharingClasses(&digits, &fewer), ["1", "9"])
        XCTAssertEqual(digits.classNames, (0...9).map(String.init))
        XCTAssertEqual(digits.labels, [5, 0])
        XCTAssertEqual(fewer.labels, [1, 0, 9])
    }

    /// `/dev/zero` given as a data file: refused as a device; a pipe that does not end stops at the limit.
    func testDevicesAreRefusedAndEndlessPipesStopAtTheLimit() throws {
        assertDataError("/dev/zero: cannot read: it is a device, not a file") { try Gzip.readFile("/dev/zero", limit: 1_000_000) }
        let fifo = path("endless")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat /dev/zero > '\(fifo)' 2>/dev/null"]
        try writer.run()
        defer { writer.terminate(); writer.waitUntilExit() }
        assertDataError("\(fifo): is larger than the 977 KB the memory budget leaves") { try Gzip.readFile(fifo, limit: 1_000_000) }
        let folder = path("folder.csv")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        assertDataError("\(folder): is a directory, not a file") { try CSV.readLabeled(folder) }
    }

    // MARK: gzip

    /// A small file that inflates to far more than the reader allows (a "zip bomb"), and a trailer that lies
    /// about the size: both stop at the limit.
    func testGzipBombsStopAtTheLimit() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 4_000_000))
        XCTAssertLessThan(bomb.count, 10_000)
        XCTAssertThrowsError(try Gzip.decompress(bomb, file: "bomb.gz", limit: 1_000_000)) { error in
            XCTAssertTrue("\(error)".contains("gzip data inflates to more than 1000000 bytes"), "\(error)")
        }
        XCTAssertEqual(try Gzip.decompress(bomb, file: "bomb.gz", limit: 4_000_000).count, 4_000_000)
        var lying = try Gzip.compress([1, 2, 3])
        lying.replaceSubrange((lying.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0x7F])
        XCTAssertThrowsError(try Gzip.decompress(lying, file: "lying.gz")) { error in
            XCTAssertTrue("\(error)".contains("corrupt gzip data"), "\(error)")
        }
    }

    // MARK: image sets

    let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    func writeSet(_ arrays: [IDXArray]) throws {
        for (index, array) in arrays.enumerated() { try write("mnist/\(names[index])", IDX.encode(array)) }
    }

    func load() throws -> LoadedImageSet {
        try ImageSetLoader.load(.mnist, dataDirectory: directory, allowDownload: false)
    }

    /// No images, images of no pixels, and test images of another size than the training ones: refused
    /// when loading, naming the file, instead of failing (or trapping) in whichever command runs next.
    func testDegenerateImageSetsAreRefusedWhenLoaded() throws {
        let images = IDXArray(dims: [2, 2, 2], bytes: [UInt8](repeating: 1, count: 8))
        let labels = IDXArray(dims: [2], bytes: [0, 1])
        try writeSet([IDXArray(dims: [0, 2, 2], bytes: []), IDXArray(dims: [0], bytes: []), images, labels])
        assertDataError("\(path("mnist/train-images-idx3-ubyte")): offset 4: holds no images (the header says 0)") { try load() }

        try writeSet([images, labels, IDXArray(dims: [0, 2, 2], bytes: []), IDXArray(dims: [0], bytes: [])])
        assertDataError("\(path("mnist/t10k-images-idx3-ubyte")): offset 4: holds no images (the header says 0)") { try load() }

        try writeSet([IDXArray(dims: [2, 0, 0], bytes: []), labels, images, labels])
        assertDataError("\(path("mnist/train-images-idx3-ubyte")): offset 8: images of 0x0 pixels have no pixels") { try load() }

        try writeSet([images, labels, IDXArray(dims: [2, 1, 3], bytes: [UInt8](repeating: 1, count: 6)), labels])
        assertDataError("\(path("mnist/t10k-images-idx3-ubyte")): offset 8: test images are 1x3 pixels but the training images are 2x2") {
            try load()
        }
    }

    /// The remembered hashes are a hint: a file edited with its size and time put back is hashed again, and a
    /// wrong remembered hash is replaced rather than trusted.
    func testChecksumCacheNoticesEditsAndIsRehashedWhenWrong() throws {
        let file = try write("mnist/a", [1, 2, 3])
        let before = try XCTUnwrap(FileIO.fingerprint(file))
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate] as Any], ofItemAtPath: file)
        XCTAssertNotEqual(FileIO.fingerprint(file), before, "same size and mtime, but the ctime moved")

        var cache = ChecksumCache(directory: path("mnist"))
        cache.record(file, hash: "not-the-hash")
        XCTAssertEqual(cache.contentHash(of: file, content: [9, 9, 9]), "not-the-hash")
        XCTAssertEqual(cache.rehash(file, content: [9, 9, 9]), SHA256.hex([9, 9, 9]))
        XCTAssertEqual(cache.contentHash(of: file, content: [9, 9, 9]), SHA256.hex([9, 9, 9]))
    }

    /// Creating the cache folder under a file says so in words (Foundation said "NSCocoaErrorDomain error 512").
    func testFolderCreationErrorsAreInPlainWords() throws {
        let file = try write("plain", [1])
        assertDataError("cannot create the folder \(file)/mnist: \(file) is a file, not a folder") {
            try FileIO.makeDirectory(file + "/mnist")
        }
    }
}

/// A fetch that fails or is cut short leaves nothing a later load trusts (issue 17, item 5): downloads land in
/// a scratch folder under their own names and reach the cache's canonical names only after verification.
final class FetchIntegrityTests: TemporaryDirectoryTestCase {
    let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// A local "mirror" (curl reads file:// URLs) holding `contents` as the four .gz files.
    func mirror(_ contents: [[UInt8]]) throws -> String {
        let folder = path("mirror")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, bytes) in zip(names, contents) { try write("mirror/\(name).gz", bytes) }
        return "file://" + folder + "/"
    }

    func assertNothingCached(_ cache: String, file: StaticString = #filePath, line: UInt = #line) {
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        XCTAssertEqual(left, [], "the failed fetch left files behind", file: file, line: line)
        XCTAssertThrowsError(try ImageSetLoader.load(.mnist, dataDirectory: directory, allowDownload: false), file: file, line: line)
    }

    func testFailedOrWrongDownloadsLeaveNothingBehind() throws {
        guard (try? Fetcher.runTool(["curl", "--version"])) != nil else { throw XCTSkip("curl is not installed") }
        let cache = path("cache/mnist")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let images = try Gzip.compress(IDX.encode(IDXArray(dims: [2, 2, 2], bytes: [UInt8](repeating: 7, count: 8))))
        let labels = try Gzip.compress(IDX.encode(IDXArray(dims: [2], bytes: [1, 2])))
        // A file missing on the mirror (curl fails after the first two downloads).
        let missing = try mirror([images, labels])
        XCTAssertThrowsError(try Fetcher.downloadFromMirror(.mnist, mirror: missing, into: cache, log: { _ in }))
        assertNothingCached(cache)
        // A download cut short: gzip data that ends early.
        let cut = try mirror([images, labels, Array(images.prefix(images.count / 2)), labels])
        XCTAssertThrowsError(try Fetcher.downloadFromMirror(.mnist, mirror: cut, into: cache, log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("gzip data ends unexpectedly"), "\(error)")
        }
        assertNothingCached(cache)
        // Whole files, but not the official ones (the counts and checksums are checked before anything is cached).
        let wrong = try mirror([images, labels, images, labels])
        XCTAssertThrowsError(try Fetcher.downloadFromMirror(.mnist, mirror: wrong, into: cache, log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("expected 60000 items, found 2"), "\(error)")
        }
        assertNothingCached(cache)
    }

    /// Scratch folders of fetches whose process is gone (killed mid-way) are removed by the next fetch.
    func testAbandonedScratchFoldersAreRemoved() throws {
        let cache = path("cache/mnist")
        try FileManager.default.createDirectory(atPath: cache + "/.fetch-999999999-12345", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: cache + "/.fetch-\(getpid())-1", withIntermediateDirectories: true)
        Fetcher.removeAbandonedScratch(in: cache)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), [".fetch-\(getpid())-1"], "a live fetch's folder stays")
    }
}
