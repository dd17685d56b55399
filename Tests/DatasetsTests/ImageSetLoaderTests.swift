import Foundation
import XCTest
@testable import Datasets
import Hashing

/// The loader against small hand-made sets in a temporary data directory (never the network:
/// `allowDownload: false`). Checksums are only enforced for the official counts (60000/10000), so
/// these tiny fixtures load while still reporting their own content hashes.
final class ImageSetLoaderTests: TemporaryDirectoryTestCase {
    let trainImages = IDXArray(dims: [3, 2, 2], bytes: [0, 255, 10, 20, 1, 2, 3, 4, 9, 8, 7, 6])
    let trainLabels = IDXArray(dims: [3], bytes: [5, 0, 9])
    let testImages = IDXArray(dims: [2, 2, 2], bytes: [100, 101, 102, 103, 0, 0, 0, 255])
    let testLabels = IDXArray(dims: [2], bytes: [7, 2])
    let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    func writeSet(_ subdirectory: String = "mnist", arrays: [IDXArray]? = nil, gzipped: Set<Int> = []) throws {
        let contents = arrays ?? [trainImages, trainLabels, testImages, testLabels]
        for (index, array) in contents.enumerated() {
            let name = "\(subdirectory)/\(names[index])"
            if gzipped.contains(index) {
                try FileManager.default.createDirectory(atPath: path(subdirectory), withIntermediateDirectories: true)
                try Gzip.writeFile(path(name + ".gz"), IDX.encode(array))
            } else {
                try write(name, IDX.encode(array))
            }
        }
    }

    func load(_ set: ImageSet = .mnist) throws -> LoadedImageSet {
        try ImageSetLoader.load(set, dataDirectory: directory, allowDownload: false)
    }

    func testLoadsRawIDX() throws {
        try writeSet()
        let loaded = try load()
        XCTAssertEqual(loaded.train.name, "mnist/train")
        XCTAssertEqual(loaded.test.name, "mnist/test")
        XCTAssertEqual(loaded.train.count, 3)
        XCTAssertEqual(loaded.train.featureCount, 4)
        XCTAssertEqual(loaded.train.imageShape?.rows, 2)
        XCTAssertEqual(loaded.train.imageShape?.cols, 2)
        XCTAssertEqual(loaded.train.features, trainImages.bytes.map(Float.init))
        XCTAssertEqual(loaded.train.labels, [5, 0, 9])
        XCTAssertEqual(loaded.test.labels, [7, 2])
        XCTAssertEqual(loaded.test.features.last, 255)
        XCTAssertEqual(loaded.train.classNames, (0...9).map(String.init))
        XCTAssertEqual(loaded.train.normalization, .none)
        XCTAssertEqual(loaded.source, "cache \(ImageSetLoader.abbreviate(path("mnist")))")
        XCTAssertEqual(loaded.files.map(\.name), names)
        XCTAssertEqual(loaded.files.map(\.sha256),
                       [trainImages, trainLabels, testImages, testLabels].map { SHA256.hex(IDX.encode($0)) })
    }

    func testLoadsGzipAndLeavesRawCopy() throws {
        try writeSet(gzipped: [0, 1, 2, 3])
        let loaded = try load()
        XCTAssertEqual(loaded.train.labels, [5, 0, 9])
        XCTAssertEqual(loaded.files[0].sha256, SHA256.hex(IDX.encode(trainImages)))
        for name in names {
            XCTAssertEqual(try Gzip.readFile(path("mnist/\(name)")), try Gzip.readFile(path("mnist/\(name).gz")))
        }
        // The second load reads the raw copies and reports the same content checksums.
        let again = try load()
        XCTAssertEqual(again.files.map(\.sha256), loaded.files.map(\.sha256))
        XCTAssertEqual(again.train.features, loaded.train.features)
    }

    func testMixedRawAndGzip() throws {
        try writeSet(gzipped: [1, 2])
        XCTAssertEqual(try load().test.labels, [7, 2])
    }

    func testFashionClassNames() throws {
        try writeSet("fashion-mnist")
        let loaded = try load(.fashionMNIST)
        XCTAssertEqual(loaded.train.name, "fashion-mnist/train")
        XCTAssertEqual(loaded.train.classNames.first, "T-shirt/top")
        XCTAssertEqual(loaded.train.classNames.last, "Ankle boot")
        XCTAssertEqual(loaded.train.classNames.count, 10)
    }

    func testCSVLayoutIsConvertedOnce() throws {
        func row(_ label: Int, _ pixel: Int) -> String {
            ([String(label)] + (0..<784).map { String(($0 + pixel) % 256) }).joined(separator: ",")
        }
        let header = "label," + (0..<784).map { "p\($0)" }.joined(separator: ",")
        try write("mnist/mnist_train.csv", text: [header, row(3, 0), row(1, 5), row(4, 9)].joined(separator: "\n") + "\n")
        try write("mnist/mnist_test.csv", text: row(8, 1) + "\n")
        var messages: [String] = []
        let loaded = try ImageSetLoader.load(.mnist, dataDirectory: directory, allowDownload: false) { messages.append($0) }
        XCTAssertEqual(loaded.train.labels, [3, 1, 4])
        XCTAssertEqual(loaded.test.labels, [8])
        XCTAssertEqual(loaded.train.imageShape?.rows, 28)
        XCTAssertEqual(loaded.train.features[784 + 2], 7)
        XCTAssertTrue(messages.first?.hasPrefix("converting") ?? false)
        for name in names {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path("mnist/\(name)")), name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path("mnist/\(name).gz")), name)
        }
        let again = try load()
        XCTAssertEqual(again.source, "cache \(ImageSetLoader.abbreviate(path("mnist")))")
        XCTAssertEqual(again.train.features, loaded.train.features)
    }

    func testChecksumCacheIsReusedAndInvalidated() throws {
        try writeSet()
        _ = try load()
        let cacheFile = path("mnist/.nnlab-sha256")
        let recorded = String(decoding: try Gzip.readFile(cacheFile), as: UTF8.self)
        XCTAssertTrue(recorded.contains(SHA256.hex(IDX.encode(trainLabels))))
        // Changing a file (size differs) makes the loader hash it again.
        let changed = IDXArray(dims: [4], bytes: [1, 1, 1, 1])
        try write("mnist/train-labels-idx1-ubyte", IDX.encode(changed))
        assertDataError("\(path("mnist/train-labels-idx1-ubyte")): has 4 labels but train-images-idx3-ubyte has 3 images") {
            try load()
        }
    }

    // MARK: Errors

    func testMissingSetOffline() {
        // The message names the directory itself, so the description does not repeat it as a prefix.
        let expected = "MNIST not found in \(path("mnist")) (missing train-images-idx3-ubyte, "
            + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; expected IDX files, raw or .gz, "
            + "or mnist_train.csv and mnist_test.csv)"
        assertDataError(expected) { try load() }
    }

    func testPartialSetOffline() throws {
        try write("fashion-mnist/train-images-idx3-ubyte", IDX.encode(trainImages))
        let expected = "Fashion-MNIST not found in \(path("fashion-mnist")) (missing train-labels-idx1-ubyte, "
            + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; expected IDX files, raw or .gz, "
            + "or fashion-mnist_train.csv and fashion-mnist_test.csv)"
        assertDataError(expected) { try load(.fashionMNIST) }
    }

    func testCountMismatch() throws {
        try writeSet(arrays: [trainImages, IDXArray(dims: [2], bytes: [1, 2]), testImages, testLabels])
        assertDataError("\(path("mnist/train-labels-idx1-ubyte")): has 2 labels but train-images-idx3-ubyte has 3 images") {
            try load()
        }
    }

    func testLabelOutOfRange() throws {
        try writeSet(arrays: [trainImages, trainLabels, testImages, IDXArray(dims: [2], bytes: [3, 12])])
        assertDataError("\(path("mnist/t10k-labels-idx1-ubyte")): offset 9: label 12 of item 1 is out of range 0...9") {
            try load()
        }
    }

    func testWrongDimensions() throws {
        try writeSet(arrays: [IDXArray(dims: [3, 4], bytes: [UInt8](repeating: 0, count: 12)), trainLabels, testImages, testLabels])
        assertDataError("\(path("mnist/train-images-idx3-ubyte")): offset 3: expected 3 dimensions (images x rows x columns), found 2") {
            try load()
        }
    }

    func testTruncatedFileInSet() throws {
        try writeSet()
        let file = try write("mnist/t10k-images-idx3-ubyte", idxHeader([2, 2, 2]) + [1, 2, 3])
        assertDataError("\(file): offset 16: file ends after 3 of 8 pixel bytes") { try load() }
    }

    func testOfficialCountsMustMatchOfficialChecksum() throws {
        // 60000 one-pixel images: the official count, so the content must be the official file's.
        let fakeImages = IDXArray(dims: [60000, 1, 1], bytes: [UInt8](repeating: 0, count: 60000))
        try writeSet(arrays: [fakeImages, IDXArray(dims: [60000], bytes: [UInt8](repeating: 1, count: 60000)), testImages, testLabels])
        let found = SHA256.hex(IDX.encode(fakeImages))
        assertDataError("\(path("mnist/train-images-idx3-ubyte")): content checksum mismatch: expected sha256 "
            + "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db, found \(found); the file is damaged or "
            + "not the official MNIST (delete it to fetch it again)") { try load() }
    }

    func testDefaultDataDirectoryFollowsEnvironment() {
        let saved = ProcessInfo.processInfo.environment["NNLAB_DATA"]
        defer {
            if let saved { setenv("NNLAB_DATA", saved, 1) } else { unsetenv("NNLAB_DATA") }
        }
        setenv("NNLAB_DATA", "/tmp/somewhere", 1)
        XCTAssertEqual(ImageSetLoader.defaultDataDirectory, "/tmp/somewhere")
        unsetenv("NNLAB_DATA")
        XCTAssertEqual(ImageSetLoader.defaultDataDirectory, NSHomeDirectory() + "/.cache/nnlab")
    }
}
